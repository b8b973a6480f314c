"""Hostile and broken content, one case per folder of tests/bad/, run as real builds.

Each case is `tests/bad/<name>/` with a `content/` folder, or a `make.py`
whose `make(root)` writes what cannot be committed (20 MB files, symlinks,
NUL bytes, UTF-16, file names that are not UTF-8), and an `expect.yaml`:

    about:  what the case shows
    exit:   exit status of `python build.py --content content --out site --quiet`
    stderr: regexes, each matching one line of stderr (`^content/…:3: …`)
    strict: true when the problem is a warning: the build passes without
            --strict (the warning printed) and fails with it
    args:   extra arguments (`[--out, content]`)
    pages:  for builds that pass, site path → strings the page must hold

Every build runs in a folder that already holds a good site; whatever
happens, nothing on the terminal is a traceback or a raw control character,
every stderr line reads `file:line: message`, and a failed build leaves the
previous site and the content byte-identical, with no temporary folders left.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SEED

BAD = ROOT / "tests" / "bad"
if str(BAD) not in sys.path:
    sys.path.insert(0, str(BAD))  # for the make.py of cases: `from _shared import …`
CASES = sorted(p.name for p in BAD.iterdir() if (p / "expect.yaml").is_file())
TIMEOUT = 60
"""Seconds a case may take; every size cap must answer well within it."""
PROBLEM_LINE = re.compile(r"^\S[^\n]*:\d+: \S")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
TEMP_PREFIXES = (".stenogram-new-", ".stenogram-old-")
"""Folders a build writes beside the site; the build cache (.stenogram-cache) may stay."""
KEYS = {"about", "exit", "stderr", "strict", "args", "pages"}


def tree_digest(root: Path) -> str:
    """One hash over every path, symlink target and file's bytes under root."""
    digest = hashlib.sha256()
    if not root.exists():
        return "absent"
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix().encode("utf-8", "surrogateescape")
        if path.is_symlink():
            digest.update(b"L" + rel + b"\0" + os.fsencode(os.readlink(path)) + b"\0")
        elif path.is_dir():
            digest.update(b"D" + rel + b"\0")
        elif not path.is_file():  # a named pipe: reading it would wait for a writer
            digest.update(b"P" + rel + b"\0")
        else:
            digest.update(b"F" + rel + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def run_build(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """`python build.py --content content --out site --quiet …` as a user would run it."""
    arguments = ["--content", "content", "--out", "site", "--quiet", *args]
    # A later --out wins in argparse, so a case may point the output elsewhere.
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *arguments], cwd=cwd,
                          capture_output=True, timeout=TIMEOUT)


@pytest.fixture(scope="session")
def good_site(tmp_path_factory) -> Path:
    """The seed meeting built once by the command line: the previous site of every case."""
    root = tmp_path_factory.mktemp("good")
    (root / "content" / "transcripts").mkdir(parents=True)
    shutil.copy(SEED, root / "content" / "transcripts")
    result = run_build(root)
    assert result.returncode == 0, result.stderr.decode()
    return root / "site"


def load_case(name: str, root: Path) -> dict:
    """Write the case's content into root and return its expectations."""
    folder = BAD / name
    expect = yaml.safe_load((folder / "expect.yaml").read_text(encoding="utf-8"))
    assert set(expect) <= KEYS, f"unknown keys in {name}/expect.yaml: {set(expect) - KEYS}"
    for item in sorted(folder.iterdir()):
        if item.name not in ("expect.yaml", "make.py"):
            shutil.copytree(item, root / item.name, symlinks=True) if item.is_dir() else shutil.copy(item, root)
    if (folder / "make.py").is_file():
        spec = importlib.util.spec_from_file_location(f"bad_make_{name.replace('-', '_')}", folder / "make.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.make(root)
    return expect


@dataclass
class Step:
    """One build of a case, and what it left on disk."""

    result: subprocess.CompletedProcess
    site: str
    content: str
    leftovers: list[str]
    unsafe: list[str]
    """Output files outside the site or with unsafe names (passing builds only)."""
    pages: dict[str, str]
    """The text of the pages the case names (passing builds only)."""


@dataclass
class Outcome:
    expect: dict
    before: dict[str, str]
    steps: list[Step]


def unsafe_outputs(site: Path) -> list[str]:
    """Files the build wrote outside the site, as symlinks, or under names that are not plain and safe."""
    real = site.resolve()
    return [path.relative_to(site).as_posix() for path in site.rglob("*")
            if not path.resolve().is_relative_to(real) or path.is_symlink() or not SAFE_NAME.match(path.name)]


def run_case(name: str, good_site: Path, root: Path) -> Outcome:
    """Copy the good site, write the case, build (with --strict first for warnings); record everything."""
    shutil.copytree(good_site, root / "site")
    expect = load_case(name, root)
    args = [str(a) for a in expect.get("args", [])]
    before = {"site": tree_digest(root / "site"), "content": tree_digest(root / "content")}
    steps = []
    for strict in ([True, False] if expect.get("strict") else [False]):
        result = run_build(root, *(["--strict"] if strict else []), *args)
        passed = result.returncode == 0
        pages = {page: (root / "site" / page).read_text(encoding="utf-8") if (root / "site" / page).is_file() else ""
                 for page in expect.get("pages", {})} if passed else {}
        steps.append(Step(result, tree_digest(root / "site"), tree_digest(root / "content"),
                          sorted(p.name for p in root.iterdir() if p.name.startswith(TEMP_PREFIXES)),
                          unsafe_outputs(root / "site") if passed else [], pages))
    return Outcome(expect, before, steps)


@pytest.fixture(scope="session")
def outcomes(request, good_site: Path, tmp_path_factory):
    """Every selected case, run on all cores at once (each case is a few short processes)."""
    selected = sorted({item.callspec.params["name"] for item in request.session.items
                       if getattr(item, "originalname", "") == "test_bad_input"})
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        yield {name: pool.submit(run_case, name, good_site, tmp_path_factory.mktemp(name) / "work")
               for name in selected}


def check_terminal(result: subprocess.CompletedProcess) -> list[str]:
    """stderr as lines, after checking it is problems only: no traceback, no raw control bytes."""
    out, err = result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out + err, err
    assert not CONTROL.search(out + err.replace("\n", "")), f"raw control character on the terminal: {err!r}"
    lines = [line for line in err.split("\n") if line]
    assert all(PROBLEM_LINE.match(line) for line in lines), f"not file:line: message: {lines}"
    return lines


def assert_messages(lines: list[str], patterns: list[str]) -> None:
    for pattern in patterns:
        assert any(re.search(pattern, line) for line in lines), \
            f"no stderr line matches {pattern!r}:\n" + "\n".join(lines)


def assert_nothing_changed(step: Step, before: dict[str, str]) -> None:
    """The previous site and the content byte-identical, and no temporary folders beside them."""
    assert step.site == before["site"], "the previous site changed"
    assert step.content == before["content"], "the content changed"
    assert step.leftovers == []


@pytest.mark.parametrize("name", CASES)
def test_bad_input(name: str, outcomes) -> None:
    outcome = outcomes[name].result()
    expect = outcome.expect
    if expect.get("strict"):
        strict, plain = outcome.steps
        lines = check_terminal(strict.result)
        assert strict.result.returncode == 1, lines
        assert_messages(lines, expect["stderr"])
        assert_nothing_changed(strict, outcome.before)
        lines = check_terminal(plain.result)  # without --strict the warning is printed and the site built
        assert plain.result.returncode == 0, lines
        assert_messages(lines, expect["stderr"])
        assert plain.unsafe == []
        return
    step, = outcome.steps
    lines = check_terminal(step.result)
    assert step.result.returncode == expect["exit"], lines
    assert_messages(lines, expect.get("stderr", []))
    if expect["exit"] != 0:
        assert lines, "a failed build must say why"
        assert_nothing_changed(step, outcome.before)
        return
    assert step.unsafe == []
    assert step.leftovers == []
    for page, needles in expect.get("pages", {}).items():
        for needle in needles:
            assert needle in step.pages[page], f"{page} lacks {needle!r}"


def test_there_are_enough_cases() -> None:
    """The issue asks for at least 40 cases; each folder is one."""
    assert len(CASES) >= 40
    assert all((BAD / name / "content").is_dir() or (BAD / name / "make.py").is_file() for name in CASES)


@pytest.mark.parametrize("name", [case for case in CASES if case.startswith("tpl-")])
def test_check_finds_what_a_build_would_in_the_templates(name: str, tmp_path: Path) -> None:
    """`build.py check` reported nothing for a broken template, then the build failed on it:
    it now renders the first page of each template and prints the build's file:line."""
    expect = load_case(name, tmp_path)
    result = run_build(tmp_path, "check")
    lines = check_terminal(result)
    assert result.returncode == 1, lines
    assert_messages(lines, expect["stderr"])
    assert not (tmp_path / "site").exists()
