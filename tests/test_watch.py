"""serve's watcher (generator/watch.py): told by inotify when a watched file changes, it looks
then, and not every 0.8 s as livereload's polling does."""
from __future__ import annotations

import asyncio
import ctypes
import os
import shutil
import sys

import pytest

from generator.folder_changes import FolderChanges
from generator.watch import InotifyWatcher

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")

WAIT = 10.0
"""Seconds an event may take to arrive before the test fails."""


def test_a_save_is_seen_at_once_and_nothing_is_looked_at_while_nothing_changes(tmp_path):
    content = tmp_path / "content"
    (content / "transcripts").mkdir(parents=True)
    (content / "transcripts" / "old.txt").write_text("Before the server.\n")
    watcher = InotifyWatcher()
    rebuilds, looks = [], []
    watcher.watch(str(content), lambda: rebuilds.append(1))

    async def until(condition) -> None:
        for _ in range(int(WAIT / 0.02)):
            if condition():
                return
            await asyncio.sleep(0.02)
        pytest.fail(f"no event within {WAIT} s: {len(looks)} looks, {len(rebuilds)} rebuilds")

    async def serving() -> None:
        assert watcher.start(lambda: looks.append(watcher.examine()))
        assert len(looks) == 1 and rebuilds == []  # the first look, at once
        await asyncio.sleep(1.0)  # livereload's polling would have looked once more by now
        assert len(looks) == 1
        (content / "transcripts" / "new.txt").write_text("Saved while serving.\n")
        await until(lambda: rebuilds)
        assert len(rebuilds) == 1 and looks[-1][0].endswith("new.txt")
        (content / "annotations").mkdir()  # a folder made while serving is watched too
        await until(lambda: len(looks) > 2)
        (content / "annotations" / "notes.yaml").write_text("notes: []\n")
        await until(lambda: len(rebuilds) == 2)
        assert looks[-1][0].endswith("notes.yaml")

    try:
        asyncio.run(serving())
    finally:
        if watcher.inotify is not None:
            watcher.inotify.close()


def test_a_look_after_an_event_reads_the_named_files_alone_and_misses_no_change(tmp_path):
    """After an event the watcher looks at the paths inotify named, not at every file (40 ms at
    5,000 transcripts); it still sees a file moved in with an old time stamp (mv, cp -p, tar),
    which livereload took for no change, a file removed, and a save made by renaming a copy."""
    folder = tmp_path / "content" / "transcripts"
    folder.mkdir(parents=True)
    for number in range(50):
        (folder / f"m{number:02}.txt").write_text(f"Meeting {number}.\n")
    watcher = InotifyWatcher()
    rebuilds, looked = [], []
    watcher.watch(str(tmp_path / "content"), lambda: rebuilds.append(watcher.filepath))
    is_file_changed = watcher.is_file_changed
    watcher.is_file_changed = lambda path, ignore=None: looked.append(path) or is_file_changed(path, ignore)

    async def until(count: int) -> None:
        for _ in range(int(WAIT / 0.02)):
            if len(rebuilds) >= count:
                return
            await asyncio.sleep(0.02)
        pytest.fail(f"no rebuild within {WAIT} s: {rebuilds}")

    async def serving() -> None:
        assert watcher.start(watcher.examine)
        looked.clear()
        (folder / "m07.txt").write_text("Meeting 7, edited.\n")
        await until(1)
        assert rebuilds[-1].endswith("m07.txt") and set(looked) == {str(folder / "m07.txt")}
        moved = tmp_path / "m50.txt"
        moved.write_text("Moved in.\n")
        os.utime(moved, (1_000_000_000, 1_000_000_000))
        os.rename(moved, folder / "m50.txt")
        await until(2)
        assert rebuilds[-1].endswith("m50.txt")
        (folder / "m03.txt").unlink()
        await until(3)
        assert rebuilds[-1].endswith("m03.txt")
        (folder / ".m08.txt.swp").write_text("Meeting 8, saved as an editor saves.\n")
        os.rename(folder / ".m08.txt.swp", folder / "m08.txt")
        await until(4)
        assert rebuilds[-1].endswith("m08.txt")

    try:
        asyncio.run(serving())
    finally:
        if watcher.inotify is not None:
            watcher.inotify.close()
    assert str(folder / "m03.txt") not in watcher._tasks[str(tmp_path / "content")]["mtimes"]


def test_without_inotify_the_watcher_says_so_and_livereload_polls(tmp_path, monkeypatch):
    """Where the C library has no inotify (another system), start() watches nothing and returns
    False, which makes livereload look every 0.8 s instead."""
    class NoInotify:
        def __getattr__(self, name):
            raise AttributeError(name)

    monkeypatch.setattr(ctypes, "CDLL", lambda *args, **kwargs: NoInotify())
    watcher = InotifyWatcher()
    watcher.watch(str(tmp_path), lambda: None)
    assert watcher.start(lambda: pytest.fail("no look without inotify")) is False and watcher.inotify is None


def test_site_changes_names_what_changed_in_the_site_since_a_rebuild_saw_it(tmp_path):
    """A server's rebuild looks again only at the site files some event named since the last
    rebuild saw the site (FolderChanges); every file when that cannot be known."""
    site = tmp_path / "site"
    changes = FolderChanges(site)
    assert changes.touched() is None  # no site yet
    (site / "meetings").mkdir(parents=True)
    for name in ("index.html", "meetings/a.html", "meetings/b.html", "meetings/c.html"):
        (site / name).write_text("built\n")
    assert changes.touched() is None  # the watch begins: this rebuild looks at every file
    changes.seen()
    assert changes.touched() == set()
    (site / "meetings" / "a.html").write_text("changed by hand\n")
    (site / "meetings" / "b.html").unlink()
    (tmp_path / "copy").write_text("saved by renaming\n")
    os.replace(tmp_path / "copy", site / "index.html")
    with open(site / "meetings" / "c.html", "a") as still_open:
        still_open.write("appended, not yet closed\n")
        still_open.flush()
        assert changes.touched() == {"meetings/a.html", "meetings/b.html", "index.html", "meetings/c.html"}
    assert "meetings/a.html" in changes.touched(), "a rebuild that failed (no seen) answered nothing"
    changes.seen()
    assert changes.touched() == set()
    (site / "figures").mkdir()  # files in a new folder, moved in before a watch could be on it
    assert changes.touched() is None
    changes.seen()
    assert changes.touched() == set()
    shutil.rmtree(site)
    site.mkdir()  # the site swapped for a new one
    assert changes.touched() is None
    changes.close()


def test_site_changes_without_inotify_has_every_file_looked_at(tmp_path, monkeypatch):
    monkeypatch.setattr(ctypes, "CDLL", lambda *args, **kwargs: (_ for _ in ()).throw(AttributeError("no")))
    changes = FolderChanges(tmp_path)
    assert changes.touched() is None
    changes.seen()
    assert changes.touched() is None


def test_site_changes_keeps_what_is_suspected_during_a_rebuild_and_distrusts_symlinked_folders(tmp_path):
    """A file found changed (suspect) while a rebuild runs is still named after it; a folder of
    the site that is a symlink leads out of every watch: no file is trusted while there is one."""
    site = tmp_path / "site"
    (site / "search").mkdir(parents=True)
    (site / "search" / "a.js").write_text("built\n")
    changes = FolderChanges(site)
    assert changes.touched() is None
    changes.seen()
    assert changes.touched() == set()
    changes.suspect({"search/a.js"})  # by serve.check_site's thread, after touched() answered
    changes.seen()
    assert changes.touched() == {"search/a.js"}
    changes.seen()
    assert changes.touched() == set()
    (tmp_path / "elsewhere").mkdir()
    shutil.rmtree(site / "search")
    (site / "search").symlink_to(tmp_path / "elsewhere")
    assert changes.touched() is None
    changes.seen()
    assert changes.touched() is None, "nothing is trusted while a folder of the site is a symlink"
    changes.close()


def test_folder_changes_quiet_reads_the_events_waiting_and_a_folder_made_has_every_file_looked_at(tmp_path):
    """quiet() (asked by the server's idle look at the content) reads the events waiting: a file
    named is not quiet, and a folder made, whose files no watch covers, has the next rebuild
    look at every file, with the new folder watched from then on."""
    changes = FolderChanges(tmp_path)
    (tmp_path / "a.txt").write_text("read\n")
    assert changes.touched() is None
    changes.seen()
    assert changes.quiet()
    (tmp_path / "a.txt").write_text("saved\n")
    assert not changes.quiet() and changes.touched() == {"a.txt"}
    changes.seen()
    (tmp_path / "drafts").mkdir()
    assert not changes.quiet()
    assert changes.touched() is None, "the folder's event was read by quiet(): still every file"
    changes.seen()
    (tmp_path / "drafts" / "b.txt").write_text("new\n")
    assert changes.touched() == {"drafts/b.txt"}
    changes.close()
