"""`build.py check`: words that may deserve a glossary entry.

Acronyms ("OSCE", "MH17") and capitalised phrases said again and again
("Crimean Bridge") that no glossary entry covers are listed with their count
and their first place, so an editor can grow the glossary. People's names
are left out: the speakers are known, and a phrase with a courtesy title or
a speaker's name in it is about a person.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from .glossary_file import name_key
from .labels import normalise_spaces
from .model import Archive, ContentInput, Problem
from .terms import SEARCHED_KINDS, scoped_paragraphs

ACRONYM_RE = re.compile(r"(?<![\w-])(?=[A-Z0-9]*[A-Z][A-Z0-9]*[A-Z])[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*(?![\w-])")
"""Two capitals or more, digits and inner hyphens allowed: "EAEU", "MH17", "AI-95"."""
CAPITAL_WORD = r"[A-Z][a-z’'\-]*[a-z]"
CONNECTORS = r"(?:of|the|and|for|on|in|de|al)"
PHRASE_RE = re.compile(rf"(?<![\w-]){CAPITAL_WORD}(?:[ \u00a0]+(?:{CONNECTORS}[ \u00a0]+)*{CAPITAL_WORD})+(?![\w-])")
"""Two capitalised words or more, with "of", "the", "and" … between them."""

ORDINARY_ACRONYMS = frozenset("OK TV II III IV VI VII VIII IX XI XII XX XXI CEO PM AM".split())
SENTENCE_WORDS = frozenset("""the a an and but or so if in on at of for to as by with from this that these those
our we i you he she they it its my your their his her there here yes no now then when what why how who
thank thanks well also all let mr ms mrs dr mister madam dear good today yesterday tomorrow""".split())
"""Words that start a phrase only because they start a sentence, or say who is addressed."""
TITLES = frozenset("mr ms mrs dr mister madam president minister governor mayor deputy chairman".split())
MIN_ACRONYM = 2
MIN_PHRASE = 3
"""How often a candidate must occur to be suggested."""


@dataclass(frozen=True)
class Candidate:
    text: str
    kind: str
    count: int
    meetings: int
    path: str
    line: int


def trim_phrase(phrase: str) -> str:
    """Drop sentence-start words ("The", "But") and trailing connectors from a phrase."""
    words = phrase.split()
    while words and words[0].casefold() in SENTENCE_WORDS:
        words.pop(0)
    while words and re.fullmatch(CONNECTORS, words[-1]):
        words.pop()
    return " ".join(words)


def person_words(archive: Archive) -> frozenset[str]:
    """Casefolded words of every speaker's name: a phrase holding one is about a person."""
    words = set()
    for person in archive.people:
        for form in (person.name, *person.forms):
            name = normalise_spaces(form).split()
            words.update(w.casefold() for w in name[-2:] if len(w) > 2)
    return frozenset(words)


def known_names(archive: Archive) -> frozenset[str]:
    """Every glossary name (and the words it covers), so covered candidates are not suggested."""
    names = set()
    for entry in (archive.glossary.entries if archive.glossary else ()):
        names.update(name_key(n) for n in (entry.term, *entry.aliases))
    return frozenset(names)


def covered_spans(archive: Archive) -> dict[tuple[str, int], list[tuple[int, int]]]:
    spans: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    for hit in archive.term_hits:
        spans[(hit.meeting, hit.paragraph)].append((hit.start, hit.end))
    return spans


def find_candidates(archive: Archive) -> list[Candidate]:
    """Acronyms and repeated capitalised phrases not covered by the glossary, most frequent first."""
    known = known_names(archive)
    people = person_words(archive)
    covered = covered_spans(archive)
    seen: dict[tuple[str, str], dict] = {}
    for meeting in archive.meetings:
        for paragraph, _, _ in scoped_paragraphs(meeting):
            if paragraph.kind not in SEARCHED_KINDS:
                continue
            text = paragraph.text
            letters = [c for c in text if c.isalpha()]
            if letters and sum(c.isupper() for c in letters) > len(letters) / 2:
                continue  # a line in capitals is a heading or a shout, not acronyms
            terms = covered.get((meeting.slug, paragraph.number), [])
            found = [("acronym", m) for m in ACRONYM_RE.finditer(text)]
            found += [("phrase", m) for m in PHRASE_RE.finditer(text)]
            for kind, match in found:
                if any(match.start() < b and a < match.end() for a, b in terms):
                    continue
                said = normalise_spaces(match.group())
                if kind == "phrase":
                    said = trim_phrase(said)
                    words = [w.casefold().strip("’'") for w in said.split()]
                    if len(words) < 2 or words[0] in TITLES or any(w in people for w in words):
                        continue
                    if len(words) == 3 and words[1] == "and":
                        continue  # "Russia and Turkey": two names, not one
                elif said in ORDINARY_ACRONYMS:
                    continue
                if name_key(said) in known:
                    continue
                key = (kind, said.casefold() if kind == "phrase" else said)
                entry = seen.setdefault(key, {"text": said, "count": 0, "meetings": set(),
                                              "path": meeting.path, "line": paragraph.line})
                entry["count"] += 1
                entry["meetings"].add(meeting.slug)
    out = []
    for (kind, _), entry in seen.items():
        if entry["count"] >= (MIN_ACRONYM if kind == "acronym" else MIN_PHRASE):
            out.append(Candidate(entry["text"], kind, entry["count"], len(entry["meetings"]),
                                 entry["path"], entry["line"]))
    return sorted(out, key=lambda c: (-c.count, c.kind, c.text))


def glossary_candidates(archive: Archive, content: ContentInput) -> list[Problem]:
    """The `check` rule: each candidate as a warning at its first place in the archive."""
    target = content.glossary.path if content.glossary else "a glossary (the content folder has no glossary.yaml)"
    return [Problem(c.path, c.line,
                    f"glossary candidate {c.text!r} ({c.kind}): said {c.count} times in "
                    f"{c.meetings} meeting{'' if c.meetings == 1 else 's'}, not in {target}",
                    warning=True)
            for c in find_candidates(archive)]
