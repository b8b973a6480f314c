"""Atom feed and sitemap: written only with base_url, valid XML, listing every meeting and page."""
from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest

from conftest import CONTENT, SEED, build_site
from generator.feeds import summary_of
from generator.model import Source
from generator.parse import parse_with_problems
from generator.pipeline import Options, build

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://archive.example.org/steno/"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    out = tmp_path_factory.mktemp("published") / "site"
    archive, _ = build(Options(content=CONTENT, out=out, base_url=BASE.rstrip("/")))
    return archive, out


def test_without_base_url_nothing_is_written_or_linked(example_site):
    assert not (example_site / "feed.xml").exists() and not (example_site / "sitemap.xml").exists()
    assert "feed.xml" not in (example_site / "index.html").read_text(encoding="utf-8")


def test_feed_lists_every_meeting_newest_first(published):
    archive, out = published
    feed = ET.parse(out / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}updated") == "2023-02-17T00:00:00Z"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == BASE + "feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(archive.meetings)
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    links = [e.find(f"{ATOM}link[@rel='alternate']").get("href") for e in entries]
    assert sorted(links) == sorted(f"{BASE}meetings/{m.slug}.html" for m in archive.meetings)
    assert all((out / link[len(BASE):]).is_file() for link in links)
    assert all(e.findtext(f"{ATOM}id") and e.findtext(f"{ATOM}title") and e.findtext(f"{ATOM}summary") for e in entries)
    seed = entries[0]
    assert seed.findtext(f"{ATOM}title") == "Meeting with President of Belarus Alexander Lukashenko"
    assert seed.findtext(f"{ATOM}summary").startswith("The agenda included key aspects of the further development")
    html = (out / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/atom+xml" title="Stenogram" href="feed.xml">' in html


def test_sitemap_lists_every_page(published):
    archive, out = published
    root = ET.parse(out / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP}urlset"
    locs = [u.findtext(f"{SITEMAP}loc") for u in root.findall(f"{SITEMAP}url")]
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert locs == [BASE + page for page in pages]
    assert {f"{BASE}meetings/{m.slug}.html" for m in archive.meetings} <= set(locs)
    seed = next(u for u in root.findall(f"{SITEMAP}url") if u.findtext(f"{SITEMAP}loc").endswith("2023-02-17-70530.html"))
    assert seed.findtext(f"{SITEMAP}lastmod") == "2023-02-17"


def test_base_url_from_site_yaml_and_markup_in_titles_is_escaped(tmp_path):
    content = tmp_path / "content"
    (content / "transcripts").mkdir(parents=True)
    shutil.copy(SEED, content / "transcripts" / SEED.name)
    (content / "transcripts" / "2024-01-02-q.txt").write_text(
        '---\ntitle: "Q&A <script>alert(1)</script> ]]>"\nsummary: "Tom & Jerry < 3"\n---\nIvan Petrov: Hello.\n',
        encoding="utf-8")
    (content / "site.yaml").write_text("title: A & B\nbase_url: https://example.net\n", encoding="utf-8")
    build_site(content, tmp_path / "site")
    feed = ET.parse(tmp_path / "site" / "feed.xml").getroot()
    assert feed.findtext(f"{ATOM}title") == "A & B"
    first = feed.find(f"{ATOM}entry")
    assert first.findtext(f"{ATOM}title") == "Q&A <script>alert(1)</script> ]]>"
    assert first.findtext(f"{ATOM}summary") == "Tom & Jerry < 3"
    seed = feed.findall(f"{ATOM}entry")[1]
    assert seed.findtext(f"{ATOM}summary").startswith("The agenda included key aspects")
    assert first.find(f"{ATOM}link").get("href") == "https://example.net/meetings/2024-01-02-q.html"
    ET.parse(tmp_path / "site" / "sitemap.xml")


def test_characters_xml_cannot_hold_are_left_out_of_the_feed(tmp_path):
    """YAML refuses U+FFFF written as is, but spells it in double quotes; the feed must still parse."""
    content = tmp_path / "content"
    (content / "transcripts").mkdir(parents=True)
    (content / "transcripts" / "2024-01-02-q.txt").write_text(
        '---\ntitle: "Talks\\uFFFF in \\x01Minsk"\nsummary: "Trade\\uFFFE grew"\n---\nIvan Petrov: Hello.\n',
        encoding="utf-8")
    (content / "site.yaml").write_text("base_url: https://example.net\n", encoding="utf-8")
    build_site(content, tmp_path / "site")
    entry = ET.parse(tmp_path / "site" / "feed.xml").getroot().find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Talks in Minsk"
    assert entry.findtext(f"{ATOM}summary") == "Trade grew"


def test_summary_falls_back_to_the_first_words_spoken():
    meeting, _ = parse_with_problems(Source("2024-01-02-x.txt", "Ivan Petrov: " + "word " * 200 + "\n"))
    summary = summary_of(meeting)
    assert summary.startswith("word word") and summary.endswith(" …") and len(summary) <= 602
