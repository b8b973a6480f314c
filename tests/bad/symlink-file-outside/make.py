from pathlib import Path

from _shared import GOOD, write_transcript


import os


def make(root: Path) -> None:
    write_transcript(root, "2023-02-17-ok.txt", GOOD)
    (root / "secret.txt").write_text("Vladimir Putin: the secret.\n")
    os.symlink(root / "secret.txt", root / "content/transcripts/2023-02-17-passwd.txt")
