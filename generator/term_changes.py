"""Which meetings a glossary edit can change the analysis of: those that hold a changed name.

A meeting's terms and figures read of the glossary only the names it is found by:
its terms are the longest of them said (terms.make_matcher: each name's tokens →
the first entry that has it), and names with digits mask figures
(figure_masks.glossary_mask_needles). A name added, removed or given to another
entry can change nothing in a text that does not hold it, and a text that holds
it holds each of its words. So a meeting analysed with one glossary is analysed
the same with another unless its paragraphs hold, casefolded, a word of one of the
names that differ (a name's longest word), or, for a name that masks figures, its
digits as a whole run of digits (the mask's pattern allows no digit around them): a
term added to glossary.yaml analyses again the meetings that say it, not every one
(at 5,000 meetings the whole analysis, 24 s with the example's glossary).
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .figure_masks import glossary_mask_needles
from .model import Meeting
from .terms import entry_forms, name_tokens, names_digest

WORD_RE = re.compile(r"\w+")


def glossary_profile(glossary) -> tuple[dict, frozenset[str]]:
    """What the analysis reads of the glossary: (each name's (case-sensitive, tokens) → the
    first entry's slug that has it, as make_matcher keeps them; each name that masks figures,
    as its pattern and the digits a text needs for it)."""
    names: dict[tuple[bool, tuple[str, ...]], str] = {}
    for entry in (glossary.entries if glossary else ()):
        for name, sensitive in entry_forms(entry):
            names.setdefault((sensitive, name_tokens(name, sensitive)), entry.slug)
    masks = frozenset((pattern.pattern, digits) for pattern, digits in glossary_mask_needles(glossary))
    return names, masks


class Changed(NamedTuple):
    """What a meeting's paragraphs must hold to be analysed differently with two glossaries:
    one of `words` (casefolded), or one of `digits` as a whole run of digits."""

    words: frozenset[str]
    digits: frozenset[str]

    @property
    def nothing(self) -> bool:
        return not self.words and not self.digits


def changed_words(before: tuple[dict, frozenset], after: tuple[dict, frozenset]) -> Changed | None:
    """What a meeting must hold (Changed) to be analysed differently with the glossary profiled
    `after` than with the one profiled `before` (glossary_profile); None when a changed name
    has no word to look for (any meeting may then change)."""
    (names_before, masks_before), (names_after, masks_after) = before, after
    words, numbers = set(), set()
    for key in names_before.keys() | names_after.keys():
        if names_before.get(key) != names_after.get(key):
            found = [word for token in key[1] for word in WORD_RE.findall(token)]
            if not found:
                return None
            words.add(max(found, key=len).casefold())
    for _, digits in masks_before ^ masks_after:
        if not digits:
            return None
        numbers.add(digits)
    return Changed(frozenset(words), frozenset(numbers))


def holds_any(meeting: Meeting, changed: Changed) -> bool:
    """Whether any paragraph of the meeting holds one of the changed words (casefolded) or
    digits (a whole run: "20" is not in "2020")."""
    if changed.nothing:
        return False
    text = "\n".join(paragraph.text for paragraph in meeting.paragraphs)
    folded = text.casefold()
    return (any(word in folded for word in changed.words)
            or any(re.search(rf"(?<!\d){re.escape(digits)}(?!\d)", text) for digits in changed.digits))


class GlossaryFit:
    """Whether an analysis made with an earlier glossary holds with this one (`glossary`).

    `profiles`: glossary_profile of each earlier glossary by terms.names_digest (the build
    cache's, Cache.glossaries); an analysis made with one not among them does not hold.
    """

    def __init__(self, glossary, profiles: dict[str, tuple]):
        self.digest = names_digest(glossary)
        self.profile = profiles.get(self.digest) or glossary_profile(glossary)
        self.profiles = profiles
        self._changed: dict[str, Changed | None] = {self.digest: Changed(frozenset(), frozenset())}

    def holds(self, made_with: str, meeting: Meeting) -> bool:
        """True when the meeting's analysis made with the glossary digested `made_with` is the
        one this glossary makes: the same names, or none of those that differ said in it."""
        if made_with not in self._changed:
            before = self.profiles.get(made_with)
            self._changed[made_with] = changed_words(before, self.profile) if before is not None else None
        changed = self._changed[made_with]
        return changed is not None and (changed.nothing or not holds_any(meeting, changed))

    def profiles_of(self, digests) -> dict[str, tuple]:
        """The profiles to keep for the next build: those of these glossaries (the ones the
        analyses in use were made with), this one's included."""
        return {digest: self.profile if digest == self.digest else self.profiles[digest]
                for digest in dict.fromkeys(digests)}
