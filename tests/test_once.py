"""Whole-archive tables shared by the page kinds are made once per archive object, and
never outlive it."""
from __future__ import annotations

import gc
import weakref
from dataclasses import replace

from generator.index import speaker_stats
from generator.once import PerItem, Totals, per_archive, per_item, sum_parts
from generator.pipeline import load_archive
from generator.read import read_content

from conftest import CONTENT


def test_one_value_per_archive_object_and_the_archive_is_not_kept():
    calls = []

    @per_archive
    def meetings_in(archive):
        calls.append(archive)
        return len(archive.meetings)

    archive = load_archive(read_content(CONTENT))
    assert meetings_in(archive) == meetings_in(archive) == 11
    assert len(calls) == 1
    other = replace(archive, meetings=archive.meetings[:3])  # a new archive: computed afresh
    assert meetings_in(other) == 3 and len(calls) == 2
    assert meetings_in(archive) == 11 and len(calls) == 3
    calls.clear()
    watch = weakref.ref(archive)
    del archive, other
    gc.collect()
    assert watch() is None


def test_speaker_stats_are_shared_and_still_right():
    archive = load_archive(read_content(CONTENT))
    stats = speaker_stats(archive)
    assert speaker_stats(archive) is stats
    putin = next(key for key in stats if "putin" in key)
    assert stats[putin].words == sum(stats[putin].words_by_meeting.values())
    assert len(stats[putin].meetings) == len(stats[putin].words_by_meeting)


def test_per_item_values_outlive_one_archive_but_not_two():
    """A server's rebuild reuses each unedited meeting's part; an edited meeting's is made
    again; and parts of meetings gone for two archives are let go."""
    calls = []

    @per_item
    def turns_in(meeting):
        calls.append(meeting.slug)
        return len(meeting.turns)

    first = load_archive(read_content(CONTENT))
    counts = [turns_in(first, m) for m in first.meetings]
    assert counts == [len(m.turns) for m in first.meetings] and len(calls) == 11
    assert [turns_in(first, m) for m in first.meetings] == counts and len(calls) == 11
    edited = replace(first.meetings[4], blocks=first.meetings[4].blocks[:3])
    second = replace(first, meetings=first.meetings[:4] + (edited,) + first.meetings[5:])
    calls.clear()
    assert turns_in(second, edited) == len(edited.turns) < counts[4]
    assert [turns_in(second, m) for m in second.meetings][:4] == counts[:4]
    assert calls == [edited.slug]  # the same objects as in the last archive: not counted again
    watch = weakref.ref(first.meetings[4])
    third = replace(second)
    fourth = replace(second)
    turns_in(third, edited)
    turns_in(fourth, edited)
    del first, counts
    gc.collect()
    assert watch() is None  # two archives later, the replaced meeting is no longer held


def test_per_item_values_are_reused_for_the_same_objects_while_the_context_is_the_same():
    archive = load_archive(read_content(CONTENT))
    meetings = list(archive.meetings)
    made = []

    def turns(meeting):
        made.append(meeting.slug)
        return meeting.title

    remembered = PerItem()
    first = remembered.each(meetings, turns, context=("a",))
    assert first == [m.title for m in meetings] and len(made) == 11
    edited = replace(meetings[4], title="Edited")  # a meeting parsed again: a new object
    made.clear()
    assert remembered.each(meetings[:4] + [edited] + meetings[5:], turns, context=("a",))[4] == "Edited"
    assert made == [edited.slug]
    made.clear()
    assert remembered.each(meetings, turns, context=("b",)) == first  # another context: all made again
    assert len(made) == 11
    made.clear()
    remembered.each(meetings[:2], turns, context=("b",))
    assert made == [] and remembered.each(meetings[2:3], turns, context=("b",)) and made == [meetings[2].slug], \
        "only the last call's items are kept"


def test_per_item_values_made_in_another_context_are_reused_where_their_part_of_it_is_the_same():
    """With `part`, a new context (who speaks in every meeting, after a turn is added to one)
    makes again only the values of the items whose part of it changed."""
    archive = load_archive(read_content(CONTENT))
    meetings = list(archive.meetings)
    made, parts = [], []

    def speakers(meeting):
        made.append(meeting.slug)
        return [speaker_of.get((meeting.slug, t.number)) for t in meeting.turns]

    def part(meeting, context):
        parts.append(meeting.slug)
        return tuple(context[0].get((meeting.slug, t.number)) for t in meeting.turns)

    remembered = PerItem()
    speaker_of = dict(archive.speaker_of)
    first = remembered.each(meetings, speakers, context=(speaker_of,), part=part)
    assert len(made) == len(parts) == 11
    made.clear(), parts.clear()
    assert remembered.each(meetings, speakers, context=(dict(speaker_of),), part=part) == first
    assert made == [] and parts == [], "an equal context: no part is asked"
    edited = meetings[3]
    turn = edited.turns[0].number
    speaker_of = {**speaker_of, (edited.slug, turn): "someone else"}
    again = remembered.each(meetings, speakers, context=(speaker_of,), part=part)
    assert made == [edited.slug] and len(parts) == 11
    assert again[3][0] == "someone else" and again[:3] == first[:3] and again[4:] == first[4:]
    made.clear()
    speaker_of = {key: value for key, value in speaker_of.items() if key != (edited.slug, turn)}
    assert remembered.each(meetings, speakers, context=(speaker_of,), part=part)[3][0] is None
    assert made == [edited.slug]


def test_totals_add_and_take_away_only_the_parts_whose_stamps_changed():
    """Totals.sum over the example's meetings' term counts, stamped with each meeting's number of
    hits: asked again, it makes only the parts of the items whose stamp changed (or is None), takes
    away the parts of items gone, and equals the sum made afresh; a term counted to nothing
    is gone from it. Without Totals (a command-line build's), sum_parts makes the same sum at once."""
    from collections import Counter
    archive = load_archive(read_content(CONTENT))
    said = {m.slug: Counter(h.term for h in archive.term_hits if h.meeting == m.slug) for m in archive.meetings}
    made: list[str] = []

    def part(slug):
        made.append(slug)
        return said[slug]

    def items(parts):
        return [(slug, sum(parts[slug].values()) or None, slug) for slug in parts]

    totals = Totals(least=5)  # a server's (recall.Recall)
    assert totals.sum("all", items(said), part) == sum(said.values(), Counter())
    assert len(made) == 11
    made.clear()
    assert totals.sum("all", items(said), part) == sum(said.values(), Counter())
    assert made == [slug for slug, counts in said.items() if not counts]  # None stamps: made again
    busiest = max(said, key=lambda slug: sum(said[slug].values()))
    only = next(term for term, count in said[busiest].items() if count == sum(c[term] for c in said.values()))
    oldest = archive.meetings[0].slug
    said = {slug: (Counter({t: c for t, c in counts.items() if t != only}) if slug == busiest else counts)
            for slug, counts in said.items() if slug != oldest}
    made.clear()
    total = totals.sum("all", items(said), part)
    assert total == sum(said.values(), Counter()) and only not in total
    assert busiest in made and len(made) < 5
    small = Totals(least=20)  # no more items than this: made again each time
    small.sum("all", items(said), part)
    made.clear()
    assert small.sum("all", items(said), part) == total and len(made) == 10
    made.clear()
    assert sum_parts(None, "all", items(said), part) == total and len(made) == 10
    assert sum_parts(totals, "all", items(said), part) == total and len(made) == 10  # kept: none made


def test_what_the_meeting_pages_listing_and_their_quick_keys_both_read_is_made_once_per_archive():
    """views.meeting_pages and views.meeting_page_quicks (which a rebuild asks first, to keep
    the unchanged meetings' pages unlisted) read the same whole-archive tables: made once."""
    from generator import index, views
    archive = load_archive(read_content(CONTENT))
    assert index.neighbours(archive) is index.neighbours(archive)
    assert views.shared_digest(archive) is views.shared_digest(archive)
    again = replace(archive)
    assert index.neighbours(again) == index.neighbours(archive)
    assert index.neighbours(again) is not index.neighbours(archive)
