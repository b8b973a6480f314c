"""Editor's notes kept beside a transcript, anchored by a quote of its text.

`content/annotations/<transcript stem>.yaml` holds a list of notes, each with
`quote` (exact words), optional `prefix`/`suffix` to tell equal quotes apart
(as in the W3C TextQuoteSelector), a Markdown `body`, and optionally
`author`, `date` and `kind`. A quote that matches nowhere, or in more than
one place, is an error naming the annotation file and line: a note is never
dropped or attached to the wrong words. Matching forgives only NBSP versus
space and curly versus straight quotes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import yaml

from .frontmatter import SAFE_LOADER, nesting_problem, node_line, yaml_problem
from .model import Meeting, Problem, Source
from .parse import stem_of

KINDS = ("note", "correction", "source", "context")
FIELDS = ("quote", "prefix", "suffix", "body", "author", "date", "kind")
EQUIVALENT = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "’": "'", "‘": "'",
                            "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
"""One character for another, so offsets in the folded text are offsets in the original."""


@dataclass(frozen=True)
class Annotation:
    """A note anchored to words of one paragraph."""

    meeting: str
    """The meeting's slug."""
    paragraph: int
    start: int
    end: int
    """The quoted words are paragraph.text[start:end]."""
    number: int
    """1-based, in document order within the meeting; the note's anchor is note-<number>."""
    body: str
    """Markdown."""
    kind: str
    author: str
    date: dt.date | None
    path: str
    line: int
    """Where the note is written, for messages."""


def fold(text: str) -> str:
    return text.translate(EQUIVALENT)


def load_notes(source: Source) -> tuple[list[tuple[int, dict]], list[Problem]]:
    """(line, fields) per note of one annotation file, checked for shape and types.

    The file is loaded once for values and composed once for line numbers.
    """
    too_deep = nesting_problem(source.text, source.path, 1)
    if too_deep:
        return [], [too_deep]
    try:
        data = yaml.load(source.text, Loader=SAFE_LOADER)
        root = yaml.compose(source.text, Loader=SAFE_LOADER)
    except RecursionError:
        return [], [Problem(source.path, 1, "invalid YAML: nested too deeply")]
    except yaml.YAMLError as error:
        return [], [yaml_problem(error, source.path, source.text)]
    if data is None:
        return [], []
    if isinstance(data, dict) and "notes" in data:
        data = data["notes"]
        root = next((value for key, value in root.value if key.value == "notes"), root)
    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        return [], [Problem(source.path, 1, "annotation file must be a list of notes (or have 'notes:')")]
    notes, problems = [], []
    for node, item in zip(root.value, data):
        line = node_line(node, source.text)
        if not isinstance(item, dict):
            problems.append(Problem(source.path, line, "a note must be a mapping with quote and body"))
            continue
        found = check_note(item, source.path, line)
        if found:
            problems += found
            continue
        notes.append((line, item))
    return notes, problems


def check_note(data: dict, path: str, line: int) -> list[Problem]:
    problems = []
    for key in data:
        if key not in FIELDS:
            problems.append(Problem(path, line, f"unknown note field {key!r}"))
    for key in ("quote", "body"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            problems.append(Problem(path, line, f"note needs a non-empty {key}"))
    for key in ("prefix", "suffix", "author"):
        if key in data and not isinstance(data[key], str):
            problems.append(Problem(path, line, f"note {key} must be text"))
    if "kind" in data and data["kind"] not in KINDS:
        problems.append(Problem(path, line, f"note kind must be one of {', '.join(KINDS)}"))
    if "date" in data and not isinstance(data["date"], dt.date):
        problems.append(Problem(path, line, "note date must be an ISO date like 2024-01-31"))
    return problems


def find_quote(meeting: Meeting, quote: str, prefix: str, suffix: str) -> list[tuple[int, int, int]]:
    """(paragraph number, start, end) of every place the quote matches."""
    quote, prefix, suffix = fold(quote), fold(prefix), fold(suffix)
    places = []
    for paragraph in meeting.paragraphs:
        text = fold(paragraph.text)
        start = text.find(quote)
        while start != -1:
            end = start + len(quote)
            if text[:start].endswith(prefix) and text[end:].startswith(suffix):
                places.append((paragraph.number, start, end))
            start = text.find(quote, start + 1)
    return places


def anchor_annotations(sources: tuple[Source, ...], meetings: list[Meeting],
                       transcripts: list[str] = ()) -> tuple[tuple[Annotation, ...], list[Problem]]:
    """Every note anchored in its meeting, numbered in document order; problems for the rest.

    The notes on a transcript that is there but could not be read or parsed (one of the
    paths `transcripts` without a meeting) wait for it: its own errors are the ones to fix."""
    by_stem = {m.stem: m for m in meetings}
    unread = {stem_of(path) for path in transcripts} - by_stem.keys()
    anchored: list[Annotation] = []
    problems: list[Problem] = []
    for source in sources:
        stem = stem_of(source.path)
        meeting = by_stem.get(stem)
        if meeting is None and stem in unread:
            continue
        if meeting is None:
            problems.append(Problem(source.path, 1, f"no transcript named {stem}.txt or {stem}.md for these notes"))
            continue
        notes, found = load_notes(source)
        problems += found
        for line, data in notes:
            places = find_quote(meeting, data["quote"], data.get("prefix", ""), data.get("suffix", ""))
            if len(places) != 1:
                what = "not found" if not places else f"matches {len(places)} places (add a prefix or suffix)"
                problems.append(Problem(source.path, line,
                                        f"annotation quote {what} in {meeting.path}: {data['quote']!r}"))
                continue
            paragraph, start, end = places[0]
            anchored.append(Annotation(meeting=meeting.slug, paragraph=paragraph, start=start, end=end,
                                       number=0, body=data["body"].strip(), kind=data.get("kind", "note"),
                                       author=data.get("author", "").strip(), date=data.get("date"),
                                       path=source.path, line=line))
    return number_annotations(anchored), problems


def number_annotations(notes: list[Annotation]) -> tuple[Annotation, ...]:
    """Number notes 1, 2, … per meeting in the order their words appear."""
    ordered = sorted(notes, key=lambda n: (n.meeting, n.paragraph, n.start, n.end, n.line))
    numbered, counts = [], {}
    for note in ordered:
        counts[note.meeting] = counts.get(note.meeting, 0) + 1
        numbered.append(Annotation(**{**note.__dict__, "number": counts[note.meeting]}))
    return tuple(numbered)
