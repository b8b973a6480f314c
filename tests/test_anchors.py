"""Anchors and marks inside a meeting page: a permalink for every turn, and the `…` of an interrupted sentence.

DESIGN.md: "every turn and paragraph has a short, stable anchor with a visible
permalink", and "a leading or trailing `…` marks an interrupted sentence".
The interruption cases are real kremlin.ru paragraphs (file and paragraph named).
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from conftest import CORPUS, build_site
from sitecheck import find_all, find_one, parse_html, text_of
from generator.model import Paragraph, Source, interruptions
from generator.parse import parse_transcript

STARTS = {"2018-04-27_57376.txt": 45}
"""'…this process will be drawn out to great lengths.' (Putin finishes a sentence after laughter)."""
ENDS = {"2016-04-07_51685.txt": 73}
"""'There is. You know, I’ll put it bluntly…' (the next turn: "I’m sorry, but can I make my point")."""
MIDDLE = {"2017-07-14_55052.txt": 35}
"""'Still I believe that we will retain the need… I am referring to …': a pause, not an interruption."""
OMISSIONS = {"2016-04-07_51685.txt": 66, "2018-04-27_57376.txt": 86}
"""'<…>' lines."""


@pytest.fixture(scope="module")
def corpus_pages(tmp_path_factory) -> dict[str, str]:
    """The three corpus files above built into one small site: {file name: meeting page HTML}."""
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is not available")
    content = tmp_path_factory.mktemp("interrupted") / "content"
    (content / "transcripts").mkdir(parents=True)
    names = sorted({*STARTS, *ENDS, *MIDDLE, *OMISSIONS})
    for name in names:
        shutil.copy(CORPUS / name, content / "transcripts" / name)
    out = content.parent / "site"
    build_site(content, out)
    pages = {}
    for name in names:
        slug = Path(name).stem.replace("_", "-")
        pages[name] = (out / "meetings" / f"{slug}.html").read_text(encoding="utf-8")
    return pages


def paragraph_in(pages: dict[str, str], name: str, number: int):
    return find_one(parse_html(pages[name]), id=f"p{number}")


def test_a_leading_ellipsis_marks_the_paragraph_interrupted_at_its_start(corpus_pages):
    for name, number in STARTS.items():
        para = paragraph_in(corpus_pages, name, number)
        assert "interrupted-start" in para.classes and "interrupted-end" not in para.classes
        dots = find_one(para, "span", cls="interruption")
        assert dots.attrs["title"] == "interrupted sentence"
        assert text_of(para).startswith("…this process will be drawn out"), "the text stays as published"


def test_a_trailing_ellipsis_marks_the_paragraph_interrupted_at_its_end(corpus_pages):
    for name, number in ENDS.items():
        para = paragraph_in(corpus_pages, name, number)
        assert "interrupted-end" in para.classes and "interrupted-start" not in para.classes
        assert text_of(find_one(para, "span", cls="interruption")) == "…"
        assert "I’ll put it bluntly<span class=\"interruption\"" in corpus_pages[name]


def test_an_ellipsis_inside_a_sentence_or_an_omission_is_not_an_interruption(corpus_pages):
    for name, number in {**MIDDLE, **OMISSIONS}.items():
        para = paragraph_in(corpus_pages, name, number)
        assert not any(c.startswith("interrupted") for c in para.classes), (name, number)
        assert find_all(para, "span", cls="interruption") == [], (name, number)
    assert "omission" in paragraph_in(corpus_pages, "2018-04-27_57376.txt", 86).classes


def test_interruptions_in_the_model_keep_the_text_as_published():
    cases = {
        "…this process will be drawn out.": ("start",),
        "I’ll put it bluntly…": ("end",),
        "Therefore, nothing illegal\u00a0…": ("end",),      # 2018-06-04_57675: a space before the dots
        "…": ("start", "end"),
        "the need… I am referring to": (),
        "the land of lords …”": (),                          # 2017-06-15_54790 p273: the dots end a quotation
        "<…>": (),
        "going to...": ("end",),
    }
    for text, sides in cases.items():
        assert Paragraph(1, "speech", text, 1).interrupted == sides, text
    text = "Therefore, nothing illegal\u00a0…"
    [(_, start, end)] = interruptions(text)
    assert text[start:end] == "…"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not available")
def test_the_corpus_counts_of_interrupted_paragraphs():
    """203 files: 4 paragraphs open with `…`, 60 close with one; the 155 `<…>` lines are neither."""
    sides, omissions = [], 0
    for path in sorted(CORPUS.glob("*.txt")):
        meeting = parse_transcript(Source(path.name, path.read_text(encoding="utf-8")))
        for paragraph in meeting.paragraphs:
            sides += paragraph.interrupted
            omissions += paragraph.kind == "omission" and not paragraph.interrupted
    assert (sides.count("start"), sides.count("end"), omissions) == (4, 60, 155)


def test_example_interrupted_paragraphs_are_exported(example_site):
    data = json.loads((example_site / "data" / "meetings" / "2018-06-04-57675.json").read_text(encoding="utf-8"))
    ends = [p for p in data["paragraphs"] if p["interrupted_end"]]
    assert ends and all(p["text"].rstrip().endswith("…") for p in ends)
    assert not any(p["interrupted_start"] for p in data["paragraphs"])
    html = (example_site / "meetings" / "2018-06-04-57675.html").read_text(encoding="utf-8")
    tree = parse_html(html)
    assert sorted(e.attrs["id"] for e in find_all(tree, cls="interrupted-end")) == sorted(p["anchor"] for p in ends)


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
        dots = "#p31.interrupted-start .interruption"  # "…they are making up to a thousand…": the seed's leading …
        hint = page.eval_on_selector(dots, "e => getComputedStyle(e, '::after').content")
        assert hint == '" (interrupted) "'
        assert page.eval_on_selector(dots, "e => e.getBoundingClientRect().width") < 20, "the hint is not shown"
        assert "…(interrupted)" in re.sub(r"\s+", "", page.locator("#p31").aria_snapshot()), "screen readers hear it"
        page.emulate_media(media="print")
        assert page.eval_on_selector(link, "e => getComputedStyle(e).display") == "none"
    finally:
        page.close()


REFERENCE_INTERRUPTIONS = (("start", re.compile(r"^\s*(…|\.\.\.)")), ("end", re.compile(r"(…|\.\.\.)\s*$")))
"""The rule as patterns: interruptions looks at the edges instead, and must find the same."""


@given(st.text(alphabet=st.sampled_from(" .…a\n\u00a0\u2003”<>")))
def test_interruptions_are_what_the_edge_patterns_find(text):
    matches = ((side, pattern.search(text)) for side, pattern in REFERENCE_INTERRUPTIONS)
    assert interruptions(text) == tuple((side, *match.span(1)) for side, match in matches if match)
