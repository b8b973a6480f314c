"""The example archive builds into exactly the committed golden tree, plus targeted asserts.

`python -m pytest tests/test_golden.py --update-golden` rewrites tests/golden/
from a fresh build; review the diff of the golden tree before committing it.
"""
from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import pytest

from conftest import CONTENT, GOLDEN, build_site
from sitecheck import Element, find_all, find_one, iter_elements, parse_html, text_of

SEED_PAGE = "meetings/2023-02-17-70530.html"
SOURCE = "http://en.kremlin.ru/events/president/transcripts/70530"
EXCERPT_LINES = 40


SKIPPED = ("static/", "search/")
"""Copies of our own assets and the generated search index (tested in a browser) are not compared."""


def read_tree(root: Path) -> dict[str, bytes]:
    return {name: p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not (name := p.relative_to(root).as_posix()).startswith(SKIPPED)}


def diff_excerpt(name: str, golden: bytes, built: bytes) -> str:
    """The first lines of a unified diff between two versions of one file."""
    try:
        old, new = golden.decode("utf-8").splitlines(), built.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return f"(binary file {name}: {len(golden)} bytes in golden, {len(built)} built)"
    lines = list(difflib.unified_diff(old, new, f"golden/{name}", f"built/{name}", n=2, lineterm=""))
    shown = [line if len(line) <= 200 else line[:197] + "…" for line in lines[:EXCERPT_LINES]]
    if len(lines) > EXCERPT_LINES:
        shown.append(f"… {len(lines) - EXCERPT_LINES} more diff lines")
    return "\n".join(shown)


def golden_mismatch(golden: dict[str, bytes], built: dict[str, bytes]) -> str:
    """A readable account of how two trees differ, or "" when they are equal."""
    missing = sorted(golden.keys() - built.keys())
    extra = sorted(built.keys() - golden.keys())
    changed = [name for name in sorted(golden.keys() & built.keys()) if golden[name] != built[name]]
    if not (missing or extra or changed):
        return ""
    parts = [f"the example site differs from tests/golden/: {len(changed)} changed, "
             f"{len(missing)} missing, {len(extra)} new file(s)"]
    if missing:
        parts.append("missing from the build: " + ", ".join(missing[:10]) + (" …" if len(missing) > 10 else ""))
    if extra:
        parts.append("not in golden: " + ", ".join(extra[:10]) + (" …" if len(extra) > 10 else ""))
    if changed:
        parts.append(f"first differing file: {changed[0]}\n" + diff_excerpt(changed[0], golden[changed[0]], built[changed[0]]))
    parts.append("if the change is intended: python -m pytest tests/test_golden.py --update-golden")
    return "\n".join(parts)


def test_example_site_matches_golden(example_site, update_golden):
    built = read_tree(example_site)
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, data in built.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
        print(f"\nrefreshed tests/golden/ with {len(built)} files")
        return
    if not GOLDEN.is_dir():
        pytest.fail("tests/golden/ is missing; create it with: python -m pytest tests/test_golden.py --update-golden")
    message = golden_mismatch(read_tree(GOLDEN), built)
    if message:
        pytest.fail(message, pytrace=False)


def test_mismatch_message_names_the_first_differing_file():
    golden = {"a.html": b"<p>one</p>\n<p>two</p>\n", "b.html": b"x\n", "gone.html": b""}
    built = {"a.html": b"<p>one</p>\n<p>TWO</p>\n", "b.html": b"y\n", "new.html": b""}
    message = golden_mismatch(golden, built)
    assert "2 changed, 1 missing, 1 new file(s)" in message
    assert "first differing file: a.html" in message
    assert "-<p>two</p>\n+<p>TWO</p>" in message
    assert "missing from the build: gone.html" in message and "not in golden: new.html" in message
    assert golden_mismatch(golden, dict(golden)) == ""


def test_two_builds_are_byte_identical(example_site, tmp_path):
    again = tmp_path / "again"
    build_site(CONTENT, again)
    assert golden_mismatch(read_tree(example_site), read_tree(again)) == ""


# --- targeted asserts on the seed meeting's page ---------------------------------

@pytest.fixture(scope="module")
def seed_page(example_site) -> tuple[str, Element]:
    html = (example_site / SEED_PAGE).read_text(encoding="utf-8")
    return html, parse_html(html)


def speaker_part(turn: Element) -> str:
    """The text of a turn outside its numbered paragraphs: the speaker's name and role."""
    return " ".join(text_of(child) for child in turn.children
                    if isinstance(child, Element) and not re.fullmatch(r"p\d+", child.attrs.get("id", "")))


def test_seed_turns_carry_speaker_slugs(seed_page):
    _, tree = seed_page
    turns = find_all(tree, cls="turn")
    assert [t.attrs.get("data-speaker") for t in turns] == ["vladimir-putin", "alexander-lukashenko"] * 12 + ["vladimir-putin"]
    putin_link = [a for a in find_all(turns[0], "a") if a.attrs.get("href") == "../speakers/vladimir-putin.html"]
    assert putin_link, "the first turn links to Putin's speaker page"


def test_seed_paragraph_anchors_in_document_order(seed_page):
    _, tree = seed_page
    ids = [e.attrs["id"] for e in iter_elements(tree) if re.fullmatch(r"p\d+", e.attrs.get("id", ""))]
    assert ids == [f"p{n}" for n in range(1, 46)]
    assert text_of(find_one(tree, id="p1")).startswith("The agenda included key aspects")
    in_turns = {e.attrs["id"] for t in find_all(tree, cls="turn") for e in iter_elements(t) if "id" in e.attrs}
    assert {f"p{n}" for n in range(2, 45)} <= in_turns
    assert "p1" not in in_turns and "p45" not in in_turns


def test_seed_roles_shown_on_first_appearance_only(seed_page):
    _, tree = seed_page
    turns = find_all(tree, cls="turn")
    first, second, third, fourth = (speaker_part(t) for t in turns[:4])
    assert "Vladimir Putin" in first and "President of Russia" in first
    assert "Alexander Lukashenko" in second and "President of the Republic of Belarus" in second
    assert "Vladimir Putin" in third and "President" not in third
    assert "Alexander Lukashenko" in fourth and "President" not in fourth


def test_seed_omission_is_styled_and_escaped(seed_page):
    html, tree = seed_page
    omission = find_one(tree, id="p45")
    assert "omission" in omission.classes
    assert text_of(omission).startswith("<…>")
    assert "&lt;…&gt;" in html and "<…>" not in html


def test_seed_links_to_its_source(seed_page):
    _, tree = seed_page
    assert find_all(tree, "a", href=SOURCE), "the meeting page links to the kremlin.ru original"
    assert "Meeting with President of Belarus Alexander Lukashenko" in text_of(find_one(tree, "h1"))
