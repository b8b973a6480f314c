"""The topic glossary: glossary.yaml, term linking, glossary/term/topic pages, candidates.

Seed tests run on the example archive (content/); edge cases on small
fixtures in tests/fixtures/glossary/.
"""
from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.checks import content_checks
from generator.glossary import linked_hits, term_marks, without_clashing_terms
from generator.glossary_file import load_glossary
from generator.inline import Mark, render_text
from generator.model import ContentInput, Source
from generator.pipeline import load_archive
from generator.read import read_content
from generator.recall import Recall
from generator import glossary_views, views
from generator.render import PAGES, make_environment, static_files
from generator.term_candidates import find_candidates
from generator.terms import find_terms

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "glossary"
from conftest import CONTENT, CORPUS  # noqa: E402
SEED = "2023-02-17-70530"


def fixture(name: str) -> Source:
    return Source(f"tests/fixtures/glossary/{name}", (FIXTURES / name).read_text(encoding="utf-8"))


def render_pages(archive, kinds=(views.meeting_pages, glossary_views.glossary_pages,
                                 glossary_views.term_pages, glossary_views.topic_pages)) -> dict[str, str]:
    """The pages this capability makes or changes, rendered alone (other page kinds may be mid-work)."""
    env = make_environment()
    site = views.site_view(archive)
    pages = {path: data.decode() for path, data in static_files(None).items()}
    for kind in kinds:
        for path, template, view in kind(archive):
            pages[path] = env.get_template(template).render(page=path, site=site, **view)
    return pages


def archive_of(transcripts: dict[str, str], glossary: Source | None, site: str = ""):
    return load_archive(ContentInput(
        transcripts=tuple(Source(f"content/transcripts/{name}", text) for name, text in transcripts.items()),
        site=Source("content/site.yaml", site) if site else None,
        glossary=glossary))


@pytest.fixture(scope="module")
def example():
    return load_archive(read_content(ROOT / "content"))


@pytest.fixture(scope="module")
def example_site(example):
    return render_pages(example)


@pytest.fixture(scope="module")
def edge():
    return archive_of({"2020-01-02_edge.txt": fixture("edge-meeting.txt").text}, fixture("edge.yaml"))


class Page(HTMLParser):
    """Ids, links (with their nearest paragraph id) and term links of one page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[dict] = []
        self.stack: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        element = {"tag": tag, "attrs": attrs, "text": ""}
        if tag == "a" and "href" in attrs:
            element["para"] = next((e["attrs"]["id"] for e in reversed(self.stack) if e["attrs"].get("id", "").startswith("p")), "")
            element["classes"] = [c for e in self.stack for c in e["attrs"].get("class", "").split()]
            self.links.append(element)
        if tag not in ("br", "hr", "img", "meta", "link", "input"):
            self.stack.append(element)

    def handle_endtag(self, tag):
        while self.stack:
            element = self.stack.pop()
            if element["tag"] == tag:
                break

    def handle_data(self, data):
        # Text counts for every open element except inside a tooltip.
        if any("term-def" in e["attrs"].get("class", "") for e in self.stack):
            return
        for element in self.stack:
            element["text"] += data

    def terms(self) -> list[dict]:
        return [link for link in self.links if link["attrs"].get("class") == "term"]


def paragraph_number(archive, slug: str, text: str) -> int:
    meeting = next(m for m in archive.meetings if m.slug == slug)
    return next(p.number for p in meeting.paragraphs if p.text.startswith(text))


# --- the seed meeting ----------------------------------------------------------

def test_seed_ssc_and_supreme_state_council_link_to_the_same_entry(example, example_site):
    page = Page(example_site[f"meetings/{SEED}.html"])
    council = paragraph_number(example, SEED, "The Supreme State Council.")
    ssc = paragraph_number(example, SEED, "The SSC, yes.")
    first = [t for t in page.terms() if t["para"] == f"p{council}"]
    second = [t for t in page.terms() if t["para"] == f"p{ssc}"]
    assert [(t["text"], t["attrs"]["href"]) for t in first] == [("Supreme State Council", "../glossary/supreme-state-council.html")]
    assert [(t["text"], t["attrs"]["href"]) for t in second] == [("SSC", "../glossary/supreme-state-council.html")]


def test_seed_kamaz_is_linked_once_per_turn(example, example_site):
    meeting = next(m for m in example.meetings if m.slug == SEED)
    turn = next(t for t in meeting.turns if any("and KAMAZ makes them for us" in p.text for p in t.paragraphs))
    said = [h for h in example.term_hits if h.meeting == SEED and h.term == "kamaz"]
    assert [(h.turn, h.said) for h in said] == [(turn.number - 2, "KAMAZ"), (turn.number, "KAMAZ"), (turn.number, "KAMAZ")]
    page = Page(example_site[f"meetings/{SEED}.html"])
    kamaz = [t for t in page.terms() if t["text"] == "KAMAZ"]
    assert len(kamaz) == 2  # two turns mention KAMAZ; the second twice
    every = dataclasses.replace(example, config=dataclasses.replace(example.config, term_links="all"))
    assert sum(1 for h in linked_hits(every) if h.term == "kamaz" and h.meeting == SEED) == 3


def test_seed_su25_is_a_linked_term_and_not_a_figure(example, example_site):
    number = paragraph_number(example, SEED, "…they are making up to a thousand component parts.")
    html = example_site[f"meetings/{SEED}.html"]
    paragraph = re.search(rf'<p id="p{number}".*?</p>', html, re.S).group()
    assert '<a class="term" href="../glossary/su-25.html"' in paragraph
    assert re.search(r'<data class="figure"[^>]*>[^<]*25', paragraph) is None
    hit = next(h for h in example.term_hits if h.term == "su-25")
    assert not [f for f in example.figures if (f.meeting, f.paragraph) == (hit.meeting, hit.paragraph)
                and f.start < hit.end and hit.start < f.end]


def test_glossary_exposes_product_names_for_the_figures_step(example):
    entries = {e.term: e for e in example.glossary.entries}
    assert "SSC" in entries["Supreme State Council"].aliases  # abbreviations are aliases too
    assert {"Sukhoi Superjet 100", "Superjet"} <= set(entries["Superjet 100"].aliases)
    assert {"MC-21", "Su-25", "Superjet 100"} <= set(entries)


def test_a_term_in_a_speaker_label_is_never_linked():
    source = CORPUS / "2019-02-12_59816.txt"
    if not source.exists():
        pytest.skip("corpus not available")
    archive = archive_of({source.name: source.read_text(encoding="utf-8")}, Source("content/glossary.yaml", (ROOT / "content" / "glossary.yaml").read_text()))
    meeting = archive.meetings[0]
    kogogin = next(t for t in meeting.turns if "KAMAZ" in t.label.printed)
    html = render_pages(archive, (views.meeting_pages,))[f"meetings/{meeting.slug}.html"]
    labels = re.findall(r'<p class="speaker">.*?</p>', html, re.S)
    assert any("KAMAZ General Director" in label for label in labels)
    assert not any('class="term"' in label for label in labels)
    # KAMAZ is linked where it is said, in the preamble, but never from the label's turn.
    assert {h.turn for h in archive.term_hits if h.term == "kamaz"} == {0}
    assert kogogin.number not in {h.turn for h in archive.term_hits}


def test_example_glossary_is_large_and_every_seed_institution_is_found(example):
    assert len(example.glossary.entries) >= 40
    seed = {h.term for h in example.term_hits if h.meeting == SEED}
    assert {"supreme-state-council", "union-state", "eurasian-economic-union", "kamaz", "maz", "mc-21",
            "superjet-100", "su-25", "import-substitution", "microelectronics"} <= seed


# --- edge cases -----------------------------------------------------------------

def hits_in(archive, number: int) -> list[tuple[str, str]]:
    return [(h.term, h.said) for h in archive.term_hits if h.paragraph == number]


def test_longest_name_wins_over_the_names_inside_it(edge):
    assert hits_in(edge, 1) == [("supreme-state-council", "Supreme State Council of the Union\u00a0State"),
                                ("union-state", "Union State")]
    # Leftmost first, then longest: "Russian Federation" takes "Federation", so no
    # "Federation Council" is read across it.
    assert hits_in(edge, 3)[:2] == [("russian-federation", "Russian Federation"),
                                    ("federation-council", "Federation Council")]
    text = edge.meetings[0].paragraphs[2].text
    first = next(h for h in edge.term_hits if h.paragraph == 3)
    assert text[first.start:first.end] == "Russian Federation" and text[first.end:].startswith(" Council and")


def test_an_abbreviation_is_case_sensitive_and_a_word_is_not_a_term(edge):
    assert hits_in(edge, 2) == [("advanced-investment-mechanism", "AIM")]  # not "aim", "Aim", "aims"


def test_terms_next_to_punctuation_nbsp_and_curly_apostrophes(edge):
    assert hits_in(edge, 3)[2:] == [("supreme-state-council", "SSC"), ("union-state", "Union State"),
                                    ("supreme-state-council", "SSC")]
    assert hits_in(edge, 4) == [("union-state", "Union State"), ("kamaz", "KAMAZ"), ("maz", "MAZ"),
                                ("kamaz", "KAMAZ"), ("united-nations", "UN")]  # not MAZ in KAMAZ, not UN in UNESCO
    assert hits_in(edge, 5) == [("ypg", "People’s Protection Units"), ("ypg", "YPG"), ("su-25", "Su\u201125"),
                                ("liquefied-natural-gas", "LNG"), ("liquefied-natural-gas", "LNG")]  # LNG-2 is a name


def test_plurals_only_where_the_entry_allows_them(edge):
    assert hits_in(edge, 6) == [("perinatal-centre", "perinatal centres"), ("perinatal-centre", "perinatal centre")]


def test_first_mention_per_turn_is_linked_and_scopes_are_turns(edge):
    linked = [(h.paragraph, h.term) for h in linked_hits(edge)]
    assert linked.count((3, "supreme-state-council")) == 1
    assert (7, "supreme-state-council") in linked  # a new turn links again
    assert [p for p, t in linked if t == "kamaz"] == [4]
    assert [p for p, t in linked if t == "union-state"] == [1, 3]


def test_terms_in_all_mode_link_every_mention():
    archive = archive_of({"2020-01-02_edge.txt": fixture("edge-meeting.txt").text}, fixture("edge.yaml"),
                         site="term_links: all\n")
    assert len(linked_hits(archive)) == len(archive.term_hits) == 21


def test_a_term_never_nests_with_a_figure_or_another_link(edge):
    figure = Mark(10, 14, "data", (("class", "figure"), ("value", "25")), 2)
    link = Mark(30, 40, "a", (("href", "https://example.org"),))
    term = lambda a, b: Mark(a, b, "a", (("class", "term"), ("href", "glossary/x.html")))  # noqa: E731
    vague = Mark(50, 60, "span", (("class", "figure vague"), ("data-unit", "USD")), 2)  # "several billion"
    kept = without_clashing_terms([figure, link, vague, term(8, 16), term(12, 13), term(35, 45), term(20, 25),
                                   term(55, 65)])
    assert kept == [figure, link, vague, term(20, 25)]

    @dataclasses.dataclass(frozen=True)
    class FakeFigure:
        meeting: str
        paragraph: int
        start: int
        end: int

    first_kamaz = next(h for h in edge.term_hits if h.term == "kamaz")
    masked = dataclasses.replace(edge, figures=(FakeFigure(first_kamaz.meeting, 4, first_kamaz.start, first_kamaz.end + 3),))
    kamaz = [h for h in linked_hits(masked) if h.term == "kamaz"]
    assert len(kamaz) == 1 and kamaz[0].start > first_kamaz.start  # the next mention in the turn is linked instead


def test_a_term_inside_a_markdown_link_counts_but_is_not_linked_and_code_is_not_a_mention():
    text = ("---\ntitle: Markdown\ndate: 2020-01-03\n---\n"
            "Vladimir Putin: The [SSC](https://example.org/ssc) met, then `SSC` in code, and the SSC again.\n")
    archive = archive_of({"2020-01-03_md.md": text}, fixture("edge.yaml"))
    assert [(h.start, h.linkable) for h in archive.term_hits] == [(4, False), (39, True)]
    html = render_pages(archive, (views.meeting_pages,))["meetings/2020-01-03-md.html"]
    paragraph = re.search(r'<p id="p1".*?</p>', html, re.S).group()
    assert '<a href="https://example.org/ssc" rel="external nofollow">SSC</a>' in paragraph
    assert '<code>SSC</code>' in paragraph
    assert paragraph.count('class="term"') == 1 and 'aria-describedby="term-p1-39">SSC<span' in paragraph


def test_tooltip_is_escaped_inside_the_link_and_named_by_aria_describedby():
    archive = archive_of({"2020-01-02_t.txt": "Vladimir Putin: The UT & Unsafe Term.\n"}, fixture("unsafe.yaml"))
    marks = term_marks(archive)
    html = str(render_text(archive.meetings[0].paragraphs[0].text, marks[(archive.meetings[0].slug, 1)],
                           "meetings/x.html"))
    assert html == ('The <a class="term" href="../glossary/unsafe-term.html" aria-describedby="term-p1-4">UT'
                    '<span class="term-def" role="tooltip" id="term-p1-4" aria-hidden="true">Unsafe Term: Hover text with '
                    '&lt;b&gt;markup&lt;/b&gt; &amp; "quotes".</span></a> &amp; Unsafe Term.')


def test_definitions_are_safe_markdown():
    archive = archive_of({"2020-01-02_t.txt": "Vladimir Putin: The UT.\n"}, fixture("unsafe.yaml"))
    site = render_pages(archive)
    for path in ("glossary/index.html", "glossary/unsafe-term.html", "topics/tests.html"):
        html = site[path]
        assert "<script" not in html
        assert not re.search(r'href="\s*(?:javascript|data|vbscript):', html, re.I)
        assert "<img" not in html
    term = site["glossary/unsafe-term.html"]
    assert '<a href="https://example.org/">fine link</a>' in term
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in term
    assert "Topic <em>description</em> with &lt;script&gt;" in site["topics/tests.html"]


# --- glossary.yaml problems -----------------------------------------------------

def test_an_alias_claimed_twice_is_an_error_with_file_and_line():
    glossary, problems = load_glossary(fixture("duplicate-alias.yaml"))
    assert [str(p) for p in problems] == [
        "tests/fixtures/glossary/duplicate-alias.yaml:10: 'SSC' is already claimed by the term "
        "'Supreme State Council' (line 3)"]


def test_malformed_entries_are_errors_with_lines():
    _, problems = load_glossary(fixture("malformed.yaml"))
    assert [str(p) for p in sorted(problems, key=lambda p: p.line)] == [
        "tests/fixtures/glossary/malformed.yaml:2: glossary entry has no term",
        "tests/fixtures/glossary/malformed.yaml:10: see-also 'Supreme Soviet' is not a term of the glossary",
        "tests/fixtures/glossary/malformed.yaml:12: glossary entry 'Eurasian Economic Union' has no topic",
        "tests/fixtures/glossary/malformed.yaml:14: aliases must be a list of names",
        "tests/fixtures/glossary/malformed.yaml:16: warning: unknown glossary field 'colour'",
        "tests/fixtures/glossary/malformed.yaml:20: topic is given twice in this entry",
    ]


def test_build_reports_glossary_errors_as_file_line_and_fails(tmp_path):
    content = tmp_path / "content"
    (content / "transcripts").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "transcripts" / "2023-02-17_70530.txt", content / "transcripts")
    shutil.copy(FIXTURES / "duplicate-alias.yaml", content / "glossary.yaml")
    for command in ("check", "build"):
        done = subprocess.run([sys.executable, str(ROOT / "build.py"), command, "--content", str(content),
                               "--out", str(tmp_path / "site"), "--quiet"], capture_output=True, text=True)
        assert done.returncode == 1
        assert done.stderr.strip().endswith("content/glossary.yaml:10: 'SSC' is already claimed by the term "
                                            "'Supreme State Council' (line 3)")
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "site").exists()


def test_no_glossary_means_no_terms_and_an_empty_glossary_page():
    archive = archive_of({"2020-01-02_t.txt": "Vladimir Putin: The SSC.\n"}, None)
    assert archive.glossary is None and archive.term_hits == ()
    site = render_pages(archive)
    assert "No terms yet" in site["glossary/index.html"]
    assert not [p for p in site if p.startswith(("topics/", "glossary/")) and p != "glossary/index.html"]


# --- pages ------------------------------------------------------------------------

def test_glossary_index_groups_by_topic_and_lists_a_to_z(example_site):
    page = Page(example_site["glossary/index.html"])
    assert {"by-topic", "a-z", "topic-union-state", "letter-k", "term-kamaz", "in-topic-kamaz"} <= page.ids
    html = example_site["glossary/index.html"]
    kamaz = re.search(r'<div class="gloss-entry" id="term-kamaz">.*?</dd>', html, re.S).group()
    assert "3 mentions in 1 meeting" in kamaz
    assert 'href="maz.html">MAZ</a>' in kamaz and 'href="import-substitution.html">import substitution</a>' in kamaz
    ssc = re.search(r'<div class="gloss-entry" id="term-supreme-state-council">.*?</dd>', html, re.S).group()
    assert '<span class="abbr">(SSC)</span>' in ssc


def test_term_page_lists_every_occurrence_in_context(example, example_site):
    html = example_site["glossary/kamaz.html"]
    items = re.findall(r"<li>.*?</li>", html.split('<ol class="occurrence-list"')[1], re.S)
    assert len(items) == 3
    number = paragraph_number(example, SEED, "I will clarify for those present")
    assert f'href="../meetings/{SEED}.html#p{number}"' in items[0]
    assert ">Alexander Lukashenko</a>" in items[0] and "17 February 2023" in items[0]
    assert "always had some tensions between <mark>KAMAZ</mark> and MAZ." in items[0]


def test_long_occurrence_lists_are_paginated():
    text = "Vladimir Putin: " + " ".join(["The KAMAZ works."] * 3) + "\n" + "\n".join(f"Line {i} about KAMAZ." for i in range(147)) + "\n"
    archive = archive_of({"2020-01-02_t.txt": text}, fixture("edge.yaml"))
    assert sum(1 for h in archive.term_hits if h.term == "kamaz") == 150
    site = render_pages(archive)
    pages = [site["glossary/kamaz.html"], site["glossary/kamaz-p2.html"], site["glossary/kamaz-p3.html"]]
    assert [page.count("<mark>KAMAZ</mark>") for page in pages] == [46, 40, 64] and "glossary/kamaz-p4.html" not in site
    first, second = pages[:2]
    assert "150 mentions in 1 meeting; page 1 of 3." in first and '<a href="kamaz-p2.html">2</a>' in first
    assert '<a rel="prev" href="kamaz.html">← Earlier</a>' in second and '<a rel="next" href="kamaz-p3.html">' in second
    assert "mentions in 1 meeting" not in second and "kamaz-p3.html" not in pages[2]
    assert 'every page, are on <a href="kamaz.html">its first page</a>' in second


def test_a_topics_meetings_are_paged_newest_first_with_its_terms_on_the_first_page(example, monkeypatch):
    """A topic's meetings, newest first, cut into pages (topic_chunks): the first page has its
    terms and lists every page by its dates; older pages, numbered from the oldest, list their
    meetings and link to their neighbours. Together they list what one page lists."""
    topic = "topics/international-organisations"
    whole = render_pages(example, (glossary_views.topic_pages,))[f"{topic}.html"]
    monkeypatch.setattr(glossary_views, "TOPIC_PAGE_SIZE", 2)
    site = render_pages(example, (glossary_views.topic_pages,))
    paths = [f"{topic}.html"] + sorted((path for path in site if path.startswith(f"{topic}-p")),
                                       key=lambda path: -int(path[len(topic) + 2:-5]))

    def meetings(html):
        return re.findall(r'<li>\s*<a href="(\.\./meetings/[^"]+)"', html)
    assert len(paths) >= 4 and [m for path in paths for m in meetings(site[path])] == meetings(whole)
    first, second, last = site[paths[0]], site[paths[1]], site[paths[-1]]
    assert 'id="terms-h"' in first and 'id="terms-h"' not in second
    assert first.count('<a href="international-organisations-p') == len(paths) - 1  # every older page
    assert f'<a rel="next" href="{Path(paths[1]).name}">Older →</a>' in first
    assert '<a rel="prev" href="international-organisations.html">← Newer meetings</a>' in second
    assert f'<a rel="next" href="{Path(paths[2]).name}">Older meetings →</a>' in second
    assert 'rel="next"' not in last and paths[-1] == f"{topic}-p1.html"
    assert '<a href="international-organisations.html">the topic’s first page</a>' in last


def test_topic_pages_list_terms_and_meetings_and_meetings_list_topics(edge):
    site = render_pages(edge)
    union = site["topics/union-state.html"]
    assert 'href="../glossary/supreme-state-council.html"' in union and "on this topic" in union
    fisheries = site["topics/fisheries.html"]  # named only in front matter
    assert "Edge cases for the glossary" in fisheries and "Terms" not in fisheries
    meeting = site[f"meetings/{edge.meetings[0].slug}.html"]
    topics = re.search(r'<p class="topics">.*?</p>', meeting).group()
    assert topics.startswith('<p class="topics">Topics: <a href="../topics/union-state.html">Union State</a>, '
                             '<a href="../topics/fisheries.html">Fisheries</a>, ')


def test_every_glossary_and_topic_link_lands_on_a_page_and_anchor(example, example_site):
    every_path = {path for kind in PAGES for path, _, _ in kind(example)}
    checked = 0
    for path, html in example_site.items():
        page = Page(html)
        mine = path.startswith(("glossary/", "topics/"))
        for link in page.links:
            href = link["attrs"]["href"]
            if not mine and link["attrs"].get("class") != "term" and "topics" not in link["classes"]:
                continue
            if href.startswith(("http:", "https:", "mailto:")):
                continue
            target, _, fragment = href.partition("#")
            resolved = str(Path(path).parent / target) if target else path
            resolved = re.sub(r"[^/]+/\.\./", "", resolved).removeprefix("./")
            assert resolved in example_site or resolved in every_path, (path, href)
            if fragment:
                assert resolved in example_site, (path, href)
                assert fragment in Page(example_site[resolved]).ids, (path, href)
            checked += 1
    assert checked > 1000


# --- check: glossary candidates ---------------------------------------------------

def test_check_suggests_acronyms_and_repeated_phrases_not_in_the_glossary(example):
    found = {c.text: c for c in find_candidates(example)}
    railways = found["Russian Railways"]
    assert (railways.kind, railways.count, railways.meetings, railways.path, railways.line) == (
        "phrase", 4, 1, "content/transcripts/2018-06-07_57692.txt", 1407)
    rbc = found["RBC"]
    assert (rbc.kind, rbc.count, rbc.path, rbc.line) == ("acronym", 5, "content/transcripts/2017-06-15_54794.txt", 53)
    assert not {"KAMAZ", "SSC", "EU", "UN", "Direct Line", "Crimean Bridge", "Vladimir Putin", "Mr Putin"} & set(found)
    problems = [p for p in content_checks(example, ContentInput(transcripts=())) if "glossary candidate" in p.message]
    assert all(p.warning for p in problems)
    assert "content/transcripts/2018-06-07_57692.txt:1407: warning: glossary candidate 'Russian Railways' (phrase): " \
           "said 4 times in 1 meeting, not in a glossary (the content folder has no glossary.yaml)" \
           in "\n".join(map(str, problems))  # ContentInput without one: no file to name


def test_find_terms_without_glossary_is_empty(example):
    assert find_terms(example.meetings, None) == ()


# --- in a browser: the definition on hover and focus, without JavaScript ---------

def test_tooltip_shows_on_focus_and_hover_from_file_url(tmp_path, example):
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("chromium not installed")
    for path, html in render_pages(example, (views.meeting_pages,)).items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(html, encoding="utf-8")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(java_script_enabled=False)
        page.goto((tmp_path / "meetings" / f"{SEED}.html").as_uri())
        link = page.get_by_role("link", name="SSC", exact=True)
        tip = link.locator(".term-def")
        assert not tip.is_visible()
        link.focus()
        assert tip.is_visible()
        assert tip.inner_text().startswith("Supreme State Council: The highest body of the Union State.")
        playwright.expect(link).to_have_accessible_description(re.compile(r"^Supreme State Council: The highest body"))
        page.mouse.move(0, 0)
        page.locator("body").focus()
        other = page.get_by_role("link", name="KAMAZ", exact=True).first
        other.hover()
        assert other.locator(".term-def").is_visible()
        browser.close()


def test_a_term_pages_quick_key_says_which_occurrences_it_shows():
    """term_quick digests each meeting's analysis key and how many of its occurrences the page
    shows, and where the first stands: a page of one meeting's occurrences 2-4 is not the page
    of its occurrences 1-3, though both show three of the same meeting's (an occurrence added
    to an earlier meeting moves every later page's first one)."""
    from types import SimpleNamespace
    from generator.glossary_views import term_quick
    from generator.terms import TermHit
    from generator.model import Person
    hits = [TermHit("nato", "m", paragraph, 0, 4, "NATO", 1, 1, True) for paragraph in range(1, 6)]
    putin = Person(key="vladimir putin", slug="vladimir-putin", name="Vladimir Putin", forms=(), roles=())

    class Archive(SimpleNamespace):  # as much of one as term_quick reads; weakly referable, as an Archive is
        pass

    def archive_of(keys=None, name="Vladimir Putin"):
        return Archive(analysis_keys={"m": "analysed"} if keys is None else keys,
                               speaker_of={("m", 1): putin.key}, people=(dataclasses.replace(putin, name=name),))

    def quick(chunk, archive=None):  # a page of one meeting's occurrences: one piece (glossary_views.paged)
        return term_quick(archive or archive_of(), ("entry", ("p1.html", "")), [tuple(chunk)], 2)
    assert quick(hits[1:4]) == quick(list(hits[1:4]))
    assert quick(hits[1:4]) != quick(hits[2:5])
    assert quick(hits[1:4]) != quick(hits[1:3])
    assert quick(hits[1:4]) != quick(hits[1:4], archive_of({"m": "analysed again"}))
    assert quick(hits[1:4]) != quick(hits[1:4], archive_of(name="V. V. Putin"))  # who says them, as named
    assert quick(hits[1:4], archive_of({})) is None
    assert term_quick(archive_of(), (None,), [tuple(hits[1:4])], 2) is None  # an entry that cannot be digested


def test_term_tables_are_summed_from_each_meetings_hits_and_a_rebuild_counts_the_edited_meeting_only():
    """With the hits kept meeting by meeting (Archive.hits_of, as a build keeps them), the term
    counts, the meetings of each term, each term's occurrences, the topics' mentions and what
    each person said are the tables made from every hit; a new archive that keeps every
    meeting's hits but one reuses their parts (the same objects) and counts that one again."""
    from collections import Counter
    from generator.glossary import term_counts, term_stats
    from generator.model import group_by_meeting
    from generator.speaker_views import terms_said_by
    archive = load_archive(read_content(CONTENT))
    hits = archive.term_hits
    kept = dataclasses.replace(archive, hits_of={slug: tuple(found) for slug, found in group_by_meeting(hits).items()})
    stats = term_stats(kept)
    assert {slug: s.occurrences for slug, s in stats.items() if s.occurrences} == Counter(h.term for h in hits)
    assert {slug: s.meetings for slug, s in stats.items() if s.meetings} == {
        term: len({h.meeting for h in hits if h.term == term}) for term in {h.term for h in hits}}
    assert stats == term_stats(archive) and len(stats) == len(archive.glossary.entries)
    by_term = glossary_views.hits_by_term(kept)
    assert {term: [h for run in runs for h in run] for term, runs in by_term.items()} == {
        term: [h for h in hits if h.term == term] for term in {h.term for h in hits}}
    assert all(len({h.meeting for h in run}) == 1 for runs in by_term.values() for run in runs)
    for person in archive.people:
        meetings = [m for m in archive.meetings if any(archive.speaker_of.get((m.slug, t.number)) == person.key
                                                       for t in m.turns)]
        assert terms_said_by(kept, person.key, meetings) == Counter(
            h.term for h in hits if archive.speaker_of.get((h.meeting, h.turn)) == person.key)
    assert sum(terms_said_by(kept, p.key, archive.meetings).total() for p in archive.people) > 50

    topics = {path: view.inputs() for path, _, view in glossary_views.topic_pages(archive)}
    assert {path: view.inputs() for path, _, view in glossary_views.topic_pages(kept)} == topics
    assert sum(len(mentions) for _, rows, *_ in topics.values() for *_, mentions in rows) > 20

    edited_slug, said = max(kept.hits_of.items(), key=lambda item: len(item[1]))
    parts = {slug: term_counts(kept, found) for slug, found in kept.hits_of.items()}
    second = dataclasses.replace(kept, hits_of={**kept.hits_of, edited_slug: said[:-1]})
    assert all(term_counts(second, found) is parts[slug] for slug, found in second.hits_of.items() if slug != edited_slug)
    assert term_counts(second, second.hits_of[edited_slug]) is not parts[edited_slug]
    assert term_stats(second)[said[-1].term].occurrences == stats[said[-1].term].occurrences - 1


def test_hits_by_term_mended_from_the_last_call_are_those_listed_afresh():
    """hits_by_term lists again only the terms of the meetings whose hits are not the last
    call's objects: after random edits to the example's hits (a meeting's taken out, cut, made
    anew equal, or moved elsewhere in the archive), it equals a listing made afresh, and keeps
    the other terms' lists (the same objects)."""
    import random
    from generator.model import group_by_meeting
    archive = load_archive(read_content(CONTENT))
    base = {slug: tuple(found) for slug, found in group_by_meeting(archive.term_hits).items()}
    rng = random.Random(3)
    kept = 0
    for _ in range(300):
        recall = Recall()  # a server's, whose last build listed `base`
        before = glossary_views.hits_by_term(dataclasses.replace(archive, hits_of=dict(base)), recall)
        edited = dict(base)
        for _ in range(rng.randint(1, 3)):
            edit, slug = rng.choice(["drop", "cut", "anew", "move"]), rng.choice(list(edited))
            if edit == "drop":
                del edited[slug]
            elif edit == "cut":
                edited[slug] = tuple(hit for hit in edited[slug] if rng.random() < 0.5)
            else:
                said = tuple(list(edited.pop(slug)))
                items = list(edited.items())
                items.insert(rng.randrange(len(items) + 1) if edit == "move" else len(items), (slug, said))
                edited = dict(items)
        mended = glossary_views.hits_by_term(dataclasses.replace(archive, hits_of=edited), recall)
        kept += sum(mended[term] is runs for term, runs in before.items() if term in mended)
        assert dict(mended) == dict(glossary_views.hits_by_term(dataclasses.replace(archive, hits_of=edited)))
    assert kept > 300


def test_a_terms_occurrences_are_paged_in_pieces_of_each_meetings_run():
    """About `size` occurrences a page (from 3/5 to 8/5 of it), each page a list of pieces of the
    meetings' runs; a page ends where its own occurrences say, so an occurrence added to one
    meeting moves at most its page and the next, and a meeting added after them none. (Many
    added at once can split a page in two, and the later pages are then numbered one more.)"""
    from generator.terms import TermHit
    paged = glossary_views.paged

    def run(meeting, count, every=1):
        return tuple(TermHit("nato", meeting, paragraph, 0, 4, "NATO", 1, 1, True)
                     for paragraph in range(1, count * every + 1, every))
    runs = [run(f"m{n:03}", n % 9 + 1) for n in range(120)]
    pages = paged(runs, 10)
    sizes = [sum(map(len, page)) for page in pages]
    assert sum(sizes) == sum(map(len, runs)) and len(pages) >= 40
    assert all(6 <= size <= 16 for size in sizes[:-1]) and 1 <= sizes[-1] <= 16
    assert [hit for page in pages for piece in page for hit in piece] == [hit for r in runs for hit in r]
    assert any(piece is r for page in pages for piece in page for r in runs)  # a run that fits whole is not copied
    assert all(len({hit.meeting for hit in piece}) == 1 for page in pages for piece in page)

    def shown(pages):
        return [[(hit.meeting, hit.paragraph) for piece in page for hit in piece] for page in pages]
    more = [run("m040", 6) if r[0].meeting == "m040" else r for r in runs]  # it had 5
    before, after = shown(pages), shown(paged(more, 10))
    moved = [n for n in range(max(len(before), len(after))) if n >= len(after) or n >= len(before) or before[n] != after[n]]
    at = next(n for n, page in enumerate(before) if any(m == "m040" for m, _ in page))
    assert moved and set(moved) <= {at, at + 1} and len(after) == len(before)
    added = shown(paged(runs + [run("m120", 5)], 10))
    assert added[:len(before) - 1] == before[:-1]
    assert paged([runs[8]], 10) == [[runs[8]]] and paged([runs[8]], 10)[0][0] is runs[8]  # 9: fewer than 6 + 6
    assert paged([], 5) == [[]]


def test_a_servers_term_pages_keep_the_quick_keys_the_last_listing_made_only_where_they_hold(monkeypatch):
    """term_pages keeps each page's quick key from the last listing unless a meeting analysed
    anew (its analysis key changed) says the term: then a page keeps it only if it shows the
    same occurrences, none of that meeting. Every key equals one made afresh, after an
    occurrence is dropped (the later pages of its term shift) and after it is put back, and
    only pages of that term are digested again."""
    from generator.lazy import quick_key
    from generator.model import group_by_meeting
    monkeypatch.setattr(glossary_views, "TERM_PAGE_SIZE", 2)
    archive = load_archive(read_content(CONTENT))
    first = dataclasses.replace(archive, analysis_keys={m.slug: "analysed " + m.slug for m in archive.meetings},
                                hits_of={slug: tuple(h) for slug, h in group_by_meeting(archive.term_hits).items()})
    edited, said = max(first.hits_of.items(), key=lambda item: len(item[1]))
    dropped = said[len(said) // 2]
    second = dataclasses.replace(first, analysis_keys={**first.analysis_keys, edited: "analysed again"},
                                 hits_of={**first.hits_of, edited: tuple(h for h in said if h is not dropped)})
    made, term_quick = [], glossary_views.term_quick
    monkeypatch.setattr(glossary_views, "term_quick",
                        lambda *arguments: made.append(arguments[3]) or term_quick(*arguments))
    recall = Recall()  # a server's, kept from one listing to the next

    def listed(archive):  # each page's quick key, as this listing makes them
        made.clear()
        return {path: quick_key(view) for path, _, view in glossary_views.term_pages(archive, recall)}

    def afresh(archive):
        recall.term_listing = None  # as a new server has it
        return listed(archive)

    before = afresh(first)
    assert len(made) == len(before) > 20
    after = listed(second)  # with the keys of the listing of `first`
    digested = len(made)
    assert after == afresh(second) != before
    said_there = [path for path in before if any(path.startswith(f"glossary/{hit.term}") for hit in said)]
    assert {path for path in before if before[path] != after.get(path)} <= set(said_there)
    assert any(path.startswith(f"glossary/{dropped.term}-p") for path in said_there)
    assert 0 < digested < len(said_there)  # pages before the edited meeting's (and after, but of its
    listed(second)                         # term) keep their keys
    assert listed(first) == before and 0 < len(made) < len(said_there)
    assert listed(first) == before and made == []  # nothing analysed anew: every key kept


def test_a_servers_term_pages_are_not_cut_again_when_an_edit_keeps_a_terms_occurrences(monkeypatch):
    """An edit elsewhere in a meeting (its analysis key changes, its occurrences are equal ones)
    keeps the cut of every term it says: paging 50,000 mentions again took 0.04 s of such a
    rebuild. Pages showing the meeting get new quick keys, equal to keys made afresh."""
    from generator.lazy import quick_key
    from generator.model import group_by_meeting
    monkeypatch.setattr(glossary_views, "TERM_PAGE_SIZE", 2)
    archive = load_archive(read_content(CONTENT))
    first = dataclasses.replace(archive, analysis_keys={m.slug: "analysed " + m.slug for m in archive.meetings},
                                hits_of={slug: tuple(h) for slug, h in group_by_meeting(archive.term_hits).items()})
    edited, said = max(first.hits_of.items(), key=lambda item: len(item[1]))
    second = dataclasses.replace(first, analysis_keys={**first.analysis_keys, edited: "analysed again"},
                                 hits_of={**first.hits_of, edited: tuple(tuple.__new__(type(h), h) for h in said)})
    cut, paged = [], glossary_views.paged
    monkeypatch.setattr(glossary_views, "paged", lambda runs, size: cut.append(runs) or paged(runs, size))

    recall = Recall()  # a server's, kept from one listing to the next

    def listed(archive):
        return {path: quick_key(view) for path, _, view in glossary_views.term_pages(archive, recall)}
    before = listed(first)
    cut.clear()
    after = listed(second)
    assert cut == [] and after.keys() == before.keys() and after != before
    recall.term_listing = None  # as a new server has it
    assert listed(second) == after and len(cut) > 10


def test_a_servers_topic_pages_mend_the_last_listings_mentions_and_keep_untouched_quick_keys(monkeypatch):
    """topic_pages mends the last listing's mentions where meetings were analysed anew, and keeps
    the quick key of each topic none of them is listed on: every page's inputs and quick key
    equal those made afresh, and only the topics the edited meeting is listed on are digested."""
    from generator.lazy import quick_key
    from generator.model import group_by_meeting
    archive = load_archive(read_content(CONTENT))
    first = dataclasses.replace(archive, analysis_keys={m.slug: "analysed " + m.slug for m in archive.meetings},
                                hits_of={slug: tuple(h) for slug, h in group_by_meeting(archive.term_hits).items()})
    edited, said = max(first.hits_of.items(), key=lambda item: len(item[1]))
    dropped = {hit.term for hit in said}.pop()  # every mention of one of its terms
    second = dataclasses.replace(first, analysis_keys={**first.analysis_keys, edited: "analysed again"},
                                 hits_of={**first.hits_of, edited: tuple(h for h in said if h.term != dropped)})
    made, topic_quick = [], glossary_views.topic_quick
    monkeypatch.setattr(glossary_views, "topic_quick",
                        lambda *arguments: made.append(arguments[1].slug) or topic_quick(*arguments))

    recall = Recall()  # a server's, kept from one listing to the next

    def listed(archive):  # each page's inputs and quick key, as this listing makes them
        made.clear()
        return {path: (view.inputs(), quick_key(view)) for path, _, view in glossary_views.topic_pages(archive, recall)}

    def afresh(archive):
        recall.topic_listing = None  # as a new server has it
        return listed(archive)

    before = afresh(first)
    assert len(made) == len(before) > 10
    after = listed(second)  # mended from the listing of `first`
    on_it = [topic.slug for topic in glossary_views.shared_views(first)[0]
             if any(path == f"topics/{topic.slug}.html" and edited in {row[0] for row in before[path][0][1]}
                    for path in before)]
    assert sorted(made) == sorted(on_it) and 0 < len(on_it) < len(before)
    assert after == afresh(second) != before
    listed(second)
    assert listed(first) == before and sorted(made) == sorted(on_it)
    assert listed(first) == before and made == []  # nothing analysed anew: every key kept
