from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    write_transcript(root, "2023-02-17-x.txt", GOOD)
    (root / "content" / "speakers.yaml").write_text(
        "- name: Vladimir Putin\n  aliases: [Putin]\n  bio: President\x01 of Russia.\n", encoding="utf-8")
