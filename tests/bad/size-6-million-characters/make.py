from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    line = "Vladimir Putin: " + "word " * 200 + "\n"
    write_transcript(root, "2023-02-17-big.txt", GOOD + line * (6_000_000 // len(line)))
