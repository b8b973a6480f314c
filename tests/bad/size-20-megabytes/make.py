from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    line = b"Vladimir Putin: " + b"word " * 200 + b"\n"
    write_transcript(root, "2023-02-17-huge.txt", line * (20 * 1024 * 1024 // len(line) + 1))
