"""Speakers across the archive: identity resolution, speakers.yaml, the check, the pages.

Identity is tested on real kremlin.ru transcripts (the corpus and the example
archive); speakers.yaml and `check` on a small planted fixture.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections import Counter
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CONTENT, CORPUS, ROOT
from sitecheck import find_all, parse_html, site_problems, text_of

from generator import urls
from generator.checks import content_checks
from generator.model import ContentInput, Source
from generator.names import name_key
from generator.numbers import plain
from generator.parse import parse_transcript
from generator.pipeline import load_archive
from generator.read import read_content
from generator.resolve import assign_slugs, resolve_speakers, resolve_turns, role_at
from generator.slugs import SLUG_RE
from generator import speaker_views
from generator.markdown import render_markdown
from generator.speaker_views import PAGE_MOST, page_ranges, speaker_index_pages, speaker_pages
from generator.speakers_file import load_speakers, speaker_names

FIXTURE = ROOT / "tests" / "fixtures" / "speakers" / "content"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the kremlin corpus is not available")


def corpus_sources(*names: str) -> tuple[Source, ...]:
    return tuple(Source(f"kremlin/{name}", (CORPUS / name).read_text(encoding="utf-8")) for name in names)


def corpus_archive(*names: str, speakers: str | None = None):
    content = ContentInput(transcripts=corpus_sources(*names),
                           speakers=Source("content/speakers.yaml", speakers) if speakers else None)
    return load_archive(content), content


def meeting_from(text: str, path: str = "content/transcripts/2020-01-01_x.txt"):
    return parse_transcript(Source(path, text))


def person_named(archive, name: str):
    matches = [p for p in archive.people if p.name == name]
    assert len(matches) == 1, [p.name for p in archive.people]
    return matches[0]


# --- identity on real text ------------------------------------------------------

@needs_corpus
def test_medvedev_titled_bare_and_all_caps_labels_are_one_person_across_files():
    # 7506: "President of Russia Dmitry Medvedev" only; 54147: "Dmitry Medvedev" only;
    # 7996: "President OF RUSSIA DMITRY MEDVEDEV".
    archive, _ = corpus_archive("2010-04-20_7506.txt", "2017-03-29_54147.txt", "2010-06-09_7996.txt")
    medvedev = person_named(archive, "Dmitry Medvedev")
    assert medvedev.slug == "dmitry-medvedev"
    assert {"President of Russia Dmitry Medvedev", "Dmitry Medvedev",
            "President OF RUSSIA DMITRY MEDVEDEV"} <= set(medvedev.forms)
    spoken_in = {slug for (slug, _), key in archive.speaker_of.items() if key == medvedev.key}
    assert spoken_in == {m.slug for m in archive.meetings}
    assert [p for p in archive.people if "medvedev" in p.key] == [medvedev]


@needs_corpus
def test_puchkov_is_one_person_with_several_roles():
    archive, _ = corpus_archive("2017-03-14_54036.txt", "2018-04-18_57275.txt")
    puchkov = person_named(archive, "Vladimir Puchkov")
    assert [(use.role, str(use.date)) for use in puchkov.roles] == [
        ("Emergency Situations Minister", "2017-03-14"),
        ("Minister of Civil Defence, Emergencies and Disaster Relief", "2018-04-18"),
    ]
    turns = [place for place, key in archive.speaker_of.items() if key == puchkov.key]
    assert len(turns) == 6


@needs_corpus
def test_question_and_remark_are_shown_but_nobody_s_page():
    archive, _ = corpus_archive("2016-04-07_51685.txt", "2017-06-15_54790.txt")
    generic = [(m.slug, t.number) for m in archive.meetings for t in m.turns if t.label.generic]
    labels = {t.label.name for m in archive.meetings for t in m.turns if t.label.generic}
    assert {"Question", "Remark"} <= labels
    assert generic and not any(place in archive.speaker_of for place in generic)
    assert not [p for p in archive.people if p.key in ("question", "remark", "reply", "response")]
    paths = [path for path, _, _ in speaker_pages(archive)]
    assert not [p for p in paths if "question" in p or "remark" in p]
    (_, _, index), = speaker_index_pages(archive)
    assert {"label": "Question", "turns": sum(1 for m in archive.meetings for t in m.turns
                                              if t.label.name == "Question")} in index["generic"]


@needs_corpus
def test_people_sharing_a_name_part_are_never_merged():
    archive, _ = corpus_archive("2018-06-07_57692.txt", "2019-12-07_62269.txt", "2018-12-20_59455.txt",
                                "2020-05-15_63355.txt", "2014-11-28_47109.txt", "2017-03-29_54147.txt")
    names = {p.name for p in archive.people}
    assert {"Alexander Novak", "Alexander Lukashenko", "Timur Ivanov", "Olga Ivanova",
            "Alexander Medvedev", "Dmitry Medvedev"} <= names
    assert len({p.key for p in archive.people}) == len(archive.people)


@needs_corpus
def test_a_stranded_given_name_rejoins_the_name():
    # The parser, seeing only this file, splits "European Commission President Jose | Manuel Barroso".
    archive, _ = corpus_archive("2013-03-21_17720.txt")
    barroso = person_named(archive, "Jose Manuel Barroso")
    assert [u.role for u in barroso.roles] == ["European Commission President"]


@needs_corpus
def test_a_name_known_from_speakers_yaml_ends_a_titled_label():
    # "President of Yemen Abd Rabbuh Mansour Hadi": no file prints the name alone.
    archive, _ = corpus_archive("2013-04-02_17787.txt")
    assert "Mansour Hadi" in {p.name for p in archive.people}
    archive, _ = corpus_archive("2013-04-02_17787.txt", speakers="- name: Abd Rabbuh Mansour Hadi\n")
    hadi = person_named(archive, "Abd Rabbuh Mansour Hadi")
    assert [u.role for u in hadi.roles] == ["President of Yemen"]



SEED_WITH_ALIAS = ("Vladimir Putin: Why? No.\n"
                   "Lukashenka: No? That’s a plus for me.\n")
"""Two turns of the seed meeting, the second labelled by an alias of speakers.yaml."""


def test_an_alias_from_speakers_yaml_before_a_colon_opens_a_turn():
    # One word, never printed with a title in this file: the heuristics alone read it as prose.
    source = Source("content/transcripts/2023-02-17_x.txt", SEED_WITH_ALIAS)
    assert [t.label.name for t in parse_transcript(source).turns] == ["Vladimir Putin"]
    names = speaker_names(read_content(CONTENT).speakers)
    assert "lukashenka" in names
    turns = parse_transcript(source, names).turns
    assert [(t.label.name, t.paragraphs[0].text) for t in turns] == [
        ("Vladimir Putin", "Why? No."), ("Lukashenka", "No? That’s a plus for me.")]
    archive = load_archive(ContentInput(transcripts=(source,), speakers=read_content(CONTENT).speakers))
    meeting = archive.meetings[0]
    assert [archive.speaker_of[(meeting.slug, t.number)] for t in meeting.turns] == [
        "vladimir putin", "alexander lukashenko"]


@needs_corpus
def test_a_name_from_speakers_yaml_ends_a_titled_label_when_it_is_parsed():
    (source,) = corpus_sources("2013-04-02_17787.txt")
    first = parse_transcript(source).turns[1].label
    assert (first.role, first.name) == ("President of Yemen Abd Rabbuh", "Mansour Hadi")
    names = speaker_names(Source("content/speakers.yaml", "- name: Abd Rabbuh Mansour Hadi\n"))
    label = parse_transcript(source, names).turns[1].label
    assert (label.role, label.name, label.note) == ("President of Yemen", "Abd Rabbuh Mansour Hadi", "re-translated")


def test_a_name_printed_alone_in_one_transcript_ends_titled_labels_in_others():
    titled = Source("content/transcripts/2016-05-01_a.txt",
                    "Former President of the European Commission Jose Manuel Barroso: Good morning.\n")
    # The name after the title's last word is whole on its own (it was "Manuel Barroso", role "… Jose").
    assert {p.name for p in load_archive(ContentInput(transcripts=(titled,))).people} == {"Jose Manuel Barroso"}
    alone = Source("content/transcripts/2016-06-01_b.txt", "Jose Manuel Barroso: Thank you.\n")
    archive = load_archive(ContentInput(transcripts=(titled, alone)))
    barroso = person_named(archive, "Jose Manuel Barroso")
    assert [u.role for u in barroso.roles] == ["Former President of the European Commission"]
    assert len(archive.people) == 1


@needs_corpus
def test_an_initial_resolves_to_the_one_full_name_in_the_same_meeting():
    archive, _ = corpus_archive("2017-06-15_54790.txt")
    voronin = person_named(archive, "Andrei Voronin")
    assert "A. Voronin" in voronin.names


def test_label_shapes_resolve_to_the_same_person():
    meeting = meeting_from(
        "Civil Defence, Emergency Situations and Disaster Relief Minister Vladimir Puchkov: Report.\n"
        "President of\u00a0Russia Vladimir Putin: Thank you.\n"
        "chairman of United Russia’s Supreme Council and State Duma Speaker Boris Gryzlov: Mr President,\n"
        "President of Afghanistan Hamid Karzai (translated from Russian): Thank you.\n"
        "Vladimir Putin (responding to remarks by Hamid Karzai): Yes.\n"
        "VLADIMIR PUTIN: Good.\n"
        "Dmitry Peskov: A note.\n"
        "Dmitry PeskoV: Another.\n"
        "Hamid Karzai: Thank you.\n"
        "Boris Gryzlov: Indeed.\n"
        "Vladimir Puchkov: Will do.\n"
        "Question (retranslated): When?\n")
    found = resolve_turns([meeting])
    shown = [(found[(meeting.slug, t.number)].key, found[(meeting.slug, t.number)].role)
             if (meeting.slug, t.number) in found else None for t in meeting.turns]
    assert shown == [
        ("vladimir puchkov", "Civil Defence, Emergency Situations and Disaster Relief Minister"),
        ("vladimir putin", "President of Russia"),
        ("boris gryzlov", "chairman of United Russia’s Supreme Council and State Duma Speaker"),
        ("hamid karzai", "President of Afghanistan"),
        ("vladimir putin", ""), ("vladimir putin", ""),
        ("dmitry peskov", ""), ("dmitry peskov", ""),
        ("hamid karzai", ""), ("boris gryzlov", ""), ("vladimir puchkov", ""),
        None,
    ]
    assert name_key("Jörg Schönenborn") == name_key("JORG SCHONENBORN")


# --- speakers.yaml -----------------------------------------------------------------

@needs_corpus
def test_speakers_yaml_alias_merges_spellings_of_real_labels():
    # The 2018 Direct Line prints one host three ways.
    archive, _ = corpus_archive("2018-06-07_57692.txt")
    hosts = sorted(p.name for p in archive.people if p.name.startswith("Kirill Kle"))
    assert hosts == ["Kirill Kleimenov", "Kirill Kleimyonov", "Kirill Kleymenov"]
    yaml_text = ("- name: Kirill Kleymenov\n"
                 "  aliases: [Kirill Kleimenov, Kirill Kleimyonov]\n"
                 "  bio: Host of the *2018* Direct Line.\n")
    archive, _ = corpus_archive("2018-06-07_57692.txt", speakers=yaml_text)
    host = person_named(archive, "Kirill Kleymenov")
    assert [p.name for p in archive.people if p.name.startswith("Kirill Kle")] == ["Kirill Kleymenov"]
    assert host.names == ("Kirill Kleimenov", "Kirill Kleimyonov", "Kirill Kleymenov")
    assert sum(1 for key in archive.speaker_of.values() if key == host.key) == 50 + 1 + 2
    assert host.listed and host.bio == "Host of the *2018* Direct Line."


@needs_corpus
def test_a_one_word_alias_stands_for_the_surname():
    archive, _ = corpus_archive("2019-12-07_62269.txt", speakers=(
        "- name: Alexander Lukashenka\n  aliases: [Lukashenko]\n  sort_as: Lukashenka\n"))
    person = person_named(archive, "Alexander Lukashenka")
    assert "President of Belarus Alexander Lukashenko" in person.forms
    assert person.slug == "alexander-lukashenka"


def test_fixture_alias_merges_and_check_goes_quiet(monkeypatch):
    monkeypatch.chdir(ROOT)
    content = read_content(Path("tests/fixtures/speakers/content"))
    archive = load_archive(content)
    assert {p.name for p in archive.people} == {"Vladimir Putin", "Kirill Kleymenov", "Kirill Kleimenov"}
    settled = ContentInput(transcripts=content.transcripts, speakers=Source(
        "tests/fixtures/speakers/content/speakers.yaml",
        "- name: Kirill Kleymenov\n  aliases: [Kirill Kleimenov]\n"))
    archive = load_archive(settled)
    assert {p.name for p in archive.people} == {"Vladimir Putin", "Kirill Kleymenov"}
    assert content_checks(archive, settled) == []


def test_check_reports_a_planted_near_duplicate_with_file_and_line():
    done = subprocess.run([sys.executable, "build.py", "check", "--content", "tests/fixtures/speakers/content",
                           "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    first = "tests/fixtures/speakers/content/transcripts/2018-06-01_first-broadcast.txt"
    second = "tests/fixtures/speakers/content/transcripts/2018-06-02_second-broadcast.txt"
    assert (f"{second}:7: warning: possible duplicate speaker: 'Kirill Kleymenov' ({first}:7, {first}:11) "
            f"and 'Kirill Kleimenov' ({second}:7) — settle it in tests/fixtures/speakers/content/speakers.yaml"
            ) in done.stderr.splitlines()


@needs_corpus
def test_check_lists_real_near_duplicates_of_the_corpus():
    archive, content = corpus_archive("2018-01-19_56676.txt", "2017-09-27_55714.txt", "2017-10-19_55882.txt",
                                      "2017-03-01_53972.txt")
    lines = [str(p) for p in content_checks(archive, content) if "duplicate speaker" in p.message]
    assert ("kremlin/2018-01-19_56676.txt:35: warning: possible duplicate speaker: 'Denis Manturov' "
            "(kremlin/2017-09-27_55714.txt:93, kremlin/2017-09-27_55714.txt:105, "
            "kremlin/2018-01-19_56676.txt:9 and 1 more) and 'Dmitry Manturov' (kremlin/2018-01-19_56676.txt:35)"
            " — settle it in speakers.yaml") in lines
    assert any("'Fyodor Lukyanov'" in line and "'Fydor Lukyanov' (kremlin/2017-10-19_55882.txt:275)" in line
               for line in lines)
    assert any("'Vitaly Mutko'" in line and "'Vladimir Mutko'" in line for line in lines)
    assert len(lines) == 3


def test_patronymic_and_transliteration_pairs_are_reported():
    content = ContentInput(transcripts=(Source("content/transcripts/2020-01-01_x.txt",
                                               "Vladimir Vladimirovich Putin: One.\nVladimir Putin: Two.\n"
                                               "Sergei Chemezov: Three.\nSergey Chemezov: Four.\n"
                                               "Alexander Novak: Five.\nAlexander Lukashenko: Six.\n"),))
    archive = load_archive(content)
    assert len(archive.people) == 6  # nothing looser than case and accents is merged
    pairs = sorted(re.findall(r"'([^']+)' \(.*?\) and '([^']+)'", str(p))[0] for p in content_checks(archive, content))
    assert pairs == [("Sergei Chemezov", "Sergey Chemezov"), ("Vladimir Putin", "Vladimir Vladimirovich Putin")]


def test_speakers_yaml_problems_name_their_lines():
    text = ("- name: Vladimir Putin\n"                  # 1
            "  aliases: [Mr Putin]\n"                    # 2
            "  colour: red\n"                            # 3
            "- name: Mr Putin\n"                         # 4
            "- name: Dmitry Medvedev\n"                  # 5
            "  roles:\n"                                 # 6
            "    - {role: President, from: 2012-13-01}\n"  # 7
            "  link: javascript:alert(1)\n"              # 8
            "- aliases: [Nobody]\n"                      # 9
            "- name: Boris Gryzlov\n"                    # 10
            "  slug: ../../x\n")                         # 11
    entries, problems = load_speakers(Source("content/speakers.yaml", text))
    assert sorted(str(p) for p in problems) == [
        "content/speakers.yaml:11: slug '../../x' must be lower-case letters, digits and hyphens, "
        "not a name Windows or the site reserves ('index', 'con', 'nul' …) and not ending in -p<number>",
        "content/speakers.yaml:3: warning: unknown speaker field 'colour' "
        "(known: name, aliases, roles, bio, link, slug, sort_as, meetings)",
        "content/speakers.yaml:4: 'mr putin' of 'Mr Putin' is already a name of 'Vladimir Putin' (line 1); "
        "one person, one entry",
        "content/speakers.yaml:7: from must be an ISO date like 2012-05-07, not '2012-13-01'",
        "content/speakers.yaml:8: link must be an http(s) URL, not 'javascript:alert(1)'",
        "content/speakers.yaml:9: speaker entry has no 'name:'",
    ]
    assert [e.name for e in entries] == ["Vladimir Putin"]
    _, problems = load_speakers(Source("content/speakers.yaml", "- name: [unclosed\n"))
    assert str(problems[0]).startswith("content/speakers.yaml:1: invalid YAML")


def test_speakers_yaml_errors_stop_the_build(tmp_path):
    meeting_text = "Vladimir Putin: Hello.\n"
    content = ContentInput(transcripts=(Source("content/transcripts/2020-01-01_x.txt", meeting_text),),
                           speakers=Source("content/speakers.yaml", "- name: Vladimir Putin\n  roles: President\n"))
    with pytest.raises(Exception) as error:
        load_archive(content)
    assert "content/speakers.yaml:2: roles must be a list" in str(error.value)


# --- slugs ---------------------------------------------------------------------------

def test_slugs_are_safe_unique_and_stable_whatever_the_name():
    display = {"../../x": "../../x", 'o"brien': 'Conan "the" O\'Brien', "иван петров": "Иван Петров",
               "ivan petrov": "Ivan Petrov", "ivan  petrov": "IVAN-PETROV", "x p2": "X P2", "index": "Index",
               "毛泽东": "毛泽东"}
    slugs, collisions = assign_slugs(display, {})
    assert all(SLUG_RE.match(s) for s in slugs.values())
    assert len(set(slugs.values())) == len(slugs)
    assert slugs["../../x"] == "x" and slugs["ivan petrov"] == "ivan-petrov-2" and slugs["иван петров"] == "ivan-petrov-3"
    assert slugs["ivan  petrov"] == "ivan-petrov"   # "IVAN-PETROV" sorts first
    assert slugs["x p2"] == "x-p2-x" and slugs["index"] == "index-1"
    assert sorted(c[2] for c in collisions) == ["ivan-petrov-2", "ivan-petrov-3"]
    shuffled = list(display.items())
    random.Random(7).shuffle(shuffled)
    assert assign_slugs(dict(shuffled), {}) == (slugs, collisions)
    pinned, _ = assign_slugs(display, {"ivan petrov": "ivan-petrov"})
    assert pinned["ivan petrov"] == "ivan-petrov" and pinned["ivan  petrov"] == "ivan-petrov-2"


def test_a_slug_collision_is_reported_at_the_speaker_s_first_turn():
    text = "Ivan Petrov: One.\nИван Петров: Два.\n"
    meeting = meeting_from(text)
    people, _, problems = resolve_speakers([meeting])
    assert sorted(p.slug for p in people) == ["ivan-petrov", "ivan-petrov-2"]
    assert [str(p) for p in problems] == [
        "content/transcripts/2020-01-01_x.txt:2: warning: speakers 'Иван Петров' and 'Ivan Petrov' share the slug "
        "'ivan-petrov'; 'Иван Петров' gets 'ivan-petrov-2' (pin one with 'slug:' in speakers.yaml)"]


# --- the bio -----------------------------------------------------------------------

def test_bio_markdown_is_rendered_safely():
    """As every editor's Markdown: a link to a page of the site is read as written on the speaker's
    page ("x.html" beside it, "/" the site's root) and written relative to it."""
    html = str(render_markdown("**Bold** [ok](https://example.org) [js](javascript:alert(1)) [d](data:image/png;base64,AA)"
                               " [v](vbscript:x) [rel](vladimir-putin.html) [root](/meetings/m.html#p2)"
                               " ![img](https://example.org/a.png) <script>x</script>", "speakers/x.html"))
    assert "<strong>Bold</strong>" in html and '<a href="https://example.org">ok</a>' in html
    assert re.findall(r'href="([^"]*)"', html) == ["https://example.org", "vladimir-putin.html", "../meetings/m.html#p2",
                                                   "https://example.org/a.png"]
    assert "<img" not in html and "<script>" not in html and "&lt;script&gt;" in html


# --- pages of the example archive ------------------------------------------------------

def putin_meetings_in_example() -> set[str]:
    """Stems of example transcripts with a turn labelled for Putin, read straight from the text."""
    label = re.compile(r"^(President of\s+Russia\s+)?Vladimir\s+Putin\s*(\([^)]*\))?:", re.M)
    return {p.stem for p in (CONTENT / "transcripts").glob("*.txt") if label.search(p.read_text(encoding="utf-8"))}


def test_later_pages_hold_turns_and_send_readers_to_the_first_for_totals(example_site):
    first = (example_site / "speakers" / "vladimir-putin.html").read_text(encoding="utf-8")
    assert 'class="meta speaker-stats">9 meetings · 232 turns · 27,092 words' in first
    for name in ("vladimir-putin-p2.html",):
        tree = parse_html((example_site / "speakers" / name).read_text(encoding="utf-8"))
        assert not find_all(tree, "p", cls="speaker-stats") and not find_all(tree, "section", cls="roles")
        more = find_all(tree, "p", cls="speaker-more")
        assert [a.attrs["href"] for a in find_all(more[0], "a")] == ["vladimir-putin.html"]
        assert find_all(tree, "ol", cls="turn-list")


def test_putin_page_lists_his_turns_from_every_example_meeting(example_site):
    pages = sorted((example_site / "speakers").glob("vladimir-putin*.html"))
    assert [p.name for p in pages] == ["vladimir-putin-p2.html", "vladimir-putin.html"]
    archive = load_archive(read_content(CONTENT))
    putin = person_named(archive, "Vladimir Putin")
    turns = sum(1 for key in archive.speaker_of.values() if key == putin.key)
    linked, meetings = [], set()
    for page in pages:
        tree = parse_html(page.read_text(encoding="utf-8"))
        items = [a for ol in find_all(tree, "ol", cls="turn-list") for li in find_all(ol, "li")
                 for a in find_all(li, "a")[:1]]
        assert len(items) <= PAGE_MOST
        for a in items:
            target, _, anchor = a.attrs["href"].partition("#")
            html = (page.parent / target).resolve().read_text(encoding="utf-8")
            assert re.fullmatch(r"p\d+", anchor) and f'id="{anchor}"' in html
            meetings.add(Path(target).stem)
            linked.append(a.attrs["href"])
    assert len(linked) == turns == 232 and len(set(linked)) == turns
    stems = {m.slug: m.stem for m in archive.meetings}
    assert {stems[slug] for slug in meetings} == putin_meetings_in_example()
    assert len(meetings) == 9


def test_putin_page_shows_roles_chart_and_bio(example_site):
    tree = parse_html((example_site / "speakers" / "vladimir-putin.html").read_text(encoding="utf-8"))
    stats = text_of(find_all(tree, "p", cls="speaker-stats")[0])
    assert "9 meetings · 232 turns · 27,092 words" in " ".join(stats.split())
    assert "first 10 October 2016, last 17 February 2023" in " ".join(stats.split())
    svg = find_all(tree, "svg")[0]
    assert svg.attrs["role"] == "img" and len(find_all(svg, "rect", cls="bar")) == 9
    assert "most in Direct Line with Vladimir Putin (7 June 2018), 16,865 words" in text_of(find_all(svg, "desc")[0])
    rows = find_all(find_all(tree, "details", cls="chart-table")[0], "tr")
    assert len(rows) == 1 + 9
    assert "Russia's president" in text_of(find_all(tree, "section", cls="bio")[0])
    roles = [" ".join(text_of(li).split()) for li in find_all(find_all(tree, "ul", cls="role-history")[0], "li")]
    assert roles[0].startswith("President of Russia 2016–2023: 9 meetings")
    page2 = parse_html((example_site / "speakers" / "vladimir-putin-p2.html").read_text(encoding="utf-8"))
    assert not find_all(page2, "svg") and len(find_all(page2, "li")) >= 232 - 90


def test_speaker_index_sorts_by_name_and_by_activity(example_site):
    tree = parse_html((example_site / "speakers" / "index.html").read_text(encoding="utf-8"))
    by_name = [text_of(th) for th in find_all(find_all(tree, "section", id="by-name")[0], "th", scope="row")]
    by_activity = [text_of(th) for th in find_all(find_all(tree, "section", id="by-activity")[0], "th", scope="row")]
    assert sorted(by_name) == sorted(by_activity) and len(by_name) == len(set(by_name))
    assert by_activity[:4] == ["Vladimir Putin", "Recep Tayyip Erdogan", "Andrei Kondrashov", "Kirill Kleymenov"]
    assert by_name.index("Mikhail Akinchenko") == 0 and by_name.index("Recep Tayyip Erdogan") < by_name.index("Boris Gryzlov")
    assert "Question" not in by_name and "Remark" not in by_name
    assert "Kirill Kleimenov" not in by_name  # settled by content/speakers.yaml


def test_meeting_page_links_speakers_and_shows_shares(example_site):
    tree = parse_html((example_site / "meetings" / "2023-02-17-70530.html").read_text(encoding="utf-8"))
    participants = find_all(find_all(tree, "section", cls="participants")[0], "li")
    links = [find_all(li, "a")[0].attrs["href"] for li in participants]
    assert links == ["../speakers/alexander-lukashenko.html", "../speakers/vladimir-putin.html"]
    assert "President of Russia" in text_of(participants[1])
    bars = find_all(tree, "span", cls="share-bar")
    shares = [float(re.search(r"width: ([\d.]+)%", b.attrs["style"]).group(1)) for b in bars]
    assert len(shares) == len(participants) and 99 <= sum(shares) <= 101
    turns = find_all(tree, "section", cls="turn")
    assert {t.attrs["data-speaker"] for t in turns} == {"vladimir-putin", "alexander-lukashenko"}
    assert site_problems(example_site) == []


def test_role_in_a_meeting_falls_back_to_speakers_yaml_dates():
    content = ContentInput(
        transcripts=(Source("content/transcripts/2019-01-01_x.txt", "Vladimir Putin: Hello.\n"),),
        speakers=Source("content/speakers.yaml", "- name: Vladimir Putin\n  roles:\n"
                        "    - {role: Prime Minister, from: 2008-05-08, to: 2012-05-07}\n"
                        "    - {role: President of Russia, from: 2012-05-07}\n"))
    archive = load_archive(content)
    putin = person_named(archive, "Vladimir Putin")
    assert role_at(putin, archive.meetings[0]) == "President of Russia"
    assert putin.roles == ()


@needs_corpus
def test_two_people_sharing_a_printed_name_are_told_apart_by_meetings():
    # The press secretary, and the digital envoy of the same name at the 2019 meeting.
    names = ("2019-05-30_60630.txt", "2018-12-20_59455.txt")
    archive, _ = corpus_archive(*names)
    assert [p.name for p in archive.people if p.name.endswith("Peskov")] == ["Dmitry Peskov"]
    archive, content = corpus_archive(*names, speakers=(
        "- name: Dmitry Nikolayevich Peskov\n"
        "  aliases: [Dmitry Peskov]\n"
        "  meetings: [2019-05-30_60630]\n"
        "  slug: dmitry-n-peskov\n"))
    envoy = person_named(archive, "Dmitry Nikolayevich Peskov")
    secretary = person_named(archive, "Dmitry Peskov")
    assert envoy.slug == "dmitry-n-peskov" and secretary.slug == "dmitry-peskov"
    assert [u.role for u in envoy.roles] == ["Special Presidential Representative on Digital and Technological Development"]
    assert {m for (m, _), key in archive.speaker_of.items() if key == envoy.key} == {"2019-05-30-60630"}
    assert {m for (m, _), key in archive.speaker_of.items() if key == secretary.key} == {"2018-12-20-59455"}
    assert not [p for p in content_checks(archive, content) if "Peskov" in p.message]


def test_a_to_z_sorts_by_surname_with_its_particles():
    content = ContentInput(transcripts=(Source("content/transcripts/2018-01-01_x.txt",
                                               "Alexander Van der Bellen: One.\nVladimir Putin: Two.\n"
                                               "Bashar al-Assad: Three.\nXi Jinping: Four.\n"),),
                           speakers=Source("content/speakers.yaml", "- name: Xi Jinping\n  sort_as: Xi Jinping\n"
                                           "- name: Nobody Here\n  meetings: [2018-01-02_y]\n"))
    archive = load_archive(content)
    (_, _, index), = speaker_index_pages(archive)
    assert [row["name"] for row in index["by_name"]] == [
        "Bashar al-Assad", "Vladimir Putin", "Alexander Van der Bellen", "Xi Jinping"]
    assert [str(p) for p in content_checks(archive, content) if p.path == "content/speakers.yaml"] == [
        "content/speakers.yaml:3: warning: speakers.yaml lists 'Nobody Here', but no turn is theirs; "
        "check the spelling or add the printed form to 'aliases'",
        "content/speakers.yaml:3: warning: 'Nobody Here': no transcript '2018-01-02_y' "
        "(meetings: takes file names without .txt)"]


def test_the_speaker_page_lists_the_figures_cited_and_terms_used_most(example_site):
    archive = load_archive(read_content(CONTENT))
    putin = person_named(archive, "Vladimir Putin")
    said = [f for f in archive.figures if f.speaker == putin.key]
    used = Counter(hit.term for hit in archive.term_hits
                   if archive.speaker_of.get((hit.meeting, hit.turn)) == putin.key)
    path = urls.speaker(putin.slug)
    tree = parse_html((example_site / path).read_text(encoding="utf-8"))
    cited = find_all(tree, "section", "cited-figures")[0]
    assert f"{len(said)} figures:" in text_of(cited)
    from generator.figure_rows import KIND_LABELS
    kinds = Counter(f.kind for f in said)
    assert len(kinds) >= 3 and all(f"{KIND_LABELS[kind]} {count:,}" in text_of(cited) for kind, count in kinds.items())
    items = find_all(cited, "li")
    assert len(items) == 10 < len(said)
    for item, figure in zip(items, reversed(said)):  # the newest first, each linked to its paragraph
        assert find_all(item, "a")[0].attrs["href"] == urls.link(urls.paragraph(figure.meeting, figure.paragraph), path)
        assert " ".join(figure.said.split()) in text_of(item)
        if not figure.vague:  # a range as the meeting's text marks it: value="40" data-high="60"
            data = find_all(item, "data")[0].attrs
            low, high = (figure.low, figure.high) if figure.value is None else (figure.value, None)
            assert (data["value"], data.get("data-high")) == (plain(low), high and plain(high))
    assert any("data-high" in data.attrs for item in items for data in find_all(item, "data"))
    terms = find_all(tree, "section", "used-terms")[0]
    shown = [(text_of(find_all(item, "a")[0]), text_of(item).rsplit(" ", 1)[1]) for item in find_all(terms, "li")]
    names = {e.slug: e.term for e in archive.glossary.entries}
    top = sorted(used.items(), key=lambda item: (-item[1], names[item[0]].casefold(), item[0]))[:10]
    assert shown == [(names[slug], f"{count}×") for slug, count in top]
    assert shown[0] == ("Far East", "14×")


def test_a_speaker_who_cited_nothing_has_neither_section(example_site):
    archive = load_archive(read_content(CONTENT))
    quiet = [p for p in archive.people
             if not any(f.speaker == p.key for f in archive.figures)
             and not any(archive.speaker_of.get((h.meeting, h.turn)) == p.key for h in archive.term_hits)]
    assert quiet
    html = (example_site / urls.speaker(quiet[0].slug)).read_text(encoding="utf-8")
    assert "cited-figures" not in html and "used-terms" not in html


def test_a_speaker_of_many_meetings_is_charted_by_month_then_by_year(tmp_path):
    """Over CHART_MOST_BARS dated meetings the chart and its table sum words by month (by year
    past CHART_MOST_BARS months): one bar and one row per period with a meeting, whose totals
    are the speaker's."""
    from conftest import build_site
    from generator.speaker_views import CHART_MOST_BARS, words_chart

    transcripts = tmp_path / "content" / "transcripts"
    transcripts.mkdir(parents=True)
    days = [dt.date(2020, 1, 3) + dt.timedelta(days=5 * i) for i in range(CHART_MOST_BARS + 5)]
    for number, day in enumerate(days):
        words = " ".join(["word"] * (number % 7 + 1))
        (transcripts / f"{day.isoformat()}_{number}.txt").write_text(
            f"---\ntitle: Meeting {number}\ndate: {day.isoformat()}\n---\n"
            f"Vladimir Putin: Good afternoon, {words}.\n", encoding="utf-8")
    build_site(tmp_path / "content", tmp_path / "site")
    tree = parse_html((tmp_path / "site" / "speakers" / "vladimir-putin.html").read_text(encoding="utf-8"))
    months = sorted({(d.year, d.month) for d in days})
    svg = find_all(tree, "svg")[0]
    bars = find_all(svg, "rect", cls="bar")
    assert len(bars) == len(months) == 21
    assert text_of(find_all(bars[0], "title")[0]) == "January 2020: 6 meetings, 33 words"
    assert "summed by month" in text_of(find_all(svg, "desc")[0])
    table = find_all(tree, "details", cls="chart-table")[0]
    assert text_of(find_all(table, "summary")[0]) == "The numbers: words per month"
    rows = [[text_of(td) for td in find_all(tr, "td")] for tr in find_all(table, "tr")[1:]]
    assert rows[0] == ["January 2020", "6", "33"] and rows[-1][0] == "September 2021"
    assert sum(int(row[1]) for row in rows) == len(days)
    assert sum(int(row[2].replace(",", "")) for row in rows) == sum(3 + n % 7 for n in range(len(days)))

    class Dated:
        def __init__(self, number, date):
            self.slug, self.title, self.date = f"m{number}", f"Meeting {number}", date
    spread = [Dated(n, dt.date(2000, 1, 1) + dt.timedelta(days=40 * n)) for n in range(150)]
    chart = words_chart(spread, {m.slug: 10 for m in spread}, "Someone")
    assert chart["per"] == "year" and [row["period"] for row in chart["rows"]] == [str(y) for y in range(2000, 2017)]
    assert sum(row["meetings"] for row in chart["rows"]) == 150
    assert all(chart["left"] <= bar["x"] and bar["x"] + bar["width"] <= chart["right"] for bar in chart["bars"])
    few = words_chart(spread[:CHART_MOST_BARS], {m.slug: 10 for m in spread}, "Someone")
    assert few["per"] == "" and len(few["bars"]) == CHART_MOST_BARS


def test_a_servers_resolution_resolves_again_only_the_meetings_it_has_not_seen_under_the_same_names(monkeypatch):
    """resolve_turns with a server's `remembered` resolves a meeting it resolved before under
    the same directory of names from what it kept: after a turn is added to one meeting
    (labels the archive knows), only that meeting is resolved again; after a label with a new
    full name, every meeting is. Each result equals a resolution from scratch."""
    import dataclasses
    from generator import resolve
    from generator.once import PerItem
    meetings = list(load_archive(read_content(CONTENT)).meetings)
    resolved, resolve_meeting = [], resolve.resolve_meeting
    monkeypatch.setattr(resolve, "resolve_meeting",
                        lambda meeting, directory: resolved.append(meeting.slug) or resolve_meeting(meeting, directory))
    kept: dict = {}
    remembered = lambda name: kept.setdefault(name, PerItem())  # as Cache.remembered
    read, full_names = [], resolve.full_names
    monkeypatch.setattr(resolve, "full_names", lambda meeting: read.append(meeting.slug) or full_names(meeting))
    assert resolve_turns(meetings, (), remembered) == resolve_turns(meetings) and len(resolved) == 2 * len(meetings)
    assert resolve_speakers(meetings, None, remembered) == resolve_speakers(meetings)

    edited = max(meetings, key=lambda m: len(m.turns))
    turn = edited.turns[-1]
    added = dataclasses.replace(turn, number=turn.number + 1, line=turn.line + 2)
    with_turn = [dataclasses.replace(m, blocks=m.blocks + (added,)) if m is edited else m for m in meetings]
    resolved.clear(), read.clear()
    assert resolve_turns(with_turn, (), remembered) == resolve_turns(with_turn)
    assert resolved[:1] == [edited.slug] and len(resolved) == 1 + len(meetings)
    assert read[:1] == [edited.slug] and len(read) == 1 + len(meetings)  # its labels only, then all afresh
    assert resolve_speakers(with_turn, None, remembered) == resolve_speakers(with_turn)
    assert sum(1 for slug, _ in resolve_turns(with_turn) if slug == edited.slug) == \
        sum(1 for slug, _ in resolve_turns(meetings) if slug == edited.slug) + 1

    stranger = dataclasses.replace(turn, number=turn.number + 1, line=turn.line + 2,
                                   label=dataclasses.replace(turn.label, name="Ivan Nobodyknows", role="",
                                                             printed="Ivan Nobodyknows"))
    with_name = [dataclasses.replace(m, blocks=m.blocks + (stranger,)) if m is edited else m for m in meetings]
    resolved.clear()
    assert resolve_turns(with_name, (), remembered) == resolve_turns(with_name)
    assert len(resolved) == 2 * len(meetings)  # a new name in the directory: every meeting again


def putin_history(archive):
    from generator.index import speaker_stats
    return speaker_stats(archive)[person_named(archive, "Vladimir Putin").key]


def test_putins_example_history_is_cut_where_page_ranges_says():
    """232 turns: more than one page's SPEAKER_PAGE_SIZE, so cut after a turn page_ends picks."""
    archive = load_archive(read_content(CONTENT))
    ranges = page_ranges(archive, putin_history(archive))
    assert ranges == [range(0, 90), range(90, 232)]


def test_a_turn_added_shifts_no_later_speaker_page(monkeypatch):
    """page_ranges cuts a history where its turns say, not every N turns: after a turn is added
    to Vladimir Putin's first meeting, which he ends, his first page has one turn more and the
    others list the same turns and keep their quick keys. Pages of 6 to 16 turns, so that his 232 turns make about twenty."""
    from generator.lazy import quick_key
    monkeypatch.setattr(speaker_views, "SPEAKER_PAGE_SIZE", 10)
    monkeypatch.setattr(speaker_views, "PAGE_LEAST", 6)
    monkeypatch.setattr(speaker_views, "PAGE_MOST", 16)
    monkeypatch.setattr(speaker_views, "PAGE_END_EVERY", 4)
    content = read_content(CONTENT)

    def keyed(content):
        archive = load_archive(content)
        keys = {m.slug: f"{m.slug} {len(m.turns)}" for m in archive.meetings}  # changed by a turn added
        return dataclasses.replace(archive, analysis_keys=keys)

    before = keyed(content)
    history = putin_history(before)
    first = history.meetings[0]
    ranges = page_ranges(before, history)
    assert len(ranges) >= 15 and [i for r in ranges for i in r] == list(range(len(history.turns)))
    assert all(6 <= len(r) <= 16 for r in ranges[:-1]) and 1 <= len(ranges[-1]) <= 16
    edited = [s if Path(s.path).stem != first.stem else Source(s.path, s.text.rstrip() + "\n\nVladimir Putin: One turn more.\n")
              for s in content.transcripts]
    after = keyed(dataclasses.replace(content, transcripts=tuple(edited)))
    moved = putin_history(after)
    assert len(moved.turns) == len(history.turns) + 1

    def shown(archive, history):
        return [[(m.slug, t.number) for m, t in history.turns[r.start:r.stop]] for r in page_ranges(archive, history)]
    old, new = shown(before, history), shown(after, moved)
    assert len(new) == len(old) and new[1:] == old[1:] and len(new[0]) == len(old[0]) + 1

    def keys(archive):
        return {path: quick_key(view) for path, _, view in speaker_pages(archive)
                if path.startswith("speakers/vladimir-putin-p")}
    kept = {path for path, key in keys(after).items() if keys(before).get(path) == key}
    assert kept == {f"speakers/vladimir-putin-p{n}.html" for n in range(2, len(old) + 1)}


def test_page_ranges_mended_from_the_last_listing_are_those_cut_afresh(monkeypatch):
    """page_ranges given the last listing (ListedPerson) cuts again only from the first turn not
    as then: on 3,000 random histories, each edited (a meeting's turns made anew, with one more,
    one fewer or as many; a meeting added, at the end too, or taken out), the pages are those
    cut afresh."""
    import random
    from types import SimpleNamespace
    for name, value in (("SPEAKER_PAGE_SIZE", 10), ("PAGE_LEAST", 6), ("PAGE_MOST", 16), ("PAGE_END_EVERY", 4)):
        monkeypatch.setattr(speaker_views, name, value)
    rng = random.Random(7)

    class Holder:  # an archive for page_ends to remember by
        pass
    archive = Holder()

    def meeting(turns: int, slug: str = ""):
        return SimpleNamespace(slug=slug or f"m{rng.random()}", turns=[SimpleNamespace(number=n) for n in range(1, turns + 1)])

    edits = {"more": 0, "less": 0, "same": 0, "add": 0, "end": 0, "drop": 0}
    for _ in range(3000):
        meetings = [meeting(rng.randint(1, 12)) for _ in range(rng.randint(10, 40))]
        said = [[(m, t) for t in m.turns if rng.random() < 0.7] for m in meetings]
        history = SimpleNamespace(turns=[pair for pairs in said for pair in pairs])
        if len(history.turns) <= speaker_views.SPEAKER_PAGE_SIZE:
            continue
        ranges = page_ranges(archive, history)
        before = speaker_views.ListedPerson(history.turns, ranges, [], [], {}, ("", ""))
        edit, place = rng.choice(list(edits)), rng.randrange(len(meetings))
        edits[edit] += 1
        if edit in ("more", "less", "same"):
            again = meeting(max(0, len(said[place]) + {"more": 1, "less": -1, "same": 0}[edit]), meetings[place].slug)
            said[place] = [(again, t) for t in again.turns]
        elif edit == "drop":
            del said[place]
        else:
            added = meeting(rng.randint(1, 8))
            said.insert(len(said) if edit == "end" else place, [(added, t) for t in added.turns])
        edited = SimpleNamespace(turns=[pair for pairs in said for pair in pairs])
        assert page_ranges(archive, edited, before) == page_ranges(archive, edited), edit
    assert min(edits.values()) > 300


def test_a_servers_resolution_keeps_the_person_objects_an_edit_did_not_change():
    """After a turn is added, a server's resolve_remembered gives each person equal to the last
    resolution's as that same object (what is remembered by a person's identity then holds),
    and a person the edit changed as a new one."""
    import dataclasses
    from generator.cache import Cache
    from generator.jobs import resolve_remembered
    meetings = list(load_archive(read_content(CONTENT)).meetings)
    cache = Cache(None, "test")
    people = resolve_remembered(meetings, None, cache=cache, server=True)[0]
    edited = max(meetings, key=lambda m: len(m.turns))
    turn = next(t for t in reversed(edited.turns) if not t.label.generic)
    added = dataclasses.replace(turn, number=edited.turns[-1].number + 1, line=edited.turns[-1].line + 2,
                                label=dataclasses.replace(turn.label, role="Acting Chair", printed="Acting Chair " + turn.label.name))
    with_turn = [dataclasses.replace(m, blocks=m.blocks + (added,)) if m is edited else m for m in meetings]
    again = resolve_remembered(with_turn, None, cache=cache, server=True)[0]
    assert again == tuple(resolve_speakers(with_turn)[0])
    before = {p.key: p for p in people}
    changed = [p for p in again if p is not before[p.key]]
    assert [p.name for p in changed] == [turn.label.name] != []
    assert "Acting Chair " + turn.label.name in changed[0].forms
    command_line = Cache(None, "test")
    resolve_remembered(meetings, None, cache=command_line)
    assert not any(p is before[p.key] for p in resolve_remembered(with_turn, None, cache=command_line)[0])


def test_whats_kept_of_each_meeting_is_made_again_when_who_speaks_in_it_changes_without_a_new_parse():
    """A server keeps the meeting objects it did not parse again, but their turns can be resolved
    to others (a name newly known elsewhere, an alias): the analysis keys and each meeting's
    share of the speaker tables are then made again for those meetings, and only for them."""
    import dataclasses
    from generator import index
    from generator.cache import digest_text
    from generator.jobs import analysis_key, analysis_keys_of
    from generator.model import turn_speakers
    from generator.once import PerItem
    archive = load_archive(read_content(CONTENT))
    meetings, keys = list(archive.meetings), {m.path: "parsed " + m.path for m in archive.meetings}
    moved = next(m for m in meetings if m.slug == "2023-02-17-70530")
    turn = next(t for t in moved.turns if archive.speaker_of.get((moved.slug, t.number)))
    speaker_of = {**archive.speaker_of, (moved.slug, turn.number): "someone else"}
    remembered = PerItem()
    first = analysis_keys_of(meetings, keys, "v", archive.speaker_of, remembered)
    again = analysis_keys_of(meetings, keys, "v", speaker_of, remembered)
    assert again == [analysis_key("v", keys[m.path], turn_speakers(m, speaker_of)) for m in meetings]
    assert [m.slug for m, a, b in zip(meetings, first, again) if a != b] == [moved.slug]

    def keyed(speaker_of, analysis):
        return dataclasses.replace(archive, speaker_of=speaker_of,
                                   analysis_keys={m.slug: digest_text(k) for m, k in zip(meetings, analysis)})
    before, after = keyed(archive.speaker_of, first), keyed(speaker_of, again)
    assert "someone else" not in index.speaker_stats(before)
    stats = index.speaker_stats(after)  # made from the last archive's shares but the moved meeting's
    assert [(m.slug, t.number) for m, t in stats["someone else"].turns] == [(moved.slug, turn.number)]
    fresh = index.PerItem()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index, "_speakers_of_meetings", fresh)
        assert index.speaker_stats(dataclasses.replace(after)) == stats


def cited_on_pages(site: Path) -> Counter:
    """Speaker slug → the figures their pages list with their turns, as (meeting, paragraph, words)."""
    cited: Counter = Counter()
    for page in (site / "speakers").glob("*.html"):
        slug = re.sub(r"-p\d+$", "", page.stem)
        for links in re.findall(r'<div class="cited-here">(.*?)</div>', page.read_text("utf-8"), re.S):
            cited.update((slug, meeting, paragraph, said)
                         for meeting, paragraph, said in re.findall(r'<a href="\.\./meetings/([^"#]+)\.html#p(\d+)">([^<]*)</a>', links))
    return cited


def indexed_by_speaker(site: Path) -> Counter:
    """The same, of every row of the figures index, by the speaker the row names."""
    rows: Counter = Counter()
    for page in (site / "figures").glob("*.html"):
        rows.update(re.findall(r'<tr data-kind="\w+" data-speaker="([^"]+)" data-meeting="[^"]+"[^>]*>\s*'
                               r'<td class="said"><a href="\.\./meetings/([^"#]+)\.html#p(\d+)">([^<]*)</a>',
                               page.read_text("utf-8")))
    return rows


def test_a_persons_pages_list_every_figure_they_cited(example_site, corpus_site):
    """Issue 4: each speaker page lists the figures that person cited. The first page listed
    the newest ten; now each meeting's turns on a page are followed by the figures said in
    them, so a person's pages list every figure the index gives them, and no other."""
    assert sum(cited_on_pages(example_site).values()) > 250
    assert cited_on_pages(example_site) == indexed_by_speaker(example_site)
    _, site = corpus_site
    cited = cited_on_pages(site)
    assert sum(n for (slug, *_), n in cited.items() if slug == "vladimir-putin") > 1000  # over 15 pages
    assert cited == indexed_by_speaker(site)


def test_no_bar_of_a_words_chart_hides_another(example_site, corpus_site):
    """Meetings days apart had bars at nearly one place, the later drawn over the earlier (4 and
    7 June 2018 on Putin's page; three of Medvedev's in the corpus). Bars that would meet stand
    side by side, centred where their dates are on average, and all within the chart."""
    from generator.speaker_views import CHART_MARGIN, CHART_WIDTH
    _, corpus = corpus_site
    pages = [example_site / "speakers" / "vladimir-putin.html", *sorted((corpus / "speakers").glob("*.html"))]
    charted = 0
    for page in pages:
        bars = [(float(x), float(w)) for x, w in re.findall(r'<rect class="bar" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"',
                                                            page.read_text("utf-8"))]
        charted += len(bars) > 1
        assert all(x + w < following for (x, w), (following, _) in zip(bars, bars[1:])), page.name
        assert all(CHART_MARGIN <= x and x + w <= CHART_WIDTH - CHART_MARGIN for x, w in bars), page.name
    assert charted > 40
    putin = re.findall(r'<rect class="bar" x="([\d.]+)"', pages[0].read_text("utf-8"))
    assert putin[3:6] == ["152.6", "167.6", "182.6"]   # 4 April, 4 and 7 June 2018, side by side
