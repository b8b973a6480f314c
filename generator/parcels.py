"""Work for a fresh worker (parallel.Fresh), pickled so that what the cache holds in its files
is named, not carried.

A meeting's page and files are sent to a worker that does not hold the archive, with
their views detached (LazyView.detached). Most of what they carry, the parsed meeting
and its figures, is an entry of the build cache already written to disk: pickling it
again took 0.35 s of the building process's time at 1,000 meetings, while the worker
was waiting for it. `pack` writes such an object as a reference to its entry (pickle's
persistent ids), and `unpack` reads the entry in the worker.
"""
from __future__ import annotations

import io
import pickle
from pathlib import Path

from .cache import Cache, read_pickle

NAMED = (("parsed", (0,)), ("analysed", (1, 3)))
"""(cache kind, which parts of its entries are named): the parsed meeting of (meeting, problems, …);
the figures and their JSON of (term hits, figures, postings, figures' JSON)."""


def cached_parts(cache: Cache) -> dict[int, tuple[str, str, int]]:
    """id → (kind, key, index) of the parts (NAMED) of the cache's entries written to its folder.

    Empty ones are left out: an empty tuple is one object, shared by every empty tuple.
    """
    found = {}
    for kind, indexes in NAMED:
        for key, entry in cache.written(kind):
            for index in indexes:
                if isinstance(entry, tuple) and len(entry) > index and entry[index]:
                    found[id(entry[index])] = (kind, key, index)
    return found


class _Packer(pickle.Pickler):
    def __init__(self, file, named: dict[int, tuple[str, str, int]]):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.named = named

    def persistent_id(self, obj):
        return self.named.get(id(obj))


def pack(value, named: dict[int, tuple[str, str, int]]) -> bytes:
    """`value` pickled, with the objects of `named` (cached_parts) written as their cache entries."""
    buffer = io.BytesIO()
    _Packer(buffer, named).dump(value)
    return buffer.getvalue()


class EntryGone(Exception):
    """A cache entry a parcel names could not be read."""


class _Unpacker(pickle.Unpickler):
    def __init__(self, file, folder: Path):
        super().__init__(file)
        self.folder = folder
        self.entries: dict[tuple[str, str], object] = {}

    def persistent_load(self, pid):
        kind, key, index = pid
        if (kind, key) not in self.entries:
            entry = read_pickle(self.folder / kind / key)
            if not isinstance(entry, tuple) or len(entry) <= index:
                raise EntryGone(f"{kind}/{key}")
            self.entries[(kind, key)] = entry
        return self.entries[(kind, key)][index]


def unpack(data: bytes, folder: Path | None):
    """What `pack` was given, its named parts read from the cache `folder`; EntryGone when one
    cannot be read (the caller then does the work without it)."""
    if folder is None:
        return pickle.loads(data)
    return _Unpacker(io.BytesIO(data), folder).load()
