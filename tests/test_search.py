"""Offline search: the index written at build time, and search.html driven in headless Chromium from file://.

Expected results are computed here in Python from the parsed archive, so the
browser's answers are checked against an independent count, not against
themselves.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from conftest import CONTENT, CORPUS
from generator import search_index as si
from generator.lazy import view_of
from generator.pipeline import load_archive
from generator.read import read_content
from generator.recall import Recall
from generator.write import digest_of

SEED = "2023-02-17-70530"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def archive():
    return load_archive(read_content(CONTENT))


@pytest.fixture(scope="module")
def index(archive):
    return si.build_search_index(archive)


# ---- text folding and encoding ----

@pytest.mark.parametrize("text", [
    "Putin: “We’ll see” — in 2024… snake_case and __init__", "a\u00a0b\tc\u2028d", "Москва’s 2024 «слова»",
    "Ⅻ ½ ١٢٣ e\u0301", "café—bar – x", "only ascii, punctuation! (and) [brackets]; 5.5%", ""])
def test_the_fast_tokenizer_finds_what_the_regular_expression_finds(text):
    assert si.tokenize(text) == si.TOKEN_RE.findall(si.fold(text))


@given(st.text(alphabet=st.sampled_from("aZ9_ -.\u00a0\u2019\u201c\u2014éßςЖ½\u0301\t")))
def test_the_fast_tokenizer_agrees_on_any_text(text):
    assert si.tokenize(text) == si.TOKEN_RE.findall(si.fold(text))


def test_the_fast_tokenizer_agrees_on_every_line_of_the_corpus():
    lines = [line for path in sorted(CORPUS.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) > 10_000
    assert [si.tokenize(line) for line in lines] == [si.TOKEN_RE.findall(si.fold(line)) for line in lines]


def test_fold_and_tokenize_ignore_case_and_accents():
    assert si.tokenize("KAMAZ, Kámaz and kamaz") == ["kamaz", "kamaz", "and", "kamaz"]
    assert si.tokenize("Lukašenka’s Straße") == ["lukasenka", "s", "strasse"]
    assert si.tokenize("US$43 billion, Su-25") == ["us", "43", "billion", "su", "25"]
    assert si.fold("ΟΔΟΣ") == si.fold("οδος") == "οδοσ"


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(1, 70)), max_size=60))
def test_postings_round_trip(steps):
    postings, meeting, place = [], -1, -1
    for meeting_gap, place_gap, frequency in steps:
        if meeting_gap or meeting < 0:
            meeting, place = meeting + meeting_gap + 1, place_gap
        else:
            place += place_gap + 1
        postings.append((meeting, place, frequency))
    assert si.decode_postings(si.encode_postings(postings)) == postings


def test_postings_are_compact():
    # meeting 0 place 0; place 1; place 2 twice; meeting 3 place 5
    assert si.encode_postings([(0, 0, 1), (0, 1, 1), (0, 2, 2), (3, 5, 1)]) == "20010A5"
    assert len(si.encode_postings([(0, i * 3, 1) for i in range(100)])) == 101


# ---- the index ----

def posting(index, slug: str, number: int, frequency: int) -> tuple[int, int, int]:
    """What decode_postings gives for paragraph `number` of meeting `slug`."""
    meeting = next(i for i, m in enumerate(index.manifest["meetings"]) if m[0] == slug)
    return meeting, number - 1, frequency


def test_kamaz_postings_point_at_the_seed_paragraphs(index, archive):
    key = next(k for k in index.shards if "kamaz".startswith(k) and "kamaz" in index.shards[k])
    assert si.shard_path(key) == f"search/t/{key}.js"
    postings = si.decode_postings(index.shards[key]["kamaz"])
    assert postings == [posting(index, SEED, 26, 1), posting(index, SEED, 28, 2)]
    doc = si.search_files(archive)[si.doc_path(SEED)].decode("utf-8")
    texts = json.loads(doc[doc.index(",") + 1:doc.rindex(");")])
    assert texts[26 - 1].startswith("I will clarify for those present")


def test_a_paragraph_added_to_one_meeting_changes_only_the_shards_of_its_words(index, archive, tmp_path):
    """Postings count places within a meeting, so the later meetings' postings do not
    shift: an editor's new paragraph rewrites a few shards, not the whole index."""
    import shutil
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    first = archive.meetings[0]
    transcript = content / "transcripts" / Path(first.path).name
    added = "Zyxwvut quarterly harvest."
    transcript.write_text(transcript.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + added + "\n",
                          encoding="utf-8")
    edited = si.build_search_index(load_archive(read_content(content)))
    assert edited.manifest["meetings"][1][4] == index.manifest["meetings"][1][4] + 1  # ids did shift
    changed = {key for key in index.shards.keys() | edited.shards.keys()
               if index.shards.get(key) != edited.shards.get(key)}
    new_words = set(si.tokenize(added))
    assert changed and changed <= {key for key in edited.shards if any(w in edited.shards[key] for w in new_words)}
    assert si.decode_postings(edited.shards[next(k for k in edited.shards if "zyxwvut" in edited.shards[k])]
                              ["zyxwvut"]) == [(0, len(first.paragraphs), 1)]


def test_blocks_given_away_as_they_are_joined_make_the_same_index_one_block_at_a_time(monkeypatch):
    """build_search_index(give=) hands each block not kept to `give` as it joins it, and holds
    none after: when a block is given, every block before the last is gone (a command-line
    build writes each into its cache at once). `kept` is left as it was."""
    import gc
    import weakref
    monkeypatch.setattr(si, "BLOCK_EVERY", 3)
    archive = load_archive(read_content(CONTENT))
    identities = si.block_identities(archive)
    assert len(identities) > 3
    first = si.blocks_of(archive, {}, None)[0]
    kept = {identities[0]: first}
    names: list = []
    refs: list = []
    alive_before: list[int] = []

    def give(identity, block):
        gc.collect()
        alive_before.append(sum(ref() is not None for ref in refs[:-1]))
        refs.append(weakref.ref(block))
        names.append(identity)

    streamed = si.build_search_index(archive, None, kept, give=give)
    assert names == identities[1:] and kept == {identities[0]: first}
    assert alive_before == [0] * len(names)  # only the block joined last, if any, outlives its turn
    assert streamed == si.build_search_index(archive)


@pytest.mark.parametrize("terms", [100, 70_000])
def test_a_meetings_postings_cut_its_bytes_in_two_or_four_byte_offsets(terms):
    """Offsets fit two bytes in most meetings; one whose postings run past 65,535 bytes has four."""
    from generator.model import Source
    from generator.parse import parse_transcript
    lines = [" ".join(f"w{n}" for n in range(start, min(terms, start + 1000))) for start in range(0, terms, 1000)]
    speech = "\n\n".join(lines)
    meeting = parse_transcript(Source("content/transcripts/2024-01-01_1.txt",
                                      f"Title\n\nVladimir Putin: w0 {speech}.\n\nSergei Lavrov: w1 w5.\n"))
    own = si.meeting_postings(meeting)
    assert own.cuts.typecode == ("H" if terms < 65_536 else "I")
    assert len(own.cuts) == len(own.terms.split("\n")) + 1 > terms and own.cuts[-1] == len(own.tails)
    joined = si.join_terms([si.join_block([own])])
    place = next(i for i, p in enumerate(meeting.paragraphs) if p.text.startswith("w0 "))
    assert si.decode_postings(joined["w0"]) == [(0, place, 2)]
    assert si.decode_postings(joined["w5"]) == [(0, place, 1), (0, place + len(lines), 1)]
    assert si.decode_postings(joined[f"w{terms - 1}"]) == [(0, place + len(lines) - 1, 1)]


@pytest.mark.parametrize("every, most", [(1, 1), (3, 256), (64, 2), (64, 256)])
def test_postings_joined_by_blocks_are_each_terms_postings_in_archive_order(archive, monkeypatch, every, most):
    """Whatever the blocks, every term's postings are its (meeting, place, frequency) in the
    archive, counted here the plain way, paragraph by paragraph."""
    from collections import Counter, defaultdict
    monkeypatch.setattr(si, "BLOCK_EVERY", every)
    monkeypatch.setattr(si, "BLOCK_MOST", most)
    expected = defaultdict(list)
    for number, meeting in enumerate(archive.meetings):
        for place, paragraph in enumerate(meeting.paragraphs):
            if paragraph.kind in si.INDEXED_KINDS:
                for term, frequency in Counter(si.tokenize(paragraph.text)).items():
                    expected[term].append((number, place, frequency))
    index = si.build_search_index(archive)
    found = {term: text for shard in index.shards.values() for term, text in shard.items()}
    assert found.keys() == expected.keys()
    assert all(found[term] == si.encode_postings(postings) for term, postings in expected.items())
    bounds = si.block_bounds(archive)
    assert [number for block in bounds for number in block] == list(range(11))
    assert max(len(block) for block in bounds) <= most


def test_every_term_is_in_its_longest_prefix_shard(index):
    keys = set(index.shards)
    for key, terms in index.shards.items():
        for term in terms:
            longest = max((k for k in keys if term.startswith(k)), key=len)
            assert longest == key, term


def test_manifest_tables_cover_every_paragraph(archive, index):
    manifest = index.manifest
    assert manifest["paragraphs"] == sum(len(m.paragraphs) for m in archive.meetings) == len(manifest["norms"])
    at = 0
    for row, meeting in zip(manifest["meetings"], archive.meetings):
        assert row[:4] == [meeting.slug, meeting.title, meeting.date.isoformat() if meeting.date else "", meeting.place]
        assert row[4:] == [at, len(meeting.paragraphs)]
        assert [p.number for p in meeting.paragraphs] == list(range(1, len(meeting.paragraphs) + 1))
        at += len(meeting.paragraphs)


def test_speaker_runs_name_the_speaker_of_each_paragraph(index):
    seed = [m[0] for m in index.manifest["meetings"]].index(SEED)
    numbers, value, shift = [], 0, 0
    for char in index.manifest["runs"][seed]:
        digit = si.ALPHABET.index(char)
        if digit >= 32:
            value |= (digit - 32) << shift
            shift += 5
        else:
            numbers.append(value | (digit << shift))
            value, shift = 0, 0
    speakers = []
    for count, speaker in zip(numbers[::2], numbers[1::2]):
        speakers += [index.manifest["speakers"][speaker][1]] * count
    assert speakers[0] == ""  # the preamble has no speaker
    assert speakers[1] == "Vladimir Putin"
    assert speakers[26 - 1] == speakers[28 - 1] == "Alexander Lukashenko"


def test_search_files_are_scripts_that_register_themselves(archive):
    files = si.search_files(archive)
    assert files[si.MANIFEST].startswith(b"window.__stenogramIndex({")
    assert files[si.doc_path(SEED)].startswith(b'window.__stenogramDocs("2023-02-17-70530",[')
    shards = [path for path in files if path.startswith("search/t/")]
    assert shards and all(files[path].startswith(b"window.__stenogramShard(") for path in shards)


# ---- expectations computed in Python ----

def matching(archive, words: list[str], phrase: bool = False, speaker: str | None = None) -> list[tuple[str, int]]:
    """(meeting slug, paragraph number) of indexed paragraphs holding every word (as a phrase if asked)."""
    people = {p.key: p.slug for p in archive.people}
    found = []
    for meeting in archive.meetings:
        speaker_of = {}
        for turn in meeting.turns:
            for paragraph in turn.paragraphs:
                speaker_of[paragraph.number] = people.get(archive.speaker_of.get((meeting.slug, turn.number)))
        for paragraph in meeting.paragraphs:
            if paragraph.kind not in si.INDEXED_KINDS:
                continue
            tokens = si.tokenize(paragraph.text)
            if not all(w in tokens for w in words):
                continue
            if phrase and not any(tokens[i:i + len(words)] == words for i in range(len(tokens))):
                continue
            if speaker and speaker_of.get(paragraph.number) != speaker:
                continue
            found.append((meeting.slug, paragraph.number))
    return found


def pairs(archive, slug: str, number: int) -> list[tuple[str, str]]:
    """Consecutive word pairs of one paragraph."""
    meeting = next(m for m in archive.meetings if m.slug == slug)
    tokens = si.tokenize(meeting.paragraphs[number - 1].text)
    return list(zip(tokens, tokens[1:]))


# ---- the page in the browser ----

@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


class Watched:
    """A page that records console errors and every request it makes."""

    def __init__(self, browser):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def assert_clean(self):
        assert self.errors == []
        assert self.requests and [r for r in self.requests if not r.startswith("file:")] == []


@pytest.fixture
def watched(browser):
    watched = Watched(browser)
    yield watched
    watched.context.close()


def open_search(watched, site: Path, query_string: str = ""):
    page = watched.page
    page.goto((site / "search.html").as_uri() + query_string)
    page.wait_for_selector("#search-app[data-ready]")
    return page


def wait_shown(page, text: str):
    page.wait_for_function("t => document.getElementById('search-app').getAttribute('data-shown') === t", arg=text)


def results(page) -> list[dict]:
    return page.eval_on_selector_all("#search-results li.result", """items => items.map(li => ({
        href: li.querySelector('a').getAttribute('href'),
        speaker: (li.querySelector('.result-speaker') || {}).textContent || '',
        marks: Array.from(li.querySelectorAll('mark')).map(m => m.textContent),
        snippet: li.querySelector('.result-snippet').textContent}))""")


def count_shown(page) -> int:
    """The total the status line reports ("12 results, showing 10.")."""
    status = page.inner_text("#search-status")
    return 0 if status.startswith("No results") else int(status.split()[0])


def show_all(page):
    while page.is_visible("#search-more"):
        before = page.locator("#search-results li").count()
        page.click("#search-more")
        page.wait_for_function("n => document.querySelectorAll('#search-results li').length > n", arg=before)


def test_typing_kamaz_finds_the_seed_paragraph_first_and_the_link_lands_on_it(example_site, archive, watched):
    page = open_search(watched, example_site)
    page.click("#search-q")
    page.keyboard.type("KAMAZ", delay=30)
    wait_shown(page, "KAMAZ")
    found = results(page)
    assert [r["href"] for r in found] == [f"meetings/{SEED}.html#p26", f"meetings/{SEED}.html#p28"]
    assert found[0]["marks"] == ["KAMAZ"] and found[1]["marks"] == ["KAMAZ", "KAMAZ"]
    assert found[0]["speaker"] == "Alexander Lukashenko"
    assert "between KAMAZ and MAZ" in found[0]["snippet"]
    assert page.url.endswith("search.html?q=KAMAZ")
    page.click("#search-results li.result a")
    page.wait_for_url(f"**/meetings/{SEED}.html#p26")
    assert "tensions between KAMAZ and MAZ" in page.inner_text("#p26")
    assert page.evaluate("document.querySelector(':target').id") == "p26"
    watched.assert_clean()


def test_prefix_while_typing_and_accent_folding(example_site, watched):
    page = open_search(watched, example_site)
    page.fill("#search-q", "kam")
    wait_shown(page, "kam")
    assert [r["href"] for r in results(page)][:2] == [f"meetings/{SEED}.html#p26", f"meetings/{SEED}.html#p28"]
    page.fill("#search-q", "kámaž ")
    wait_shown(page, "kámaž ")
    assert len(results(page)) == 2
    watched.assert_clean()


def test_quoted_phrase_narrows_and_counts_match_python(example_site, archive, watched):
    loose = matching(archive, ["oil", "companies"])
    exact = matching(archive, ["oil", "companies"], phrase=True)
    assert len(loose) > len(exact) > 0
    page = open_search(watched, example_site)
    page.fill("#search-q", "oil companies ")
    wait_shown(page, "oil companies ")
    assert count_shown(page) == len(loose)
    show_all(page)
    phrase_hrefs = {f"meetings/{s}.html#p{n}" for s, n in exact}
    with_phrase = [r["href"] in phrase_hrefs for r in results(page)]
    assert with_phrase == [True] * len(exact) + [False] * (len(loose) - len(exact))  # exact phrase first
    page.fill("#search-q", '"Oil companies"')
    wait_shown(page, '"Oil companies"')
    show_all(page)
    shown = results(page)
    assert count_shown(page) == len(shown) == len(exact)
    assert sorted(r["href"] for r in shown) == sorted(phrase_hrefs)
    assert all("oil companies" in " ".join(si.tokenize(r["snippet"])) for r in shown)
    page.fill("#search-q", '"oil compan')  # still typing the phrase: its last word is a prefix
    wait_shown(page, '"oil compan')
    typing = [(s, n) for s, n in matching(archive, ["oil"])
              if any(a == "oil" and b.startswith("compan") for a, b in pairs(archive, s, n))]
    assert len(typing) == len(exact) + 1  # "oil company" too
    assert count_shown(page) == len(typing)
    watched.assert_clean()


def test_speaker_and_year_filters_narrow_and_survive_reload(example_site, archive, watched):
    everyone = matching(archive, ["cooperation"])
    lukashenko = matching(archive, ["cooperation"], speaker="alexander-lukashenko")
    assert len(everyone) > len(lukashenko) > 0
    page = open_search(watched, example_site)
    page.fill("#search-q", "cooperation ")
    wait_shown(page, "cooperation ")
    assert count_shown(page) == len(everyone)
    page.select_option("#search-speaker", "alexander-lukashenko")
    wait_shown(page, "cooperation ")
    page.wait_for_function("() => !document.getElementById('search-app').hasAttribute('aria-busy')")
    assert count_shown(page) == len(lukashenko)
    show_all(page)
    assert {r["speaker"] for r in results(page)} == {"Alexander Lukashenko"}
    assert "speaker=alexander-lukashenko" in page.url
    page.select_option("#search-year", "2023")
    page.wait_for_function("() => !document.getElementById('search-app').hasAttribute('aria-busy')")
    in_2023 = [x for x in lukashenko if x[0].startswith("2023-")]
    assert count_shown(page) == len(in_2023)
    page.reload()
    page.wait_for_selector("#search-app[data-ready]")
    wait_shown(page, "cooperation ")
    assert page.input_value("#search-speaker") == "alexander-lukashenko"
    assert page.input_value("#search-year") == "2023"
    assert count_shown(page) == len(in_2023)
    watched.assert_clean()


def test_speaker_names_and_glossary_terms_are_searchable(example_site, archive, watched):
    page = open_search(watched, example_site, "?q=lukashenko")
    wait_shown(page, "lukashenko")
    cards = page.eval_on_selector_all("#search-cards a", "as => as.map(a => [a.textContent, a.getAttribute('href')])")
    assert ["Alexander Lukashenko", "speakers/alexander-lukashenko.html"] in cards
    page.fill("#search-q", "Lukashenka")  # an alias of speakers.yaml: the text never says it
    wait_shown(page, "Lukashenka")
    cards = page.eval_on_selector_all("#search-cards a", "as => as.map(a => [a.textContent, a.getAttribute('href')])")
    assert cards == [["Alexander Lukashenko", "speakers/alexander-lukashenko.html"]]
    entries = [e for e in (archive.glossary.entries if archive.glossary else ()) if e.abbreviations]
    if entries:
        entry = entries[0]
        page.fill("#search-q", entry.abbreviations[0])
        wait_shown(page, entry.abbreviations[0])
        cards = page.eval_on_selector_all("#search-cards a", "as => as.map(a => a.getAttribute('href'))")
        assert f"glossary/{entry.slug}.html" in cards
    watched.assert_clean()


def test_header_search_box_leads_to_results(example_site, watched):
    page = watched.page
    page.goto((example_site / "meetings" / f"{SEED}.html").as_uri())
    page.fill(".site-search input[name=q]", "KAMAZ")
    page.press(".site-search input[name=q]", "Enter")
    page.wait_for_url("**/search.html?q=KAMAZ")
    page.wait_for_selector("#search-app[data-ready]")
    wait_shown(page, "KAMAZ")
    assert count_shown(page) == 2
    watched.assert_clean()


def test_results_are_text_not_markup_and_any_script_is_found(tmp_path, watched):
    """A paragraph holding HTML is shown as text; Cyrillic and accented words are found folded."""
    from conftest import build_site
    content = tmp_path / "content"
    (content / "transcripts").mkdir(parents=True)
    (content / "transcripts" / "2020-01-01-x.txt").write_text(
        "Ivan Petrov: zebra <img src=x onerror=\"document.title='owned'\"> <b>bold</b>\n"
        "Второй абзац: Лукашенко в Café Noël.\n", encoding="utf-8")
    build_site(content, tmp_path / "site")
    assert (tmp_path / "site" / si.shard_path("лу")).is_file()
    page = open_search(watched, tmp_path / "site", "?q=zebra")
    wait_shown(page, "zebra")
    assert page.locator("#search-results img, #search-results b").count() == 0
    assert "<b>bold</b>" in results(page)[0]["snippet"]
    assert page.title() != "owned"
    page.fill("#search-q", "ЛУКАШЕНКО cafe noel ")
    wait_shown(page, "ЛУКАШЕНКО cafe noel ")
    assert [r["marks"] for r in results(page)] == [["Лукашенко", "Café", "Noël"]]
    watched.assert_clean()


# ---- cite this ----

def test_permalink_offers_a_citation_and_copies_it(example_site, watched):
    page = watched.page
    page.goto((example_site / "meetings" / f"{SEED}.html").as_uri())
    page.hover("#p26")
    page.click("#p26 .permalink")
    page.wait_for_url("**#p26")
    citation = page.input_value(".cite-box textarea")
    url = (example_site / "meetings" / f"{SEED}.html").as_uri() + "#p26"
    assert citation == ("Alexander Lukashenko, “Meeting with President of Belarus Alexander Lukashenko”, "
                        f"Novo-Ogaryovo, Moscow Region, 17 February 2023, paragraph 26. {url} "
                        "Source: http://en.kremlin.ru/events/president/transcripts/70530.")
    page.click(".cite-box button[data-cite-action=citation]")
    page.wait_for_function("() => document.querySelector('.cite-done').textContent !== ''")
    assert page.inner_text(".cite-done") in ("Copied.", "Press Ctrl+C (⌘C) to copy.")
    page.keyboard.press("Escape")
    assert page.is_hidden(".cite-box")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#p26"
    watched.assert_clean()


def test_citation_uses_base_url_when_set(tmp_path, watched):
    from generator.pipeline import Options, build
    out = tmp_path / "site"
    build(Options(content=CONTENT, out=out, base_url="https://archive.example.org/steno"))
    page = watched.page
    page.goto((out / "meetings" / f"{SEED}.html").as_uri())
    page.click("#p1 .permalink", force=True)
    citation = page.input_value(".cite-box textarea")
    assert citation.startswith("“Meeting with President of Belarus Alexander Lukashenko”, Novo-Ogaryovo")
    assert f"https://archive.example.org/steno/meetings/{SEED}.html#p1 " in citation
    watched.assert_clean()


def test_postings_joined_again_for_a_changed_block_equal_a_full_join():
    """joined_postings with a server's recall after one block of the example archive is replaced (as a
    server's rebuild replaces the edited meeting's) joins again only the terms whose postings
    in that block changed, each at that block and the next that holds it (none when the new
    block's postings are as they were), and equals
    joining every block afresh, for a change in every block in turn; with a block's meetings
    changed in number, or the blocks in number, it joins everything."""
    archive = load_archive(read_content(CONTENT))
    owns = [si.meeting_postings(m) for m in archive.meetings]
    blocks = [si.join_block(owns[i:i + 2]) for i in range(0, len(owns), 2)]
    recall = Recall()
    assert si.Joined(blocks).value == si.join_terms(blocks) == si.joined_postings(blocks, recall)
    parts = []
    part = si.Joined.part
    try:
        si.Joined.part = lambda self, term, number, before: parts.append(term) or part(self, term, number, before)
        for number in range(len(blocks)):
            other = owns[(2 * number + 5) % len(owns)]  # another meeting's words: terms come and go
            changed = list(blocks)
            changed[number] = si.join_block([other] + owns[2 * number + 1:2 * number + 2])
            parts.clear()
            assert si.joined_postings(changed, recall) == si.join_terms(changed)
            differ = {term for term in blocks[number].postings.keys() | changed[number].postings.keys()
                      if blocks[number].postings.get(term) != changed[number].postings.get(term)}
            assert {term for term in differ if term in changed[number].postings} <= set(parts) <= differ
            assert len(parts) <= 2 * len(differ)
            assert si.joined_postings(blocks, recall) == si.join_terms(blocks)
        again = [si.join_block(owns[0:2])] + blocks[1:]  # a new block, its postings as they were
        parts.clear()
        assert si.joined_postings(again, recall) == si.join_terms(again) and parts == []
        shorter = blocks[:1] + [si.join_block(owns[2:3])] + blocks[2:]
        parts.clear()
        assert si.joined_postings(shorter, recall) == si.join_terms(shorter)
        assert len(parts) == sum(len(block.postings) for block in shorter)
        # a meeting added to a server's archive may split a block: one block more, the others as they were
        split = blocks[:1] + [si.join_block(owns[2:3]), si.join_block(owns[5:6] + owns[3:4])] + blocks[2:]
        assert si.joined_postings(split, recall) == si.join_terms(split) != si.join_terms(blocks)
        assert si.joined_postings(blocks, recall) == si.join_terms(blocks)
    finally:
        si.Joined.part = part


def test_a_shard_whose_terms_are_as_last_made_is_the_script_it_was():
    """search_file_items keeps each shard's script with its terms: listed again, a shard whose
    terms are the same is not encoded again, and one whose terms changed is; the files are
    those made afresh either way. For a server, a shard is a file whose quick key is its
    bytes' digest (the same object when kept), so that a rebuild keeps it by that key alone."""
    archive = load_archive(read_content(CONTENT))
    recall = Recall()  # a server's, kept from one rebuild to the next
    served = dict(si.search_file_items(archive, recall=recall))
    first = {path: view_of(data) for path, data in served.items()}
    shards = [path for path in first if path != si.MANIFEST]
    assert all(served[path].quick == digest_of(first[path]) for path in shards) and len(shards) > 10
    again = dict(si.search_file_items(archive, recall=recall))
    assert all(again[path] is served[path] for path in shards)
    shorter = dataclasses.replace(archive, meetings=archive.meetings[:-1])  # the words only it says change
    mended = {path: view_of(data) for path, data in si.search_file_items(shorter, recall=recall)}
    assert any(mended[path] is first[path] for path in mended if path in first and path != si.MANIFEST)
    assert mended == dict(si.search_file_items(shorter)) != first  # as a command-line build makes them
    assert first == dict(si.search_file_items(archive))
    assert any(mended.get(path) != first[path] for path in first if path != si.MANIFEST)
