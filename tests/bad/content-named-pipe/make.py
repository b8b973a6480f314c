import os
from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    write_transcript(root, "2023-02-17-x.txt", GOOD)
    os.mkfifo(root / "content" / "site.yaml")  # read, it would wait for a writer forever
    os.mkfifo(root / "content" / "transcripts" / "2023-02-18-pipe.txt")
