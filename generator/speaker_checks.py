"""`build.py check`: speakers who are probably one person under two spellings.

Resolution never merges on likeness (two Ivanovs stay two people), so the
likely cases are listed for an editor to settle in speakers.yaml: names one
edit apart once transliteration is folded away (Kleimenov / Kleymenov /
Kleimyonov, Sergei / Sergey), the same surname with the same initial
(Dmitry / Denis Manturov, a slip of the transcriber), and a name seen both
with and without a patronymic. A pair whose two people are both listed in
speakers.yaml is settled and not shown again.
"""
from __future__ import annotations

import posixpath
from collections import defaultdict
from itertools import combinations

from .model import Archive, ContentInput, Person, Problem
from .names import edit_distance, is_initial, name_key, name_words, skeleton, without_patronymic
from .resolve import resolve_turns
from .speakers_file import load_speakers

SHOWN_PLACES = 3
"""Occurrences listed per name; the rest are counted."""


def likely_same(a: list[str], b: list[str]) -> bool:
    """True when two names (as name_words) probably belong to one person."""
    if len(a) < 2 or len(b) < 2:
        return False
    if without_patronymic(a) == b or without_patronymic(b) == a:
        return True
    whole_a, whole_b = skeleton(" ".join(a)), skeleton(" ".join(b))
    if edit_distance(whole_a, whole_b, 2) <= 1:
        return True
    if len(a) == len(b) == 2 and skeleton(a[-1]) == skeleton(b[-1]):
        given_a, given_b = a[0], b[0]
        return given_a[:1] == given_b[:1] or is_initial(given_a) or is_initial(given_b)
    return False


def speakers_file_path(content: ContentInput) -> str:
    """Where speakers.yaml is, or would be, as messages show paths."""
    if content.speakers is not None:
        return content.speakers.path
    first = content.transcripts[0].path if content.transcripts else "content/transcripts/x"
    return posixpath.join(posixpath.dirname(posixpath.dirname(first)), "speakers.yaml")


def occurrences(archive: Archive, content: ContentInput) -> dict[str, list[tuple[str, int]]]:
    """Person key → (file, line) of each of their turns, in archive order."""
    entries, _ = load_speakers(content.speakers)
    places: dict[str, list[tuple[str, int]]] = defaultdict(list)
    turns = {(m.slug, t.number): (m.path, t.line) for m in archive.meetings for t in m.turns}
    for place, found in resolve_turns(list(archive.meetings), entries).items():
        places[found.key].append(turns[place])
    return places


def where(places: list[tuple[str, int]]) -> str:
    shown = ", ".join(f"{path}:{line}" for path, line in places[:SHOWN_PLACES])
    more = len(places) - SHOWN_PLACES
    return shown + (f" and {more} more" if more > 0 else "")


def candidate_pairs(people: list[Person]) -> set[tuple[int, int]]:
    """Index pairs worth comparing: sharing a surname, or a one-deletion variant of the whole name.

    Two spellings one edit apart always share a variant with one letter
    deleted, so bucketing by those variants finds every such pair without
    comparing everyone with everyone.
    """
    buckets: dict[str, set[int]] = defaultdict(set)
    for index, person in enumerate(people):
        words = name_words(person.name)
        whole = skeleton(" ".join(words))
        buckets["s:" + skeleton(words[-1])].add(index)
        for cut in range(len(whole) + 1):
            buckets["d:" + whole[:cut] + whole[cut + 1:]].add(index)
        short = without_patronymic(words)
        buckets["n:" + " ".join(short or words)].add(index)
    pairs = set()
    for members in buckets.values():
        pairs.update(combinations(sorted(members), 2))
    return pairs


def duplicate_speakers(archive: Archive, content: ContentInput) -> list[Problem]:
    """One warning per likely pair, placed at the rarer name's first turn."""
    places = occurrences(archive, content)
    yaml_path = speakers_file_path(content)
    people = sorted((p for p in archive.people if places.get(p.key)), key=lambda p: p.key)
    problems = []
    for i, j in sorted(candidate_pairs(people)):
        first, second = people[i], people[j]
        if settled(first, second):
            continue
        if not likely_same(name_words(first.name), name_words(second.name)):
            continue
        common, rare = sorted((first, second), key=lambda p: (-len(places[p.key]), p.key))
        path, line = places[rare.key][0]
        problems.append(Problem(path, line, f"possible duplicate speaker: {label(common)} ({where(places[common.key])}) "
                                f"and {label(rare)} ({where(places[rare.key])}) — settle it in {yaml_path}",
                                warning=True))
    return problems


def settled(a: Person, b: Person) -> bool:
    """Both listed in speakers.yaml, or one lists the other's name as its alias (limited to some meetings)."""
    if a.listed and b.listed:
        return True
    return (name_key(b.name) in {name_key(n) for n in a.aliases}
            or name_key(a.name) in {name_key(n) for n in b.aliases})


def label(person: Person) -> str:
    return repr(person.name)


def unused_speaker_entries(archive: Archive, content: ContentInput) -> list[Problem]:
    """An entry no label resolves to is usually a misspelt name; so is a meeting that does not exist."""
    entries, _ = load_speakers(content.speakers)
    speaking = {p.key for p in archive.people}
    stems = {m.stem for m in archive.meetings}
    problems = [Problem(content.speakers.path, entry.line, f"speakers.yaml lists {entry.name!r}, but no turn is "
                        "theirs; check the spelling or add the printed form to 'aliases'", warning=True)
                for entry in entries if name_key(entry.name) not in speaking]
    problems += [Problem(content.speakers.path, entry.line, f"{entry.name!r}: no transcript {stem!r} "
                         "(meetings: takes file names without .txt)", warning=True)
                 for entry in entries for stem in entry.meetings if stem not in stems]
    return problems
