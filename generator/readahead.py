"""Reading many small files from a cold disk: the disk is asked for a batch of them at once.

A build reads thousands of small files (5,000 transcripts, or the cache's
10,000 entries) one after another. When they are in the page cache that costs
nothing; when they are not (the first build of the day, a freshly mounted
disk, a system that pages out files unused for a minute), each read waits for
the disk in turn: 0.6-7.7 s for 5,000 transcripts or parsed entries on our
bench machine, against 0.13-0.22 s once a batch is opened and the kernel told
it will be read (posix_fadvise WILLNEED), so that the disk fetches it all
while the first file is read. Opening first costs no extra system call, so a
warm cache reads as fast as before. Where posix_fadvise is missing (not
Linux), the files are simply read in order.
"""
from __future__ import annotations

import os
from collections.abc import Iterator

BATCH = 128
"""Files opened and announced at a time: enough to keep a disk's queue full, far under the
usual limit of 1,024 open files."""
FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
"""O_NONBLOCK: a file replaced by a named pipe since the caller looked is not waited on."""
_advise = getattr(os, "posix_fadvise", None)


def read_files(paths: list[str]) -> Iterator[bytes | OSError]:
    """The bytes of each file of `paths`, in order, or the OSError that opening or reading it raised.

    Only for regular files the caller has checked (or its own cache's): a device would be read
    to its end, if it has one."""
    for start in range(0, len(paths), BATCH):
        opened = [_open(path) for path in paths[start:start + BATCH]]
        try:
            for index, handle in enumerate(opened):
                if isinstance(handle, OSError):
                    yield handle
                    continue
                opened[index] = None
                try:
                    data = _read_all(handle)
                except OSError as error:  # a folder, or a disk that failed
                    data = error
                finally:
                    os.close(handle)
                yield data
        finally:  # a caller that stops early leaves none of the batch open
            for handle in opened:
                if isinstance(handle, int):
                    os.close(handle)


def _open(path: str) -> int | OSError:
    """A handle on `path` whose bytes the kernel starts fetching now, or why it cannot be opened."""
    try:
        handle = os.open(path, FLAGS)
    except OSError as error:
        return error
    if _advise is not None:
        try:
            _advise(handle, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:  # a file system that takes no advice is read all the same
            pass
    return handle


def _read_all(handle: int) -> bytes:
    """The file's bytes to its end: its size asked first, then read until nothing is left (it may grow)."""
    chunks = [os.read(handle, os.fstat(handle).st_size + 1)]
    while chunks[-1]:
        chunks.append(os.read(handle, 1 << 16))
    return chunks[0] if len(chunks) == 2 else b"".join(chunks)
