"""Values several page kinds compute from the whole archive, computed once per archive.

The speaker, glossary and data pages each need the same whole-archive tables
(every speaker's turns and words, every topic); listing the pages of a large
archive would otherwise build each table two or three times.
"""
from __future__ import annotations

import functools
import weakref


def per_archive(function):
    """`function(archive)`, remembered for the last Archive object it was given.

    Keyed by identity (a weak reference, so a dropped archive is not kept
    alive and a new one at the same address is not mistaken for it): an
    Archive is immutable, so one object always gives the same value.
    Callers must treat the value as read-only.
    """
    last: list = [None, None]  # [weak reference to the archive, value]

    @functools.wraps(function)
    def remembered(archive):
        if last[0] is None or last[0]() is not archive:
            last[:] = [None, None]
            value = function(archive)
            last[:] = [weakref.ref(archive), value]
        return last[1]

    return remembered
