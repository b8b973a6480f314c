"""Finding glossary terms in the text of meetings.

The text is split into words, spaces and punctuation marks, and every name
of every entry is a path in a trie of such tokens, so the longest name at
each word wins ("Supreme State Council of the Union State" over "Union
State") in one walk, and names only ever start and end on word boundaries.
Abbreviations (and all-capital names) are matched case-sensitively, so "AIM"
is a term and "aim" a word; other names in any case. A space in a name
matches any run of spaces, NBSPs included; an apostrophe matches the curly
ones. Speaker labels are not paragraph text, so they are never searched.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from .cache import digest_text
from .glossary_file import Glossary, GlossaryEntry, is_abbreviation_shaped
from .model import Meeting, Paragraph, SectionBreak, Turn

SEARCHED_KINDS = frozenset({"speech", "preamble", "text", "heading"})
"""Paragraph kinds whose terms count; stage directions and omissions are not words said."""

URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"]+")
"""Words inside a URL are not a mention."""


class TermHit(NamedTuple):
    """One occurrence of a glossary term in a paragraph.

    A named tuple, not a dataclass, as figures.Figure: an archive with a glossary holds
    hundreds of thousands of them (180,000 at 5,000 meetings with the example's).
    """

    term: str
    """The entry's slug."""
    meeting: str
    """The meeting's slug."""
    paragraph: int
    start: int
    end: int
    """text[start:end] of the paragraph is what was said."""
    said: str
    """The words as they stand in the text ("SSC", "Supreme State Council")."""
    turn: int
    """The turn's number, or 0 outside turns (preamble, headings)."""
    scope: int
    """Linking scope within the meeting: a turn, or a run of paragraphs between turns."""
    linkable: bool = True
    """False inside a Markdown link, where another link would nest."""

    def __reduce__(self) -> tuple:
        """Unpickled by tuple.__new__ itself, not by the named tuple's __new__ (a Python call each)."""
        return tuple.__new__, (TermHit, tuple(self))


def plural_of(name: str) -> str:
    """The regular English plural of a name's last word ("programme" → "programmes")."""
    if is_abbreviation_shaped(name):
        return name + "s"
    if re.search(r"[^aeiou]y$", name, re.IGNORECASE):
        return name[:-1] + "ies"
    if re.search(r"(?:s|x|z|ch|sh)$", name, re.IGNORECASE):
        return name + "es"
    return name + "s"


def entry_forms(entry: GlossaryEntry) -> list[tuple[str, bool]]:
    """(name, case-sensitive) for every form of the entry that is linked."""
    forms = []
    for name in (entry.term, *entry.aliases):
        sensitive = name in entry.abbreviations or is_abbreviation_shaped(name)
        forms.append((name, sensitive))
        if entry.plural:
            forms.append((plural_of(name), sensitive))
    return list(dict.fromkeys(forms))


def names_digest(glossary: Glossary | None) -> str:
    """A digest of what the analysis of a meeting reads of the glossary: each entry's slug and
    the names it is found by (entry_forms; those with digits also mask figures:
    figure_masks.glossary_mask_needles), in order. Not the definitions, topics or links: an
    edit to those analyses no meeting again. Each analysis entry holds this digest of the
    glossary it was made with; term_changes tells whether it holds with another."""
    return digest_text(repr([(entry.slug, entry_forms(entry)) for entry in (glossary.entries if glossary else ())]))


TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]")
"""Words, runs of space (NBSPs included) and single punctuation marks."""
START_RE = re.compile(r"\w+|[^\w\s]")
"""Where a name may begin: a word or a punctuation mark."""
END = ""
"""Key of a trie node that ends a name: the entry's slug."""


def normal_token(token: str) -> str:
    """Every run of space is one space; curly apostrophes and hyphen variants are plain."""
    if token[0].isspace():
        return " "
    if token in "'’‘ʼ":
        return "'"
    return "-" if token in "-\u2010\u2011" else token


def name_tokens(name: str, case_sensitive: bool) -> tuple[str, ...]:
    tokens = tuple(normal_token(t) for t in TOKEN_RE.findall(name.strip()))
    return tokens if case_sensitive else tuple(t.casefold() for t in tokens)


@dataclass(frozen=True)
class Matcher:
    """Two tries of name tokens: one matched exactly, one case-insensitively."""

    exact: dict
    folded: dict
    depth: int
    """Tokens in the longest name, plus two to see a following "-2"."""

    @property
    def empty(self) -> bool:
        return not self.exact and not self.folded


def make_matcher(glossary: Glossary | None) -> Matcher:
    """Every form of every entry in a trie, so the longest name at each word is found in one walk."""
    exact: dict = {}
    folded: dict = {}
    depth = 0
    for entry in (glossary.entries if glossary else ()):
        for name, sensitive in entry_forms(entry):
            node = exact if sensitive else folded
            tokens = name_tokens(name, sensitive)
            depth = max(depth, len(tokens))
            for token in tokens:
                node = node.setdefault(token, {})
            node.setdefault(END, entry.slug)
    return Matcher(exact, folded, depth + 2)


def longest_at(trie: dict, tokens: list[str], i: int) -> tuple[int, str] | None:
    """(end token index, slug) of the longest name starting at token i, if any."""
    node, best = trie, None
    for j in range(i, len(tokens)):
        node = node.get(tokens[j])
        if node is None:
            break
        if END in node and not joined_number(tokens, j + 1):
            best = (j + 1, node[END])
    return best


def joined_number(tokens: list[str], j: int) -> bool:
    """ "LNG" in "Yamal LNG-2" is part of another name: a hyphen and a number follow."""
    return j + 1 < len(tokens) and tokens[j] == "-" and tokens[j + 1][:1].isdigit()


def spans(regex: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in regex.finditer(text)]


def inside(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in ranges)


def match_names(matcher: Matcher, text: str) -> list[tuple[str, int, int]]:
    """(slug, start, end) of each name in the text, longest first, left to right, never overlapping.

    Only a word that begins some name starts a walk, so most of the text is
    passed over at the speed of the regular expression.
    """
    hits = []
    resume = 0
    for word in START_RE.finditer(text):
        first = normal_token(word.group())
        if word.start() < resume or (first not in matcher.exact and first.casefold() not in matcher.folded):
            continue
        found = []
        for token in TOKEN_RE.finditer(text, word.start()):
            found.append((token.end(), normal_token(token.group())))
            if len(found) == matcher.depth:
                break
        exact = [t for _, t in found]
        candidates = [c for c in (longest_at(matcher.exact, exact, 0),
                                  longest_at(matcher.folded, [t.casefold() for t in exact], 0)) if c]
        if candidates:
            end, slug = max(candidates)
            resume = found[end - 1][0]
            hits.append((slug, word.start(), resume))
    return hits


def paragraph_hits(matcher: Matcher, paragraph: Paragraph) -> list[tuple[str, int, int, bool]]:
    """(slug, start, end, linkable) for each term in one paragraph, left to right.

    Words in a URL or in Markdown code are not mentions; a term inside a
    Markdown link counts, but is not linked again (no link inside a link).
    """
    text = paragraph.text
    skipped = spans(URL_RE, text)
    linked: list[tuple[int, int]] = []
    for span in paragraph.format:
        if span.tag == "a":
            linked.append((span.start, span.end))
        elif span.tag == "code":
            skipped.append((span.start, span.end))
    return [(slug, start, end, not inside(start, end, linked))
            for slug, start, end in match_names(matcher, text) if not inside(start, end, skipped)]


def scoped_paragraphs(meeting: Meeting):
    """(paragraph, turn number, scope) in document order; consecutive paragraphs outside turns share a scope."""
    scope, open_run = 0, False
    for block in meeting.blocks:
        if isinstance(block, Turn):
            scope += 1
            open_run = False
            for paragraph in block.paragraphs:
                yield paragraph, block.number, scope
        elif isinstance(block, SectionBreak):
            open_run = False
        elif isinstance(block, Paragraph):
            if not open_run:
                scope += 1
                open_run = True
            yield block, 0, scope


def find_terms(meetings, glossary: Glossary | None) -> tuple[TermHit, ...]:
    """Every term occurrence in speech, preamble and headings, in document order.

    All occurrences are kept (the glossary pages count them); which ones are
    linked is decided when marks are made (see glossary.term_marks).
    """
    matcher = make_matcher(glossary)
    if matcher.empty:
        return ()
    hits: list[TermHit] = []
    for meeting in meetings:
        for paragraph, turn, scope in scoped_paragraphs(meeting):
            if paragraph.kind not in SEARCHED_KINDS:
                continue
            for slug, start, end, linkable in paragraph_hits(matcher, paragraph):
                hits.append(TermHit(term=slug, meeting=meeting.slug, paragraph=paragraph.number,
                                    start=start, end=end, said=paragraph.text[start:end],
                                    turn=turn, scope=scope, linkable=linkable))
    return tuple(hits)
