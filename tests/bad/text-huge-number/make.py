from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    write_transcript(root, "2023-02-17-x.txt", GOOD + "Vladimir Putin: We spent " + "9" * 4300 + " dollars, and "
                     + "9" * 38 + " billion rubles, and 40 billion rubles.\n")
