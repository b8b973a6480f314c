"""A page's view, made only when it is read.

Page kinds yield (path, template, view) for every page of the site. Listing
the pages must be cheap, because the views themselves are made in worker
processes (and, in a rebuild, compared with the last build's before any
template runs). A LazyView is a read-only mapping that calls its function on
first use, so `**view` and `view["title"]` work as with a plain dict.
"""
from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Mapping


class LazyView(Mapping):
    """`make(*args)` called once, when the view is first read.

    `inputs`, when given, is a function returning plain values that decide
    the view (all that `make` reads): a rebuild compares them with the last
    build's, which is much cheaper than making the view to compare it.
    `quick`, when given, is a small plain value made while listing that
    changes whenever the inputs may (a few analysis keys and one digest of
    what the whole archive shares): when it is the last build's, the page is
    as then, and not even its inputs are made. A `quick` that takes more than
    a few microseconds is given as a function (quick_key calls it), so that it
    is made by the process that renders the page, not while listing.
    `detached`, when given, makes the same view from its own values only, to be
    pickled to a worker that does not hold the archive (parallel.Fresh).
    """

    __slots__ = ("_make", "_args", "_view", "inputs", "quick", "detached")

    def __init__(self, make, *args, inputs=None, quick=None, detached=None):
        self._make, self._args, self._view, self.inputs, self.quick = make, args, None, inputs, quick
        self.detached = detached

    def resolve(self) -> dict:
        if self._view is None:
            self._view = self._make(*self._args)
        return self._view

    def made(self) -> dict:
        """The view, made afresh and not kept: a renderer holds one view at a time."""
        return self._view if self._view is not None else self._make(*self._args)

    def __getitem__(self, key):
        return self.resolve()[key]

    def __iter__(self):
        return iter(self.resolve())

    def __len__(self) -> int:
        return len(self.resolve())


def quick_key(view):
    """A view's LazyView.quick (None when it has none), made now (and kept) if given as a function."""
    quick = getattr(view, "quick", None)
    if callable(quick):
        quick = view.quick = quick()
    return quick


UNMADE = object()
"""A quick key not made yet, in a listing kept for the next (made_and_kept)."""


def made_and_kept(kept: list, index: int, make, *arguments):
    """make(*arguments), kept in kept[index] for the next listing (a quick key made when asked)."""
    kept[index] = make(*arguments)
    return kept[index]


def inputs_digest(inputs) -> str | None:
    """fingerprint(inputs()): a quick key for a page whose inputs are cheap but not free to make."""
    return fingerprint(inputs())


def view_of(view) -> dict:
    """The plain dict behind a view, lazy or not (a lazy one is not kept)."""
    return view.made() if isinstance(view, LazyView) else view


def fingerprint(value, salt: bytes = b"") -> str | None:
    """A digest of plain values (records, dicts, strings…) that depends only on the values.

    Plain pickling writes a value seen twice as a reference to the first,
    so equal data that happens to share objects differently (just parsed,
    or loaded from the cache) would pickle differently; the pickler's "fast"
    mode writes every value out in full. None for a value that cannot be
    pickled (the caller then treats it as changed).
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    try:
        pickler.dump(value)
    except Exception:  # noqa: BLE001 - an unusual value only costs the shortcut
        return None
    return hashlib.sha256(salt + buffer.getbuffer()).hexdigest()[:32]
