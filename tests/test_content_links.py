"""Links editors write in Markdown: read as on the text's own page, built the same from any folder,
and a warning at their line when the site has nothing there."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from sitecheck import find_all, find_one, parse_html

TRANSCRIPT = """---
title: Links
date: 2024-03-01
---
Vladimir Putin: Home is [here](/index.html), the next meeting [there](2024-03-02-b.html#p1),
the start [above](#p1), and the [web](https://example.org).[^1]

[^1]: See [the glossary](/glossary/index.html) and [nothing](missing.html).

Alexander Lukashenko: Thanks, and [gone](#p9).
"""
FILES = {
    "transcripts/2024-03-01_a.md": TRANSCRIPT,
    "transcripts/2024-03-02_b.md": "---\ntitle: B\ndate: 2024-03-02\n---\nVladimir Putin: Hello.\n",
    "annotations/2024-03-01_a.yaml": "- quote: Thanks\n  body: Compare [the next](2024-03-02-b.html) and"
                                     " [up](../../x.html); [older figures](/figures/page-2.html),"
                                     " [none](/figures/page-two.html).\n",
    "glossary.yaml": "terms:\n- term: Union State\n  topic: Union State\n"
                     "  definition: Its [council](supreme-state-council.html); [home](/index.html).\n"
                     "topics:\n  Union State: See [the term](../glossary/union-state.html) and"
                     " [a treaty](treaty.html).\n",
    "speakers.yaml": "- name: Vladimir Putin\n  bio: Met [Lukashenko](alexander-lukashenko.html) and [no one](nobody.html);"
                     " see [earlier](vladimir-putin-p12.html) and [one](nobody-p2.html).\n",
}
WARNINGS = [
    "content/annotations/2024-03-01_a.yaml:1: warning: link '../../x.html' leads out of the site",
    "content/annotations/2024-03-01_a.yaml:1: warning: link '/figures/page-2.html' leads to figures/page-2.html,"
    " which the site does not have",
    "content/annotations/2024-03-01_a.yaml:1: warning: link '/figures/page-two.html' leads to figures/page-two.html,"
    " which the site does not have",
    "content/glossary.yaml:2: warning: link 'supreme-state-council.html' leads to glossary/supreme-state-council.html,"
    " which the site does not have",
    "content/glossary.yaml:6: warning: link 'treaty.html' leads to topics/treaty.html, which the site does not have",
    "content/speakers.yaml:1: warning: link 'nobody.html' leads to speakers/nobody.html, which the site does not have",
    "content/speakers.yaml:1: warning: link 'vladimir-putin-p12.html' leads to speakers/vladimir-putin-p12.html,"
    " which the site does not have",
    "content/speakers.yaml:1: warning: link 'nobody-p2.html' leads to speakers/nobody-p2.html, which the site does"
    " not have",
    "content/transcripts/2024-03-01_a.md:8: warning: link 'missing.html' leads to meetings/missing.html,"
    " which the site does not have",
    "content/transcripts/2024-03-01_a.md:10: warning: link '#p9': meetings/2024-03-01-a.html has no #p9"
    " (it has paragraphs #p1 to #p2 and turns #t1 to #t2)",
]


def build_from(folder: Path, root: Path, *args: str) -> subprocess.CompletedProcess:
    """Build root/content into root/site, run from `folder` (paths given relative to it)."""
    folder.mkdir(parents=True, exist_ok=True)
    relative = Path(*[".."] * len(folder.relative_to(root).parts)) if folder != root else Path(".")
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(relative / "content"),
                           "--out", str(relative / "site"), "--quiet", "--no-cache", *args],
                          cwd=folder, capture_output=True, text=True, timeout=120)


def write_content(root: Path) -> None:
    for name, text in FILES.items():
        (root / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / name).write_text(text, "utf-8")


def test_links_in_markdown_are_read_on_their_page_and_built_alike_from_any_folder(tmp_path):
    """`[x](/index.html)` went through posixpath.relpath on an absolute path: the href depended on the
    folder the build ran in ("../../../index.html" from three folders down) and left the site."""
    write_content(tmp_path)
    pages = {}
    for folder in (tmp_path, tmp_path / "a" / "b" / "c"):
        shutil.rmtree(tmp_path / "site", ignore_errors=True)
        result = build_from(folder, tmp_path)
        assert result.returncode == 0, result.stderr
        pages[folder] = {path: (tmp_path / "site" / path).read_bytes() for path in (
            "meetings/2024-03-01-a.html", "annotations/index.html", "glossary/union-state.html",
            "topics/union-state.html", "speakers/vladimir-putin.html")}
    assert pages[tmp_path] == pages[tmp_path / "a" / "b" / "c"]
    meeting = parse_html(pages[tmp_path]["meetings/2024-03-01-a.html"].decode())
    assert [(a.attrs["href"], a.attrs.get("rel")) for a in find_all(find_one(meeting, "p", id="p1"), "a")
            if not a.classes] == [
        ("../index.html", None), ("2024-03-02-b.html#p1", None),
        ("#p1", None), ("https://example.org", "external nofollow")]
    footnote = find_one(meeting, "aside", id="fn-1")
    assert [a.attrs["href"] for a in find_all(footnote, "a")][1:] == ["../glossary/index.html", "missing.html"]
    notes = parse_html(pages[tmp_path]["annotations/index.html"].decode())
    assert [a.attrs["href"] for a in find_all(find_one(notes, "div", cls="note-body"), "a")] == [
        "../meetings/2024-03-02-b.html", "../x.html", "../figures/page-2.html", "../figures/page-two.html"]
    term = parse_html(pages[tmp_path]["glossary/union-state.html"].decode())
    assert [a.attrs["href"] for a in find_all(find_one(term, "div", cls="definition"), "a")] == [
        "supreme-state-council.html", "../index.html"]
    topic = parse_html(pages[tmp_path]["topics/union-state.html"].decode())
    assert [a.attrs["href"] for a in find_all(find_one(topic, "div", cls="definition"), "a")] == [
        "../glossary/union-state.html", "treaty.html"]
    speaker = parse_html(pages[tmp_path]["speakers/vladimir-putin.html"].decode())
    assert [a.attrs["href"] for a in find_all(find_one(speaker, "section", cls="bio"), "a")] == [
        "alexander-lukashenko.html", "nobody.html", "vladimir-putin-p12.html", "nobody-p2.html"]


def test_a_link_to_what_the_site_does_not_have_is_a_warning_at_its_line(tmp_path):
    """A later page of a list ("vladimir-putin-p12.html", "figures/page-2.html") is one the site
    does not have when the list is shorter: both were taken, as their lists' first pages are
    here, and the site linked to nothing."""
    write_content(tmp_path)
    result = build_from(tmp_path, tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(result.stderr.splitlines(), key=lambda line: (line.split(":")[0], int(line.split(":")[1]))) == WARNINGS
    strict = build_from(tmp_path, tmp_path, "--strict")
    assert strict.returncode == 1 and "Traceback" not in strict.stderr


def test_a_later_page_of_a_list_the_site_has_is_no_warning(tmp_path):
    """The example's Vladimir Putin has two pages: his bio may link the second, not a third; one
    more page of a topic the glossary has, of the figures index, of a term, is not there either."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    speakers = tmp_path / "content" / "speakers.yaml"
    text = speakers.read_text(encoding="utf-8")
    bio = "  bio: |\n"
    assert text.count(bio) >= 1
    speakers.write_text(text.replace(bio, bio + "    See [earlier](vladimir-putin-p2.html), [more](vladimir-putin-p3.html),"
                                               " [figures](../figures/page-1.html).\n", 1), encoding="utf-8")
    assert (tmp_path / "content" / "speakers.yaml").read_text(encoding="utf-8").count("vladimir-putin-p2") == 1
    result = build_from(tmp_path, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "speakers" / "vladimir-putin-p2.html").is_file()
    assert [line.split(": warning: ", 1)[1] for line in result.stderr.splitlines()] == [
        "link 'vladimir-putin-p3.html' leads to speakers/vladimir-putin-p3.html, which the site does not have",
        "link '../figures/page-1.html' leads to figures/page-1.html, which the site does not have"]
