"""Pages fit the screen they are read on, in Chromium from file://.

No page may scroll sideways, from a small phone (320 px) to a desktop. A
table wider than the screen scrolls in its own box instead: the figures
table on phones, the speakers index under 375 px; on a desktop and a phone
respectively they fit theirs. Checked on one page of each kind of the
example site, and on the real corpus, whose text broke these before: a
surname of 14 letters ("Cherkashchenko") widened the speakers index past a
phone, a range of billions ("450,000,000,000–470,000,000,000") kept whole
widened the figures table past a desktop page, and the share bars of a
meeting's participants ran past a phone's edge.

And what read badly on small screens without overflowing: a paragraph's ¶
wrapped alone onto a line, a speaker's chart labels scaled down to 5 px, the
speakers index's words and years touching, dates split after their day, and
the citation box cutting its citation off.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from test_browser_pages import KINDS

SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
"""How far a page scrolls sideways, in CSS pixels: 0 when it fits."""
SMALL_PHONE, PHONE, DESKTOP = 320, 375, 1280


def sideways_pages(browser, site: Path, paths: list[str], width: int) -> dict[str, int]:
    """The pages among `paths` (with a query, for search) that scroll sideways at `width`, and by how much."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    wide = {}
    for path in paths:
        file, _, query = path.partition("?")
        page.goto((site / file).as_uri() + (f"?{query}" if query else ""), wait_until="load")
        if query:
            page.wait_for_function("document.querySelectorAll('#search-results li').length > 0", timeout=10_000)
        overflow = page.evaluate(SIDEWAYS)
        if overflow > 0:
            wide[path] = overflow
    page.close()
    return wide


@pytest.mark.parametrize("width", [SMALL_PHONE, PHONE, DESKTOP])
def test_no_page_kind_scrolls_sideways(example_site: Path, browser, width: int):
    assert sideways_pages(browser, example_site, sorted(KINDS.values()), width) == {}


def test_no_corpus_page_scrolls_sideways_on_a_small_phone(corpus_site, browser):
    """Every index and figures page, and the first ten meetings and speakers (their pages differ
    in text only), at 320 px."""
    _, site = corpus_site
    pages = sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))
    some = [p for p in pages if not p.startswith(("meetings/", "speakers/")) or p.endswith("/index.html")]
    some += [p for p in pages if p.startswith("meetings/")][:10] + [p for p in pages if p.startswith("speakers/")][:10]
    assert {"speakers/index.html", "figures/index.html", "meetings/2010-04-20-7506.html"} <= set(some)
    assert sideways_pages(browser, site, some, SMALL_PHONE) == {}


@pytest.mark.parametrize(("pattern", "count", "width"), [("figures/*.html", 4, DESKTOP),
                                                      ("speakers/index.html", 1, PHONE),
                                                      ("meetings/2017-06-1*.html", 2, SMALL_PHONE)])
def test_the_corpus_tables_fit_their_boxes(corpus_site, browser, pattern: str, count: int, width: int):
    """The figures table on a desktop, the speakers index on a phone, a meeting's own figures
    (the 2017 Direct Line's 217, as cards) on the smallest phone: none scrolls in its box
    (.table-scroll), which the first two may on narrower screens."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    _, site = corpus_site
    pages = sorted(site.glob(pattern))
    assert len(pages) == count
    wide = {}
    for path in pages:
        page.goto(path.as_uri(), wait_until="load")
        boxes = page.evaluate("() => [...document.querySelectorAll('.table-scroll')]"
                              ".map(box => [box.scrollWidth, box.clientWidth])")
        assert boxes
        if any(scrolled > shown for scrolled, shown in boxes):
            wide[path.name] = boxes
    page.close()
    assert wide == {}


ALONE_MARKS = """() => [...document.querySelectorAll('p.para')].filter(p => {
    const mark = p.querySelector(':scope > a.permalink'), text = document.createRange();
    text.setStart(p, 0);
    text.setEndBefore(mark);
    const lines = [...text.getClientRects()].filter(box => box.width > 0);
    return lines.length && mark.getBoundingClientRect().top >= Math.max(...lines.map(box => box.bottom)) - 2;
}).map(p => p.id)"""
"""The paragraphs whose ¶ mark stands on a line of its own, under their last words."""


def test_a_paragraphs_mark_never_stands_alone_on_a_phone(example_site: Path, corpus_site, browser):
    """On phones the ¶ that links to a paragraph is always shown; wrapped alone it added a line
    under 53 of the 868 paragraphs of the 2017 Direct Line, and one of the seed's."""
    page = browser.new_page(viewport={"width": PHONE, "height": 800})
    alone = {}
    for path in (example_site / "meetings" / "2023-02-17-70530.html",
                 corpus_site[1] / "meetings" / "2017-06-15-54790.html"):
        page.goto(path.as_uri(), wait_until="load")
        assert page.locator("p.para > a.permalink").count() > 40
        alone[path.name] = page.evaluate(ALONE_MARKS)
    page.close()
    assert alone == {"2023-02-17-70530.html": [], "2017-06-15-54790.html": []}


@pytest.mark.parametrize("width", [SMALL_PHONE, PHONE, DESKTOP])
def test_a_speakers_chart_labels_are_readable(example_site: Path, browser, width: int):
    """The chart is drawn 640 units wide and scaled to the screen: on a phone its 11-unit labels
    came out 6px tall. Each label's box is at least 9px tall at every width."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto((example_site / "speakers" / "vladimir-putin.html").as_uri(), wait_until="load")
    heights = page.evaluate("[...document.querySelectorAll('.words-chart text')].map(t => t.getBoundingClientRect().height)")
    page.close()
    assert len(heights) >= 3 and min(heights) >= 9, heights


def test_the_speakers_index_keeps_words_and_years_apart_on_a_phone(corpus_site, browser):
    """Words are right-aligned and years left-aligned beside them: 0.3rem apart, "192 2016" read
    as one number. The narrowest gap between the two texts, in every row, is at least 8px."""
    page = browser.new_page(viewport={"width": PHONE, "height": 800})
    page.goto((corpus_site[1] / "speakers" / "index.html").as_uri(), wait_until="load")
    gaps = page.evaluate("""() => [...document.querySelectorAll('table.speakers tbody tr')].map(row => {
        const text = cell => { const range = document.createRange(); range.selectNodeContents(cell);
                               return range.getBoundingClientRect(); };
        return text(row.children[4]).left - text(row.children[3]).right;
    })""")
    page.close()
    assert len(gaps) > 300 and min(gaps) >= 8


@pytest.mark.parametrize("width", [PHONE, 1024])
def test_dates_stay_on_one_line(corpus_site, browser, width: int):
    """"17 February 2023" split after its day in meta lines (a speaker's first and last meeting,
    a term's mentions, a speaker's turns)."""
    _, site = corpus_site
    page = browser.new_page(viewport={"width": width, "height": 800})
    split = {}
    for path in ("speakers/vladimir-putin.html", "speakers/igor-sechin.html", "meetings/2017-06-15-54790.html", "index.html"):
        page.goto((site / path).as_uri(), wait_until="load")
        lines = page.evaluate("[...document.querySelectorAll('time')].map(t => t.getClientRects().length)")
        assert lines, path
        split[path] = [count for count in lines if count != 1]
    page.close()
    assert split == {path: [] for path in split}


def test_the_citation_box_shows_the_whole_citation_on_a_phone(example_site: Path, browser):
    page = browser.new_page(viewport={"width": PHONE, "height": 800})
    page.goto((example_site / "meetings" / "2023-02-17-70530.html").as_uri(), wait_until="load")
    page.locator("p.para > a.permalink").nth(5).click()
    text = page.locator(".cite-box textarea")
    assert len(text.input_value()) > 200  # a citation of several lines at this width
    assert text.evaluate("t => t.scrollHeight <= t.clientHeight + 1")
    page.close()
