"""The figures index: extraction measured on a hand-labelled gold set, and the page.

The gold set (fixtures/figures_gold.yaml) was labelled by reading real
transcripts; a figure matches when the words said (its span) and its value
agree. Run `python -m pytest tests/test_figures.py -q -s` to see the scores.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from generator.figures import Figure, extract_figures, find_in_text, sentence_at, sentences_of
from generator.model import ContentInput, Source
from generator.numbers import parse_numeral, plain
from generator.parse import parse_with_problems
from generator.pipeline import load_archive
from generator.read import read_content

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "transcripts" / "2023-02-17_70530.txt"
from conftest import CORPUS  # noqa: E402
GOLD = Path(__file__).parent / "fixtures" / "figures_gold.yaml"


def gold_path(name: str) -> Path:
    return SEED if name == "seed" else CORPUS / f"{name}.txt"


def load_meeting(path: Path):
    meeting, _ = parse_with_problems(Source(path.name, path.read_text(encoding="utf-8")))
    return meeting


def gold_value(text) -> tuple:
    """("v", Decimal) or ("r", low, high) or ("vague",) from the fixture's notation."""
    if text is None:
        return ("vague",)
    if ".." in str(text):
        low, high = str(text).split("..")
        return ("r", Decimal(low), Decimal(high))
    return ("v", Decimal(str(text)))


def figure_value(figure: Figure) -> tuple:
    if figure.value is not None:
        return ("v", figure.value)
    if figure.low is not None:
        return ("r", figure.low, figure.high)
    return ("vague",)


def evaluate_gold(entries: list[dict]) -> dict:
    """Precision and recall of extract_figures over gold sentences."""
    meetings = {}
    scores = {"tp": 0, "fp": 0, "fn": 0, "unit_ok": 0, "nonfig_hit": 0, "nonfig": 0,
              "missing_sentences": [], "false_pos": [], "false_neg": [], "files": set(), "wrong_unit": []}
    for entry in entries:
        name = entry["file"]
        if name not in meetings:
            meeting = load_meeting(gold_path(name))
            meetings[name] = (meeting, extract_figures([meeting], None, {}))
        meeting, figures = meetings[name]
        scores["files"].add(name)
        sentence = entry["text"]
        place = None
        for paragraph in meeting.paragraphs:
            at = paragraph.text.replace("\u00a0", " ").find(sentence)
            if at >= 0:
                place = (paragraph, at)
                break
        if place is None:
            scores["missing_sentences"].append((name, sentence))
            continue
        paragraph, at = place
        flat = paragraph.text.replace("\u00a0", " ")
        inside = [f for f in figures if f.paragraph == paragraph.number and at <= f.start and f.end <= at + len(sentence)]
        expected = entry.get("figures") or []
        matched = set()
        for gold in expected:
            want = gold_value(gold["value"])
            hit = next((f for f in inside if id(f) not in matched
                        and flat[f.start:f.end] == gold["said"] and figure_value(f) == want), None)
            if hit is None:
                scores["fn"] += 1
                scores["false_neg"].append((name, gold["said"], gold["value"], sentence))
                continue
            matched.add(id(hit))
            scores["tp"] += 1
            if hit.unit == gold["unit"]:
                scores["unit_ok"] += 1
            else:
                scores["wrong_unit"].append((name, gold["said"], gold["unit"], hit.unit))
        for f in inside:
            if id(f) not in matched:
                scores["fp"] += 1
                scores["false_pos"].append((name, flat[f.start:f.end], f.normalised, f.unit, sentence))
        for words in entry.get("not") or []:
            for m in re.finditer(re.escape(words), sentence):
                scores["nonfig"] += 1
                span = (at + m.start(), at + m.end())
                if any(f.start < span[1] and span[0] < f.end and id(f) not in matched for f in inside):
                    scores["nonfig_hit"] += 1
    tp, fp, fn = scores["tp"], scores["fp"], scores["fn"]
    scores["precision"] = tp / (tp + fp) if tp + fp else 1.0
    scores["recall"] = tp / (tp + fn) if tp + fn else 1.0
    return scores


def gold_entries() -> list[dict]:
    return yaml.safe_load(GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gold_scores():
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is not available")
    return evaluate_gold(gold_entries())


def test_gold_set_is_large_enough_and_quotes_real_text(gold_scores):
    entries = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    assert sum(len(e.get("figures") or []) for e in entries) >= 120
    assert sum(len(e.get("not") or []) for e in entries) >= 40
    assert "seed" in gold_scores["files"] and len(gold_scores["files"] - {"seed"}) >= 8
    assert gold_scores["missing_sentences"] == []


def test_gold_precision_and_recall(gold_scores):
    s = gold_scores
    print(f"\nfigures gold set: {s['tp'] + s['fn']} figures, {s['nonfig']} non-figures, "
          f"{len(s['files'])} transcripts")
    print(f"precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
          f"(tp {s['tp']}, fp {s['fp']}, fn {s['fn']}); unit right on {s['unit_ok']}/{s['tp']}; "
          f"non-figures extracted {s['nonfig_hit']}/{s['nonfig']}")
    held = evaluate_gold([e for e in gold_entries() if e.get("heldout")])
    print(f"of which held out (labelled after tuning): precision {held['precision']:.3f}  "
          f"recall {held['recall']:.3f}  (tp {held['tp']}, fp {held['fp']}, fn {held['fn']})")
    for item in s["false_pos"]:
        print("  FP", item[:4])
    for item in s["false_neg"]:
        print("  FN", item[:3])
    assert s["precision"] >= 0.95
    assert s["recall"] >= 0.90


# ---------------------------------------------------------------- the seed meeting


@pytest.fixture(scope="module")
def example_archive():
    return load_archive(read_content(ROOT / "content"))


def seed_figures(archive):
    return [f for f in archive.figures if f.meeting == "2023-02-17-70530"]


def by_said(figures, said):
    found = [f for f in figures if re.sub(r"\s+", " ", f.said) == said]
    assert found, f"{said!r} not found among {[f.said for f in figures]}"
    return found[0]


def test_seed_holds_the_figures_named_in_the_issue(example_archive):
    figures = seed_figures(example_archive)
    trade = by_said(figures, "over US$43 billion")
    assert (trade.value, trade.unit, trade.kind, trade.qualifier) == (Decimal("43e9"), "USD", "money", "over")
    programmes = by_said(figures, "28 joint programmes")
    assert (programmes.value, programmes.kind, programmes.noun) == (Decimal(28), "count", "joint programmes")
    goods = by_said(figures, "about US$44 billion")
    assert (goods.value, goods.unit, goods.qualifier) == (Decimal("44e9"), "USD", "about")
    plans = by_said(figures, "one hundred percent")
    assert (plans.value, plans.unit, plans.kind) == (Decimal(100), "%", "percent")
    parts = by_said(figures, "up to a thousand component parts")
    assert (parts.value, parts.qualifier, parts.noun) == (Decimal(1000), "up to", "component parts")
    assert by_said(figures, "three plants").value == 3
    done = by_said(figures, "about 80 percent")
    assert (done.value, done.unit, done.qualifier) == (Decimal(80), "%", "about")
    vague = by_said(figures, "several billion dollars")
    assert vague.value is None and vague.unit == "USD" and vague.vague


def test_seed_holds_no_model_names(example_archive):
    figures = seed_figures(example_archive)
    said = " | ".join(f.said for f in figures)
    assert "25" not in said and "21" not in said and "100" not in said.replace("one hundred", "")
    meeting = next(m for m in example_archive.meetings if m.slug == "2023-02-17-70530")
    names = {"Su-25", "MC-21", "Superjet 100"}
    for paragraph in meeting.paragraphs:
        for name in names:
            at = paragraph.text.find(name)
            if at >= 0:
                assert not any(f.paragraph == paragraph.number and f.start < at + len(name) and at < f.end
                               for f in figures), name


def test_seed_figures_know_who_said_them_and_where(example_archive):
    figures = seed_figures(example_archive)
    people = {p.key: p.name for p in example_archive.people}
    assert people[by_said(figures, "over US$43 billion").speaker] == "Vladimir Putin"
    assert people[by_said(figures, "one hundred percent").speaker] == "Alexander Lukashenko"
    trade = by_said(figures, "over US$43 billion")
    meeting = next(m for m in example_archive.meetings if m.slug == trade.meeting)
    paragraph = next(p for p in meeting.paragraphs if p.number == trade.paragraph)
    assert paragraph.text[trade.start:trade.end] == trade.said
    sentence, = sentences_of([trade], {meeting.slug: meeting})
    assert sentence.startswith("I would like to note that bilateral trade") and sentence.endswith("last year.")


# ---------------------------------------------------------------- reading numbers


@pytest.mark.parametrize("words, value", [
    ("one hundred", "100"), ("a thousand", "1000"), ("two and a half", "2.5"), ("15,000", "15000"),
    ("2.4 million", "2400000"), ("1\u00a0500", "1500"), ("half a trillion", "500000000000"),
    ("one and a half million", "1500000"), ("a million and a half", "1500000"), ("twenty-five", "25"),
    ("three hundred and fifty thousand", "350000"), ("Eighty million", "80000000"), ("$5bn", "5000000000"),
    ("300\u00a0million", "300000000"), ("a dozen", "12"),
])
def test_numbers_in_words_digits_and_mixtures_normalise(words, value):
    from generator.numbers import NUMERAL_RE
    match = NUMERAL_RE.search(words)
    assert plain(parse_numeral(match.group())) == value


def said_in(text: str) -> list[tuple[str, str, str]]:
    """(words said, normalised value, unit) of every figure found in a text."""
    out = []
    for f in find_in_text(text):
        value = plain(f.value) if f.value is not None else (f"{plain(f.low)}..{plain(f.high)}" if f.low is not None else "")
        out.append((re.sub(r"\s+", " ", text[f.start:f.end]), value, f.unit))
    return out


@pytest.mark.parametrize("text, expected", [
    ("Trade reached $29.5 billion.", [("$29.5 billion", "29500000000", "USD")]),
    ("It costs 300 million rubles.", [("300 million rubles", "300000000", "RUB")]),
    ("A grant of €5 million.", [("€5 million", "5000000", "EUR")]),
    ("Inflation is 85% now.", [("85%", "85", "%")]),
    ("It grew 12.5 per cent.", [("12.5 per cent", "12.5", "%")]),
    ("Prices fell from 40 to 60 percent.", [("from 40 to 60 percent", "40..60", "%")]),
    ("Prices fell 40–60 percent.", [("40–60 percent", "40..60", "%")]),
    ("Output grew two and a half times over.", [("two and a half times", "2.5", "×")]),
    ("We built 2.4 million square metres of housing.", [("2.4 million square metres", "2400000", "square metre")]),
    ("A park of 300 hectares.", [("300 hectares", "300", "hectare")]),
    ("The road is ten kilometres long.", [("ten kilometres", "10", "kilometre")]),
    ("They shipped 1.5 million tonnes.", [("1.5 million tonnes", "1500000", "tonne")]),
    ("This created 15,000 jobs.", [("15,000 jobs", "15000", "count")]),
    ("Nearly 40 percent agreed.", [("Nearly 40 percent", "40", "%")]),
    ("The road is 10\u00a0km long.", [("10 km", "10", "kilometre")]),
    # A Russian decimal comma: one or two digits after it are no thousands.
    ("Inflation is now 2,5%.", [("2,5%", "2.5", "%")]),
    ("It rose by 3,25 percent, to 2,5 billion rubles.", [("3,25 percent", "3.25", "%"), ("2,5 billion rubles", "2500000000", "RUB")]),
    ("We sold 2,500 tonnes and 12,345 more.", [("2,500 tonnes", "2500", "tonne"), ("12,345", "12345", "count")]),
])
def test_figures_of_every_kind(text, expected):
    assert said_in(text) == expected


def test_a_bracketed_conversion_is_a_second_linked_figure():
    text = "We spent 48 billion rubles [about US$520 million] on it."
    rubles, dollars = find_in_text(text)
    assert (rubles.value, rubles.unit) == (Decimal("48e9"), "RUB")
    assert (dollars.value, dollars.unit, dollars.qualifier) == (Decimal("520e6"), "USD", "about")
    assert dollars.restates == rubles.start


def test_qualifiers_are_kept_apart_from_the_value():
    text = ("Over 500 came, more than 20 percent left, about 300 tonnes, almost 10 plants, "
            "up to 5 percent, nearly 7 rubles.")
    qualifiers = [(f.qualifier, f.value) for f in find_in_text(text)]
    assert qualifiers == [("over", 500), ("more than", 20), ("about", 300), ("almost", 10),
                          ("up to", 5), ("nearly", 7)]


def test_under_qualifies_an_amount_but_not_a_count_of_things():
    """The corpus's "under two percent", "stood at under 400 billion" (the example's 2018-06-07:
    indexed as exactly 400 billion before), but "products under 350 projects"."""
    text = ("Growth has remained rather weak, under two percent. They stood at under 400 billion, today 450. "
            "We made competitive products under 350 projects, with under 5 tonnes of waste.")
    assert [(text[f.start:f.end], f.qualifier) for f in find_in_text(text)] == [
        ("under two percent", "under"), ("under 400 billion", "under"), ("450", ""), ("350 projects", ""),
        ("under 5 tonnes", "under")]


@pytest.mark.parametrize("text", [
    "The summit was held on July 7-8, 2023 in Vilnius.",
    "In 2023 we met again, and in 1999 too.",
    "The meeting starts at 10:30, and the press at 3 pm.",
    "This is our 21st meeting, the first in the second round.",
    "We discussed this three months ago.",
    "Under Article 15 of the Treaty and Resolution 2254.",
    "The Su-25, the MC-21, the Superjet 100 and the Boeing 737 flew over the G20 during COVID-19.",
    "Call the hotline on +7 495 606-36-02 or 8-800-200-34-11.",
    "1. Strengthen the Union State.",
    "He flew the Tu-160 over the Normandy Four meeting.",
    "We have been friends for 20 years, and she is 13.",
    "We met three times over the last three months.",
    "It was minus 25 and the guys were playing in 10, 20, maximum 30 years.",
])
def test_not_figures(text):
    assert said_in(text) == []


CORPUS_NOT_FIGURES = {
    # (corpus file, sentence as said there, NBSPs as spaces): what it says, once its non-figures are gone
    "a year after in": ("2013-02-01_17409", "These intrinsic national character traits helped our people to "
                        "overcome the Time of Troubles in 1612 and gain victory in the Great Patriotic War of 1812, "
                        "which was as great a victory for our people as was the 1941–1945 Great Patriotic War.", []),
    "a number after #": ("2016-07-29_52619", "To encourage the consumption of Russian rare earth metals we advise "
                         "using Government Resolution #719, which determines the criteria of the country of origin "
                         "as regards rare earth metals.", []),
    "a school number": ("2018-12-20_59455", "There is also school #55 that was closed and now children have to go "
                        "to faraway schools.", []),
    "power units": ("2016-10-13_53082", "Rosatom State Atomic Energy Corporation and the Nuclear Power Corporation "
                    "of India began preparations for the construction of units 3 and 4.", []),
    "hazard classes": ("2017-09-27_55714", "Mr President, I would like to stress that at present Russia, in fact, "
                       "does not have the necessary capacities to neutralise industrial wastes of hazard class 1 and "
                       "class 2 which total about 400,000 tonnes per year.",
                       [("about 400,000 tonnes", "400000", "tonne")]),
    "a date list": ("2020-05-15_63355", "The first such centre, in Nizhny Novgorod, opened on April 17, and then "
                    "seven more were commissioned on April 24 and 30.", []),
    "the Group of 20": ("2016-10-13_53082", "Our countries actively cooperate within the Group of 20, including "
                        "under the current Chinese chairmanship.", []),
    "a score": ("2017-10-19_55882", "The procedure is 3–1–0.", []),
    "a score as a name": ("2017-10-19_55882", "So the 3–1–0 approach solves a lot of problems for increasing "
                          "financing.", []),
    "a self-correction keeps its last amount": (
        "2018-06-07_57692", "Approximately 9.6–9.7–9.5 trillion rubles will be spent on road construction in "
        "various regions of the Russian Federation.", [("9.5 trillion rubles", "9500000000000", "RUB")]),
    "an engine": ("2019-02-12_59816", "The KAMAZ-Master team was represented in the race by four brand-new sport "
                  "trucks (KAMAZ-43509) equipped with inline-six engines.",
                  [("four brand-new sport trucks", "4", "count")]),
    "a scale word said once for two amounts": (
        "2018-06-07_57692", "And, Ms Skvortsova, about the resources that I have just mentioned, the 10 and 7.4 "
        "billion – there are other areas to be supported in the regions.",
        [("10", "10000000000", "count"), ("7.4 billion", "7400000000", "count")]),
}


@pytest.mark.parametrize("case", CORPUS_NOT_FIGURES)
def test_identifiers_years_scores_and_names_in_the_corpus_are_not_figures(case):
    _, sentence, expected = CORPUS_NOT_FIGURES[case]
    assert said_in(sentence) == expected


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside the project")
def test_the_corpus_sentences_are_quoted_as_said():
    for name, sentence, _ in CORPUS_NOT_FIGURES.values():
        assert sentence in (CORPUS / f"{name}.txt").read_text(encoding="utf-8").replace("\u00a0", " "), name


@pytest.mark.parametrize("text, expected", [
    ("Under Order № 5 and order №12 of the Ministry.", []),
    ("It was founded in 1200 and has branches in 1200 cities.", [("1200 cities", "1200", "count")]),
    ("Units 3 and 4 are ready at 300 million rubles, and Article 15 and 300 companies stay.",
     [("300 million rubles", "300000000", "RUB"), ("300 companies", "300", "count")]),
    ("We spent $10 and 12 billion.", [("$10", "10000000000", "USD"), ("12 billion", "12000000000", "USD")]),
    ("It is 10 and 7 billion rubles.", [("10", "10000000000", "RUB"), ("7 billion rubles", "7000000000", "RUB")]),
])
def test_identifier_and_scale_rules_keep_the_figures_beside_them(text, expected):
    assert said_in(text) == expected


def test_glossary_terms_with_digits_are_masked():
    class Entry:
        term, aliases = "iPhone 12", ("iPhone twelve",)

    class Glossary:
        entries = (Entry(),)

    from generator.figure_masks import glossary_masks
    text = "They all bought the iPhone 12 phones."
    assert said_in(text) == [("12 phones", "12", "count")]
    assert find_in_text(text, glossary_masks(Glossary())) == []
    assert glossary_masks(None) == ()


def test_offsets_index_the_original_text_with_nbsps():
    text = "It\u00a0reached over\u00a0US$43\u00a0billion last\u00a0year."
    figure, = find_in_text(text)
    assert text[figure.start:figure.end] == "over\u00a0US$43\u00a0billion"
    assert sentence_at(text, figure.start, figure.end) == "It reached over US$43 billion last year."


def test_a_space_between_a_currency_sign_and_its_digits_keeps_the_currency():
    """"US$\u00a043\u00a0billion" was a count of 43 billion, its sign left out."""
    text = "Trade reached US$\u00a043\u00a0billion, then $ 5 million more, and RUB 40 million."
    assert [(text[f.start:f.end], f.unit, f.value) for f in find_in_text(text)] == [
        ("US$\u00a043\u00a0billion", "USD", 43_000_000_000), ("$ 5 million", "USD", 5_000_000),
        ("RUB 40 million", "RUB", 40_000_000)]


# ---------------------------------------------------------------- the page and the marks


def figure_rows_of(html: str) -> list[str]:
    return re.findall(r'<tr data-kind="[^"]*"[^>]*>.*?</tr>', html, re.S)


def test_every_figure_row_links_to_an_existing_paragraph(example_site):
    page = (example_site / "figures" / "index.html").read_text(encoding="utf-8")
    rows = figure_rows_of(page)
    assert len(rows) > 100
    anchors: dict[str, set[str]] = {}
    for row in rows:
        href = re.search(r'<td class="said"><a href="([^"]+)"', row).group(1)
        path, _, fragment = href.partition("#")
        target = (example_site / "figures" / path).resolve()
        if target not in anchors:
            anchors[target] = set(re.findall(r'\bid="([^"]+)"', target.read_text(encoding="utf-8")))
        assert fragment.startswith("p") and fragment in anchors[target], href


def test_figures_page_works_without_a_script_and_loads_only_its_own(example_site):
    page = (example_site / "figures" / "index.html").read_text(encoding="utf-8")
    assert "<table" in page and 'class="figure-filters" hidden' in page
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert "../static/figures.js" in scripts and not any("//" in s for s in scripts)
    assert (example_site / "static" / "figures.js").is_file()
    meeting = (example_site / "meetings" / "2023-02-17-70530.html").read_text(encoding="utf-8")
    assert "figures.js" not in meeting
    row = next(r for r in figure_rows_of(page) if "over US$43 billion" in r)
    assert '<data value="43000000000">43,000,000,000</data>' in row and "Vladimir Putin" in row
    assert '<span class="qualifier">over</span>' in row and '<span class="unit">USD</span>' in row
    assert "17 February 2023" in row
    assert ('<td class="sentence">I would like to note that bilateral trade is on the rise and reached a record '
            'level of <mark>over US$43 billion</mark> last year. <a class="to-paragraph"') in row


def test_meeting_text_marks_figures_as_data(example_site):
    """Each figure in the text is <data> (DESIGN's hook), holding a link to its row in the figures index;
    a vague amount, with no number for <data value>, is a <span> with the same link."""
    meeting = (example_site / "meetings" / "2023-02-17-70530.html").read_text(encoding="utf-8")
    assert ('<data class="figure" value="43000000000" data-unit="USD"><a class="figure-link" '
            'href="../figures/index.html#f-2023-02-17-70530-p14-87">over US$43 billion</a></data>') in meeting
    assert ('<span class="figure vague" data-unit="USD"><a class="figure-link" '
            'href="../figures/index.html#f-2023-02-17-70530-p22-425">several billion dollars</a></span>') in meeting
    assert re.search(r'<data class="figure" value="1000" data-unit="count"><a class="figure-link" href="[^"]+">'
                     r'up to a(?:\xa0|&nbsp;| )thousand component parts</a></data>', meeting)
    for value in re.findall(r'<data class="figure" value="([^"]*)"', meeting):
        assert re.fullmatch(r"-?\d+(\.\d+)?", value), value
    assert not re.search(r"<data[^>]*>(?:<a [^>]*>)?[^<]*(Su-25|MC-21|Superjet)", meeting)


def figure_links(meeting_html: str) -> list[tuple[str, str, str]]:
    """(figures page, row id, words) of each figure linked in a meeting page's text."""
    return re.findall(r'<a class="figure-link" href="\.\./(figures/[^"#]+)#([^"]+)">([^<]*)</a>', meeting_html)


def test_each_figure_in_the_text_links_to_its_row_which_links_back(example_archive, monkeypatch):
    """DESIGN: figures link to their pages, and those pages link back to the exact paragraph: vague
    amounts too. With pages of about 60 rows a meeting's figures are on an older page: its links go there."""
    from generator import figure_views
    from generator.render import render_site
    monkeypatch.setattr(figure_views, "FIGURES_PAGE_SIZE", 60)
    site = render_site(replace(example_archive))  # a new Archive: its pages are cut anew
    checked = set()
    for path, data in site.items():
        if not path.startswith("meetings/"):
            continue
        slug = path[len("meetings/"):-len(".html")]
        links = figure_links(data.decode("utf-8"))
        assert len(links) == sum(1 for f in example_archive.figures if f.meeting == slug), path
        for page, anchor, words in links:
            row = re.search(rf'<tr [^>]*id="{re.escape(anchor)}">\s*<td class="said"><a href="\.\./{re.escape(path)}'
                            rf'#(p\d+)">([^<]*)</a>', site[page].decode("utf-8"))
            assert row, (path, page, anchor)
            paragraph = anchor.split("-p")[-1].split("-")[0]
            assert row.group(1) == f"p{paragraph}"
            checked.add(page)
    assert checked == {"figures/index.html", "figures/page-1.html", "figures/page-2.html"}


SAID_ROW_RE = re.compile(
    r'<tr data-kind="(\w+)">\s*<td class="said"><a href="#(p\d+)">([^<]*)</a></td>\s*'
    r'<td class="value">(?:<span class="qualifier">([^<]*)</span> )?<data(?: class="vague")? value="([^"]*)"[^>]*>'
    r'[^<]*</data>(?:&nbsp;<span class="unit">([^<]*)</span>)?[^\n]*</td>\s*<td class="speaker-cell">([^\n]*)</td>')


def said_table(meeting_html: str) -> list[tuple]:
    """The rows of a meeting page's own table of figures: (kind, anchor, said, qualifier, value, unit, speaker)."""
    section = re.search(r'<section class="meeting-figures".*?</section>', meeting_html, re.S)
    return [tuple(g or "" for g in row.groups()) for row in SAID_ROW_RE.finditer(section.group(0))] if section else []


def test_a_meeting_page_lists_its_figures_in_the_order_said(example_site):
    """Issue 4: each meeting page lists its figures, each linked to its paragraph on the page."""
    meeting = (example_site / "meetings" / "2023-02-17-70530.html").read_text(encoding="utf-8")
    putin, lukashenko = "Vladimir Putin", "Alexander Lukashenko"
    assert said_table(meeting) == [
        ("money", "p14", "over US$43 billion", "over", "43000000000", "USD", putin),
        ("count", "p16", "28 joint programmes", "", "28", "joint programmes", putin),
        ("money", "p21", "US$50 billion", "", "50000000000", "USD", lukashenko),
        ("money", "p21", "about US$44 billion", "about", "44000000000", "USD", lukashenko),
        ("money", "p22", "over US$300 million", "over", "300000000", "USD", lukashenko),
        ("money", "p22", "more than US$300 million", "more than", "300000000", "USD", lukashenko),
        ("money", "p22", "US$300 million", "", "300000000", "USD", lukashenko),
        ("money", "p22", "several billion dollars", "", "", "USD", lukashenko),
        ("percent", "p23", "one hundred percent", "", "100", "%", lukashenko),
        ("count", "p31", "up to a thousand component parts", "up to", "1000", "component parts", lukashenko),
        ("count", "p31", "three plants", "", "3", "plants", lukashenko),
        ("count", "p37", "28 programmes", "", "28", "programmes", lukashenko),
        ("percent", "p37", "about 80 percent", "about", "80", "%", lukashenko),
    ]
    assert "13 figures, in the order said: Money 7 · Percentage 2 · Count 4." in meeting
    assert '<a href="../figures/index.html">figures index</a>' in meeting
    for kind, anchor, said, *_ in said_table(meeting):   # the figure is in the paragraph it links to
        paragraph = re.search(rf'<p id="{anchor}"[^>]*>(.*?)</p>', meeting, re.S).group(1)
        assert said.replace(" ", "") in re.sub(r"<[^>]+>|&nbsp;|\s", "", paragraph), (anchor, said)


def test_every_meeting_lists_the_figures_the_index_gives_it(example_site):
    index = "".join(p.read_text(encoding="utf-8") for p in (example_site / "figures").glob("*.html"))
    listed = 0
    for page in sorted((example_site / "meetings").glob("*.html")):
        rows = said_table(page.read_text(encoding="utf-8"))
        assert len(rows) == index.count(f'data-meeting="{page.stem}"'), page.name
        listed += len(rows)
    assert listed > 250


def test_a_meeting_names_who_said_each_figure_as_its_turns_do():
    """A generic turn's figure is the label's ("Question"); one in the preamble is nobody's;
    a meeting without figures has no table."""
    from generator.render import render_site
    text = ('---\ntitle: "Who"\ndate: 2024-01-02\n---\nThe meeting had 40 guests.\n\n'
            'Question: How are the 300 plants doing, <b>sir</b>?\n\nSpeaker One: About 80 percent of them.\n')
    quiet = ('---\ntitle: "Quiet"\ndate: 2024-01-03\n---\nSpeaker One: Good afternoon.\n')
    archive = load_archive(ContentInput(transcripts=(Source("transcripts/2024-01-02_x.txt", text),
                                                     Source("transcripts/2024-01-03_y.txt", quiet))))
    site = render_site(archive)
    html = site["meetings/2024-01-02-x.html"].decode("utf-8")
    assert said_table(html) == [
        ("count", "p1", "40 guests", "", "40", "guests", '<span class="muted">—</span>'),
        ("count", "p2", "300 plants", "", "300", "plants", "Question"),
        ("percent", "p3", "About 80 percent", "about", "80", "%", "Speaker One"),
    ]
    assert "meeting-figures" not in site["meetings/2024-01-03-y.html"].decode("utf-8")


def test_a_range_is_one_mark_with_its_low_value_and_high_end():
    from generator.render import render_site
    text = ('---\ntitle: "Ranges"\ndate: 2024-01-02\n---\n'
            'Speaker One: Prices fell 40–60 percent, <b>then</b> & "more", between 20 and 50 million rubles.\n')
    archive = load_archive(ContentInput(transcripts=(Source("transcripts/2024-01-02_x.txt", text),)))
    html = render_site(archive)["meetings/2024-01-02-x.html"].decode("utf-8")
    paragraph = re.search(r'<p id="p1"[^>]*>(.*?)&nbsp;<a class="permalink"', html).group(1)
    row = '<a class="figure-link" href="../figures/index.html#f-2024-01-02-x-p1-'
    assert paragraph == ('Prices fell <data class="figure" value="40" data-high="60" data-unit="%">'
                         f'{row}12">40–60 percent</a></data>, '
                         '&lt;b&gt;then&lt;/b&gt; &amp; "more", <data class="figure" value="20000000" '
                         f'data-high="50000000" data-unit="RUB">{row}49">between 20 and 50 million rubles</a></data>.')


def test_figures_page_escapes_what_the_text_says(tmp_path):
    from generator.render import render_site
    text = ('---\ntitle: "A <b>test</b>"\ndate: 2024-01-02\n---\n'
            'Speaker One: We paid US$5 million <script>alert(1)</script> for 3 plants & more.\n')
    archive = load_archive(ContentInput(transcripts=(Source("transcripts/2024-01-02_x.txt", text),)))
    assert [f.said for f in archive.figures] == ["US$5 million", "3 plants"]
    page = render_site(archive)["figures/index.html"].decode("utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;test&lt;/b&gt;" in page


# ---------------------------------------------------------------- speed without changing what is found
#
# figure_masks, numbers and figures skip work with cheap tests and patterns
# rewritten to start with a character. These tests hold them to the plain
# patterns, as first written, on real transcripts and on the cases that
# broke while they were written.

MONTHS_WORDS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
                r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.")
DASH = r"\s*[-–—−‑]\s*"
PLAIN_PATTERNS = {
    "DATE_RE": (rf"\b(?:{MONTHS_WORDS})(?:\s+\d{{1,2}}(?:st|nd|rd|th)?(?:{DASH}\d{{1,2}})?)?(?:,?\s+\d{{4}})?(?!\w)", 0),
    "DAY_MONTH_RE": (rf"\b\d{{1,2}}(?:st|nd|rd|th)?(?:{DASH}\d{{1,2}})?\s+(?:of\s+)?(?:{MONTHS_WORDS})"
                     r"(?:,?\s+\d{4})?(?!\w)", 0),
    "CLOCK_RE": (r"\b\d{1,2}(?:[:.]\d{2})?\s*(?:a\.m\.|p\.m\.|am\b|pm\b|o[’']clock\b)", re.IGNORECASE),
    "HOURS_MINUTES_RE": (r"\b\d{1,2}:\d{2}\b", 0),
    "GLUED_RE": (r"\b\d+(?!(?:bn|mln|mn|trln|tn|k|m|km|kg|t|ha|MW|GW|kW|kWh|MWh|GWh|TWh|m2|m3|km2)\b)[A-Za-z]+\w*", 0),
    "RATIO_RE": (r"\b\d+/\d+\b", 0),
    "_CAPWORD_NUMBER_RE": (r"\b([A-Z][\w-]*)(?![’'])[ \u00a0](\d+(?:\.\d+)?)\b(?!,\d{3})", 0),
}
"""Each rewritten pattern as first written, with `\\b` in front."""

TRICKY = [
    "a m-5sized business", "the G5G and A320neo", "Il-114-300 and Su-25", "COVID-19 in 2020",
    "Under section no.5 and part  12 of the law, number one and top hundred", "Law No. 94, vol. 3",
    "On the 5th of May 2019 we met, and on 22 May, and in May 2020", "Jan. 2014 and December 17–19, 2012",
    "at 10:30, at 9 am, at 12.45 p.m. and at five o’clock", "Call +7 495 606-36-02 or 8-800-200-34-11 or (495) 123-45-67",
    "24/7, 1/3, (1) and [2]", "Thouſands of tonnes and ſeveral billion dollars", "İstanbul got 5 percent",
    "Tens OF thousands OF people, a few dozen plants, a  couple of million tonnes, several times more",
    "It grew twice as fast and fourfold, by 50 times", "_10to 20 years and 10to 20 years", "1,5G and x.5G and 2.5G",
    "Superjet 100 and Over 500 and Currently 20%", "one-on-one, 4-star, Group of Five, fifty fifty",
]


def said_paragraph_texts(limit_every: int = 5) -> list[str]:
    paths = [SEED] + sorted(CORPUS.glob("*.txt"))[::limit_every] if CORPUS.is_dir() else [SEED]
    texts = []
    for path in paths:
        meeting = load_meeting(path)
        texts += [p.text for p in meeting.paragraphs if p.kind in ("speech", "preamble", "text")]
    return texts + TRICKY


@pytest.fixture(scope="module")
def corpus_texts():
    return said_paragraph_texts()


def test_rewritten_patterns_match_as_first_written(corpus_texts):
    from generator import figure_masks
    for name, (plain_pattern, flags) in PLAIN_PATTERNS.items():
        fast, first = getattr(figure_masks, name), re.compile(plain_pattern, flags)
        for text in corpus_texts:
            assert [m.span() for m in fast.finditer(text)] == [m.span() for m in first.finditer(text)], (name, text)


def test_numerals_and_vague_amounts_are_found_as_by_the_plain_patterns(corpus_texts):
    from generator.figure_masks import plain_case
    from generator.figures import VAGUE_RE, _vague_matches
    from generator.numbers import NUMERAL_RE, numerals_in
    for text in corpus_texts:
        lower = text.lower()
        plain_numerals = [m.span() for m in NUMERAL_RE.finditer(text)]
        assert numerals_in(text, lower) == plain_numerals, text
        if plain_case(text, lower):      # else vague_figures runs VAGUE_RE itself
            assert [m.span() for m in _vague_matches(text, lower)] == [m.span() for m in VAGUE_RE.finditer(text)], text


def test_cheap_tests_never_skip_a_mask(corpus_texts):
    from generator.figure_masks import _every_span, glossary_mask_needles, masked_spans
    from generator.glossary import load_glossary
    glossary, _ = load_glossary(read_content(ROOT / "content").glossary)
    needles = glossary_mask_needles(glossary)
    patterns = tuple(pattern for pattern, _ in needles)
    for text in corpus_texts:
        lower = text.lower()
        assert masked_spans(text, needles, lower) == _every_span(text, patterns, lower), text


def test_masks_that_broke_a_cheap_test_while_it_was_written():
    from generator.figure_masks import masked_spans
    assert masked_spans("a m-5sized business") == [(4, 10)]      # a hyphen before and a letter after
    assert masked_spans("Under section no.5 and part  12 of the law") == [(6, 18), (23, 31)]
    assert masked_spans("On the 5th of May 2019 we met") == [(14, 22), (7, 22), (7, 10), (14, 22)]


def test_the_mask_index_answers_as_a_look_at_every_mask():
    from generator.figure_masks import Masks
    spans = [(10, 20), (0, 3), (10, 12), (30, 31), (5, 40)]
    masks = Masks(spans)
    for start in range(0, 45):
        for end in range(start + 1, 46):
            assert masks.covers(start, end) == any(s < end and start < e for s, e in spans)
    assert [masks.end_at(at) for at in (10, 0, 5, 7)] == [20, 3, 40, None]


def test_sentences_are_found_as_by_a_walk_over_every_boundary(corpus_texts):
    from generator.figures import sentence_boundaries, sentence_span

    def walk(boundaries, start, end, length):
        begin, finish = 0, length
        for b_start, b_end in boundaries:
            if b_end <= start:
                begin = b_end
            elif b_start >= end - 1:
                finish = b_start + 1
                break
        return begin, finish

    checked = 0
    for text in corpus_texts:
        boundaries = sentence_boundaries(text)
        starts, ends = [s for s, _ in boundaries], [e for _, e in boundaries]
        for f in find_in_text(text):
            assert sentence_span(starts, ends, f.start, f.end, len(text)) == walk(boundaries, f.start, f.end, len(text))
            checked += 1
    assert checked > 200


# ---------------------------------------------------------------- pages of a large archive


def render_figure_pages(archive) -> dict[str, str]:
    from generator import figure_views
    from generator.lazy import view_of
    from generator.render import make_environment, render_page
    from generator.views import site_view
    env, site = make_environment(), site_view(archive)
    return {path: render_page(env, site, path, template, view_of(view)).decode("utf-8")
            for path, template, view in figure_views.figures_pages(archive)}


def rows_by_group(rows: list[str]) -> dict[str, list[str]]:
    """The rows of each of the figures table's groups, in order."""
    from generator.figure_views import KIND_GROUPS
    grouped: dict[str, list[str]] = {}
    for row in rows:
        grouped.setdefault(KIND_GROUPS[re.match(r'<tr data-kind="(\w+)"', row).group(1)], []).append(row)
    return grouped


def test_large_archives_page_between_meetings_with_a_dated_pager(example_archive, monkeypatch):
    """Pages of about 60 rows: the newest meetings on figures/index.html, which lists every page
    by its dates; the older ones numbered from the oldest, each linking to its neighbours."""
    from generator import figure_views
    one_page = render_figure_pages(example_archive)
    monkeypatch.setattr(figure_views, "FIGURES_PAGE_SIZE", 60)
    pages = render_figure_pages(replace(example_archive))  # a new Archive: its pages are cut anew (per_archive)
    assert list(pages) == ["figures/index.html", "figures/page-2.html", "figures/page-1.html"]
    rows = {path: figure_rows_of(html) for path, html in pages.items()}
    assert [len(r) for r in rows.values()] == [16, 229, 49]    # the 7 June 2018 meeting alone says 204
    # the rows of each group (money, percentages, counts and measures), page after page, are one page's
    assert rows_by_group([row for r in rows.values() for row in r]) == rows_by_group(
        figure_rows_of(one_page["figures/index.html"]))
    for path, page_rows in rows.items():       # every meeting's figures are on one page
        others = {m for p, r in rows.items() if p != path for m in re.findall(r'data-meeting="([^"]+)"', "".join(r))}
        assert not others & set(re.findall(r'data-meeting="([^"]+)"', "".join(page_rows)))
    first, second = pages["figures/index.html"], pages["figures/page-2.html"]
    assert ('<ol class="page-spans"><li><span aria-current="page">17 February 2023 – 7 December 2019</span></li>'
            '<li><a href="page-2.html">7 June 2018 – 4 June 2018</a></li><li><a href="page-1.html">4 April 2018 – 9 October'
            ' 2010</a></li></ol>\n<a rel="next" href="page-2.html">Older →</a></nav>') in first  # Older after the pages
    assert '<a rel="prev" href="index.html">← Newer</a>' in second
    assert '<a rel="next" href="page-1.html">Older →</a>' in second
    assert '<span aria-current="page">7 June 2018 – 4 June 2018</span>' in second
    assert "<title>Figures, 7 June 2018 – 4 June 2018" in second
    assert 'rel="prev"' not in first and 'rel="next"' not in pages["figures/page-1.html"]
    assert "<nav" not in one_page["figures/index.html"].split("<main", 1)[1].split("</main>")[0]
    # The archive's totals and the list of pages only on the first page: a meeting added leaves later pages as they were.
    total = sum(len(r) for r in rows.values())
    assert f'<p class="lede">{total:,} figures said in the archive' in first
    for path in list(pages)[1:]:
        assert "said in the archive" not in pages[path] and f"{total:,}" not in pages[path]
        assert 'The archive’s totals and every page are on <a href="index.html">the first page</a>.' in pages[path]
        assert "4 April 2018 – 9 October 2010</a>" not in pages[path]


def test_a_meeting_added_or_a_figure_added_moves_no_other_figures_page(example_archive, monkeypatch):
    """page_chunks cuts where each page's own meetings say, from the oldest: a newer meeting with
    figures changes only the newest page (or starts one), and a figure added to an older meeting
    only that meeting's page; every other page keeps its address and its meetings."""
    from generator.figure_views import page_chunks, page_paths
    shares = [(f"m{n:03}", tuple(range(n % 7 + 1))) for n in range(300, 0, -1)]  # newest first, 1-7 rows each

    def pages(shares):
        chunks = page_chunks(shares, 40)
        return dict(zip(page_paths(len(chunks)), ([slug for slug, _ in chunk] for chunk in chunks)))
    before = pages(shares)
    assert len(before) >= 20 and all(20 <= sum(n % 7 + 1 for n in (int(s[1:]) for s in slugs)) <= 80
                                     for slugs in list(before.values())[1:])
    added = pages([("m301", tuple(range(5)))] + shares)
    changed = {path for path in before.keys() | added.keys() if before.get(path) != added.get(path)}
    assert changed <= {"figures/index.html", f"figures/page-{len(before)}.html"} and "figures/index.html" in changed
    middle = [(slug, said + ("more",) if slug == "m150" else said) for slug, said in shares]
    moved = {path for path in before if before[path] != pages(middle).get(path)}
    assert len(moved) <= 2 and all("m150" in before[path] or "m150" in pages(middle)[path] for path in moved)


def test_figures_come_back_from_a_pickle_as_figures_made_by_tuple_new(example_archive):
    """The cache and the workers pickle every figure: each comes back equal, a Figure, and made
    by tuple.__new__ in C (Figure.__reduce__), not by a Python call per figure."""
    import pickle
    import pickletools
    figures = example_archive.figures
    assert len(figures) == 294
    back = pickle.loads(pickle.dumps(figures, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == figures and {type(f) for f in back} == {Figure}
    assert [f.vague for f in back] == [f.vague for f in figures]
    opcodes = {op.name for op, _, _ in pickletools.genops(pickle.dumps(figures[0], protocol=pickle.HIGHEST_PROTOCOL))}
    assert "NEWOBJ" not in opcodes and "REDUCE" in opcodes


def test_a_figure_inside_a_link_of_the_text_is_marked_but_not_linked_again():
    """A link inside a link is invalid HTML: a .md transcript's own link keeps the words it holds,
    and a figure among them is <data> without its link to the index (inline.choose_marks)."""
    from generator.render import render_site
    text = ('---\ntitle: "Links"\ndate: 2024-01-02\n---\n'
            'Speaker One: See [the 5 percent rise](https://example.org) and 7 percent more.\n')
    archive = load_archive(ContentInput(transcripts=(Source("transcripts/2024-01-02_x.md", text),)))
    html = render_site(archive)["meetings/2024-01-02-x.html"].decode("utf-8")
    paragraph = re.search(r'<p id="p1"[^>]*>(.*?)&nbsp;<a class="permalink"', html).group(1)
    assert paragraph == ('See <a href="https://example.org" rel="external nofollow">the '
                         '<data class="figure" value="5" data-unit="%">5 percent</data> rise</a> and '
                         '<data class="figure" value="7" data-unit="%"><a class="figure-link" '
                         'href="../figures/index.html#f-2024-01-02-x-p1-27">7 percent</a></data> more.')
