"""Every page of the example site in a real browser, and every page through a strict HTML5 validator.

- each page kind opened in headless Chromium from file:// at phone and
  desktop widths: 0 console errors, 0 requests that are not file:, 0 serious
  or critical axe-core violations, a full-page screenshot saved in
  tests/artifacts/;
- every page opened once at desktop width: 0 console errors, 0 requests off file://;
- the Nu HTML checker (vnu.jar) over every page: 0 errors.

axe-core and vnu-jar come from the npm registry into tests/.node/ (git-ignored;
.ci/run installs them, and this module does when npm is there). Without
chromium, node/npm or java the tests skip, except in CI
(STENOGRAM_REQUIRE_BROWSER=1), where a missing tool fails them.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import ROOT

NODE = ROOT / "tests" / ".node"
AXE = NODE / "node_modules" / "axe-core" / "axe.min.js"
VNU = NODE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTIFACTS = ROOT / "tests" / "artifacts"
WIDTHS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}
KINDS = {
    "index": "index.html",
    "meeting": "meetings/2023-02-17-70530.html",
    "speakers": "speakers/index.html",
    "speaker": "speakers/vladimir-putin.html",
    "figures": "figures/index.html",
    "glossary": "glossary/index.html",
    "term": "glossary/union-state.html",
    "topic": "topics/union-state.html",
    "search": "search.html?q=union+state",
    "annotations": "annotations/index.html",
}
"""One page of each kind; the meeting is the seed, which has notes, terms and figures."""


def missing_tool(reason: str) -> None:
    """Skip locally, fail in CI: the browser checks must never silently not run there."""
    if os.environ.get("STENOGRAM_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (required: STENOGRAM_REQUIRE_BROWSER is set)")
    pytest.skip(reason)


def npm_package(path: Path) -> Path:
    """A file of axe-core or vnu-jar, installed into tests/.node/ on first use."""
    if not path.exists():
        npm = shutil.which("npm")
        if npm is None:
            missing_tool(f"{path.name} is not installed and npm is missing (apt-get install -y npm)")
        subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts",
                        "--prefix", str(NODE), "axe-core", "vnu-jar"], capture_output=True, timeout=600)
        if not path.exists():
            missing_tool(f"could not install {path.name} with npm into {NODE}")
    return path


def page_kind(path: str) -> str:
    """The kind of a site page: its folder, and whether it is the folder's index."""
    folder, _, name = path.rpartition("/")
    return f"{folder or 'top'}/{'index' if name == 'index.html' else 'page'}"


@pytest.fixture(scope="module")
def axe_script() -> Path:
    return npm_package(AXE)


def open_page(browser, url: str, viewport: dict):
    """A fresh page that records console errors, uncaught exceptions and requests off file://."""
    page = browser.new_page(viewport=viewport)
    seen = {"console": [], "requests": []}
    page.on("console", lambda message: seen["console"].append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: seen["console"].append(str(error)))
    page.on("request", lambda request: seen["requests"].append(request.url)
            if not request.url.startswith("file:") else None)
    page.goto(url, wait_until="load")
    return page, seen


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_page_kind_in_chromium(example_site: Path, browser, axe_script: Path, kind: str, width: str):
    url = (example_site / KINDS[kind].split("?")[0]).as_uri() + ("?" + KINDS[kind].split("?")[1]
                                                                 if "?" in KINDS[kind] else "")
    page, seen = open_page(browser, url, WIDTHS[width])
    if kind == "search":
        page.wait_for_function("document.querySelectorAll('#search-results li').length > 0", timeout=10_000)
    console = list(seen["console"])  # the page's own errors, before axe is injected
    page.add_script_tag(path=str(axe_script))
    # preload: false keeps axe from fetching the stylesheets itself, which file:// forbids.
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {preload: false});
        return {passes: r.passes.length,
                violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))};
    }""")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{kind}-{width}.png"), full_page=True)
    page.close()
    (ARTIFACTS / f"{kind}-{width}-axe.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    assert console == []
    assert seen["requests"] == []
    assert result["passes"] > 10  # axe really ran its rules
    assert [v for v in result["violations"] if v["impact"] in ("serious", "critical")] == []


def test_every_page_loads_cleanly(example_site: Path, browser):
    """Every page once, at desktop width: no console error, no request off file://."""
    pages = sorted(example_site.rglob("*.html"))
    assert len(pages) > 150
    page = browser.new_page(viewport=WIDTHS["desktop"])
    seen: dict[str, list[str]] = defaultdict(list)
    current = {"path": ""}
    page.on("console", lambda m: seen[current["path"]].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: seen[current["path"]].append(str(error)))
    page.on("request", lambda r: seen[current["path"]].append(r.url) if not r.url.startswith("file:") else None)
    kinds = set()
    for path in pages:
        current["path"] = path.relative_to(example_site).as_posix()
        kinds.add(page_kind(current["path"]))
        page.goto(path.as_uri(), wait_until="load")
    page.close()
    assert dict(seen) == {}
    assert {page_kind(path.split("?")[0]) for path in KINDS.values()} == kinds  # KINDS covers every kind


def vnu_errors(pages: list[Path]) -> list[str]:
    """The Nu HTML checker's errors over these pages, as `path:line: message`."""
    java = shutil.which("java")
    if java is None:
        missing_tool("java is not installed (apt-get install -y default-jre-headless)")
    vnu = npm_package(VNU)
    result = subprocess.run([java, "-jar", str(vnu), "--errors-only", "--format", "json", *map(str, pages)],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [f"{m.get('url', '').rsplit('/site/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
            for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]


def test_nu_html_checker_finds_no_errors(example_site: Path):
    pages = sorted(example_site.rglob("*.html"))
    assert len(pages) > 150
    assert vnu_errors(pages) == []


def test_printed_pages_show_no_navigation_or_controls(example_site: Path, browser):
    """DESIGN: pages print cleanly, with no navigation. Printed, no page of any kind shows a nav
    (the speakers index's letters did), a form or a control (the search page's did), or the
    figures table's bare ¶ links; the table's sort buttons stay, as its column headings."""
    page = browser.new_page(viewport={"width": 800, "height": 1000})
    shown = {}
    for kind, path in sorted(KINDS.items()):
        page.goto((example_site / path.split("?")[0]).as_uri() + ("?" + path.split("?")[1] if "?" in path else ""))
        page.emulate_media(media="print")
        shown[kind] = page.evaluate("""() => [...document.querySelectorAll(
              'nav, form, button, input, select, textarea, .site-header, table.figures .to-paragraph')]
            .filter(e => e.getClientRects().length && !e.matches('th > button.sort'))
            .map(e => e.tagName.toLowerCase() + '.' + e.className)""")
        page.emulate_media(media="screen")
    page.close()
    assert shown == {kind: [] for kind in KINDS}
