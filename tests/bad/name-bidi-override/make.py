from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    write_transcript(root, "2023-02-17-ok.txt", GOOD)
    write_transcript(root, "2023-02-17-\u202ecod.txt", GOOD)  # shown raw, the name reads backwards after the mark
