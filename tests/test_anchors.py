"""Anchors inside a meeting page: a permalink for every turn.

DESIGN.md: "every turn and paragraph has a short, stable anchor with a visible
permalink".
"""
from __future__ import annotations

import json
import re

import pytest

from conftest import CORPUS
from sitecheck import find_all, find_one, parse_html
from generator.model import Source
from generator.parse import parse_transcript


def test_every_turn_of_the_example_has_a_permalink_to_its_own_anchor(example_site):
    pages = sorted((example_site / "meetings").glob("*.html"))
    checked = 0
    for page in pages:
        tree = parse_html(page.read_text(encoding="utf-8"))
        ids = {e.attrs["id"] for e in find_all(tree) if "id" in e.attrs}
        data = json.loads((example_site / "data" / "meetings" / f"{page.stem}.json").read_text(encoding="utf-8"))
        turns = find_all(tree, "section", cls="turn")
        # The same numbers as the data export: both come from the turn's place in the file.
        assert [t.attrs["id"] for t in turns] == [t["anchor"] for t in data["turns"]], page.name
        for turn in turns:
            number = re.fullmatch(r"t([1-9][0-9]*)", turn.attrs["id"]).group(1)
            speaker = find_one(turn, "p", cls="speaker")
            [link] = find_all(speaker, "a", cls="permalink")
            assert link.attrs["href"] == "#" + turn.attrs["id"] and turn.attrs["id"] in ids
            assert link.attrs["aria-label"] == f"Link to turn {number}"
            checked += 1
    assert checked >= 100


def test_turn_anchors_stay_when_a_later_paragraph_changes():
    text = (CORPUS / "2016-04-07_51685.txt").read_text(encoding="utf-8") if CORPUS.is_dir() else pytest.skip()
    before = parse_transcript(Source("a.txt", text))
    lines = text.split("\n")
    lines[-1] += " An added sentence."
    after = parse_transcript(Source("a.txt", "\n".join(lines)))
    assert [(t.number, t.line) for t in before.turns] == [(t.number, t.line) for t in after.turns]


def test_turn_permalink_shows_on_focus_stays_plain_and_is_not_printed(example_site, browser):
    page = browser.new_page()
    try:
        page.goto((example_site / "meetings" / "2023-02-17-70530.html").as_uri())
        link = "#t2 .speaker .permalink"
        assert page.eval_on_selector(link, "e => getComputedStyle(e).opacity") == "0"
        page.focus(link)
        assert page.eval_on_selector(link, "e => getComputedStyle(e).opacity") == "1"
        page.click(link)
        page.wait_for_url("**#t2")
        assert page.query_selector(".cite-box") is None, "a turn's permalink opens no citation box"
        page.click("#p26 .permalink", force=True)
        citation = page.input_value(".cite-box textarea")
        assert citation.startswith("Alexander Lukashenko, “"), "the turn's # is not part of the speaker's name"
        page.emulate_media(media="print")
        assert page.eval_on_selector(link, "e => getComputedStyle(e).display") == "none"
    finally:
        page.close()
