"""The one place that spells the site's URLs.

Every URL is a site path naming a file ("speakers/vladimir-putin.html"), and
every href is made relative to the page that holds it, so the site works from
`file://` exactly as on a host.
"""
from __future__ import annotations

import posixpath

INDEX = "index.html"
SPEAKERS = "speakers/index.html"
FIGURES = "figures/index.html"
GLOSSARY = "glossary/index.html"
SEARCH = "search.html"
STYLESHEET = "static/stenogram.css"
SCRIPT = "static/stenogram.js"


def meeting(slug: str) -> str:
    return f"meetings/{slug}.html"


def speaker(slug: str, page: int = 1) -> str:
    return f"speakers/{slug}.html" if page == 1 else f"speakers/{slug}-p{page}.html"


def term(slug: str) -> str:
    return f"glossary/{slug}.html"


def topic(slug: str) -> str:
    return f"topics/{slug}.html"


def paragraph(meeting_slug: str, number: int) -> str:
    return f"{meeting(meeting_slug)}#p{number}"


def turn(meeting_slug: str, number: int) -> str:
    return f"{meeting(meeting_slug)}#t{number}"


def link(target: str, page: str) -> str:
    """A relative href from page to target, both site paths like 'speakers/x.html'."""
    path, _, fragment = target.partition("#")
    if not path:
        return "#" + fragment
    href = posixpath.relpath(path, posixpath.dirname(page) or ".")
    return f"{href}#{fragment}" if fragment else href
