from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    write_transcript(root, "2023-02-17-image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
