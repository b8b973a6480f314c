"""Content checks that only `build.py check` runs: advice for editors, not errors."""
from __future__ import annotations

from .model import Archive, ContentInput, Problem

CHECKS = ()
"""Functions (archive, content) → problems; each capability adds its own."""


def content_checks(archive: Archive, content: ContentInput) -> list[Problem]:
    problems: list[Problem] = []
    for check in CHECKS:
        problems += check(archive, content)
    return problems
