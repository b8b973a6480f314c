"""Markdown paragraphs of `.md` transcripts as plain text plus formatting spans.

Figures, glossary terms, annotations and search all work on a paragraph's
plain text and offsets into it. So a Markdown paragraph is reduced to the
text a reader sees, and its emphasis, links, code and footnote references
become spans over that text, rendered later as marks by the one escaping
renderer. Raw HTML stays text; unsafe links (javascript:, vbscript:, data:)
are refused by markdown-it and stay text too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

FOOTNOTE_DEF_RE = re.compile(r"^\[\^(?P<label>[^\]\s]{1,40})\]:\s?(?P<text>.*)$")
BOLD_LABEL_RE = re.compile(r"^\*\*(?P<label>[^*\n]{1,160}?)(?::\*\*|\*\*:)(?=\s|$)\s*")
TAGS = {"em_open": "em", "strong_open": "strong", "s_open": "s", "link_open": "a"}


@dataclass(frozen=True)
class Span:
    """Formatting over plain[start:end]: tag is em, strong, s, code, a (with href) or fnref."""

    start: int
    end: int
    tag: str
    value: str = ""
    """The link's href, or the footnote's label."""


@lru_cache(maxsize=1)
def inline_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).use(footnote_plugin)
    parser.enable("strikethrough")
    parser.disable("image")
    return parser


def plain_and_spans(source: str, footnotes: frozenset[str] = frozenset()) -> tuple[str, tuple[Span, ...]]:
    """ "Hello *world*[^1]" → ("Hello world", (em 6–11, fnref 11–11 "1"))."""
    env = {"footnotes": {"refs": {f":{label}": -1 for label in footnotes}}}
    tokens = inline_parser().parseInline(source, env)
    children = tokens[0].children if tokens and tokens[0].children else []
    plain: list[str] = []
    length = 0
    spans: list[Span] = []
    open_spans: list[tuple[str, int, str]] = []
    for token in children:
        if token.type in ("text", "html_inline"):
            piece = token.content
        elif token.type in ("softbreak", "hardbreak"):
            piece = " "
        elif token.type == "code_inline":
            spans.append(Span(length, length + len(token.content), "code"))
            piece = token.content
        elif token.type in TAGS:
            href = token.attrs.get("href", "") if token.type == "link_open" else ""
            open_spans.append((TAGS[token.type], length, str(href)))
            continue
        elif token.type.endswith("_close") and open_spans:
            tag, start, value = open_spans.pop()
            spans.append(Span(start, length, tag, value))
            continue
        elif token.type == "footnote_ref":
            spans.append(Span(length, length, "fnref", token.meta.get("label", "")))
            continue
        else:
            piece = token.content
        plain.append(piece)
        length += len(piece)
    return "".join(plain), tuple(sorted(spans, key=lambda s: (s.start, -s.end)))


def split_footnotes(paragraphs: list[tuple[int, str]], indented: frozenset[int] = frozenset()
                    ) -> tuple[list[tuple[int, str]], dict[str, tuple[int, str]], list[tuple[int, str, int]]]:
    """Paragraphs without the `[^label]: text` definitions; the definitions by label; and
    (line, label, line of the first) of each definition of a label already defined.

    A paragraph that starts at a line of `indented` (a block indented by four spaces) right
    after a definition continues it, as in markdown-it: its text is the note's next paragraph,
    not speech. The repeated definition is kept out of both, continuation included.
    """
    kept, notes, repeated = [], {}, []
    continuing: str | None = None  # the label whose definition the last paragraph belonged to
    for line, text in paragraphs:
        match = FOOTNOTE_DEF_RE.match(text)
        if match:
            label = continuing = match.group("label")
            if label in notes:
                repeated.append((line, label, notes[label][0]))
                continuing = ""  # its continuation is dropped with it
            else:
                notes[label] = (line, match.group("text").strip())
        elif continuing is not None and line in indented:
            if continuing:
                first, note = notes[continuing]
                notes[continuing] = (first, f"{note}\n\n{text}")
        else:
            continuing = None
            kept.append((line, text))
    return kept, notes, repeated


def unbold_label(text: str) -> str:
    """ "**Vladimir Putin:** Thank you" → "Vladimir Putin: Thank you" (bold Markdown labels)."""
    match = BOLD_LABEL_RE.match(text)
    return f"{match.group('label')}: {text[match.end():]}" if match else text
