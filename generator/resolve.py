"""Who spoke: turning labels into people across the whole archive.

A label resolves to a person by name with the title and note stripped, so
"President of Russia Vladimir Putin" and "Vladimir Putin" are one speaker;
the title becomes that person's role in the meeting. Generic labels
(Question, Remark, …) are nobody.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from .labels import normalise_spaces
from .model import Meeting, Person, Problem, RoleUse
from .slugs import unique_slugs


def name_key(name: str) -> str:
    """Identity key of a printed name: spaces normalised, case folded, camel split.

    "Dmitry PeskoV", "DMITRY PESKOV" and "VladimirPutin" → "dmitry peskov", "vladimir putin".
    """
    name = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", normalise_spaces(name))
    return name.replace("’", "'").casefold()


def display_name(forms: Counter) -> str:
    """The most used printed form, preferring normal capitalisation over ALL CAPS or odd case."""
    def quality(item):
        form, count = item
        words = form.split()
        proper = all(w[:1].isupper() and (w[1:].islower() or "-" in w or "'" in w) for w in words if w[:1].isalpha())
        return (proper, count, form)
    return max(forms.items(), key=quality)[0]


def resolve_speakers(meetings: list[Meeting]) -> tuple[list[Person], dict[tuple[str, int], str], list[Problem]]:
    """People sorted by slug, the person of each non-generic turn, and problems."""
    names: dict[str, Counter] = defaultdict(Counter)
    forms: dict[str, set[str]] = defaultdict(set)
    roles: dict[str, list[RoleUse]] = defaultdict(list)
    speaker_of: dict[tuple[str, int], str] = {}
    for meeting in meetings:
        seen_here: set[str] = set()
        for turn in meeting.turns:
            if turn.label.generic:
                continue
            key = name_key(turn.label.name)
            names[key][normalise_spaces(turn.label.name)] += 1
            forms[key].add(normalise_spaces(turn.label.printed))
            speaker_of[(meeting.slug, turn.number)] = key
            if turn.label.role and key not in seen_here:
                roles[key].append(RoleUse(role=normalise_spaces(turn.label.role),
                                          meeting=meeting.slug, date=meeting.date))
            seen_here.add(key)
    display = {key: display_name(counter) for key, counter in names.items()}
    slugs, collisions = unique_slugs([display[k] for k in names])
    problems = [Problem("content/speakers.yaml", 1,
                        f"speakers {name!r} and {other!r} share a slug; {name!r} is given {slug!r}",
                        warning=True) for name, other, slug in collisions]
    people = [Person(key=key, slug=slugs[display[key]], name=display[key],
                     forms=tuple(sorted(forms[key])), roles=tuple(roles[key]))
              for key in names]
    return sorted(people, key=lambda p: p.slug), speaker_of, problems
