"""A server's heap in 2 MB pages (generator/hugepages.py): which mappings are asked for, and
that the kernel here really moves them, keeping their bytes."""
from __future__ import annotations

import ctypes
import mmap
import re
import sys
from pathlib import Path

import pytest

from generator.hugepages import HUGE_PAGE, heap_ranges, use_huge_pages

MAPS = """\
55d0c0a00000-55d0c0a2d000 r--p 00000000 fe:00 1183       /usr/bin/python3.11
55d0c0e01000-55d0c1234000 rw-p 00000000 00:00 0          [heap]
7f1000000000-7f1000500000 rw-p 00000000 00:00 0
7f1000600000-7f1000700000 rw-p 00000000 00:00 0
7f1000800000-7f1000c00000 r--p 00000000 00:00 0
7f1001000000-7f1001400000 rw-p 00000000 fe:00 2291       /tmp/a mapped file
7f1001400000-7f1001600000 rw-s 00000000 00:05 77         /dev/zero (deleted)
7ffd1f000000-7ffd1f600000 rw-p 00000000 00:00 0          [stack]
"""


def test_the_whole_huge_pages_of_anonymous_private_writable_mappings_are_asked_for():
    """[heap] and nameless rw-p mappings, cut to whole 2 MB pages; not a file's, a shared one,
    a read-only one, the stack, or a mapping holding no whole 2 MB page."""
    assert list(heap_ranges(MAPS.splitlines())) == [
        (0x55d0c1000000, 0x55d0c1200000),  # [heap], rounded in at both ends
        (0x7f1000000000, 0x7f1000400000),  # 5 MB from an aligned start: two whole pages
    ]


def transparent_huge_pages() -> str:
    setting = Path("/sys/kernel/mm/transparent_hugepage/enabled")
    found = re.search(r"\[(\w+)\]", setting.read_text()) if setting.exists() else None
    return found.group(1) if found else "none"


def huge_kb_at(address: int) -> int:
    """AnonHugePages of the mapping holding `address`, in kB, from /proc/self/smaps."""
    inside = False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = re.match(r"([0-9a-f]+)-([0-9a-f]+) ", line)
        if head:
            inside = int(head.group(1), 16) <= address < int(head.group(2), 16)
        elif inside and line.startswith("AnonHugePages:"):
            return int(line.split()[1])
    raise AssertionError(f"no mapping holds {address:#x}")


@pytest.mark.skipif(sys.platform != "linux" or transparent_huge_pages() == "never",
                    reason="the kernel has no transparent huge pages to give")
def test_memory_already_written_is_moved_into_huge_pages_with_its_bytes():
    """Memory written in 4 KB pages, as Python's allocator leaves it, is in 2 MB pages
    afterwards, with every byte as it was."""
    memory = mmap.mmap(-1, 8 * HUGE_PAGE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    try:
        pattern = bytes(range(251)) * (len(memory) // 251) + b"\x07" * (len(memory) % 251)
        memory[:] = pattern
        address = ctypes.addressof(ctypes.c_char.from_buffer(memory))
        if transparent_huge_pages() == "madvise":
            assert huge_kb_at(address) == 0, "not asked for, the kernel leaves 4 KB pages"
        assert use_huge_pages() >= 6 * HUGE_PAGE
        assert huge_kb_at(address) >= 6 * HUGE_PAGE // 1024
        assert memory[:] == pattern
    finally:
        memory.close()


def test_nothing_is_asked_where_the_system_is_not_linux(monkeypatch):
    """madvise's advice is numbered differently elsewhere: the numbers are not sent."""
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(ctypes, "CDLL", lambda *a, **k: pytest.fail("called the C library"))
    assert use_huge_pages() == 0
