from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    write_transcript(root, "2023-02-17-nul.txt", GOOD.replace("Governor of Tula", "Governor\x00of Tula"))
