from pathlib import Path

from _shared import GOOD, write_transcript


def make(root: Path) -> None:
    """Lines 1-7 end in CR, CRLF or LF; line 8 holds a Latin-1 byte."""
    lines = GOOD.rstrip("\n").split("\n") + ["Alexei Dyumin: caf\u00e9."]
    ends = ["\r", "\r\n", "\n", "\r", "\r\n", "\n", "\n", "\n"]
    data = b"".join(l.encode("latin-1") + e.encode() for l, e in zip(lines, ends))
    write_transcript(root, "2023-02-17-mixed.txt", data)
