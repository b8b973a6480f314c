"""`python build.py` as a user runs it: messages, exit status, and what it leaves on disk."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEED

BAD_DATE = """---
title: "Meeting with President of Belarus Alexander Lukashenko"
date: yesterday
---
Vladimir Putin: Why? No.
"""
UNCLOSED = """---
title: "Meeting with President of Belarus Alexander Lukashenko"
Vladimir Putin: Why? No.
"""


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder`, with file bytes (None for folders)."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def project(tmp_path) -> Path:
    """A working folder with content/ holding the seed transcript."""
    transcripts = tmp_path / "content" / "transcripts"
    transcripts.mkdir(parents=True)
    shutil.copy(SEED, transcripts / SEED.name)
    return tmp_path


def test_build_succeeds(project):
    result = run(project, "--content", "content", "--out", "site")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("built 1 meeting into site: ")  # one meeting: not "1 meetings"
    assert (project / "site" / "meetings" / "2023-02-17-70530.html").is_file()
    assert (project / "site" / "index.html").is_file()


def test_unreadable_file_is_file_line_message_without_traceback(project):
    (project / "content" / "transcripts" / "latin1.txt").write_bytes(
        "Vladimir Putin: Good afternoon.\nAlexander Lukashenko: Caf\xe9.\n".encode("latin-1"))
    result = run(project, "--content", "content", "--out", "site")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.splitlines() == [
        "content/transcripts/latin1.txt:2: not UTF-8 text (byte 0xE9); save the file as UTF-8"]
    assert not (project / "site").exists()


def test_a_file_that_cannot_be_read_fails_a_build_whose_other_files_are_as_last_built(project):
    """An unreadable file is reported with the other files' problems (read.ContentInput.unread):
    it must still fail a build when every file that could be read is as at the last build, which
    then stopped early ("nothing changed") without a word."""
    assert run(project, "--content", "content", "--out", "site").returncode == 0
    (project / "content" / "transcripts" / "latin1.txt").write_bytes("Vladimir Putin: Caf\xe9.\n".encode("latin-1"))
    result = run(project, "--content", "content", "--out", "site")
    assert result.returncode == 1, result.stdout
    assert result.stderr.splitlines() == [
        "content/transcripts/latin1.txt:1: not UTF-8 text (byte 0xE9); save the file as UTF-8"]
    (project / "content" / "transcripts" / "latin1.txt").unlink()
    result = run(project, "--content", "content", "--out", "site")
    assert result.returncode == 0 and "nothing changed" in result.stdout


def test_parse_errors_are_all_reported_together(project):
    (project / "content" / "transcripts" / "bad-date.txt").write_text(BAD_DATE, encoding="utf-8")
    (project / "content" / "transcripts" / "unclosed.txt").write_text(UNCLOSED, encoding="utf-8")
    result = run(project, "--content", "content", "--out", "site")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "content/transcripts/bad-date.txt:3: date must be an ISO date like 2023-02-17, not 'yesterday'",
        "content/transcripts/unclosed.txt:1: front matter is not closed with a '---' line",
    ]


def test_failed_build_leaves_previous_site_byte_identical(project):
    assert run(project, "--content", "content", "--out", "site").returncode == 0
    before = snapshot(project / "site")
    assert len(before) > 5
    (project / "content" / "transcripts" / "bad-date.txt").write_text(BAD_DATE, encoding="utf-8")
    result = run(project, "--content", "content", "--out", "site")
    assert result.returncode == 1
    assert snapshot(project / "site") == before
    left = sorted(p.name for p in project.iterdir() if p.name != ".stenogram-cache")  # the build cache may stay
    assert left == ["content", "site"], "no temporary folder is left behind"


@pytest.mark.parametrize("out", ["content", "content/site", "."])
def test_output_folder_overlapping_content_is_refused(project, out):
    """--out equal to, inside, or holding --content would overwrite the transcripts."""
    content_before = snapshot(project / "content")
    result = run(project, "--content", "content", "--out", out)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "output folder must not be the content folder, inside it, or contain it" in result.stderr
    assert snapshot(project / "content") == content_before


@pytest.mark.parametrize("out", ["notes.txt", "templates"])
def test_output_that_is_not_a_site_is_never_replaced(project, out):
    """A file, or a folder of other files, would be deleted by the swap: refused."""
    (project / "templates").mkdir()
    (project / "templates" / "base.html").write_text("mine", encoding="utf-8")
    (project / "notes.txt").write_text("mine", encoding="utf-8")
    before = snapshot(project)
    result = run(project, "--content", "content", "--out", out)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{out}:1: output ")
    assert snapshot(project) == before


def test_strict_makes_a_warning_fatal(project):
    transcripts = project / "content" / "transcripts"
    (transcripts / "2023-02-18-no-title.txt").write_text("Vladimir Putin: Why? No.\n", encoding="utf-8")
    warning = "content/transcripts/2023-02-18-no-title.txt:1: warning: no title in front matter; using the file name"
    relaxed = run(project, "--content", "content", "--out", "site")
    assert relaxed.returncode == 0
    assert warning in relaxed.stderr.splitlines()
    strict = run(project, "--content", "content", "--out", "strict-site", "--strict")
    assert strict.returncode == 1
    assert warning in strict.stderr.splitlines()
    assert "Traceback" not in strict.stderr
    assert not (project / "strict-site").exists()


def test_check_reports_without_writing(project):
    transcripts = project / "content" / "transcripts"
    (transcripts / "2023-02-18-no-title.txt").write_text("Vladimir Putin: Why? No.\n", encoding="utf-8")
    before = snapshot(project)
    result = run(project, "check", "--content", "content", "--out", "site")
    assert result.returncode == 0
    assert "content/transcripts/2023-02-18-no-title.txt:1: warning: no title in front matter; using the file name" \
        in result.stderr.splitlines()
    assert result.stdout == "checked 2 meetings: 5 warnings\n"
    assert snapshot(project) == before, "check writes nothing"
    assert run(project, "check", "--content", "content", "--strict").returncode == 1
    assert snapshot(project) == before


def test_check_reports_errors_with_their_lines(project):
    (project / "content" / "transcripts" / "bad-date.txt").write_text(BAD_DATE, encoding="utf-8")
    result = run(project, "check", "--content", "content")
    assert result.returncode == 1
    assert "content/transcripts/bad-date.txt:3: date must be an ISO date like 2023-02-17, not 'yesterday'" \
        in result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert not (project / "site").exists()


def test_missing_content_folder(tmp_path):
    result = run(tmp_path, "--content", "nowhere", "--out", "site")
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["nowhere:1: content folder not found"]


def test_a_reader_that_leaves_early_ends_the_build_quietly(project):
    """`build.py | head -0`: the site is built; the closed pipe gives the status a shell gives
    a command SIGPIPE ended (141), no traceback, and no message blaming the output folder."""
    reader_gone = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--content", "content", "--out", "site"],
                                   cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reader_gone.stdout.close()
    _, stderr = reader_gone.communicate(timeout=300)
    assert reader_gone.returncode == 141
    assert stderr == b""
    assert (project / "site" / "meetings" / "2023-02-17-70530.html").is_file()


def test_a_command_runs_with_the_builds_collector_and_switch_settings_and_restores_them(project, monkeypatch):
    """main() runs a command with the collector's build thresholds and a 1 ms switch interval
    (cli.BUILD_SWITCH_INTERVAL: the threads that feed the workers get their turn), and gives
    the caller back its own settings after, even when the command fails."""
    import gc
    from generator import cli
    seen = []
    monkeypatch.setattr(cli, "run_build", lambda args: seen.append((gc.get_threshold(), sys.getswitchinterval())) or 0)
    before = gc.get_threshold(), sys.getswitchinterval()
    assert cli.main(["build", "--content", str(project / "content"), "--out", str(project / "site")]) == 0
    assert seen == [(cli.BUILD_GC_THRESHOLDS, pytest.approx(0.001))]
    assert (gc.get_threshold(), sys.getswitchinterval()) == before != seen[0]

    def failing(args):
        raise OSError(2, "No such file or directory", str(project / "gone"))
    monkeypatch.setattr(cli, "run_build", failing)
    assert cli.main(["build", "--content", str(project / "content")]) == 1
    assert (gc.get_threshold(), sys.getswitchinterval()) == before


@pytest.mark.parametrize("working", [".", "content", "content/transcripts", ".."])
def test_a_files_path_is_shown_relative_to_the_working_folder_inside_it_and_whole_outside(working, monkeypatch):
    """display_path finds a file's place from its folder's (relpath costs 30 µs a file): each
    path shows as relpath places it, relative inside the working folder (or its parent, ".."),
    whole outside it, control characters escaped."""
    import os
    from generator import read
    monkeypatch.chdir(ROOT / working)
    here = os.getcwd()
    paths = ["a.txt", "./a.txt", "sub//a.txt", "sub/./a.txt", "sub/../other/a.txt", "../a.txt", "../x/../y/a.txt",
             here, here + "/", here + "/a.txt", os.path.dirname(here) + "/a.txt", "/a.txt", "/tmp/x/a.txt", ".", "..",
             "/", "sub/", "bad\x1bname/a.txt", os.path.join("..", os.path.basename(here)), "//tmp//a.txt"]
    for path in paths:
        relative = Path(os.path.relpath(path, here)).as_posix()
        expected = read.escape_name(Path(path).as_posix() if relative.startswith("../") else relative)
        assert read.display_path(path) == expected, path


def test_a_cache_folder_that_would_lose_files_is_refused(project):
    """A cache is emptied of another code version's entries: `--cache .` deleted the project's
    templates/, and `--cache content` the content's own templates. The content folder, a folder
    around it, and a non-empty folder that is no cache are refused, their files untouched."""
    (project / "content" / "templates").mkdir()
    (project / "content" / "templates" / "base.html").write_text("{% block main %}{% endblock %}")
    (project / "notes" / "templates").mkdir(parents=True)
    (project / "notes" / "templates" / "page.html").write_text("mine")
    before = snapshot(project)
    near = "the cache folder must not be the content folder, inside it or around it"
    for cache, message in ((".", near), ("content", near), ("content/cache", near),
                           ("notes", "not a Stenogram cache (it has no 'version' file) and not empty: "
                                     "give a new or empty folder")):
        done = run(project, "--cache", cache, "--quiet")
        assert (done.returncode, done.stderr) == (1, f"{cache}:1: {message}\n")
    assert snapshot(project) == before
    done = run(project, "--cache", "notes/cache", "--quiet")  # a new folder is made a cache
    assert done.returncode == 0 and (project / "notes" / "cache" / "version").is_file()
    assert run(project, "--cache", "notes/cache", "--quiet").returncode == 0  # and is one the next time


def test_more_jobs_than_meetings_or_than_a_system_allows_build_the_same_site(project):
    """--jobs 200 forked 199 workers for one meeting; a number past the system's limits was an
    OverflowError traceback. Jobs are capped at one a meeting (and parallel.MAX_JOBS)."""
    from generator.parallel import MAX_JOBS, job_count
    assert job_count(200, 11) == 11 and job_count(10 ** 20, 10 ** 6) == MAX_JOBS and job_count(3, 0) == 1
    assert run(project, "--quiet", "--no-cache").returncode == 0
    one = snapshot(project / "site")
    done = run(project, "--jobs", "99999999999999999999", "--quiet", "--no-cache", "--out", "many")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert snapshot(project / "many") == one


@pytest.mark.parametrize("url", ["https://example.org/#archive", "https://example.org/?page=1"])
def test_a_base_url_with_a_query_or_fragment_is_refused(project, url):
    """The feed and sitemap put their paths after base_url: 'https://ex.org/#frag/feed.xml'."""
    done = run(project, "--base-url", url, "--quiet")
    assert done.returncode == 1 and done.stderr.startswith("--base-url:1: base_url must be") and "(#)" in done.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_a_full_disk_behind_stdout_is_said_as_stdouts(project):
    """`check > /dev/full` said 'site:1: No space left on device', naming a folder check never writes."""
    for args in (["check"], []):
        with open("/dev/full", "w") as full:
            done = subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=project, stdout=full,
                                  stderr=subprocess.PIPE, text=True, timeout=300)
        assert (done.returncode, done.stderr.splitlines()[-1]) == (1, "<stdout>:1: No space left on device")
    assert (project / "site" / "index.html").is_file()  # the build itself was done
