"""Numbers as people say them → Decimal.

Transcripts write quantities in digits ("15,000", "2.4", "1 500" with a
no-break space), in words ("one hundred", "two and a half", "a thousand")
and in mixtures ("1.5 million", "half a trillion"). `NUMERAL_RE` finds all of
these and `parse_numeral` turns what it found into a Decimal, so the figure
patterns in figures.py never deal with spelling.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from operator import methodcaller

ONES = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
        "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
        "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
MAGNITUDES = {"thousand": 10 ** 3, "million": 10 ** 6, "billion": 10 ** 9, "trillion": 10 ** 12}
SUFFIXES = {"k": 10 ** 3, "m": 10 ** 6, "mn": 10 ** 6, "mln": 10 ** 6, "bn": 10 ** 9,
            "tn": 10 ** 12, "trln": 10 ** 12}
"""Abbreviated magnitudes written right after digits ("$5bn", "300 mln")."""

_SMALL = "|".join(sorted(ONES, key=len, reverse=True))
_TENS = "|".join(TENS)
_MAG = r"(?:thousand|million|billion|trillion)\b"
_U100 = rf"(?:(?:{_TENS})(?:[-\s](?:{_SMALL})\b)?|{_SMALL})\b"
_U1000 = rf"(?:(?:{_U100}|a|an|one)\s+hundred\b(?:\s+(?:and\s+)?{_U100})?|{_U100})"
_HALF = r"\s+and\s+a\s+half\b"
WORDS = (rf"(?:half\s+an?\s+(?:{_MAG}|hundred\b|dozen\b)"
         rf"|(?:{_U1000}(?:{_HALF})?|an?(?=\s+(?:{_MAG}|dozen\b)))"
         rf"(?:\s+{_MAG}(?:\s+(?:and\s+)?{_U1000}(?=\s+{_MAG}))?)*(?:{_HALF})?(?:\s+dozen\b)?)")
"""A number in words: "twenty-five", "a thousand", "one and a half million"."""

_DIGITS_TAIL = (r"(?:[.·]\d+)?"
                rf"(?:(?:\s+|-){_MAG})*(?:\s?(?:bn|mln|mn|trln|tn)\b|(?<=\d)[mk]\b)?")
_DECIMAL_COMMA = r"\d+,\d{1,2}(?![\d,])"
"""A comma before one or two digits is no thousands separator: "2,5%" is 2.5 percent, as
translated transcripts sometimes keep the Russian decimal comma."""
DIGITS = (r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d{1,3}(?:[\u00a0\u202f]\d{3})+(?!\d)|" + _DECIMAL_COMMA + r"|\d+)"
          + _DIGITS_TAIL)
"""Digits with optional thousands separators, decimals and a magnitude."""

NUMERAL_RE = re.compile(rf"(?<![\d.,·])(?:{DIGITS})|\b{WORDS}", re.IGNORECASE)
_DIGITS_RE = re.compile(r"\d(?<![\d.,·].)(?:\d{0,2}(?:,\d{3})+(?!\d)|\d{0,2}(?:[\u00a0\u202f]\d{3})+(?!\d)"
                        r"|\d*,\d{1,2}(?![\d,])|\d*)" + _DIGITS_TAIL, re.IGNORECASE)
r"""DIGITS as NUMERAL_RE finds them, with the first digit matched before the rest ("\d{1,3}" as
"\d\d{0,2}", "\d+" as "\d\d*": the same tries in the same order), so the engine jumps from digit to
digit instead of trying every position."""
_WORDS_RE = re.compile(r"[^\w](?=hal|tw|thi|thr|fo[ru]|fi[fv]|six|sev|eig|nin|zer|one|ten|ele|an?\s+[htmbd])("
                       + WORDS + ")")
r"""WORDS on lower-cased text, each found with the character before it (the `\b`), which lets the
engine jump from space to space; the lookahead holds how every number in words can begin ("a" and
"an" only before "hundred", "thousand", "million", "billion", "trillion" or "dozen"). Two
numbers in words never touch (each ends in a letter), so taking that character never hides the
next one. A text that starts with a number is tried apart."""
_FIRST_WORDS_RE = re.compile(r"(?=[zoetfsnah])" + WORDS)
_SPAN, _SPAN_1 = re.Match.span, methodcaller("span", 1)


def numerals_in(text: str, lower: str | None = None) -> list[tuple[int, int]]:
    """Spans of every numeral in text (what NUMERAL_RE finds), in order.

    `lower` is text.lower() when that keeps every offset (it does for the
    text of transcripts; a few Unicode letters grow when lower-cased).
    """
    if lower is None or len(lower) != len(text):
        return [m.span() for m in NUMERAL_RE.finditer(text)]
    spans = list(map(_SPAN, _DIGITS_RE.finditer(text)))
    first = _FIRST_WORDS_RE.match(lower)
    if first:
        spans.append(first.span())
    spans += map(_SPAN_1, _WORDS_RE.finditer(lower, first.end() if first else 0))
    return sorted(spans)

_DECIMAL_COMMA_RE = re.compile(_DECIMAL_COMMA)
_TOKEN_RE = re.compile(r"and\s+a\s+half|\d[\d,\u00a0\u202f]*(?:[.·]\d+)?|[a-z]+", re.IGNORECASE)


@lru_cache(maxsize=4096)
def parse_numeral(text: str) -> Decimal:
    """The value of one NUMERAL_RE match: "1.5 million" → 1500000."""
    total = Decimal(0)     # finished groups ("two million" of "two million three hundred")
    group = Decimal(0)     # the group being built
    last = 1               # the last magnitude applied, for "a million and a half"
    for token in _TOKEN_RE.findall(text):
        word = token.lower()
        if word[0].isdigit():
            digits = token.replace(",", ".") if _DECIMAL_COMMA_RE.fullmatch(token) else token
            group += Decimal(re.sub(r"[,\u00a0\u202f]", "", digits).replace("·", "."))
        elif word in ONES:
            group += ONES[word]
        elif word in TENS:
            group += TENS[word]
        elif word in ("a", "an"):
            group = group or Decimal(1)
        elif word == "half":                       # "half a million"
            group = Decimal("0.5")
        elif word.startswith("and") and word.endswith("half"):
            if group:
                group += Decimal("0.5")
            else:
                total += Decimal("0.5") * last
        elif word == "hundred":
            group = (group or Decimal(1)) * 100
        elif word == "dozen":
            group = (group or Decimal(1)) * 12
        elif word in MAGNITUDES or word in SUFFIXES:
            last = MAGNITUDES.get(word) or SUFFIXES[word]
            total += (group or Decimal(1)) * last
            group = Decimal(0)
    return total + group


@lru_cache(maxsize=None)
def value_and_magnitude(text: str) -> tuple[Decimal, int]:
    """(parse_numeral, magnitude_of) of one numeral, looked up once: the archive says the same
    numerals over and over."""
    return parse_numeral(text), magnitude_of(text)


@lru_cache(maxsize=4096)
def magnitude_of(text: str) -> int:
    """The largest magnitude named in a numeral (1 if none): scales "20" in "20 to 50 million"."""
    words = [w.lower() for w in _TOKEN_RE.findall(text)]
    factors = [MAGNITUDES.get(w) or SUFFIXES.get(w, 1) for w in words if not w[0].isdigit()]
    return max(factors, default=1)


def is_words(text: str) -> bool:
    """True when a numeral is written without digits ("three", "a thousand")."""
    return not any(ch.isdigit() for ch in text)


def plain(value: Decimal) -> str:
    """A Decimal as a plain decimal string: 43E+9 → "43000000000", 12.50 → "12.5"."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


# ---------------------------------------------------------------- units as said

CURRENCY_SIGN_RE = re.compile(r"(?:US\s?\$|U\.S\.\s?\$|C\$|A\$|HK\$|\$|€|£|¥|₽|\b(?:USD|EUR|RUB|GBP|CNY|Rb|Rbl))\s?$")
"""A currency sign or code written just before the digits ("US$43", "€5", "RUB 40", "US$\u00a043")."""

SIGNS = {"US$": "USD", "U.S.$": "USD", "$": "USD", "C$": "CAD", "A$": "AUD", "HK$": "HKD",
         "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB", "USD": "USD", "EUR": "EUR",
         "RUB": "RUB", "GBP": "GBP", "CNY": "CNY", "RB": "RUB", "RBL": "RUB"}

_NATIONAL = r"US|U\.S\.|American|Russian|Belarusian|Canadian|Australian|Hong\s+Kong|Singapore|Swiss|Chinese|Japanese|Indian|Turkish"
CURRENCY_WORD_RE = re.compile(
    rf"(?:(?P<nation>{_NATIONAL})\s+)?(?P<name>dollars?|rubles?|roubles?|euros?|yuan|renminbi|yen|"
    r"pounds?(?:\s+sterling)?|rupees?|tenge|hryvnias?|soms?|manats?|drams?|lari|francs?|dirhams?|"
    r"riyals?|liras?|won|reais|rand|USD|EUR|RUB|CNY|GBP)\b", re.IGNORECASE)
"""A currency named after the amount ("300 million rubles", "5 billion US dollars")."""

_CURRENCY_CODES = {"dollar": "USD", "ruble": "RUB", "rouble": "RUB", "euro": "EUR", "yuan": "CNY",
                   "renminbi": "CNY", "yen": "JPY", "pound": "GBP", "rupee": "INR", "tenge": "KZT",
                   "hryvnia": "UAH", "som": "KGS", "manat": "AZN", "dram": "AMD", "lari": "GEL",
                   "franc": "CHF", "dirham": "AED", "riyal": "SAR", "lira": "TRY", "won": "KRW",
                   "reais": "BRL", "rand": "ZAR"}
_NATIONAL_CODES = {("dollar", "canadian"): "CAD", ("dollar", "australian"): "AUD",
                   ("dollar", "hong kong"): "HKD", ("dollar", "singapore"): "SGD",
                   ("ruble", "belarusian"): "BYN", ("rouble", "belarusian"): "BYN"}


@lru_cache(maxsize=1024)
def currency_code(name: str, nation: str = "") -> str:
    """ISO code for a currency as named: ("rubles", "Belarusian") → "BYN"."""
    word = name.lower().split()[0]
    if word.upper() in SIGNS:
        return SIGNS[word.upper()]
    word = word if word in _CURRENCY_CODES else word.rstrip("s")
    nation = re.sub(r"\s+", " ", nation.lower())
    return _NATIONAL_CODES.get((word, nation)) or _CURRENCY_CODES.get(word, word.upper())


MEASURES = (
    (r"square\s+kilomet(?:re|er)s?|sq\.?\s?km|km2|km²", "square kilometre"),
    (r"square\s+met(?:re|er)s?|sq\.?\s?m|m2|m²", "square metre"),
    (r"cubic\s+met(?:re|er)s?|cu\.?\s?m|m3|m³", "cubic metre"),
    (r"kilomet(?:re|er)s?|km", "kilometre"),
    (r"centimet(?:re|er)s?|cm", "centimetre"),
    (r"millimet(?:re|er)s?|mm", "millimetre"),
    (r"met(?:re|er)s?", "metre"),
    (r"nautical\s+miles?", "nautical mile"),
    (r"miles?", "mile"),
    (r"hectares?|ha", "hectare"),
    (r"tonnes?|tons?", "tonne"),
    (r"kilo(?:gram|gramme)s?|kilos|kg", "kilogram"),
    (r"grams?|grammes?", "gram"),
    (r"lit(?:re|er)s?", "litre"),
    (r"barrels?|bbl", "barrel"),
    (r"kilowatt[\s-]hours?|kWh", "kilowatt hour"),
    (r"megawatt[\s-]hours?|MWh", "megawatt hour"),
    (r"gigawatt[\s-]hours?|GWh", "gigawatt hour"),
    (r"terawatt[\s-]hours?|TWh", "terawatt hour"),
    (r"kilowatts?|kW", "kilowatt"),
    (r"megawatts?|MW", "megawatt"),
    (r"gigawatts?|GW", "gigawatt"),
    (r"knots?", "knot"),
    (r"degrees?", "degree"),
    (r"TEUs?", "TEU"),
    (r"carats?", "carat"),
    (r"ounces?", "ounce"),
)
"""Units of measure as said, most specific first, with the name shown in the index."""

MEASURE_RE = re.compile("(?:" + "|".join(f"(?P<u{i}>{pattern})" for i, (pattern, _) in enumerate(MEASURES))
                        + r")(?![\w²³])", re.IGNORECASE)


def measure_unit(match: re.Match) -> str:
    """The index name of the unit a MEASURE_RE match found."""
    return MEASURES[int(match.lastgroup[1:])][1]


PERCENT_RE = re.compile(r"\s?%|(?:\s+|-)per[\s-]?cent\b|\s+percentage\s+points?\b|\s+pp\b", re.IGNORECASE)
"""What turns a number into a percentage, read right after it."""

TIME_WORDS = frozenset("second seconds minute minutes hour hours day days week weeks fortnight fortnights "
                       "month months year years decade decades century centuries night nights weekend "
                       "weekends o’clock o'clock".split())
"""Counted nouns that make a duration, not a figure ("three months ago")."""
