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
import struct
import zlib
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache, partial
from pathlib import PurePosixPath

from . import urls
from .figures import Figure, sentences_of
from .index import speaker_stats, turn_words
from .json_bytes import compact_json
from .lazy import LazyView, fingerprint, inputs_digest
from .model import (Archive, Meeting, Paragraph, Person, SectionBreak, Turn, analysis_identity, figures_by_meeting,
                    hits_by_meeting, meeting_share, meetings_by_slug, named_people)
from .once import per_item
from .recall import Recall, recall_or_new
from .views import participant_keys, people_by_name, people_named
from .write import Reuse, chunk_bytes, digest_of

MEETINGS = "data/meetings.json"
SPEAKERS = "data/speakers.json"
FIGURES = "data/figures.json"
GLOSSARY = "data/glossary.json"
VERSION = 1


def meeting_data(slug: str) -> str:
    return f"data/meetings/{slug}.json"


PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})


@lru_cache(maxsize=None)
def field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass or named tuple type (None for other types), looked up once per type."""
    if dataclasses.is_dataclass(kind):
        return tuple(f.name for f in dataclasses.fields(kind))
    return getattr(kind, "_fields", None) if issubclass(kind, tuple) else None


def plain(value):
    """A JSON-ready copy of a record: nested records become objects, a Meeting or Person its slug."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (Meeting, Person)):
        return value.slug
    if isinstance(value, (Paragraph, Turn)):
        return value.number
    names = field_names(type(value))
    if names is not None:  # most fields are plain already: no call for them (a large archive has millions)
        return {name: field if type(field) in PLAIN_TYPES else plain(field)
                for name in names for field in (getattr(value, name),)}
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
    return records_of(archive.figures, meetings_by_slug(archive))


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


listed_record = per_item(meeting_record)
"""meeting_record, remembered for data/meetings.json: a server's rebuild makes only the edited
meeting's (5,000 records cost 0.06 s). Read-only: the same dict is dumped each time."""


def record_digest(meeting: Meeting) -> str | None:
    return fingerprint(meeting_record(meeting))


listed_digest = per_item(record_digest)
"""fingerprint of each meeting's record, remembered: data/meetings.json's quick key."""


def meetings_file(archive: Archive) -> bytes:
    return dump({"version": VERSION, "title": archive.config.title,
                 "meetings": [listed_record(archive, m) for m in archive.meetings]})


def meetings_inputs(archive: Archive) -> tuple:
    """What data/meetings.json is made from, in short: an edit to what was said leaves it as it
    was (dumping 5,000 records takes 0.03 s of a server's rebuild)."""
    return VERSION, archive.config.title, [listed_digest(archive, m) for m in archive.meetings]


def by_meeting(records: list[dict]) -> dict[str, list[dict]]:
    """Records grouped by their `meeting` slug, in their order."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        grouped[record.get("meeting")].append(record)
    return grouped


def meeting_document(archive: Archive, meeting: Meeting, people: dict[str, Person],
                     figures: list[dict], terms: list[dict], named: tuple[str, ...]) -> dict:
    """One meeting in full: turns refer to paragraphs by number; each paragraph carries its anchor.

    `figures` and `terms` are this meeting's records; `named`, the person key of each
    front-matter participant (views.participant_keys), in `people` when the archive knows them.
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
                "interrupted_start": "start" in paragraph.interrupted,
                "interrupted_end": "end" in paragraph.interrupted,
            })
    return {
        "version": VERSION,
        **meeting_record(meeting),
        # Its file name only: the path on the builder's disk is not published.
        "source_file": PurePosixPath(meeting.path).name,
        "participants": [{"name": participant.name, "role": participant.role,
                          "speaker": people[key].slug if key in people else None}
                         for participant, key in zip(meeting.participants, named, strict=True)],
        "speakers": list(speakers.values()),
        "section_breaks_before": breaks,
        "turns": turns,
        "paragraphs": paragraphs,
        "figures": figures,
        "terms": terms,
    }


@per_item
def person_fields(person: Person) -> dict:
    """plain(person), remembered: a server's rebuild that resolved no speaker again makes none
    (the roles of 200 people, 15,000 at 5,000 meetings, cost 0.07 s)."""
    return {f.name: plain(getattr(person, f.name)) for f in dataclasses.fields(person)}


def speaker_records(archive: Archive) -> list[dict]:
    stats = speaker_stats(archive)
    records = []
    for person in archive.people:
        found = stats.get(person.key)
        meetings = found.meetings if found else []
        records.append({
            **person_fields(archive, person),
            "page": urls.speaker(person.slug),
            "meetings": [m.slug for m in meetings],
            "turns": len(found.turns) if found else 0,
            "words": found.words if found else 0,
            "first": date_text(meetings[0].date) if meetings else None,
            "last": date_text(meetings[-1].date) if meetings else None,
        })
    return records


def speakers_file(archive: Archive, recall: Recall | None = None) -> bytes:
    """data/speakers.json, as dump makes it, with each person's record encoded again only when
    it changed since the last build (`recall.speaker_records`): an edit changes the words of a
    few people, and encoding everyone's (2.7 MB at 5,000 meetings, every meeting listed) took
    0.027 s of each server rebuild."""
    recall = recall_or_new(recall)
    last, parts, held = recall.speaker_records, [], {}
    for record in speaker_records(archive):
        known = last.get(record["slug"])
        if known is None or known[0] != record:
            known = (record, dump(record)[:-1])  # without the newline
        held[record["slug"]] = known
        parts.append(known[1])
    recall.speaker_records = held
    head = dump({"version": VERSION, "speakers": []})[:-3]  # without b"]}\n"
    return b"".join([head, b",".join(parts), b"]}\n"])


def dump(data) -> bytes:
    """Compact, deterministic JSON (key order as written), UTF-8, newline-terminated."""
    return compact_json(data) + b"\n"


def data_files(archive: Archive) -> dict[str, bytes]:
    """Site path → JSON bytes for every file under data/."""
    return {path: as_bytes(data) for kind in (data_file_items, meeting_data_items) for path, data in kind(archive)}


def as_bytes(data) -> bytes:
    """The bytes of a file as data_file_items gives it: bytes, chunks, or a lazy view of either."""
    data = data.made() if isinstance(data, LazyView) else data
    return data if isinstance(data, bytes) else b"".join(map(chunk_bytes, data))


def data_file_items(archive: Archive, recall: Recall | None = None):
    """(site path, JSON) of every file under data/ but the meetings' own (meeting_data_items),
    one at a time: a large archive's data is larger than its pages.

    The JSON is bytes, a list of byte chunks (data/figures.json, assembled
    meeting by meeting so that the records of every figure are never all in
    memory at once), or a lazy.LazyView whose `inputs` decide it (the figures
    file), so that a rebuild makes it only when they changed. `recall`: what the last
    build in this process left (recall.Recall).
    """
    inputs = partial(meetings_inputs, archive)
    yield MEETINGS, LazyView(meetings_file, archive, inputs=inputs, quick=partial(inputs_digest, inputs))
    yield SPEAKERS, speakers_file(archive, recall)
    yield GLOSSARY, dump({"version": VERSION, "entries": glossary_records(archive)})
    grouped = figures_by_meeting(archive)
    if grouped is None:  # figures not listed meeting by meeting (a hand-made archive): all records at once
        yield FIGURES, dump({"version": VERSION, "figures": figure_records(archive)})
        return
    yield FIGURES, LazyView(figures_file, archive.meetings, grouped, dict(archive.figures_json), archive.analysis_keys,
                            archive.figures_before,
                            inputs=lambda: (VERSION, [analysis_identity(archive, m.slug, tuple(grouped.get(m.slug, ())))
                                                      for m in archive.meetings]),
                            quick=partial(figures_quick, archive, grouped))


def meeting_data_items(archive: Archive, leave: frozenset[str] = frozenset()):
    """(site path, JSON) of each meeting's file under data/meetings/, but those of the meetings
    whose slugs are in `leave`: a lazy.LazyView whose `inputs` decide it, made from that
    meeting alone, so that a rebuild makes only changed ones and a fresh worker can make it
    (LazyView.detached)."""
    people = {p.key: p for p in archive.people}
    known = people_by_name(archive)
    grouped = figures_by_meeting(archive)
    if grouped is None:  # figures not listed meeting by meeting (a hand-made archive): all records at once
        terms_in = by_meeting(term_records(archive))
        records_in = by_meeting(figure_records(archive))
        for meeting in archive.meetings:
            if meeting.slug not in leave:
                yield meeting_data(meeting.slug), dump(meeting_document(
                    archive, meeting, people, records_in.get(meeting.slug, []), terms_in.get(meeting.slug, []),
                    participant_keys(meeting, known)))
        return
    made = dict(archive.figures_json)  # meeting slug → its figure records as JSON
    hits = LazyView(hits_by_meeting, archive)  # grouped on first use, when not kept apart: a rebuild may make no file
    shared = meeting_data_shared(archive)
    for meeting in archive.meetings:
        if meeting.slug in leave:
            continue
        named = participant_keys(meeting, known)
        arguments = (archive, meeting, people, grouped.get(meeting.slug, ()), hits, made, named)
        quick = meeting_data_quick(shared, archive.analysis_keys.get(meeting.slug), named)
        yield meeting_data(meeting.slug), LazyView(meeting_file, *arguments,
                                                   inputs=partial(meeting_file_inputs, *arguments), quick=quick,
                                                   detached=partial(detached_meeting_file, *arguments, quick))


def meeting_data_quicks(archive: Archive) -> list[tuple | None]:
    """LazyView.quick of each meeting's data file, in archive order (render.PER_MEETING); None
    for each when the figures are not listed meeting by meeting (the files are then bytes)."""
    if figures_by_meeting(archive) is None:
        return [None] * len(archive.meetings)
    shared, known = meeting_data_shared(archive), people_by_name(archive)
    return [meeting_data_quick(shared, archive.analysis_keys.get(meeting.slug), participant_keys(meeting, known))
            for meeting in archive.meetings]


def meeting_data_shared(archive: Archive) -> str | None:
    """What every meeting's data file shows of the whole archive: everyone's key, slug and name."""
    return fingerprint((VERSION, people_named(archive, archive.people)))


def meeting_data_quick(shared: str | None, key: str | None, named: tuple[str, ...]) -> tuple | None:
    """LazyView.quick of a meeting's data file: what they all share (everyone's key and slug among
    it), its analysis key, and whom its participants name (an edit to speakers.yaml may change it)."""
    return (shared, key, named) if shared and key else None


def detached_meeting_file(archive: Archive, meeting: Meeting, people: dict, figures, hits: Mapping, made: dict,
                          named: tuple[str, ...], quick: tuple | None) -> LazyView:
    """A meeting's data file's view made of that meeting's own values, for a fresh worker."""
    part = meeting_share(archive, meeting)
    arguments = (part, meeting, named_people(people, {*part.speaker_of.values(), *named}), figures,
                 {meeting.slug: hits.get(meeting.slug, ())},
                 {meeting.slug: made[meeting.slug]} if meeting.slug in made else {}, named)
    return LazyView(meeting_file, *arguments, inputs=partial(meeting_file_inputs, *arguments), quick=quick)


def figures_quick(archive: Archive, grouped: dict) -> str | None:
    """data/figures.json's quick key: a digest of each meeting's records as the analysis made
    them (Archive.figures_json), so that an edit that changes no figure keeps the file without
    assembling its chunks to compare (0.03 s of a server's rebuild at 5,000 meetings)."""
    digests = []
    for meeting in archive.meetings:
        if grouped.get(meeting.slug):
            part = archive.figures_json.get(meeting.slug)
            if part is None:
                return None
            digests.append(part_digest(archive, part))
    return fingerprint((VERSION, digests))


@per_item
def part_digest(part: bytes) -> str:
    """A digest of one meeting's packed records, remembered: a rebuild digests only the new ones."""
    return digest_of(part)


def meeting_file(archive: Archive, meeting: Meeting, people: dict, figures, hits: Mapping, made: dict,
                 named: tuple[str, ...]) -> bytes:
    """dump(meeting_document(…)), with the figures' JSON made with the analysis (`made`)
    joined in rather than made again: half the time of a meeting's file is its figures.
    `hits`: term hits by meeting slug."""
    terms = meeting_terms(hits, meeting)
    kept = made.get(meeting.slug)
    if kept is None:
        figures_json = records_json(figures, {meeting.slug: meeting})
        made[meeting.slug] = packed(figures_json)
    else:
        figures_json = unpacked(kept)
    document = meeting_document(archive, meeting, people, [], terms, named)
    del document["figures"], document["terms"]  # the last two keys: written after the rest
    head = dump(document)[:-2]  # without b"}\n"
    return b"".join([head, b',"figures":[', figures_json, b'],"terms":', dump(terms)[:-1], b"}\n"])


def meeting_terms(hits: Mapping, meeting: Meeting) -> list[dict]:
    """A meeting's term hits as records (term_records), from the hits by meeting slug."""
    return [plain(hit) for hit in hits.get(meeting.slug, ())]


def meeting_file_inputs(archive: Archive, meeting: Meeting, people: dict, figures, hits: Mapping, made: dict,
                        named: tuple[str, ...]) -> tuple:
    """What meeting_file reads: the meeting, who speaks and whom its participants name (as named
    and linked), its figures and terms."""
    terms = meeting_terms(hits, meeting)
    speakers = [archive.speaker_of.get((meeting.slug, turn.number)) for turn in meeting.turns]
    persons = [(key, person.slug, person.name) for key in dict.fromkeys([*speakers, *named])
               for person in (people.get(key),) if person]
    return VERSION, analysis_identity(archive, meeting.slug, meeting, tuple(figures)), speakers, named, persons, terms


def figure_json(records: list[dict]) -> bytes:
    """Records as the items of a JSON list, without the brackets (b"" for none).

    One dumps call for the whole list: a large archive has a hundred thousand figures.
    """
    return compact_json(records)[1:-1]


PACKED_LENGTH = struct.Struct("<I")
"""What starts packed JSON: its length unpacked, so that where each meeting's records lie in
data/figures.json is known without unpacking them (figures_layout)."""


def packed(data: bytes) -> bytes:
    """JSON kept for later, compressed (the fastest level: JSON shrinks eightfold even so)."""
    return PACKED_LENGTH.pack(len(data)) + zlib.compress(data, 1)


def unpacked(data: bytes) -> bytes:
    return zlib.decompress(memoryview(data)[PACKED_LENGTH.size:])


def unpacked_length(data: bytes) -> int:
    return PACKED_LENGTH.unpack_from(data)[0]


def records_of(figures, meetings: dict[str, Meeting]) -> list[dict]:
    """The records of `figures`, said in `meetings` (by slug): a Figure's with the sentence it
    was said in (figures.sentences_of), any other kind of figure's as plain() makes it."""
    figures = list(figures)
    ours = [figure for figure in figures if type(figure) is Figure]
    sentences = iter(sentences_of(ours, meetings))
    return [figure_record(figure, next(sentences)) if type(figure) is Figure else plain(figure) for figure in figures]


def figure_record(figure: Figure, sentence: str) -> dict:
    """plain(figure) with the sentence it was said in before `restates`, written out: the
    generic walk costs more than the JSON itself for 100,000 figures."""
    return {"said": figure.said, "value": _number(figure.value), "low": _number(figure.low),
            "high": _number(figure.high), "unit": figure.unit, "kind": figure.kind, "noun": figure.noun,
            "qualifier": figure.qualifier, "meeting": figure.meeting, "paragraph": figure.paragraph,
            "start": figure.start, "end": figure.end, "speaker": figure.speaker, "sentence": sentence,
            "restates": figure.restates}


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


FIGURES_HEAD = dump({"version": VERSION, "figures": []})[:-3]  # b'{"version":1,"figures":['
FIGURES_TAIL = b"]}\n"


def figures_file(meetings, grouped: dict, made: dict, keys: dict[str, str], before: dict) -> list:
    """data/figures.json as chunks, reusing each meeting's records made for its own file.

    A meeting whose records the last build's file holds from the same analysis (`before`:
    its figures_layout, `keys`: Archive.analysis_keys) is a write.Reuse of those bytes:
    a rebuild after one edit copies 170 MB at 5,000 meetings rather than unpack them.
    """
    chunks: list = [FIGURES_HEAD]
    for meeting in meetings:
        figures = grouped.get(meeting.slug, ())
        if figures:  # each meeting's records made as they are written (SiteWriter.put): 170 MB at 5,000
            part = made.pop(meeting.slug, None)
            if part is None:
                records = partial(records_json, figures, {meeting.slug: meeting})
            else:
                was = before.get(meeting.slug)
                same = was is not None and was[0] == keys.get(meeting.slug)
                records = Reuse(was[1], was[2], partial(unpacked, part)) if same else partial(unpacked, part)
            chunks += [b",", records]
    if len(chunks) > 1:
        del chunks[1]  # the comma before the first figure
    return chunks + [FIGURES_TAIL]


def records_json(figures, meetings: dict[str, Meeting]) -> bytes:
    return figure_json(records_of(figures, meetings))


def figures_layout(archive: Archive) -> dict[str, tuple[str, int, int]]:
    """Where figures_file puts each meeting's records: slug → (analysis key, offset, length),
    for the next build to reuse (figures_file's `before`); empty when not known."""
    grouped = figures_by_meeting(archive)
    if grouped is None:
        return {}
    layout = {}
    offset = len(FIGURES_HEAD) - 1  # as if a comma came before the first records
    for meeting in archive.meetings:
        if grouped.get(meeting.slug):
            part, key = archive.figures_json.get(meeting.slug), archive.analysis_keys.get(meeting.slug)
            if part is None or key is None:
                return {}
            length = unpacked_length(part)
            layout[meeting.slug] = (key, offset + 1, length)
            offset += 1 + length
    return layout
