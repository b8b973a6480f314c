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
CORPUS = Path("/work/shared/corpus/kremlin")
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
