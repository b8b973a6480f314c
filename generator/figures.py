"""Figures: every quantity said in the archive (money, percentages, counts).

Fact-checkers ask "who said trade was US$43 billion, and when?". This step
reads speech, preamble and reported text, finds each quantity with its
qualifier ("over", "about", "up to") and unit, normalises it, and records who
said it where. It is pure: text in, frozen Figures out.

How a paragraph is read (find_in_text):
1. mask what only looks like a number (figure_masks): dates, clock times,
   references ("Article 15"), model and product names ("Su-25", "Superjet
   100", glossary terms with digits), phone numbers, list numbering;
2. find every numeral (numbers.numerals_in) outside the masks and drop years,
   ordinals and names;
3. read what follows each numeral: a percent sign, a currency, a unit of
   measure, "times", or the noun phrase it counts; what precedes it: a
   currency sign and a qualifier; join "from 40 to 60 percent" into a range;
4. add the vague amounts ("several billion dollars") and multiples ("twice as").
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from .figure_masks import (Masks, at_sentence_start, glossary_mask_needles, masked_spans, may_hold_figures,
                           plain_case)
from .inline import Mark
from .model import Meeting, Turn
from .numbers import (CURRENCY_SIGN_RE, CURRENCY_WORD_RE, MEASURE_RE, PERCENT_RE, SIGNS, TIME_WORDS,
                      currency_code, measure_unit, numerals_in, parse_numeral, plain, value_and_magnitude)

FIGURE_KINDS = ("money", "percent", "count", "measure", "multiple")
TEXT_KINDS = ("speech", "preamble", "text")
"""Paragraph kinds that hold what was said (not headings, stage lines or labels)."""


class Figure(NamedTuple):
    """One quantity said in one paragraph.

    A named tuple, not a dataclass: an archive holds half a million of them, and a tuple
    is a fifth smaller in memory and unpickled twice as fast from the cache and from workers.
    """

    said: str
    """The words as said, qualifier included: "over US$43 billion"."""
    value: Decimal | None
    """Normalised amount (43000000000); None for a range or a vague amount."""
    low: Decimal | None
    """Lower end of a range ("from 40 to 60 percent" → 40), else None."""
    high: Decimal | None
    """Upper end of a range, else None."""
    unit: str
    """ISO currency code, "%", "count", "×" for a multiple, or a unit of measure ("tonne")."""
    kind: str
    """One of FIGURE_KINDS: money, percent, count, measure, multiple."""
    noun: str
    """What a count counts ("joint programmes"); "" when not said."""
    qualifier: str
    """"over", "about", "up to", … lower-cased; "" when none."""
    meeting: str
    """The meeting's slug."""
    paragraph: int
    """Paragraph number in the meeting (anchor p<number>)."""
    start: int
    """Offset of `said` in the paragraph's text."""
    end: int
    speaker: str | None
    """Person key of the speaker; None in preamble, reported speech and generic turns."""
    restates: int | None = None
    """Start offset of the figure this one restates in another currency, as in
    "48 billion rubles [about US$520 million]"; None otherwise."""

    def __reduce__(self) -> tuple:
        """Unpickled by tuple.__new__ itself, not by the named tuple's __new__, a Python call per
        figure: 15% off unpickling the figures of the cache and of the workers, 500,000 at
        5,000 meetings."""
        return tuple.__new__, (Figure, tuple(self))

    @property
    def vague(self) -> bool:
        return self.value is None and self.low is None

    @property
    def normalised(self) -> str:
        """The value as a plain decimal string; "low..high" for a range; "" when vague."""
        value, high = self.bounds
        return f"{value}..{high}" if high else value

    @property
    def bounds(self) -> tuple[str, str]:
        """(value, high) as a <data> element gives them, value="40" data-high="60" for "40–60
        percent": the amount or a range's low end, and a range's high end ("" otherwise);
        ("", "") when vague."""
        if self.value is not None:
            return plain(self.value), ""
        if self.low is not None and self.high is not None:
            return plain(self.low), plain(self.high)
        return "", ""


class Found(NamedTuple):
    """A figure found in one text, before it is placed in a meeting.

    Found, Numeral and Reading are NamedTuples, not frozen dataclasses: they
    are made for every number of the archive (a frozen dataclass costs five
    times as much to make) and never leave this module but as Figures.
    """

    start: int
    end: int
    value: Decimal | None
    unit: str
    kind: str
    noun: str = ""
    qualifier: str = ""
    low: Decimal | None = None
    high: Decimal | None = None
    restates: int | None = None


# ---------------------------------------------------------------- vocabulary

QUALIFIERS = ("a little more than", "a little less than", "a little over", "a little under",
              "slightly more than", "slightly less than", "slightly over", "slightly under",
              "slightly above", "slightly below", "a little above", "a little below", "just above",
              "just below", "just over", "just under", "well over", "well under", "well above",
              "well below", "no more than",
              "no less than", "not more than", "not less than", "more than", "less than", "fewer than",
              "at least", "at most", "up to", "as many as", "as much as", "as high as", "as low as",
              "as little as", "close to", "in excess of", "upwards of", "something like",
              "an estimated", "approximately", "approx.", "roughly", "around", "about", "almost",
              "nearly", "some", "over", "under", "above", "below", "exceeding")
QUALIFIER_RE = re.compile(r"(?:^|(?<=[\s(\[—–\-“‘\"]))("
                          + "|".join(r"\s+".join(re.escape(w) for w in q.split()) for q in QUALIFIERS)
                          + r")\s+$", re.IGNORECASE)
RANGE_START_RE = re.compile(r"(?:^|(?<=[\s(\[—–]))(from|between)\s+$", re.IGNORECASE)
RANGE_JOIN_RE = re.compile(r"[-–—−‑]|\s+(?:to|and|or|through)\s+", re.IGNORECASE)
"""What joins the ends of a range; a spaced dash is a sentence dash ("$500 billion – 492.2 billion")."""

STOP_WORDS = frozenset("""
    a an the and or but nor of in on at to for from by with without within into onto out over under
    about above below per than as up down off across through during since until till after before
    between among against via like including is are was were be been being am have has had having
    will would shall should can could may might must do does did done not no yes it its they them
    their theirs we our ours us you your he him his she her i me my mine this that these those there
    here which who whom whose what when where why how if so then also too only just even still yet
    already each every all both either neither than thus plus minus always perhaps towards
    afterwards whereas besides sometimes overseas nowadays across less unless nevertheless
    respectively altogether versus ago later earlier now today yesterday tomorrow annually alone
    instead otherwise percent per cent times time ones dozens hundreds thousands millions billions
    trillions tens applies remains means seems needs goes makes takes gives shows includes comes
    becomes allows requires stands accounts amounts exceeds totals reaches represents constitutes
    adds says does goes
    """.split())
"""Words that end a counted noun phrase."""

FRACTIONS = frozenset("halves thirds quarters fifths sixths sevenths eighths ninths tenths hundredths "
                      "thousandths".split())
IRREGULAR_PLURALS = frozenset("people children men women staff personnel aircraft police cattle "
                              "livestock sheep fish data media criteria spacecraft offspring "
                              "youth deer swine poultry".split())
_NOMINAL = re.compile(r"(?:tion|sion|ment|ance|ence|ity|ness|ism|ship|age|ery|ure|ing)$")
_COMPARATIVE_RE = re.compile(
    r"\s+(?:more|less|fewer|higher|lower|greater|larger|bigger|smaller|faster|slower|cheaper|dearer|"
    r"longer|shorter|stronger|weaker|better|worse|wider|richer|poorer|heavier|as|above|below|"
    r"the|compared|up|down|that\s+of|over(?=\s*(?:[.,;:)]|$)))\b", re.IGNORECASE)
_CHANGE_RE = re.compile(
    r"\b(?:by|increased?|increases|increasing|grow|grows|grew|grown|growing|rise|rises|rose|risen|"
    r"fall|falls|fell|fallen|drop|dropped|decreased?|declined?|reduced?|cut|expanded?|multiplied|"
    r"boosted?|surged?|soared?|jumped?|exceeds?|exceeded|up|down|almost|nearly|about|some|over|"
    r"practically|more\s+than|roughly|approximately)\s+$", re.IGNORECASE)
_FOLD_RE = re.compile(r"\b(two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred|thousand|"
                      r"several|many)[-]?fold\b", re.IGNORECASE)
_LIST_OF_NUMBERS_RE = re.compile(
    r"(?:\s*(?:,|\band\b|\bor\b|\bto\b|[-–—])\s*(?:maximum\s+|minimum\s+)?\d+(?:[.,]\d+)*)+\s+(\w+)", re.IGNORECASE)
"""A list of numbers after a numeral and the word that ends it: ", 300, 400 years"."""
_AGE_RE = re.compile(r"\b(?:am|is|are|was|were|be|being|aged|ages?\s+of|turns?|turned|turning|older\s+than|"
                     r"younger\s+than)\s+$", re.IGNORECASE)
_VERB_UP_TO_RE = re.compile(r"\b(?:adds?|added|adding|comes?|came|amounts?|amounted|sums?|went|goes|go|rose|"
                            r"rises|risen|climbed|jumped|grew|grown|moved)\s+$", re.IGNORECASE)
_MINUS_RE = re.compile(r"\bminus\s+$", re.IGNORECASE)
_TWICE_RE = re.compile(r"\btwice\b", re.IGNORECASE)
_SEVERAL_TIMES_RE = re.compile(r"\b(?:(?:several|many)\s+times|(?:tens|dozens|hundreds)\s+of\s+times)\b",
                               re.IGNORECASE)
VAGUE_RE = re.compile(
    r"\b(?:(?P<lead>several|a\s+few|many|a\s+couple\s+of)\s+)?"
    r"(?P<core>(?:(?:tens|dozens|hundreds|thousands|millions|billions|trillions)\s+of\s+)+"
    r"|(?:dozen|hundred|thousand|million|billion|trillion)\s+)", re.IGNORECASE)
"""Amounts with a magnitude but no exact value: "several billion dollars", "tens of thousands of"."""


# ---------------------------------------------------------------- numerals


class Numeral(NamedTuple):
    start: int
    end: int
    value: Decimal
    words: bool
    magnitude: int


_ORDINAL_AFTER_RE = re.compile(r"-(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|\w+th)\b")
_YEAR_RE = re.compile(r"(?:18|19|20)\d\d")
_EARLY_YEAR_RE = re.compile(r"1[0-7]\d\d")
_IN_BEFORE_RE = re.compile(r"(?<!\w)in\s+$", re.IGNORECASE)
_LEADING_ZERO_RE = re.compile(r"0\d")
MAX_DIGITS = 28
"""The most digits a figure's number is written with: Decimal's precision, so every value is
exact (the largest in the corpus has 13)."""
MAX_EXPONENT = 60
"""The largest power of ten a figure may reach: values are written out in full digits."""


def find_numerals(text: str, masks, lower: str | None = None,
                  spans: list[tuple[int, int]] | None = None) -> list[Numeral]:
    """Numerals outside masks, without years, ordinals and capitalised names ("Group of Five").

    `spans`: numerals_in(text, lower), when the caller has it already.
    """
    covers = as_masks(masks).covers
    found = []
    for start, end in numerals_in(text, lower) if spans is None else spans:
        if covers(start, end):
            continue
        said = text[start:end]
        if len(said) == 4 and _is_year(said, text, start, end):
            continue
        first = said[0]
        words = not first.isdigit()        # is_words(said): a numeral is all digits or all words
        if words and first.isupper() and not at_sentence_start(text, start):
            continue
        if words and start > 1 and text[start - 1] in "-‑" and text[start - 2].isalpha():
            continue       # "inline-six", "category-one": part of a word
        if text.startswith("-", end) and _ORDINAL_AFTER_RE.match(text, end):
            continue
        if first == "0" and _LEADING_ZERO_RE.match(said):
            continue       # "04040": a short phone number or a code
        if end - start > MAX_DIGITS and sum(map(str.isdigit, said)) > MAX_DIGITS:
            continue       # no one says such a number: a string of digits, not an amount
        value, magnitude = value_and_magnitude(said)
        if value.adjusted() > MAX_EXPONENT:
            continue       # "a trillion trillion trillion …"
        found.append(Numeral(start, end, value, words, magnitude))
    return found


def as_masks(masks) -> Masks:
    """Masks as given by find_in_text, or a plain list of spans (for a caller that has one)."""
    return masks if isinstance(masks, Masks) else Masks(list(masks))


def _is_year(said: str, text: str, start: int, end: int) -> bool:
    """Four bare digits from 1800 to 2099 are a year unless a unit or currency says otherwise;
    from 1000 to 1799 only after "in" and before no plural ("in 1612", not "in 1200 companies")."""
    if not _YEAR_RE.fullmatch(said):
        if not (_EARLY_YEAR_RE.fullmatch(said) and _IN_BEFORE_RE.search(text[max(0, start - 8):start])):
            return False
        next_word = _NEXT_WORD_RE.match(text, end)
        if next_word and is_plural(next_word.group(1)):
            return False
    if CURRENCY_SIGN_RE.search(text[max(0, start - 6):start]):
        return False
    after = text[end:end + 40]
    return not (PERCENT_RE.match(after) or CURRENCY_WORD_RE.match(after.lstrip())
                or MEASURE_RE.match(after.lstrip()))


# ---------------------------------------------------------------- reading a figure


class Reading(NamedTuple):
    """What follows a numeral: the kind, unit and counted noun, and where the figure ends."""

    kind: str
    unit: str
    end: int
    noun: str = ""


# Patterns read at an offset of the paragraph (pattern.match(text, offset)), never on a copy of
# the rest of it: copying the rest for every numeral made long paragraphs quadratic.
_SPACES_RE = re.compile(r"\s+")
_HYPHEN_WORD_RE = re.compile(r"[-‑]\w")
_TIMES_RE = re.compile(r"(?:\s+times\b|-?fold\b)", re.IGNORECASE)
_POSSESSIVE_RE = re.compile(r"[’']s\b")
_NEXT_WORD_RE = re.compile(r"\s+(\w+)")
_WORD_CHAR_RE = re.compile(r"\w")
_CAPITAL_AFTER_RE = re.compile(r"\s+[A-Z]")
_PRONOUN_AFTER_RE = re.compile(r"\s+(?:I|A)\b")
_RANGE_GOES_ON_RE = re.compile(r"\s*[-–—−]\s*\d")


def read_after(text: str, numeral: Numeral, sign: str, masks) -> Reading | None:
    """Classify a numeral by the words after it; None when it is not a figure."""
    end = numeral.end
    if sign:
        return Reading("money", SIGNS[sign], end)
    percent = PERCENT_RE.match(text, end)
    if percent:
        return Reading("percent", "%", percent.end())
    spaced = _SPACES_RE.match(text, end)
    gap = spaced.end() - end if spaced else 0
    currency = CURRENCY_WORD_RE.match(text, end + gap) if gap else None
    if currency:
        return Reading("money", currency_code(currency.group("name"), currency.group("nation") or ""),
                       currency.end())
    hyphen = text.startswith("-", end)
    if hyphen:
        currency = CURRENCY_WORD_RE.match(text, end + 1)
        if currency and not currency.group("nation"):
            return Reading("money", currency_code(currency.group("name")), currency.end())  # "10,000-ruble"
    unit = MEASURE_RE.match(text, end + (gap or (1 if hyphen else 0)))
    if unit and not _HYPHEN_WORD_RE.match(text, unit.end()):
        return Reading("measure", measure_unit(unit), unit.end())
    times = _TIMES_RE.match(text, end)
    if times:
        if "fold" in times.group().lower() or is_comparison(text, numeral.start, times.end()):
            return Reading("multiple", "×", times.end())
        return None
    if hyphen or _POSSESSIVE_RE.match(text, end):
        return None        # "4-star", "10-year", "five-point", "one-on-one"
    next_word = _NEXT_WORD_RE.match(text, end)
    if next_word and next_word.group(1).lower() in TIME_WORDS:
        return None        # "12 year-old": an age or a duration
    listed = _list_of_numbers(text, end)
    if listed and listed.group(1).lower() in TIME_WORDS:
        return None        # "200, 300, 400 years"
    noun = read_noun(text, end, masks)
    if noun:
        head_end, words = noun
        head = words[-1].lower()
        if head in TIME_WORDS or head == "times" or words[0].lower() in FRACTIONS:
            return None
        unit = MEASURE_RE.fullmatch(words[-1])
        if unit:           # "3,000 linear kilometres"
            return Reading("measure", measure_unit(unit), head_end, " ".join(words))
        if numeral.value == 1 and numeral.words:
            return None    # "one plant": an article, not a count
        return Reading("count", "count", head_end, " ".join(words))
    if numeral.words and numeral.magnitude < 1000:
        return None        # "two military": a word number needs the noun it counts
    if _CAPITAL_AFTER_RE.match(text, end) and not _PRONOUN_AFTER_RE.match(text, end):
        return None        # "50 Let Pobedy icebreaker": part of a name
    if (numeral.value < 100 and numeral.value == int(numeral.value)
            and _AGE_RE.search(text[max(0, numeral.start - 20):numeral.start])):
        return None        # "I am 20", "under the age of 36": an age
    return Reading("count", "count", end)


def _list_of_numbers(text: str, end: int) -> re.Match | None:
    r"""_LIST_OF_NUMBERS_RE on the text after a numeral.

    Its `\band` must see the start of that text as a word boundary, which
    it is at the offset too unless a word character follows right away (a
    copy is read then; it hardly ever happens).
    """
    if _WORD_CHAR_RE.match(text, end):
        return _LIST_OF_NUMBERS_RE.match(text[end:])
    return _LIST_OF_NUMBERS_RE.match(text, end)


def is_comparison(text: str, start: int, end: int) -> bool:
    """"three times more", "increased 2.5 times", "by 50 times": a multiple, not a frequency."""
    return bool(_COMPARATIVE_RE.match(text, end) or _CHANGE_RE.search(text[max(0, start - 30):start]))


_NOUN_TOKEN_RE = re.compile(r"\s+([A-Za-z][\w’'\-]*|\d+-[A-Za-z]+)")


def read_noun(text: str, position: int, masks) -> tuple[int, list[str]] | None:
    """The noun phrase a number counts, up to its plural head: "joint programmes", "MC-21 aircraft"."""
    end_at = as_masks(masks).end_at
    tokens: list[tuple[str, int]] = []
    while len(tokens) < 5:
        space = _SPACES_RE.match(text, position)
        if not space:
            break
        at = space.end()
        mask = end_at(at)
        if mask:
            tokens.append((text[at:mask], mask))
            position = mask
            continue
        token = _NOUN_TOKEN_RE.match(text, position)
        if not token or token.group(1).lower() in STOP_WORDS:
            break
        tokens.append((token.group(1), token.end()))
        position = token.end()
    for head, (word, _) in enumerate(tokens):
        if is_plural(word):
            break
    else:
        return None
    while True:
        if head + 1 < len(tokens) and is_plural(tokens[head + 1][0]):
            head += 1      # "sports complexes"
        elif (head + 2 < len(tokens) and _NOMINAL.search(tokens[head + 1][0].lower())
              and is_plural(tokens[head + 2][0])):
            head += 2      # "chemical weapons elimination plants"
        else:
            break
    return tokens[head][1], [word for word, _ in tokens[:head + 1]]


_ACRONYM_PLURAL_RE = re.compile(r"[A-Z]{2,}s")


@lru_cache(maxsize=16384)
def is_plural(word: str) -> bool:
    lower = word.lower()
    if lower in IRREGULAR_PLURALS or _ACRONYM_PLURAL_RE.fullmatch(word):
        return True        # "people", "SMSs", "NGOs"
    return (len(lower) > 3 and lower.endswith("s") and not lower.endswith(("ss", "us", "is", "ous"))
            and lower not in STOP_WORDS and not any(ch.isdigit() for ch in lower))


# ---------------------------------------------------------------- one text


def find_in_text(text: str, extra_masks: tuple = ()) -> list[Found]:
    """Every figure in one paragraph's text, in order; offsets index the text as given.

    `extra_masks`: patterns (or glossary_mask_needles pairs) of more names to mask.
    """
    lower = text.lower()
    if not may_hold_figures(text, lower):
        return []
    spans = numerals_in(text, lower)
    masks = Masks(masked_spans(text, extra_masks, lower, spans))
    numerals = find_numerals(text, masks, lower, spans)
    found: list[Found] = []
    index = 0
    while index < len(numerals):
        numeral = numerals[index]
        sign, start = sign_before(text, numeral.start)
        joined = join_range(text, numerals, index, masks, (sign, start))
        if joined:
            figure, index = joined
            if figure is not None:
                found.append(figure)
            continue
        reading = read_after(text, numeral, sign, masks)
        value = numeral.value
        shared = _shared_scale(text, numerals, index) if reading is None or reading.end == numeral.end else None
        if shared:         # "the 10 and 7.4 billion": 10 billion, of what the next one is
            value = value * shared.magnitude
            if not sign:
                reading = read_after(text, shared, sign_before(text, shared.start)[0], masks)
                reading = reading and reading._replace(end=numeral.end)
        index += 1
        if reading is None:
            continue
        minus = (_MINUS_RE.search(text[max(0, start - 8):start])
                 if _space_before(text, start) and _may_follow_minus(text, start) else None)
        if minus:
            if reading.kind == "count":
                continue   # "minus 25": a temperature said without its unit
            value, start = -value, start - len(minus.group())
        qualifier, start = qualifier_before(text, start, counted=reading.kind == "count" and bool(reading.noun))
        found.append(Found(start, reading.end, value, reading.unit, reading.kind, reading.noun, qualifier))
    found += [f for f in vague_figures(text, masks, lower) if not any(f.start < g.end and g.start < f.end for g in found)]
    found.sort(key=lambda f: f.start)
    return link_figures(text, found)


_AND_OR_RE = re.compile(r"\s+(?:and|or)\s+", re.IGNORECASE)


def _shared_scale(text: str, numerals: list[Numeral], index: int) -> Numeral | None:
    """The next numeral when it says the magnitude of this one too: "10" in "the 10 and 7.4 billion"."""
    if index + 1 >= len(numerals):
        return None
    numeral, following = numerals[index], numerals[index + 1]
    if numeral.magnitude > 1 or numeral.words or following.magnitude == 1:
        return None
    return following if _AND_OR_RE.fullmatch(text, numeral.end, following.start) else None


def _may_follow_minus(text: str, position: int) -> bool:
    """Could "minus" and spaces end right before position? It ends in an s, which a case-blind
    pattern also finds as "S" or "ſ"."""
    last = text[position - 2:position - 1]
    return last in _S_LETTERS or last.isspace()


_S_LETTERS = frozenset("sSſ")


def _space_before(text: str, position: int) -> bool:
    """The patterns read before a figure (qualifier, "minus", "from") all end in spaces."""
    return position > 0 and text[position - 1].isspace()


def join_range(text: str, numerals: list[Numeral], index: int, masks,
               before: tuple[str, int] | None = None) -> tuple[Found | None, int] | None:
    """"from 40 to 60 percent", "40–60 percent", "between 20 and 50 million rubles", "$1.5–2 trillion".

    `before`: sign_before(text, low.start), when the caller has it already.
    """
    if index + 1 >= len(numerals):
        return None
    low, high = numerals[index], numerals[index + 1]
    if low.magnitude > 1 and high.magnitude > 1:
        return None        # "from 400 billion to 250 billion": a change between two figures
    between = text[low.end:high.start]
    if not RANGE_JOIN_RE.match(between):
        return None        # what comes between does not even start like "–" or " to "
    sign, start = sign_before(text, low.start) if before is None else before
    high_sign = CURRENCY_SIGN_RE.search(between, max(0, len(between) - 7))   # a sign ends the text: 7 at most
    joiner = RANGE_JOIN_RE.fullmatch(between[:high_sign.start()] if high_sign else between)
    if not joiner or (high_sign and not sign):
        return None
    opener = RANGE_START_RE.search(text[max(0, start - 10):start]) if _space_before(text, start) else None
    if joiner.group().strip().lower() == "and" and not (opener and opener.group(1).lower() == "between"):
        return None
    if _RANGE_GOES_ON_RE.match(text, high.end):
        end = _chain_end(text, numerals, index + 1)
        reading = read_after(text, numerals[end - 1], "", masks)
        if reading and reading.kind != "count":
            return None, end - 1   # "9.6–9.7–9.5 trillion rubles": the last is said with its unit
        return None, end           # "3–1–0": a score or a code, no figure in it
    reading = read_after(text, high, sign, masks)
    if (reading is None
            or (reading.kind == "count" and not reading.noun
                and (_AGE_RE.search(text[max(0, low.start - 20):low.start])
                     or max(low.value, high.value) < 100 and high.magnitude == 1))):
        return None, index + 2   # "in 7 to 10 years", "aged 3 through 15": neither end is a figure
    low_value = low.value * high.magnitude if low.magnitude == 1 else low.value
    if opener:
        start -= len(opener.group())
    qualifier, start = qualifier_before(text, start, counted=reading.kind == "count" and bool(reading.noun))
    lo, hi = sorted((low_value, high.value))
    return Found(start, reading.end, None, reading.unit, reading.kind, reading.noun, qualifier, lo, hi), index + 2


_DASH_RE = re.compile(r"\s*[-–—−]\s*")


def _chain_end(text: str, numerals: list[Numeral], last: int) -> int:
    """The index after the last numeral of a chain joined by dashes that goes on from numerals[last]."""
    while last + 1 < len(numerals) and _DASH_RE.fullmatch(text, numerals[last].end, numerals[last + 1].start):
        last += 1
    return last + 1


_SIGN_ENDS = frozenset("$€£¥₽DRBPYbl")
"""The last character of every currency sign or code CURRENCY_SIGN_RE knows (or a space after one)."""
_SPACES_ANYWHERE_RE = re.compile(r"\s")
_RUNS_OF_SPACES_RE = re.compile(r"\s+")


def sign_before(text: str, position: int) -> tuple[str, int]:
    """(normalised currency sign, where it starts) written right before a numeral, or ("", position)."""
    if position == 0:
        return "", position
    last = text[position - 1]
    if last not in _SIGN_ENDS and not (last.isspace() and (text[position - 2:position - 1] in _SIGN_ENDS
                                                           or last == "\n")):
        return "", position   # (one space may end a sign: "RUB 40", "US$\u00a043"; "$" matches before a last newline)
    match = CURRENCY_SIGN_RE.search(text[max(0, position - 6):position])
    if not match:
        return "", position
    return _SPACES_ANYWHERE_RE.sub("", match.group()).upper(), position - len(match.group())


_QUALIFIER_ENDS = tuple(sorted({q.split()[-1] for q in QUALIFIERS}))
"""The last word of every qualifier: the words before a figure must end with one of them."""


def qualifier_before(text: str, start: int, counted: bool = False) -> tuple[str, int]:
    """("about", new start) when a qualifier is said right before the figure. "under" qualifies
    an amount ("under 5 percent", "under 400 billion") but not a count of things (`counted`),
    where it says what they fall within ("products under 350 projects")."""
    if not _space_before(text, start):
        return "", start
    window = text[max(0, start - 24):start]
    if not (window.rstrip().lower().endswith(_QUALIFIER_ENDS) or "ı" in window or "ſ" in window):
        return "", start   # (a case-blind pattern also reads "ı" and "ſ" as "i" and "s")
    match = QUALIFIER_RE.search(window)
    if not match:
        return "", start
    begin = start - len(match.group())
    if match.group(1).lower().startswith("up") and _VERB_UP_TO_RE.search(text[max(0, begin - 12):begin]):
        return "", start   # "adds up to 25 trillion": a verb, not a qualifier
    qualifier = _RUNS_OF_SPACES_RE.sub(" ", match.group(1).lower())
    if qualifier == "under" and counted:
        return "", start
    return qualifier, start - len(match.group())


_VAGUE_WORDS = ("several", "many", "tens", "dozen", "hundred", "thousand", "million", "billion", "trillion")
"""How every word that can start a VAGUE_RE match begins (but the "a" of "a few" and "a couple of")."""


def vague_figures(text: str, masks, lower: str | None = None) -> list[Found]:
    """"several billion dollars", "tens of thousands of tonnes", "twice as", "fourfold".

    Each pattern is run only where (or when) the lower-cased text holds a word it needs.
    """
    masks = as_masks(masks)
    lower = text.lower() if lower is None else lower
    every = not plain_case(text, lower)
    found = []
    for m in VAGUE_RE.finditer(text) if every else _vague_matches(text, lower):
        if not m.group("lead") and not m.group("core").rstrip().endswith("of"):
            continue       # "billion" alone is a numeral, not a vague amount
        if m.start() and text[m.start() - 1].isdigit():
            continue
        reading = _vague_reading(text, m.end(), masks)
        if reading:
            found.append(Found(m.start(), reading.end, None, reading.unit, reading.kind, reading.noun))
    if every or "twice" in lower:
        for m in _TWICE_RE.finditer(text):
            if is_comparison(text, m.start(), m.end()):
                found.append(Found(m.start(), m.end(), Decimal(2), "×", "multiple"))
    if every or "fold" in lower:
        for m in _FOLD_RE.finditer(text):
            word = m.group(1).lower()
            value = None if word in ("several", "many") else parse_numeral(word if word not in ("hundred", "thousand") else "a " + word)
            found.append(Found(m.start(), m.end(), value, "×", "multiple"))
    if every or "times" in lower:
        for m in _SEVERAL_TIMES_RE.finditer(text):
            if is_comparison(text, m.start(), m.end()):
                found.append(Found(m.start(), m.end(), None, "×", "multiple"))
    return [f for f in found if not masks.covers(f.start, f.end)]


def _vague_matches(text: str, lower: str):
    """What VAGUE_RE.finditer(text) finds, trying it only where a match can start.

    Scanning for the words is much faster than running the pattern at every
    place; taking the places in order and skipping those inside the last
    match keeps finditer's answer.
    """
    starts = set()
    for word in _VAGUE_WORDS:
        at = lower.find(word)
        while at >= 0:
            starts.add(at)
            at = lower.find(word, at + 1)
    for word in ("few", "couple"):        # "a few", "a couple of": the match starts at the "a"
        at = lower.find(word)
        while at >= 0:
            before = at
            while before > 0 and lower[before - 1].isspace():
                before -= 1
            if 0 < before < at and lower[before - 1] == "a":
                starts.add(before - 1)
            at = lower.find(word, at + 1)
    done = 0
    for start in sorted(starts):
        if start >= done:
            match = VAGUE_RE.match(text, start)
            if match:
                done = match.end()
                yield match


def _vague_reading(text: str, position: int, masks: Masks) -> Reading | None:
    currency = CURRENCY_WORD_RE.match(text, position)
    if currency:
        return Reading("money", currency_code(currency.group("name"), currency.group("nation") or ""),
                       currency.end())
    unit = MEASURE_RE.match(text, position)
    if unit:
        return Reading("measure", measure_unit(unit), unit.end())
    noun = read_noun(text, position - 1, masks) if text[position - 1].isspace() else None
    if noun and noun[1][-1].lower() not in TIME_WORDS and noun[1][-1].lower() != "times":
        return Reading("count", "count", noun[0], " ".join(noun[1]))
    return None


_BIG_UNIT_END_RE = re.compile(r"(?:thousand|million|billion|trillion|bn|mln)$")
_OPENING_BRACKET_RE = re.compile(r"\s*[\[(]\s*")


def link_figures(text: str, found: list[Found]) -> list[Found]:
    """Give money figures their currency back and link restatements.

    "250 billion rubles, out of which 66 billion" — a bare amount with a
    magnitude after money keeps that money's currency; "43 billion rubles
    [$1.4 billion]" — a bracketed amount in another currency restates the one
    before it.
    """
    out: list[Found] = []
    for figure in found:
        previous = out[-1] if out else None
        if (previous and previous.kind == "money" and figure.kind == "count" and not figure.noun
                and _BIG_UNIT_END_RE.search(text[figure.start:figure.end])):
            figure = Found(figure.start, figure.end, figure.value, previous.unit, "money", "", figure.qualifier,
                           figure.low, figure.high)
        if (previous and previous.kind == "money" and figure.kind == "money" and previous.unit != figure.unit
                and _OPENING_BRACKET_RE.fullmatch(text[previous.end:figure.start])):
            figure = Found(figure.start, figure.end, figure.value, figure.unit, figure.kind, figure.noun,
                           figure.qualifier, figure.low, figure.high, previous.start)
        out.append(figure)
    return out


# ---------------------------------------------------------------- the archive

_BOUNDARY_RE = re.compile(r"[.!?…](?<!\bMr.)(?<!\bMrs.)(?<!\bMs.)(?<!\bDr.)(?<!\bSt.)(?<!\bNo.)(?<!\bvs.)"
                          r"[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
"""The end of a sentence and the spaces after it, unless "Mr." and the like. The stop comes first
in the pattern (the titles are checked behind it) so the engine jumps from stop to stop."""


def sentence_at(text: str, start: int, end: int, boundaries: list[tuple[int, int]] | None = None) -> str:
    """The sentence holding text[start:end], with spaces normalised.

    `boundaries` (sentence_boundaries(text)) saves finding them again for
    each figure of a long paragraph.
    """
    spans = sentence_boundaries(text) if boundaries is None else boundaries
    begin, finish = sentence_span([s for s, _ in spans], [e for _, e in spans], start, end, len(text))
    return tidy_sentence(text, begin, finish)


def sentence_span(starts: list[int], ends: list[int], start: int, end: int, length: int) -> tuple[int, int]:
    """(begin, finish) of the sentence holding text[start:end], given the sentence boundaries.

    It begins after the last boundary that ends before the figure and
    finishes with the stop of the first boundary at or after its last
    character; a boundary inside the figure ("$1.5. Next") is passed over.
    """
    before = bisect_right(ends, start)
    after = bisect_left(starts, end - 1)
    return (ends[before - 1] if before else 0), (starts[after] + 1 if after < len(starts) else length)


def tidy_sentence(text: str, begin: int, finish: int) -> str:
    """text[begin:finish] with each run of spaces made one space and the ends trimmed."""
    return " ".join(text[begin:finish].split())


def sentence_boundaries(text: str) -> list[tuple[int, int]]:
    return list(map(re.Match.span, _BOUNDARY_RE.finditer(text)))


def extract_figures(meetings, glossary, speaker_of) -> tuple:
    """Every figure in speech and preamble text, in document order."""
    masks = glossary_mask_needles(glossary)
    figures = []
    for meeting in meetings:
        for paragraph, turn in _said_paragraphs(meeting):
            text = paragraph.text
            found = find_in_text(text, masks)
            if not found:
                continue
            speaker = speaker_of.get((meeting.slug, turn.number)) if turn else None
            figures += [Figure(     # by position, in the order of Figure's fields: faster
                text[f.start:f.end], _tidy(f.value), _tidy(f.low), _tidy(f.high), f.unit, f.kind, f.noun,
                f.qualifier, meeting.slug, paragraph.number, f.start, f.end, speaker, f.restates) for f in found]
    return tuple(figures)


def sentences_of(figures: Iterable[Figure], meetings: Mapping[str, Meeting]) -> list[str]:
    """The sentence each of `figures` was said in, spaces normalised, found in its paragraph's
    text (`meetings` by slug) when needed: kept on each Figure, the sentences of 5,000
    meetings held 52 MB to the end of a build. A paragraph's boundaries are found once for
    the figures said in it one after another, and each sentence made once."""
    out: list[str] = []
    at = None
    for figure in figures:
        if (figure.meeting, figure.paragraph) != at:
            at = figure.meeting, figure.paragraph
            text = paragraph_text(meetings[figure.meeting], figure.paragraph)
            boundaries = sentence_boundaries(text)
            starts, ends = [s for s, _ in boundaries], [e for _, e in boundaries]
            made: dict[tuple[int, int], str] = {}
        span = sentence_span(starts, ends, figure.start, figure.end, len(text))
        sentence = made.get(span)
        if sentence is None:
            sentence = made[span] = tidy_sentence(text, *span)
        out.append(sentence)
    return out


def paragraph_text(meeting: Meeting, number: int) -> str:
    """The text of the meeting's paragraph `number` (numbered from 1 in document order)."""
    paragraphs = meeting.paragraphs
    if 0 < number <= len(paragraphs) and paragraphs[number - 1].number == number:
        return paragraphs[number - 1].text
    return next(p.text for p in paragraphs if p.number == number)


def _tidy(value: Decimal | None) -> Decimal | None:
    """1.5 × 10**12 as Decimal("1500000000000"), not "1500000000000.0"."""
    if value is None:
        return None
    return _tidy_nonzero(value) if value else Decimal(plain(value))   # 0 equals -0, which stays "-0"


@lru_cache(maxsize=4096)
def _tidy_nonzero(value: Decimal) -> Decimal:
    """Equal values other than zero print the same plainly, so one answer serves them all."""
    return Decimal(plain(value))


def _said_paragraphs(meeting):
    """(paragraph, turn or None) for every paragraph whose text was said or reported."""
    for block in meeting.blocks:
        if isinstance(block, Turn):
            for paragraph in block.paragraphs:
                if paragraph.kind in TEXT_KINDS:
                    yield paragraph, block
        elif getattr(block, "kind", None) in TEXT_KINDS:
            yield block, None


FIGURE_CLASS, VAGUE_CLASS = "figure", "figure vague"
"""The class of a figure's mark in the text: <data class="figure">, <span class="figure vague">."""


def is_figure_mark(mark: Mark) -> bool:
    """Whether `mark` is a figure's, of either kind (figure_marks)."""
    return ("class", FIGURE_CLASS) in mark.attrs or ("class", VAGUE_CLASS) in mark.attrs


def figure_marks(archive, index_page: str = "") -> dict:
    """(meeting slug, paragraph number) → [inline.Mark] for <data class="figure">, and inside it
    a link to the figure's row on `index_page` (the figures page of its meeting), when given.

    A range is one mark whose value is its low end, a number as <data value>
    wants, and whose data-high is its high end: value="40" data-high="60" for
    "40–60 percent". A vague amount ("several billion dollars") has no number
    to give: it is <span class="figure vague">, its link the same. The link is
    the mark's `inner` one: it goes wherever the mark goes, and yields to a
    link of the text's own around or inside it (inline.choose_marks).
    """
    marks: dict[tuple[str, int], list[Mark]] = {}
    for figure in archive.figures:
        if figure.vague:
            tag, attrs = "span", (("class", VAGUE_CLASS), ("data-unit", figure.unit))
        else:
            value, high = figure.bounds
            values = (("value", value), ("data-high", high)) if high else (("value", value),)
            tag, attrs = "data", (("class", FIGURE_CLASS), *values, ("data-unit", figure.unit))
        inner = (("class", "figure-link"), ("href", f"{index_page}#{figure_anchor(figure)}")) if index_page else ()
        marks.setdefault((figure.meeting, figure.paragraph), []).append(
            Mark(figure.start, figure.end, tag, attrs, 2, inner=inner))
    return marks


def figure_anchor(figure: Figure) -> str:
    """The id of the figure's row on its figures page: its meeting, paragraph and place in it."""
    return f"f-{figure.meeting}-p{figure.paragraph}-{figure.start}"
