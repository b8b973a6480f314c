from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    write_transcript(root, "2023-02-17-long.txt", GOOD + "Vladimir Putin: " + "a" * 100_000 + "\n")
