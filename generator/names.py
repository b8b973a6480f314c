"""How person names compare: the identity key, and the looser likeness editors are shown.

Two printed names are one identity when they differ only in spacing, case,
accents or apostrophes ("Dmitry PeskoV", "DMITRY PESKOV", "Jörg Schönenborn" /
"Jorg Schonenborn"). Anything looser (Sergei/Sergey, Kleimenov/Kleymenov) is
never merged automatically: `build.py check` lists it for an editor to settle.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .labels import normalise_spaces

HONORIFICS = frozenset("mr mrs ms miss dr mister madam madame sir".split())
PATRONYMIC_RE = re.compile(r"(ovich|evich|yevich|ich|ovna|evna|yevna|ichna|ogly|kyzy)$")


@lru_cache(maxsize=1 << 16)  # the same few thousand labels come back in every meeting
def fold(text: str) -> str:
    """Case, accents and apostrophe shapes folded away; spaces normalised."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", normalise_spaces(text))  # "VladimirPutin"
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\u2010\u2011]", "-", text).casefold()


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """The identity key of a printed name: "Dmitry PeskoV" → "dmitry peskov"."""
    return re.sub(r"\s+", " ", re.sub(r"\.(?=\S)", ". ", fold(name))).strip(" ,")


def alias_keys(canonical: str, alias: str) -> list[str]:
    """The name keys a speakers.yaml alias stands for: its own, and a one-word alias
    ("Lukashenka") also after the canonical key's given names ("alexander lukashenka")."""
    key = name_key(alias)
    given = canonical.split(" ")[:-1]
    return [key, " ".join([*given, key])] if " " not in key and given else [key]


def name_words(name: str) -> list[str]:
    return name_key(name).split(" ")


def skeleton(word: str) -> str:
    """A transliteration-blind spelling: Sergei/Sergey, Natalia/Natalya, Kleimyonov/Kleymenov agree."""
    word = fold(word)
    for old, new in (("yo", "e"), ("ye", "e"), ("kh", "h"), ("ks", "x"), ("y", "i"), ("j", "i"),
                     ("ie", "i"), ("ii", "i"), ("'", ""), ("-", "")):
        word = word.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", word)


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, cut off at `limit` (enough to tell "one edit" from "many")."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) >= limit:
            return limit
        previous = current
    return min(previous[-1], limit)


def is_initial(word: str) -> bool:
    """ "A." or "A" as a given name."""
    return bool(re.fullmatch(r"\w\.?", word))


def short_form(words: list[str]) -> tuple[str, str] | None:
    """(initial or "", surname) for a name that abbreviates a full one, else None.

    "Voronin" → ("", "voronin"), "Mr Voronin" → ("", "voronin"), "A. Voronin" → ("a", "voronin").
    """
    if len(words) == 1:
        return "", words[0]
    if len(words) == 2 and words[0].rstrip(".") in HONORIFICS:
        return "", words[1]
    if len(words) == 2 and is_initial(words[0]):
        return words[0][0], words[1]
    return None


def without_patronymic(words: list[str]) -> list[str] | None:
    """ "vladimir vladimirovich putin" → ["vladimir", "putin"]; None if no patronymic."""
    if len(words) == 3 and PATRONYMIC_RE.search(words[1]) and words[1][:1].isalpha():
        return [words[0], words[2]]
    return None
