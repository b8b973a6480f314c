"""What only looks like a figure: dates, references, names and numbers of things.

"Article 15", "July 7-8", "10:30", "Su-25", "Superjet 100", "G20",
"+7 495 606-36-02": digits that count nothing. Each mask is a span of a
paragraph's text in which no numeral is read as a figure. Glossary entries
whose names hold digits become masks too, so an editor can teach the index
a product name by adding it to glossary.yaml.

Speed: every paragraph of the archive passes through here. A regex scan
of the whole text costs as much as the rest of the work on it, so each
mask is looked for only when a cheap test shows it could be there (a
substring, a scan that starts at a fixed character, a look at the numbers
already found); the tests never change what is found. Patterns start with
a character, not with `\\b`, where they can: the regex engine then jumps to
the characters that can start a match instead of trying every position
(`(?<!\\w.)` right after a word's first letter is the `\\b` before it).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from itertools import accumulate
from operator import attrgetter

from .numbers import ONES, SIGNS, TENS, numerals_in


def word_start(words: list[str], boundary: str = r"\w") -> str:
    r"""`\b(?:word|word…)` written so that a match starts with a letter: "J(?<!\w.)(?:anuary|une)|…".

    The words are grouped by first letter, in their order, so the regex
    tries them as before; `boundary` is what may not come before a word.
    """
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(word[1:])
    return "(?:" + "|".join(f"{re.escape(first)}(?<!{boundary}.)(?:{'|'.join(rests)})"
                            for first, rests in groups.items()) + ")"


MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.")
_DASH = r"\s*[-–—−‑]\s*"
_WORD_NUMBER = "|".join(list(ONES) + list(TENS) + ["hundred", "thousand"])

COMMON_CAPITALS = frozenset("""
    this these that those while since over some about around almost nearly only just using in on at
    by for from to of with and but or so then now today yesterday tomorrow last next another
    approximately roughly up more less fewer under below above every each all both including among
    after before during until between within if when where we i you they he she it our their his her
    its my your exactly already still even also perhaps maybe well yes no plus minus total overall
    here there what which who how why than as the a an reaching
    """.split())
"""Capitalised words that start a sentence, so "Over 500" is no product name."""

_REFERENCE_WORDS = (r"articles?|clauses?|sections?|paragraphs?|chapters?|items?|nos?\.|number|resolutions?|"
                    r"decrees?|protocols?|annex|appendix|pages?|top|grades?|flights?|routes?|highway|platforms?|"
                    r"gates?|version|season|episodes?|volumes?|vol\.|parts?|phases?|rounds?|stages?|units?|blocks?|"
                    r"buildings?|halls?|rooms?|hospital|school|kindergarten|gymnasium|lyceum|order|law|code|"
                    r"lines?|levels?|points?|sites?|ward|class|classes")
_REFERENCE_FORMS = tuple(form for word in _REFERENCE_WORDS.replace("\\.", ".").split("|")
                         for form in ((word.replace("s?", "s"), word.replace("s?", "")) if "s?" in word else (word,)))
"""Every spelling of a reference word: "article", "articles", "no.", "nos." …"""
_REFERENCE_ENDS = frozenset(form[-2:] for form in _REFERENCE_FORMS)
"""The last two letters of every spelling: a cheap test before the look at all of them."""

# The masks, in the order their spans are listed (read_noun takes the first that starts at a place).
DATE_RE = re.compile(rf"{word_start(MONTHS.split('|'))}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?(?:{_DASH}\d{{1,2}})?)?"
                     r"(?:,?\s+\d{4})?(?!\w)")
""""May 22", "January 1, 2019", "December 17–19, 2012", "September 2014"."""
DAY_MONTH_RE = re.compile(rf"\d(?<!\w.)\d?(?:st|nd|rd|th)?(?:{_DASH}\d{{1,2}})?\s+(?:of\s+)?(?:{MONTHS})"
                          r"(?:,?\s+\d{4})?(?!\w)")
""""22 May", "7–8 of July 2019"."""
CLOCK_RE = re.compile(r"\d(?<!\w.)\d?(?:[:.]\d{2})?\s*(?:a\.m\.|p\.m\.|am\b|pm\b|o[’']clock\b)", re.IGNORECASE)
"""Clock times: "12.45 am", "9 am", "10 o’clock"."""
HOURS_MINUTES_RE = re.compile(r"\d(?<!\w.)\d?:\d{2}\b")
WORD_CLOCK_RE = re.compile(rf"\b(?:{_WORD_NUMBER})\s+(?:o[’']clock|a\.m\.|p\.m\.)")
""""five o’clock" (on lower-cased text)."""
REFERENCE_RE = re.compile(rf"\b(?:{_REFERENCE_WORDS})\s+(?:no\.\s*)?(?:\d+(?:[.\-–]\d+)*[a-z]?|(?:{_WORD_NUMBER})\b)")
"""References: "Article 282", "Resolution 2254", "Law No. 94", "number one", "top 20" (on lower-cased text)."""
MODEL_RE = re.compile(r"\b(?=[a-z]{0,12}[A-Z])[A-Za-z]{1,15}[-‑]?\d+(?:[-‑.]?[A-Za-z\d]+)*\b")
"""Model and product names: "Su-25", "MC-21", "G20", "COVID-19", "A320", "Tu-160M"."""
GLUED_RE = re.compile(r"\d(?<!\w.)\d*(?!(?:bn|mln|mn|trln|tn|k|m|km|kg|t|ha|MW|GW|kW|kWh|MWh|GWh|TWh|m2|m3|km2)\b)"
                      r"[A-Za-z]+\w*")
"""Digits glued to letters: "2D", "5G", "1990s", "24th" (unit suffixes are let through)."""
LETTERS_DIGITS_RE = re.compile(r"\b[A-Za-z]+\d+[A-Za-z]\w*")
"""Letters, digits, letters: "Rome2rio", "mp3s"."""
ITEM_RE = re.compile(r"[(\[]\d{1,3}[)\]]")
"""Item numbers in brackets: "(1)", "[2]"."""
RATIO_RE = re.compile(r"\d(?<!\w.)\d*/\d+\b")
"""Ratios and schedules: "24/7", "1/3"."""
PHONE_RE = re.compile(r"\+\d[\d\s()\-]{6,}\d|\b\d{1,4}(?:-\d{2,4}){2,}\b|(?:\b\d\s?)?\(\d{3,5}\)\s?\d[\d\s-]{4,}\d")
"""Phone numbers: "+7 495 606-36-02", "8-800-200-34-11"."""
NUMBER_SIGN_RE = re.compile(r"[#№]\s*\d+")
"""Numbers that name a thing: "Resolution #719", "school № 5"."""
GROUP_OF_RE = re.compile(r"G(?<!\w.)roup\s+of\s+\d+\b")
""""the Group of 20": a name, like "G20"."""
LIST_TAIL_RE = re.compile(r"\s+(?:and|or)\s+(?:no\.\s*)?\d+(?:[.\-–]\d+)*[a-z]?(?!\w|[.,]\d)"
                          r"(?=\s*(?:$|[^\w\s%]|(?:of|in|at|on|are|were|is|was|will|have|has|which|respectively)\b))",
                          re.IGNORECASE)
"""The next number of a list that a date or a reference opens: "units 3 and 4", "on April 24 and 30".
Only a number that nothing counts or measures: "Article 15 and 300 companies" keeps its figure."""

_MASK_RES = (DATE_RE, DAY_MONTH_RE, CLOCK_RE, HOURS_MINUTES_RE, WORD_CLOCK_RE, REFERENCE_RE, MODEL_RE, GLUED_RE,
             LETTERS_DIGITS_RE, ITEM_RE, RATIO_RE, PHONE_RE, NUMBER_SIGN_RE, GROUP_OF_RE)
_LOWER_MASK_RES = (WORD_CLOCK_RE, REFERENCE_RE)
"""Masks written in lower case and matched on lower-cased text; the only ones a text without digits needs."""
_LISTING_RES = (DATE_RE, REFERENCE_RE)
"""Masks whose number may be the first of a list (LIST_TAIL_RE)."""

# Cheap tests: each pattern below starts with a fixed character, which the engine finds fast.
_AM_PM_RE = re.compile(r"m(?<=[\d\s][ap]m)")
_DIGIT_COLON_RE = re.compile(r":(?<=\d:)\d")
_PHONE_DASHES_RE = re.compile(r"-(?<=\d-)\d{2,4}-\d")
_GLUED_DIGIT_RE = re.compile(r"\d(?:(?<=[A-Za-z]\d)(?:(?=[A-Za-z])()|())|(?<=[A-Za-z][-‑]\d)(?:(?=[A-Za-z])()|())"
                             r"|(?=[A-Za-z])())")
"""A digit with an ASCII letter before it (a hyphen between allowed) or right after it. The group
that matched (lastindex) says which: a letter before and after (1) or only before (2), a letter and
a hyphen before and a letter after (3) or only before (4), a letter only after (5)."""
_LETTER_BEFORE, _HYPHEN_BEFORE, _LETTER_AFTER = {1, 2}, {3, 4}, {1, 3, 5}
_DIGIT_RE = re.compile(r"\d")
_SPAN = re.Match.span
_LAST_INDEX = attrgetter("lastindex")
_FIGURE_WORDS = [*ONES, *TENS, "hundred", "thousand", "million", "billion", "trillion", "dozen", "dozens",
                 "hundreds", "thousands", "millions", "billions", "trillions", "twice", "several", "many"]
_FIGURE_WORD_RE = re.compile(word_start(sorted(_FIGURE_WORDS, key=len, reverse=True), "[a-z]") + "(?![a-z])")
"""A cheap first look: a paragraph without digits, these words or "-fold" holds no figure."""
_NUMBER_WORDS = tuple(_WORD_NUMBER.split("|"))
_CAPWORD_NUMBER_RE = re.compile(r"([A-Z](?<!\w.)[\w-]*)(?![’'])[ \u00a0](\d+(?:\.\d+)?)\b(?!,\d{3})")
_LIST_NUMBER_RE = re.compile(r"^\s*\(?\d{1,2}[.)]\s")
_SENTENCE_END_RE = re.compile(r"[.!?…][\"”’)\]]*\s+$")
_UNIT_AFTER_RE = re.compile(r"\s*(?:%|(?:per\s?cent|percent|thousand|million|billion|trillion|bn|mln)\b)",
                            re.IGNORECASE)
_OPENERS = ("“", '"', "…", "–", "—", "(")
_DIGIT_RUN_RE = re.compile(r"\d+")


def glossary_masks(glossary) -> tuple[re.Pattern, ...]:
    """Glossary terms and aliases with digits ("Superjet 100", "S-400") as patterns."""
    return tuple(pattern for pattern, _ in glossary_mask_needles(glossary))


def glossary_mask_needles(glossary) -> tuple[tuple[re.Pattern, str | None], ...]:
    """(pattern, digits it needs) for each glossary mask: "Superjet 100" is only looked for
    in a text that holds "100" (digits have no case, so this holds case-blind too)."""
    names = set()
    for entry in getattr(glossary, "entries", ()) or ():
        for name in (getattr(entry, "term", ""), *getattr(entry, "aliases", ())):
            if name and any(ch.isdigit() for ch in name):
                names.add(name)
    return tuple((re.compile(r"(?<!\w)" + r"\s+".join(re.escape(part) for part in name.split()) + r"(?!\w)",
                             re.IGNORECASE), _digits_in(name))
                 for name in sorted(names, key=len, reverse=True))


def _digits_in(name: str) -> str | None:
    digits = _DIGIT_RUN_RE.search(name)
    return digits.group() if digits else None


def at_sentence_start(text: str, position: int) -> bool:
    """Nothing but spaces before position, or the end of a sentence, or an opening quote or dash."""
    last = position - 1
    while last >= 0 and text[last].isspace():
        last -= 1
    return last < 0 or bool(_SENTENCE_END_RE.search(text, max(0, position - 12), position)) \
        or text[last] in _OPENERS


def may_hold_figures(text: str, lower: str) -> bool:
    return bool(_DIGIT_RE.search(text) or "fold" in lower or _FIGURE_WORD_RE.search(lower))


def plain_case(text: str, lower: str) -> bool:
    """True when lower-cased text keeps every offset and case-blind patterns see nothing odd in it
    ("ı" and "ſ", which they take for "i" and "s" but lower() keeps): the cheap tests hold then."""
    return len(lower) == len(text) and "ı" not in text and "ſ" not in text


def masked_spans(text: str, extra: tuple = (), lower: str | None = None,
                 numerals: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Spans of text where digits are not figures: dates, references, names, phone numbers.

    `extra`: more patterns, or (pattern, digits it needs) pairs from
    glossary_mask_needles. `numerals`: numbers.numerals_in(text, lower),
    when the caller has it already.
    """
    lower = text.lower() if lower is None else lower
    if not plain_case(text, lower):
        return _every_span(text, extra, lower)
    has_digit = bool(_DIGIT_RE.search(text))
    spans = []
    if has_digit or any(word in lower for word in _NUMBER_WORDS):
        if "clock" in lower or ".m." in lower:
            spans += map(_SPAN, WORD_CLOCK_RE.finditer(lower))
        if _may_refer(lower, numerals_in(text, lower) if numerals is None else numerals):
            spans += spans_of(REFERENCE_RE, lower)
    if has_digit:
        spans += _digit_spans(text, lower)
    spans += _extra_spans(text, extra)
    if has_digit:
        spans += _name_spans(text)
    return spans + _list_number(text)


def _digit_spans(text: str, lower: str) -> list[tuple[int, int]]:
    """The masks that hold digits, each looked for only where its cheap test passes."""
    months = spans_of(DATE_RE, text)
    spans = list(months)
    if any(_after_day(text, start) for start, _ in months):
        spans += map(_SPAN, DAY_MONTH_RE.finditer(text))
    if "clock" in lower or ".m." in lower or _AM_PM_RE.search(lower):
        spans += map(_SPAN, CLOCK_RE.finditer(text))
    if _DIGIT_COLON_RE.search(text):
        spans += map(_SPAN, HOURS_MINUTES_RE.finditer(text))
    glued = set(map(_LAST_INDEX, _GLUED_DIGIT_RE.finditer(text)))
    if glued:
        letter = not glued.isdisjoint(_LETTER_BEFORE)
        if letter or not glued.isdisjoint(_HYPHEN_BEFORE):
            spans += map(_SPAN, MODEL_RE.finditer(text))
        if not glued.isdisjoint(_LETTER_AFTER):
            spans += map(_SPAN, GLUED_RE.finditer(text))
        if letter:
            spans += map(_SPAN, LETTERS_DIGITS_RE.finditer(text))
    if "(" in text or "[" in text:
        spans += map(_SPAN, ITEM_RE.finditer(text))
    if "/" in text:
        spans += map(_SPAN, RATIO_RE.finditer(text))
    if "+" in text or "(" in text or _PHONE_DASHES_RE.search(text):
        spans += map(_SPAN, PHONE_RE.finditer(text))
    if "#" in text or "№" in text:
        spans += map(_SPAN, NUMBER_SIGN_RE.finditer(text))
    if "Group" in text:
        spans += map(_SPAN, GROUP_OF_RE.finditer(text))
    return spans


def _every_span(text: str, extra, lower: str) -> list[tuple[int, int]]:
    """Every mask looked for without cheap tests: for a text whose case the tests cannot trust."""
    if len(lower) == len(text):
        spans = [span for pattern in _LOWER_MASK_RES for span in spans_of(pattern, lower)]
    else:                            # a letter grew when lower-cased: match case-blind instead
        spans = [span for pattern in _LOWER_MASK_RES
                 for span in spans_of(pattern, text, re.compile(pattern.pattern, re.IGNORECASE))]
    has_digit = bool(_DIGIT_RE.search(text))
    if has_digit:
        spans += [span for pattern in _MASK_RES if pattern not in _LOWER_MASK_RES for span in spans_of(pattern, text)]
    spans += _extra_spans(text, extra)
    if has_digit:
        spans += _name_spans(text)
    return spans + _list_number(text)


def spans_of(mask: re.Pattern, text: str, matcher: re.Pattern | None = None) -> list[tuple[int, int]]:
    """Spans of one mask in text (found with `matcher`, the mask by default); a date or a
    reference takes in the numbers listed after it ("units 3 and 4")."""
    spans = list(map(_SPAN, (matcher or mask).finditer(text)))
    if mask in _LISTING_RES:
        spans = [_with_list_tail(text, span) for span in spans]
    return spans


def _with_list_tail(text: str, span: tuple[int, int]) -> tuple[int, int]:
    if not text[span[1] - 1:span[1]].isdigit():
        return span
    tail = LIST_TAIL_RE.match(text, span[1])
    return (span[0], tail.end()) if tail else span


def _after_day(text: str, start: int) -> bool:
    """Could DAY_MONTH_RE end with the month at `start`? ("22 May", "5th of July"; its month is a
    DATE_RE match too.) Before the month come spaces, and before them a day, a suffix or "of"."""
    end = start
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return 0 < end < start and (text[end - 1].isdecimal() or text.endswith(("st", "nd", "rd", "th", "of"), 0, end))


def _may_refer(lower: str, numerals: list[tuple[int, int]]) -> bool:
    """Could REFERENCE_RE match? Its number follows a reference word and spaces (or "no.").

    Such a number is a numeral (digits, or a number in words), or a bare
    "hundred" or "thousand", which numerals_in does not find alone.
    """
    if "no." in lower:
        return True
    forms, ends = _REFERENCE_FORMS, _REFERENCE_ENDS
    for start, _ in numerals:        # inlined _after_reference for the usual single space: it runs for every number
        if start > 1 and lower[start - 1].isspace():
            if lower[start - 2].isspace():
                if _after_reference(lower, start):
                    return True
            elif lower[start - 3:start - 1] in ends and lower.endswith(forms, max(0, start - 13), start - 1):
                return True
    for word in ("hundred", "thousand"):
        at = lower.find(word)
        while at >= 0:
            if _after_reference(lower, at):
                return True
            at = lower.find(word, at + 1)
    return False


def _after_reference(lower: str, position: int) -> bool:
    """True when a reference word and at least one space end right before position."""
    end = position
    while end > 0 and lower[end - 1].isspace():
        end -= 1
    return end < position and lower.endswith(_REFERENCE_FORMS, max(0, end - 12), end)


def _name_spans(text: str) -> list[tuple[int, int]]:
    """"Superjet 100", "Resolution 2254": a capitalised word and a number, unless it opens a sentence."""
    spans = []
    for m in _CAPWORD_NUMBER_RE.finditer(text):
        word = m.group(1)
        if word.upper() in SIGNS or _UNIT_AFTER_RE.match(text, m.end()):
            continue
        if (word.lower() in COMMON_CAPITALS or word.endswith("ly")) and at_sentence_start(text, m.start()):
            continue       # "Over 500", "Currently 20%": a sentence opening, not a name
        spans.append(m.span())
    return spans


def _extra_spans(text: str, extra) -> list[tuple[int, int]]:
    """Spans of extra masks: patterns, or (pattern, digits it needs) from glossary_mask_needles."""
    spans = []
    for mask in extra:
        pattern, needle = mask if isinstance(mask, tuple) else (mask, None)
        if needle is None or needle in text:
            spans += [m.span() for m in pattern.finditer(text)]
    return spans


def _list_number(text: str) -> list[tuple[int, int]]:
    """List numbering that opens a paragraph: "1. ", "(2) "."""
    list_number = _LIST_NUMBER_RE.match(text)
    return [list_number.span()] if list_number else []


class Masks:
    """The masked spans of one text, indexed for the two questions figures.py asks of them."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = spans
        ordered = sorted(spans)
        self._starts = [start for start, _ in ordered]
        self._reach = list(accumulate([end for _, end in ordered], max))
        self._end_at: dict[int, int] = dict(reversed(spans))   # the first span that starts at a place wins

    def covers(self, start: int, end: int) -> bool:
        """True when a mask overlaps text[start:end]: a binary search, not a look at every mask."""
        before = bisect_left(self._starts, end)
        return before > 0 and self._reach[before - 1] > start

    def end_at(self, start: int) -> int | None:
        """Where the first mask that starts at `start` ends; None when no mask starts there."""
        return self._end_at.get(start)
