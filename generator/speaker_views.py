"""Speaker pages: the index of everyone who spoke, and one page per person."""
from __future__ import annotations

from collections import Counter

from . import urls
from .index import speaker_stats, turn_words
from .labels import normalise_spaces
from .model import Archive
from .views import meeting_summary

SPEAKER_PAGE_SIZE = 100
"""Turns listed on one speaker page; longer histories continue on -p2, -p3 …"""


def speaker_index_pages(archive: Archive):
    stats = speaker_stats(archive)
    rows = []
    for person in archive.people:
        entry = stats.get(person.key)
        if entry is None:
            continue
        rows.append({"name": person.name, "href": urls.speaker(person.slug), "slug": person.slug,
                     "meetings": len(entry.meetings), "turns": len(entry.turns), "words": entry.words,
                     "sort_name": person.name.split()[-1].casefold() if person.name.split() else ""})
    rows.sort(key=lambda r: (r["sort_name"], r["name"]))
    yield urls.SPEAKERS, "speakers.html", {"title": "Speakers", "speakers": rows}


def excerpt(text: str, limit: int = 220) -> str:
    text = normalise_spaces(text)
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def speaker_pages(archive: Archive):
    stats = speaker_stats(archive)
    for person in archive.people:
        entry = stats.get(person.key)
        if entry is None:
            continue
        chunks = [entry.turns[i:i + SPEAKER_PAGE_SIZE] for i in range(0, len(entry.turns), SPEAKER_PAGE_SIZE)]
        pages = [urls.speaker(person.slug, n + 1) for n in range(len(chunks))]
        roles = Counter()
        role_meetings: dict[str, list[str]] = {}
        for use in person.roles:
            roles[use.role] += 1
            role_meetings.setdefault(use.role, []).append(use.meeting)
        common = {
            "title": person.name,
            "person": {"name": person.name, "slug": person.slug, "forms": list(person.forms),
                       "bio": person.bio, "link": person.link},
            "roles": [{"role": r, "count": c} for r, c in sorted(roles.items(), key=lambda x: (-x[1], x[0]))],
            "stats": {"meetings": len(entry.meetings), "turns": len(entry.turns), "words": entry.words,
                      "first": meeting_summary(entry.meetings[0]), "last": meeting_summary(entry.meetings[-1])},
            "pages": [{"number": n + 1, "href": href} for n, href in enumerate(pages)],
        }
        for number, chunk in enumerate(chunks, start=1):
            groups: list[dict] = []
            for meeting, turn in chunk:
                if not groups or groups[-1]["slug"] != meeting.slug:
                    groups.append({"slug": meeting.slug, "meeting": meeting_summary(meeting), "turns": []})
                first = turn.paragraphs[0] if turn.paragraphs else None
                groups[-1]["turns"].append({
                    "href": urls.paragraph(meeting.slug, first.number) if first else urls.turn(meeting.slug, turn.number),
                    "excerpt": excerpt(first.text) if first else "",
                    "words": turn_words(turn),
                })
            yield pages[number - 1], "speaker.html", {**common, "page_number": number, "groups": groups}
