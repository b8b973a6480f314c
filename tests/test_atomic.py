"""A build is all or nothing: killed, out of disk space, or racing another build.

The previous site must stay byte-identical (or, for a build killed after its
swap, be the complete new one: never a mix, never missing), and the next
good build must leave no temporary folders behind.
"""
from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import CONTENT, ROOT, SEED
from test_bad_inputs import TEMP_PREFIXES, tree_digest

from generator import write

KILLS = 20
SEED_RANDOM = 20240517


def write_content(root: Path, copies: int = 1) -> Path:
    """The example archive with each transcript `copies` times: big enough to use worker processes."""
    content = root / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("transcripts"))
    (content / "transcripts").mkdir()
    for copy in range(copies):
        for path in sorted((CONTENT / "transcripts").iterdir()):
            name = path.name if copy == 0 else f"copy{copy}-{path.name}"
            shutil.copy(path, content / "transcripts" / name)
    return content


def set_title(content: Path, title: str) -> None:
    """A new site title changes every page, so a build that got as far as its swap shows."""
    config = content / "site.yaml"
    lines = [line for line in config.read_text(encoding="utf-8").splitlines() if not line.startswith("title:")]
    config.write_text(f"title: {title}\n" + "\n".join(lines) + "\n", encoding="utf-8")


def command(content: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out", str(out),
            "--quiet", "--jobs", "2", *extra]


def build(content: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    result = subprocess.run(command(content, out, *extra), capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(TEMP_PREFIXES))


def wait_for_group(pgid: int, seconds: float = 20.0) -> bool:
    """True once no process of the group is left (worker processes exit when their parent dies)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    os.killpg(pgid, signal.SIGKILL)
    return False


def wait_for_pages(parent: Path, process: subprocess.Popen, seconds: float = 120.0) -> float:
    """Wait until the build has written pages into its new folder; 0 then (the kill follows at once)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if any(p.name.startswith(TEMP_PREFIXES[0]) and any(p.glob("meetings/*.html")) for p in parent.iterdir()):
            return 0.0
        time.sleep(0.005)
    return 0.0


def test_sigkill_at_random_moments_never_breaks_the_site(tmp_path):
    """20 builds killed with SIGKILL at random moments; each leaves the old site or the whole new one."""
    content = write_content(tmp_path)
    out = tmp_path / "site"
    digests = {}
    for title in ("Archive A", "Archive B"):  # the two complete sites a build can leave
        set_title(content, title)
        started = time.monotonic()
        assert build(content, out).returncode == 0
        duration = time.monotonic() - started
        digests[title] = tree_digest(out)
    assert digests["Archive A"] != digests["Archive B"]
    current = "Archive B"
    rng = random.Random(SEED_RANDOM)
    outcomes = {"old": 0, "new": 0, "mid-write": 0}
    for kill in range(KILLS):
        target = "Archive A" if current == "Archive B" else "Archive B"
        set_title(content, target)
        delay = rng.uniform(0.1, 1.1) * duration
        log = tmp_path / "stderr.txt"
        with log.open("wb") as stderr:  # a file, not a pipe: a pipe would wait for every worker to close it
            process = subprocess.Popen(command(content, out), stdout=subprocess.DEVNULL, stderr=stderr,
                                       start_new_session=True)
            if kill % 2:  # every other kill waits for the new site to be half written, whatever the load
                delay = wait_for_pages(tmp_path, process) + rng.uniform(0, 0.05)
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)  # the build process only, as `kill -9 <pid>` would
            process.wait()
        assert wait_for_group(process.pid), f"kill {kill}: worker processes outlived their build"
        assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace")
        if any(p.name.startswith(TEMP_PREFIXES[0]) and any(p.rglob("*.html")) for p in tmp_path.iterdir()):
            outcomes["mid-write"] += 1  # killed while the new site was half written
        found = tree_digest(out)
        assert found in (digests[current], digests[target]), f"kill {kill} after {delay:.2f} s left a broken site"
        if found == digests[target]:
            outcomes["new"] += 1
            current = target
        else:
            outcomes["old"] += 1
    set_title(content, "Archive A")
    assert build(content, out).returncode == 0
    assert tree_digest(out) == digests["Archive A"]
    assert leftovers(tmp_path) == []
    assert outcomes["mid-write"] >= 3, outcomes  # some kills really cut a site in half
    print(f"\n{KILLS} kills survived: {outcomes}")


@pytest.fixture(scope="module")
def built_twice(tmp_path_factory):
    """110 meetings built as "Archive A", with the cache that a build as "Archive B" then reuses:
    that build's pages, all changed, take seconds to write, time enough for a signal to land."""
    root = tmp_path_factory.mktemp("stopped")
    content = write_content(root, copies=10)
    out = root / "site"
    set_title(content, "Archive A")
    assert build(content, out).returncode == 0
    set_title(content, "Archive B")
    return content, out, tree_digest(out)


def as_in_a_terminal() -> None:
    """Ctrl-C's and a closed terminal's signals taken as a terminal's command takes them: a shell
    starts a command in the background ignoring SIGINT, and `nohup` ignoring SIGHUP (tests may run
    so), and a build started ignoring one rightly goes on."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


@pytest.mark.parametrize("stop, whole_group, status", [
    (signal.SIGTERM, False, 143),  # kill <pid>
    (signal.SIGTERM, True, 143),   # timeout, a service manager
    (signal.SIGHUP, True, 129),    # the terminal closed
    (signal.SIGINT, True, 130),    # Ctrl-C
], ids=["SIGTERM to the build", "SIGTERM to its group", "SIGHUP", "Ctrl-C"])
def test_a_build_stopped_by_a_signal_removes_its_half_written_site(built_twice, stop, whole_group, status):
    """Stopped while writing its new site, a build says so, ends its workers, removes the new folder
    and leaves the previous site as it was. SIGTERM and SIGHUP used to end it where it stood, the
    new folder left beside the site for the next build to remove."""
    content, out, before = built_twice
    log = out.parent / "stderr.txt"
    with log.open("wb") as stderr:
        process = subprocess.Popen(command(content, out), stdout=subprocess.DEVNULL, stderr=stderr,
                                   start_new_session=True, preexec_fn=as_in_a_terminal)
        wait_for_pages(out.parent, process)
        assert process.poll() is None, "the build ended before it could be stopped"
        if whole_group:
            os.killpg(process.pid, stop)
        else:
            process.send_signal(stop)
        process.wait(timeout=120)
    said = log.read_text(encoding="utf-8", errors="replace")
    assert process.returncode == status, said
    name = "interrupted" if stop == signal.SIGINT else f"stopped by {stop.name}"
    assert said == f"{name}; the previous site is unchanged\n"
    assert wait_for_group(process.pid), "worker processes outlived their build"
    assert leftovers(out.parent) == []
    assert tree_digest(out) == before


def test_concurrent_builds_of_one_folder_do_not_corrupt_each_other(tmp_path):
    """Two builds of the same content into the same folder at once: each succeeds or fails
    cleanly, and the site is the one a single build makes."""
    content = write_content(tmp_path)
    reference = tmp_path / "reference"
    out = tmp_path / "site"
    for round_ in range(3):
        title = f"Archive {round_}"
        set_title(content, title)
        assert build(content, reference).returncode == 0
        expected = tree_digest(reference)
        processes = [subprocess.Popen(command(content, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True) for _ in range(2)]
        results = [(p.wait(timeout=300), *p.communicate()) for p in processes]
        for code, _, stderr in results:
            assert "Traceback" not in stderr
            assert code in (0, 1), stderr
            assert code == 0 or all(":" in line for line in stderr.splitlines()), stderr
        assert any(code == 0 for code, _, _ in results), results
        assert tree_digest(out) == expected, f"round {round_}: the site differs from a single build"
    assert build(content, out).returncode == 0
    assert leftovers(tmp_path) == []


# ---------------------------------------------------------------- a full disk

def test_full_disk_in_process_fails_cleanly(tmp_path, monkeypatch, capsys):
    """Every write after the first 100 kB fails with ENOSPC: exit 1, `path:1: No space left on device`,
    the previous site byte-identical, no temporary folder left."""
    from generator import cli
    root = tmp_path / "work"
    (root / "content" / "transcripts").mkdir(parents=True)
    shutil.copy(SEED, root / "content" / "transcripts")
    monkeypatch.chdir(root)
    assert cli.main(["--content", "content", "--out", "site", "--quiet", "--jobs", "1", "--no-cache"]) == 0
    before = tree_digest(root / "site")
    for path in sorted((CONTENT / "transcripts").iterdir())[:3]:
        shutil.copy(path, root / "content" / "transcripts")
    written = {"bytes": 0}
    real_write = os.write

    def write(handle, data):
        written["bytes"] += len(data)
        if written["bytes"] > 100_000:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(handle, data)

    monkeypatch.setattr(os, "write", write)
    capsys.readouterr()
    assert cli.main(["--content", "content", "--out", "site", "--quiet", "--jobs", "1", "--no-cache"]) == 1
    err = capsys.readouterr().err
    assert written["bytes"] > 100_000, "the build did not write through os.write; the simulation missed"
    assert "Traceback" not in err
    assert err.strip().endswith(": No space left on device") and ":1: " in err, err
    assert tree_digest(root / "site") == before
    assert leftovers(root) == []


@pytest.fixture
def tiny_disk(tmp_path):
    """A 2 MB tmpfs (root only): the real thing, where the previous site fits and a bigger one does not."""
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({result.stderr.decode().strip()}); "
                    "test_full_disk_in_process_fails_cleanly covers the same path")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_full_disk_on_a_real_tmpfs_fails_cleanly(tmp_path, tiny_disk):
    content = tmp_path / "content"
    (content / "transcripts").mkdir(parents=True)
    shutil.copy(SEED, content / "transcripts")
    out = tiny_disk / "site"
    assert build(content, out).returncode == 0
    before = tree_digest(out)
    for path in sorted((CONTENT / "transcripts").iterdir()):
        shutil.copy(path, content / "transcripts")
    result = build(content, out)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines and all(":1: " in line or ":" in line for line in lines)
    assert "No space left on device" in result.stderr, result.stderr
    assert tree_digest(out) == before
    assert leftovers(tiny_disk) == []


# ---------------------------------------------------------------- leftovers and reused process ids

def test_leftover_is_cleared_even_when_its_process_id_was_reused(tmp_path):
    """A killed build's folder names its process id; once that id belongs to another process
    (pytest's parent here), the folder is still a leftover: no build holds it."""
    content = tmp_path / "content"
    (content / "transcripts").mkdir(parents=True)
    shutil.copy(SEED, content / "transcripts")
    stale = tmp_path / f".stenogram-new-site-{os.getppid()}-abc123"
    (stale / "meetings").mkdir(parents=True)
    (stale / "meetings" / "half.html").write_text("<p>half a site", encoding="utf-8")
    assert build(content, tmp_path / "site").returncode == 0
    assert leftovers(tmp_path) == []


def test_folder_of_a_running_build_is_left_alone(tmp_path):
    """A folder locked by a live process (a build still writing) is not taken away from it."""
    content = tmp_path / "content"
    (content / "transcripts").mkdir(parents=True)
    shutil.copy(SEED, content / "transcripts")
    busy = tmp_path / f".stenogram-new-site-{os.getpid() + 1}-busy"
    busy.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time\n"
                               f"h = os.open({str(busy)!r}, os.O_RDONLY)\n"
                               "fcntl.flock(h, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert build(content, tmp_path / "site").returncode == 0
        assert busy.is_dir()
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert build(content, tmp_path / "site").returncode == 0
    assert leftovers(tmp_path) == []


def site_folders(tmp_path: Path, files: dict[str, str]) -> tuple[Path, Path]:
    """An old site at tmp_path/site and a new one beside it, as a build leaves them before the swap."""
    out, new = tmp_path / "site", tmp_path / f"{write.TEMP_PREFIX}site-1-x"
    for folder, text in ((out, "old"), (new, "new")):
        folder.mkdir()
        for name, body in files.items():
            (folder / name).write_text(f"{text} {body}", encoding="utf-8")
    return out, new


@pytest.mark.skipif(write._renameat2 is None, reason="renameat2 is Linux (glibc 2.28+) only")
def test_the_swap_is_one_step_where_the_system_can(tmp_path, monkeypatch):
    """With RENAME_EXCHANGE there is no moment without a site: no rename happens at all."""
    out, new = site_folders(tmp_path, {"index.html": "home"})

    def no_rename(*args):
        raise AssertionError("renamed in two steps")

    monkeypatch.setattr(write.os, "rename", no_rename)
    write.swap_in(new, out)
    assert (out / "index.html").read_text(encoding="utf-8") == "new home"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_the_two_rename_swap_still_works_where_exchange_cannot(tmp_path, monkeypatch):
    out, new = site_folders(tmp_path, {"index.html": "home"})
    monkeypatch.setattr(write, "exchange", lambda a, b: False)
    write.swap_in(new, out)
    assert (out / "index.html").read_text(encoding="utf-8") == "new home"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_server_removes_the_replaced_site_in_a_thread(tmp_path, monkeypatch):
    """serve reports a rebuild once the new site is in place; the old one goes in the background."""
    import threading
    out, new = site_folders(tmp_path, {"index.html": "home"})
    removed_by = []
    rmtree = shutil.rmtree
    monkeypatch.setattr(write.shutil, "rmtree", lambda path, **kw: (
        removed_by.append(threading.current_thread().name), rmtree(path, **kw))[1])
    write.swap_in(new, out, remove_later=True)
    assert (out / "index.html").read_text(encoding="utf-8") == "new home"
    for thread in threading.enumerate():
        if thread.name == "remove-old-files":
            thread.join(timeout=30)
    assert removed_by == ["remove-old-files"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_build_leaves_the_folder_a_thread_is_removing_to_that_thread(tmp_path, monkeypatch):
    """The next rebuild of a server starts while the last one's old site is being removed:
    it must not remove it again (and wait for all of it), only a killed build's leftovers."""
    import threading
    out, new = site_folders(tmp_path, {"index.html": "home"})
    leftover = tmp_path / f"{write.TEMP_PREFIX}site-{os.getpid()}-killed"
    leftover.mkdir()
    started, go_on = threading.Event(), threading.Event()
    rmtree = shutil.rmtree
    removed = []

    def slow_rmtree(path, **kw):
        removed.append((threading.current_thread().name, Path(path).name))
        if threading.current_thread().name == "remove-old-files":
            started.set()
            go_on.wait(timeout=30)
        return rmtree(path, **kw)
    monkeypatch.setattr(write.shutil, "rmtree", slow_rmtree)
    write.swap_in(new, out, remove_later=True)
    assert started.wait(timeout=30)
    write.clear_leftovers(tmp_path, "site")
    assert removed == [("remove-old-files", new.name), (threading.current_thread().name, leftover.name)]
    go_on.set()
    for thread in threading.enumerate():
        if thread.name == "remove-old-files":
            thread.join(timeout=30)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"] and not write._removing


def test_a_servers_in_place_update_leaves_the_replaced_files_to_a_thread(tmp_path, monkeypatch):
    """A server's rebuild moves each changed file over the old one; the old files (and
    those no longer made) are deleted later, by a thread, not while the reader waits."""
    out = tmp_path / "site"
    (out / "data").mkdir(parents=True)
    (out / "data" / "big.json").write_text("old data", encoding="utf-8")
    (out / "gone.html").write_text("gone", encoding="utf-8")
    (out / "index.html").write_text("same", encoding="utf-8")
    stamps = {path: write.Stamp("x", (out / path).stat().st_size, (out / path).stat().st_mtime_ns,
                                (out / path).stat().st_ino) for path in ("data/big.json", "gone.html", "index.html")}
    writer = write.SiteWriter(out, tmp_path / "content", stamps, in_place=True)
    later = []
    monkeypatch.setattr(write, "remove_in_thread", later.append)
    files = {"data/big.json": writer.put("data/big.json", b"new data")[0], "index.html": writer.keep("index.html")}
    writer.finish(files, remove_later=True)
    assert (out / "data" / "big.json").read_bytes() == b"new data" and not (out / "gone.html").exists()
    assert (out / "index.html").stat().st_ino == stamps["index.html"].inode
    assert later == [writer.new]
    left = sorted(p.read_bytes() for p in (writer.new / write.REPLACED).iterdir())
    assert left == [b"gone", b"old data"]
    shutil.rmtree(writer.new)


def test_a_file_of_chunks_makes_each_chunk_as_it_is_written(tmp_path):
    """data/figures.json is written from chunks that are made one at a time (170 MB at 5,000
    meetings is never all in memory): a chunk's function runs once the chunks before it are
    on disk."""
    out = tmp_path / "site"
    out.mkdir()
    writer = write.SiteWriter(out, tmp_path / "content", {})
    seen = []

    def chunk(text: bytes):
        def make() -> bytes:
            seen.append(os.path.getsize(writer.new / "data" / "figures.json"))
            return text
        return make

    writer.put("data/figures.json", [b"[", chunk(b"1,"), chunk(b"22"), b"]"])
    assert seen == [1, 3]
    assert (writer.new / "data" / "figures.json").read_bytes() == b"[1,22]"
    writer.abandon()


def test_reused_chunks_are_copied_from_the_last_file_in_runs(tmp_path, monkeypatch):
    """Reuse chunks that lie one after the other in the last build's file (the separators
    between them the same bytes) are one kernel copy each run; the file is byte for byte what
    the chunks say, also when the kernel refuses to copy or the old file is too short; and
    chunks that are that file again keep it."""
    out = tmp_path / "site"
    out.mkdir()
    old = b'{"figures":[AAAA,BBBBBB,CC,DDD]}'
    (out / "index.html").write_text("a site", encoding="utf-8")
    (out / "f.json").write_bytes(old)
    found = (out / "f.json").stat()
    stamps = {"f.json": write.Stamp("", found.st_size, found.st_mtime_ns, found.st_ino)}
    at = {part: old.index(part) for part in (b"AAAA", b"BBBBBB", b"CC", b"DDD")}
    reuse = {part: write.Reuse(at[part], len(part), lambda part=part: part.lower()) for part in at}
    chunks = [b'{"figures":[', reuse[b"AAAA"], b",", reuse[b"BBBBBB"], b",", lambda: b"new", b",",
              reuse[b"DDD"], b",", write.Reuse(len(old) + 5, 3, lambda: b"eee"), b"]}"]
    copies = []
    copy = os.copy_file_range
    monkeypatch.setattr(os, "copy_file_range", lambda src, dst, count, offset: (
        copies.append((offset, count)), copy(src, dst, count, offset))[1])
    writer = write.SiteWriter(out, tmp_path / "content", stamps)
    writer.put("f.json", chunks)
    expected = b'{"figures":[AAAA,BBBBBB,new,DDD,eee]}'
    assert (writer.new / "f.json").read_bytes() == expected
    assert copies == [(0, len(b"{\"figures\":[AAAA,BBBBBB,")), (at[b"DDD"], len(b"DDD"))]
    writer.abandon()

    def refused(*args):
        raise OSError(errno.EXDEV, "cross-device")
    monkeypatch.setattr(os, "copy_file_range", refused)
    writer = write.SiteWriter(out, tmp_path / "content", stamps)
    writer.put("f.json", chunks)
    assert (writer.new / "f.json").read_bytes() == expected
    writer.abandon()
    monkeypatch.delattr(os, "copy_file_range")  # not on macOS
    writer = write.SiteWriter(out, tmp_path / "content", stamps)
    writer.put("f.json", chunks)
    assert (writer.new / "f.json").read_bytes() == expected
    writer.abandon()

    # Chunks that make the last file again, byte for byte: it is kept, nothing is copied.
    copies.clear()
    monkeypatch.setattr(os, "copy_file_range", lambda src, dst, count, offset: (
        copies.append((offset, count)), copy(src, dst, count, offset))[1], raising=False)
    again = [b'{"figures":[', reuse[b"AAAA"], b",", reuse[b"BBBBBB"], b",", lambda: b"CC", b",",
             reuse[b"DDD"], b"]}"]
    for in_place in (False, True):
        writer = write.SiteWriter(out, tmp_path / "content", stamps, in_place=in_place)
        assert writer.put("f.json", again) == (stamps["f.json"], False) and copies == []
        assert in_place or (writer.new / "f.json").stat().st_ino == found.st_ino
        assert not in_place or not (writer.new / "f.json").exists()
        writer.abandon()
    assert (out / "f.json").read_bytes() == old


def test_keep_all_links_every_file_or_none(tmp_path):
    """SiteWriter.keep_all keeps a meeting's files together: when one is not as the last build
    left it, or cannot be linked, none is linked into the new site."""
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_bytes(b"a site")
    stamps = {}
    for name in ("a.html", "b.json", "c.js"):
        (out / name).write_bytes(name.encode())
        found = (out / name).stat()
        stamps[name] = write.Stamp("", found.st_size, found.st_mtime_ns, found.st_ino)
    writer = write.SiteWriter(out, tmp_path / "content", stamps)
    assert writer.keep_all(["a.html", "b.json"]) == [stamps["a.html"], stamps["b.json"]]
    assert sorted(p.name for p in writer.new.iterdir()) == ["a.html", "b.json"]
    assert (writer.new / "a.html").stat().st_ino == stamps["a.html"].inode
    writer.abandon()

    (out / "c.js").write_bytes(b"changed by hand")
    writer = write.SiteWriter(out, tmp_path / "content", stamps)
    assert writer.keep_all(["a.html", "c.js"]) is None
    assert list(writer.new.iterdir()) == []
    writer.put("b.json", b"made anew")  # a link cannot be made over it: the one made before goes again
    assert writer.keep_all(["a.html", "b.json"]) is None
    assert [p.name for p in writer.new.iterdir()] == ["b.json"] and (writer.new / "b.json").read_bytes() == b"made anew"
    writer.abandon()
    assert (out / "a.html").read_bytes() == b"a.html" and (out / "b.json").read_bytes() == b"b.json"


def test_a_file_put_later_is_written_by_a_thread_while_this_one_goes_on(tmp_path):
    """put_later writes a file of chunks as put would, by a thread: this one returns at once,
    and settle() gives put's (stamp, changed) once the thread is done. Kept or written anew,
    it is what put gives."""
    out = tmp_path / "site"
    out.mkdir()
    writer = write.SiteWriter(out, tmp_path / "content", {})
    started, go_on = threading.Event(), threading.Event()

    def slow() -> bytes:
        started.set()
        assert go_on.wait(10)
        return b"22"

    writer.put_later("data/figures.json", [b"[1,", slow, b"]"])
    assert started.wait(10)  # the thread is making the file: put_later did not wait for it
    writer.put("index.html", b"a page")
    go_on.set()
    answers = writer.settle()
    stamp, changed = answers["data/figures.json"]
    assert changed and (writer.new / "data" / "figures.json").read_bytes() == b"[1,22]"
    assert stamp.describes((writer.new / "data" / "figures.json").stat())
    assert writer.settle() == {}
    writer.finish({"index.html": None, "data/figures.json": stamp})

    again = write.SiteWriter(out, tmp_path / "content", {"data/figures.json": stamp})
    again.put_later("data/figures.json", [b"[1,", write.Reuse(3, 2, lambda: b"22"), b"]"])  # as it was: kept
    assert again.settle() == {"data/figures.json": (stamp, False)}
    again.abandon()


def test_an_error_in_a_file_put_later_is_raised_by_settle_and_abandon_waits_for_the_thread(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    writer = write.SiteWriter(out, tmp_path / "content", {})

    def broken() -> bytes:
        raise OSError(errno.ENOSPC, "No space left on device")

    writer.put_later("data/figures.json", [b"[", broken, b"]"])
    with pytest.raises(OSError, match="No space left"):
        writer.settle()
    writer.abandon()
    assert not writer.new.exists()

    writer = write.SiteWriter(out, tmp_path / "content", {})
    finished = []

    def slow() -> bytes:
        time.sleep(0.2)
        finished.append(True)
        return b"1"

    writer.put_later("data/figures.json", [b"[", slow, b"]"])
    writer.abandon()  # a build that failed meanwhile: the thread is done before the folder goes
    assert finished == [True] and not writer.new.exists()
