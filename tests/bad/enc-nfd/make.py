from pathlib import Path

from _shared import GOOD, write_transcript


import unicodedata


def make(root: Path) -> None:
    text = GOOD + "Jos\u00e9 Ram\u00f3n: Hola.\nJos\u00e9 Ram\u00f3n: Adios.\n"
    write_transcript(root, "2023-02-17-nfd.txt", unicodedata.normalize("NFD", text))
