from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    """A Latin-1 "ü" (0xFC) on line 8."""
    text = GOOD + "Alexei Dyumin: Herr M\u00fcller is here.\n"
    write_transcript(root, "2023-02-17-latin1.txt", text.encode("latin-1"))
