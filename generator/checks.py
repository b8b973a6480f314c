"""Content checks that only `build.py check` runs: advice for editors, not errors."""
from __future__ import annotations

from .model import Archive, ContentInput, Problem
from .speaker_checks import duplicate_speakers, unused_speaker_entries
from .term_candidates import glossary_candidates

CHECKS = (
    duplicate_speakers,
    unused_speaker_entries,
    glossary_candidates,
)
"""Functions (archive, content) → problems; each capability adds its own."""


def content_checks(archive: Archive, content: ContentInput) -> list[Problem]:
    problems: list[Problem] = []
    for check in CHECKS:
        problems += check(archive, content)
    return problems
