"""Checking a built site as a browser would see it, with only the stdlib parser.

Reused by every test that builds pages: `site_problems(root)` walks each HTML
page and returns what would break offline (a link to a missing file or a bare
folder, a fragment with no matching id, an absolute path, an asset fetched
from the network); `parse_html` gives a small element tree for targeted
asserts (`find_all(tree, "section", cls="turn")`, `text_of(node)`).
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
URL_ATTRS = ("href", "src", "poster", "srcset", "action", "data")
ASSET_RELS = frozenset("stylesheet icon preload modulepreload manifest prefetch apple-touch-icon".split())
"""`<link rel=…>` values whose href the browser fetches (canonical or alternate are only named)."""
CSS_URL_RE = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


@dataclass
class Element:
    """One element of a parsed page: enough for asserts, not a DOM."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list = field(default_factory=list)
    """Elements and text strings, in document order."""

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, 1)
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: (v if v is not None else "") for k, v in attrs}, self.getpos()[0])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        # Close up to the matching open element; a stray end tag is ignored.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Element:
    """The page as a tree of Elements under a "#document" root."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def iter_elements(node: Element):
    """Every element under `node` (itself included), in document order."""
    yield node
    for child in node.children:
        if isinstance(child, Element):
            yield from iter_elements(child)


def find_all(node: Element, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Element]:
    """Elements with this tag, class and attribute values (`data_speaker=` means data-speaker)."""
    wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
    return [e for e in iter_elements(node)
            if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)
            and all(e.attrs.get(k) == v for k, v in wanted.items())]


def find_one(node: Element, tag: str | None = None, cls: str | None = None, **attrs: str) -> Element:
    found = find_all(node, tag, cls, **attrs)
    assert len(found) == 1, f"expected one <{tag or '*'}> class={cls!r} {attrs}, found {len(found)}"
    return found[0]


def text_of(node: Element) -> str:
    """The text inside an element, spaces collapsed."""
    parts: list[str] = []

    def walk(n):
        for child in n.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in ("script", "style"):
                walk(child)
    walk(node)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


@dataclass(frozen=True)
class Reference:
    """One URL written in a page."""

    tag: str
    attr: str
    url: str
    line: int
    asset: bool
    """True when the browser fetches it to show the page (img src, stylesheet, script)."""


def page_references(tree: Element) -> list[Reference]:
    refs = []
    for element in iter_elements(tree):
        for attr in URL_ATTRS:
            value = element.attrs.get(attr)
            if value is None or (attr == "data" and element.tag != "object"):
                continue
            if attr == "action" and element.tag != "form":
                continue
            urls = [part.strip().split()[0] for part in value.split(",") if part.strip()] if attr == "srcset" else [value]
            asset = attr != "href" or (element.tag == "link" and bool(
                ASSET_RELS & set(element.attrs.get("rel", "").lower().split())))
            refs.extend(Reference(element.tag, attr, url, element.line, asset) for url in urls)
        style = element.attrs.get("style", "")
        for match in CSS_URL_RE.finditer(style):
            refs.append(Reference(element.tag, "style", match.group(1) or match.group(2), element.line, True))
    return refs


def page_ids(tree: Element) -> list[str]:
    return [e.attrs["id"] for e in iter_elements(tree) if "id" in e.attrs]


def site_pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def site_problems(root: Path) -> list[str]:
    """Every broken or non-offline reference in the site, as `page:line: message`."""
    root = root.resolve()
    trees = {page: parse_html(page.read_text(encoding="utf-8")) for page in site_pages(root)}
    ids = {page: page_ids(tree) for page, tree in trees.items()}
    problems: list[str] = []
    for page, tree in trees.items():
        shown = page.relative_to(root).as_posix()
        seen: set[str] = set()
        for ident in ids[page]:
            if ident in seen:
                problems.append(f"{shown}:1: duplicate id {ident!r}")
            seen.add(ident)
        for ref in page_references(tree):
            problem = reference_problem(ref, page, root, ids)
            if problem:
                problems.append(f"{shown}:{ref.line}: <{ref.tag} {ref.attr}={ref.url!r}>: {problem}")
    for sheet in sorted(root.rglob("*.css")):
        text = sheet.read_text(encoding="utf-8")
        for match in CSS_URL_RE.finditer(text):
            url = match.group(1) or match.group(2)
            line = text.count("\n", 0, match.start()) + 1
            ref = Reference("css", "url", url, line, True)
            problem = reference_problem(ref, sheet, root, ids)
            if problem:
                problems.append(f"{sheet.relative_to(root).as_posix()}:{line}: url({url!r}): {problem}")
    return problems


def reference_problem(ref: Reference, page: Path, root: Path, ids: dict[Path, list[str]]) -> str:
    """Why this reference would fail offline, or "" when it is fine."""
    url = ref.url.strip()
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") or url.startswith("//"):
        return "fetched from the network" if ref.asset else ""
    if parts.scheme in ("mailto", "tel") and not ref.asset:
        return ""
    if parts.scheme == "data" and ref.asset:
        return ""
    if parts.scheme or parts.netloc:
        return f"unexpected URL scheme {parts.scheme!r}"
    if url.startswith("/"):
        return "absolute path (breaks file://); use a relative link"
    fragment = unquote(parts.fragment)
    if not parts.path:
        target = page
    else:
        if parts.path.endswith("/"):
            return "links to a folder, not a file"
        relative = posixpath.normpath(posixpath.join(page.parent.relative_to(root).as_posix(), unquote(parts.path)))
        if relative == ".." or relative.startswith("../"):
            return "leaves the site folder"
        target = root / relative
        if target.is_dir():
            return "links to a folder, not a file"
        if not target.is_file():
            return "target file does not exist"
    if "#" in url:
        if not fragment:
            return "empty fragment '#'"
        if target.suffix != ".html":
            return "fragment on a non-HTML file"
        if fragment not in ids.get(target, ()):
            return f"no id {fragment!r} on {target.relative_to(root).as_posix()}"
    return ""
