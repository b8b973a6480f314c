from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    write_transcript(root, "2023-02-17-utf16.txt", GOOD.encode("utf-16-le"))
