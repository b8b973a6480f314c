"""Figures: every quantity said in the archive (money, percentages, counts).

STUB: filled in by the figures issue. The pipeline calls extract_figures();
views call figure_marks().
"""
from __future__ import annotations


def extract_figures(meetings, glossary, speaker_of) -> tuple:
    """Every figure in speech and preamble text, in document order."""
    return ()


def figure_marks(archive) -> dict:
    """(meeting slug, paragraph number) → [inline.Mark] for <data class="figure">."""
    return {}
