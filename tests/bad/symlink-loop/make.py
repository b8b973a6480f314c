from pathlib import Path

from _shared import GOOD, write_transcript


import os


def make(root: Path) -> None:
    write_transcript(root, "2023-02-17-ok.txt", GOOD)
    folder = root / "content/transcripts"
    os.symlink("2023-02-17-b.txt", folder / "2023-02-17-a.txt")
    os.symlink("2023-02-17-a.txt", folder / "2023-02-17-b.txt")
