"""The one place that spells the site's URLs.

Every URL is a site path naming a file ("speakers/vladimir-putin.html"), and
every href is made relative to the page that holds it, so the site works from
`file://` exactly as on a host.
"""
from __future__ import annotations

import posixpath
from functools import lru_cache

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


def figures(page: int) -> str:
    """figures/page-<page>.html: an older page of the figures index (figure_views.page_paths)."""
    return posixpath.join(posixpath.dirname(FIGURES), f"page-{page}.html")


def term(slug: str) -> str:
    return f"glossary/{slug}.html"


def topic(slug: str) -> str:
    return f"topics/{slug}.html"


def paragraph(meeting_slug: str, number: int) -> str:
    return f"{meeting(meeting_slug)}#p{number}"


def turn(meeting_slug: str, number: int) -> str:
    return f"{meeting(meeting_slug)}#t{number}"


def link(target: str, page: str) -> str:
    """A relative href from page to target, both site paths like 'speakers/x.html'.

    Called for every link of every page (hundreds of thousands in a large
    archive) and posixpath.relpath is slow, so answers are remembered per
    (target path, folder of the page): a site has few folders.
    """
    path, _, fragment = target.partition("#")
    if not path:
        return "#" + fragment
    href = relative_path(path, page_folder(page))
    return f"{href}#{fragment}" if fragment else href


@lru_cache(maxsize=4096)
def page_folder(page: str) -> str:
    return posixpath.dirname(page) or "."


@lru_cache(maxsize=1 << 18)
def relative_path(path: str, folder: str) -> str:
    """Both read from the site's root (a leading "/" too, and ".." stops there): relpath alone
    would place a path that starts with "/" or climbs out by the folder the build runs in."""
    return posixpath.relpath("/" + path.lstrip("/"), "/" + folder)
