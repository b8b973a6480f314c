from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    write_transcript(root, "2023-02-17-lines.txt", GOOD + "x\n" * 2_400_000)
