"""Markdown for editors' text (bios, definitions, notes, footnotes) in a safe mode.

Raw HTML is escaped, not passed through; only http(s) and mailto URLs and
paths in the site are made links (never javascript:, vbscript:, data: or
file:); images are not rendered, since a page must never load anything from
the network. The output of these functions is the only Markdown HTML that
templates show unescaped.

A link that is not a URL is read as on the page the text belongs to, its
home (a meeting's, for its transcript, footnotes and notes; a term's, for its
definition; a speaker's, for a bio): "x.html" beside it, "#p3" on it, and
"/about.html" from the site's root. It is then written relative to the page
that shows it, which may be another (the notes index shows every note), and
never depends on the folder the build runs in.
"""
from __future__ import annotations

import posixpath
import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup

from . import urls

SAFE_SCHEMES = ("http", "https", "mailto")
SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def is_external(href: str) -> bool:
    """ "https://x.org", "mailto:a@b", "//x.org": not a path in the site."""
    return href.startswith("//") or SCHEME_RE.match(href.casefold()) is not None


def safe_link(url: str) -> bool:
    """Paths in the site and http(s)/mailto URLs only: never javascript:, data:, vbscript: or file:."""
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", url).casefold()
    scheme = SCHEME_RE.match(squeezed)
    return scheme is None or scheme.group(1) in SAFE_SCHEMES


def site_path(href: str, home: str) -> str:
    """The site path that `href`, written on the page `home`, names: "x.html" on "glossary/a.html"
    → "glossary/x.html", "/about.html" → "about.html", "#p3" → "<home>#p3". A path that climbs
    out of the site stays out ("../x.html"), for link_problems to report."""
    path, hash_, fragment = href.partition("#")
    if not path:
        return home + hash_ + fragment
    if not path.startswith("/"):
        path = posixpath.join(posixpath.dirname(home), path)
    return posixpath.normpath(path.lstrip("/")) + hash_ + fragment


def site_href(href: str, page: str, home: str = "") -> str:
    """The href to write on `page` for a link written as `href` on `home` (`page` itself by default)."""
    home = home or page
    if not page or is_external(href) or (href.startswith("#") and home == page):
        return href
    return urls.link(site_path(href, home), page)


def _link_open(self, tokens, idx, options, env):
    token = tokens[idx]
    if env.get("page"):
        token.attrSet("href", site_href(str(token.attrGet("href") or ""), env["page"], env.get("home", "")))
    return self.renderToken(tokens, idx, options, env)


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.disable("image")
    parser.validateLink = safe_link
    parser.add_render_rule("link_open", _link_open)
    return parser


def render_markdown(text: str, page: str = "", home: str = "") -> Markup:
    """Block Markdown (paragraphs, lists, emphasis, links) as safe HTML, to be shown on `page`, the
    text's links read as written on `home` (site_href)."""
    return Markup(markdown_parser().render(text or "", {"page": page, "home": home}))


def render_markdown_inline(text: str, page: str = "") -> Markup:
    """One line of Markdown without the wrapping <p>."""
    return Markup(markdown_parser().renderInline(text or "", {"page": page}))
