from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    write_transcript(root, "2023-02-17-x.txt", GOOD)
    # Python refuses to read an integer of over 4,300 digits (a ValueError, not a YAML error)
    (root / "content" / "site.yaml").write_text("language: en\ntitle: " + "9" * 5000 + "\n", encoding="utf-8")
