from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    would_be_label = "Minister Of " * 4000 + ":\n"
    write_transcript(root, "2023-02-17-label.txt", GOOD + would_be_label + "(" * 20000 + "[" * 20000 + "\n")
