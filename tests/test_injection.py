"""Script injection: hostile text in every place content can reach a page.

Each payload is put in 21 places: the text of .txt and .md transcripts and of
Markdown footnotes; speaker labels (the payloads a label can hold); the front
matter's title, place, summary, time, topics and participants' names and
roles; file names; glossary terms, aliases, topics, definitions and tooltips;
annotation bodies and authors; speakers.yaml bios and roles; site.yaml. The
archive is built by the command line, then every page is
checked twice: statically (no event-handler attribute, inline script or
javascript: URL anywhere, the template syntax shown as text) and in headless
Chromium with a dialog hook (0 dialogs, 0 live handlers or scripts in the DOM,
0 requests off file://), the search page included. Markup that templates show
unescaped is made only by our escaping renderers, which are tested here with
the same payloads.
"""
from __future__ import annotations

import ast
import datetime as dt
import html
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from sitecheck import parse_html

PAYLOADS = [
    "<script>alert(101)</script>",
    "<img src=x onerror=alert(102)>",
    '"><svg onload=alert(103)>',
    "'><svg/onload=alert(104)>",
    '" onmouseover="alert(105)" x="',
    "' onfocus='alert(106)' autofocus='",
    " onpointerenter=alert(107) x=",
    "javascript:alert(108)",
    "JaVaScRiPt:alert(109)",
    "java\tscript:alert(110)",
    "&#106;avascript:alert(111)",
    " \x20javascript:alert(112)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxMTMpPC9zY3JpcHQ+",
    "vbscript:msgbox(114)",
    "{{7*7}}",
    "{% for x in range(3) %}loop{% endfor %}",
    "{{ config.__class__ }}{% raw %}",
    "</title><script>alert(118)</script>",
    "</textarea><script>alert(119)</script>",
    "</script><script>alert(120)</script>",
    "]]><script>alert(121)</script>",
    '<iframe srcdoc="<script>alert(122)</script>"></iframe>',
    "<details open ontoggle=alert(123)>",
    "<style>@import 'http://evil.example/x.css';</style>",
    "[click me](javascript:alert(125))",
    "<javascript:alert(126)>",
    "[click](&#106;avascript:alert(127))",
    "![x](http://evil.example/x.png)",
    '<div onclick="alert(129)">block</div>',
    "\u2028\u2029</script>",
    "<!-- <script>alert(131)</script> -->",
    "<a href=\"javascript:alert(132)\">link</a>",
]
"""Hostile strings: HTML, attribute breaking, URL schemes, template syntax, Markdown links."""

LABEL_PAYLOADS = [
    "'<img/src/onerror=alert``>",
    "'><svg/onload=alert``>",
    "'</title><script>alert``</script>",
    "'{{7*7}}",
    "'{%print(7*7)%}",
    "Javascript:alert``",
]
"""Payloads a speaker label can hold: labels refuse quotes, brackets and digits, not these."""

SAFE_SCHEMES = {"file:", "http:", "https:", "mailto:"}
SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc", "background")


def letters(number: int) -> str:
    """1 → "a", 27 → "aa": names without digits, which labels and terms may hold."""
    out = ""
    while number:
        number, rest = divmod(number - 1, 26)
        out = chr(97 + rest) + out
    return out


def file_safe(payload: str) -> bool:
    return "/" not in payload and not any(ord(c) < 32 for c in payload)


def write_content(root: Path) -> Path:
    """An archive with every payload in every place; returns the content folder."""
    content = root / "content"
    transcripts = content / "transcripts"
    (content / "annotations").mkdir(parents=True)
    transcripts.mkdir()
    glossary = []
    for index, payload in enumerate(PAYLOADS, start=1):
        word = letters(index).capitalize()
        meta = {"title": f"Meeting {payload}", "date": dt.date(2023, 1, 1) + dt.timedelta(days=index),
                "place": payload, "summary": payload, "time": payload, "topics": [payload, f"Topic {word}"],
                "participants": [{"name": f"Ivan {payload}", "role": payload}]}
        label = LABEL_PAYLOADS[index % len(LABEL_PAYLOADS)]
        body = (f"President of Russia Vladimir Putin: Here it is {payload} and more.\n"
                f"{payload}\n"
                f"Minister of Hazards Ivan {label} Petrov: Annotated words {word}, about Hazard {word}.\n"
                f"Ivan {label} Petrov: Again {payload}.\n"
                f"Vladimir Putin: Thank you, Hazard {word}.\n")
        stem = f"meeting-{word.lower()}"
        (transcripts / f"{stem}.txt").write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body,
                                                 encoding="utf-8")
        (content / "annotations" / f"{stem}.yaml").write_text(yaml.safe_dump(
            [{"quote": f"Annotated words {word}", "body": f"Note: {payload}\n\n{payload}", "author": payload}],
            allow_unicode=True), encoding="utf-8")
        if file_safe(payload):
            (transcripts / f"2023-06-{index:02d}-{payload}.txt").write_text(
                f"Vladimir Putin: From a file named {payload}.\n", encoding="utf-8")
        glossary.append({"term": f"Hazard {word}", "topic": f"Topic {payload}", "short": payload,
                         "aliases": [f"{payload} {word}"], "definition": f"Defined as {payload}.\n\n{payload}\n"})
        glossary.append({"term": f"{payload} term {word}", "topic": "Hazards", "definition": payload})
    markdown_body = "".join(f"Vladimir Putin: Markdown {payload} here[^n{letters(i)}].\n\n"
                            for i, payload in enumerate(PAYLOADS, start=1))
    markdown_notes = "".join(f"[^n{letters(i)}]: Footnote {payload}\n" for i, payload in enumerate(PAYLOADS, start=1))
    (transcripts / "2023-03-01-markdown.md").write_text(
        "---\ntitle: Markdown meeting\ndate: 2023-03-01\n---\n" + markdown_body + "\n" + markdown_notes,
        encoding="utf-8")
    (content / "glossary.yaml").write_text(yaml.safe_dump(glossary, allow_unicode=True), encoding="utf-8")
    (content / "speakers.yaml").write_text(yaml.safe_dump(
        [{"name": "Vladimir Putin", "bio": "\n\n".join(PAYLOADS), "roles": PAYLOADS[:8]}], allow_unicode=True),
        encoding="utf-8")
    (content / "site.yaml").write_text(yaml.safe_dump(
        {"title": f"Archive {PAYLOADS[0]}", "description": PAYLOADS[2], "license": PAYLOADS[24],
         "language": "en-GB"}, allow_unicode=True), encoding="utf-8")  # a hostile tag is refused: tests/bad/
    return content


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """The hostile archive built by `python build.py`, with a base URL so feed and sitemap exist."""
    root = tmp_path_factory.mktemp("hostile")
    content = write_content(root)
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(content),
                             "--out", str(root / "site"), "--base-url", "https://example.org/archive/", "--quiet"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return root / "site"


def pages_of(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def unsafe_url(value: str) -> bool:
    """True for a URL a browser would run or that would load content inline (javascript:, data:, vbscript:)."""
    cleaned = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
    match = SCHEME_RE.match(cleaned)
    return bool(match) and match.group(0) not in SAFE_SCHEMES


def static_findings(page: Path) -> list[str]:
    """What in one page's HTML could run: handlers, inline scripts, unsafe URLs, embedded frames."""
    findings = []
    stack = [parse_html(page.read_text(encoding="utf-8"))]
    while stack:
        node = stack.pop()
        for child in node.children:
            if isinstance(child, str):
                continue
            stack.append(child)
            where = f"{page.name}:{child.line} <{child.tag}>"
            findings += [f"{where} {name}=" for name in child.attrs if name.startswith("on")]
            if child.tag == "script" and not child.attrs.get("src"):
                findings.append(f"{where} inline script")
            if child.tag in ("iframe", "object", "embed", "frame", "base", "img", "style", "link") and not (
                    child.tag == "link" and child.attrs.get("rel") in ("stylesheet", "alternate", "icon")):
                findings.append(f"{where} element")
            findings += [f"{where} {name}={child.attrs[name]!r}" for name in URL_ATTRIBUTES
                         if name in child.attrs and unsafe_url(child.attrs[name])]
    return findings


def test_payloads_reach_every_place(hostile_site: Path):
    """The payloads really are on the pages (escaped), so the checks below are not vacuous."""
    assert len(PAYLOADS) >= 20
    meeting = (hostile_site / "meetings" / "meeting-o.html").read_text(encoding="utf-8")
    assert "{{7*7}}" in meeting and "Meeting {{7*7}}" in meeting  # text and title, never evaluated
    assert ">49<" not in meeting
    script = (hostile_site / "meetings" / "meeting-a.html").read_text(encoding="utf-8")
    assert "Here it is &lt;script&gt;alert(101)&lt;/script&gt; and more." in script
    assert "<title>Meeting &lt;script&gt;alert(101)&lt;/script&gt;" in script
    assert 'data-speaker="' in script
    speakers = (hostile_site / "speakers" / "index.html").read_text(encoding="utf-8")
    assert "Ivan &#39;&lt;img/src/onerror=alert``&gt; Petrov" in speakers or \
           "Ivan '&lt;img/src/onerror=alert``&gt; Petrov" in speakers
    named = [p.name for p in (hostile_site / "meetings").iterdir() if p.name.startswith("2023-06-")]
    assert len(named) == sum(file_safe(p) for p in PAYLOADS)
    assert all(re.fullmatch(r"[a-z0-9-]+\.html", name) for name in named)
    term = (hostile_site / "glossary" / "hazard-a.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(101)&lt;/script&gt;" in term


def test_no_page_holds_live_script_from_content(hostile_site: Path):
    findings = [finding for page in pages_of(hostile_site) for finding in static_findings(page)]
    assert findings == []


def test_hostile_pages_are_valid_html(hostile_site: Path):
    """Escaped payloads leave every page valid for the Nu HTML checker."""
    from test_browser_pages import vnu_errors
    assert vnu_errors(pages_of(hostile_site)) == []


def test_data_feed_and_sitemap_stay_well_formed(hostile_site: Path):
    """JSON parses and gives the payload back exactly; the feed and sitemap are well-formed XML."""
    strings: list[str] = []
    for path in sorted((hostile_site / "data").rglob("*.json")):
        stack = [json.loads(path.read_text(encoding="utf-8"))]
        while stack:
            value = stack.pop()
            if isinstance(value, str):
                strings.append(value)
            elif isinstance(value, (list, dict)):
                stack.extend(value.values() if isinstance(value, dict) else value)
    joined = "\n".join(strings)
    assert [p for p in PAYLOADS if p.strip() not in joined] == []
    for name in ("feed.xml", "sitemap.xml"):
        ElementTree.parse(hostile_site / name)  # raises on a payload that broke the XML


def test_markup_is_made_only_by_escaping_renderers():
    """No `|safe` in templates; `Markup(...)` only in the renderers proven safe below."""
    for template in sorted((ROOT / "templates").rglob("*.html")):
        assert not re.search(r"\|\s*safe\b|autoescape\s+false", template.read_text(encoding="utf-8")), template
    makers = set()
    for module in sorted((ROOT / "generator").glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for call in ast.walk(function):
                    if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "Markup":
                        makers.add((module.name, function.name))
    assert makers <= {("inline.py", "render_text"), ("markdown.py", "render_markdown"),
                      ("markdown.py", "render_markdown_inline"), ("figure_rows.py", "meeting_rows"),
                      ("figure_rows.py", "said_rows"), ("figure_rows.py", "cited_links")}, makers


def renderers():
    from generator import markdown
    from generator.inline import render_text, text_marks
    return {
        "inline.render_text": lambda text: render_text(text, text_marks(text), "meetings/x.html"),
        "markdown.render_markdown": markdown.render_markdown,
        "markdown.render_markdown_inline": markdown.render_markdown_inline,
        "markdown.render_markdown on a page": lambda text: markdown.render_markdown(text, "glossary/index.html",
                                                                                 "glossary/x.html"),
        "figure_rows.meeting_rows": figure_rows_of_text,
        "figure_rows.said_rows": said_rows_of_text,
        "figure_rows.cited_links": cited_links_of_text,
    }


def figure_rows_of_text(text: str) -> str:
    """A figures table whose every text (said, sentence, qualifier, unit, speaker, meeting) is `text`."""
    from decimal import Decimal
    from generator.figure_rows import MeetingCell, Speaker, meeting_rows
    from generator.figures import Figure
    figure = Figure(said=text, value=Decimal(5), low=None, high=None, unit=text, kind="money", noun="",
                    qualifier=text, meeting="m", paragraph=1, start=0, end=len(text), speaker="p", restates=None)
    rows = meeting_rows(MeetingCell("m", text, "../meetings/m.html", text, "2024-01-01"), [figure],
                        [f"{text} and {text}"],
                        {"p": Speaker(text, "p", "../speakers/p.html")}, lambda target: target)
    return f"<table><tbody>{rows}</tbody></table>"


def cited_links_of_text(text: str) -> str:
    """A speaker page's links to figures whose words are `text` (the address is made from a slug)."""
    from decimal import Decimal
    from generator.figure_rows import cited_links
    from generator.figures import Figure
    figure = Figure(said=text, value=Decimal(5), low=None, high=None, unit="USD", kind="money", noun="",
                    qualifier="", meeting="m", paragraph=1, start=0, end=len(text), speaker="p", restates=None)
    return f"<p>{cited_links([figure, figure], '../meetings/m.html')}</p>"


def said_rows_of_text(text: str) -> str:
    """A meeting's own table of figures whose every text (said, qualifier, unit, speaker) is `text`."""
    from decimal import Decimal
    from generator.figure_rows import said_rows
    from generator.figures import Figure
    figure = Figure(said=text, value=Decimal(5), low=None, high=None, unit=text, kind="money", noun="",
                    qualifier=text, meeting="m", paragraph=1, start=0, end=len(text), speaker="p", restates=None)
    return f"<table><tbody>{said_rows([figure], [text])}</tbody></table>"


@pytest.mark.parametrize("name", sorted(renderers()))
def test_escaping_renderers_neutralise_every_payload(name, tmp_path):
    render = renderers()[name]
    for payload in PAYLOADS + LABEL_PAYLOADS:
        page = tmp_path / "page.html"
        page.write_text(f"<html><body>{render('Text ' + payload)}</body></html>", encoding="utf-8")
        assert static_findings(page) == [], payload


# ---------------------------------------------------------------- in the browser

HOOK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      if (attr.toLowerCase().startsWith('on')) bad.push(el.tagName + ' ' + attr);
    }
    for (const name of ['href', 'src', 'action', 'formaction', 'srcdoc', 'data']) {
      const value = el.getAttribute(name);
      if (value === null || name === 'srcdoc') { if (value !== null) bad.push(el.tagName + ' srcdoc'); continue; }
      let protocol;
      try { protocol = new URL(value, document.baseURI).protocol; } catch (e) { continue; }
      if (!['file:', 'http:', 'https:', 'mailto:'].includes(protocol)) bad.push(el.tagName + ' ' + name + '=' + value);
    }
  }
  for (const s of document.scripts) {
    if (!s.src) bad.push('inline script: ' + s.textContent.slice(0, 60));
    else if (!/\\/static\\/[a-z]+\\.js$|\\/search\\/[a-z0-9_/-]+\\.js$/.test(s.src)) bad.push('script ' + s.src);
  }
  for (const el of document.querySelectorAll('iframe, object, embed, frame, img, style, base')) bad.push(el.tagName);
  return bad;
}"""


class Visitor:
    """One browser tab that loads pages in turn, recording dialogs and requests off file://."""

    def __init__(self, browser):
        self.page = browser.new_page()
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.on("request", lambda request: self.requests.append(request.url)
                     if not request.url.startswith("file:") else None)

    def visit(self, url: str) -> dict:
        """Load one page; its dialogs, live-script findings and off-file requests."""
        self.dialogs.clear()
        self.requests.clear()
        self.page.goto(url, wait_until="load")
        findings = self.page.evaluate(HOOK)
        return {"dialogs": list(self.dialogs), "findings": findings, "requests": list(self.requests)}


def test_every_hostile_page_in_chromium(hostile_site: Path, browser):
    pages = pages_of(hostile_site)
    assert len(pages) > 100
    visitor = Visitor(browser)
    problems = {}
    for path in pages:
        seen = visitor.visit(path.as_uri())
        if seen["dialogs"] or seen["findings"] or seen["requests"]:
            problems[str(path.relative_to(hostile_site))] = seen
    visitor.page.close()
    assert problems == {}


@pytest.mark.parametrize("query", ["alert", "script", "onerror", "javascript", "7*7", "Markdown"])
def test_search_results_never_run_content(hostile_site: Path, browser, query: str):
    """The search page shows hostile hits as text: found, and harmless."""
    visitor = Visitor(browser)
    visitor.visit((hostile_site / "search.html").as_uri() + "?q=" + query)
    visitor.page.wait_for_function("document.querySelectorAll('#search-results li').length > 0", timeout=10_000)
    results = visitor.page.inner_text("#search-results")
    findings = visitor.page.evaluate(HOOK)
    visitor.page.close()
    assert visitor.dialogs == [] and visitor.requests == [] and findings == []
    assert query.split("*")[0].lower() in results.lower()


def test_citations_notes_and_tooltips_run_nothing(hostile_site: Path, browser):
    """Opening every citation box, toggling notes and hovering every term keeps payloads inert."""
    visitor = Visitor(browser)
    meetings = sorted((hostile_site / "meetings").glob("meeting-*.html"))[:12]
    meetings.append(hostile_site / "meetings" / "2023-03-01-markdown.html")
    opened = 0
    for path in meetings:
        visitor.visit(path.as_uri())
        for link in visitor.page.query_selector_all("a.permalink"):
            link.click()
            opened += 1
        visitor.page.evaluate("""() => {
            document.querySelectorAll('main button[type=button]').forEach(b => b.click());
            document.querySelectorAll('a.term, data.figure, mark, [title]').forEach(e => {
                e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
                if (e.focus) e.focus();
            });
        }""")
        citation = visitor.page.evaluate("() => (document.querySelector('.cite-box textarea') || {}).value || ''")
        assert "Meeting " in citation or "Markdown meeting" in citation
        assert visitor.dialogs == [] and visitor.requests == [], path.name
        assert visitor.page.evaluate(HOOK) == [], path.name
    visitor.page.close()
    assert opened > 50
