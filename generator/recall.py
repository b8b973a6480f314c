"""What one build leaves for the next build in the same process: a server's rebuilds.

A server rebuilds after every save, and most of what a rebuild lists is as the
last one listed it: the glossary, each person's pages, each term's and topic's
pages, the figures pages, the search shards, the speakers' records. The step
that makes each of these keeps it here, in its own field, and checks it against
what it is given before reusing any of it: a field left from another build is
never wrong, only no help.

A server's cache holds one (cache.Cache.recall, in memory only, never saved), and
a server keeps its cache, so its rebuilds share one Recall. A command-line build
has none: it makes each of these once, and keeping them would only hold memory
to its end (the search shards, 30 MB at 5,000 meetings). A step given none keeps
nothing, as a new process would.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .once import Totals


@dataclass
class Recall:
    """One field per step that reuses its last answer; each is read and set by that step only."""

    parses_elsewhere: dict = field(default_factory=dict)
    """jobs.shown_parses: id(cache entry) → (entry, path, shown_at of it) for each parse shown
    at another path than its entry's."""
    glossary: tuple = (None, (None, []))
    """glossary_file.load_glossary: ((path, text digest), (glossary, problems)) of the last
    glossary.yaml loaded."""
    hits_by_term: tuple = ({}, {}, {})
    """glossary_views.hits_by_term: (hits by meeting, hits by term, each meeting's place)."""
    term_listing: object = None
    """glossary_views.term_pages: the last complete glossary_views.TermListing."""
    topic_listing: object = None
    """glossary_views.topic_pages: the last complete glossary_views.TopicListing."""
    people: tuple | None = None
    """speaker_views.speaker_pages: (the page sizes, person key → speaker_views.ListedPerson)
    of the last complete listing."""
    figures_quick: dict = field(default_factory=dict)
    """figure_views.figures_pages: each figures page's quick key as last made."""
    speaker_runs: tuple = (None, {})
    """search_index.speaker_runs: (the speaker table, {(meeting slug, analysis key): its runs})."""
    joined: object = None
    """search_index.joined_postings: the last search_index.Joined kept."""
    block_keys: dict = field(default_factory=dict)
    """jobs.SearchBlocks: a block's identity → its cache key."""
    shards: dict = field(default_factory=dict)
    """search_index.search_file_items: shard key → (its terms, its script, the script as a file)."""
    speaker_records: dict = field(default_factory=dict)
    """export.speakers_file: slug → (a person's record, its JSON)."""
    term_sums: Totals = field(default_factory=Totals)
    """glossary.term_stats: each term's occurrences and meetings, summed meeting by meeting."""
    kinds_said: Totals = field(default_factory=Totals)
    """speaker_views.said_of: each person's figures by kind, summed meeting by meeting."""
    terms_said: Totals = field(default_factory=Totals)
    """speaker_views.terms_said_by: each person's terms, summed meeting by meeting."""


def recall_or_new(recall: Recall | None) -> Recall:
    """`recall`, or a new one that nothing will read again (a step given none keeps nothing)."""
    return Recall() if recall is None else recall
