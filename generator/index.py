"""Cross-indexes over the archive, each built in one pass.

Pure functions: the archive in, plain mappings out, for the views to read.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from .model import Archive, Meeting, Turn, speakers_context
from .once import PerItem, per_archive, per_item

WORD_RE = re.compile(r"[\w’'-]+")


def count_words(text: str) -> int:
    return len(WORD_RE.findall(text))


def turn_words(turn: Turn) -> int:
    return sum(p.words for p in turn.paragraphs if p.kind == "speech")


def meetings_by_year(archive: Archive) -> dict[int | None, list[Meeting]]:
    """Newest year first, newest meeting first within a year; undated last."""
    years: dict[int | None, list[Meeting]] = defaultdict(list)
    for meeting in reversed(archive.meetings):
        years[meeting.date.year if meeting.date else None].append(meeting)
    return dict(sorted(years.items(), key=lambda item: (item[0] is None, -(item[0] or 0))))


@per_archive
def neighbours(archive: Archive) -> dict[str, tuple[Meeting | None, Meeting | None]]:
    """(previous, next) meeting of each meeting slug, in date order; made once per archive, as the
    meeting pages' listing and their quick keys (views.meeting_page_quicks) both ask."""
    meetings = archive.meetings
    return {m.slug: (meetings[i - 1] if i > 0 else None, meetings[i + 1] if i + 1 < len(meetings) else None)
            for i, m in enumerate(meetings)}


@dataclass
class SpeakerStats:
    """What one person said, gathered in one pass over every turn."""

    turns: list[tuple[Meeting, Turn]] = field(default_factory=list)
    words: int = 0
    words_by_meeting: dict[str, int] = field(default_factory=dict)
    meetings: list[Meeting] = field(default_factory=list)


@per_item
def words_of_turns(meeting: Meeting) -> list[int]:
    """turn_words of each of a meeting's turns: a server's rebuild counts only the edited meeting's."""
    return [turn_words(turn) for turn in meeting.turns]


_speakers_of_meetings = PerItem()
"""turns_by_speaker of each meeting of the last archive: a server's rebuild groups only the edited one's."""


@per_archive
def speaker_stats(archive: Archive) -> dict[str, SpeakerStats]:
    """Person key → their turns, words, and meetings (in date order)."""
    stats: dict[str, SpeakerStats] = defaultdict(SpeakerStats)
    shares = _speakers_of_meetings.each(archive.meetings, lambda m: turns_by_speaker(archive, m),
                                        *speakers_context(archive))
    for meeting, share in zip(archive.meetings, shares):
        for key, (turns, words) in share.items():
            entry = stats[key]
            entry.turns += turns
            entry.words += words
            entry.meetings.append(meeting)
            entry.words_by_meeting[meeting.slug] = words
    return dict(stats)


def turns_by_speaker(archive: Archive, meeting: Meeting) -> dict[str, tuple[list, int]]:
    """Person key → ([(meeting, turn), …], words) of one meeting's turns, in the order spoken."""
    share: dict[str, tuple[list, int]] = {}
    for turn, words in zip(meeting.turns, words_of_turns(archive, meeting)):
        key = archive.speaker_of.get((meeting.slug, turn.number))
        if key is not None:
            turns, total = share.get(key, ([], 0))
            turns.append((meeting, turn))
            share[key] = (turns, total + words)
    return share


def speaking_shares(archive: Archive, meeting: Meeting) -> list[tuple[str | None, str, int]]:
    """(person key or None, name, words) per speaker of one meeting, most words first."""
    words: dict[tuple[str | None, str], int] = defaultdict(int)
    for turn in meeting.turns:
        key = archive.speaker_of.get((meeting.slug, turn.number))
        name = turn.label.name if key is None else key
        words[(key, name)] += turn_words(turn)
    return sorted(((k, n, w) for (k, n), w in words.items()), key=lambda x: (-x[2], x[1]))
