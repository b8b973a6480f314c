"""The seed meeting (Putin–Lukashenko, 17 February 2023) parses into its exact structure."""
from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from conftest import SEED
from generator.model import Paragraph, SectionBreak, Source, Turn
from generator.parse import parse_transcript
from generator.resolve import resolve_speakers

PUTIN, LUKASHENKO = "Vladimir Putin", "Alexander Lukashenko"


@pytest.fixture(scope="module")
def seed():
    return parse_transcript(Source("content/transcripts/2023-02-17_70530.txt", SEED.read_text(encoding="utf-8")))


def test_front_matter(seed):
    assert seed.title == "Meeting with President of Belarus Alexander Lukashenko"
    assert seed.date == dt.date(2023, 2, 17)
    assert seed.place == "Novo-Ogaryovo, Moscow Region"
    assert seed.source == "http://en.kremlin.ru/events/president/transcripts/70530"
    assert seed.slug == "2023-02-17-70530"


def test_block_shape(seed):
    """Preamble, section break, 25 turns, closing omission — nothing else."""
    kinds = [type(b).__name__ for b in seed.blocks]
    assert kinds == ["Paragraph", "SectionBreak"] + ["Turn"] * 25 + ["Paragraph"]
    preamble, brk, *turns, omission = seed.blocks
    assert preamble.kind == "preamble" and preamble.line == 7
    assert preamble.text.startswith("The agenda included key aspects of the further development")
    assert isinstance(brk, SectionBreak) and brk.line == 8
    assert (omission.kind, omission.text, omission.line, omission.number) == ("omission", "<…>", 52, 45)


def test_turns_alternate_between_the_two_presidents(seed):
    names = [t.label.name for t in seed.turns]
    assert names == [PUTIN, LUKASHENKO] * 12 + [PUTIN]
    assert names.count(PUTIN) == 13 and names.count(LUKASHENKO) == 12
    assert [t.number for t in seed.turns] == list(range(1, 26))
    assert [t.line for t in seed.turns][:4] == [9, 11, 12, 14]
    assert seed.turns[-1].line == 51


def test_titles_on_first_labels_become_roles(seed):
    first, second, *rest = seed.turns
    assert (first.label.printed, first.label.role, first.label.name) == (
        "President of Russia Vladimir Putin", "President of Russia", PUTIN)
    assert (second.label.printed, second.label.role, second.label.name) == (
        "President of the Republic of Belarus Alexander Lukashenko", "President of the Republic of Belarus", LUKASHENKO)
    assert all(t.label.role == "" and t.label.printed == t.label.name for t in rest)
    assert not any(t.label.generic or t.label.note for t in seed.turns)


def test_resolved_to_two_people_with_their_roles(seed):
    people, speaker_of, problems = resolve_speakers([seed])
    assert problems == []
    assert [(p.slug, p.name) for p in people] == [("alexander-lukashenko", LUKASHENKO), ("vladimir-putin", PUTIN)]
    roles = {p.slug: [r.role for r in p.roles] for p in people}
    assert roles == {"alexander-lukashenko": ["President of the Republic of Belarus"],
                     "vladimir-putin": ["President of Russia"]}
    assert len(speaker_of) == 25


def test_paragraphs_numbered_in_document_order(seed):
    numbers = [p.number for p in seed.paragraphs]
    assert numbers == list(range(1, 46))
    kinds = {p.kind for t in seed.turns for p in t.paragraphs}
    assert kinds == {"speech"}
    assert [len(t.paragraphs) for t in seed.turns][:10] == [2, 1, 2, 1, 1, 1, 2, 1, 6, 8]


def test_prose_colons_continue_lukashenkos_turn(seed):
    """ "I will clarify for those present: …" and "So today our specialists say: …" are not labels."""
    turn = seed.turns[9]
    assert turn.label.name == LUKASHENKO and turn.line == 26
    texts = [p.text for p in turn.paragraphs]
    assert texts[-1] == "I will clarify for those present: remember, we always had some tensions between KAMAZ and MAZ."
    microelectronics = [t for t in texts if "So today our specialists say: do not worry" in t]
    assert len(microelectronics) == 1 and microelectronics[0].startswith("As for microelectronics")
    assert seed.turns[10].label.name == PUTIN
    assert seed.turns[10].paragraphs[0].text == "It’s called “competition.”"


def test_crlf_bom_and_nfd_give_the_same_meeting(seed):
    """A copy saved on Windows (CRLF, BOM) or decomposed (NFD) parses identically."""
    text = SEED.read_text(encoding="utf-8")
    variant = "\ufeff" + unicodedata.normalize("NFD", text).replace("\n", "\r\n")
    again = parse_transcript(Source(seed.path, variant))
    assert again.blocks == seed.blocks
    assert again.title == seed.title


def test_turn_texts_have_no_label_left(seed):
    first = seed.turns[0].paragraphs[0]
    assert (first.text, first.line) == ("Mr Lukashenko,", 9)
    assert all(not p.text.startswith((PUTIN, LUKASHENKO)) for p in seed.paragraphs)
    assert all(isinstance(b, (Paragraph, Turn, SectionBreak)) for b in seed.blocks)
