"""What changed in a folder a server reads or writes between two of its rebuilds, told by inotify.

The site. A rebuild keeps every file whose inputs are as they were, once it has seen
that the file is still as the last build wrote it (write.SiteWriter: its stat). At 5,000
meetings that is 16,600 stats a save, 0.1 s of 0.78 s. Nobody but the server writes
into the site it serves, as a rule: FolderChanges watches its folders, and a rebuild
looks again only at the files some event named since the last one (the server's own
moves among them).

The content. A rebuild reads again only the transcripts some event named since the last
read (content_reads.ContentReads), not the stat of every one: 5,000 took 35-75 ms a save.

Whenever that cannot be known (no inotify, events lost, a folder made, moved or
removed, a folder that is a symlink, the first rebuild after the watch began) it says
so, and every file is looked at, as a command-line build always does.

A file can change with no event naming it: written through another hard link to it,
or through a memory map. The server therefore looks at every file of the site once it
is idle after a rebuild (serve.check_site, by a thread) and names those it finds
changed (suspect); and at every content file every few seconds (serve.look_at_content),
and has the next rebuild read every one when it finds one changed (distrust).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from .watch import EVENTS, IN_ISDIR, IN_Q_OVERFLOW, Inotify

IN_MODIFY = 0x2
IN_UNMOUNT = 0x2000
IN_IGNORED = 0x8000
CHANGE_EVENTS = EVENTS | IN_MODIFY
"""A file written in place is named at its first write, not only when closed: one still open
for writing when a rebuild starts is looked at."""
WHOLE = IN_Q_OVERFLOW | IN_ISDIR | IN_UNMOUNT | IN_IGNORED | 0x400 | 0x800
"""Events after which no file is trusted: events lost, or a folder made, moved or removed
(IN_DELETE_SELF, IN_MOVE_SELF), whose files no watch covered."""


class FolderChanges:
    """The paths in a folder ("/"-separated, relative to it) that anything changed since a
    rebuild last saw the whole folder (seen)."""

    def __init__(self, folder: Path) -> None:
        self.folder = os.path.abspath(folder)
        self.inotify: Inotify | None = None
        self.folders: dict[int, str] = {}
        """Watch descriptor → its folder as a path prefix ("" for the folder itself, "meetings/")."""
        self.named: set[str] = set()
        self._asked: set[str] = set()
        """`named` as touched() last answered: what seen() takes as answered."""
        self._lock = threading.Lock()
        """suspect() is called by another thread."""
        self.known = False
        """Whether `named` holds every change since the last seen(): not before a rebuild has
        looked at every file while the watch was on."""

    def touched(self) -> set[str] | None:
        """The paths events named since the last seen(); None when every file is to be
        looked at (see the module docstring). The watch is made, or made again, then."""
        with self._lock:
            if self.inotify is not None and self._read():
                self._asked = set(self.named)
                return set(self._asked) if self.known else None
            self.close()
            self._start()
            self._asked = set(self.named)
            return None

    def seen(self) -> None:
        """A rebuild that asked touched() has looked at every file it kept, or written it: the
        changes named until then are answered."""
        with self._lock:
            self.named -= self._asked
            self._asked = set()
            self.known = self.inotify is not None

    def quiet(self) -> bool:
        """Whether every change since the last seen() is known and there was none (the events
        waiting are read first): a file found changed now was changed with no event."""
        with self._lock:
            if self.inotify is not None and not self._read():
                self.close()  # as touched() would: the next one makes the watch again and answers None
            return self.inotify is not None and self.known and not self.named

    def distrust(self) -> None:
        """Have the next rebuild look at every file: one changed that no event named, and
        which the caller cannot name (content_reads.ContentReads.changed_unseen)."""
        with self._lock:
            self.known = False

    def suspect(self, paths: set[str]) -> None:
        """Name files found changed though no event named them (write.changed_files)."""
        with self._lock:
            self.named |= paths

    def _start(self) -> None:
        try:
            self.inotify = Inotify()
            for folder, folders, _ in os.walk(self.folder):
                if any(os.path.islink(os.path.join(folder, name)) for name in folders):
                    raise OSError(folder)  # its files are reached through a link no watch follows
                watch = self.inotify.add(os.fsencode(folder), CHANGE_EVENTS)
                if watch is None:  # removed meanwhile: its files are unwatched
                    raise OSError(folder)
                inside = os.path.relpath(folder, self.folder).replace(os.sep, "/")
                self.folders[watch] = "" if inside == "." else inside + "/"
        except OSError:  # no inotify, too many watches: the next rebuild tries again
            self.close()
        if not self.folders:  # no folder yet (a site not yet built)
            self.close()

    def _read(self) -> bool:
        """Add the paths of the events waiting to `named`; False when they cannot tell (WHOLE)."""
        for watch, mask, name in self.inotify.pending():
            folder = self.folders.get(watch)
            if mask & WHOLE or folder is None or not name:
                return False
            self.named.add(folder + os.fsdecode(name))
        return True

    def close(self) -> None:
        """Stop watching: the next touched() answers None (every file is looked at)."""
        if self.inotify is not None:
            self.inotify.close()
        self.inotify, self.folders, self.known = None, {}, False
