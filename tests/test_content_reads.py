"""A server's rebuild reads again only the content files inotify named since its last read
(generator/content_reads.py), and the whole folder whenever it cannot place a change: each read
equals a command-line build's read of the folder as it is."""
from __future__ import annotations

import ctypes
import os
import shutil
import sys

import pytest

from conftest import CONTENT
from generator import content_reads, read
from generator.content_reads import ContentReads
from generator.model import ContentInput

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")

SEED = "2023-02-17_70530.txt"


@pytest.fixture
def content(tmp_path, monkeypatch):
    """The example's content; every file read is trusted at once, however recently written
    (read.SETTLED_NS), but where a test says otherwise."""
    monkeypatch.setattr(read, "SETTLED_NS", -1)
    shutil.copytree(CONTENT, tmp_path / "content")
    return tmp_path / "content"


@pytest.fixture
def looked(monkeypatch) -> list[list[str]]:
    """The paths each read of ContentReads read again, one list a read that looked at some."""
    calls: list[list[str]] = []

    def recorded(paths, *args, **kwargs):
        calls.append([read.display_path(path) for path in paths])
        return read.read_texts(paths, *args, **kwargs)
    monkeypatch.setattr(content_reads, "read_texts", recorded)
    return calls


def as_read(found: ContentInput) -> tuple:
    """What a read gives, to compare: each source's path and text, in order, and the problems."""
    return [(source.path, source.text) for source in found.sources()], found.unread


def whole_read(content) -> tuple:
    return as_read(read.read_content(content, {}))


def test_after_a_save_only_the_file_saved_is_read_again_and_the_others_are_kept(content, looked):
    reads, known = ContentReads(content), {}
    first = reads.read(content, known)
    assert reads.whole and len(first.transcripts) == 11 and looked == []
    seed = content / "transcripts" / SEED
    seed.write_text(seed.read_text(encoding="utf-8") + "\nVladimir Putin: Saved once.\n", encoding="utf-8")
    again = reads.read(content, known)
    assert not reads.whole
    assert looked == [[read.display_path(seed)]]
    assert as_read(again) == whole_read(content)
    assert again.transcripts[-1].text.endswith("Saved once.\n")
    kept = [new is old for new, old in zip(again.transcripts, first.transcripts)]
    assert kept == [True] * 10 + [False]
    assert again.glossary is first.glossary and again.annotations == first.annotations
    assert reads.read(content, known) is again and not reads.whole, "nothing named: the last read as it was"
    reads.close()


def test_what_no_source_was_read_from_has_the_whole_folder_read(content, looked):
    """A new transcript, one removed, a template made, an editor's backup beside the
    transcripts: each read then looks at every file, and gives what a fresh read gives."""
    reads, known = ContentReads(content), {}
    reads.read(content, known)
    transcripts = content / "transcripts"
    changes = [lambda: shutil.copy(transcripts / SEED, transcripts / "2023-02-18_1.txt"),
               lambda: (transcripts / "2010-10-09_9200.txt").unlink(),
               lambda: (content / "templates").mkdir(),
               lambda: (content / "templates" / "base.html").write_text("{{ page }}"),
               lambda: (transcripts / f"{SEED}~").write_text("a backup")]
    for change in changes:
        change()
        found = reads.read(content, known)
        assert reads.whole
        assert as_read(found) == whole_read(content)
    assert looked == [[read.display_path(transcripts / "2010-10-09_9200.txt")]], "tried, and not found"
    assert [source.path for source in found.transcripts][-2:] == [f"{read.display_path(transcripts)}/{SEED}",
                                                                 f"{read.display_path(transcripts)}/2023-02-18_1.txt"]
    assert any(f"{SEED}~" in problem.path for problem in found.unread)
    reads.close()


def test_a_hidden_file_named_is_read_by_no_one(content, looked):
    """An editor's swap file (hidden) is never a transcript: its events read nothing again."""
    reads, known = ContentReads(content), {}
    first = reads.read(content, known)
    (content / "transcripts" / f".{SEED}.swp").write_text("vim's")
    assert reads.read(content, known) is first and not reads.whole and looked == []
    reads.close()


def test_a_file_read_through_a_symlink_is_read_again_when_its_target_changes(content, looked):
    """Events name the file written, not the links to it: a transcript that is a symlink (to a
    file in another folder of the content, or to another transcript) is read again with it."""
    transcripts, drafts = content / "transcripts", content / "drafts"
    drafts.mkdir()
    shutil.move(transcripts / "2010-10-09_9200.txt", drafts / "2010-10-09_9200.txt")
    (transcripts / "2010-10-09_9200.txt").symlink_to(drafts / "2010-10-09_9200.txt")
    (transcripts / "2099-01-01_1.txt").symlink_to(SEED)
    reads, known = ContentReads(content), {}
    reads.read(content, known)
    with open(drafts / "2010-10-09_9200.txt", "a", encoding="utf-8") as draft:
        draft.write("\nDmitry Medvedev: Written in the drafts.\n")
    with open(transcripts / SEED, "a", encoding="utf-8") as seed:
        seed.write("\nVladimir Putin: Written to the seed.\n")
    found = reads.read(content, known)
    assert not reads.whole
    shown = read.display_path(transcripts)
    assert sorted(looked[0]) == [f"{shown}/2010-10-09_9200.txt", f"{shown}/2023-02-17_70530.txt",
                                 f"{shown}/2099-01-01_1.txt"]
    assert as_read(found) == whole_read(content)
    assert found.transcripts[-1].text.endswith("Written to the seed.\n")
    reads.close()


def test_a_write_with_no_event_is_found_by_a_look_and_the_next_read_reads_every_file(content, tmp_path, looked):
    """A write through another hard link, from outside the content folder, names nothing to
    inotify: the read after it keeps the old text, until the server's idle look at every file
    (changed_unseen) finds it; the next read then reads the whole folder."""
    reads, known = ContentReads(content), {}
    reads.read(content, known)
    seed = content / "transcripts" / SEED
    os.link(seed, tmp_path / "elsewhere.txt")
    with open(tmp_path / "elsewhere.txt", "a", encoding="utf-8") as elsewhere:
        elsewhere.write("\nVladimir Putin: Written through another hard link.\n")
    assert "another hard link" not in reads.read(content, known).transcripts[-1].text
    assert reads.changed_unseen(known) == [read.display_path(seed)]
    found = reads.read(content, known)
    assert reads.whole and found.transcripts[-1].text.endswith("Written through another hard link.\n")
    assert reads.changed_unseen(known) == []
    assert looked == []
    reads.close()


def test_a_file_read_too_soon_after_a_write_is_read_again_until_it_has_settled(content, looked, monkeypatch):
    """A file written less than read.SETTLED_NS before it was read is not remembered as read
    (its stat may not tell a second write): each read looks at it again, and only at it."""
    reads, known = ContentReads(content), {}
    reads.read(content, known)
    monkeypatch.setattr(read, "SETTLED_NS", 3600 * 10**9)
    seed = content / "transcripts" / SEED
    seed.write_text(seed.read_text(encoding="utf-8") + "\nVladimir Putin: Just saved.\n", encoding="utf-8")
    reads.read(content, known)
    found = reads.read(content, known)
    assert looked == [[read.display_path(seed)]] * 2
    assert as_read(found) == whole_read(content)
    monkeypatch.setattr(read, "SETTLED_NS", -1)
    reads.read(content, known)
    reads.read(content, known)
    assert len(looked) == 3, "settled at the third read: the fourth reads nothing again"
    reads.close()


def test_a_save_not_yet_read_is_left_to_the_rebuild_its_event_brings(content, looked):
    """The look runs beside the server's loop: a file saved since the last read, whose event
    is waiting, is the next rebuild's to read, not a change with no event."""
    reads, known = ContentReads(content), {}
    reads.read(content, known)
    seed = content / "transcripts" / SEED
    seed.write_text(seed.read_text(encoding="utf-8") + "\nVladimir Putin: Saved.\n", encoding="utf-8")
    assert reads.changed_unseen(known) == []
    assert reads.read(content, known).transcripts[-1].text.endswith("Saved.\n") and not reads.whole
    assert looked == [[read.display_path(seed)]]
    reads.close()


def test_a_write_with_no_event_to_a_file_not_yet_settled_is_found_too(content, tmp_path, monkeypatch):
    """A server started on content just copied has read every file too soon to remember it:
    the look compares such a file with its stat just after it was read."""
    monkeypatch.setattr(read, "SETTLED_NS", 3600 * 10**9)
    reads, known = ContentReads(content), {}
    reads.read(content, known)
    assert reads.changed_unseen(known) == []
    seed = content / "transcripts" / SEED
    os.link(seed, tmp_path / "elsewhere.txt")
    with open(tmp_path / "elsewhere.txt", "a", encoding="utf-8") as elsewhere:
        elsewhere.write("\nVladimir Putin: Written through another hard link.\n")
    assert reads.changed_unseen(known) == [read.display_path(seed)]
    assert reads.read(content, known).transcripts[-1].text.endswith("another hard link.\n") and reads.whole
    reads.close()


def test_without_inotify_every_read_reads_every_file(content, monkeypatch):
    monkeypatch.setattr(ctypes, "CDLL", lambda *args, **kwargs: (_ for _ in ()).throw(AttributeError("no")))
    reads, known = ContentReads(content), {}
    for _ in range(2):
        reads.read(content, known)
        assert reads.whole
