"""Load, then build: the whole of a build, top to bottom.

read (disk) → parse → resolve → index → render → write (disk). Loading makes
one Archive from the content; rendering makes every page's bytes from the
Archive; writing swaps the finished site in. Problems are gathered at each
step and reported together.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .annotations import anchor_annotations
from .config import read_site_config
from .figures import extract_figures
from .glossary import find_terms, load_glossary
from .model import Archive, ContentErrors, ContentInput, Meeting, Problem
from .parse import parse_with_problems
from .read import read_content
from .render import render_site
from .resolve import resolve_speakers
from .write import write_site


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    content: Path
    out: Path
    base_url: str = ""
    strict: bool = False
    templates: Path | None = None


def meeting_order(meeting: Meeting) -> tuple:
    return (meeting.date or dt.date.min, meeting.slug)


def parse_meetings(content: ContentInput) -> tuple[list[Meeting], list[Problem]]:
    """Every transcript parsed; duplicate slugs are errors naming both files."""
    meetings, problems = [], []
    for source in content.transcripts:
        meeting, found = parse_with_problems(source)
        problems += found
        if meeting is not None:
            meetings.append(meeting)
    by_slug: dict[str, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        by_slug[meeting.slug].append(meeting)
    for slug, same in by_slug.items():
        for other in same[1:]:
            problems.append(Problem(other.path, 1, f"meeting slug {slug!r} is already used by {same[0].path}; rename one file"))
    return sorted(meetings, key=meeting_order), problems


def load_archive(content: ContentInput, base_url: str = "", strict: bool = False) -> Archive:
    """The resolved archive, or ContentErrors listing every problem.

    Warnings are kept on the archive for the command line to print; with
    `strict` they fail the build like errors.
    """
    config, problems = read_site_config(content.site, base_url)
    meetings, found = parse_meetings(content)
    problems += found
    people, speaker_of, found = resolve_speakers(meetings, content.speakers)
    problems += found
    glossary, found = load_glossary(content.glossary)
    problems += found
    term_hits = find_terms(meetings, glossary, config)
    figures = extract_figures(meetings, glossary, speaker_of)
    annotations, found = anchor_annotations(content.annotations, meetings)
    problems += found
    errors = [p for p in problems if strict or not p.warning]
    if errors:
        raise ContentErrors(errors)
    return Archive(config=config, meetings=tuple(meetings), people=tuple(people),
                   speaker_of=speaker_of, glossary=glossary, term_hits=term_hits,
                   figures=figures, annotations=annotations, warnings=tuple(p for p in problems if p.warning))


def build(options: Options, progress=None) -> tuple[Archive, int]:
    """Read, load, render and write; returns the archive and the number of files written."""
    content = read_content(options.content)
    archive = load_archive(content, options.base_url, options.strict)
    pages = render_site(archive, options.templates)
    write_site(pages, options.out, options.content)
    return archive, len(pages)
