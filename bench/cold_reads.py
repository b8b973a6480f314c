#!/usr/bin/env python3
"""Reading thousands of small files from a cold page cache: one after another, against a batch at a time.

A build reads every transcript, and a rebuild every entry of its cache (generator/readahead.py).
For each folder given, this drops its files from the page cache (posix_fadvise DONTNEED: no root
needed; a file some process holds mapped stays), then reads them all, one way or the other in
turn, and prints the median of each. "warm" rows read the files just read.

    python bench/cold_reads.py bench/corpora/5000/txt \\
        bench/corpora/5000/out/.stenogram-cache/stenogram/parsed --repeat 5
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from generator.readahead import read_files  # noqa: E402 - the repository's own code, found from here


def one_after_another(paths: list[str]) -> int:
    total = 0
    for path in paths:
        with open(path, "rb") as handle:
            total += len(handle.read())
    return total


def batched(paths: list[str]) -> int:
    return sum(len(data) for data in read_files(paths))


def evict(paths: list[str]) -> None:
    for path in paths:
        handle = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(handle, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(handle)


def timed(read, paths: list[str], cold: bool) -> float:
    if cold:
        evict(paths)
    start = time.perf_counter()
    read(paths)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print("| folder | files | MB | cache | one after another s | a batch at a time s |")
    print("| --- | ---: | ---: | --- | ---: | ---: |")
    for folder in args.folders:
        paths = sorted(str(path) for path in folder.iterdir() if path.is_file())
        size = sum(os.path.getsize(path) for path in paths) / 1e6
        for cold in (True, False):
            times: dict[str, list[float]] = {"one": [], "batch": []}
            for _ in range(args.repeat):
                times["one"].append(timed(one_after_another, paths, cold))
                times["batch"].append(timed(batched, paths, cold))
            print(f"| {folder} | {len(paths)} | {size:.0f} | {'cold' if cold else 'warm'} | "
                  f"{statistics.median(times['one']):.3f} | {statistics.median(times['batch']):.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
