"""Every link of the built example site works offline (checked with tests/sitecheck.py)."""
from __future__ import annotations

from sitecheck import parse_html, site_pages, site_problems, text_of


def test_example_site_links_resolve(example_site):
    pages = site_pages(example_site)
    assert len(pages) >= 15
    problems = site_problems(example_site)
    assert problems == [], "\n".join(problems)


def test_checker_reports_each_kind_of_broken_link(tmp_path):
    """The checker itself can fail: a small site with one of each mistake."""
    (tmp_path / "meetings").mkdir()
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "site.css").write_text(
        "body { background: url('bg.png'); }\n@import 'https://fonts.example/a.css';\n", encoding="utf-8")
    (tmp_path / "meetings" / "a.html").write_text(
        '<h1 id="top">A</h1><p id="p1">x</p><a href="../index.html#here">back</a>', encoding="utf-8")
    (tmp_path / "index.html").write_text("""<!DOCTYPE html>
<html><head>
<link rel="stylesheet" href="static/site.css">
<link rel="stylesheet" href="https://cdn.example/x.css">
<link rel="canonical" href="https://example.org/index.html">
</head><body id="here">
<a href="meetings/a.html#p1">fine</a>
<a href="http://en.kremlin.ru/events/president/transcripts/70530">external link is fine</a>
<a href="#here">fine</a>
<a href="meetings/">folder</a>
<a href="meetings">folder without slash</a>
<a href="missing.html">missing</a>
<a href="meetings/a.html#p2">missing fragment</a>
<a href="/meetings/a.html">absolute</a>
<a href="../outside.html">outside</a>
<a href="#">empty fragment</a>
<img src="http://example.org/photo.jpg" alt="">
<script src="static/app.js"></script>
<p id="dup">one</p><p id="dup">two</p>
</body></html>
""", encoding="utf-8")
    problems = site_problems(tmp_path)
    found = {(p.split(":")[0], p.rsplit(": ", 1)[-1]) for p in problems}
    assert found == {
        ("index.html", "fetched from the network"),          # stylesheet and img
        ("index.html", "links to a folder, not a file"),     # meetings/ and meetings
        ("index.html", "target file does not exist"),        # missing.html, static/app.js
        ("index.html", "no id 'p2' on meetings/a.html"),
        ("index.html", "absolute path (breaks file://); use a relative link"),
        ("index.html", "leaves the site folder"),
        ("index.html", "empty fragment '#'"),
        ("index.html", "duplicate id 'dup'"),
        ("static/site.css", "target file does not exist"),  # bg.png
        ("static/site.css", "fetched from the network"),    # @import
    }
    assert len(problems) == 13
    assert any(p.startswith("index.html:4: <link href='https://cdn.example/x.css'>") for p in problems)


def test_parse_html_keeps_text_and_nesting():
    tree = parse_html('<section class="turn" data-speaker="x"><p id="p1">A &amp; B<br>C</p><img src="i.png"></section>')
    section = tree.children[0]
    assert section.tag == "section" and section.classes == ["turn"]
    assert text_of(section) == "A & BC"
    assert [c.tag for c in section.children] == ["p", "img"]
