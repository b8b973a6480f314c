import unicodedata
from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    # two files a reader cannot tell apart: "é" as one code point, and as "e" and a combining accent
    for form in ("NFC", "NFD"):
        write_transcript(root, unicodedata.normalize(form, "2023-02-17-café.txt"), GOOD)
