import os
from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    write_transcript(root, "2023-02-17-x.txt", GOOD)
    (root / "www").mkdir()
    os.symlink("www", root / "published")  # as a web root is often linked: site -> /var/www/html
