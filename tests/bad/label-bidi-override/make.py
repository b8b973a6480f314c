from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    reversed_label = "\u202eniutuP rimidalV\u202c"  # shows as "Vladimir Putin", reads as anything
    write_transcript(root, "2023-02-17-bidi.txt", GOOD.replace("Vladimir Putin: Let", reversed_label + ": Let"))
