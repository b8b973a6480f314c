"""Editor's notes and Markdown footnotes as side notes, and the notes index page.

Both kinds of note render alike: the words they comment on are marked in the
text, the note sits beside its paragraph (in the margin on wide screens,
under the paragraph on narrow ones and in print), and both link back and forth.
"""
from __future__ import annotations

from collections import defaultdict

from . import urls
from .inline import Mark
from .labels import normalise_spaces
from .markdown import render_markdown
from .model import Archive, Meeting

ANNOTATIONS_INDEX = "annotations/index.html"
NOTES_SCRIPT = "static/notes.js"


def annotation_marks(archive: Archive) -> dict[tuple[str, int], list[Mark]]:
    """The quoted words as <mark>, followed by the note's number linking to it.

    The highlight comes last (priority 0) and is cut where it crosses another mark: a figure,
    a term or another note's words keep their own marks inside or beside it."""
    marks: dict[tuple[str, int], list[Mark]] = defaultdict(list)
    for note in archive.annotations:
        key = (note.meeting, note.paragraph)
        marks[key].append(Mark(note.start, note.end, "mark",
                               (("class", f"annotated {note.kind}"), ("id", f"note-ref-{note.number}")), 0,
                               splits=True))
        marks[key].append(Mark(note.end, note.end, "a",
                               (("class", "note-ref"), ("href", f"#note-{note.number}"),
                                ("aria-label", f"note {note.number}")), 5,
                               tail=str(note.number), tail_attrs=(("class", "note-num"),)))
    return marks


def shown_date(date) -> str:
    """"17 February 2023" as every page gives dates, or "" for none."""
    from .views import format_date  # imported here: views imports this module
    return format_date(date) if date else ""


def note_view(note, meeting: Meeting) -> dict:
    paragraph = next(p for p in meeting.paragraphs if p.number == note.paragraph)
    return {
        "id": f"note-{note.number}",
        "label": str(note.number),
        "back": f"#note-ref-{note.number}",
        "kind": note.kind,
        "author": note.author,
        "date": shown_date(note.date),
        "quote": normalise_spaces(paragraph.text[note.start:note.end]),
        "html": render_markdown(note.body, urls.meeting(meeting.slug), urls.meeting(meeting.slug)),
        "paragraph": note.paragraph,
        "at": note.start,  # where its words begin, as number_annotations numbers them
    }


def footnote_views(meeting: Meeting) -> list[dict]:
    """A .md transcript's footnotes, each placed beside the first paragraph citing it."""
    page = urls.meeting(meeting.slug)
    first_use: dict[str, tuple[int, int]] = {}
    for paragraph in meeting.paragraphs:
        for span in paragraph.format:
            if span.tag == "fnref":
                first_use.setdefault(span.value, (paragraph.number, span.start))
    return [{"id": f"fn-{label}", "label": label, "back": f"#p{first_use[label][0]}", "kind": "footnote",
             "author": "", "date": "", "quote": "", "html": render_markdown(text, page, page),
             "paragraph": first_use[label][0], "at": first_use[label][1]}
            for label, _, text in meeting.footnotes if label in first_use]


def meeting_notes(archive: Archive) -> dict[str, list[dict]]:
    """Meeting slug → its notes (editor's notes, then footnotes), in document order."""
    by_meeting = {m.slug: m for m in archive.meetings}
    notes: dict[str, list[dict]] = defaultdict(list)
    for note in archive.annotations:
        notes[note.meeting].append(note_view(note, by_meeting[note.meeting]))
    for meeting in archive.meetings:
        if meeting.footnotes:
            notes[meeting.slug] = numbered_as_one(notes[meeting.slug] + footnote_views(meeting))
    return {slug: sorted(found, key=lambda n: (n["paragraph"], n["at"], n["kind"] == "footnote"))
            for slug, found in notes.items()}


def numbered_as_one(notes: list[dict]) -> list[dict]:
    """A .md meeting's editor's notes and footnotes numbered in one run, in the order their marks
    stand in the text: each had its own ("1" twice), and the list at the end a third."""
    ranked = sorted(notes, key=lambda n: (n["paragraph"], n["at"], n["kind"] == "footnote"))
    return [{**note, "label": str(number)} for number, note in enumerate(ranked, 1)]


def shown_numbers(notes: list[dict]) -> dict[str, str]:
    """href of a note's mark in the text ("#note-3", "#fn-1") → the number its note shows, where
    that differs from the number the mark was made with (numbered_as_one)."""
    return {f"#{note['id']}": note["label"] for note in notes
            if note["label"] != (note["id"].removeprefix("fn-") if note["kind"] == "footnote"
                                 else note["id"].removeprefix("note-"))}


def notes_by_paragraph(notes: list[dict]) -> dict[int, list[dict]]:
    by_paragraph: dict[int, list[dict]] = defaultdict(list)
    for note in notes:
        by_paragraph[note["paragraph"]].append(note)
    return by_paragraph


def annotation_pages(archive: Archive):
    """annotations/index.html: every editor's note in the archive, by meeting."""
    notes = meeting_notes(archive)
    bodies = {(note.meeting, f"note-{note.number}"): note.body for note in archive.annotations}
    groups = []
    for meeting in reversed(archive.meetings):
        found = [n for n in notes.get(meeting.slug, []) if n["kind"] != "footnote"]
        if found:
            page = urls.meeting(meeting.slug)
            groups.append({"title": meeting.title, "href": page,
                           "date": shown_date(meeting.date),
                           "iso_date": meeting.date.isoformat() if meeting.date else "",
                           "notes": [{**n, "href": f"{page}#{n['back'][1:]}",  # its links made again for this page
                                      "html": render_markdown(bodies[meeting.slug, n["id"]], ANNOTATIONS_INDEX, page)}
                                     for n in found]})
    yield ANNOTATIONS_INDEX, "annotations.html", {"title": "Editor's notes", "groups": groups,
                                                  "count": sum(len(g["notes"]) for g in groups)}
