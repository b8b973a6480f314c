"""Safe, stable file names from arbitrary text.

Every slug matches `^[a-z0-9-]{1,80}$`, so whatever a label or title holds
(`../../x`, quotes, Cyrillic) it names one file inside its folder. Names that
Windows reserves and our own page names get a suffix.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў",
    ["a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "o",
     "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e",
     "yu", "ya", "i", "yi", "ye", "g", "u"],
))
SPECIAL = {"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "đ": "d", "ł": "l", "þ": "th", "ı": "i"}
RESERVED = frozenset({"con", "prn", "aux", "nul", "index", "search", "feed", "sitemap",
                      *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})
MAX_LENGTH = 80
SLUG_RE = re.compile(r"^[a-z0-9-]{1,80}$")
PAGE_SUFFIX_RE = re.compile(r"-p\d+$")
"""How a listing's later pages are named: "<slug>-p2.html"."""


def transliterate(text: str) -> str:
    """Latin letters for accented and Cyrillic ones; other scripts are dropped."""
    out = []
    for char in unicodedata.normalize("NFKC", text).casefold():
        if char in CYRILLIC:
            out.append(CYRILLIC[char])
        elif char in SPECIAL:
            out.append(SPECIAL[char])
        else:
            out.append(unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode())
    return "".join(out)


def slugify(text: str) -> str:
    """ "President Vladimir Putin" → "president-vladimir-putin". Never empty."""
    base = re.sub(r"[^a-z0-9]+", "-", transliterate(text).replace("’", "").replace("'", ""))
    base = base.strip("-")[:MAX_LENGTH].strip("-")
    if not base:
        # Nothing Latin survived (e.g. a Chinese name): a short stable hash instead.
        base = "x-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    if base in RESERVED:
        base = base + "-1"
    return base


def free_slug(name: str, taken: dict[str, str]) -> tuple[str, str | None]:
    """slugify(name), numbered when `taken` (slug → owner) has it, and who had it (None if no one).

    A slug ending in -p<number> gets "-x": "<slug>-p2.html" is page 2 of another entry
    ("Council P2" would overwrite the second page of "Council")."""
    slug = slugify(name)
    if PAGE_SUFFIX_RE.search(slug):
        slug = slug[:MAX_LENGTH - 2] + "-x"
    if slug not in taken:
        return slug, None
    base, number = slug[:MAX_LENGTH - 4], 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}", taken[slug]


def unique_slugs(names: list[str]) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """A slug for each distinct name, numbered on collision in sorted order.

    Returns the mapping and the collisions (name, taken by, slug given), so the
    caller can report them. Sorting makes the outcome independent of input order.
    """
    taken: dict[str, str] = {}
    slugs: dict[str, str] = {}
    collisions = []
    for name in sorted(set(names)):
        slug, owner = free_slug(name, taken)
        if owner is not None:
            collisions.append((name, owner, slug))
        taken[slug] = name
        slugs[name] = slug
    return slugs, collisions
