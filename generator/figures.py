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
from dataclasses import dataclass
from decimal import Decimal

from .figure_masks import at_sentence_start, glossary_masks, inside, masked_spans, may_hold_figures
from .inline import Mark
from .model import Turn
from .numbers import (CURRENCY_SIGN_RE, CURRENCY_WORD_RE, MEASURE_RE, PERCENT_RE, SIGNS, TIME_WORDS,
                      currency_code, is_words, magnitude_of, measure_unit, numerals_in, parse_numeral, plain)

FIGURE_KINDS = ("money", "percent", "count", "measure", "multiple")
TEXT_KINDS = ("speech", "preamble", "text")
"""Paragraph kinds that hold what was said (not headings, stage lines or labels)."""


@dataclass(frozen=True)
class Figure:
    """One quantity said in one paragraph."""

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
    sentence: str
    """The sentence the figure was said in, spaces normalised."""
    restates: int | None = None
    """Start offset of the figure this one restates in another currency, as in
    "48 billion rubles [about US$520 million]"; None otherwise."""

    @property
    def vague(self) -> bool:
        return self.value is None and self.low is None

    @property
    def normalised(self) -> str:
        """The value as a plain decimal string; "low..high" for a range; "" when vague."""
        if self.value is not None:
            return plain(self.value)
        if self.low is not None and self.high is not None:
            return f"{plain(self.low)}..{plain(self.high)}"
        return ""


@dataclass(frozen=True)
class Found:
    """A figure found in one text, before it is placed in a meeting."""

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
              "nearly", "some", "over", "above", "below", "exceeding")
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


@dataclass(frozen=True)
class Numeral:
    start: int
    end: int
    value: Decimal
    words: bool
    magnitude: int


def find_numerals(text: str, masks: list[tuple[int, int]], lower: str | None = None) -> list[Numeral]:
    """Numerals outside masks, without years, ordinals and capitalised names ("Group of Five")."""
    found = []
    for start, end in numerals_in(text, lower):
        said = text[start:end]
        if inside((start, end), masks) or _is_year(said, text, start, end):
            continue
        if is_words(said) and said[0].isupper() and not at_sentence_start(text, start):
            continue
        if re.match(r"-(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|\w+th)\b", text[end:]):
            continue
        if re.match(r"0\d", said):
            continue       # "04040": a short phone number or a code
        found.append(Numeral(start, end, parse_numeral(said), is_words(said), magnitude_of(said)))
    return found


def _is_year(said: str, text: str, start: int, end: int) -> bool:
    """Four bare digits from 1800 to 2099 are a year unless a unit or currency says otherwise."""
    if not re.fullmatch(r"(?:18|19|20)\d\d", said):
        return False
    if CURRENCY_SIGN_RE.search(text[max(0, start - 6):start]):
        return False
    after = text[end:end + 40]
    return not (PERCENT_RE.match(after) or CURRENCY_WORD_RE.match(after.lstrip())
                or MEASURE_RE.match(after.lstrip()))


# ---------------------------------------------------------------- reading a figure


@dataclass(frozen=True)
class Reading:
    """What follows a numeral: the kind, unit and counted noun, and where the figure ends."""

    kind: str
    unit: str
    end: int
    noun: str = ""


def read_after(text: str, numeral: Numeral, sign: str, masks: list[tuple[int, int]]) -> Reading | None:
    """Classify a numeral by the words after it; None when it is not a figure."""
    end = numeral.end
    rest = text[end:]
    if sign:
        return Reading("money", SIGNS[sign], end)
    percent = PERCENT_RE.match(rest)
    if percent:
        return Reading("percent", "%", end + percent.end())
    spaced = re.match(r"\s+", rest)
    gap = spaced.end() if spaced else 0
    currency = CURRENCY_WORD_RE.match(rest, gap) if gap else None
    if currency:
        return Reading("money", currency_code(currency.group("name"), currency.group("nation") or ""),
                       end + currency.end())
    hyphen = rest.startswith("-")
    if hyphen:
        currency = CURRENCY_WORD_RE.match(rest, 1)
        if currency and not currency.group("nation"):
            return Reading("money", currency_code(currency.group("name")), end + currency.end())  # "10,000-ruble"
    unit = MEASURE_RE.match(rest, gap or (1 if hyphen else 0))
    if unit and not re.match(r"[-‑]\w", rest[unit.end():]):
        return Reading("measure", measure_unit(unit), end + unit.end())
    times = re.match(r"(?:\s+times\b|-?fold\b)", rest, re.IGNORECASE)
    if times:
        if "fold" in times.group().lower() or is_comparison(text, numeral.start, end + times.end()):
            return Reading("multiple", "×", end + times.end())
        return None
    if hyphen or re.match(r"[’']s\b", rest):
        return None        # "4-star", "10-year", "five-point", "one-on-one"
    next_word, listed = re.match(r"\s+(\w+)", rest), _LIST_OF_NUMBERS_RE.match(rest)
    if any(m and m.group(1).lower() in TIME_WORDS for m in (next_word, listed)):
        return None        # "12 year-old", "200, 300, 400 years": ages and durations
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
    if re.match(r"\s+[A-Z]", rest) and not re.match(r"\s+(?:I|A)\b", rest):
        return None        # "50 Let Pobedy icebreaker": part of a name
    if (numeral.value < 100 and numeral.value == int(numeral.value)
            and _AGE_RE.search(text[max(0, numeral.start - 20):numeral.start])):
        return None        # "I am 20", "under the age of 36": an age
    return Reading("count", "count", end)


def is_comparison(text: str, start: int, end: int) -> bool:
    """"three times more", "increased 2.5 times", "by 50 times": a multiple, not a frequency."""
    return bool(_COMPARATIVE_RE.match(text, end) or _CHANGE_RE.search(text[max(0, start - 30):start]))


_NOUN_TOKEN_RE = re.compile(r"\s+([A-Za-z][\w’'\-]*|\d+-[A-Za-z]+)")


def read_noun(text: str, position: int, masks: list[tuple[int, int]]) -> tuple[int, list[str]] | None:
    """The noun phrase a number counts, up to its plural head: "joint programmes", "MC-21 aircraft"."""
    tokens: list[tuple[str, int]] = []
    while len(tokens) < 5:
        space = re.match(r"\s+", text[position:])
        if not space:
            break
        at = position + space.end()
        mask = next((e for s, e in masks if s == at), None)
        if mask:
            tokens.append((text[at:mask], mask))
            position = mask
            continue
        token = _NOUN_TOKEN_RE.match(text, position)
        if not token or token.group(1).lower() in STOP_WORDS:
            break
        tokens.append((token.group(1), token.end()))
        position = token.end()
    head = next((i for i, (word, _) in enumerate(tokens) if is_plural(word)), None)
    if head is None:
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


def is_plural(word: str) -> bool:
    lower = word.lower()
    if lower in IRREGULAR_PLURALS or re.fullmatch(r"[A-Z]{2,}s", word):
        return True        # "people", "SMSs", "NGOs"
    return (len(lower) > 3 and lower.endswith("s") and not lower.endswith(("ss", "us", "is", "ous"))
            and lower not in STOP_WORDS and not any(ch.isdigit() for ch in lower))


# ---------------------------------------------------------------- one text


def find_in_text(text: str, extra_masks: tuple[re.Pattern, ...] = ()) -> list[Found]:
    """Every figure in one paragraph's text, in order; offsets index the text as given."""
    lower = text.lower()
    if not may_hold_figures(text, lower):
        return []
    masks = masked_spans(text, extra_masks, lower)
    numerals = find_numerals(text, masks, lower)
    found: list[Found] = []
    index = 0
    while index < len(numerals):
        numeral = numerals[index]
        sign, start = sign_before(text, numeral.start)
        joined = join_range(text, numerals, index, masks)
        if joined:
            figure, index = joined
            if figure is not None:
                found.append(figure)
            continue
        reading = read_after(text, numeral, sign, masks)
        index += 1
        if reading is None:
            continue
        value = numeral.value
        if _MINUS_RE.search(text[max(0, start - 8):start]):
            if reading.kind == "count":
                continue   # "minus 25": a temperature said without its unit
            value, start = -value, start - len(_MINUS_RE.search(text[max(0, start - 8):start]).group())
        qualifier, start = qualifier_before(text, start)
        found.append(Found(start, reading.end, value, reading.unit, reading.kind, reading.noun, qualifier))
    found += [f for f in vague_figures(text, masks) if not any(f.start < g.end and g.start < f.end for g in found)]
    found.sort(key=lambda f: f.start)
    return link_figures(text, found)


def join_range(text: str, numerals: list[Numeral], index: int, masks) -> tuple[Found | None, int] | None:
    """"from 40 to 60 percent", "40–60 percent", "between 20 and 50 million rubles", "$1.5–2 trillion"."""
    if index + 1 >= len(numerals):
        return None
    low, high = numerals[index], numerals[index + 1]
    if low.magnitude > 1 and high.magnitude > 1:
        return None        # "from 400 billion to 250 billion": a change between two figures
    sign, start = sign_before(text, low.start)
    between = text[low.end:high.start]
    high_sign = CURRENCY_SIGN_RE.search(between)
    joiner = RANGE_JOIN_RE.fullmatch(between[:high_sign.start()] if high_sign else between)
    if not joiner or (high_sign and not sign):
        return None
    opener = RANGE_START_RE.search(text[max(0, start - 10):start])
    if joiner.group().strip().lower() == "and" and not (opener and opener.group(1).lower() == "between"):
        return None
    reading = read_after(text, high, sign, masks)
    if (reading is None or re.match(r"\s*[-–—−]\s*\d", text[high.end:])
            or (reading.kind == "count" and not reading.noun
                and (_AGE_RE.search(text[max(0, low.start - 20):low.start])
                     or max(low.value, high.value) < 100 and high.magnitude == 1))):
        return None, index + 2   # "in 7 to 10 years", "3–1–0", "aged 3 through 15": neither end is a figure
    low_value = low.value * high.magnitude if low.magnitude == 1 else low.value
    if opener:
        start -= len(opener.group())
    qualifier, start = qualifier_before(text, start)
    lo, hi = sorted((low_value, high.value))
    return Found(start, reading.end, None, reading.unit, reading.kind, reading.noun, qualifier, lo, hi), index + 2


def sign_before(text: str, position: int) -> tuple[str, int]:
    """(normalised currency sign, where it starts) written right before a numeral, or ("", position)."""
    match = CURRENCY_SIGN_RE.search(text[max(0, position - 6):position])
    if not match:
        return "", position
    return re.sub(r"\s", "", match.group()).upper(), position - len(match.group())


def qualifier_before(text: str, start: int) -> tuple[str, int]:
    """("about", new start) when a qualifier is said right before the figure."""
    match = QUALIFIER_RE.search(text[max(0, start - 24):start])
    if not match:
        return "", start
    begin = start - len(match.group())
    if match.group(1).lower().startswith("up") and _VERB_UP_TO_RE.search(text[max(0, begin - 12):begin]):
        return "", start   # "adds up to 25 trillion": a verb, not a qualifier
    return re.sub(r"\s+", " ", match.group(1).lower()), start - len(match.group())


def vague_figures(text: str, masks) -> list[Found]:
    """"several billion dollars", "tens of thousands of tonnes", "twice as", "fourfold"."""
    found = []
    for m in VAGUE_RE.finditer(text):
        if not m.group("lead") and not m.group("core").rstrip().endswith("of"):
            continue       # "billion" alone is a numeral, not a vague amount
        if m.start() and text[m.start() - 1].isdigit():
            continue
        reading = _vague_reading(text, m.end(), masks)
        if reading:
            found.append(Found(m.start(), reading.end, None, reading.unit, reading.kind, reading.noun))
    for m in _TWICE_RE.finditer(text):
        if is_comparison(text, m.start(), m.end()):
            found.append(Found(m.start(), m.end(), Decimal(2), "×", "multiple"))
    for m in _FOLD_RE.finditer(text):
        word = m.group(1).lower()
        value = None if word in ("several", "many") else parse_numeral(word if word not in ("hundred", "thousand") else "a " + word)
        found.append(Found(m.start(), m.end(), value, "×", "multiple"))
    for m in _SEVERAL_TIMES_RE.finditer(text):
        if is_comparison(text, m.start(), m.end()):
            found.append(Found(m.start(), m.end(), None, "×", "multiple"))
    return [f for f in found if not inside((f.start, f.end), masks)]


def _vague_reading(text: str, position: int, masks) -> Reading | None:
    rest = text[position:]
    currency = CURRENCY_WORD_RE.match(rest)
    if currency:
        return Reading("money", currency_code(currency.group("name"), currency.group("nation") or ""),
                       position + currency.end())
    unit = MEASURE_RE.match(rest)
    if unit:
        return Reading("measure", measure_unit(unit), position + unit.end())
    noun = read_noun(text, position - 1, masks) if text[position - 1].isspace() else None
    if noun and noun[1][-1].lower() not in TIME_WORDS and noun[1][-1].lower() != "times":
        return Reading("count", "count", noun[0], " ".join(noun[1]))
    return None


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
                and re.search(r"(?:thousand|million|billion|trillion|bn|mln)$", text[figure.start:figure.end])):
            figure = Found(figure.start, figure.end, figure.value, previous.unit, "money", "", figure.qualifier,
                           figure.low, figure.high)
        if (previous and previous.kind == "money" and figure.kind == "money" and previous.unit != figure.unit
                and re.fullmatch(r"\s*[\[(]\s*", text[previous.end:figure.start])):
            figure = Found(figure.start, figure.end, figure.value, figure.unit, figure.kind, figure.noun,
                           figure.qualifier, figure.low, figure.high, previous.start)
        out.append(figure)
    return out


# ---------------------------------------------------------------- the archive

_BOUNDARY_RE = re.compile(r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bNo)(?<!\bvs)"
                          r"[.!?…][\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


def sentence_at(text: str, start: int, end: int, boundaries: list[tuple[int, int]] | None = None) -> str:
    """The sentence holding text[start:end], with spaces normalised.

    `boundaries` (sentence_boundaries(text)) saves finding them again for
    each figure of a long paragraph.
    """
    begin, finish = 0, len(text)
    for b_start, b_end in sentence_boundaries(text) if boundaries is None else boundaries:
        if b_end <= start:
            begin = b_end
        elif b_start >= end - 1:
            finish = b_start + 1
            break
    return re.sub(r"\s+", " ", text[begin:finish]).strip()


def sentence_boundaries(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _BOUNDARY_RE.finditer(text)]


def extract_figures(meetings, glossary, speaker_of) -> tuple:
    """Every figure in speech and preamble text, in document order."""
    masks = glossary_masks(glossary)
    figures = []
    for meeting in meetings:
        for paragraph, turn in _said_paragraphs(meeting):
            speaker = speaker_of.get((meeting.slug, turn.number)) if turn else None
            found = find_in_text(paragraph.text, masks)
            boundaries = sentence_boundaries(paragraph.text) if found else []
            for f in found:
                figures.append(Figure(
                    said=paragraph.text[f.start:f.end], value=_tidy(f.value), low=_tidy(f.low),
                    high=_tidy(f.high), unit=f.unit,
                    kind=f.kind, noun=f.noun, qualifier=f.qualifier, meeting=meeting.slug,
                    paragraph=paragraph.number, start=f.start, end=f.end, speaker=speaker,
                    sentence=sentence_at(paragraph.text, f.start, f.end, boundaries), restates=f.restates))
    return tuple(figures)


def _tidy(value: Decimal | None) -> Decimal | None:
    """1.5 × 10**12 as Decimal("1500000000000"), not "1500000000000.0"."""
    return None if value is None else Decimal(plain(value))


def _said_paragraphs(meeting):
    """(paragraph, turn or None) for every paragraph whose text was said or reported."""
    for block in meeting.blocks:
        if isinstance(block, Turn):
            for paragraph in block.paragraphs:
                if paragraph.kind in TEXT_KINDS:
                    yield paragraph, block
        elif getattr(block, "kind", None) in TEXT_KINDS:
            yield block, None


def figure_marks(archive) -> dict:
    """(meeting slug, paragraph number) → [inline.Mark] for <data class="figure">.

    Vague amounts have no number to give, so they are listed in the index
    but not marked in the text.
    """
    marks: dict[tuple[str, int], list[Mark]] = {}
    for figure in archive.figures:
        if figure.vague:
            continue
        attrs = (("class", "figure"), ("value", figure.normalised), ("data-unit", figure.unit))
        marks.setdefault((figure.meeting, figure.paragraph), []).append(
            Mark(figure.start, figure.end, "data", attrs, 2))
    return marks
