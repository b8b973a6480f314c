"""Property tests (hypothesis) on the parser, the YAML readers, the slug maker and the renderer.

- the parser and the data-file readers report problems only as Problems (the
  parser raises only ContentErrors), each at a line inside the file;
- every slug is `^[a-z0-9-]{1,80}$`, not a reserved name, and the pages it
  names stay inside their folder of the site;
- the escaping renderer gives back exactly the text it was given, inside
  balanced tags it made itself;
- whole pages built from arbitrary transcripts parse as HTML without errors
  and hold no script or handler made from content.
"""
from __future__ import annotations

import posixpath
from html.parser import HTMLParser

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator import urls
from generator.annotations import load_notes
from generator.glossary_file import load_glossary
from generator.inline import Mark, render_text, text_marks
from generator.model import ContentErrors, ContentInput, Problem, Source
from generator.parse import parse_transcript, parse_with_problems
from generator.pipeline import load_archive
from generator.render import render_site
from generator.slugs import RESERVED, SLUG_RE, slugify, unique_slugs
from generator.speakers_file import load_speakers

FRAGMENTS = [
    "President of Russia Vladimir Putin:", "Vladimir Putin:", "Question:", "Alexander Lukashenko (retranslated):",
    "So today our specialists say: do not worry", "* * *", "<…>", "<...>", "(Applause.)", "[words]", "[", "]",
    "(", ")", "<", ">", "&", "&amp;", '"', "'", "---", "title: x", "date: 2023-02-17", "date: yesterday",
    "topics: [a, b", "- item", "  nested:", "\t", "\r", "\r\n", "\n", "\n\n", "\u00a0", "\u202e", "\x00", "\x1b",
    "\ufeff", "…", "Beginning of meeting with the President", "## Heading", "**Bold:** text", "[^1]",
    "[^1]: note", "[link](javascript:alert(1))", "<script>alert(1)</script>", "{{7*7}}", "{% if %}", "é", "е",
    "Ż", "中文", "US$43 billion", "80 percent", ":", " ", "x" * 200,
]
texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=40).map("".join)
yaml_texts = st.lists(st.one_of(st.sampled_from([
    "- ", "term: ", "name: ", "quote: ", "body: ", "topic: ", "definition: ", "aliases: ", "see_also: ",
    "roles: ", "- role: ", "from: ", "date: 2023-02-30", "date: 2023-02-17", "[", "]", "{", "}", "\n", "\n  ",
    "\n- ", "'", '"', "&a ", "*a", "!!python/object:os.system", "? ", ": ", "#", "|", ">", "\t", "x", "Union State",
    "notes:", "terms:", "topics:", "yes", "null", "~", "1e400", "2023-02-17 25:00:00"]),
    st.text(max_size=10)), max_size=60).map("".join)


def lines_of(text: str) -> int:
    """Lines as editors count them: CRLF, LF and lone CR each end one."""
    return text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


def assert_lines_inside(problems: list[Problem], text: str) -> None:
    for problem in problems:
        assert isinstance(problem, Problem)
        assert 1 <= problem.line <= lines_of(text), (problem, lines_of(text))


# ---------------------------------------------------------------- parser and readers

@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.sampled_from(["content/transcripts/x.txt", "content/transcripts/2023-02-17-y.md"]))
def test_parser_reports_only_problems_inside_the_file(text, path):
    meeting, problems = parse_with_problems(Source(path, text))
    assert_lines_inside(problems, text)
    try:
        parse_transcript(Source(path, text))
    except ContentErrors as errors:
        assert errors.problems
        assert_lines_inside(errors.problems, text)
    if meeting is not None:
        assert all(p.line <= lines_of(text) for p in meeting.paragraphs)
        assert [p.number for p in meeting.paragraphs] == list(range(1, len(meeting.paragraphs) + 1))


@settings(max_examples=300, deadline=None)
@given(yaml_texts)
def test_front_matter_reports_only_problems_inside_the_file(yaml_text):
    text = f"---\n{yaml_text}\n---\nVladimir Putin: Hello.\n"
    _, problems = parse_with_problems(Source("content/transcripts/x.txt", text))
    assert_lines_inside(problems, text)


@settings(max_examples=200, deadline=None)
@given(yaml_texts)
@example("\x85- ")  # YAML breaks lines at U+0085 (and U+2028/9); an editor shows one line
@example("a: 1\u2028b: [\n")
def test_data_files_report_only_problems_inside_the_file(text):
    _, problems = load_glossary(Source("content/glossary.yaml", text))
    assert_lines_inside(problems, text)
    _, problems = load_speakers(Source("content/speakers.yaml", text))
    assert_lines_inside(problems, text)
    _, problems = load_notes(Source("content/annotations/x.yaml", text))
    assert_lines_inside(problems, text)


# ---------------------------------------------------------------- slugs

@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), st.sampled_from(["../../x", "..%2f", "con", "CON", "index", "Index.", "nul",
                                             "search", "", "   ", "-", "中文", "..", "/etc/passwd"])))
def test_every_slug_is_safe_and_stays_in_its_folder(text):
    slug = slugify(text)
    assert SLUG_RE.match(slug), slug
    assert slug not in RESERVED
    for page in (urls.meeting(slug), urls.speaker(slug), urls.term(slug), urls.topic(slug)):
        folder = page.split("/")[0]
        assert posixpath.normpath(page).startswith(folder + "/") and posixpath.dirname(page) == folder


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=30))
def test_unique_slugs_are_unique_and_safe(names):
    slugs, _ = unique_slugs(names)
    assert set(slugs) == set(names)
    assert len(set(slugs.values())) == len(slugs)
    assert all(SLUG_RE.match(slug) for slug in slugs.values())


# ---------------------------------------------------------------- renderer

VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


class StrictChecker(HTMLParser):
    """Records what a strict reader would call an error: unbalanced tags, duplicate ids and
    attributes, handlers and inline scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = [name for name, _ in attrs]
        if len(names) != len(set(names)):
            self.errors.append(f"duplicate attribute in <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.errors.append(f"handler {name} on <{tag}>")
            if name == "id":
                if value in self.ids:
                    self.errors.append(f"duplicate id {value!r}")
                self.ids.add(value)
        if tag == "script" and "src" not in names:
            self.errors.append("inline script")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def check_html(markup: str) -> StrictChecker:
    checker = StrictChecker()
    checker.feed(markup)
    checker.close()
    if checker.stack:
        checker.errors.append(f"unclosed {checker.stack}")
    return checker


def marks_for(text: str):
    """Arbitrary marks over the text, as figures, terms and notes would add them."""
    positions = st.integers(min_value=0, max_value=len(text))
    mark = st.builds(lambda a, b, tag, value, priority, splits: Mark(
                         min(a, b), max(a, b), tag, (("class", value), ("href", value)), priority,
                         tail="1" if a == b else "", splits=splits),
                     positions, positions, st.sampled_from(["a", "span", "data", "mark"]), st.text(max_size=20),
                     st.integers(0, 4), st.booleans())
    return st.lists(mark, max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_renderer_gives_back_the_text_in_balanced_tags(data):
    text = data.draw(texts)
    marks = text_marks(text) + data.draw(marks_for(text))
    out = render_text(text, marks, "meetings/x.html")
    checker = check_html(f"<p>{out}</p>")
    assert [e for e in checker.errors if not e.startswith("duplicate id")] == []
    points = sum(1 for m in marks if m.start == m.end and m.tail)  # each point mark's tail is kept, once
    assert "".join(checker.text) == text if not points else len("".join(checker.text)) == len(text) + points


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(texts, min_size=1, max_size=3))
def test_whole_pages_from_arbitrary_transcripts_are_valid_and_script_free(bodies):
    sources = tuple(Source(f"content/transcripts/2023-02-{i + 10}-m.txt",
                           f"Vladimir Putin: Hello.\n{body}\nVladimir Putin: Goodbye.\n")
                    for i, body in enumerate(bodies))
    try:
        archive = load_archive(ContentInput(transcripts=sources))
    except ContentErrors as errors:
        assert all(isinstance(p, Problem) for p in errors.problems)
        return
    pages = render_site(archive)
    for path, data in pages.items():
        if not path.endswith(".html"):
            continue
        checker = check_html(data.decode("utf-8"))
        assert checker.errors == [], (path, checker.errors[:5])
