"""The topic glossary: what the rest of the generator asks of it.

Loading and validating glossary.yaml lives in glossary_file.py, finding terms
in the text in terms.py. Here: which occurrences become links (the first in
each turn by default, never inside a figure or another link), the cross
indexes the glossary pages need, and the topics of the archive.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import attrgetter

from . import urls
from .figures import is_figure_mark
from .glossary_file import Glossary, GlossaryEntry, Topic, load_glossary, name_key
from .inline import Mark
from .model import Archive, Meeting, hits_by_meeting
from .once import Totals, per_archive, per_item, sum_parts
from .slugs import unique_slugs
from .terms import TermHit, find_terms

__all__ = ["Glossary", "GlossaryEntry", "Topic", "TermHit", "load_glossary", "find_terms",
           "term_marks", "without_clashing_terms", "term_stats", "archive_topics", "meeting_topics"]

TERM_PRIORITY = 1
"""Below editorial insertions and stage directions: a term crossing one is dropped."""


def overlaps(start: int, end: int, ranges) -> bool:
    return any(start < b and a < end for a, b in ranges)


def figure_spans(archive: Archive) -> dict[tuple[str, int], list[tuple[int, int]]]:
    """(meeting slug, paragraph number) → spans of the figures said there."""
    found: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    for figure in archive.figures:
        found[(figure.meeting, figure.paragraph)].append((figure.start, figure.end))
    return found


def linked_hits(archive: Archive) -> list[TermHit]:
    """The occurrences that become links: linkable, clear of figures, first per scope unless "all"."""
    every = archive.config.term_links == "all"
    figures = figure_spans(archive)
    seen: set[tuple[str, int, str]] = set()
    chosen = []
    for hit in archive.term_hits:
        if not hit.linkable or overlaps(hit.start, hit.end, figures.get((hit.meeting, hit.paragraph), ())):
            continue
        key = (hit.meeting, hit.scope, hit.term)
        if not every and key in seen:
            continue
        seen.add(key)
        chosen.append(hit)
    return chosen


def term_marks(archive: Archive) -> dict[tuple[str, int], list[Mark]]:
    """(meeting slug, paragraph number) → [Mark] linking terms (class="term") with a tooltip.

    The short definition is a span inside the link, shown by CSS on hover and
    focus, so it works without JavaScript. Screen readers get it as the link's
    description (aria-describedby); aria-hidden keeps it out of the link's name.
    """
    if archive.glossary is None:
        return {}
    entries = {entry.slug: entry for entry in archive.glossary.entries}
    marks: dict[tuple[str, int], list[Mark]] = defaultdict(list)
    for hit in linked_hits(archive):
        entry = entries[hit.term]
        tip = f"term-p{hit.paragraph}-{hit.start}"
        marks[(hit.meeting, hit.paragraph)].append(Mark(
            hit.start, hit.end, "a",
            (("class", "term"), ("href", urls.term(entry.slug)), ("aria-describedby", tip)),
            TERM_PRIORITY,
            tail=f"{entry.term}: {entry.short}" if entry.short else entry.term,
            tail_attrs=(("class", "term-def"), ("role", "tooltip"), ("id", tip), ("aria-hidden", "true"))))
    return dict(marks)


def hit_entries(archive: Archive) -> list[tuple[str, str, str]]:
    """(slug, term, short definition) of each entry the archive's hits name, by slug: all that
    term_marks reads of the glossary. A meeting page holds these in its inputs, not the whole
    glossary: a term added or a definition edited renders again only the pages that say it."""
    if archive.glossary is None:
        return []
    named = {hit.term for hit in archive.term_hits}
    return sorted((entry.slug, entry.term, entry.short) for entry in archive.glossary.entries if entry.slug in named)


def is_term(mark: Mark) -> bool:
    return mark.tag == "a" and ("class", "term") in mark.attrs


def without_clashing_terms(marks: list[Mark]) -> list[Mark]:
    """A paragraph's marks without terms that touch a figure, another link or another term.

    Nesting is allowed in general, but a link inside a link is invalid HTML
    and a term around a figure hides the figure's own markup. A note's number
    (a point) is no obstacle: inline.choose_marks moves it to the term's end.
    """
    blockers = [m for m in marks if (m.tag == "a" or is_figure_mark(m)) and m.start < m.end]
    kept = []
    for mark in marks:
        if is_term(mark) and any(other is not mark and mark.start < other.end and other.start < mark.end
                                 for other in blockers):
            continue
        kept.append(mark)
    return kept


# --- cross indexes for the pages -------------------------------------------

@dataclass(frozen=True)
class TermStats:
    occurrences: int
    meetings: int
    """How many meetings say the term."""


def term_stats(archive: Archive, totals: Totals | None = None) -> dict[str, TermStats]:
    """Entry slug → how often it is said, and in how many meetings; every entry present, zero or
    not. Summed from each meeting's term_counts, kept from the last call in a server's `totals`
    (recall.Recall.term_sums): its rebuild adds again only the edited meeting's (0.02 s of
    each at 5,000 meetings)."""
    stamps = archive.analysis_keys  # each covers the meeting's hits
    said = [(slug, stamps.get(slug), hits) for slug, hits in hits_by_meeting(archive).items()]
    counts = sum_parts(totals, "occurrences", said, lambda hits: term_counts(archive, hits))
    meetings = sum_parts(totals, "meetings", said, lambda hits: term_counts(archive, hits).keys())
    entries = archive.glossary.entries if archive.glossary else ()
    return {e.slug: TermStats(counts[e.slug], meetings[e.slug]) for e in entries}


@per_item
def term_counts(hits: tuple) -> Counter:
    """Entry slug → occurrences among one meeting's hits, in the order first said. Remembered:
    the glossary's tables are summed from these, not from every hit of the archive (180,000
    at 5,000 meetings with the example glossary), and a server's rebuild counts the edited
    meeting's only."""
    return Counter(map(attrgetter("term"), hits))


@dataclass(frozen=True)
class ArchiveTopic:
    name: str
    slug: str
    description: str
    terms: tuple[GlossaryEntry, ...]
    """Entries of this topic, A–Z."""
    tagged: tuple[str, ...]
    """Slugs of meetings whose front matter names this topic."""


@per_archive
def archive_topics(archive: Archive) -> tuple[ArchiveTopic, ...]:
    """Every topic of the glossary or of a meeting's front matter, by name, each with one slug."""
    named: dict[str, Topic] = {}
    for topic in (archive.glossary.topics if archive.glossary else ()):
        named.setdefault(name_key(topic.name), topic)
    tagged: dict[str, dict[str, None]] = defaultdict(dict)  # an ordered set: no quadratic membership test
    for meeting in archive.meetings:
        for name in meeting.topics:
            key = name_key(name)
            if key not in named:
                named[key] = Topic(name=name.strip())
            tagged[key][meeting.slug] = None
    terms: dict[str, list[GlossaryEntry]] = defaultdict(list)
    for entry in (archive.glossary.entries if archive.glossary else ()):
        terms[name_key(entry.topic)].append(entry)
    slugs, _ = unique_slugs(list(named))
    topics = [ArchiveTopic(name=t.name, slug=slugs[key], description=t.description,
                           terms=tuple(sorted(terms[key], key=lambda e: (e.term.casefold(), e.slug))),
                           tagged=tuple(tagged[key]))
              for key, t in named.items()]
    return tuple(sorted(topics, key=lambda t: (t.name.casefold(), t.slug)))


def topic_of(topics: tuple[ArchiveTopic, ...]) -> dict[str, ArchiveTopic]:
    """Topic name key → topic, for looking up an entry's or a meeting's topic."""
    return {name_key(t.name): t for t in topics}


def meeting_topics(archive: Archive, topics: tuple[ArchiveTopic, ...] | None = None) -> dict[str, list[ArchiveTopic]]:
    """Meeting slug → its topics: front matter first, then those of its terms, most mentioned first."""
    topics_of = topic_finder(archive, topics)
    return {meeting.slug: topics_of(meeting) for meeting in archive.meetings}


def topic_finder(archive: Archive, topics: tuple[ArchiveTopic, ...] | None = None, hits: dict | None = None):
    """meeting → its topics, as meeting_topics gives them, one meeting at a time.

    `hits`: the archive's term hits by meeting slug (model.hits_by_meeting), when the caller has them.
    """
    by_key = topic_of(archive_topics(archive) if topics is None else topics)
    entries = {e.slug: e for e in (archive.glossary.entries if archive.glossary else ())}
    hits = hits_by_meeting(archive) if hits is None else hits

    def topics_of(meeting: Meeting) -> list[ArchiveTopic]:
        mentions = Counter(name_key(entries[hit.term].topic) for hit in hits.get(meeting.slug, ()))
        keys = [name_key(name) for name in meeting.topics]
        keys += [key for key, _ in sorted(mentions.items(), key=lambda kv: (-kv[1], kv[0]))]
        return [by_key[key] for key in dict.fromkeys(keys) if key in by_key]

    return topics_of
