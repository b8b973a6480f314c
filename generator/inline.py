"""Our own escaping renderer for paragraph text.

Transcript text is untrusted. A paragraph is escaped character by character
and the only markup added is from `Mark`s made by our code (insertions,
stage directions, figures, glossary terms, annotations), each a tag name and
attributes that are escaped too. Its output is the one value templates show
without escaping.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

from .model import interruptions
from .urls import link

SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
INSERTION_RE = re.compile(r"\[[^\[\]\n]{1,300}\]")
OMISSION_RE = re.compile(r"<\s*(?:…|\.\.\.)\s*>")
STAGE_WORDS = (r"applause|laughter|laughs|noise|inaudible|unintelligible|crosstalk|"
               r"without (?:a )?microphone|no microphone|off[- ]mic|in (?:english|german|russian|french)|"
               r"speaks|speaking|commercial break|singing|pause|interruption|animation|"
               r"the president|passes|shows|points|continues|reading")
STAGE_RE = re.compile(r"\((?=[^()]{0,80}\))(?:[^()]*\b(?:" + STAGE_WORDS + r")\b[^()]*)\)\.?",
                      re.IGNORECASE)


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
    """Drop marks that cross another one: nesting is fine, crossing is not."""
    kept: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (-m.priority, m.start, -m.end)):
        if mark.start > mark.end or (mark.start == mark.end and not mark.tail):
            continue
        if all(mark.end <= k.start or mark.start >= k.end
               or (k.start <= mark.start and mark.end <= k.end)
               or (mark.start <= k.start and k.end <= mark.end) for k in kept):
            kept.append(mark)
    return sorted(kept, key=lambda m: (m.start, -m.end, -m.priority))


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
