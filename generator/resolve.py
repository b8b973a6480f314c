"""Who spoke: turning labels into people across the whole archive.

A label resolves to (person, role in this meeting, note). The person is the
name with the title and note stripped, compared by `names.name_key`, so
"President of Russia Vladimir Putin", "Vladimir Putin" and "VLADIMIR PUTIN"
are one speaker under any title, in any meeting. The parser splits a titled
label knowing only its own file; here every meeting and speakers.yaml are
known, so a titled label that ends with a name seen anywhere resolves to that
name ("European Commission President Jose Manuel Barroso" when "Jose Manuel
Barroso" is known). Inside one meeting, "A. Voronin" or "Mr Voronin" is the
one Voronin who spoke there. Nothing looser is ever merged: near-duplicates
are for an editor (speaker_checks.py). Generic labels (Question, Remark, …)
are nobody.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from .labels import CONNECTORS, INSTITUTION_WORDS, TITLE_WORDS, label_core, normalise_spaces
from .model import Label, Meeting, Person, Problem, RoleUse, SpeakerOf, Source
from .names import alias_keys, fold, name_key, short_form
from .once import PerItem
from .slugs import free_slug, slugify
from .speakers_file import SpeakerEntry, load_speakers

ROLE_END_WORDS = TITLE_WORDS | frozenset("""
leader adviser advisor spokesman spokeswoman spokesperson coach presenter host moderator
""".split())
"""Words a title ends with: a capitalised word after one of them begins the name."""
MAX_NAME_WORDS = 6
Remembered = Callable[[str], PerItem]
"""Cache.remembered: values kept by name from one build to the next."""


@dataclass(frozen=True)
class Resolved:
    """What one label says: whose turn it is, and under which title."""

    key: str
    """The person's identity key."""
    name: str
    """The name as printed in this label (title and note stripped, spaces normalised)."""
    role: str
    """The title printed before the name in this label, or ""."""


@dataclass(frozen=True)
class Directory:
    """Every name the archive and speakers.yaml know, for splitting and merging labels."""

    aliases: dict[str, str]
    """Name key → canonical key, from speakers.yaml."""
    scoped: dict[tuple[str, str], str]
    """(meeting stem, name key) → canonical key, for aliases limited to some meetings."""
    known: dict[str, str]
    """Name key of every full name (two words or more) → the key it resolves to."""


def make_directory(meetings: list[Meeting], entries: tuple[SpeakerEntry, ...],
                   remembered: Remembered | None = None) -> Directory:
    """Names from speakers.yaml, plus every untitled label of the archive (`remembered`: see
    people_of_meetings).

    A one-word alias ("Lukashenka") also stands for the canonical given
    names with it ("Alexander Lukashenka"); aliases of an entry with
    `meetings:` apply only in those meetings.
    """
    aliases: dict[str, str] = {}
    scoped: dict[tuple[str, str], str] = {}
    for entry in entries:
        canonical = name_key(entry.name)
        aliases.setdefault(canonical, canonical)
        for alias in entry.aliases:
            for each in alias_keys(canonical, alias):
                if entry.meetings:
                    scoped.update({(stem, each): canonical for stem in entry.meetings})
                else:
                    aliases.setdefault(each, canonical)
    known = {key: canonical for key, canonical in aliases.items() if " " in key}
    for names in (remembered("full names").each(meetings, full_names) if remembered else map(full_names, meetings)):
        for key in names:
            known.setdefault(key, aliases.get(key, key))
    return Directory(aliases=aliases, scoped=scoped, known=known)


def full_names(meeting: Meeting) -> tuple[str, ...]:
    """Name keys of a meeting's untitled labels of a full name (two words or more, no initial)."""
    found = []
    for turn in meeting.turns:
        label = turn.label
        if label.generic or label.role:
            continue
        key = name_key(label.name)
        if " " in key and short_form(key.split(" ")) is None:
            found.append(key)
    return tuple(found)


def split_label(label: Label, directory: Directory) -> tuple[str, str]:
    """(name, role) of a person's label, using every name the archive knows.

    The longest known name that ends the label wins; otherwise the parser's
    split stands, except that a capitalised word stranded after the title
    word ("European Commission President Jose | Manuel Barroso") joins the name.
    """
    core = normalise_spaces(label_core(label))
    if name_key(core) in directory.aliases:
        return core, ""
    words = core.split(" ")
    for size in range(min(len(words), MAX_NAME_WORDS), 1, -1):
        if name_key(" ".join(words[-size:])) in directory.known:
            return " ".join(words[-size:]), " ".join(words[:-size]).strip(" ,")
    name, role = normalise_spaces(label.name), normalise_spaces(label.role)
    return rejoin_given_name(name, role)


def rejoin_given_name(name: str, role: str) -> tuple[str, str]:
    """Move a stranded given name from the end of the title back to the name."""
    words = role.split(" ")
    if len(words) < 2 or len(name.split(" ")) > 2:
        return name, role
    last, before = words[-1], words[-2].strip(",").casefold()
    plain = last.casefold()
    if (last[:1].isupper() and last[1:].islower() and last.isalpha()
            and plain not in ROLE_END_WORDS | INSTITUTION_WORDS | CONNECTORS
            and before in ROLE_END_WORDS):
        return f"{last} {name}", " ".join(words[:-1])
    return name, role


def resolve_turns(meetings: list[Meeting], entries: tuple[SpeakerEntry, ...] = (),
                  remembered: Remembered | None = None) -> dict[tuple[str, int], Resolved]:
    """(meeting slug, turn number) → Resolved, for every turn of a person (`remembered`: see
    people_of_meetings)."""
    resolved: dict[tuple[str, int], Resolved] = {}
    for found in people_of_meetings(meetings, make_directory(meetings, entries, remembered), remembered):
        resolved.update(found.resolved)
    return resolved


class MeetingPeople(NamedTuple):
    """One meeting's turns resolved, and what resolve_speakers sums of them."""

    resolved: dict[tuple[str, int], Resolved]
    """(meeting slug, turn number) → Resolved, for every turn of a person."""
    speaker_of: dict[tuple[str, int], str]
    """(meeting slug, turn number) → the person's key."""
    people: dict[str, list]
    """Person key → [each name their labels print, each label's printed form, the line of their
    first turn, the RoleUse of their first titled turn or None], in the order they first speak.
    The same RoleUse objects while the meeting is kept: a person resolved as before is then
    found equal to the last build's at once (jobs.kept_people)."""


def people_of_meetings(meetings: list[Meeting], directory: Directory,
                       remembered: Remembered | None = None) -> list[MeetingPeople]:
    """Each meeting's turns resolved from its own labels and the directory of every name.

    With `remembered` (a server's Cache.remembered, kept between rebuilds), a meeting
    resolved under the same directory before is not resolved again, nor its labels read
    again for the directory: a turn added by an edit resolved all 5,000 meetings' again
    (0.25 s), and summed their turns' names and titles (0.05 s)."""
    resolve = partial(meeting_people, directory=directory)
    return remembered("resolved").each(meetings, resolve, context=(directory,)) if remembered is not None \
        else list(map(resolve, meetings))


def meeting_people(meeting: Meeting, directory: Directory) -> MeetingPeople:
    """resolve_meeting, with who speaks each turn and what resolve_speakers sums of each person."""
    resolved = resolve_meeting(meeting, directory)
    people: dict[str, list] = {}
    for turn in meeting.turns:
        found = resolved.get((meeting.slug, turn.number))
        if found is None:
            continue
        held = people.get(found.key)
        if held is None:
            held = people[found.key] = [[], set(), turn.line, None]
        held[0].append(found.name)
        held[1].add(normalise_spaces(turn.label.printed))
        if found.role and held[3] is None:
            held[3] = RoleUse(role=found.role, meeting=meeting.slug, date=meeting.date)
    return MeetingPeople(resolved, {place: found.key for place, found in resolved.items()}, people)


def resolve_meeting(meeting: Meeting, directory: Directory) -> dict[tuple[str, int], Resolved]:
    """(meeting slug, turn number) → Resolved, for every turn of a person in one meeting."""
    here: dict[int, Resolved] = {}
    for turn in meeting.turns:
        if turn.label.generic:
            continue
        name, role = split_label(turn.label, directory)
        key = name_key(name)
        key = directory.scoped.get((meeting.stem, key)) or directory.aliases.get(key, key)
        here[turn.number] = Resolved(key=key, name=name, role=role)
    return {(meeting.slug, n): r for n, r in expand_short_forms(here).items()}


def expand_short_forms(here: dict[int, Resolved]) -> dict[int, Resolved]:
    """ "A. Voronin", "Mr Voronin", "Voronin" → the one full-named Voronin of this meeting."""
    full = {r.key for r in here.values() if short_form(r.key.split(" ")) is None}
    out = {}
    for number, found in here.items():
        short = short_form(found.key.split(" "))
        if short is not None:
            initial, surname = short
            matches = {key for key in full
                       if key.split(" ")[-1] == surname and key.startswith(initial)}
            if len(matches) == 1:
                found = Resolved(key=matches.pop(), name=found.name, role=found.role)
        out[number] = found
    return out


def display_name(forms: Counter) -> str:
    """The most used printed form, preferring normal capitalisation over ALL CAPS or odd case."""
    def quality(item):
        form, count = item
        words = form.split()
        proper = all(w[:1].isupper() and (w[1:].islower() or "-" in w or "'" in w or "’" in w)
                     for w in words if w[:1].isalpha() and len(w) > 1 and w.casefold() not in CONNECTORS)
        return (proper, count, form)
    return max(forms.items(), key=quality)[0]


def surname_first(name: str) -> str:
    """ "Alexander Van der Bellen" → "Van der Bellen, Alexander": the A–Z key."""
    words = name.split(" ")
    start = len(words) - 1
    while start > 0 and words[start - 1].casefold() in CONNECTORS:
        start -= 1
    return " ".join(words[start:]) + (", " + " ".join(words[:start]) if start else "")


def resolve_speakers(meetings: list[Meeting], speakers: Source | None = None, remembered: Remembered | None = None
                     ) -> tuple[list[Person], dict[tuple[str, int], str], list[Problem]]:
    """People sorted by slug, the person of each non-generic turn, and problems (`remembered`:
    see people_of_meetings)."""
    entries, problems = load_speakers(speakers)
    each = people_of_meetings(meetings, make_directory(meetings, entries, remembered), remembered)
    listed = {name_key(e.name): e for e in entries}
    said: dict[str, list[str]] = defaultdict(list)
    forms: dict[str, set[str]] = defaultdict(set)
    roles: dict[str, list[RoleUse]] = defaultdict(list)
    first_seen: dict[str, tuple[str, int]] = {}
    speaker_of = SpeakerOf()
    for meeting, found in zip(meetings, each):
        speaker_of.update(found.speaker_of)
        speaker_of.parts[meeting.slug] = found.speaker_of
        for key, (printed, labels, line, use) in found.people.items():
            said[key] += printed
            forms[key] |= labels
            if key not in first_seen:
                first_seen[key] = (meeting.path, line)
            if use is not None:
                roles[key].append(use)
    names = {key: Counter(printed) for key, printed in said.items()}
    display = {key: listed[key].name if key in listed else display_name(counter)
               for key, counter in names.items()}
    pinned = {key: listed[key].slug for key in names if key in listed and listed[key].slug}
    slugs, collisions = assign_slugs(display, pinned)
    for key, other, slug in collisions:
        path, line = first_seen[key]
        problems.append(Problem(path, line, f"speakers {display[key]!r} and {display[other]!r} share the slug "
                                f"{slugify(display[key])!r}; {display[key]!r} gets {slug!r} "
                                "(pin one with 'slug:' in speakers.yaml)", warning=True))
    people = []
    for key in names:
        entry = listed.get(key)
        people.append(Person(
            key=key, slug=slugs[key], name=display[key], forms=tuple(sorted(forms[key])),
            roles=tuple(roles[key]), bio=entry.bio if entry else "", link=entry.link if entry else "",
            names=tuple(sorted(names[key])), aliases=entry.aliases if entry else (),
            alias_meetings=entry.meetings if entry else (),
            spans=entry.roles if entry else (), listed=entry is not None,
            sort_name=fold(entry.sort_as if entry and entry.sort_as else surname_first(display[key])),
        ))
    return sorted(people, key=lambda p: p.slug), speaker_of, problems


def assign_slugs(display: dict[str, str], pinned: dict[str, str]) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """A unique, safe slug per person key, and the collisions as (key, taken by key, slug given).

    Pinned slugs are kept; the rest are numbered in the order of (name, key),
    so the outcome never depends on the order of files, and a person keeps
    their slug as long as the set of people sharing it does not change.
    """
    slugs = dict(pinned)
    taken = {slug: key for key, slug in pinned.items()}
    collisions = []
    for key in sorted((k for k in display if k not in pinned), key=lambda k: (display[k], k)):
        slug, owner = free_slug(display[key], taken)
        if owner is not None:
            collisions.append((key, owner, slug))
        taken[slug] = key
        slugs[key] = slug
    return slugs, collisions


def role_at(person: Person, meeting: Meeting | None = None, date: dt.date | None = None) -> str:
    """The person's role in a meeting: as its label said, else the speakers.yaml role of that date."""
    if meeting is not None:
        for use in person.roles:
            if use.meeting == meeting.slug:
                return use.role
        date = meeting.date
    for span in reversed(person.spans):
        if span.covers(date):
            return span.role
    return ""
