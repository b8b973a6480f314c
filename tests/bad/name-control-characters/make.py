from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    write_transcript(root, "2023-02-17-ok.txt", GOOD)
    write_transcript(root, "2023-02-17-\x1b[2J\x1b]0;pwned\x07\nevil.txt", GOOD)
