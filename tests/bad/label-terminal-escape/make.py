from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    red = GOOD.replace("President of Russia", "\x1b[31mPresident of Russia\x1b[0m")
    write_transcript(root, "2023-02-17-esc.txt", red)
