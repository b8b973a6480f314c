"""Values several page kinds compute from the whole archive, computed once per archive.

The speaker, glossary and data pages each need the same whole-archive tables
(every speaker's turns and words, every topic); listing the pages of a large
archive would otherwise build each table two or three times.

Those tables are summed from per-meeting parts kept by the meeting's identity,
so that a server's rebuild, which keeps the objects of every meeting it did not
parse again, makes only the edited meeting's part: per_item for a part that
depends on the meeting alone, PerItem for one that also depends on a context
(who speaks, the settings) compared on each call.
"""
from __future__ import annotations

import functools
import weakref
from collections import Counter
from collections.abc import Mapping
from itertools import chain


def per_archive(function):
    """`function(archive)`, remembered for the last Archive object it was given.

    Keyed by identity (a weak reference, so a dropped archive is not kept
    alive and a new one at the same address is not mistaken for it): an
    Archive is immutable, so one object always gives the same value.
    Callers must treat the value as read-only. Arguments after the archive
    (a recall.Recall) may help make the value but do not change it.
    """
    last: list = [None, None]  # [weak reference to the archive, value]

    @functools.wraps(function)
    def remembered(archive, *helping):
        if last[0] is None or last[0]() is not archive:
            last[:] = [None, None]
            value = function(archive, *helping)
            last[:] = [weakref.ref(archive), value]
        return last[1]

    return remembered


def per_item(function):
    """`function(item)` for an item of an archive, remembered by the item's identity while
    the archive is the last or the one before it.

    A server's rebuild makes a new Archive but keeps the objects of every meeting it did
    not reparse (the cache holds them): a table of the whole archive summed from parts
    made by this function remakes only the edited meeting's part. `function` must depend
    on nothing but `item`, which must be immutable. Items of the archive before last are
    dropped, so a long-running server keeps no more than two archives' worth.
    """
    generations: list = [None, {}, {}]  # [weak reference to the archive, its values, the last archive's]

    @functools.wraps(function)
    def remembered(archive, item):
        if generations[0] is None or generations[0]() is not archive:
            generations[:] = [weakref.ref(archive), {}, generations[1]]
        now, before = generations[1], generations[2]
        known = now.get(id(item)) or before.get(id(item))
        if known is None or known[0] is not item:  # an id can be reused once its object is gone
            known = (item, function(item))
        now[id(item)] = known
        return known[1]

    return remembered


class PerItem:
    """Values made item by item, kept for the items of the last call only.

    A server's rebuild passes the same objects for every meeting it did not
    parse again: their values are reused, so a pass over the whole archive
    costs only the edited meeting's. Everything else a value depends on must
    be in `context`; when it differs from the last call's, everything is made
    again, unless `part` says what of the context each item's value depends on.
    """

    def __init__(self) -> None:
        self._context: tuple | None = None
        self._values: dict[int, tuple] = {}

    def __len__(self) -> int:
        """How many items' values are held."""
        return len(self._values)

    def each(self, items, make, context: tuple = (), part=None) -> list:
        """[make(item) for item in items], reusing the last call's values of the same objects.

        `part(item, context)`, when given, is the part of a context that an item's value
        depends on (who speaks in one meeting, of who speaks in every meeting: a turn added
        changes the whole). It is kept with each value made; when the context differs from
        the last call's, a value is reused if its item's part is the same in the new one.
        """
        same = context == self._context
        before = self._values if same or part is not None else {}
        now: dict[int, tuple] = {}
        for item in items:
            found = before.get(id(item))
            if found is None or found[0] is not item:  # an id can be reused once its object is gone
                found = (item, make(item), part and part(item, context))
            elif not same:
                held = part(item, context)
                found = (item, found[1] if held == found[2] else make(item), held)
            now[id(item)] = found
        self._context, self._values = context, now
        return [now[id(item)][1] for item in items]


KEEP_SUMS_ABOVE = 100
"""Totals keeps a sum over more items than this; a smaller one is made anew each time (a few ms)."""


def sum_parts(totals: Totals | None, name, items, part) -> Counter:
    """totals.sum(name, items, part), or without totals the same sum made at once, as a
    command-line build makes it: a Counter added to part by part took twice as long."""
    if totals is not None:
        return totals.sum(name, items, part)
    parts = [part(item) for _, _, item in items]
    if not any(isinstance(found, Mapping) for found in parts):
        return Counter(chain.from_iterable(parts))
    total = Counter()
    for found in parts:
        total.update(found)
    return total


class Totals:
    """Counters, each summed from one part per item, kept from the last call for each name
    summed over more than `least` items: asked again, an item whose stamp is as then keeps
    its part unmade, and the sum takes away and adds only the parts that changed. A
    server's rebuild then counts one meeting of the 4,745 a person speaks in, not all.
    A server keeps its Totals in its recall.Recall; a command-line build, which makes each
    sum once, has none and sums at once (sum_parts).
    """

    def __init__(self, least: int = KEEP_SUMS_ABOVE) -> None:
        self.least = least
        self._kept: dict = {}  # name → ({item key: (stamp, part)}, total)

    def sum(self, name, items, part) -> Counter:
        """The sum of part(item) (a Counter, or an iterable of what it counts) for each
        (key, stamp, item) of `items`; a stamp of None is never as then. Read-only."""
        kept, total = self._kept.pop(name, ({}, None))
        total = Counter() if total is None else total.copy()
        now: dict = {}
        for key, stamp, item in items:
            old = kept.pop(key, None)
            if old is not None and stamp is not None and old[0] == stamp:
                now[key] = old
                continue
            value = part(item)
            if old is not None:
                total.subtract(old[1])
            total.update(value)
            now[key] = (stamp, value)
        for _, value in kept.values():  # items gone since
            total.subtract(value)
        total = +total  # without the counts taken to nothing
        if len(now) > self.least:
            self._kept[name] = (now, total)
        return total
