"""The build cache: what a rebuild may reuse, kept outside the site.

Everything in it is keyed by digests of its inputs, so a stale entry is
never used, only left unused (and pruned); deleting the folder gives the
same site, only slower. Entries:

- `parsed/<key>`: one transcript parsed (Meeting and problems), keyed by
  its file name, its text and the generator's code (not the path messages
  show, which depends on the folder the build runs in), with the speaker
  names it was parsed with among those that could change it (jobs.parse_sources);
- `analysed/<key>`: the glossary terms, figures and search postings of one
  meeting, keyed by the meeting's key (its transcript's, and those speaker
  names) and who speaks each turn, with the digest of the glossary's names it
  was made with (terms.names_digest; not the definitions): term_changes tells
  whether it holds with another glossary;
- `blocks/<key>`: one block of the search index's postings (search_index.blocks_of),
  keyed by its meetings and their analysis keys, so that a rebuild joins again only
  the blocks of the meetings that changed;
- `templates/`: Jinja's compiled templates (jinja2.FileSystemBytecodeCache, which
  compiles a template again when its source differs from what was compiled);
- `glossaries.pickle`: term_changes.glossary_profile of each glossary that an
  analysis entry was made with, by terms.names_digest, to tell which meetings
  an edit to the glossary can change;
- `site.pickle`: the last site written (every file's Stamp, and a digest
  of what each page was made from) and the digest of all inputs it was
  built from, so an unchanged rebuild stops after reading, and a changed
  one renders only pages whose inputs changed.

Entries made by the workers of a large build are written by those workers
(Cache.store), from the bytes they send back anyway; the rest at the end.

The cache lives beside the output folder (`.stenogram-cache/<site name>/`)
unless --cache names another folder; never inside the site.
"""
from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .once import PerItem
from .read import Read, reads_from, remembered_reads
from .readahead import read_files
from .recall import Recall

CACHE_FOLDER = ".stenogram-cache"
GENERATOR = Path(__file__).resolve().parent


KINDS = ("parsed", "analysed", "blocks")
"""The kinds of entries, each a folder of pickles named by their keys."""
TEMPLATES = "templates"
"""The folder of compiled templates (Cache.compiled_templates)."""


def default_cache_dir(out: Path) -> Path:
    out = Path(os.path.abspath(out))  # "..", made whole: Path.absolute() keeps it, and its name
    return out.parent / CACHE_FOLDER / out.name


LIBRARIES = ("jinja2", "markdown-it-py", "mdit-py-plugins", "MarkupSafe", "PyYAML")


@lru_cache(maxsize=None)
def code_version() -> str:
    """A digest of the generator's own code and the libraries' versions: a new version starts afresh.

    Made once a process, from the code as it started: a server whose code is edited while
    it runs still runs the code it imported, and stamping what that makes with the new
    version would have a command-line build of the new code keep it. (A server's save also
    read every module again for it, 5 ms.)"""
    from importlib.metadata import version  # the versions, without importing the libraries
    digest = hashlib.blake2b(digest_size=16)
    digest.update(" ".join([sys.version, *(version(name) for name in LIBRARIES)]).encode())
    for path in sorted(GENERATOR.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def digest_text(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()[:32]


@dataclass
class SiteRecord:
    """What the last successful build wrote, and from what."""

    out: str = ""
    inputs: str = ""
    """Digest of every input: content, templates, options and code."""
    files: dict = field(default_factory=dict)
    """Site path → write.Stamp of each file written."""
    pages: dict = field(default_factory=dict)
    """Site path → digest of what each page (and each lazily made file) was made from."""
    meetings: int = 0
    warnings: tuple = ()
    figures: dict = field(default_factory=dict)
    """export.figures_layout of the data/figures.json written."""
    quick: dict = field(default_factory=dict)
    """Site path → (seed, quick key) of the pages and files that have one (jobs.Output.quick)."""


class Cache:
    """Parsed meetings, their analysis, search blocks and the last site record; in memory,
    saved to `folder`.

    A server keeps one Cache across rebuilds; a command-line build loads
    one and saves what is new. A missing or unreadable cache is an empty one.
    """

    def __init__(self, folder: Path | None, version: str, lasting: bool = False):
        self.folder = folder
        self.version = version
        self.lasting = lasting
        """The entries read from the folder live as long as this process, as a command-line
        build's do: they are then read out of the cyclic collector's reach (read_entries)."""
        self.parsed: dict[str, object] = {}
        self.analysed: dict[str, object] = {}
        self.blocks: dict[str, object] = {}
        self.site = SiteRecord()
        self.meeting_rows: tuple[dict, dict[str, tuple]] = ({}, {})
        """A server's (the files of the site record it belongs to, slug → the answers that kept
        each meeting's pages and files): jobs.Output.kept_meetings. In memory only."""
        self.resolved: tuple[str, tuple] | None = None
        """(digest of every label, resolve_speakers' answer) of the last build, saved too: a
        rebuild after an edit to what was said, not who said it, does not resolve again."""
        self._resolved_saved: tuple[str, tuple] | None = None
        self.glossaries: dict[str, tuple] = {}
        """terms.names_digest → term_changes.glossary_profile of each glossary an analysis entry
        was made with (jobs.analyse_meetings); saved too."""
        self._glossaries_saved: dict[str, tuple] = {}
        self.labels: dict[tuple[str, str], str] = {}
        """(path, meeting key) → jobs.labels_digest of each meeting of the last build, saved too: a
        command-line rebuild digests only the labels of the transcripts it parsed anew."""
        self._labels_saved: dict[tuple[str, str], str] = {}
        self.reads: dict[str, Read] = {}
        """Each file read by the last build, with its stat signature (read.read_text), so that
        a build reads again only the files that changed; saved (read.remembered_reads) for
        the next command-line build."""
        self._reads_saved: dict = {}
        self._remembered: dict[str, PerItem] = {}
        self.recall = None if lasting else Recall()
        """A server's: what its last build left for the next (recall.Recall). In memory only."""
        self._new: dict[str, dict[str, object]] = {kind: {} for kind in KINDS}
        self._used: dict[str, set[str]] = {kind: set() for kind in KINDS}
        self._on_disk = folder is not None and read_pickle(folder / "version") == version
        """False when the folder is missing or was written by other code: its entries are not read."""
        if self._on_disk:
            record = read_pickle(folder / "site.pickle")
            if isinstance(record, SiteRecord):
                self.site = record
            resolved = read_pickle(folder / "resolved.pickle")
            if isinstance(resolved, tuple) and len(resolved) == 2:
                self.resolved = self._resolved_saved = resolved
            glossaries = read_pickle(folder / "glossaries.pickle")
            if isinstance(glossaries, dict):
                self.glossaries, self._glossaries_saved = glossaries, dict(glossaries)
            labels = read_pickle(folder / "labels.pickle")
            if isinstance(labels, dict):
                self.labels = self._labels_saved = labels
            reads = read_pickle(folder / "reads.pickle")
            if isinstance(reads, dict):
                self.reads, self._reads_saved = reads_from(reads), reads

    def remembered(self, name: str) -> PerItem:
        """Values made meeting by meeting under `name`, kept in memory from one build to the next."""
        return self._remembered.setdefault(name, PerItem())

    # --- loading ---------------------------------------------------------------------

    def _entries(self, kind: str) -> dict[str, object]:
        memory = getattr(self, kind)
        if not memory and self._on_disk and (self.folder / kind).is_dir():
            memory.update(read_entries(self.folder / kind, self.lasting))
        return memory

    def load_all(self) -> int:
        """Read every entry into memory now (a server does this while it waits for the
        first edit, so that edit does not pay for it); returns how many are held."""
        return sum(len(self._entries(kind)) for kind in ("parsed", "analysed"))

    def get(self, kind: str, keys: list[str]) -> dict[str, object]:
        """The cached values of these keys (a kind of KINDS); every key asked is kept by
        the next save(prune=True), made by then or not."""
        memory = self._entries(kind)
        self._used[kind].update(keys)
        return {key: memory[key] for key in keys if key in memory}

    def written(self, kind: str) -> list[tuple[str, object]]:
        """(key, value) of the entries of `kind` held here that are in the folder too."""
        if not self._on_disk:
            return []
        new = self._new[kind]
        return [(key, value) for key, value in getattr(self, kind).items() if key not in new]

    def put(self, kind: str, key: str, value) -> None:
        getattr(self, kind)[key] = value
        self._new[kind][key] = value

    def ready(self, kind: str) -> bool:
        """Make the folder ready for entries of `kind` written at once by store(); False
        when there is no folder or it cannot be written (the entries then wait for save)."""
        if self.folder is None:
            return False
        try:
            self._claim()
            (self.folder / kind).mkdir(exist_ok=True)
        except OSError:
            return False
        return True

    def compiled_templates(self) -> Path | None:
        """The folder where Jinja keeps the templates it compiled, for the next build to load
        (compiling the 11 took 0.08 s of every build); None without a writable cache.
        A new code version starts it afresh with the rest, since how a template compiles
        depends on our environment's settings too."""
        return self.folder / TEMPLATES if self.ready(TEMPLATES) else None

    def store(self, kind: str, key: str, value) -> bytes | None:
        """`value` pickled, and written as its entry now (in a worker: in parallel, not at the
        end of the build in the parent); None once written, else the bytes. A worker sends back
        only those: the parent reads the others from the folder (read_stored) and keeps the
        values through put_stored. Call ready(kind) first, in the parent."""
        return store_entry(self.folder, kind, key, value)

    def read_stored(self, kind: str, key: str) -> bytes | None:
        """The bytes of an entry that store() wrote, in another process; None when it is gone.

        Read from the file rather than sent back through the worker's pipe: at 5,000
        meetings a worker waited 0.6 s of a 16 s analysis, and 0.4 s of a 3.4 s parse,
        for the parent's threads to take the 88 and 81 MB out of it.
        """
        try:
            with open(self.folder / kind / key, "rb") as handle:
                return handle.read()
        except OSError:
            return None

    def put_stored(self, kind: str, key: str, value) -> None:
        """put(), for a value store() has written already."""
        getattr(self, kind)[key] = value
        if not (self.folder / kind / key).is_file():
            self._new[kind][key] = value

    # --- saving ---------------------------------------------------------------------

    def save(self, prune: bool = False) -> None:
        """Write new entries and the site record.

        With `prune` (after a successful build), entries that this build did
        not ask for are dropped, so the cache does not grow with old versions.
        A save with nothing asked for since the last one (a server saves after
        its warm-up and again for its first build) prunes nothing.
        """
        used = self._used if prune and any(self._used.values()) else None
        self._used = {kind: set() for kind in KINDS}
        if used:
            for kind, keys in used.items():
                memory = getattr(self, kind)
                for key in [k for k in memory if k not in keys]:
                    del memory[key]
        if self.folder is None:
            self._new = {kind: {} for kind in KINDS}
            return
        try:
            self._claim()
            for kind, entries in self._new.items():
                (self.folder / kind).mkdir(exist_ok=True)
                for key, value in entries.items():
                    write_pickle(self.folder / kind / key, value)
                if used and kind in used:
                    self._prune(kind, used[kind])
            write_pickle(self.folder / "site.pickle", self.site)
            if self.resolved is not None and self.resolved is not self._resolved_saved:
                write_pickle(self.folder / "resolved.pickle", self.resolved)
                self._resolved_saved = self.resolved
            if self.glossaries != self._glossaries_saved:
                write_pickle(self.folder / "glossaries.pickle", self.glossaries)
                self._glossaries_saved = dict(self.glossaries)
            if self.labels is not self._labels_saved and self.labels != self._labels_saved:
                write_pickle(self.folder / "labels.pickle", self.labels)
                self._labels_saved = self.labels
            reads = remembered_reads(self.reads)
            if reads != self._reads_saved:
                write_pickle(self.folder / "reads.pickle", reads)
                self._reads_saved = reads
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower
        self._new = {kind: {} for kind in KINDS}

    def _claim(self) -> None:
        """The folder made ours: created, emptied of another code version's entries, marked with ours."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if not self._on_disk:
            for kind in (*self._new, TEMPLATES):
                self._prune(kind, set())
            write_pickle(self.folder / "version", self.version)
            self._on_disk = True

    def _prune(self, kind: str, keep: set[str]) -> None:
        folder = self.folder / kind
        if folder.is_dir():
            for name in os.listdir(folder):
                if name not in keep:
                    (folder / name).unlink(missing_ok=True)


def store_entry(folder: Path, kind: str, key: str, value) -> bytes | None:
    """Cache.store, where only the folder is known (a fresh worker: parallel.Fresh)."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        write_bytes(folder / kind / key, data)
    except OSError:
        return data  # the parent keeps the value, and save() writes it again (Cache.put_stored)
    return None


def read_entries(folder: Path, lasting: bool) -> dict[str, object]:
    """Every readable entry of the folder, by name, read a batch at a time (readahead.read_files).

    `lasting`: the entries will live as long as this process. The cyclic collector is
    then paused while they are read, and they are put out of its reach after
    (gc.freeze): it would otherwise walk each object read at least once and free none
    of them, 0.25 s of a one-edit rebuild of 5,000 meetings, whose cache holds millions
    of objects. Unpickling makes no cycles for it to collect.
    """
    paused = lasting and gc.isenabled()
    if paused:
        gc.disable()
    try:
        names = os.listdir(folder)
        entries = dict(zip(names, map(loads_or_none, read_files([os.path.join(folder, name) for name in names]))))
    finally:
        if paused:
            gc.freeze()
            gc.enable()
    return {name: value for name, value in entries.items() if value is not None}


def read_pickle(path: Path):
    try:
        with open(path, "rb") as handle:
            return loads_or_none(handle.read())  # faster than pickle.load's many small reads
    except OSError:
        return None


def loads_or_none(data: bytes | OSError):
    """The value pickled in `data`; None when it could not be read or unpickled."""
    if isinstance(data, OSError):
        return None
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 - a damaged or foreign cache file is a missing one
        return None


def write_pickle(path: Path, value) -> None:
    write_bytes(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def write_bytes(path: Path, data: bytes) -> None:
    """Written whole or not at all: a killed build never leaves half a file."""
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
