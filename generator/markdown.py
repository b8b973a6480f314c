"""Markdown for editors' text (bios, definitions, notes) in a safe mode.

Raw HTML is escaped, not passed through; javascript:, vbscript: and data:
links are not made links (markdown-it's validateLink); images are not
rendered, since a page must never load anything from the network. The
output of these functions is the only Markdown HTML that templates show
unescaped.
"""
from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.disable("image")
    return parser


def render_markdown(text: str) -> Markup:
    """Block Markdown (paragraphs, lists, emphasis, links) as safe HTML."""
    return Markup(markdown_parser().render(text or ""))


def render_markdown_inline(text: str) -> Markup:
    """One line of Markdown without the wrapping <p>."""
    return Markup(markdown_parser().renderInline(text or ""))
