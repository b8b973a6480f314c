"""The archive as JSON under data/: every file validates against the schemas in schema/."""
from __future__ import annotations

import dataclasses
import json
from collections import namedtuple
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import CONTENT, ROOT
from generator import export
from generator.figures import sentence_at
from generator.json_bytes import compact_json
from generator.pipeline import load_archive
from generator.read import read_content
from generator.recall import Recall

SEED = "2023-02-17-70530"
SCHEMAS = ROOT / "schema"


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_for(path: str) -> str:
    if path.startswith("data/meetings/"):
        return "meeting.schema.json"
    return Path(path).stem + ".schema.json"


def assert_valid(files: dict[str, bytes]) -> None:
    for path, data in files.items():
        errors = list(validator(schema_for(path)).iter_errors(json.loads(data)))
        assert errors == [], f"{path}: {errors[0].message} at {list(errors[0].absolute_path)}"


@pytest.fixture(scope="module")
def archive():
    return load_archive(read_content(CONTENT))


@pytest.fixture(scope="module")
def files(archive):
    return export.data_files(archive)


def test_built_data_folder_validates(example_site, archive):
    built = {p.relative_to(example_site).as_posix(): p.read_bytes() for p in (example_site / "data").rglob("*.json")}
    assert len(built) == 4 + len(archive.meetings)
    assert_valid(built)


def test_seed_meeting_file(files, archive):
    seed = json.loads(files[f"data/meetings/{SEED}.json"])
    meeting = next(m for m in archive.meetings if m.slug == SEED)
    assert seed["title"] == "Meeting with President of Belarus Alexander Lukashenko"
    assert seed["date"] == "2023-02-17" and seed["place"] == "Novo-Ogaryovo, Moscow Region"
    assert seed["page"] == f"meetings/{SEED}.html"
    assert len(seed["paragraphs"]) == len(meeting.paragraphs)
    assert seed["section_breaks_before"] == [2]
    p26 = seed["paragraphs"][25]
    assert p26["anchor"] == "p26" and p26["speaker"] == "alexander-lukashenko" and p26["kind"] == "speech"
    assert p26["text"] == "I will clarify for those present: remember, we always had some tensions between KAMAZ and MAZ."
    turn = next(t for t in seed["turns"] if t["number"] == p26["turn"])
    assert 26 in turn["paragraphs"] and turn["name"] == "Alexander Lukashenko"
    first = seed["turns"][0]
    assert (first["label"], first["role"], first["speaker"]) == ("President of Russia Vladimir Putin",
                                                                  "President of Russia", "vladimir-putin")
    assert [s["slug"] for s in seed["speakers"]] == ["vladimir-putin", "alexander-lukashenko"]
    hits = [h for h in archive.term_hits if h.meeting == SEED]
    assert len(seed["terms"]) == len(hits)


def test_archive_wide_files(files, archive):
    meetings = json.loads(files[export.MEETINGS])["meetings"]
    assert [m["slug"] for m in meetings] == [m.slug for m in archive.meetings]
    speakers = {s["slug"]: s for s in json.loads(files[export.SPEAKERS])["speakers"]}
    assert len(speakers) == len(archive.people)
    lukashenko = speakers["alexander-lukashenko"]
    assert SEED in lukashenko["meetings"] and lukashenko["last"] == "2023-02-17"
    glossary = json.loads(files[export.GLOSSARY])["entries"]
    assert len(glossary) == (len(archive.glossary.entries) if archive.glossary else 0)


def test_speakers_file_encodes_again_only_the_records_that_changed(archive, monkeypatch):
    """speakers.json is the dump of every record, whether each part is encoded now or kept from
    the last build's (a server's recall); a changed record (more words) is encoded again, the
    others are not."""
    whole = export.dump({"version": export.VERSION, "speakers": export.speaker_records(archive)})
    recall = Recall()
    assert export.speakers_file(archive, recall) == whole
    records = export.speaker_records(archive)
    records[0] = {**records[0], "words": records[0]["words"] + 5}
    monkeypatch.setattr(export, "speaker_records", lambda archive: records)
    encoded = []
    encode = export.compact_json
    monkeypatch.setattr(export, "compact_json", lambda value: encoded.append(value) or encode(value))
    changed = export.speakers_file(archive, recall)
    assert [record["slug"] for record in encoded if "slug" in record] == [records[0]["slug"]]
    assert changed == whole.replace(f'"words":{records[0]["words"] - 5}'.encode(),
                                    f'"words":{records[0]["words"]}'.encode(), 1)
    assert json.loads(changed)["speakers"] == records


@dataclasses.dataclass(frozen=True)
class SomeFigure:
    """Shaped like figures.Figure, so the export is checked before that step lands."""

    said: str
    value: Decimal | None
    unit: str
    kind: str
    meeting: str
    paragraph: int
    speaker: str | None


def test_figure_records_are_the_generic_records_and_their_sentence(archive):
    """export.figure_record spells out plain(figure) for speed, with the sentence the figure was said
    in before `restates`; the two must never drift apart."""
    assert len(archive.figures) > 20
    meetings = {m.slug: m for m in archive.meetings}
    records = export.figure_records(archive)
    assert len(records) == len(archive.figures)
    for figure, record in zip(archive.figures, records):
        paragraph = next(p for p in meetings[figure.meeting].paragraphs if p.number == figure.paragraph)
        assert record["sentence"] == sentence_at(paragraph.text, figure.start, figure.end)
        assert " ".join(figure.said.split()) in record["sentence"]
        generic = export.plain(figure)
        assert {k: v for k, v in record.items() if k != "sentence"} == generic
        fields = list(generic)
        assert list(record) == fields[:fields.index("restates")] + ["sentence"] + fields[fields.index("restates"):]
    trade = next(r for r in records if r["said"] == "over US$43 billion")
    assert trade["sentence"].startswith("I would like to note that bilateral trade")


def test_figures_are_exported_generically(archive):
    figure = SomeFigure("over US$43 billion", Decimal("43000000000"), "USD", "money", SEED, 15, "vladimir-putin")
    vague = SomeFigure("several billion", None, "", "count", SEED, 15, "vladimir-putin")
    files = export.data_files(dataclasses.replace(archive, figures=(figure, vague)))
    assert_valid(files)
    listed = json.loads(files[export.FIGURES])["figures"]
    assert listed[0] == {"said": "over US$43 billion", "value": "43000000000", "unit": "USD", "kind": "money",
                         "meeting": SEED, "paragraph": 15, "speaker": "vladimir-putin"}
    assert listed[1]["value"] is None
    assert len(json.loads(files[f"data/meetings/{SEED}.json"])["figures"]) == 2
    other = next(m.slug for m in archive.meetings if m.slug != SEED)
    assert json.loads(files[f"data/meetings/{other}.json"])["figures"] == []


def test_schemas_agree_and_can_fail(files):
    meeting = json.loads((SCHEMAS / "meeting.schema.json").read_text(encoding="utf-8"))
    figures = json.loads((SCHEMAS / "figures.schema.json").read_text(encoding="utf-8"))
    assert figures["$defs"]["figure"] == meeting["$defs"]["figure"]
    broken = json.loads(files[f"data/meetings/{SEED}.json"])
    broken["paragraphs"][0]["anchor"] = "para-1"
    broken["extra"] = True
    messages = sorted(e.message for e in validator("meeting.schema.json").iter_errors(broken))
    assert len(messages) == 2 and "'para-1' does not match '^p[1-9][0-9]*$'" in messages


def test_plain_turns_records_into_json_values():
    import datetime as dt
    assert export.plain({"a": (Decimal("1.50"), dt.date(2023, 2, 17)), "b": frozenset({"y", "x"})}) == \
        {"a": ["1.50", "2023-02-17"], "b": ["x", "y"]}


def test_data_files_are_the_bytes_the_standard_json_encoder_writes(files):
    """compact_json (orjson) writes what json.dumps(ensure_ascii=False, compact) did: every
    data file of the example site, read back and written by json, is the same bytes, and so
    are values with the characters JSON escapes or not; what orjson refuses, json writes."""

    def standard(value) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    for path, data in files.items():
        assert data == standard(json.loads(data)) + b"\n", path
    tricky = {"controls": "\x00\x1f\x7f", "separators": "\u2028\u2029", "quotes": "\"\\/<>&",
              "letters": "Путин’s — é", "numbers": [0, -1, 10**18], "empty": [None, True, {}, []]}
    assert compact_json(tricky) == standard(tricky)
    pair = namedtuple("Pair", "low high")(1, 2)
    assert compact_json({"range": pair, "big": 10**30}) == b'{"range":[1,2],"big":1000000000000000000000000000000}'


def test_a_meetings_participants_name_the_speakers_they_are(tmp_path):
    """A participant the archive knows (by name, by a name its labels printed, by a speakers.yaml
    alias, one limited to this meeting too) gives that speaker's slug, as the meeting page links
    them; others give null. The data file said only the name as written. Made in this process and
    by a fresh worker (a detached view), the same bytes."""
    from generator.model import ContentInput, Source
    from generator.lazy import view_of
    speakers = Source("speakers.yaml", "- name: Alexander Lukashenko\n  aliases: [Lukashenka]\n"
                                       "- name: Alexander Novak\n  aliases: [Novak]\n  meetings: [2024-01-02_a]\n")
    meeting = "---\ntitle: {title}\ndate: {date}\nparticipants: {named}\n---\nVladimir Putin: Hello.\n{said}\n"
    archive = load_archive(ContentInput(speakers=speakers, transcripts=(
        Source("transcripts/2024-01-02_a.txt", meeting.format(
            title="Energy", date="2024-01-02", said="Novak: Good afternoon.",
            named='["Lukashenka", "Finance Minister Anton Siluanov", "Novak", "Vladimir Putin", "Ivan Ivanov"]')),
        Source("transcripts/2024-01-03_b.txt", meeting.format(
            title="Chess", date="2024-01-03", named="[Novak]",
            said="Anton Siluanov: Thank you.\nAlexander Lukashenko: Yes.")))))
    items = dict(export.meeting_data_items(archive))
    energy, chess = (json.loads(view_of(items[f"data/meetings/{slug}.json"])) for slug in ("2024-01-02-a", "2024-01-03-b"))
    assert [(p["name"], p["role"], p["speaker"]) for p in energy["participants"]] == [
        ("Lukashenka", "", "alexander-lukashenko"), ("Anton Siluanov", "Finance Minister", "anton-siluanov"),
        ("Novak", "", "alexander-novak"), ("Vladimir Putin", "", "vladimir-putin"), ("Ivan Ivanov", "", None)]
    assert [(p["name"], p["speaker"]) for p in chess["participants"]] == [("Novak", None)]
    for path, view in items.items():
        assert view_of(view.detached()) == view_of(view), path
    assert_valid({path: view_of(view) for path, view in items.items()})
