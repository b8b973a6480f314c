"""A server's content folder read again after a save: only the files that changed.

A command-line build looks at every file of the content folder (read.read_content; one
whose stat is as when the last build read it is not read again). A server is told by
inotify which files changed since its last read (folder_changes.FolderChanges): at
5,000 meetings, looking at every transcript took 35-75 ms of a 0.6-0.9 s save.
ContentReads keeps the last read, and reads again only the files named since and
those the last read could not yet trust (read.SETTLED_NS: written too recently for
their stat to tell a later write). Whatever it cannot place, it reads the whole folder
for: a file named that no source was read from (a new one, a template, an editor's
backup), one that cannot be read now, events lost or a folder changed.
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from .folder_changes import FolderChanges
from .model import ContentInput, Problem, Source
from .read import file_signature, read_content, read_texts


class ContentReads:
    """The last read of one content folder, and the changes to it since (FolderChanges)."""

    def __init__(self, content: Path) -> None:
        self.folder = content
        self.changes = FolderChanges(content)
        self.content: ContentInput | None = None
        """The last read, or None when it failed (or there was none): the next reads every file."""
        self.whole = True
        """Whether the last read looked at every file."""
        self._names: dict[str, str] = {}
        """Source path → the path its file was read by (read.read_content's `names`)."""
        self._by_name: dict[str, str] = {}
        """The same, from the path read by (normalised)."""
        self._readers: dict[str, set[str]] = {}
        """File read (symlinks resolved) → the Source paths read from it."""
        self._unsettled: dict[str, tuple | None] = {}
        """Source path → file_signature just after it was read, of the files read too soon after
        a write to be remembered (read._take)."""

    def read(self, content: Path, known: dict) -> ContentInput:
        """read_content(content, known), reading again only what changed when that is known."""
        named = self.changes.touched()
        found = None
        if named is not None and self.content is not None and content == self.folder:
            found = self._again(content, known, named)
        self.content = None  # until this read has succeeded
        self.whole = found is None
        if found is None:
            names: dict[str, str] = {}
            found = read_content(content, known, names)
            self._keep(found, names, known)
        self.content = found
        self.changes.seen()
        return found

    def changed_unseen(self, known: dict) -> list[str]:
        """The files of the last read (their Source paths) that are not as then though no event
        named them (written through another hard link, or a memory map); the next read then
        looks at every file. Called by a thread while the server is idle (serve.look_at_content)."""
        if not self.changes.quiet():  # a change an event named: the rebuild it brings reads it
            return []
        unsettled, names = dict(self._unsettled), self._names
        held = [(path, known.get(path)) for path in list(names) if path not in unsettled]
        changed = [path for path, read in held if read is not None and file_signature(read.file) != read.signature]
        changed += [path for path, signature in unsettled.items() if file_signature(names[path]) != signature]
        if not changed or not self.changes.quiet():  # written while looked at: its event is waiting now
            return []
        self.changes.distrust()
        return changed

    def close(self) -> None:
        self.changes.close()

    def _keep(self, content: ContentInput, names: dict[str, str], known: dict) -> None:
        self._names, self._by_name = names, {os.path.normpath(name): path for path, name in names.items()}
        self._readers, self._unsettled = {}, {}
        for source in content.sources():
            self._place(source, known)

    def _place(self, source: Source, known: dict) -> None:
        held = known.get(source.path)
        if held is None or held.source is not source:
            self._unsettled[source.path] = file_signature(self._names[source.path])
        else:
            self._readers.setdefault(held.file, set()).add(source.path)

    def _again(self, content: Path, known: dict, named: set[str]) -> ContentInput | None:
        """The last read with the files named and the unsettled ones read again; None when
        a path named cannot be placed, or a file cannot be read now."""
        root = content.resolve()
        again = set(self._unsettled)
        for path in named:
            found = self._readers.get(os.path.join(root, path), set())
            own = self._by_name.get(os.path.normpath(os.path.join(content, path)))
            if own is not None:
                found = found | {own}
            if not found and not any(part.startswith(".") for part in path.split("/")):
                return None  # a file no source was read from: new, or not a transcript (hidden ones never are)
            again |= found
        if not again:
            return self.content
        paths = sorted(again)
        problems: list[Problem] = []
        sources = read_texts([self._names[path] for path in paths], root, problems, known)
        if problems or any(source is None or source.path != path for source, path in zip(sources, paths)):
            return None
        fresh = dict(zip(paths, sources))
        for path in again:
            self._unsettled.pop(path, None)
        for source in sources:
            self._place(source, known)
        last = self.content

        def now(source: Source | None) -> Source | None:
            return None if source is None else fresh.get(source.path, source)
        return replace(last, transcripts=tuple(map(now, last.transcripts)),
                       annotations=tuple(map(now, last.annotations)),
                       site=now(last.site), speakers=now(last.speakers), glossary=now(last.glossary))
