"""Shared test setup: paths, the `--update-golden` switch, and builds made once per run.

Builds go into pytest's temporary folders, never into the repository's `site/`.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SEED = CONTENT / "transcripts" / "2023-02-17_70530.txt"
SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").is_dir() else Path("/work/shared")
"""The shared folder beside the project (CI lays a copy of it beside the clone)."""
CORPUS = SHARED / "corpus" / "kremlin"
GOLDEN = ROOT / "tests" / "golden"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.pipeline import Options, build  # noqa: E402


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/ from a fresh build of content/ instead of comparing")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


def build_site(content: Path, out: Path):
    """Build `content` into `out` as `python build.py` would; returns the Archive."""
    templates = content / "templates"
    archive, _ = build(Options(content=content, out=out,
                               templates=templates if templates.is_dir() else None))
    return archive


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """The example archive (content/) built once into a temporary folder."""
    out = tmp_path_factory.mktemp("example") / "site"
    build_site(CONTENT, out)
    return out


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory):
    """The 203 real transcripts (CORPUS) built once: (archive, site folder); skips without them."""
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is not available")
    out = tmp_path_factory.mktemp("corpus") / "site"
    return build_site(CORPUS, out), out


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def require_chromium() -> None:
    """Skip when Debian's chromium is absent, except in CI, where it must be there."""
    if not CHROMIUM.exists():
        import os
        if os.environ.get("STENOGRAM_REQUIRE_BROWSER"):
            pytest.fail("chromium is required in CI (STENOGRAM_REQUIRE_BROWSER is set) but /usr/bin/chromium is missing")
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module, driven by Playwright.

    Module scope: Playwright's sync API cannot run two instances at once in
    one thread, and other modules start their own.
    """
    require_chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
