"""The figures index page. STUB: filled in by the figures issue."""
from __future__ import annotations

from . import urls
from .model import Archive


def figures_pages(archive: Archive):
    yield urls.FIGURES, "figures.html", {"title": "Figures", "figures": []}
