"""The figures index in Chromium from file://: what templates/static/figures.js adds to it.

The table is whole without the script (test_figures); the script shows the filters (kind,
speaker, meeting: each option with its count of this page's rows) and makes the column
headers buttons that sort the rows, and back. Checked on the example's figures page, 294 rows.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

SHOWN = """() => [...document.querySelectorAll('table.figures tbody tr[data-kind]')]
    .filter(row => !row.hidden && !row.parentNode.hidden)
    .map(row => ({kind: row.dataset.kind, speaker: row.dataset.speaker, meeting: row.dataset.meeting,
                  value: row.cells[1].dataset.value, said: row.cells[0].textContent.trim(),
                  group: row.parentNode.dataset.group,
                  currency: row.dataset.kind === 'money' ? row.cells[1].querySelector('.unit').textContent : ''}))"""
"""The rows shown, in the order shown."""
GROUPS = """() => [...document.querySelectorAll('table.figures tbody')].filter(group => !group.hidden)
    .map(group => group.rows[0].textContent.trim())"""
"""The headings of the groups shown."""
GROUP_OF = {"money": "money", "percent": "percent", "count": "counts", "measure": "counts", "multiple": "counts"}
ROWS = 294


@pytest.fixture
def figures_page(example_site: Path, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto((example_site / "figures" / "index.html").as_uri(), wait_until="load")
    yield page
    page.close()
    assert errors == []


def options(page, name: str) -> dict[str, int]:
    """Each option of a filter but the first ("All …"), with the count its label gives."""
    labels = page.evaluate(f"[...document.querySelectorAll('select[name={name}] option')].slice(1)"
                           ".map(option => [option.value, option.textContent])")
    return {value: int(re.search(r"\((\d+)\)$", label).group(1)) for value, label in labels}


def test_each_filter_shows_the_rows_it_names_and_says_how_many(figures_page):
    page = figures_page
    count = page.locator(".figure-count")
    assert page.locator("form.figure-filters").is_visible()
    assert len(page.evaluate(SHOWN)) == ROWS and count.inner_text() == ""
    kinds = options(page, "kind")
    assert kinds == {"money": 45, "percent": 57, "count": 169, "measure": 22, "multiple": 1}
    assert page.evaluate(GROUPS) == ["Money 45", "Percentages 57", "Counts and measures 192"]
    assert all(row["group"] == GROUP_OF[row["kind"]] for row in page.evaluate(SHOWN))
    for name in ("kind", "speaker", "meeting"):
        for value, expected in options(page, name).items():
            page.select_option(f"select[name={name}]", value)
            shown = page.evaluate(SHOWN)
            assert len(shown) == expected and {row[name] for row in shown} == {value}, (name, value)
            # a group none of whose rows is shown is hidden, heading and all; the others count what they show
            kept = {row["group"]: sum(1 for r in shown if r["group"] == row["group"]) for row in shown}
            assert len(page.evaluate(GROUPS)) == len(kept), (name, value)
            assert all(re.search(rf"\b{kept[key]:,}( of [\d,]+)?$", heading) for key, heading in
                       zip([g for g in ("money", "percent", "counts") if g in kept], page.evaluate(GROUPS)))
            assert count.inner_text() == f"{expected} of the {ROWS} figures on this page"
        page.select_option(f"select[name={name}]", "")
    assert len(page.evaluate(SHOWN)) == ROWS and count.inner_text() == ""

    page.select_option("select[name=kind]", "multiple")  # the one multiple, said by one person
    page.select_option("select[name=speaker]", "alena-reger")
    assert page.evaluate(SHOWN) == [] and count.inner_text() == f"None of the {ROWS} figures on this page match."
    page.select_option("select[name=speaker]", "")
    assert [row["kind"] for row in page.evaluate(SHOWN)] == ["multiple"]


def assert_sorted_in_groups(rows: list[dict], descending: bool) -> None:
    """Each group's rows in order of value (money by currency first: 5 GBP is not less than 9 RUB),
    vague amounts last."""
    for group in ("money", "percent", "counts"):
        mine = [row for row in rows if row["group"] == group]
        runs = [row["currency"] for row in mine]
        assert runs == sorted(runs), group
        for currency in dict.fromkeys(runs):
            same = [row for row in mine if row["currency"] == currency]
            numbers = [float(row["value"]) for row in same if row["value"]]
            assert numbers == sorted(numbers, reverse=descending), (group, currency)
            assert all(not row["value"] for row in same[len(numbers):]), (group, currency)
    assert len({row["currency"] for row in rows if row["group"] == "money"}) >= 3


def test_a_header_sorts_the_rows_and_again_the_other_way(figures_page):
    page = figures_page
    value = page.locator("th button.sort", has_text="Value")
    first = page.evaluate(SHOWN)
    value.click()
    assert page.locator("th[aria-sort]").evaluate_all("ths => ths.map(th => [th.textContent, th.getAttribute('aria-sort')])") \
        == [["Value", "ascending"]]
    rows = page.evaluate(SHOWN)
    assert len(rows) == ROWS and [row["group"] for row in rows] == sorted((row["group"] for row in rows),
                                                                        key=["money", "percent", "counts"].index)
    assert_sorted_in_groups(rows, descending=False)
    assert sum(1 for row in rows if row["value"]) > 250
    value.click()
    assert_sorted_in_groups(page.evaluate(SHOWN), descending=True)
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") == "descending"
    value.click()   # a third click: the page's own order again, newest meeting first
    assert page.evaluate(SHOWN) == first and page.locator("th[aria-sort]").count() == 0

    page.select_option("select[name=kind]", "money")   # a filter holds through a sort, and a sort through a filter
    page.locator("th button.sort", has_text="Said").click()
    said = [row["said"].lower() for row in page.evaluate(SHOWN)]
    assert len(said) == 45 and said == sorted(said)
    assert {row["kind"] for row in page.evaluate(SHOWN)} == {"money"}


def test_a_figure_in_the_text_opens_its_row_which_leads_back_to_the_paragraph(example_site: Path, browser):
    """DESIGN: figures link to their pages, and those pages link back to the exact paragraph. A click
    on "over US$43 billion" in a meeting's text shows its row, marked as the target, in the
    figures index; the row's own link goes back to the paragraph it was said in."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    meeting = example_site / "meetings" / "2023-02-17-70530.html"
    page.goto(meeting.as_uri(), wait_until="load")
    figure = page.locator("#p14 data.figure", has_text="over US$43 billion").locator("a.figure-link")
    assert figure.count() == 1
    figure.click()
    page.wait_for_url("**/figures/index.html#f-2023-02-17-70530-p14-87")
    target = page.evaluate("""() => { const row = document.querySelector(':target');
        const box = row.getBoundingClientRect();
        return {tag: row.tagName, said: row.cells[0].textContent.trim(), shown: !row.hidden && box.height > 0,
                inView: box.top >= 0 && box.bottom <= innerHeight,
                marked: getComputedStyle(row.cells[0]).backgroundColor}; }""")
    assert target["tag"] == "TR" and target["said"] == "over US$43 billion"
    assert target["shown"] and target["inView"]
    assert target["marked"] not in ("rgba(0, 0, 0, 0)", "transparent")
    page.locator(":target td.said a").click()
    page.wait_for_url(meeting.as_uri() + "#p14")
    assert page.evaluate("document.querySelector(':target').id") == "p14"
    page.close()
    assert errors == []
