"""Seeing a save at once: livereload's watcher, woken by the kernel instead of looking every 0.8 s.

Without pyinotify (unmaintained, and not a dependency), livereload reads the time
stamp of every watched file every 0.8 s: a save waited up to 0.8 s to be seen, and
an idle server spent 28-34 ms a look on 5,000 transcripts (4% of a core). On Linux,
InotifyWatcher asks the kernel (inotify, through the C library) to say when a file
in a watched folder is written, created, moved or removed, and only then looks
(livereload's own examine, which runs the rebuild), at the files the events name
rather than at every file. Where inotify is missing or refuses (another system,
too many folders for its limit), livereload polls as before.

livereload takes a file it has not seen before for a change only if it is newer
than the server; this watcher takes every file's time when it starts watching,
and any file new after that for a change, however old its time stamp.
"""
from __future__ import annotations

import ctypes
import errno
import os
import struct
from typing import Iterator

from livereload.watcher import Watcher
from tornado.ioloop import IOLoop

EVENTS = 0x8 | 0x4 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800
"""IN_CLOSE_WRITE, IN_ATTRIB, IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE, IN_DELETE_SELF,
IN_MOVE_SELF: not IN_MODIFY, which fires at each write of a file still being written."""
IN_ISDIR = 0x40000000
IN_CREATE_OR_MOVED_TO = 0x100 | 0x80
IN_Q_OVERFLOW = 0x4000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC
EVENT_HEAD = struct.Struct("iIII")
"""struct inotify_event: watch descriptor, mask, cookie, length of the name that follows."""


class Inotify:
    """The kernel's inotify, through the C library: watches on folders, and the events waiting.
    OSError when this system has none (not Linux) or refuses one."""

    def __init__(self) -> None:
        try:
            self._libc = ctypes.CDLL(None, use_errno=True)
            self.fd = self._libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        except AttributeError:  # not Linux
            raise OSError(errno.ENOSYS, "no inotify") from None
        if self.fd < 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code))

    def add(self, folder: bytes, mask: int) -> int | None:
        """A watch on `folder` for the events of `mask`: its descriptor, or None when the folder is gone.
        OSError when the kernel refuses it (over the limit of watches: ENOSPC)."""
        watch = self._libc.inotify_add_watch(self.fd, folder, mask)
        if watch >= 0:
            return watch
        code = ctypes.get_errno()
        if code == errno.ENOENT:
            return None
        raise OSError(code, os.strerror(code), os.fsdecode(folder))

    def pending(self) -> Iterator[tuple[int, int, bytes]]:
        """(watch descriptor, mask, name within the watched folder) of each event waiting."""
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return
            if not data:
                return
            at = 0
            while at + EVENT_HEAD.size <= len(data):
                watch, mask, _, length = EVENT_HEAD.unpack_from(data, at)
                yield watch, mask, data[at + EVENT_HEAD.size:at + EVENT_HEAD.size + length].rstrip(b"\0")
                at += EVENT_HEAD.size + length

    def close(self) -> None:
        os.close(self.fd)


class InotifyWatcher(Watcher):
    """livereload's Watcher, told by inotify when to look (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self.inotify: Inotify | None = None
        self._folders: dict[int, bytes] = {}
        """Watch descriptor → the folder it watches: an event names its file within that folder."""
        self._looked: set[int] = set()
        """The tasks (by their dict of time stamps) whose folders were looked through once already."""
        self._events: set[str] | None = None
        """The paths inotify named since the last look; None to look at every file."""

    def watch(self, path, func=None, delay=0, ignore=None) -> None:
        """Each file's time stamp taken at once, as the server has just built from them: livereload
        takes them at its first look, which its server's first reload may put off until a save."""
        super().watch(path, func, delay, ignore)
        self._task_mtimes = self._tasks[path]["mtimes"]
        self.is_changed(path, ignore)

    def is_changed(self, path, ignore=None):
        """When inotify named what changed, only those paths are looked at: every file of 5,000
        transcripts took 40 ms at each save. Else (the first look, polling, lost events) all."""
        if self._events is None or id(self._task_mtimes) not in self._looked:
            changed = super().is_changed(path, ignore)
            self._looked.add(id(self._task_mtimes))
            return changed
        self._new_mtimes = {}
        changed = False
        inside = path.rstrip(os.sep) + os.sep
        for named in self._events:
            if not named.startswith(inside):
                continue
            if os.path.isdir(named):      # a folder made or moved in: the files in it
                changed = self.is_folder_changed(named, ignore) or changed
            elif os.path.isfile(named):
                changed = self.is_file_changed(named, ignore) or changed
            else:                         # removed or moved away, with whatever was in it
                gone = [known for known in self._task_mtimes if known == named or known.startswith(named + os.sep)]
                for known in gone:
                    del self._task_mtimes[known]
                    self.filepath = known
                changed = changed or bool(gone)
        self._task_mtimes.update(self._new_mtimes)
        return changed

    def is_folder_changed(self, path, ignore=None) -> bool:
        """Every file looked at, not only those up to the first changed: a file never looked at
        would be taken for a new one at the next look (is_file_changed)."""
        changed = False
        for root, folders, files in os.walk(path, followlinks=True):
            folders[:] = [folder for folder in folders if folder not in self.ignored_dirs]
            for name in files:
                changed = self.is_file_changed(os.path.join(root, name), ignore) or changed
        return changed

    def is_file_changed(self, path, ignore=None) -> bool:
        """livereload takes a file it has not seen for a change only if it is newer than the server:
        right for its first look, wrong after it. A transcript moved in, or copied with its time
        (mv, cp -p, tar, rsync -a), came with an older stamp and was never built."""
        changed = super().is_file_changed(path, ignore)
        if not changed and id(self._task_mtimes) in self._looked and path not in self._task_mtimes \
                and path in self._new_mtimes:
            return True
        return changed

    def start(self, callback) -> bool:
        """Watch every folder of every task and call `callback` (livereload's poll_tasks) when
        one changes; False, watching nothing, when inotify cannot: livereload then polls."""
        try:
            self.inotify = Inotify()
            for path in self._tasks:
                self._watch_tree(os.fsencode(path))
        except OSError:  # no inotify, over the limit of watches (ENOSPC) or unreadable: poll instead
            if self.inotify is not None:
                self.inotify.close()
            self.inotify = None
            return False
        fd = self.inotify.fd
        IOLoop.current().add_handler(fd, lambda _fd, _events: self._changed(callback), IOLoop.READ)
        callback()  # a first look at once, as livereload's own inotify watcher makes: it sends serve's first reload
        return True

    def _watch_tree(self, path: bytes) -> None:
        """A watch on `path` and on every folder below it (symlinks followed, as livereload's walk does)."""
        if not os.path.isdir(path):
            return
        for folder, _, _ in os.walk(path, followlinks=True):
            watch = self.inotify.add(folder, EVENTS)
            if watch is not None:  # a folder removed meanwhile is not a failure
                self._folders[watch] = folder

    def _changed(self, callback) -> None:
        """Read every event waiting; watch each folder made since; then look once, at the paths
        the events name (all of them if the kernel dropped events or a watched folder went)."""
        folders = []
        events: set[str] | None = set()
        for watch, mask, name in self.inotify.pending():
            if mask & IN_ISDIR and mask & IN_CREATE_OR_MOVED_TO and name and watch in self._folders:
                folders.append(os.path.join(self._folders[watch], name))
            if mask & IN_Q_OVERFLOW or not name or watch not in self._folders:
                events = None
            elif events is not None:
                events.add(os.fsdecode(os.path.join(self._folders[watch], name)))
        for folder in folders:
            try:
                self._watch_tree(folder)
            except OSError:  # over the limit: a file in it is seen when the next event elsewhere comes
                pass
        self._events = events
        try:
            callback()
        finally:
            self._events = None
