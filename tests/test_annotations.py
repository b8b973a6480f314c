"""Editor's notes beside the published text, and Markdown transcripts with footnotes."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CONTENT, ROOT, SEED
from generator.annotations import anchor_annotations
from generator.model import Source
from generator.parse import parse_transcript
from sitecheck import find_all, find_one, parse_html, text_of

SEED_PAGE = "meetings/2023-02-17-70530.html"
SEED_NOTES = "content/annotations/2023-02-17_70530.yaml"


def seed_meeting():
    return parse_transcript(Source("content/transcripts/2023-02-17_70530.txt", SEED.read_text("utf-8")))


def anchor(yaml_text: str, meeting=None):
    return anchor_annotations((Source(SEED_NOTES, yaml_text),), [meeting or seed_meeting()])


def run_build(content: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out", str(out),
                           "--quiet"], capture_output=True, text=True, timeout=300)


def test_note_on_28_joint_programmes_sits_beside_its_paragraph(example_site):
    page = parse_html((example_site / SEED_PAGE).read_text("utf-8"))
    marked = [m for m in find_all(page, "mark", cls="annotated") if text_of(m) == "the 28 joint programmes"]
    assert len(marked) == 1
    rows = [row for row in find_all(page, "div", cls="para-row")
            if any(text_of(m) == "the 28 joint programmes" for m in find_all(row, "mark"))]
    assert len(rows) == 1
    paragraph = find_one(rows[0], "p", cls="para")
    assert text_of(paragraph).startswith("And of course, our further work to strengthen the Union State")
    assert "the 28 joint programmes" in text_of(paragraph) and "that we talked about" in text_of(paragraph)
    aside = find_one(rows[0], "aside", cls="sidenote")
    assert "approved by the Supreme State Council in November 2021" in text_of(aside)
    # Both link back and forth: the number in the text to the note, the note to the words.
    number = marked[0].attrs["id"].removeprefix("note-ref-")
    assert aside.attrs["id"] == f"note-{number}"
    assert find_one(rows[0], "a", cls="note-ref").attrs["href"] == f"#note-{number}"
    assert find_one(aside, "a", cls="note-label").attrs["href"] == f"#note-ref-{number}"


def test_meeting_lists_its_notes_at_the_end_and_the_index_lists_all(example_site):
    page = parse_html((example_site / SEED_PAGE).read_text("utf-8"))
    listed = find_all(find_one(page, "section", cls="meeting-notes"), "li")
    assert len(listed) == 8
    index = parse_html((example_site / "annotations/index.html").read_text("utf-8"))
    assert len(find_all(index, "li", cls="note")) == 11
    assert "over US$43 billion" in text_of(index)


def test_quote_said_twice_without_prefix_or_suffix_is_an_error_with_its_line():
    notes, problems = anchor("- quote: an attack plane, a workhorse\n  body: fine\n- quote: KAMAZ\n  body: Lorry maker.\n")
    assert [str(p) for p in problems] == [
        f"{SEED_NOTES}:3: annotation quote matches 3 places (add a prefix or suffix) in "
        "content/transcripts/2023-02-17_70530.txt: 'KAMAZ'"]


def test_prefix_and_suffix_pick_one_place_and_curly_quotes_match_straight_ones():
    notes, problems = anchor('- quote: KAMAZ\n  prefix: "tensions between "\n  body: x\n'
                             '- quote: "It\'s called \\"competition.\\""\n  body: y\n')
    assert problems == []
    meeting = seed_meeting()
    texts = {p.number: p.text for p in meeting.paragraphs}
    assert [texts[n.paragraph][n.start:n.end] for n in notes] == ["KAMAZ", "It’s called “competition.”"]


def test_malformed_notes_are_errors_never_dropped():
    notes, problems = anchor("- quote: KAMAZ\n  prefix: tensions between\n  body: ''\n  colour: red\n"
                             "- just a string\n")
    messages = sorted(str(p) for p in problems)
    assert messages == [f"{SEED_NOTES}:1: note needs a non-empty body",
                        f"{SEED_NOTES}:1: unknown note field 'colour'",
                        f"{SEED_NOTES}:5: a note must be a mapping with quote and body"]
    assert notes == ()


def test_edited_transcript_that_loses_a_quote_fails_the_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    seed = content / "transcripts" / SEED.name
    seed.write_text(seed.read_text("utf-8").replace("over US$43 billion", "over US$44 billion"), "utf-8")
    result = run_build(content, tmp_path / "site")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{content.as_posix()}/annotations/2023-02-17_70530.yaml:" in result.stderr or \
        "annotations/2023-02-17_70530.yaml:" in result.stderr
    assert "annotation quote not found" in result.stderr and "'over US$43 billion'" in result.stderr
    assert not (tmp_path / "site").exists()


MARKDOWN = """---
title: A Markdown meeting
date: 2024-03-01
---
The agenda had *one* item.[^1]

**Vladimir Putin:** Good afternoon. <script>alert("x")</script> See [the site](https://en.kremlin.ru)
and [this](javascript:alert(1)) too.

**Alexander Lukashenko:** Thank you.[^1]

[^1]: Editor's footnote with a [link](https://example.org) and <img src=x onerror=alert(1)>.
"""


def test_markdown_transcript_with_footnote_and_script_builds_safely(tmp_path):
    content = tmp_path / "content"
    (content / "transcripts").mkdir(parents=True)
    (content / "transcripts" / "2024-03-01-md.md").write_text(MARKDOWN, "utf-8")
    result = run_build(content, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "meetings" / "2024-03-01-md.html").read_text("utf-8")
    page = parse_html(html)
    turns = find_all(page, "section", cls="turn")
    assert [t.attrs["data-speaker"] for t in turns] == ["vladimir-putin", "alexander-lukashenko"]
    assert find_one(page, "em").children == ["one"] or text_of(find_one(page, "em")) == "one"
    footnote = find_one(page, "aside", id="fn-1")
    assert "Editor's footnote with a link" in text_of(footnote)
    assert [a.attrs["href"] for a in find_all(footnote, "a")] == ["#p1", "https://example.org"]
    # Content never becomes live markup: no script but our own, no event handlers, no javascript: link.
    scripts = [s.attrs.get("src", "") for s in find_all(page, "script")]
    assert all(src.startswith("../static/") for src in scripts)
    assert "<script>alert" not in html
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img" not in html
    assert not any(a.attrs.get("href", "").lower().startswith("javascript:") for a in find_all(page, "a"))
    assert "[this](javascript:alert(1))" in text_of(page)
    assert [a.attrs["href"] for a in find_all(page, "a", cls="fnref")] == ["#fn-1", "#fn-1"]


def test_notes_on_a_transcript_with_errors_wait_for_it(tmp_path):
    """A transcript that cannot be read gives its own error, not also "no transcript named … for
    these notes" for its notes, which was false: the transcript is there."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    seed = content / "transcripts" / "2023-02-17_70530.txt"
    seed.write_text(seed.read_text("utf-8").replace('title: "', 'title: ["', 1), "utf-8")
    result = run_build(content, tmp_path / "site")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{seed}:2: invalid YAML"), lines


CROSSING_NOTES = """
- quote: tensions between KAMAZ
  body: Crosses the note on "KAMAZ and MAZ".
- quote: billion last year
  body: Crosses the figure "over US$43 billion" and its note.
- quote: US$43
  body: Inside the figure and its note, which begin before it and end after it.
- quote: Supreme State
  prefix: "The "
  suffix: " Council."
  body: Ends inside the term "Supreme State Council" and the note on it.
"""


def words(node) -> str:
    """The words of an element as the text shows them, without a term's definition."""
    return "".join(child if isinstance(child, str) else "" if "term-def" in child.attrs.get("class", "")
                   else words(child) for child in node.children)


def test_notes_that_cross_figures_terms_and_other_notes_keep_every_mark(tmp_path):
    """A note's highlight is cut where it crosses another mark, so that nothing is dropped: the
    figure, the term and the other note keep their marks, every note keeps its anchor (the
    back links resolve), and a note's number that would fall inside a link moves to its end."""
    from sitecheck import site_problems
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    notes = content / "annotations" / "2023-02-17_70530.yaml"
    notes.write_text(notes.read_text("utf-8") + CROSSING_NOTES, "utf-8")
    result = run_build(content, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / SEED_PAGE).read_text("utf-8")
    page = parse_html(html)
    assert site_problems(tmp_path / "site") == []
    numbers = [a.attrs["href"].removeprefix("#note-") for a in find_all(page, "a", cls="note-ref")]
    assert len(numbers) == 12 and all(find_one(page, "mark", id=f"note-ref-{n}") for n in numbers)
    # the list at the end in the notes' order, so that its item numbers are theirs (a note inside
    # another, "US$43" in "over US$43 billion", was listed before it when ordered by its end)
    assert re.findall(r'<li class="note [^"]*"><a href="#note-ref-(\d+)"', html) == [str(n) for n in range(1, 13)]
    assert '<data class="figure" value="43000000000" data-unit="USD">' in html
    p12, p14, p26 = (find_one(page, "p", id=f"p{n}") for n in (12, 14, 26))
    assert [words(a) for a in find_all(p12, "a", cls="term")] == ["Supreme State Council"]
    assert [words(m) for m in find_all(p14, "mark")] == ["over US$43 billion", "US$43", "billion", " last year"]
    assert [words(m) for m in find_all(p26, "mark")] == ["tensions between KAMAZ", "KAMAZ", " and MAZ"]
    # the number of the note on "Supreme State" (now note 1) follows the term's link, not inside it
    assert ('<mark class="annotated note" id="note-ref-1">Supreme State</mark> Council<span class="term-def"' in html
            and '</a></mark><a class="note-ref" href="#note-1" aria-label="note 1"><span class="note-num">1</span></a>'
                '<a class="note-ref" href="#note-2"' in html)


LINE_BY_LINE = """---
title: Written line by line
date: 2024-03-02
---
The meeting opened at noon,
as planned.
Vladimir Putin: Hello.[^1] See the note.[^2]
Alexander Lukashenko: Hi there.
**Vladimir Putin:** Bye,
and thank you.

[^1]: The first note.
[^2]: The second note,
written on two lines.
"""


def test_markdown_lines_that_open_a_turn_or_a_footnote_begin_a_paragraph():
    """A .md transcript keeps Markdown's paragraphs (lines joined up to a blank line), but a
    line with a speaker's label opens a turn, as in .txt, and `[^2]:` under `[^1]:` is a
    second footnote, as mdit-py-plugins reads it: joined, the second turn and note were lost."""
    from generator.model import Source, Turn
    from generator.parse import parse_with_problems
    meeting, problems = parse_with_problems(Source("transcripts/2024-03-02_lines.md", LINE_BY_LINE))
    assert problems == []
    preamble, *turns = meeting.blocks
    assert (preamble.kind, preamble.text, preamble.line) == ("preamble", "The meeting opened at noon, as planned.", 5)
    assert all(isinstance(t, Turn) for t in turns)
    assert [(t.label.name, [p.text for p in t.paragraphs], t.line) for t in turns] == [
        ("Vladimir Putin", ["Hello. See the note."], 7),
        ("Alexander Lukashenko", ["Hi there."], 8),
        ("Vladimir Putin", ["Bye, and thank you."], 9)]
    assert meeting.footnotes == (("1", 12, "The first note."), ("2", 13, "The second note, written on two lines."))


def test_a_markdown_meetings_footnotes_and_editors_notes_are_numbered_as_one(tmp_path):
    """Each kind had its own numbers: the text showed "1" for a footnote and "1" for an editor's
    note, and the list at the end numbered them 1 and 2. Now one run, in the order their marks
    stand: in the text, beside it, and in the list alike."""
    content = tmp_path / "content"
    (content / "transcripts").mkdir(parents=True)
    (content / "annotations").mkdir()
    (content / "transcripts" / "2024-03-01_md.md").write_text(
        "---\ntitle: Notes\ndate: 2024-03-01\n---\nThe preamble mentions the Union State.[^a]\n\n"
        "**Vladimir Putin:** Good afternoon. This has a footnote[^b] too.\n\n**Alexander Lukashenko:** Thanks.[^a]\n\n"
        "[^a]: First footnote.\n[^b]: Second footnote.\n", "utf-8")
    (content / "annotations" / "2024-03-01_md.yaml").write_text("- quote: Good afternoon\n  body: A note.\n", "utf-8")
    result = run_build(content, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "meetings" / "2024-03-01-md.html").read_text("utf-8")
    assert re.findall(r'class="(?:note-num|fnref-label)">([^<]*)<', html) == ["1", "2", "3", "1"]
    assert re.findall(r'<aside class="sidenote[^"]*" id="([^"]+)"><a class="note-label"[^>]*>([^<]*)<', html) == [
        ("fn-a", "1"), ("note-1", "2"), ("fn-b", "3")]
    assert re.findall(r'<li class="note [^"]*"><a href="([^"]+)">([^<]*)</a>', html) == [
        ("#p1", "[1]"), ("#note-ref-1", "“Good afternoon”"), ("#p2", "[3]")]


def test_a_footnote_never_defined_or_never_referenced_is_a_warning_at_its_line():
    from generator.model import Source
    from generator.parse import parse_with_problems
    text = "---\ntitle: x\ndate: 2024-01-01\n---\nVladimir Putin: Hello[^1] and [^zz] again [^zz].\n\n[^1]: ok\n[^3]: unused\n"
    _, problems = parse_with_problems(Source("transcripts/2024-01-01_a.md", text))
    assert [str(p) for p in problems] == ["transcripts/2024-01-01_a.md:5: warning: footnote [^zz] is never defined",
                                          "transcripts/2024-01-01_a.md:8: warning: footnote [^3] is never referenced"]


def test_browser_toggles_notes_and_the_choice_persists(example_site, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((example_site / SEED_PAGE).as_uri())
    notes = page.locator("aside.sidenote")
    assert notes.count() == 8
    assert notes.first.is_visible()
    toggle = page.locator("#notes-toggle")
    assert toggle.is_visible() and toggle.inner_text() == "Hide notes"
    where = page.locator(".notes-where")  # says where the notes are, linking to the list at the end
    assert where.inner_text() == ", beside the text and listed at the end"
    where.locator("a").click()
    assert page.evaluate("location.hash") == "#notes-h" and page.locator("#notes-h").is_visible()
    toggle.click()
    assert not notes.first.is_visible() and not where.is_visible()
    assert toggle.get_attribute("aria-pressed") == "true"
    page.reload()
    assert not page.locator("aside.sidenote").first.is_visible()
    page.locator("#notes-toggle").click()
    assert page.locator("aside.sidenote").first.is_visible()
    page.emulate_media(media="print")  # printed: each note under its paragraph (issue 6), not the list again
    note, paragraph = page.locator("aside.sidenote").first, page.locator("#p12")
    assert note.is_visible() and not page.locator(".notes-control").is_visible()
    assert not page.locator(".meeting-notes").is_visible()
    below, text = note.bounding_box(), paragraph.bounding_box()
    assert below["y"] >= text["y"] + text["height"] and abs(below["x"] - text["x"]) < 5, (below, text)
    assert page.evaluate("getComputedStyle(document.querySelector('.source a'), '::after').content") == "none"
    for scheme in ("light", "dark"):  # printed from a browser in dark mode, names came out near white on white
        page.emulate_media(media="print", color_scheme=scheme)
        colours = page.evaluate("[...document.querySelectorAll('.speaker, .meta, .para')].map(e => getComputedStyle(e).color)")
        assert max(max(int(c) for c in re.findall(r"\d+", colour)[:3]) for colour in colours) < 110, scheme
    assert all(url.startswith("file:") for url in requests)
    context.close()


MARGIN_NOTES = """() => [...document.querySelectorAll('.para-row.has-notes')].map(row => {
    const para = row.querySelector('p').getBoundingClientRect();
    return {top: para.top, bottom: para.bottom, right: para.right,
            notes: [...row.querySelectorAll('aside.sidenote')].map(note => {
                const box = note.getBoundingClientRect();
                return [box.left, box.top, box.bottom];
            })};
})"""
"""Where each paragraph with notes is, and where each of its notes is (left, top, bottom), in CSS pixels."""
TEXT_TOPS = "() => [...document.querySelectorAll('.transcript .para')].map(p => p.getBoundingClientRect().top)"


def test_margin_notes_leave_the_text_alone_and_never_cover_each_other(example_site, browser):
    """On a wide screen the notes stand beside their paragraphs and the text is where it would be
    without them (a short paragraph with a long note had a gap under it as tall as the note, a
    paragraph with a note was 1.5rem narrower than the others, and a turn's last paragraph with a
    note had 0.8rem more before the next turn); a note that would meet the one before is moved
    below it: three of the seed's at 1400 px. On a narrower screen the notes come under their
    paragraphs, and back beside them when wide."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto((example_site / SEED_PAGE).as_uri())
    page.wait_for_function("document.documentElement.classList.contains('notes-placed')")
    for width in (1400, 800, 1400):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)  # the script places the notes at the next frame after a resize
        rows = page.evaluate(MARGIN_NOTES)
        assert len(rows) == 8
        if width < 1024:
            assert not page.evaluate("document.documentElement.classList.contains('notes-placed')")
            assert all(note[1] >= row["bottom"] for row in rows for note in row["notes"])  # under the text
            continue
        with_notes = page.evaluate(TEXT_TOPS)
        hiding = page.add_style_tag(content=".sidenotes { display: none !important; }"  # as if there were none
                                             " .para-row.has-notes { display: block !important; }"
                                             " .para-row.has-notes > .para { max-width: var(--measure); }")
        without_notes = page.evaluate(TEXT_TOPS)
        hiding.evaluate("style => style.remove()")
        assert len(with_notes) == 45 and with_notes == pytest.approx(without_notes, abs=0.5)
        assert all(note[0] > row["right"] and note[1] >= row["top"] - 1 for row in rows for note in row["notes"])
        notes = [note for row in rows for note in row["notes"]]
        assert all(later[1] >= earlier[2] for earlier, later in zip(notes, notes[1:]))
        moved = page.evaluate("[...document.querySelectorAll('.sidenotes')].filter(g => g.style.top).length")
        assert moved == 3
    # The citation box opened under the first paragraph with a note, the window resized (the notes are
    # placed again), the box closed: the text shrinks back, and the notes are placed again with it.
    page.locator(".para-row.has-notes > p a.permalink").first.click()
    page.set_viewport_size({"width": 1300, "height": 900})
    page.wait_for_timeout(100)
    page.click(".cite-box button[data-cite-action=close]")
    page.wait_for_timeout(100)
    notes = [note for row in page.evaluate(MARGIN_NOTES) for note in row["notes"]]
    assert all(later[1] >= earlier[2] for earlier, later in zip(notes, notes[1:]))
    page.close()


def test_a_notes_date_reads_as_every_pages_dates():
    """An editor's note's date as the rest of the site gives dates ("20 February 2023"), not ISO.
    (The notes index's meeting dates, which were ISO too, are in its golden page.)"""
    from generator.annotation_views import note_view
    notes, problems = anchor('- quote: KAMAZ\n  prefix: "tensions between "\n  date: 2023-02-20\n  body: x\n')
    assert problems == []
    assert note_view(notes[0], seed_meeting())["date"] == "20 February 2023"


def test_a_footnote_label_defined_twice_is_an_error_at_the_second_definition():
    """The second `[^1]:` was dropped without a word (the first won): the reader saw one note
    where the editor wrote two, and the build said nothing."""
    from generator.model import Source
    from generator.parse import parse_with_problems
    text = "---\ntitle: x\ndate: 2024-01-01\n---\nVladimir Putin: Hello[^1] and again[^1].\n\n[^1]: A\n\n[^1]: B\n"
    meeting, problems = parse_with_problems(Source("transcripts/2024-01-01_a.md", text))
    assert [str(p) for p in problems] == [
        "transcripts/2024-01-01_a.md:9: footnote [^1] is already defined at line 7; "
        "this definition would be lost (give it a label of its own)"]
    assert meeting.footnotes == (("1", 7, "A"),)


INDENTED = """---
title: Indented
date: 2024-03-04
---
Vladimir Putin: Hello.[^1]

[^1]: The note's first paragraph.

    Its second paragraph, indented
    on two lines.

	And a third, indented by a tab.

Alexander Lukashenko: Thanks.

    An indented paragraph of speech, after no footnote.
"""


def test_an_indented_paragraph_after_a_footnote_is_the_notes_next_paragraph(tmp_path):
    """As markdown-it reads a footnote: a blank line, then lines indented by four columns, go on
    with the note. They became speech of the last speaker. An indented paragraph elsewhere is
    still speech."""
    from generator.model import Source
    from generator.parse import parse_with_problems
    meeting, problems = parse_with_problems(Source("transcripts/2024-03-04_indented.md", INDENTED))
    assert problems == []
    assert [(t.label.name, [p.text for p in t.paragraphs]) for t in meeting.blocks] == [
        ("Vladimir Putin", ["Hello."]),
        ("Alexander Lukashenko", ["Thanks.", "An indented paragraph of speech, after no footnote."])]
    assert meeting.footnotes == (("1", 7, "The note's first paragraph.\n\nIts second paragraph, indented on two lines."
                                             "\n\nAnd a third, indented by a tab."),)
    content = tmp_path / "content"
    (content / "transcripts").mkdir(parents=True)
    (content / "transcripts" / "2024-03-04_indented.md").write_text(INDENTED, "utf-8")
    result = run_build(content, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = parse_html((tmp_path / "site" / "meetings" / "2024-03-04-indented.html").read_text("utf-8"))
    assert [text_of(p) for p in find_all(find_one(page, "aside", id="fn-1"), "p")] == [
        "The note's first paragraph.", "Its second paragraph, indented on two lines.",
        "And a third, indented by a tab."]
