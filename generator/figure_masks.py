"""What only looks like a figure: dates, references, names and numbers of things.

"Article 15", "July 7-8", "10:30", "Su-25", "Superjet 100", "G20",
"+7 495 606-36-02": digits that count nothing. Each mask is a span of a
paragraph's text in which no numeral is read as a figure. Glossary entries
whose names hold digits become masks too, so an editor can teach the index
a product name by adding it to glossary.yaml.
"""
from __future__ import annotations

import re

from .numbers import ONES, SIGNS, TENS

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


_MASK_RES = (
    # dates: "May 22", "January 1, 2019", "December 17–19, 2012", "22 May", "September 2014"
    re.compile(rf"\b(?:{MONTHS})(?:\s+\d{{1,2}}(?:st|nd|rd|th)?(?:{_DASH}\d{{1,2}})?)?(?:,?\s+\d{{4}})?(?!\w)"),
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?(?:{_DASH}\d{{1,2}})?\s+(?:of\s+)?(?:{MONTHS})(?:,?\s+\d{{4}})?(?!\w)"),
    # clock times: "12.45 am", "9 am", "10:30", "five o’clock"
    re.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s*(?:a\.m\.|p\.m\.|am\b|pm\b|o[’']clock\b)", re.IGNORECASE),
    re.compile(r"\b\d{1,2}:\d{2}\b"),
    re.compile(rf"\b(?:{_WORD_NUMBER})\s+(?:o[’']clock|a\.m\.|p\.m\.)"),
    # references: "Article 282", "Resolution 2254", "Law No. 94", "number one", "top 20" (on lower-cased text)
    re.compile(r"\b(?:articles?|clauses?|sections?|paragraphs?|chapters?|items?|nos?\.|number|resolutions?|"
               r"decrees?|protocols?|annex|appendix|pages?|top|grades?|flights?|routes?|highway|platforms?|"
               r"gates?|version|season|episodes?|volumes?|vol\.|parts?|phases?|rounds?|stages?|units?|blocks?|"
               r"buildings?|halls?|rooms?|hospital|school|kindergarten|gymnasium|lyceum|order|law|code|"
               r"lines?|levels?|points?|sites?|ward)"
               rf"\s+(?:no\.\s*)?(?:\d+(?:[.\-–]\d+)*[a-z]?|(?:{_WORD_NUMBER})\b)"),
    # model and product names: "Su-25", "MC-21", "G20", "COVID-19", "A320", "Tu-160M"
    re.compile(r"\b(?=[a-z]{0,12}[A-Z])[A-Za-z]{1,15}[-‑]?\d+(?:[-‑.]?[A-Za-z\d]+)*\b"),
    # digits glued to letters: "2D", "5G", "1990s", "24th", "Rome2rio" (unit suffixes are let through)
    re.compile(r"\b\d+(?!(?:bn|mln|mn|trln|tn|k|m|km|kg|t|ha|MW|GW|kW|kWh|MWh|GWh|TWh|m2|m3|km2)\b)[A-Za-z]+\w*"),
    re.compile(r"\b[A-Za-z]+\d+[A-Za-z]\w*"),
    # item numbers in brackets: "(1)", "[2]"
    re.compile(r"[(\[]\d{1,3}[)\]]"),
    # ratios and schedules: "24/7", "1/3"; phone numbers: "+7 495 606-36-02", "8-800-200-34-11"
    re.compile(r"\b\d+/\d+\b"),
    re.compile(r"\+\d[\d\s()\-]{6,}\d|\b\d{1,4}(?:-\d{2,4}){2,}\b|(?:\b\d\s?)?\(\d{3,5}\)\s?\d[\d\s-]{4,}\d"),
)
_LOWER_MASK_RES = tuple(p for p in _MASK_RES if _WORD_NUMBER in p.pattern)
"""Masks written in lower case and matched on lower-cased text; the only ones a text without digits needs."""
_DIGIT_RE = re.compile(r"\d")
_FIGURE_WORDS = frozenset([*ONES, *TENS, "hundred", "thousand", "million", "billion", "trillion", "dozen",
                            "dozens", "hundreds", "thousands", "millions", "billions", "trillions", "twice",
                            "several", "many"])
"""A cheap first look: a paragraph without digits, these words or "-fold" holds no figure."""
_CAPWORD_NUMBER_RE = re.compile(r"\b([A-Z][\w-]*)(?![’'])[ \u00a0](\d+(?:\.\d+)?)\b(?!,\d{3})")
_LIST_NUMBER_RE = re.compile(r"^\s*\(?\d{1,2}[.)]\s")
_SENTENCE_END_RE = re.compile(r"[.!?…][\"”’)\]]*\s+$")
_UNIT_AFTER_RE = re.compile(r"\s*(?:%|(?:per\s?cent|percent|thousand|million|billion|trillion|bn|mln)\b)",
                            re.IGNORECASE)


def glossary_masks(glossary) -> tuple[re.Pattern, ...]:
    """Glossary terms and aliases with digits ("Superjet 100", "S-400") as patterns."""
    names = set()
    for entry in getattr(glossary, "entries", ()) or ():
        for name in (getattr(entry, "term", ""), *getattr(entry, "aliases", ())):
            if name and any(ch.isdigit() for ch in name):
                names.add(name)
    return tuple(re.compile(r"(?<!\w)" + r"\s+".join(re.escape(part) for part in name.split()) + r"(?!\w)",
                            re.IGNORECASE) for name in sorted(names, key=len, reverse=True))


def at_sentence_start(text: str, position: int) -> bool:
    before = text[:position]
    return not before.strip() or bool(_SENTENCE_END_RE.search(before[-12:])) or before.rstrip().endswith(("“", '"', "…", "–", "—", "("))


def may_hold_figures(text: str, lower: str) -> bool:
    return bool(_DIGIT_RE.search(text)) or "fold" in lower or not _FIGURE_WORDS.isdisjoint(re.findall(r"[a-z]+", lower))


def masked_spans(text: str, extra: tuple[re.Pattern, ...] = (), lower: str | None = None) -> list[tuple[int, int]]:
    """Spans of text where digits are not figures: dates, references, names, phone numbers."""
    lower = text.lower() if lower is None else lower
    if len(lower) != len(text):      # a letter grew when lower-cased: match case-blind instead
        lower_patterns = tuple(re.compile(p.pattern, re.IGNORECASE) for p in _LOWER_MASK_RES)
        lower = text
    else:
        lower_patterns = _LOWER_MASK_RES
    spans = [m.span() for pattern in lower_patterns for m in pattern.finditer(lower)]
    if _DIGIT_RE.search(text):
        spans += [m.span() for pattern in _MASK_RES if pattern not in _LOWER_MASK_RES for m in pattern.finditer(text)]
    spans += [m.span() for pattern in extra for m in pattern.finditer(text)]
    for m in _CAPWORD_NUMBER_RE.finditer(text):
        word = m.group(1)
        if word.upper() in SIGNS or _UNIT_AFTER_RE.match(text, m.end()):
            continue
        if at_sentence_start(text, m.start()) and (word.lower() in COMMON_CAPITALS or word.endswith("ly")):
            continue       # "Over 500", "Currently 20%": a sentence opening, not a name
        spans.append(m.span())
    list_number = _LIST_NUMBER_RE.match(text)
    if list_number:
        spans.append(list_number.span())
    return spans


def inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(s < span[1] and span[0] < e for s, e in spans)
