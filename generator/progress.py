"""Progress of a long build on the terminal: each stage with its counts.

A build of a few thousand meetings takes a while, and a silent terminal
looks hung. On a terminal the current stage is rewritten in place
("rendering pages 1200/4388"); each finished stage stays as one line. With
--quiet, or when stderr is not a terminal (a log, a pipe, a test), nothing
is printed at all.
"""
from __future__ import annotations

import sys
import time


def counted(number: int, noun: str) -> str:
    """"1 meeting", "11 meetings": a count in the summary lines, read as English ("1 meetings" was not)."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


class Progress:
    """Stage lines on `stream`, only when `shown`."""

    def __init__(self, shown: bool = False, stream=None):
        self.stream = stream or sys.stderr
        self.shown = shown
        self.started = time.perf_counter()
        self._stage = ""
        self._last = 0.0

    @classmethod
    def for_terminal(cls, quiet: bool) -> "Progress":
        stream = sys.stderr
        return cls(shown=not quiet and stream.isatty(), stream=stream)

    def update(self, stage: str, done: int, total: int) -> None:
        """`stage done/total`, rewritten in place at most ten times a second."""
        if not self.shown:
            return
        now = time.perf_counter()
        if stage == self._stage and done < total and now - self._last < 0.1:
            return
        self._stage, self._last = stage, now
        self.stream.write(f"\r\033[K{stage} {done}/{total}")
        self.stream.flush()

    def finish(self, line: str) -> None:
        """A finished stage, as a line of its own: `parsed 1000 meetings (0.8 s)`."""
        if not self.shown:
            return
        self.stream.write(f"\r\033[K{line} ({time.perf_counter() - self.started:.1f} s)\n")
        self.stream.flush()
        self._stage = ""
