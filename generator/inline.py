"""Our own escaping renderer for paragraph text.

Transcript text is untrusted. A paragraph is escaped character by character
and the only markup added is from `Mark`s made by our code (insertions,
stage directions, figures, glossary terms, annotations), each a tag name and
attributes that are escaped too. Its output is the one value templates show
without escaping.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from html import escape

from markupsafe import Markup

from .model import interruptions
from .urls import link

SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
INSERTION_RE = re.compile(r"\[[^\[\]\n]{1,300}\]")
OMISSION_RE = re.compile(r"<\s*(?:…|\.\.\.)\s*>")
STAGE_WORDS = (r"applause|laughter|laughs|noise|inaudible|unintelligible|crosstalk|"
               r"without (?:a )?microphone|no microphone|off[- ]mic|from the audience|"
               r"in (?:english|german|russian|french|ukrainian|belarusian|chinese|spanish|italian|japanese|arabic)|"
               r"speaks|speaking|commercial break|singing|pause|interruption|animation|addressing|answering|"
               r"the president|passes|shows|points|continues|went on|reading")
STAGE_RE = re.compile(r"\((?=[^()]{0,160}\))(?:[^()]*\b(?:" + STAGE_WORDS.replace(" ", r"\s+")
                      + r")\b[^()]*)\)\.?", re.IGNORECASE)
"""A stage direction inside a paragraph; its words may be parted by any spaces ("(In\u00a0German.)")."""


@dataclass(frozen=True, order=True)
class Mark:
    """Markup around text[start:end], produced by our code, never by content."""

    start: int
    end: int
    tag: str = field(compare=False)
    attrs: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    priority: int = field(default=0, compare=False)
    """Higher wins when two marks overlap without nesting."""
    tail: str = field(default="", compare=False)
    """Plain text put in a span just before the closing tag (a term's tooltip), escaped."""
    tail_attrs: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    """Attributes of the tail's span."""
    splits: bool = field(default=False, compare=False)
    """A highlight (a note's quoted words) that is cut where it crosses a mark kept before it,
    rather than dropped: its id stays on the first piece, its tail on the last."""
    inner: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    """Attributes of a link just inside this mark's tag, around its words (a figure's link to its
    row): one mark, not two, so the link goes wherever the mark goes, at the cost of one tag."""


def text_marks(text: str) -> list[Mark]:
    """Marks that the transcript conventions imply: [insertions], (stage), <…>, and the
    `…` of an interrupted sentence (lowest priority: it yields to any mark it crosses)."""
    marks = [Mark(m.start(), m.end(), "span", (("class", "insertion"),), 3)
             for m in INSERTION_RE.finditer(text)]
    marks += [Mark(m.start(), m.end(), "span", (("class", "stage"),), 3)
              for m in STAGE_RE.finditer(text)]
    marks += [Mark(m.start(), m.end(), "span", (("class", "omission"), ("title", "omitted passage")), 4)
              for m in OMISSION_RE.finditer(text)]
    marks += [Mark(start, end, "span", (("class", "interruption"), ("title", "interrupted sentence")), 0)
              for start, end in dict.fromkeys((start, end) for _, start, end in interruptions(text))]
    return marks


def choose_marks(marks: list[Mark]) -> list[Mark]:
    """The marks to render, nested: of two that cross, the one of lower priority is dropped, or
    cut into pieces that nest when it `splits`. A mark's `inner` link is dropped where it would
    hold, or sit in, another link (a .md transcript's own). A point mark (a note's or a
    footnote's number) that falls inside a link or a figure moves to its end: a link inside a
    link is invalid, and a figure's words are one."""
    kept: list[Mark] = []
    points: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (-m.priority, m.start, -m.end)):
        if mark.start == mark.end:
            if mark.tail:
                points.append(mark)
            continue
        if mark.start > mark.end:
            continue
        crossed = [k for k in kept if crosses(mark, k)]
        if not crossed:
            kept.append(mark)
        elif mark.splits:
            kept += [piece for piece in pieces(mark, crossed) if not any(crosses(piece, k) for k in kept)]
    links = [k for k in kept if k.tag == "a"]
    if links:
        kept = [replace(k, inner=()) if k.inner and any(a.start < k.end and k.start < a.end for a in links) else k
                for k in kept]
    for point in points:
        at = point.start
        while inside := [k.end for k in kept if k.start < at < k.end and k.tag in ("a", "data")]:
            at = max(inside)
        kept.append(replace(point, start=at, end=at) if at != point.start else point)
    # Of marks over the same words, a highlight goes outside (a note's <mark> around a term's link).
    return sorted(kept, key=lambda m: (m.start, -m.end, not m.splits, -m.priority))


def crosses(mark: Mark, other: Mark) -> bool:
    """The two overlap without one holding the other."""
    return (mark.start < other.start < mark.end < other.end) or (other.start < mark.start < other.end < mark.end)


def pieces(mark: Mark, crossed: list[Mark]) -> list[Mark]:
    """`mark` cut at the ends of the marks it crosses that fall inside it: each piece then lies
    inside or outside each of them. The first piece keeps the id, the last the tail."""
    cuts = sorted({end for k in crossed for end in (k.start, k.end) if mark.start < end < mark.end})
    bounds = [mark.start, *cuts, mark.end]
    without_id = tuple(attr for attr in mark.attrs if attr[0] != "id")
    last = len(bounds) - 2
    return [replace(mark, start=start, end=end, attrs=mark.attrs if i == 0 else without_id,
                    tail=mark.tail if i == last else "")
            for i, (start, end) in enumerate(zip(bounds, bounds[1:]))]


def escape_text(text: str) -> str:
    """html.escape(text, quote=False), without work for the many pieces that need none."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def _open(mark: Mark, page: str) -> str:
    return _open_tag(mark.tag, mark.attrs, page)


def _open_tag(tag: str, attrs: tuple, page: str) -> str:
    parts = ["<", tag]
    for name, value in attrs:
        if name == "href":
            value = _value(name, value, page)
        parts.append(f' {name}="{escape(value, quote=True)}"')
    parts.append(">")
    return "".join(parts)


def _tail(mark: Mark, page: str) -> str:
    if not mark.tail:
        return ""
    return _open_tag("span", mark.tail_attrs, page) + escape_text(mark.tail) + "</span>"


def _value(name: str, value: str, page: str) -> str:
    """An href is given as a site path ("glossary/ssc.html") and made relative to the page."""
    if name != "href" or not page or value.startswith(("#", "//")) or SCHEME_RE.match(value):
        return value  # a fragment or an external URL stays as it is
    return link(value, page)


def render_text(text: str, marks: list[Mark] = (), page: str = "") -> Markup:
    """Escaped text with the chosen marks as tags, correctly nested.

    `page` is the site path of the page the text goes on; hrefs in marks are
    made relative to it.
    """
    chosen = choose_marks(list(marks))
    events: list[tuple[int, int, int, str]] = []  # (position, order, depth key, html)
    for index, mark in enumerate(chosen):
        # Closing tags sort before opening ones at the same position; outer
        # marks open first and close last.
        if mark.start == mark.end:  # a point mark (a footnote reference): open, tail and close at once
            events.append((mark.start, 0.5, index, _open(mark, page) + _tail(mark, page) + f"</{mark.tag}>"))
            continue
        if mark.inner:
            events.append((mark.start, 1, index, _open(mark, page) + _open_tag("a", mark.inner, page)))
            events.append((mark.end, 0, -index, f"</a>{_tail(mark, page)}</{mark.tag}>"))
            continue
        events.append((mark.start, 1, index, _open(mark, page)))
        events.append((mark.end, 0, -index, _tail(mark, page) + f"</{mark.tag}>"))
    events.sort()
    out: list[str] = []
    position = 0
    for at, _, _, html in events:
        out.append(escape_text(text[position:at]))
        out.append(html)
        position = at
    out.append(escape_text(text[position:]))
    return Markup("".join(out))
