"""Views: the plain data each template receives, made from the Archive.

Each `*_pages` function yields (site path, template name, view dict) for one
kind of page. Links are site paths (see urls.py); templates make them
relative with the `link` filter. Paragraph HTML comes only from inline.py.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from . import urls
from .figures import figure_marks
from .glossary import term_marks
from .index import meetings_by_year, neighbours, speaking_shares
from .inline import Mark, render_text, text_marks
from .labels import normalise_spaces
from .model import Archive, Meeting, Paragraph, SectionBreak, Turn

ATTRIBUTION = ("Transcripts: Presidential Executive Office of the Russian Federation, "
               "en.kremlin.ru, licensed under CC BY 4.0.")


def format_date(date: dt.date | None) -> str:
    return f"{date.day} {date:%B %Y}" if date else "Undated"


def site_view(archive: Archive) -> dict:
    config = archive.config
    return {
        "title": config.title,
        "description": config.description,
        "language": config.language,
        "license": config.license or ATTRIBUTION,
        "nav": [
            {"label": "Archive", "href": urls.INDEX},
            {"label": "Speakers", "href": urls.SPEAKERS},
            {"label": "Figures", "href": urls.FIGURES},
            {"label": "Glossary", "href": urls.GLOSSARY},
        ],
        "stylesheet": urls.STYLESHEET,
    }


def meeting_summary(meeting: Meeting) -> dict:
    return {
        "title": meeting.title,
        "href": urls.meeting(meeting.slug),
        "date": format_date(meeting.date),
        "iso_date": meeting.date.isoformat() if meeting.date else "",
        "place": meeting.place,
        "summary": meeting.summary,
        "turns": len(meeting.turns),
    }


def index_pages(archive: Archive):
    years = [{"year": year or "Undated", "meetings": [meeting_summary(m) for m in meetings]}
             for year, meetings in meetings_by_year(archive).items()]
    yield urls.INDEX, "index.html", {"title": archive.config.title, "years": years,
                                     "count": len(archive.meetings)}


def paragraph_marks(archive: Archive) -> dict[tuple[str, int], list[Mark]]:
    """(meeting slug, paragraph number) → the marks every capability adds, in one pass."""
    marks: dict[tuple[str, int], list[Mark]] = defaultdict(list)
    for source in (figure_marks(archive), term_marks(archive)):
        for key, found in source.items():
            marks[key].extend(found)
    return marks


def paragraph_view(paragraph: Paragraph, meeting: Meeting, marks: dict, page: str) -> dict:
    own = marks.get((meeting.slug, paragraph.number), [])
    return {
        "id": f"p{paragraph.number}",
        "number": paragraph.number,
        "kind": paragraph.kind,
        "html": render_text(paragraph.text, text_marks(paragraph.text) + own, page),
    }


def meeting_pages(archive: Archive):
    people = {p.key: p for p in archive.people}
    around = neighbours(archive)
    marks = paragraph_marks(archive)
    for meeting in archive.meetings:
        yield urls.meeting(meeting.slug), "meeting.html", meeting_view(archive, meeting, people, around, marks)


def meeting_view(archive: Archive, meeting: Meeting, people: dict, around: dict, marks: dict) -> dict:
    page = urls.meeting(meeting.slug)
    blocks = []
    introduced: set[str] = set()
    roles: dict[str, str] = {}
    for block in meeting.blocks:
        if isinstance(block, SectionBreak):
            blocks.append({"type": "break"})
        elif isinstance(block, Paragraph):
            blocks.append({"type": "paragraph", **paragraph_view(block, meeting, marks, page)})
        elif isinstance(block, Turn):
            key = archive.speaker_of.get((meeting.slug, block.number))
            person = people.get(key)
            identity = key or "generic:" + block.label.name.casefold()
            role = normalise_spaces(block.label.role)
            first = identity not in introduced
            introduced.add(identity)
            if role and key and key not in roles:
                roles[key] = role
            blocks.append({
                "type": "turn",
                "id": f"t{block.number}",
                "speaker": person.slug if person else "",
                "name": person.name if person else normalise_spaces(block.label.name),
                "href": urls.speaker(person.slug) if person else "",
                "role": role if first else "",
                "note": block.label.note,
                "generic": block.label.generic,
                "paragraphs": [paragraph_view(p, meeting, marks, page) for p in block.paragraphs],
            })
    shares = speaking_shares(archive, meeting)
    total = sum(w for _, _, w in shares) or 1
    participants = []
    for key, name, words in shares:
        person = people.get(key)
        participants.append({
            "name": person.name if person else name,
            "href": urls.speaker(person.slug) if person else "",
            "slug": person.slug if person else "",
            "role": roles.get(key, ""),
            "words": words,
            "share": round(100 * words / total, 1),
        })
    spoken = {p["name"].casefold() for p in participants}
    for participant in meeting.participants:
        if participant.name.casefold() not in spoken:
            participants.append({"name": participant.name, "href": "", "slug": "", "role": participant.role,
                                 "words": 0, "share": 0.0})
    previous, following = around[meeting.slug]
    return {
        "title": meeting.title,
        "meeting": {**meeting_summary(meeting), "time": meeting.time, "source": meeting.source,
                    "topics": list(meeting.topics)},
        "participants": participants,
        "blocks": blocks,
        "previous": meeting_summary(previous) if previous else None,
        "next": meeting_summary(following) if following else None,
    }
