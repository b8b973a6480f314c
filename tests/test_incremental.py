"""Fast builds: a rebuild after an edit is byte-identical to a clean build, whatever the jobs and cache."""
from __future__ import annotations

import io
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import CONTENT, ROOT
from generator import jobs, urls
from generator.cache import code_version, read_pickle
from generator.model import ContentErrors
from generator.pipeline import Options, analyse_all, load_archive, make_site
from generator.progress import Progress
from generator.read import read_content
from generator.uptodate import open_cache
from generator.write import SiteWriter

SEED_NAME = "2023-02-17_70530.txt"
SEED_PAGE = "meetings/2023-02-17-70530.html"
OTHER_PAGE = "meetings/2010-10-09-9200.html"
"""The oldest meeting: nothing in it depends on the seed meeting (its neighbour is 2013's)."""
ADDED = "\nVladimir Putin: NOVATEK will invest again, and we expect 35 billion rubles more.\n"
"""A turn naming a glossary term and a figure, so the term, figure, speaker and search indexes all change."""


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(path for path in a.keys() | b.keys() if a.get(path) != b.get(path))


def wait_for_removals() -> None:
    """A server's build deletes the files it replaced in a thread (write.swap_in)."""
    for thread in threading.enumerate():
        if thread.name == "remove-old-files":
            thread.join(timeout=60)


def build(content: Path, out: Path, **options) -> object:
    templates = content / "templates"
    return make_site(Options(content=content, out=out, templates=templates if templates.is_dir() else None,
                             **options))


@pytest.fixture
def content(tmp_path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    return copy


def test_rebuild_after_edits_is_byte_identical_to_a_clean_build(content, tmp_path):
    site = tmp_path / "site"
    build(content, site, jobs=1)
    other_inode = (site / OTHER_PAGE).stat().st_ino
    seed = content / "transcripts" / SEED_NAME
    seed.write_text(seed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    (content / "transcripts" / "2018-06-04_57675.txt").unlink()
    rebuilt = build(content, site, jobs=1)
    clean = tmp_path / "clean"
    build(content, clean, jobs=1, use_cache=False)
    assert differences(tree(site), tree(clean)) == []
    assert "will invest again, and we expect" in (site / SEED_PAGE).read_text(encoding="utf-8")
    assert SEED_PAGE in (site / "glossary" / "novatek.html").read_text(encoding="utf-8")
    assert not (site / "meetings" / "2018-06-04-57675.html").exists()
    assert 0 < rebuilt.changed < rebuilt.files
    assert (site / OTHER_PAGE).stat().st_ino == other_inode, "an unchanged page is linked, not written again"


EDITS = {
    "a neighbour's title": {"transcripts/2019-12-07_62269.txt": (
        'title: "Talks with President of\u00a0Belarus Alexander Lukashenko"', 'title: "Talks in Sochi, renamed"')},
    "a person's slug and name": {"speakers.yaml": (
        "- name: Vladimir Putin\n", "- name: Vladimir Putin\n  slug: president-putin\n"), },
    "a term's definition": {"glossary.yaml": (
        "The highest body of the [Union State](union-state.html).",
        "The top body of the [Union State](union-state.html), edited.")},
    "a note": {"annotations/2023-02-17_70530.yaml": (
        "The highest body of the **Union State**", "The top body of the **Union State**, edited,")},
    "how terms are linked": {"site.yaml": ("language: en\n", "language: en\nterm_links: all\n")},
    "a dated role in speakers.yaml": {"speakers.yaml": (
        "{role: President of Belarus, from: 1994-07-20}", "{role: Belarusian President, from: 1994-07-20}")},
    "a name spelt otherwise": {"speakers.yaml": ("- name: Vladimir Putin\n", "- name: Vladimir PUTIN\n")},
    "a speaker's name settled": {"speakers.yaml": (
        "- name: Vladimir Putin\n",
        "- name: Natalia Yuryeva\n  aliases: [Natalya Yuryeva]\n\n- name: Vladimir Putin\n")},
}
"""Edits of inputs other than the transcript itself, each shown in a meeting's page. "How terms are
linked" is the one setting that no template shows (Output.seed), and the 2019 meeting's labels
give Lukashenko no role, so its participants list shows the one speakers.yaml gives him then.
A name spelt otherwise is still the same person (names.name_key), whose meetings' analyses hold;
a name settled in speakers.yaml is another, and the figures said under the old one are now hers."""
SHOWN = {"a neighbour's title": (SEED_PAGE, "Talks in Sochi, renamed"),
         "a person's slug and name": (SEED_PAGE, 'href="../speakers/president-putin.html"'),
         "a term's definition": (SEED_PAGE, "The top body of the Union State, edited."),
         "a note": (SEED_PAGE, "The top body of the <strong>Union State</strong>, edited,"),
         "how terms are linked": (SEED_PAGE, 'aria-describedby="term-p24-188"'),  # a second link in one turn
         "a dated role in speakers.yaml": ("meetings/2019-02-15-59842.html", "Belarusian President"),
         "a name spelt otherwise": ("speakers/vladimir-putin-p2.html", "<title>Vladimir PUTIN (page 2)"),
         "a speaker's name settled": ("figures/index.html", 'data-speaker="natalia-yuryeva"')}


@pytest.mark.parametrize("edit", EDITS)
def test_every_input_of_a_page_reaches_it(content, tmp_path, edit):
    """Pages are made only when their inputs change: each input must be among them."""
    site = tmp_path / "site"
    build(content, site, jobs=1)
    for name, (old, new) in EDITS[edit].items():
        path = content / name
        text = path.read_text(encoding="utf-8")
        assert old in text, name
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    build(content, site, jobs=1)
    clean = tmp_path / "clean"
    build(content, clean, jobs=1, use_cache=False)
    assert differences(tree(site), tree(clean)) == []
    page, shown = SHOWN[edit]
    assert shown in (site / page).read_text(encoding="utf-8")


def test_a_topic_spelt_otherwise_by_an_older_meeting_is_renamed_where_a_newer_one_tags_it(content, tmp_path):
    """A front-matter topic is named as the oldest meeting that tags it spells it: tagging it in an
    older meeting renames it on the page of a newer one, whose own text is as it was."""
    def edit(name: str, old: str, new: str) -> None:
        path = content / "transcripts" / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    edit("2019-12-07_62269.txt", "\ndate: 2019-12-07\n", "\ndate: 2019-12-07\ntopics: [energy policy]\n")
    site, page = tmp_path / "site", "meetings/2019-12-07-62269.html"
    build(content, site, jobs=1)
    assert '<a href="../topics/energy-policy.html">energy policy</a>' in (site / page).read_text(encoding="utf-8")
    edit("2013-04-04_17800.txt", "\ndate: 2013-04-04\n", "\ndate: 2013-04-04\ntopics: [Energy Policy]\n")
    build(content, site, jobs=1)
    assert differences(tree(site), tree(build_clean(content, tmp_path / "clean"))) == []
    assert '<a href="../topics/energy-policy.html">Energy Policy</a>' in (site / page).read_text(encoding="utf-8")


UNION_STATE_SAID_IN_2019 = ("2019-12-07_62269.txt", "Vladimir Putin: Thank you very much.\n",
                            "Vladimir Putin: Thank you very much. We discussed the Union State at length.\n")


@pytest.mark.parametrize("page_size, edits, shown", [
    (None, [("2023-02-17_70530.txt", "strengthen the Union State,", "strengthen our union,"), UNION_STATE_SAID_IN_2019],
     "· 2 mentions: "),
    (1, [UNION_STATE_SAID_IN_2019], "5 mentions in 2 meetings")], ids=["a mention moved", "a mention on a later page"])
def test_a_topic_page_counts_the_mentions_of_its_terms_anew(content, tmp_path, monkeypatch, page_size, edits, shown):
    """A topic page shows how often each of its meetings says the topic's terms, and on its first
    page how often each term is said in all. A mention moved from one meeting to another changes
    the first and not the totals ("Union State", 3 and 1 times in 4 mentions, then 2 and 2); one
    added to a meeting listed on a later page (one meeting a page) changes only the totals."""
    from generator import glossary_views
    if page_size:
        monkeypatch.setattr(glossary_views, "TOPIC_PAGE_SIZE", page_size)
    site = tmp_path / "site"
    build(content, site, jobs=1)
    for name, old, new in edits:
        path = content / "transcripts" / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1
        path.write_text(text.replace(old, new), encoding="utf-8")
    build(content, site, jobs=1)
    assert differences(tree(site), tree(build_clean(content, tmp_path / "clean"))) == []
    assert shown in (site / "topics" / "union-state.html").read_text(encoding="utf-8")


def test_template_edit_rerenders_every_page_that_uses_it(content, tmp_path):
    site = tmp_path / "site"
    build(content, site, jobs=1)
    (content / "templates").mkdir()
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    (content / "templates" / "base.html").write_text(base.replace("Built with Stenogram.", "Edited base."),
                                                     encoding="utf-8")
    build(content, site, jobs=1)
    clean = tmp_path / "clean"
    build(content, clean, jobs=1, use_cache=False)
    assert differences(tree(site), tree(clean)) == []
    assert "Edited base." in (site / OTHER_PAGE).read_text(encoding="utf-8")


def test_a_stylesheet_edit_writes_that_file_and_renders_no_page(content, tmp_path):
    """Pages link to the static files by name, so an edit to the CSS (or a script) changes no page:
    it rendered every page again (at 5,000 meetings, 11 s in a server)."""
    site, static = tmp_path / "site", content / "templates" / "static"
    static.mkdir(parents=True)
    css = (ROOT / "templates" / "static" / "stenogram.css").read_text(encoding="utf-8")
    (static / "stenogram.css").write_text(css, encoding="utf-8")
    build(content, site, jobs=1)
    (static / "stenogram.css").write_text(css + ".turn { color: teal; }\n", encoding="utf-8")
    stream = io.StringIO()
    make_site(Options(content=content, out=site, templates=content / "templates", jobs=1),
              Progress(shown=True, stream=stream))
    lines = [line.rsplit("\x1b[K", 1)[-1].split(" (")[0] for line in stream.getvalue().split("\n")]
    assert "rendered 0 of 168 pages; 1 of 525 files changed" in lines, lines
    assert (site / "static" / "stenogram.css").read_text(encoding="utf-8").endswith("color: teal; }\n")
    assert differences(tree(site), tree(build_clean(content, tmp_path / "clean"))) == []


def rendered_line(content: Path, site: Path) -> str:
    """The build's "rendered N of M pages; …" line, with the content's own templates."""
    stream = io.StringIO()
    make_site(Options(content=content, out=site, templates=content / "templates", jobs=1),
              Progress(shown=True, stream=stream))
    lines = [line.rsplit("\x1b[K", 1)[-1].split(" (")[0] for line in stream.getvalue().split("\n")]
    return next(line for line in lines if line.startswith("rendered "))


@pytest.mark.parametrize("how", ["its own template", "a template it includes", "a template included by a variable"])
def test_a_template_edit_renders_again_only_the_pages_that_use_it(content, tmp_path, how):
    """A page's seed holds its template and each one that template extends, includes or imports:
    an edit makes those pages again and nothing else, the data files neither (an edit to any
    template made every page and file again, 11 s in a server at 5,000 meetings). A template
    that names one by a variable is seeded with every template (an edit to any makes its pages
    again): here note.html, which speaker.html includes by a variable."""
    site, user = tmp_path / "site", content / "templates"
    user.mkdir()
    speaker = (ROOT / "templates" / "speaker.html").read_text(encoding="utf-8")
    include = {"its own template": "", "a template it includes": '{% include "note.html" %}',
               "a template included by a variable": '{% set note = "note.html" %}{% include note %}'}[how]
    (user / "speaker.html").write_text(speaker.replace("{% block main %}", "{% block main %}" + include, 1),
                                       encoding="utf-8")
    (user / "note.html").write_text("<p>A note.</p>", encoding="utf-8")
    build(content, site, jobs=1)
    edited = user / ("speaker.html" if how == "its own template" else "note.html")
    edited.write_text(edited.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}<p>Edited.</p>", 1)
                      if how == "its own template" else "<p>Edited.</p>", encoding="utf-8")
    people = [page for page in (site / "speakers").glob("*.html") if page.name != "index.html"]
    assert len(people) == 70
    assert rendered_line(content, site) == "rendered 70 of 168 pages; 70 of 525 files changed"
    assert all("<p>Edited.</p>" in page.read_text(encoding="utf-8") for page in people)
    assert differences(tree(site), tree(build_clean(content, tmp_path / "clean"))) == []


def test_a_server_compiles_templates_again_only_when_they_change(content, tmp_path):
    """The Jinja environment is kept between rebuilds in one process; each edit of a template is seen."""
    site = tmp_path / "site"
    (content / "templates").mkdir()
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    edited = content / "templates" / "base.html"
    seen = []
    for text in ("First base.", "Second base."):
        edited.write_text(base.replace("Built with Stenogram.", text), encoding="utf-8")
        build(content, site, jobs=1)
        assert text in (site / OTHER_PAGE).read_text(encoding="utf-8")
        seen.append(jobs._environment[1])
    seed = content / "transcripts" / SEED_NAME
    seed.write_text(seed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    assert build(content, site, jobs=1).changed > 0
    assert "Second base." in (site / SEED_PAGE).read_text(encoding="utf-8")
    assert seen[0] is not seen[1] and jobs._environment[1] is seen[1]


def test_workers_write_the_cache_entries_a_rebuild_then_reads(tmp_path, monkeypatch):
    """With several batches on two jobs, the workers write the entries themselves: every one
    is on disk and whole, and a build from that cache parses and analyses nothing again."""
    content = forty_meetings(tmp_path)
    site, cache = tmp_path / "site", tmp_path / "cache"
    first = build(content, site, jobs=2, cache=cache)
    assert first.meetings == 40
    for kind in ("parsed", "analysed"):
        names = os.listdir(cache / kind)
        assert len(names) == 40 and not [n for n in names if n.startswith(".tmp-")]
        assert all(read_pickle(cache / kind / name) is not None for name in names)
    made = tree(site)
    shutil.rmtree(site)

    def refuse(*args, **kwargs):
        raise AssertionError("a cached meeting was made again")
    monkeypatch.setattr(jobs, "parse_naming", refuse)
    monkeypatch.setattr(jobs, "analyse_one_by_one", refuse)
    build(content, site, jobs=2, cache=cache)
    assert differences(tree(site), made) == []


def forty_meetings(tmp_path: Path) -> Path:
    """A content folder of 40 meetings: three parse (and analysis) batches of 16."""
    content = tmp_path / "content"
    (content / "transcripts").mkdir(parents=True)
    text = (CONTENT / "transcripts" / SEED_NAME).read_text(encoding="utf-8")
    for day in range(1, 41):
        (content / "transcripts" / f"2023-03-{day:02d}_{day}.txt").write_text(text, encoding="utf-8")
    return content


@pytest.mark.parametrize("trouble", ["none", "an entry gone before the parent reads it",
                                     "entries the workers cannot write"])
def test_workers_send_back_no_entry_they_wrote(tmp_path, monkeypatch, trouble):
    """The parent reads from the cache each entry a worker wrote, instead of taking its bytes
    through the worker's pipe (Cache.read_stored): the worker waited on that pipe. A batch
    with an entry gone before the parent reads it is made by the parent; an entry a worker
    cannot write comes back as its bytes. The site is the same every way."""
    from generator import cache as cache_module
    content = forty_meetings(tmp_path)
    made_here, read = [], []
    parse = jobs.parse_naming
    monkeypatch.setattr(jobs, "parse_naming", lambda *a: made_here.append(1) or parse(*a))
    read_stored = cache_module.Cache.read_stored

    def reading(self, kind, key):
        read.append(kind)
        if trouble.startswith("an entry gone") and read.count(kind) == 1:
            return None
        return read_stored(self, kind, key)
    monkeypatch.setattr(cache_module.Cache, "read_stored", reading)
    if trouble.startswith("entries the workers"):   # in the workers only, forked after this
        here, write_bytes = os.getpid(), cache_module.write_bytes

        def refuse(path, data):
            if os.getpid() != here:
                raise OSError("read-only")
            write_bytes(path, data)
        monkeypatch.setattr(cache_module, "write_bytes", refuse)
    built = build(content, tmp_path / "site", jobs=2, cache=tmp_path / "cache")
    assert built.meetings == 40
    if trouble == "none":
        assert 0 < read.count("parsed") == 40 - len(made_here) and 0 < read.count("analysed") < 40
    elif trouble.startswith("an entry gone"):    # the parent made the batch of the entry gone
        assert read.count("parsed") >= 8 and len(made_here) + read.count("parsed") >= 40 + 8
    else:
        assert read == [] and len(made_here) < 40
    assert [len(os.listdir(tmp_path / "cache" / kind)) for kind in ("parsed", "analysed")] == [40, 40]
    assert differences(tree(tmp_path / "site"), tree(build_clean(content, tmp_path / "clean"))) == []


def test_a_build_run_from_another_folder_makes_nothing_again_and_shows_its_own_paths(content, tmp_path,
                                                                                     monkeypatch):
    """The path a message shows depends on the folder the build runs in (relative to it when
    inside it); the cache keeps one parse and analysis of a file for every such folder, and
    the messages of a cached parse show the path as this build does. A cron job running
    from elsewhere made every meeting again: 36 s instead of 2.7 s at 5,000 meetings."""
    untitled = content / "transcripts" / "2024-01-01_1.txt"
    untitled.write_text("Vladimir Putin: Good afternoon.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    first = build(Path("content"), Path("site"), jobs=1)
    message = "1: warning: no title in front matter; using the file name"
    assert f"content/transcripts/2024-01-01_1.txt:{message}" in map(str, first.warnings)
    made = tree(tmp_path / "site")
    shutil.rmtree(tmp_path / "site")

    def refuse(*args, **kwargs):
        raise AssertionError("a cached meeting was made again")
    monkeypatch.setattr(jobs, "parse_naming", refuse)
    monkeypatch.setattr(jobs, "analyse_one_by_one", refuse)
    monkeypatch.chdir(content / "transcripts")
    second = build(content, tmp_path / "site", jobs=1)
    assert f"2024-01-01_1.txt:{message}" in map(str, second.warnings)
    assert differences(tree(tmp_path / "site"), made) == []


def test_a_server_serving_a_folder_spelt_otherwise_keeps_each_unedited_meeting_object(content, tmp_path,
                                                                                     monkeypatch):
    """The cache was made by a build run from the folder above `content`; a server run from
    inside it shows the paths as seen from there, and keeps the same object for each meeting
    it does not parse again from one rebuild to the next: what is kept by a meeting's identity
    (analysis keys, speakers, search tables) is then made for the edited meeting only."""
    monkeypatch.chdir(tmp_path)
    build(Path("content"), Path("site"), jobs=1)
    monkeypatch.chdir(content)
    options = Options(content=content, out=tmp_path / "site", jobs=1, server=True)
    cache = open_cache(options, code_version())
    seed = content / "transcripts" / SEED_NAME
    text = seed.read_text(encoding="utf-8")
    archives = []
    for edit in (text, edited(text, "we have ensured our food security", "we have made our food secure")):
        seed.write_text(edit, encoding="utf-8")
        archives.append(make_site(replace(options, stop_if_unchanged=False), Progress(), cache).archive)
    before, after = ({m.slug: m for m in archive.meetings} for archive in archives)
    names = {p.name for p in (content / "transcripts").glob("*.txt")}
    assert {m.path for m in after.values()} == {f"transcripts/{name}" for name in names}
    kept = [slug for slug in after if after[slug] is before[slug]]
    assert sorted(before.keys() - kept) == ["2023-02-17-70530"]


def test_a_cached_parse_that_failed_shows_the_path_as_this_build_does(content, tmp_path, monkeypatch):
    """A failed parse is kept too (in memory here; on disk when workers wrote it)."""
    (content / "transcripts" / "2024-01-01_1.txt").write_text("Vladimir Putin: Good\0 afternoon.\n", encoding="utf-8")
    message = "1: control character (such as NUL) in text"
    monkeypatch.chdir(tmp_path)
    options = Options(content=Path("content"), out=Path("site"), jobs=1)
    cache = open_cache(options, code_version())
    with pytest.raises(ContentErrors) as first:
        make_site(options, cache=cache)
    assert f"content/transcripts/2024-01-01_1.txt:{message}" in map(str, first.value.problems)

    def refuse(*args, **kwargs):
        raise AssertionError("a cached parse was made again")
    monkeypatch.setattr(jobs, "parse_naming", refuse)
    monkeypatch.chdir(content)
    with pytest.raises(ContentErrors) as second:
        make_site(Options(content=content, out=tmp_path / "site", jobs=1), cache=cache)
    assert f"transcripts/2024-01-01_1.txt:{message}" in map(str, second.value.problems)


def test_jobs_do_not_change_the_output(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    build(CONTENT, one, jobs=1, use_cache=False)
    build(CONTENT, two, jobs=2, use_cache=False)
    assert differences(tree(one), tree(two)) == []


class RecordedRender:
    """jobs.render_detached that first logs the process, whether the parcel carries `marker`
    and the paths of what it makes (sent pickled to a worker: a class of this module, not a
    local function)."""

    render = jobs.render_detached

    def __init__(self, log: str, marker: bytes):
        self.log, self.marker = log, marker

    def __call__(self, parcel):
        from generator.parcels import unpack
        folder, data = parcel
        with open(self.log, "a", encoding="utf-8") as log:
            log.writelines(f"{os.getpid()} {int(self.marker in data)} {path}\n"
                           for path, _, _ in unpack(data, folder)[1])
        return RecordedRender.render(parcel)


class RecordedAnalysis:
    """jobs.make_detached that logs the process and the cache keys of the batch it analyses."""

    make = jobs.make_detached

    def __init__(self, log: str):
        self.log = log

    def __call__(self, parcel):
        with open(self.log, "a", encoding="utf-8") as log:
            log.writelines(f"{parcel[1]} {os.getpid()} {key}\n" for key in parcel[2])
        return RecordedAnalysis.make(parcel)


def test_fresh_workers_make_the_meetings_pages_and_files(tmp_path, monkeypatch):
    """A command-line build with two jobs sends meetings to analyse, and the meetings' pages,
    data files and search texts with their views detached, to a worker forked before the archive
    was loaded (parallel.Fresh), which makes them (and writes the analyses into the cache); the
    site equals a one-process build. Without a cache a parcel carries its meeting's text; with
    one it names the cache's entry instead (parcels.pack)."""
    oldest = load_archive(read_content(CONTENT)).meetings[0]
    said = max((p.text for p in oldest.paragraphs), key=len)
    made = tmp_path / "made-by-workers.txt"
    monkeypatch.setattr(jobs, "render_detached", RecordedRender(str(made), said.encode("utf-8")))
    monkeypatch.setattr(jobs, "make_detached", RecordedAnalysis(str(made)))
    monkeypatch.setattr(jobs, "PAGE_BATCH", 3)
    one, two, cache = tmp_path / "one", tmp_path / "two", tmp_path / "cache"
    build(CONTENT, one, jobs=1, use_cache=False)
    assert not made.exists()

    def logged() -> tuple[list[list[str]], list[tuple[str, str, str]]]:
        lines = made.read_text(encoding="utf-8").splitlines()
        made.unlink()
        return ([line.split(" ") for line in lines if line.startswith("analysed ")],
                [tuple(line.split(" ", 2)) for line in lines if not line.startswith("analysed ")])

    built = build(CONTENT, two, jobs=2, use_cache=False)
    assert differences(tree(one), tree(two)) == []
    analysed, carried = logged()
    assert analysed == []  # nothing to name: the forked workers analyse
    assert carried and all(pid != str(os.getpid()) for pid, _, _ in carried)
    paths = [path for _, _, path in carried]
    assert paths[:3] == [f"meetings/{oldest.slug}.html", f"search/doc/{oldest.slug}.js",
                         f"data/meetings/{oldest.slug}.json"]  # a meeting's page and files in one batch
    assert [flag for _, flag, _ in carried[:3]] == ["1", "1", "1"]
    slugs = {m.slug for m in built.archive.meetings}
    assert {path.rsplit("/", 1)[1].split(".")[0] for path in paths} <= slugs
    assert not [path for path in paths if path.startswith(("speakers/", "figures", "topics/", "data/figures"))]

    shutil.rmtree(two)
    monkeypatch.setattr(jobs, "PARSE_BATCH", 3)  # several batches: the cache's entries are written as made
    monkeypatch.setattr(jobs, "ANALYSE_BATCH", 3)
    build(CONTENT, two, jobs=2, cache=cache)
    assert differences(tree(one), tree(two)) == []
    analysed, named = logged()
    assert analysed and all(pid != str(os.getpid()) for _, pid, _ in analysed)
    assert {key for _, _, key in analysed} <= set(os.listdir(cache / "analysed"))
    assert [path for _, _, path in named[:3]] == paths[:3]  # the rest may fall to this process, as it goes
    assert {flag for _, flag, _ in named} == {"0"}


def test_a_server_sends_its_fresh_workers_the_meetings_pages(content, tmp_path, monkeypatch):
    """A server's workers (serve.server_workers) are forked once, before it reads anything, and
    make the meetings' pages of each build that has many pages to make: its first, and one after
    a template edit; a one-meeting edit is made in the server's own process (FORK_ABOVE). A
    template error leaves the workers working. Each site equals a one-process build's."""
    from generator import serve
    from generator.model import ContentErrors
    made = tmp_path / "made-by-workers.txt"
    monkeypatch.setattr(jobs, "render_detached", RecordedRender(str(made), b"\0"))
    monkeypatch.setattr(jobs, "PAGE_BATCH", 3)
    monkeypatch.setattr(jobs, "FORK_ABOVE", 60)  # of the example's 168 pages; an edit makes 27 again
    site, clean = tmp_path / "site", tmp_path / "clean"
    options = Options(content=content, out=site, jobs=2, server=True)
    fresh = serve.server_workers(options)
    try:
        worker = fresh.pool.submit(os.getpid).result()
        assert worker != os.getpid()
        cache = open_cache(options, code_version())

        def served(options: Options) -> set[str]:
            """Rebuild as the server does; the pages its workers made."""
            try:
                make_site(options, Progress(), cache, save=False, fresh=fresh)
                cache.save(prune=True)
            finally:
                lines = made.read_text(encoding="utf-8").splitlines() if made.exists() else []
                made.unlink(missing_ok=True)
            assert {line.split(" ")[0] for line in lines} <= {str(worker)}
            return {line.split(" ", 2)[2] for line in lines}

        assert OTHER_PAGE in served(options)  # the oldest meeting's: the first batch, sent at once
        build(content, clean, jobs=1, use_cache=False)
        assert differences(tree(site), tree(clean)) == []

        seed = content / "transcripts" / SEED_NAME
        seed.write_text(seed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
        assert served(options) == set()

        templates = content / "templates"
        templates.mkdir()
        base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
        (templates / "base.html").write_text(base.replace("</title>", "{% if %}</title>", 1), encoding="utf-8")
        with pytest.raises(ContentErrors):
            served(replace(options, templates=templates))
        assert fresh.working
        (templates / "base.html").write_text(base.replace("</title>", " (served)</title>", 1), encoding="utf-8")
        assert OTHER_PAGE in served(replace(options, templates=templates))
        shutil.rmtree(clean)
        build(content, clean, jobs=1, use_cache=False)
        assert b" (served)</title>" in (site / SEED_PAGE).read_bytes()
        assert differences(tree(site), tree(clean)) == []

        os.kill(worker, signal.SIGKILL)  # killed for lack of memory, say: the server builds on without it
        for mark in (" (again)", " (served)"):
            (templates / "base.html").write_text(base.replace("</title>", mark + "</title>", 1), encoding="utf-8")
            assert served(replace(options, templates=templates)) == set()
        assert fresh.pool is None and differences(tree(site), tree(clean)) == []
    finally:
        fresh.close()


def test_a_server_makes_workers_only_for_an_archive_its_builds_share_out(tmp_path):
    """serve.server_workers: as many as a first build's workers, so none for the example's 11
    meetings (their builds run in one process) unless --jobs asks, and one for 50 transcripts."""
    from generator import serve
    from generator.parallel import cpu_count
    small = serve.server_workers(Options(content=CONTENT, out=tmp_path / "site", server=True))
    asked = serve.server_workers(Options(content=CONTENT, out=tmp_path / "site", jobs=2, server=True))
    (tmp_path / "many").mkdir()
    for number in range(50):
        (tmp_path / "many" / f"{number:02d}.txt").write_text("", encoding="utf-8")
    large = serve.server_workers(Options(content=tmp_path / "many", out=tmp_path / "site", server=True))
    try:
        assert small.pool is None
        assert asked.workers == 1 and asked.working
        assert large.workers == cpu_count() - 1 and (large.pool is not None) is (large.workers > 0)
    finally:
        for fresh in (small, asked, large):
            fresh.close()


class Stopped(Exception):
    pass


class StoppingRender:
    """jobs.render_detached in a worker that fails on its first batch while its next batch is
    already sent: that one is made a second late."""

    render = jobs.render_detached
    calls = 0

    def __call__(self, parcel):
        import time
        StoppingRender.calls += 1
        if StoppingRender.calls == 1:
            raise Stopped()
        time.sleep(1)
        return StoppingRender.render(parcel)


def test_a_build_that_stops_leaves_no_new_site_behind_though_workers_were_making_it(tmp_path, monkeypatch):
    """A build that fails or is interrupted while fresh workers make its pages waits for the
    batches they were sent before it removes the new site: nothing they write after is left."""
    monkeypatch.setattr(jobs, "render_detached", StoppingRender())
    monkeypatch.setattr(jobs, "PAGE_BATCH", 3)
    site = tmp_path / "out" / "site"
    with pytest.raises(Stopped):
        build(CONTENT, site, jobs=2, use_cache=False)
    import time
    time.sleep(1.5)  # a worker left running would have written its batch by now
    assert os.listdir(tmp_path / "out") == []


class DyingRender:
    """jobs.render_detached in a worker that dies on its first batch (killed for lack of memory, say)."""

    def __call__(self, parcel):
        os._exit(9)


def test_a_build_whose_worker_dies_makes_the_rest_itself(tmp_path, monkeypatch):
    """A fresh worker that dies breaks its pool: the build makes the batches it had, and the
    rest, in its own process, and the site equals a one-process build."""
    monkeypatch.setattr(jobs, "render_detached", DyingRender())
    monkeypatch.setattr(jobs, "PAGE_BATCH", 3)
    one, two = tmp_path / "one", tmp_path / "two"
    build(CONTENT, one, jobs=1, use_cache=False)
    built = build(CONTENT, two, jobs=2, use_cache=False)
    assert built.files == len(tree(one)) and differences(tree(one), tree(two)) == []


def test_a_parcel_whose_cache_entry_is_gone_is_made_by_the_build_itself(tmp_path, monkeypatch):
    """parcels.unpack raises EntryGone when an entry a parcel names cannot be read; the worker
    then sends back None and the building process makes those pages and files itself."""
    from generator import parcels
    from generator.cache import Cache
    cache = Cache(tmp_path / "cache", "v1")
    assert cache.ready("parsed")
    meeting = load_archive(read_content(CONTENT)).meetings[0]
    assert cache.store("parsed", "k", (meeting, [])) is None  # written: nothing to send back
    cache.put_stored("parsed", "k", pickle.loads(cache.read_stored("parsed", "k")))
    entry = cache.parsed["k"]
    named = parcels.cached_parts(cache)
    assert named == {id(entry[0]): ("parsed", "k", 0)}
    data = parcels.pack({"meeting": entry[0], "other": [1, 2]}, named)
    assert len(data) < 100 < len(pickle.dumps(entry[0]))
    assert parcels.unpack(data, tmp_path / "cache") == {"meeting": meeting, "other": [1, 2]}
    (tmp_path / "cache" / "parsed" / "k").unlink()
    with pytest.raises(parcels.EntryGone):
        parcels.unpack(data, tmp_path / "cache")

    one, two, cache_folder = tmp_path / "one", tmp_path / "two", tmp_path / "site-cache"
    build(CONTENT, one, jobs=1, use_cache=False)
    build(CONTENT, two, jobs=2, cache=cache_folder)
    shutil.rmtree(two)
    monkeypatch.setattr(parcels, "read_pickle", lambda path: None)  # in the worker, forked after this
    build(CONTENT, two, jobs=2, cache=cache_folder)
    assert differences(tree(one), tree(two)) == []


def participants_listed(page: Path) -> list[tuple[str, str]]:
    """(name, href) of each participant a meeting page lists who does not speak in it."""
    from sitecheck import find_all, find_one, parse_html, text_of
    section = find_one(parse_html(page.read_text(encoding="utf-8")), "section", cls="participants")
    return [(text_of(li).strip(), links[0].attrs["href"] if (links := find_all(li, "a")) else "")
            for li in find_all(section, "li") if not find_all(li, "span", cls="share")]


def test_a_participant_named_by_an_alias_is_that_person_while_the_alias_stands(content, tmp_path):
    """A front-matter participant named by a speakers.yaml alias ("Mr Medvedev") is that person:
    linked, and listed once beside the same person written in full (it was listed as written,
    unlinked, and twice). The alias taken out of speakers.yaml, a rebuild lists the name as
    written again, as a clean build does: the page's quick key holds whom its participants name."""
    seed = content / "transcripts" / SEED_NAME
    seed.write_text(seed.read_text(encoding="utf-8").replace(
        "date: 2023-02-17\n", "date: 2023-02-17\nparticipants:\n  - {name: Mr Medvedev, role: Deputy Chairman of"
        " the Security Council}\n  - Dmitry Medvedev\n", 1), encoding="utf-8")
    site = tmp_path / "site"
    build(content, site, jobs=1)
    assert participants_listed(site / SEED_PAGE) == [
        ("Dmitry Medvedev, Deputy Chairman of the Security Council", "../speakers/dmitry-medvedev.html")]
    speakers = content / "speakers.yaml"
    text = speakers.read_text(encoding="utf-8")
    assert "aliases: [Mr Medvedev, " in text
    speakers.write_text(text.replace("aliases: [Mr Medvedev, ", "aliases: [", 1), encoding="utf-8")
    build(content, site, jobs=1)
    clean = tmp_path / "clean"
    build(content, clean, jobs=1, use_cache=False)
    assert differences(tree(site), tree(clean)) == []
    assert participants_listed(site / SEED_PAGE) == [
        ("Mr Medvedev, Deputy Chairman of the Security Council", ""),
        ("Dmitry Medvedev", "../speakers/dmitry-medvedev.html")]


def test_a_detached_view_makes_the_same_page_from_its_own_meeting_alone():
    """LazyView.detached of every meeting's page, data file and search text gives the same inputs
    and the same view as the listed one, and pickles none of the archive's other meetings (only
    its neighbours' summaries, which its page shows)."""
    import pickle

    from generator import render
    from generator.lazy import view_of
    archive = load_archive(read_content(CONTENT))
    order = [m.slug for m in archive.meetings]
    items = [(path, view) for path, _, view in render.page_list(archive) if getattr(view, "detached", None)]
    items += [(path, data) for kind in render.MEETING_FILES for path, data in kind(archive)]
    assert len(items) == 3 * len(order)
    for path, view in items:
        detached = view.detached()
        assert detached.inputs() == view.inputs(), path
        assert view_of(detached) == view_of(view), path
        slug = path.rsplit("/", 1)[1].split(".")[0]
        at = order.index(slug)
        others = set(order) - set(order[max(at - 1, 0):at + 2])
        carried = pickle.dumps(detached)
        assert [other for other in others if other.encode() in carried] == [], path


def test_deleting_the_cache_gives_the_same_bytes(content, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(content, site, jobs=1, cache=cache)
    first = tree(site)
    assert (cache / "parsed").is_dir() and len(os.listdir(cache / "parsed")) == 11
    seed = content / "transcripts" / SEED_NAME
    seed.write_text(seed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    build(content, site, jobs=1, cache=cache)
    shutil.rmtree(cache)
    seed.write_text(seed.read_text(encoding="utf-8").replace(ADDED, ""), encoding="utf-8")
    build(content, site, jobs=1, cache=cache)
    assert differences(tree(site), first) == []


@pytest.mark.parametrize("damage", [42, {}, (1, 2)])
def test_cache_entries_that_unpickle_but_are_no_entries_are_made_again(content, tmp_path, damage):
    """A parse or analysis entry replaced by something that unpickles (42, {}) made every later
    build a traceback until the cache was deleted: such an entry is made again, the same bytes."""
    import pickle
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(content, site, jobs=1, cache=cache)
    first = tree(site)
    for kind in ("parsed", "analysed"):
        for entry in (cache / kind).iterdir():
            entry.write_bytes(pickle.dumps(damage))
    seed = content / "transcripts" / SEED_NAME
    seed.write_text(seed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    build(content, site, jobs=1, cache=cache)
    seed.write_text(seed.read_text(encoding="utf-8").replace(ADDED, ""), encoding="utf-8")
    build(content, site, jobs=1, cache=cache)
    assert differences(tree(site), first) == []


def test_unchanged_rebuild_stops_early_unless_the_site_was_touched(content, tmp_path):
    site = tmp_path / "site"
    build(content, site, jobs=1)
    again = build(content, site, jobs=1, stop_if_unchanged=True)
    assert again.archive is None and again.changed == 0 and again.meetings == 11
    page = site / SEED_PAGE
    original = page.read_bytes()
    page.write_bytes(original.replace(b"Lukashenko", b"Somebody"))
    repaired = build(content, site, jobs=1, stop_if_unchanged=True)
    assert repaired.archive is not None and repaired.changed == 1
    assert page.read_bytes() == original


def test_an_edit_parses_one_file_again_and_progress_says_so(content, tmp_path):
    site = tmp_path / "site"
    build(content, site, jobs=1)
    seed = content / "transcripts" / SEED_NAME
    seed.write_text(seed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    stream = io.StringIO()
    make_site(Options(content=content, out=site, jobs=1), Progress(shown=True, stream=stream))
    lines = [line.rsplit("\x1b[K", 1)[-1] for line in stream.getvalue().split("\n")]
    assert any(line.startswith("parsed 1 of 11 transcripts") for line in lines), lines
    assert any(line.startswith("found terms and figures in 1 of 11 meetings") for line in lines), lines
    assert any(line.startswith("rendered ") and " files changed" in line for line in lines), lines


def test_a_rebuild_renders_only_pages_whose_inputs_changed(content, tmp_path):
    """The first rebuild reads meetings back from the cache: their pages must still count as unchanged."""
    site = tmp_path / "site"
    build(content, site, jobs=1)
    lines = progress_of(content, site)
    assert "rendered 0 of 168 pages; 0 of 525 files changed" in lines, lines
    other = content / "transcripts" / "2010-10-09_9200.txt"
    other.write_text(other.read_text(encoding="utf-8").replace("Dmitry Medvedev: ", "Dmitry Medvedev: Well. ", 1),
                     encoding="utf-8")
    rendered = next(line for line in progress_of(content, site) if line.startswith("rendered "))
    assert 1 < int(rendered.split()[1]) < 20, rendered  # its page, its speakers' pages, the indexes


def recorded_renders(monkeypatch) -> list[str]:
    """The site path of each page rendered from now on (jobs.render_page), in order."""
    rendered: list[str] = []
    render = jobs.render_page
    monkeypatch.setattr(jobs, "render_page", lambda env, view_site, path, *rest: (
        rendered.append(path), render(env, view_site, path, *rest))[1])
    return rendered


def test_an_edit_renders_only_the_speaker_pages_that_show_it(content, tmp_path, monkeypatch):
    """A person's later pages hold only their turns: words added to one turn re-render the
    page holding that turn and the first page (the totals), not the rest of the history:
    pages of 6 to 16 turns, so that his 232 make about twenty. A server's rebuild makes the
    quick key of no other later page: they keep the last listing's."""
    from generator import speaker_views
    for name, value in (("SPEAKER_PAGE_SIZE", 10), ("PAGE_LEAST", 6), ("PAGE_MOST", 16), ("PAGE_END_EVERY", 4)):
        monkeypatch.setattr(speaker_views, name, value)
    site = tmp_path / "site"
    options = Options(content=content, out=site, jobs=1, server=True)
    cache = open_cache(options, code_version())
    make_site(options, Progress(), cache)
    shows_seed = {p.name for p in (site / "speakers").glob("vladimir-putin*.html")
                  if f'<h3><a href="../{SEED_PAGE}">' in p.read_text(encoding="utf-8")}
    rendered = recorded_renders(monkeypatch)
    digested: set[str] = set()
    later_inputs = speaker_views.later_inputs
    monkeypatch.setattr(speaker_views, "later_inputs", lambda archive, person, entry, number, *rest: (
        digested.add(Path(urls.speaker(person.slug, number)).name), later_inputs(archive, person, entry, number, *rest))[1])
    seed = content / "transcripts" / SEED_NAME
    seed.write_text(seed.read_text(encoding="utf-8").replace(
        "Vladimir Putin: Why? No.", "Vladimir Putin: Why? No, not at all.", 1), encoding="utf-8")
    make_site(options, Progress(), cache)
    putin = {Path(path).name for path in rendered if path.startswith("speakers/vladimir-putin")}
    assert putin == shows_seed | {"vladimir-putin.html"}
    assert {name for name in digested if name.startswith("vladimir-putin")} == shows_seed - {"vladimir-putin.html"} != set()
    assert len(putin) <= 3 and len(list((site / "speakers").glob("vladimir-putin-p*.html"))) >= 15
    assert tree(site) == tree(build_clean(content, tmp_path / "clean"))


def test_a_figure_added_renders_only_the_figure_page_that_lists_it(content, tmp_path, monkeypatch):
    from generator import figure_views
    monkeypatch.setattr(figure_views, "FIGURES_PAGE_SIZE", 60)  # three pages; the oldest meeting is on page-1
    site = tmp_path / "site"
    build(content, site, jobs=1)
    rendered = recorded_renders(monkeypatch)
    oldest = content / "transcripts" / "2010-10-09_9200.txt"
    oldest.write_text(oldest.read_text(encoding="utf-8").replace(
        "Dmitry Medvedev: ", "Dmitry Medvedev: We spent 12 billion rubles. ", 1), encoding="utf-8")
    build(content, site, jobs=1)
    # the first page for the totals, the oldest for the row; not the one between
    assert sorted(path for path in rendered if path.startswith("figures/")) == ["figures/index.html",
                                                                                 "figures/page-1.html"]
    assert tree(site) == tree(build_clean(content, tmp_path / "clean"))


def test_meetings_whose_figures_move_to_another_page_link_them_there(content, tmp_path, monkeypatch):
    """A meeting page links each figure to its row on the figures page of its meeting: when the
    oldest meeting says 130 figures more, its page of the figures index ends at it, and the
    meetings after it move to pages numbered anew. Their meeting pages are made again (the page
    is in their quick keys), as a clean build makes them."""
    from generator import figure_views
    monkeypatch.setattr(figure_views, "FIGURES_PAGE_SIZE", 60)  # three pages; the oldest meeting is on page-1
    site = tmp_path / "site"
    build(content, site, jobs=1)
    before = {path: set(re.findall(r'href="\.\./(figures/[^"#]+)#f-', text))
              for path, text in ((path, data.decode("utf-8")) for path, data in tree(site).items())
              if path.startswith("meetings/")}
    oldest = content / "transcripts" / "2010-10-09_9200.txt"
    said = ", ".join(f"{number} plants" for number in range(1, 131))
    oldest.write_text(oldest.read_text(encoding="utf-8") + f"\nDmitry Medvedev: We count {said}.\n", encoding="utf-8")
    build(content, site, jobs=1)
    assert tree(site) == tree(build_clean(content, tmp_path / "clean"))
    after = {path: set(re.findall(r'href="\.\./(figures/[^"#]+)#f-', (site / path).read_text(encoding="utf-8")))
             for path in before}
    moved = [path for path in before if before[path] != after[path] and path != "meetings/2010-10-09-9200.html"]
    assert len(moved) >= 2, (before, after)


def test_a_servers_edit_digests_only_the_figures_page_that_lists_the_meeting(content, tmp_path, monkeypatch):
    """A server's rebuild takes the quick key of each figures page whose meetings are analysed
    as then from the last listing: after words added to the oldest meeting, only its page
    (page-1) asks who its figures name; after a person's slug changes, every page does."""
    from generator import figure_views
    monkeypatch.setattr(figure_views, "FIGURES_PAGE_SIZE", 60)  # three pages; the oldest meeting is on page-1
    site = tmp_path / "site"
    options = Options(content=content, out=site, jobs=1, server=True)
    cache = open_cache(options, code_version())
    make_site(options, Progress(), cache)
    asked: set[frozenset] = set()  # the meetings of each page asked (by its quick key, and its inputs if made)
    page_people = figure_views.page_people
    monkeypatch.setattr(figure_views, "page_people", lambda archive, chunk: (
        asked.add(frozenset(slug for slug, _ in chunk)), page_people(archive, chunk))[1])
    oldest = content / "transcripts" / "2010-10-09_9200.txt"
    oldest.write_text(oldest.read_text(encoding="utf-8") + "\nDmitry Medvedev: One more word.\n", encoding="utf-8")
    make_site(options, Progress(), cache)
    pages = sorted(path for path in tree(site) if path.startswith("figures/") and path.endswith(".html"))
    assert len(pages) == 3 and len(asked) == 1 and "2010-10-09-9200" in next(iter(asked))
    asked.clear()
    speakers = content / "speakers.yaml"
    speakers.write_text(edited(speakers.read_text(encoding="utf-8"), "- name: Vladimir Putin\n",
                               "- name: Vladimir Putin\n  slug: president-putin\n"), encoding="utf-8")
    make_site(options, Progress(), cache)
    assert len(asked) == 3
    assert tree(site) == tree(build_clean(content, tmp_path / "clean"))


def small_pages(monkeypatch, figures: int) -> None:
    """Pages of `figures` figures, 5 mentions of a term, 2 meetings of a topic and some 10 turns of
    a speaker, so that each of the example's longer lists has several."""
    from generator import figure_views, glossary_views, speaker_views
    monkeypatch.setattr(figure_views, "FIGURES_PAGE_SIZE", figures)
    monkeypatch.setattr(glossary_views, "TERM_PAGE_SIZE", 5)
    monkeypatch.setattr(glossary_views, "TOPIC_PAGE_SIZE", 2)
    for name, value in (("SPEAKER_PAGE_SIZE", 10), ("PAGE_LEAST", 6), ("PAGE_MOST", 16), ("PAGE_END_EVERY", 4)):
        monkeypatch.setattr(speaker_views, name, value)


def test_a_meeting_added_renders_only_the_newest_figures_page_and_speaker_pages_that_show_it(content, tmp_path,
                                                                                          monkeypatch):
    """The most common edit of an archive, a new transcript (the newest meeting), leaves every
    older page of the figures index, of a speaker's history, of a term's mentions and of a
    topic's meetings as it was: of each, only the first (totals) and the newest are made again.
    Pages are made small here so that each list has several."""
    small_pages(monkeypatch, figures=60)
    site = tmp_path / "site"
    build(content, site, jobs=1)
    rendered = recorded_renders(monkeypatch)
    (content / "transcripts" / "2024-03-01_99999.txt").write_text(
        "---\ntitle: A newer meeting\ndate: 2024-03-01\n---\n"
        "Vladimir Putin: Good afternoon. We have invested 35 billion rubles, 12 percent more than last year, "
        "and trade with the European Union grew.\n", encoding="utf-8")
    build(content, site, jobs=1)
    for first, pages in (("glossary/european-union.html", "glossary/european-union-p"),
                         ("topics/international-organisations.html", "topics/international-organisations-p")):
        def number(path):
            return int(path[len(pages):-len(".html")])
        older = sorted((path for path in tree(site) if path.startswith(pages)), key=number)
        made = [path for path in rendered if path.startswith(pages)]
        assert first in rendered and len(older) >= 4, first  # a list of several pages: made again, its first…
        assert sorted(made, key=number) == older[-len(made):] and 1 <= len(made) <= 2, made  # …and its newest
    figures = sorted(path for path in rendered if path.startswith("figures/"))
    putin = sorted(path for path in rendered if path.startswith("speakers/vladimir-putin"))
    last = max((site / "speakers").glob("vladimir-putin-p*.html"), key=lambda p: int(p.stem.rsplit("-p", 1)[1]))
    assert figures == ["figures/index.html"]
    assert putin == sorted({"speakers/vladimir-putin.html", f"speakers/{last.name}"})
    assert len(list((site / "speakers").glob("vladimir-putin-p*.html"))) >= 15
    assert tree(site) == tree(build_clean(content, tmp_path / "clean"))


def test_a_meeting_removed_leaves_no_list_page_pointing_at_a_page_gone(content, tmp_path, monkeypatch):
    """Taking out the longest meeting (Direct Line, 2018) shortens the figures index, Putin's
    history and a topic's list by a page or more: the pages left whose own rows are as they
    were still change, as they link to the pages around them (and the first lists every page).
    Pages are made small here so that each list has several."""
    small_pages(monkeypatch, figures=30)
    site = tmp_path / "site"
    build(content, site, jobs=1)
    before = tree(site)
    (content / "transcripts" / "2018-06-07_57692.txt").unlink()
    build(content, site, jobs=1)
    after = tree(site)
    for pages, count in (("figures/page-", 3), ("speakers/vladimir-putin-p", 23),
                         ("topics/international-organisations-p", 5)):
        assert len([path for path in before if path.startswith(pages)]) == count, pages
        assert len([path for path in after if path.startswith(pages)]) < count, pages
    assert after == tree(build_clean(content, tmp_path / "clean"))


def test_a_server_reads_again_only_the_files_that_changed(content, monkeypatch):
    """A server's Cache remembers each file read with its stat signature: unchanged files are
    not read again; a rewrite (same size, mtime put back) is seen through its ctime; a file
    changed in the last two seconds (SETTLED_NS) is not taken as read."""
    from generator import read
    monkeypatch.setattr(read, "SETTLED_NS", 0)
    known: dict = {}
    first = read.read_content(content, known)
    assert {s.path for s in first.transcripts} <= known.keys()
    second = read.read_content(content, known)
    assert all(a is b for a, b in zip(first.transcripts, second.transcripts))
    seed = content / "transcripts" / SEED_NAME
    before = seed.stat()
    seed.write_text(seed.read_text(encoding="utf-8").replace("Why? No.", "Why? On.", 1), encoding="utf-8")
    os.utime(seed, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same mtime: only the ctime tells
    third = read.read_content(content, known)
    assert "Why? On." in next(s for s in third.transcripts if s.path.endswith(SEED_NAME)).text
    assert sum(a is b for a, b in zip(first.transcripts, third.transcripts)) == len(first.transcripts) - 1
    monkeypatch.setattr(read, "SETTLED_NS", 60_000_000_000)
    seed.write_text(seed.read_text(encoding="utf-8").replace("Why? On.", "Why? Ok.", 1), encoding="utf-8")
    fourth = read.read_content(content, known)
    edited = next(s for s in fourth.transcripts if s.path.endswith(SEED_NAME))
    assert "Why? Ok." in edited.text and all(entry.source is not edited for entry in known.values())


def build_clean(content: Path, out: Path) -> Path:
    build(content, out, jobs=1, use_cache=False)
    return out


def progress_of(content: Path, site: Path) -> list[str]:
    stream = io.StringIO()
    make_site(Options(content=content, out=site, jobs=1), Progress(shown=True, stream=stream))
    return [line.rsplit("\x1b[K", 1)[-1].split(" (")[0] for line in stream.getvalue().split("\n")]


def test_a_glossary_edit_analyses_again_only_the_meetings_that_hold_a_changed_name(content, tmp_path):
    """The analysis reads of the glossary only the names terms are found by (an edit to a
    definition analyses nothing again), and a meeting is analysed again only when it holds a
    word of a name added, removed or moved (term_changes): a term added analysed every
    meeting (24 s at 5,000). Each rebuild equals a clean build, the last one after the
    glossary is put back as it was, with entries made with four glossaries."""
    site, glossary = tmp_path / "site", content / "glossary.yaml"
    build(content, site, jobs=1)
    original = text = glossary.read_text(encoding="utf-8")
    alliance, agenda, organisation = said(content, "alliance"), said(content, "agenda", "2018"), said(content, "organisation")
    assert (len(alliance), len(agenda), len(organisation)) == (1, 8, 5)
    edits = [("a definition", lambda t: edited(t, "The highest body of the [Union State](union-state.html).",
                                               "The top body of the [Union State](union-state.html), edited."), []),
             ("an alias: the meetings that say its longest word",
              lambda t: edited(t, "North Atlantic Alliance]", "North Atlantic Alliance, the Western alliance]"), alliance),
             ("a term with digits, which mask figures: those that say its word or its digits",
              lambda t: t + "\n- term: Agenda 2018\n  topic: Economy\n  definition: A plan.\n", agenda),
             ("an alias removed", lambda t: edited(t, "North Atlantic Treaty Organisation, ", ""), organisation),
             ("the glossary put back", lambda t: original, {*alliance, *agenda, *organisation})]
    for case, edit, analysed in edits:
        text = edit(text)
        glossary.write_text(text, encoding="utf-8")
        shown = progress_of(content, site)
        assert f"found terms and figures in {len(analysed)} of 11 meetings" in shown, (case, shown)
        assert differences(tree(site), tree(build_clean(content, tmp_path / f"clean-{len(case)}"))) == [], case


def test_a_definition_edit_renders_again_only_the_meeting_pages_that_say_the_term(content, tmp_path, monkeypatch):
    """A meeting page holds in its inputs the glossary entries its terms name (glossary.hit_entries),
    not the whole glossary: an edit to NATO's definition renders again only the meeting page
    that says NATO, and a term that no meeting says, added, renders none (every edit rendered
    every meeting page again). The six meetings that say "accord" are analysed again for the
    Zzyzx Accord, and found as before: their analysis keeps its key, so their pages are kept.
    Each site equals a clean build."""
    from generator.urls import meeting
    site, glossary = tmp_path / "site", content / "glossary.yaml"
    build(content, site, jobs=1)
    nato = sorted({meeting(hit.meeting) for hit in load_archive(read_content(content)).term_hits if hit.term == "nato"})
    assert nato == ["meetings/2018-06-04-57675.html"]
    rendered = []
    render = jobs.render_page
    monkeypatch.setattr(jobs, "render_page", lambda env, shown, path, name, view: (
        rendered.append(path) if name == "meeting.html" else None, render(env, shown, path, name, view))[1])
    edits = [("a definition", "The North Atlantic Treaty Organisation, a military alliance",
              "The North Atlantic Treaty Organisation, a defence alliance", 0, nato),
             ("a term no meeting says", "- term: NATO\n",
              "- term: Zzyzx Accord\n  topic: Defence\n  definition: Said nowhere.\n\n- term: NATO\n",
              len(said(content, "accord")), [])]
    assert len(said(content, "accord")) == 6
    for case, old, new, analysed, pages in edits:
        glossary.write_text(edited(glossary.read_text(encoding="utf-8"), old, new), encoding="utf-8")
        rendered.clear()
        assert f"found terms and figures in {analysed} of 11 meetings" in progress_of(content, site), case
        assert sorted(rendered) == pages, case
        assert differences(tree(site), tree(build_clean(content, tmp_path / f"clean-{len(case)}"))) == [], case


def said(content: Path, *words: str) -> list[str]:
    """The example meetings whose paragraphs hold one of `words`, casefolded."""
    archive = load_archive(read_content(content), analyse=lambda *a: ((), ()))
    return sorted(m.slug for m in archive.meetings
                  if any(word in p.text.casefold() for p in m.paragraphs for word in words))


def test_a_settings_edit_analyses_no_meeting_again(content, tmp_path, monkeypatch):
    """Finding terms and figures reads nothing of site.yaml: an edit to every setting analyses no
    meeting again (it analysed every one) and makes no meeting's data file again, and each page
    and file that shows one is made again."""
    from generator import export
    site, settings = tmp_path / "site", content / "site.yaml"
    build(content, site, jobs=1)
    documents, document = [], export.meeting_document
    monkeypatch.setattr(export, "meeting_document", lambda *a, **k: documents.append(1) or document(*a, **k))
    text = settings.read_text(encoding="utf-8")
    for old, new in [("title: Stenogram", "title: Minutes"), ("description: Annotated", "description: Edited"),
                     ("language: en", "language: en-GB"), ("Markup, notes", "Markup, edited notes")]:
        assert old in text
        text = text.replace(old, new, 1)
    settings.write_text(text + "base_url: https://example.org/minutes/\nterm_links: all\n", encoding="utf-8")
    assert "found terms and figures in 0 of 11 meetings" in progress_of(content, site)
    assert documents == []
    page = (site / SEED_PAGE).read_text(encoding="utf-8")
    assert "Minutes" in page and 'lang="en-GB"' in page and (site / "feed.xml").is_file()
    assert differences(tree(site), tree(build_clean(content, tmp_path / "clean"))) == []


def test_progress_is_silent_when_not_a_terminal(content, tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(content),
                             "--out", str(tmp_path / "site")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("built 11 meetings into ")


def test_meeting_by_meeting_analysis_equals_the_whole_archive():
    """The cache keeps terms and figures per meeting: cutting the archive at meetings must change nothing."""
    archive = load_archive(read_content(CONTENT))
    meetings = list(archive.meetings)
    hits, figures = analyse_all(meetings, archive.glossary, archive.speaker_of)
    one_by_one = [jobs.analyse_one_by_one([m], archive.glossary, archive.speaker_of)[0]
                  for m in meetings]
    assert tuple(h for found in one_by_one for h in found[0]) == hits
    assert tuple(f for found in one_by_one for f in found[1]) == figures
    assert len(hits) > 100 and len(figures) > 100


def test_cache_inside_the_site_is_refused(content, tmp_path):
    from generator.model import ContentErrors
    with pytest.raises(ContentErrors, match="cache folder must not be inside the output folder"):
        build(content, tmp_path / "site", cache=tmp_path / "site" / "cache")


def test_a_server_reuses_who_speaks_only_while_every_label_is_as_it_was(content, tmp_path, monkeypatch):
    """One Cache across rebuilds, as `serve` keeps it: speakers are resolved again exactly
    when a label, its place or speakers.yaml changed, and each rebuild equals a clean build."""
    calls = []
    resolve = jobs.resolve_speakers
    monkeypatch.setattr(jobs, "resolve_speakers", lambda *args: calls.append(1) or resolve(*args))
    site, options = tmp_path / "site", Options(content=content, out=tmp_path / "site", jobs=1)
    cache = open_cache(options, code_version())
    seed = content / "transcripts" / SEED_NAME
    text = seed.read_text(encoding="utf-8")
    steps = [
        ("first build", lambda: None, 1),
        ("what was said, not who", lambda: seed.write_text(edited(text, "we have ensured our food security", "we have made our food secure"), encoding="utf-8"), 0),
        ("a new turn at the end", lambda: seed.write_text(text + ADDED, encoding="utf-8"), 1),
        ("a label renamed", lambda: seed.write_text(edited(text + ADDED, "\nVladimir Putin:", "\nPresident Putin:"), encoding="utf-8"), 1),
        ("speakers.yaml", lambda: (content / "speakers.yaml").write_text(
            (content / "speakers.yaml").read_text(encoding="utf-8").replace(
                "- name: Vladimir Putin\n", "- name: Vladimir Putin\n  slug: president-putin\n", 1), encoding="utf-8"), 1),
    ]
    for what, edit, resolved in steps:
        calls.clear()
        edit()
        make_site(options, Progress(), cache)
        clean = tmp_path / "clean"
        shutil.rmtree(clean, ignore_errors=True)
        build(content, clean, jobs=1, use_cache=False)
        assert len(calls) == resolved + 1, what  # + 1: the clean build's own
        assert differences(tree(site), tree(clean)) == [], what
    assert (site / "speakers" / "president-putin.html").is_file()


def test_a_server_resolves_its_first_build_so_that_a_turn_added_later_resolves_one_meeting(content, tmp_path,
                                                                                          monkeypatch):
    """A server started on a site the command line built finds who speaks in the cache, but it
    resolves every meeting once all the same, keeping each one's resolution: the first edit
    that adds a turn then resolves only the edited meeting (at 5,000 meetings, 0.92 s for that
    edit, where later ones took 0.63 s). Each rebuild equals a clean build."""
    from generator import resolve
    site = tmp_path / "site"
    build(content, site, jobs=1)
    resolved = []
    resolve_meeting = resolve.resolve_meeting
    monkeypatch.setattr(resolve, "resolve_meeting",
                        lambda meeting, directory: resolved.append(meeting.slug) or resolve_meeting(meeting, directory))
    options = Options(content=content, out=site, jobs=1, server=True)
    cache = open_cache(options, code_version())
    make_site(replace(options, stop_if_unchanged=False), Progress(), cache)  # as serve.warm_cache does
    assert len(resolved) == 11
    seed = content / "transcripts" / SEED_NAME
    text = seed.read_text(encoding="utf-8")
    for what, edited_text, expected in (("what was said", edited(text, "we have ensured our food security",
                                                                 "we have made our food secure"), []),
                                        ("a turn added", text + ADDED, ["2023-02-17-70530"])):
        resolved.clear()
        seed.write_text(edited_text, encoding="utf-8")
        make_site(options, Progress(), cache)
        assert resolved == expected, what
        shutil.rmtree(tmp_path / "clean", ignore_errors=True)
        assert differences(tree(site), tree(build_clean(content, tmp_path / "clean"))) == [], what


def test_a_turn_added_in_a_server_looks_up_who_speaks_in_the_edited_meeting_only(content, tmp_path, monkeypatch):
    """Who speaks is summed from each meeting's resolution (model.SpeakerOf): when a turn is
    added, the other meetings' parts and role uses are the last build's objects, so their
    speakers are compared as one object each, not looked up turn by turn, and a person
    resolved as before is found equal at once (also when the server started on a cache the
    command line wrote, whose people are other objects). The site equals a clean build."""
    from generator import model
    site = tmp_path / "site"
    build(content, site, jobs=1)  # the command line's, whose resolution the cache holds
    options = Options(content=content, out=site, jobs=1, server=True)
    cache = open_cache(options, code_version())
    before = make_site(replace(options, stop_if_unchanged=False), Progress(), cache).archive  # as warm_cache
    looked_up = []
    turn_speakers = model.turn_speakers
    monkeypatch.setattr(model, "turn_speakers", lambda meeting, speaker_of: looked_up.append(meeting.slug)
                        or turn_speakers(meeting, speaker_of))
    other = content / "transcripts" / "2010-10-09_9200.txt"
    other.write_text(other.read_text(encoding="utf-8")
                     + "\nPresident of Belarus Alexander Lukashenko: We agree.\n", encoding="utf-8")
    after = make_site(options, Progress(), cache).archive
    assert looked_up == []
    assert isinstance(after.speaker_of, model.SpeakerOf) and after.speaker_of is not before.speaker_of
    assert [slug for slug, part in after.speaker_of.parts.items()
            if part is not before.speaker_of.parts[slug]] == ["2010-10-09-9200"]
    old, new = ({p.key: p for p in archive.people}["alexander lukashenko"] for archive in (before, after))
    assert new != old and len(new.roles) == len(old.roles) + 1 == 3
    kept = {use.meeting: use for use in old.roles}
    assert [use.meeting for use in new.roles if kept.get(use.meeting) is not use] == ["2010-10-09-9200"]
    assert differences(tree(site), tree(build_clean(content, tmp_path / "clean"))) == []


def test_a_command_line_rebuild_reuses_who_speaks_from_the_cache_on_disk(content, tmp_path, monkeypatch):
    """The last answer of resolve_speakers is saved with the cache: a new process (a new
    Cache read from disk) resolves again only when a label changed. It digests the labels of
    the meetings it parsed anew only, the others' from the cache (Cache.labels)."""
    calls = []
    resolve = jobs.resolve_speakers
    monkeypatch.setattr(jobs, "resolve_speakers", lambda *args: calls.append(1) or resolve(*args))
    digested: list[str] = []
    labels_digest = jobs.labels_digest
    monkeypatch.setattr(jobs, "labels_digest", lambda meeting: digested.append(meeting.slug) or labels_digest(meeting))
    site = tmp_path / "site"
    seed = content / "transcripts" / SEED_NAME
    text = seed.read_text(encoding="utf-8")
    steps = [
        ("first build", lambda: None, 1),
        ("what was said, not who", lambda: seed.write_text(edited(text, "we have ensured our food security", "we have made our food secure"), encoding="utf-8"), 0),
        ("a label renamed", lambda: seed.write_text(edited(text, "\nVladimir Putin:", "\nPresident Putin:"), encoding="utf-8"), 1),
    ]
    for what, edit, resolved in steps:
        calls.clear()
        digested.clear()
        edit()
        build(content, site, jobs=1)  # a Cache read from disk each time, as a new process has
        assert len(calls) == resolved, what
        assert len(digested) == 11 if what == "first build" else digested == ["2023-02-17-70530"], what
        build(content, tmp_path / "clean", jobs=1, use_cache=False)
        assert differences(tree(site), tree(tmp_path / "clean")) == [], what


def test_a_server_joins_again_only_the_search_block_of_the_edited_meeting(content, tmp_path, monkeypatch):
    """A server keeps the search index's blocks of postings between rebuilds: after an edit
    it joins one block's meetings again, writes only the shards whose terms changed, and the
    index is the one a clean build makes."""
    from generator import search_index
    monkeypatch.setattr(search_index, "BLOCK_EVERY", 3)  # the 11 example meetings in several blocks
    joined = []
    join = search_index.join_block
    monkeypatch.setattr(search_index, "join_block", lambda owns: joined.append(len(owns)) or join(owns))
    site = tmp_path / "site"
    options = Options(content=content, out=site, jobs=1, server=True)
    cache = open_cache(options, code_version())
    make_site(options, Progress(), cache)
    blocks = len(search_index.block_bounds(load_archive(read_content(content))))
    assert blocks > 2 and len(joined) == blocks and sum(joined) == 11
    seed = content / "transcripts" / SEED_NAME
    seed.write_text(seed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    joined.clear()
    before = tree(site)
    put = SiteWriter.put
    written = []
    monkeypatch.setattr(SiteWriter, "put", lambda self, path, data: written.append(path) or put(self, path, data))
    make_site(options, Progress(), cache)
    assert len(joined) == 1
    # the shards the edit changed are the only ones made as files: the others are kept by their quick keys
    changed = [path for path in differences(before, tree(site)) if path.startswith("search/t/")]
    assert changed and sorted(path for path in written if path.startswith("search/t/")) == changed
    clean = build(content, tmp_path / "clean", jobs=1, use_cache=False)
    assert clean.changed > 0 and differences(tree(site), tree(tmp_path / "clean")) == []


def test_a_command_line_rebuild_reads_the_search_blocks_from_the_cache_and_joins_one(content, tmp_path,
                                                                                    monkeypatch):
    """The blocks of postings are cached on disk by their meetings' analysis keys: the next
    process joins again only the edited meeting's block, whichever process makes the index
    (a rebuild with jobs=2 forks it), and a rebuild with the cache deleted gives the same bytes."""
    from generator import search_index
    monkeypatch.setattr(search_index, "BLOCK_EVERY", 3)
    joined = []
    join = search_index.join_block
    monkeypatch.setattr(search_index, "join_block", lambda owns: joined.append(len(owns)) or join(owns))
    site = tmp_path / "site"
    build(content, site, jobs=1)
    blocks = len(search_index.block_bounds(load_archive(read_content(content))))
    stored = tmp_path / ".stenogram-cache" / "site" / "blocks"
    assert blocks > 2 and len(joined) == blocks and len(list(stored.iterdir())) == blocks
    seed = content / "transcripts" / SEED_NAME
    seed.write_text(seed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    joined.clear()
    build(content, site, jobs=1)
    assert len(joined) == 1 and len(list(stored.iterdir())) == blocks  # the old block pruned
    seed.write_text(seed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    build(content, site, jobs=2)  # a rebuild: the index made in a forked process, which writes its new block
    assert len(list(stored.iterdir())) == blocks
    joined.clear()
    build(content, site, jobs=1)
    assert joined == []
    assert differences(tree(site), tree(build_clean(content, tmp_path / "clean"))) == []
    shutil.rmtree(site)
    shutil.rmtree(stored.parent)  # no cache, no site: a first build
    joined.clear()
    options = Options(content=content, out=site, jobs=2)
    cache = open_cache(options, code_version())
    make_site(options, Progress(), cache)  # a first build: the index made here, its blocks written at once
    assert len(joined) == blocks and len(list(stored.iterdir())) == blocks
    assert cache.blocks == {}  # and not held to the end
    joined.clear()
    build(content, site, jobs=1)
    assert joined == []


def test_a_server_updates_its_site_in_place_and_it_equals_a_clean_build(content, tmp_path):
    """A server's rebuild moves only the changed files into the site it serves and removes
    the ones no longer made; the folder is not replaced, nor is any unchanged file."""
    site = tmp_path / "site"
    options = Options(content=content, out=site, jobs=1, server=True)
    cache = open_cache(options, code_version())
    make_site(options, Progress(), cache)
    before = {path: (site / path).stat().st_ino for path in tree(site)}
    folder = site.stat().st_ino
    seed = content / "transcripts" / SEED_NAME
    seed.write_text(seed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    (content / "transcripts" / "2018-06-04_57675.txt").unlink()
    built = make_site(options, Progress(), cache)
    after = {path: (site / path).stat().st_ino for path in tree(site)}
    assert site.stat().st_ino == folder
    assert "meetings/2018-06-04-57675.html" in before and "meetings/2018-06-04-57675.html" not in after
    assert after[SEED_PAGE] != before[SEED_PAGE] and after[OTHER_PAGE] == before[OTHER_PAGE]
    assert sum(after[path] != before.get(path) for path in after) == built.changed
    wait_for_removals()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith((".stenogram-new", ".stenogram-old"))] == []
    build(content, tmp_path / "clean", jobs=1, use_cache=False)
    assert differences(tree(site), tree(tmp_path / "clean")) == []


def test_a_servers_rebuilds_after_glossary_and_speakers_edits_equal_clean_builds(content, tmp_path):
    """A server keeps its cache in memory from one rebuild to the next, with the parses and
    analyses made under earlier speaker names and glossaries: each rebuild after an alias
    added to the glossary, one added to speakers.yaml, and both put back, does only its
    edit's work and equals a clean build."""
    site, glossary, speakers = tmp_path / "site", content / "glossary.yaml", content / "speakers.yaml"
    options = Options(content=content, out=site, jobs=1, server=True)
    cache = open_cache(options, code_version())
    make_site(options, Progress(), cache)
    originals = {path: path.read_text(encoding="utf-8") for path in (glossary, speakers)}
    edits = [(glossary, edited(originals[glossary], "North Atlantic Alliance]",
                               "North Atlantic Alliance, the Western alliance]"), "parsed 0", "in 1 of"),
             (speakers, edited(originals[speakers], "aliases: [Lukashenka,",
                               "aliases: [President of Belarus Alexander Lukashenko, Lukashenka,"), "parsed 1", "in 1 of"),
             (glossary, originals[glossary], "parsed 0", "in 1 of"),
             (speakers, originals[speakers], "parsed 1", "in 1 of")]
    for number, (path, text, parsed, analysed) in enumerate(edits):
        path.write_text(text, encoding="utf-8")
        stream = io.StringIO()
        make_site(options, Progress(shown=True, stream=stream), cache)
        assert f"{parsed} of 11 transcripts" in stream.getvalue() and analysed in stream.getvalue(), number
        wait_for_removals()
        assert differences(tree(site), tree(build_clean(content, tmp_path / f"clean-{number}"))) == [], number


def edited(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def test_a_name_added_to_speakers_yaml_parses_again_only_the_transcripts_with_it_in_a_label(content, tmp_path):
    """The parser takes speakers.yaml's names as labels, but only those that could split off the
    end of one of its labels count (labels.name_suffixes): the surname "Lukashenko" added as an
    alias parses again the one transcript where it is a whole label, not the two where it
    follows a first name ("Alexander Lukashenko:"), nor the rest (every transcript: 34 s at
    5,000 meetings); a person whom no label names parses nothing again; the alias removed
    parses the same one again. Each rebuild equals a clean build."""
    assert sorted(p.name for p in (content / "transcripts").iterdir()
                  if "Lukashenko:" in p.read_text(encoding="utf-8")) == ["2019-02-15_59842.txt", "2019-12-07_62269.txt",
                                                                         SEED_NAME]
    seed = content / "transcripts" / SEED_NAME
    seed.write_text(edited(seed.read_text(encoding="utf-8"), "\nAlexander Lukashenko: No? That’s a plus for me.",
                           "\nLukashenko: No? That’s a plus for me."), encoding="utf-8")
    site = tmp_path / "site"
    build(content, site, jobs=1)
    prose = '"para speech">Lukashenko: No? That’s a plus for me.'  # one word, unknown: read as speech
    assert prose in (site / SEED_PAGE).read_text(encoding="utf-8")
    speakers = content / "speakers.yaml"
    before = speakers.read_text(encoding="utf-8")
    edits = [("a surname that is one transcript's label",
              edited(before, "aliases: [Lukashenka,", "aliases: [Lukashenko, Lukashenka,"), 1, 1, False),
             ("a person whom no label names", before.replace("aliases: [Lukashenka,", "aliases: [Lukashenko, Lukashenka,")
              + "\n- name: Nobody Named Here\n  bio: Named by no label.\n", 0, 0, False),
             ("the alias removed", before, 1, 1, True)]
    for case, text, parsed, analysed, as_prose in edits:
        speakers.write_text(text, encoding="utf-8")
        shown = progress_of(content, site)
        assert f"parsed {parsed} of 11 transcripts" in shown, case
        assert f"found terms and figures in {analysed} of 11 meetings" in shown, case
        assert (prose in (site / SEED_PAGE).read_text(encoding="utf-8")) == as_prose, case
        assert differences(tree(site), tree(build_clean(content, tmp_path / f"clean-{parsed}-{as_prose}"))) == [], case


def test_a_bio_or_an_unused_alias_keeps_meeting_term_and_figures_pages_by_their_quick_keys(content, tmp_path,
                                                                                          monkeypatch):
    """Meeting pages read of people their names, slugs and roles (views.people_placed), term and
    figures pages their names and slugs (people_named): an edit to a bio, or an alias that no
    label uses, makes the inputs of none of them (it made every one: at 5,000 meetings with
    the example's glossary, the term pages' rows took 7 s). The site equals a clean build."""
    from generator import figure_views, glossary_views, views
    site, speakers = tmp_path / "site", content / "speakers.yaml"
    build(content, site, jobs=1)
    made: list[str] = []
    for module, name in ((views, "meeting_inputs"), (glossary_views, "occurrence_rows"),
                         (figure_views, "figures_page_inputs")):
        monkeypatch.setattr(module, name, lambda *a, _f=getattr(module, name), _n=name, **k: made.append(_n) or _f(*a, **k))
    for case, old, new in [("a bio", "Russia's president for most", "Russia's president for much"),
                           ("an alias no label uses", "aliases: [Mr Putin,", "aliases: [Mr Putin, President V. Putin,")]:
        speakers.write_text(edited(speakers.read_text(encoding="utf-8"), old, new), encoding="utf-8")
        made.clear()
        build(content, site, jobs=1)
        assert made == [], case
        assert differences(tree(site), tree(build_clean(content, tmp_path / f"clean-{len(case)}"))) == [], case


def test_a_transcript_key_leaves_the_speaker_names_out_and_is_remembered():
    """The names are checked against the cached parse (jobs.parse_sources), not put in its key."""
    from generator.model import Source
    from generator.read import Read
    from generator.uptodate import known_key, transcript_key
    source = Source("content/transcripts/x.txt", "Lukashenko: No? That’s a plus for me.\n")
    known = {source.path: Read(None, source, "x.txt")}
    assert known_key(known, "v", source) == transcript_key("v", source) == known[source.path].key
    assert transcript_key("v", Source("elsewhere/x.txt", source.text)) == transcript_key("v", source)
    assert transcript_key("v", Source(source.path, source.text + "\n")) != transcript_key("v", source)


def test_data_figures_json_is_written_by_a_thread_unless_a_process_may_be_forked_after(content, tmp_path,
                                                                                      monkeypatch):
    """A rebuild leaves data/figures.json to a thread (SiteWriter.put_later) while the pages are
    listed and rendered: with one job, and with two from the command line, whose workers were
    forked before it. A server's rebuild of two jobs without workers forks its own after it:
    then it is written at once, as a forked child would inherit whatever lock the thread held.
    A first build writes it at once too. Each result equals a clean build."""
    from generator import write
    later = []
    put_later = write.SiteWriter.put_later
    monkeypatch.setattr(write.SiteWriter, "put_later",
                        lambda self, path, chunks: later.append(path) or put_later(self, path, chunks))
    site = tmp_path / "site"
    build(content, site, jobs=1)
    assert later == []
    seed = content / "transcripts" / SEED_NAME
    for jobs_asked, server, written_later in ((1, False, True), (2, False, True), (2, True, False), (1, True, True)):
        seed.write_text(seed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")  # one more figure
        later.clear()
        build(content, site, jobs=jobs_asked, server=server)
        assert later == (["data/figures.json"] if written_later else [])
        clean = build_clean(content, tmp_path / f"clean-{jobs_asked}-{server}")
        assert differences(tree(site), tree(clean)) == []


def test_a_rebuild_copies_unedited_meetings_figures_from_the_last_figures_file(content, tmp_path, monkeypatch):
    """data/figures.json is rewritten after any edit; each meeting analysed as last time has
    its records copied from the last build's file (not unpacked again), wherever they now
    fall, and a file changed since that build is not trusted. Each result equals a clean build."""
    from generator import export
    unpacked = []
    unpack = export.unpacked
    monkeypatch.setattr(export, "unpacked", lambda data: unpacked.append(1) or unpack(data))
    site = tmp_path / "site"
    build(content, site, jobs=1)
    with_figures = len({figure.meeting for figure in load_archive(read_content(content)).figures})
    assert with_figures >= 8
    seed = content / "transcripts" / SEED_NAME
    seed.write_text(seed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    (content / "transcripts" / "2010-10-09_9200.txt").unlink()  # the oldest: every later part moves
    unpacked.clear()
    build(content, site, jobs=1)  # a new process's build: the layout is read from the cache on disk
    assert len(unpacked) == 2  # the edited meeting's own data file, and its part of figures.json
    clean = tmp_path / "clean"
    build(content, clean, jobs=1, use_cache=False)
    assert differences(tree(site), tree(clean)) == []

    figures_file = site / "data" / "figures.json"
    figures_file.write_bytes(figures_file.read_bytes())  # same bytes, but no longer as the build left it
    seed.write_text(seed.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    unpacked.clear()
    build(content, site, jobs=1)
    assert len(unpacked) >= with_figures - 1  # every part made again from the packed records
    build(content, clean, jobs=1, use_cache=False)
    assert differences(tree(site), tree(clean)) == []



TITLE = 'title: "Meeting with President of Belarus Alexander Lukashenko"'


@pytest.mark.parametrize("maker, path, same, changed, shown", [
    # data/meetings.json lists each meeting's title, date, place, summary…: not what was said
    ("meetings_file", "data/meetings.json", lambda text: text + ADDED,
     lambda text: edited(text, TITLE, TITLE[:-1] + ' (revised)"'), b"(revised)"),
    # data/figures.json: its quick key digests each meeting's records
    ("figures_file", "data/figures.json", lambda text: text + "\nVladimir Putin: Thank you. Let us go on.\n",
     lambda text: text + ADDED, b"35 billion rubles"),
])
def test_a_data_file_is_kept_by_its_quick_key_until_what_it_lists_changes(content, tmp_path, monkeypatch,
                                                                         maker, path, same, changed, shown):
    """An edit that leaves the file's contents as they were keeps it without making it (not
    even its chunks to compare); one that changes them makes it again. Each equals a clean build."""
    from generator import export
    made = []
    make = getattr(export, maker)
    monkeypatch.setattr(export, maker, lambda *args: made.append(1) or make(*args))
    site = tmp_path / "site"
    build(content, site, jobs=1)
    assert made == [1]
    seed = content / "transcripts" / SEED_NAME
    text = seed.read_text(encoding="utf-8")
    for edit, expected in [(same, []), (changed, [1])]:
        seed.write_text(edit(text), encoding="utf-8")
        made.clear()
        build(content, site, jobs=1)
        assert made == expected
        shutil.rmtree(tmp_path / "clean", ignore_errors=True)
        assert differences(tree(site), tree(build_clean(content, tmp_path / "clean"))) == []
    assert shown in (site / path).read_bytes()


def test_unchanged_meetings_pages_and_files_are_kept_without_making_their_inputs(content, tmp_path, monkeypatch):
    """LazyView.quick: an edit to what one meeting says makes the inputs of its page, data file
    and search text, and no others'; an edit to its title makes those of its neighbours' pages
    too (their links show it); a change to who is who (speakers.yaml) makes every meeting
    page's inputs again. Each rebuild equals a clean build."""
    from generator import export, search_index, views
    site = tmp_path / "site"
    build(content, site, jobs=1)
    made: list[tuple[str, str]] = []
    for module, name in ((views, "meeting_inputs"), (export, "meeting_file_inputs"), (search_index, "doc_inputs")):
        def counted(*args, _name=name, _function=getattr(module, name)):
            made.append((_name, args[1].slug))
            return _function(*args)
        monkeypatch.setattr(module, name, counted)
    seed = content / "transcripts" / SEED_NAME
    seed.write_text(seed.read_text(encoding="utf-8").replace(
        "Vladimir Putin: Why? No.", "Vladimir Putin: Why? No, not at all.", 1), encoding="utf-8")
    built = build(content, site, jobs=1)
    order = [m.slug for m in built.archive.meetings]
    at = order.index("2023-02-17-70530")
    own = [("meeting_file_inputs", "2023-02-17-70530"), ("doc_inputs", "2023-02-17-70530")]
    assert sorted(made) == sorted([("meeting_inputs", "2023-02-17-70530")] + own)
    assert tree(site) == tree(build_clean(content, tmp_path / "clean"))

    made.clear()
    seed.write_text(seed.read_text(encoding="utf-8").replace(
        'title: "Meeting with', 'title: "Talks with', 1), encoding="utf-8")
    build(content, site, jobs=1)
    assert sorted(made) == sorted([("meeting_inputs", slug) for slug in order[at - 1:at + 2]] + own)
    assert tree(site) == tree(build_clean(content, tmp_path / "clean-title"))

    made.clear()
    speakers = content / "speakers.yaml"
    speakers.write_text(speakers.read_text(encoding="utf-8").replace(
        "- name: Vladimir Putin\n", "- name: Vladimir Putin\n  slug: president-putin\n", 1), encoding="utf-8")
    build(content, site, jobs=1)
    assert {slug for name, slug in made if name == "meeting_inputs"} == set(order)
    assert {slug for name, slug in made if name == "meeting_file_inputs"} == set(order)
    assert tree(site) == tree(build_clean(content, tmp_path / "clean2"))


@pytest.mark.parametrize("server", [False, True])
def test_the_pages_and_files_of_unchanged_meetings_are_not_even_listed(content, tmp_path, monkeypatch, server):
    """Output.kept_meetings: after an edit to what one meeting says, the other meetings' pages,
    data files and search texts are kept by their quick keys before anything is listed, and
    only the edited meeting's are listed (views.meeting_pages, MEETING_FILES). A meeting one of
    whose files was removed by hand is listed, and that file is made again. The sitemap still
    names every page; each rebuild equals a clean build."""
    from generator import export, search_index
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "\nbase_url: https://example.org/archive/\n",
                         encoding="utf-8")
    site = tmp_path / "site"
    options = Options(content=content, out=site, jobs=1, server=server)
    cache = open_cache(options, code_version())
    make_site(options, Progress(), cache)
    listed: list[str] = []
    page_list = jobs.page_list

    def listing(archive, leave, recall):
        pages = page_list(archive, leave, recall)
        listed.extend(path for path, _, _ in pages)
        return pages
    monkeypatch.setattr(jobs, "page_list", listing)
    items: list[str] = []
    for module, name in ((export, "meeting_file_inputs"), (search_index, "doc_inputs")):
        def counted(*args, _function=getattr(module, name)):
            items.append(args[1].slug)
            return _function(*args)
        monkeypatch.setattr(module, name, counted)

    seed = content / "transcripts" / SEED_NAME
    seed.write_text(seed.read_text(encoding="utf-8").replace(
        "Vladimir Putin: Why? No.", "Vladimir Putin: Why? No, not at all.", 1), encoding="utf-8")
    (site / export.meeting_data("2010-10-09-9200")).unlink()
    built = make_site(options, Progress(), cache)
    meeting_pages = sorted(path for path in listed if path.startswith("meetings/"))
    assert meeting_pages == sorted([OTHER_PAGE, SEED_PAGE])
    # the seed's data file and search text, and the data file removed by hand (the other meeting's
    # search text, listed with it, is kept by its quick key)
    assert sorted(items) == ["2010-10-09-9200", "2023-02-17-70530", "2023-02-17-70530"]
    assert 0 < built.changed < built.files
    clean = build_clean(content, tmp_path / "clean")
    assert differences(tree(site), tree(clean)) == []
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<loc>https://example.org/archive/meetings/") == len(built.archive.meetings)


def test_a_command_line_rebuild_reads_only_the_transcripts_that_changed(content, tmp_path, monkeypatch):
    """The cache keeps each file's stat signature and text digest: the next build (a new Cache,
    as a new process has) reads again only the transcripts whose signature changed. One whose
    parse the cache no longer holds is read when it is parsed."""
    from generator import read
    monkeypatch.setattr(read, "SETTLED_NS", 0)
    site = tmp_path / "site"
    build(content, site, jobs=1)
    decoded = []
    decode = read.decode
    monkeypatch.setattr(read, "decode", lambda data, shown: (decoded.append(Path(shown).name), decode(data, shown))[1])
    seed = content / "transcripts" / SEED_NAME
    seed.write_text(seed.read_text(encoding="utf-8").replace("Why? No.", "Why? No, not at all.", 1), encoding="utf-8")
    build(content, site, jobs=1)
    transcripts = sorted(p.name for p in (content / "transcripts").glob("*.txt"))
    assert [name for name in decoded if name in transcripts] == [SEED_NAME]
    assert tree(site) == tree(build_clean(content, tmp_path / "clean"))
    decoded.clear()
    shutil.rmtree(tmp_path / ".stenogram-cache" / "site" / "parsed")
    build(content, site, jobs=1)
    assert sorted(name for name in decoded if name in transcripts) == transcripts  # each parsed again, so read
    assert tree(site) == tree(tmp_path / "clean")


def test_a_file_read_later_is_checked_against_its_digest(tmp_path):
    from generator.model import ContentErrors
    from generator.read import ReadLater, text_digest
    path = tmp_path / "a.txt"
    path.write_text("Putin: One.\n", encoding="utf-8")
    assert ReadLater("a.txt", str(path), text_digest("Putin: One.\n")).text == "Putin: One.\n"
    path.write_text("Putin: Two.\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as raised:
        ReadLater("a.txt", str(path), text_digest("Putin: One.\n")).text
    assert str(raised.value.problems[0]) == ("a.txt:1: the file changed while it was being built from; build again "
                                             "(if this repeats, delete the build cache, .stenogram-cache)")


def test_a_server_lets_go_of_parsed_texts_and_reads_them_again_when_it_parses_again(content, tmp_path,
                                                                                   monkeypatch):
    """Once parsed, a transcript's text is held by no one (its file and digest are): a
    server would otherwise hold every text to the end. A name added to speakers.yaml reads
    again the file it parses again (the one with it as a label); the site equals a clean
    build."""
    from generator import read
    monkeypatch.setattr(read, "SETTLED_NS", 0)
    options = Options(content=content, out=tmp_path / "site", jobs=1)
    cache = open_cache(options, code_version())
    make_site(options, Progress(), cache)
    transcripts = [entry.source for shown, entry in cache.reads.items() if "/transcripts/" in shown]
    assert len(transcripts) == 11
    assert all(isinstance(source, read.ReadLater) and "_text" not in vars(source) for source in transcripts)
    decoded = []
    decode = read.decode
    monkeypatch.setattr(read, "decode", lambda data, shown: (decoded.append(Path(shown).name), decode(data, shown))[1])
    speakers = content / "speakers.yaml"
    speakers.write_text(edited(speakers.read_text(encoding="utf-8"), "aliases: [Lukashenka,",
                               "aliases: [President of Belarus Alexander Lukashenko, Lukashenka,"), encoding="utf-8")
    make_site(options, Progress(), cache)
    names = sorted(p.name for p in (content / "transcripts").glob("*.txt"))
    assert sorted(name for name in decoded if name in names) == ["2019-12-07_62269.txt"]
    assert all("_text" not in vars(entry.source) for shown, entry in cache.reads.items() if "/transcripts/" in shown)
    assert differences(tree(options.out), tree(build_clean(content, tmp_path / "clean"))) == []


def test_a_second_save_with_no_build_between_keeps_every_entry(content, tmp_path):
    """A server saves its cache after the warm-up rebuild and again, later, for its first
    build: pruning by what was asked since the last save must not then drop everything."""
    from generator.cache import Cache
    site = tmp_path / "site"
    build(content, site, jobs=1)
    folder = tmp_path / ".stenogram-cache" / "site"
    entries = sorted(p.name for p in (folder / "parsed").iterdir())
    assert len(entries) == 11
    cache = Cache(folder, code_version())
    cache.load_all()
    cache.save(prune=True)
    cache.save(prune=True)
    assert sorted(p.name for p in (folder / "parsed").iterdir()) == entries
    assert len(cache.parsed) == 11


def test_a_command_line_build_reads_its_cache_out_of_the_collectors_reach(content, tmp_path):
    """A command-line build's cache reads its entries with the cyclic collector paused and then
    freezes them (gc.freeze): they live to the end of the build, and walking them freed nothing.
    A server's, whose old archives must be freed, leaves them to the collector."""
    import gc
    from generator.cache import Cache
    build(content, tmp_path / "site", jobs=1)
    folder = tmp_path / ".stenogram-cache" / "site"
    for server, frozen in ((False, True), (True, False)):
        cache = open_cache(Options(content=content, out=tmp_path / "site", server=server), code_version())
        assert cache.lasting is not server
        gc.unfreeze()
        try:
            entries = cache.get("parsed", sorted(os.listdir(folder / "parsed")))
            assert len(entries) == 11 and gc.isenabled()
            assert (gc.get_freeze_count() > 0) is frozen
        finally:
            gc.unfreeze()
    assert Cache(folder, code_version()).get("parsed", list(entries)) == entries


def test_topic_figures_and_term_pages_are_kept_by_their_quick_keys(content, tmp_path, monkeypatch):
    """An edit to what one meeting says makes the inputs of no topic page (their quick keys
    digest each meeting's row and mentions, not its text), of only the figures page that
    lists the meeting, and the rows of only the term pages that quote it (theirs hold its
    analysis key); the site equals a clean build."""
    from generator import figure_views, glossary_views
    site = tmp_path / "site"
    build(content, site, jobs=1)
    made: list[tuple] = []
    topic_inputs, figures_inputs = glossary_views.topic_inputs, figure_views.figures_page_inputs
    monkeypatch.setattr(glossary_views, "topic_inputs",
                        lambda topic, *rest: made.append(("topic", topic.slug)) or topic_inputs(topic, *rest))
    monkeypatch.setattr(figure_views, "figures_page_inputs", lambda archive, chunk, *rest: made.append(
        ("figures", tuple(slug for slug, _ in chunk))) or figures_inputs(archive, chunk, *rest))
    rows = glossary_views.occurrence_rows
    monkeypatch.setattr(glossary_views, "occurrence_rows", lambda archive, hits: made.append(
        ("term", frozenset(hit.meeting for hit in hits))) or rows(archive, hits))
    seed = content / "transcripts" / SEED_NAME
    seed.write_text(edited(seed.read_text(encoding="utf-8"), "Vladimir Putin: Why? No.",
                           "Vladimir Putin: Why? No, not at all."), encoding="utf-8")
    built = build(content, site, jobs=1)
    quoted = {hit.term for hit in built.archive.term_hits if hit.meeting == "2023-02-17-70530"}
    terms = [meetings for kind, meetings in made if kind == "term"]
    assert len(quoted) > 5 and len(terms) == len(quoted) < len(built.archive.glossary.entries)
    assert all("2023-02-17-70530" in meetings for meetings in terms)
    others = [entry for entry in made if entry[0] != "term"]
    assert [kind for kind, _ in others] == ["figures"]
    assert "2023-02-17-70530" in others[0][1]
    assert tree(site) == tree(build_clean(content, tmp_path / "clean"))

    made.clear()  # a new summary is in the topics' rows: their pages make their inputs, and change
    seed.write_text(edited(seed.read_text(encoding="utf-8"), "title: ", "summary: Talks in Novo-Ogaryovo.\ntitle: "),
                    encoding="utf-8")
    build(content, site, jobs=1)
    listing_seed = {page.stem for page in (site / "topics").glob("*.html")
                    if "2023-02-17-70530.html" in page.read_text(encoding="utf-8")}
    assert {slug for kind, slug in made if kind == "topic"} == listing_seed != set()
    assert tree(site) == tree(build_clean(content, tmp_path / "clean2"))


def test_an_edit_digests_only_the_topic_pages_that_list_its_meeting(content, tmp_path, monkeypatch):
    """In a server's rebuild, words added to an older meeting make the quick key of a topic's
    first page (its terms and every page) and of the page listing that meeting, not of the
    topic's other pages (kept from the last listing): pages of about two meetings here, so
    that a topic has several."""
    from generator import glossary_views
    monkeypatch.setattr(glossary_views, "TOPIC_PAGE_SIZE", 2)
    site = tmp_path / "site"
    options = Options(content=content, out=site, jobs=1, server=True)
    cache = open_cache(options, code_version())
    make_site(options, Progress(), cache)
    made: list[str] = []
    quick = glossary_views.topic_quick
    monkeypatch.setattr(glossary_views, "topic_quick", lambda archive, topic, used, meetings, views, shape: (
        made.append(shape[1][0]), quick(archive, topic, used, meetings, views, shape))[1])
    older = content / "transcripts" / "2016-10-10_53065.txt"
    older.write_text(older.read_text(encoding="utf-8") + "\nVladimir Putin: One more word on energy.\n",
                     encoding="utf-8")
    make_site(options, Progress(), cache)
    listing = {path for path in tree(site) if path.startswith("topics/")
               and "2016-10-10-53065.html" in (site / path).read_text(encoding="utf-8")}
    checked = 0
    for first in {re.sub(r"-p[0-9]+\.html$", ".html", path) for path in listing}:
        pages = [path for path in tree(site) if path.startswith(first[:-len(".html")] + "-p")]
        if len(pages) >= 2:
            checked += 1
            assert {path for path in made if path == first or path in pages} == {first} | (listing & set(pages))
    assert checked >= 2
    assert tree(site) == tree(build_clean(content, tmp_path / "clean"))


def test_only_a_servers_cache_keeps_what_a_build_leaves_for_the_next(content, tmp_path):
    """A server's rebuilds share one recall.Recall on its cache, which the build fills (here the
    search shards and the speakers' records); a command-line build's cache has none, so that
    what it makes once is not held to its end (the shards alone, 30 MB at 5,000 meetings)."""
    cli = Options(content=content, out=tmp_path / "site", jobs=1)
    cache = open_cache(cli, code_version())
    make_site(cli, Progress(), cache)
    assert cache.recall is None
    server = replace(cli, server=True)
    cache = open_cache(server, code_version())
    recall = cache.recall
    make_site(replace(server, stop_if_unchanged=False), Progress(), cache)
    assert cache.recall is recall and recall.shards and recall.speaker_records and recall.people


def test_a_server_renders_a_small_rebuild_in_one_process_and_forks_for_a_large_one(content, tmp_path, monkeypatch):
    """FORK_ABOVE: after a one-meeting edit a server's rebuild renders (and indexes) in its own
    process; after a change that makes every page again it forks. Each rebuild equals a clean
    build."""
    workers: list[int] = []
    run, early = jobs.run_tasks, jobs.Early
    monkeypatch.setattr(jobs, "run_tasks", lambda work, count, asked, *rest, **named: (
        workers.append(asked), run(work, count, asked, *rest, **named))[1])
    monkeypatch.setattr(jobs, "Early", lambda work, asked: (workers.append(("early", asked)), early(work, asked))[1])
    monkeypatch.setattr(jobs, "FORK_ABOVE", 120)  # of the example's 168 pages: 80 after the edit (its glossary pages have no quick keys)
    site = tmp_path / "site"
    options = Options(content=content, out=site, jobs=2, server=True)
    cache = open_cache(options, code_version())
    make_site(options, Progress(), cache)
    seed = content / "transcripts" / SEED_NAME
    seed.write_text(edited(seed.read_text(encoding="utf-8"), "Vladimir Putin: Why? No.",
                           "Vladimir Putin: Why? No, not at all."), encoding="utf-8")
    workers.clear()
    make_site(options, Progress(), cache)
    assert workers[-1] == 1 and not any(isinstance(w, tuple) for w in workers)
    assert differences(tree(site), tree(build_clean(content, tmp_path / "clean"))) == []
    settings = content / "site.yaml"  # the site's title is on every page
    settings.write_text(edited(settings.read_text(encoding="utf-8"), "title: Stenogram", "title: Minutes"),
                        encoding="utf-8")
    workers.clear()
    make_site(options, Progress(), cache)
    assert workers[-2:] == [("early", 2), 2]
    assert differences(tree(site), tree(build_clean(content, tmp_path / "clean2"))) == []


def test_templates_compiled_by_one_build_are_loaded_by_the_next_and_compiled_again_when_edited(content, tmp_path,
                                                                                             monkeypatch):
    """Jinja keeps the templates it compiles in the cache (Cache.compiled_templates): the next build,
    in a new process, loads them instead; a template edited since is compiled again, and its change
    is on the pages; a new code version starts the folder afresh."""
    from jinja2 import Environment
    from jinja2.bccache import bc_magic
    compiled: list[str] = []
    compile_template = Environment.compile
    monkeypatch.setattr(Environment, "compile", lambda env, source, name=None, *rest, **named: (
        compiled.append(name), compile_template(env, source, name, *rest, **named))[1])
    site, folder = tmp_path / "site", tmp_path / ".stenogram-cache" / "site" / "templates"

    def build_in_a_new_process() -> None:
        monkeypatch.setattr(jobs, "_environment", [None, None])  # what a new process starts with
        compiled.clear()
        build(content, site, jobs=1, stop_if_unchanged=False)

    build_in_a_new_process()
    assert "meeting.html" in compiled and "base.html" in compiled and len(list(folder.iterdir())) >= len(compiled)
    build_in_a_new_process()
    assert compiled == []
    (content / "templates").mkdir()
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    (content / "templates" / "base.html").write_text(base.replace("</body>", "<!-- edited --></body>"),
                                                     encoding="utf-8")
    build_in_a_new_process()
    assert compiled == ["base.html"]
    assert "<!-- edited --></body>" in (site / SEED_PAGE).read_text(encoding="utf-8")
    (content / "templates" / "base.html").write_text(base.replace("</body>", "<!-- again --></body>"),
                                                     encoding="utf-8")
    build_in_a_new_process()
    assert compiled == ["base.html"] and "<!-- again --></body>" in (site / SEED_PAGE).read_text(encoding="utf-8")
    for damaged in folder.iterdir():  # Jinja's header, then what is no pickle: compiled again
        damaged.write_bytes(damaged.read_bytes()[:len(bc_magic)] + b"\x80\x04damaged")
    shutil.rmtree(site)  # every page made again
    build_in_a_new_process()
    assert "meeting.html" in compiled and "<!-- again --></body>" in (site / SEED_PAGE).read_text(encoding="utf-8")
    cache = open_cache(Options(content=content, out=site), "another code version")
    assert cache.compiled_templates() == folder and list(folder.iterdir()) == []
    from generator.render import make_environment
    unwritable = make_environment(compiled=tmp_path / "gone")  # where nothing can be written: compiled each time
    assert unwritable.get_template("base.html").render and not (tmp_path / "gone").exists()


def test_the_code_version_is_that_of_the_code_the_process_started_with(tmp_path, monkeypatch):
    """A server whose code is edited while it runs still runs the code it imported: what it
    makes keeps the version it started with, so that a command-line build of the new code,
    a new process, starts its cache afresh rather than keep what the old code made."""
    from generator import cache as cache_module
    started = code_version()
    edited = tmp_path / "generator"
    shutil.copytree(cache_module.GENERATOR, edited)
    with open(edited / "cache.py", "a", encoding="utf-8") as code:
        code.write("\n# edited while serving\n")
    monkeypatch.setattr(cache_module, "GENERATOR", edited)
    try:
        assert code_version() == started
        code_version.cache_clear()  # a new process
        assert code_version() != started
    finally:
        monkeypatch.undo()
        code_version.cache_clear()
    assert code_version() == started
