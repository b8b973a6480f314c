"""The topic glossary: loading glossary.yaml and finding terms in the text.

STUB: filled in by the glossary issue. The pipeline calls load_glossary()
and find_terms(); views call term_marks().
"""
from __future__ import annotations


def load_glossary(source) -> tuple[object, list]:
    """(Glossary or None, problems) from content/glossary.yaml."""
    return None, []


def find_terms(meetings, glossary, config) -> tuple:
    """Every term occurrence in speech, preamble and headings, in document order."""
    return ()


def term_marks(archive) -> dict:
    """(meeting slug, paragraph number) → [inline.Mark] linking terms (class="term")."""
    return {}
