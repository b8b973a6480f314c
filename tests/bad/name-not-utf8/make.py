from pathlib import Path

from _shared import GOOD, write_transcript


import os


def make(root: Path) -> None:
    write_transcript(root, "2023-02-17-ok.txt", GOOD)
    folder = os.fsencode(root / "content" / "transcripts")
    with open(folder + b"/2023-02-17-bad\xffname.txt", "wb") as handle:
        handle.write(GOOD.encode())
