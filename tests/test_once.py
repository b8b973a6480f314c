"""Whole-archive tables shared by the page kinds are made once per archive object, and
never outlive it."""
from __future__ import annotations

import gc
import weakref
from dataclasses import replace

from generator.index import speaker_stats
from generator.once import per_archive
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
