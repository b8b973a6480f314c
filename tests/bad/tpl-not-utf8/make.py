from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    write_transcript(root, "2023-02-17-x.txt", GOOD)
    (root / "content/templates").mkdir()
    latin1 = b"{% extends 'base.html' %}{% block main %}M\xfcller{% endblock %}\n"
    (root / "content/templates/index.html").write_bytes(latin1)
