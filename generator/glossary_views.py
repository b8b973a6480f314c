"""Glossary, term and topic pages. STUB: filled in by the glossary issue."""
from __future__ import annotations

from . import urls
from .model import Archive


def glossary_pages(archive: Archive):
    yield urls.GLOSSARY, "glossary.html", {"title": "Glossary", "terms": []}
