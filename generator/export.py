"""The archive as data: JSON files under data/, described by the schemas in schema/.

Researchers want the transcripts without scraping HTML: one file per meeting
(metadata, turns, paragraphs with their anchors, speakers, figures, terms)
and archive-wide lists of meetings, speakers, figures and glossary entries.
Figures and glossary records come from other steps; they are converted
generically (dataclass → object, Decimal → string, date → ISO text), so new
fields appear in the data without changes here.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal
from functools import lru_cache

from . import urls
from .index import speaker_stats, turn_words
from .model import Archive, Meeting, Paragraph, Person, SectionBreak, Turn

MEETINGS = "data/meetings.json"
SPEAKERS = "data/speakers.json"
FIGURES = "data/figures.json"
GLOSSARY = "data/glossary.json"
VERSION = 1


def meeting_data(slug: str) -> str:
    return f"data/meetings/{slug}.json"


@lru_cache(maxsize=None)
def field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass type (None for other types), looked up once per type."""
    return tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None


def plain(value):
    """A JSON-ready copy of a record: nested records become objects, a Meeting or Person its slug."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (Meeting, Person)):
        return value.slug
    if isinstance(value, (Paragraph, Turn)):
        return value.number
    names = field_names(type(value))
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(plain(v) for v in value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


def figure_records(archive: Archive) -> list[dict]:
    return [plain(figure) for figure in archive.figures]


def term_records(archive: Archive) -> list[dict]:
    return [plain(hit) for hit in archive.term_hits]


def glossary_records(archive: Archive) -> list[dict]:
    """Each glossary entry as an object (the Glossary's `entries`, or the glossary itself if a sequence)."""
    glossary = archive.glossary
    if glossary is None:
        return []
    entries = getattr(glossary, "entries", glossary)
    if isinstance(entries, dict):
        entries = entries.values()
    return [plain(entry) for entry in entries]


def date_text(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def meeting_record(meeting: Meeting) -> dict:
    """What a list of meetings says about one: enough to choose it and find its file."""
    return {
        "slug": meeting.slug,
        "title": meeting.title,
        "date": date_text(meeting.date),
        "time": meeting.time,
        "place": meeting.place,
        "summary": meeting.summary,
        "source": meeting.source,
        "topics": list(meeting.topics),
        "language": meeting.language,
        "page": urls.meeting(meeting.slug),
        "data": meeting_data(meeting.slug),
    }


def by_meeting(records: list[dict]) -> dict[str, list[dict]]:
    """Records grouped by their `meeting` slug, in their order."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        grouped[record.get("meeting")].append(record)
    return grouped


def meeting_document(archive: Archive, meeting: Meeting, people: dict[str, Person],
                     figures: list[dict], terms: list[dict]) -> dict:
    """One meeting in full: turns refer to paragraphs by number; each paragraph carries its anchor.

    `figures` and `terms` are this meeting's records.
    """
    turns, paragraphs, breaks, speakers = [], [], [], {}
    for block in meeting.blocks:
        if isinstance(block, SectionBreak):
            breaks.append(len(paragraphs) + 1)
            continue
        inside = block.paragraphs if isinstance(block, Turn) else (block,)
        person = None
        if isinstance(block, Turn):
            person = people.get(archive.speaker_of.get((meeting.slug, block.number), ""))
            label = block.label
            turns.append({
                "number": block.number,
                "anchor": f"t{block.number}",
                "label": " ".join(label.printed.split()),
                "name": person.name if person else " ".join(label.name.split()),
                "role": " ".join(label.role.split()),
                "note": label.note,
                "generic": label.generic,
                "speaker": person.slug if person else None,
                "words": turn_words(block),
                "paragraphs": [p.number for p in block.paragraphs],
            })
            if person:
                entry = speakers.setdefault(person.slug, {"slug": person.slug, "name": person.name,
                                                          "role": "", "page": urls.speaker(person.slug)})
                entry["role"] = entry["role"] or " ".join(label.role.split())
        for paragraph in inside:
            paragraphs.append({
                "number": paragraph.number,
                "anchor": f"p{paragraph.number}",
                "kind": paragraph.kind,
                "turn": block.number if isinstance(block, Turn) else None,
                "speaker": person.slug if person else None,
                "line": paragraph.line,
                "text": paragraph.text,
            })
    return {
        "version": VERSION,
        **meeting_record(meeting),
        "source_file": meeting.path,
        "participants": [{"name": p.name, "role": p.role} for p in meeting.participants],
        "speakers": list(speakers.values()),
        "section_breaks_before": breaks,
        "turns": turns,
        "paragraphs": paragraphs,
        "figures": figures,
        "terms": terms,
    }


def speaker_records(archive: Archive) -> list[dict]:
    stats = speaker_stats(archive)
    records = []
    for person in archive.people:
        found = stats.get(person.key)
        meetings = found.meetings if found else []
        records.append({
            **{f.name: plain(getattr(person, f.name)) for f in dataclasses.fields(person)},
            "page": urls.speaker(person.slug),
            "meetings": [m.slug for m in meetings],
            "turns": len(found.turns) if found else 0,
            "words": found.words if found else 0,
            "first": date_text(meetings[0].date) if meetings else None,
            "last": date_text(meetings[-1].date) if meetings else None,
        })
    return records


def dump(data) -> bytes:
    """Compact, deterministic JSON (key order as written), UTF-8, newline-terminated."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def data_files(archive: Archive) -> dict[str, bytes]:
    """Site path → JSON bytes for every file under data/."""
    people = {p.key: p for p in archive.people}
    figures, terms = figure_records(archive), term_records(archive)
    figures_in, terms_in = by_meeting(figures), by_meeting(terms)
    files = {
        MEETINGS: dump({"version": VERSION, "title": archive.config.title,
                        "meetings": [meeting_record(m) for m in archive.meetings]}),
        SPEAKERS: dump({"version": VERSION, "speakers": speaker_records(archive)}),
        FIGURES: dump({"version": VERSION, "figures": figures}),
        GLOSSARY: dump({"version": VERSION, "entries": glossary_records(archive)}),
    }
    for meeting in archive.meetings:
        files[meeting_data(meeting.slug)] = dump(meeting_document(archive, meeting, people,
                                                                       figures_in.get(meeting.slug, []),
                                                                       terms_in.get(meeting.slug, [])))
    return files
