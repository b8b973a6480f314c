"""Many small files read a batch at a time (readahead): the same bytes and errors, in order,
the disk told of a whole batch before its first file is read, and no file left open."""
from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from generator import readahead
from generator.cache import read_entries
from generator.read import read_content


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture
def files(tmp_path) -> list[str]:
    """Ten paths: eight files of distinct bytes, one missing (the fourth) and one folder (the eighth)."""
    paths = []
    for number in range(10):
        path = tmp_path / f"{number:02}.txt"
        if number == 7:
            path.mkdir()
        elif number != 3:
            path.write_bytes(f"file {number}\n".encode() * (number + 1))
        paths.append(str(path))
    return paths


@pytest.fixture
def advice(monkeypatch) -> list[int]:
    """The handles the kernel is told will be read, in order; batches of four."""
    told: list[int] = []
    monkeypatch.setattr(readahead, "BATCH", 4)
    monkeypatch.setattr(readahead, "_advise", lambda handle, offset, length, what: told.append(what))
    return told


def test_each_files_bytes_or_its_error_come_in_order_across_batches(files, advice):
    before = open_files()
    read = list(readahead.read_files(files))
    assert [type(item).__name__ if isinstance(item, OSError) else item for item in read] == [
        b"file 0\n", b"file 1\n" * 2, b"file 2\n" * 3, "FileNotFoundError", b"file 4\n" * 5,
        b"file 5\n" * 6, b"file 6\n" * 7, "IsADirectoryError", b"file 8\n" * 9, b"file 9\n" * 10]
    assert advice == [os.POSIX_FADV_WILLNEED] * 9  # every file opened, the missing one aside
    assert open_files() == before


def test_a_whole_batch_is_announced_before_its_first_file_is_read(files, advice):
    reading = readahead.read_files(files)
    assert next(reading) == b"file 0\n"
    assert len(advice) == 3  # the first four paths, but the missing one
    assert [next(reading) for _ in range(2)] == [b"file 1\n" * 2, b"file 2\n" * 3]
    assert isinstance(next(reading), FileNotFoundError)
    assert len(advice) == 3
    assert next(reading) == b"file 4\n" * 5
    assert len(advice) == 7  # the second batch, its folder too


def test_a_reader_that_stops_early_leaves_no_file_open(files, advice):
    before = open_files()
    reading = readahead.read_files(files)
    next(reading)
    assert open_files() == before + 2  # the rest of the first batch, waiting: the second and third files
    reading.close()
    assert open_files() == before


def test_without_advice_the_files_are_read_all_the_same(files, monkeypatch):
    """Where posix_fadvise is missing (not Linux)."""
    monkeypatch.setattr(readahead, "_advise", None)
    assert [item for item in readahead.read_files(files) if isinstance(item, bytes)][-1] == b"file 9\n" * 10


def test_the_contents_problems_come_in_the_order_of_its_files(tmp_path, advice, monkeypatch):
    """Whether a file may be read is known before any is read, and its bytes after: the problems
    of both kinds still come file by file, as the build prints them."""
    transcripts = tmp_path / "content" / "transcripts"
    transcripts.mkdir(parents=True)
    (transcripts / "a.txt").write_bytes("Vladimir Putin: Herr M\u00fcller.\n".encode("latin-1"))
    (transcripts / "b.txt").write_text("Vladimir Putin: Good afternoon.\n", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("Vladimir Putin: Outside.\n", encoding="utf-8")
    (transcripts / "c.txt").symlink_to(tmp_path / "outside.txt")
    (transcripts / "d.txt").mkdir()
    (transcripts / "e.txt").write_text("Vladimir Putin: Good evening.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    read = read_content(Path("content"))
    assert [source.path for source in read.transcripts] == ["content/transcripts/b.txt", "content/transcripts/e.txt"]
    assert [(problem.path, problem.message) for problem in read.unread] == [
        ("content/transcripts/a.txt", "not UTF-8 text (byte 0xFC); save the file as UTF-8"),
        ("content/transcripts/c.txt", "symlink points outside the content folder"),
        ("content/transcripts/d.txt", "cannot read file: Is a directory"),
    ]
    assert len(advice) == 4  # a, b, d and e: the symlink that leaves the folder is never opened


def test_a_cache_folder_gives_its_readable_entries_only(tmp_path, advice):
    folder = tmp_path / "parsed"
    folder.mkdir()
    for number in range(6):
        (folder / f"key{number}").write_bytes(pickle.dumps({"entry": number}))
    (folder / "key2").write_bytes(b"\x80\x04damaged")
    (folder / "stray").mkdir()
    assert read_entries(folder, lasting=False) == {f"key{number}": {"entry": number} for number in (0, 1, 3, 4, 5)}
    assert len(advice) == 7
