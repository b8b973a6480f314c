from pathlib import Path

from _shared import GOOD, write_transcript


import os


def make(root: Path) -> None:
    write_transcript(root, "2023-02-17-ok.txt", GOOD)
    os.symlink("nowhere.txt", root / "content/transcripts/2023-02-17-gone.txt")
