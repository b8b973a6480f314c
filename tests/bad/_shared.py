"""Helpers for the make.py of bad-input cases that cannot be committed as plain files.

Each case's make.py defines `make(root)`, where `root` is the folder the build
runs in; the content folder is `root / "content"`.
"""
from __future__ import annotations

from pathlib import Path

GOOD = """---
title: Meeting with the Governor
date: 2023-02-17
---
President of Russia Vladimir Putin: Good afternoon.
Governor of Tula Region Alexei Dyumin: Thank you.
Vladimir Putin: Let us begin.
"""
"""A small transcript that builds: three turns, two speakers."""


def write_transcript(root: Path, name: str, data: str | bytes) -> Path:
    """content/transcripts/<name> holding `data` (text is written as UTF-8, newlines as given)."""
    folder = root / "content" / "transcripts"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path
