"""Long lists cut into pages where their own items say, so that pages stay put as the list grows.

A list cut every N items moves every later page when one item is added before
them, and a server then renders them all again (every figures page, at 5,000
meetings, for one new meeting). Here a page ends after an item that a digest of
its name picks, so where a page ends depends on its own items only.
"""
from __future__ import annotations

import zlib
from functools import lru_cache


def cut_by_content(names: list[str], weights: list[int], size: int) -> list[range]:
    """Consecutive ranges of the items (`names`, each with a weight: the rows it shows) that
    cover them all, each of about `size` weight: a range ends after an item picked by a digest
    of its name (with a chance of its weight in half of `size`) once it holds half of `size`,
    or once it holds twice `size`. An item added, or one's weight changed, moves the ends of
    its own range and the next at most (and, rarely, makes one range two); one empty range
    for no items."""
    half = max(1, size // 2)
    ranges: list[range] = []
    start, held = 0, 0
    for index, (name, weight) in enumerate(zip(names, weights)):
        held += weight
        if held >= 2 * size or (held >= half and name_digest(name) % half < weight):
            ranges.append(range(start, index + 1))
            start, held = index + 1, 0
    if start < len(names) or not ranges:
        ranges.append(range(start, len(names)))
    return ranges


@lru_cache(maxsize=1 << 17)
def name_digest(name: str) -> int:
    """crc32 of a name, remembered: a server's rebuild cuts every topic's meetings again."""
    return zlib.crc32(name.encode())
