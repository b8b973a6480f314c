"""Load, then build: the whole of a build, top to bottom.

read (disk) → parse → resolve → index → render → write (disk). Loading makes
one Archive from the content; rendering makes every page's bytes from the
Archive; writing swaps the finished site in. Problems are gathered at each
step and reported together.

`make_site` is the same build made fast (see jobs.py): parsing, analysis and
rendering run on every core, and a rebuild reuses what the cache has. When
no input changed and the site is as the last build left it, it stops right
after reading.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from . import jobs as steps
from .annotations import anchor_annotations
from .cache import Cache, SiteRecord, code_version, default_cache_dir, digest_text
from .config import read_site_config
from .figures import extract_figures
from .glossary import find_terms, load_glossary
from .model import Archive, ContentErrors, ContentInput, Meeting, Problem, Source
from .parallel import job_count
from .parse import parse_with_problems
from .progress import Progress
from .read import read_content
from .render import template_digest
from .resolve import resolve_speakers
from .write import check_output_folder, site_unchanged


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    content: Path
    out: Path
    base_url: str = ""
    strict: bool = False
    templates: Path | None = None
    jobs: int = 0
    """Worker processes; 0: every core (one for small archives)."""
    cache: Path | None = None
    """The cache folder; None: .stenogram-cache/<out name> beside the output."""
    use_cache: bool = True
    stop_if_unchanged: bool = False
    """Skip loading altogether when no input changed and the site is intact (no archive is returned then)."""


@dataclass(frozen=True)
class Built:
    """What a build did."""

    archive: Archive | None
    """None when the site was already up to date and nothing was loaded."""
    meetings: int
    files: int
    changed: int
    """Files whose bytes differ from the previous site's."""
    warnings: tuple[Problem, ...] = field(default=())


def meeting_order(meeting: Meeting) -> tuple:
    return (meeting.date or dt.date.min, meeting.slug)


def parse_each(sources: tuple[Source, ...]) -> list[tuple[Meeting | None, list[Problem]]]:
    return [parse_with_problems(source) for source in sources]


def gather_meetings(parsed: list[tuple[Meeting | None, list[Problem]]]) -> tuple[list[Meeting], list[Problem]]:
    """The parsed meetings in archive order; duplicate slugs are errors naming both files."""
    meetings, problems = [], []
    for meeting, found in parsed:
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


def parse_meetings(content: ContentInput) -> tuple[list[Meeting], list[Problem]]:
    """Every transcript parsed, in archive order, with the problems found."""
    return gather_meetings(parse_each(content.transcripts))


def analyse_all(meetings: list[Meeting], glossary, speaker_of: dict, config) -> tuple[tuple, tuple]:
    """(term hits, figures) of the whole archive."""
    return find_terms(meetings, glossary, config), extract_figures(meetings, glossary, speaker_of)


def load_archive(content: ContentInput, base_url: str = "", strict: bool = False,
                 parse=parse_each, analyse=analyse_all) -> Archive:
    """The resolved archive, or ContentErrors listing every problem.

    Warnings are kept on the archive for the command line to print; with
    `strict` they fail the build like errors. `parse` and `analyse` may be
    replaced by versions that give the same results faster (jobs.py).
    """
    config, problems = read_site_config(content.site, base_url)
    meetings, found = gather_meetings(parse(content.transcripts))
    problems += found
    people, speaker_of, found = resolve_speakers(meetings, content.speakers)
    problems += found
    glossary, found = load_glossary(content.glossary)
    problems += found
    term_hits, figures = analyse(meetings, glossary, speaker_of, config)
    annotations, found = anchor_annotations(content.annotations, meetings)
    problems += found
    errors = [p for p in problems if strict or not p.warning]
    if errors:
        raise ContentErrors(errors)
    return Archive(config=config, meetings=tuple(meetings), people=tuple(people),
                   speaker_of=speaker_of, glossary=glossary, term_hits=term_hits,
                   figures=figures, annotations=annotations, warnings=tuple(p for p in problems if p.warning))


def source_digest(source: Source | None) -> str:
    return digest_text(source.path, source.text) if source else "-"


def inputs_digest(version: str, content: ContentInput, keys: list[str], templates: str, options: Options) -> str:
    """Everything the site is made from: code, templates, options and every content file."""
    return digest_text(version, templates, repr((options.base_url, options.strict, str(options.templates))),
                       *keys, source_digest(content.site), source_digest(content.speakers),
                       source_digest(content.glossary), *map(source_digest, content.annotations))


def open_cache(options: Options, version: str) -> Cache:
    """The cache for this output folder (an empty one in memory with use_cache off).

    Nothing is written into it before a build succeeds, so a refused or
    failed build leaves no trace beside the site.
    """
    folder = (options.cache or default_cache_dir(options.out)) if options.use_cache else None
    if folder is not None and folder.absolute().is_relative_to(options.out.absolute()):
        raise ContentErrors([Problem(str(folder), 1, "the cache folder must not be inside the output folder")])
    return Cache(folder, version)


def make_site(options: Options, progress: Progress | None = None, cache: Cache | None = None) -> Built:
    """Read, load, render and write, on every core, reusing the cache; see the module docstring."""
    progress = progress or Progress()
    check_output_folder(options.out, options.content)
    version = code_version()
    cache = cache or open_cache(options, version)
    content = read_content(options.content)
    keys = [steps.transcript_key(version, source) for source in content.transcripts]
    templates = template_digest(options.templates)
    inputs = inputs_digest(version, content, keys, templates, options)
    record = cache.site
    if (options.stop_if_unchanged and record.inputs == inputs and record.out == str(options.out.absolute())
            and site_unchanged(options.out, record.files)):
        return Built(None, record.meetings, len(record.files), 0, record.warnings)
    jobs = job_count(options.jobs, len(content.transcripts))
    parse = partial(steps.parse_sources, keys=keys, cache=cache, jobs=jobs, progress=progress)
    postings: dict = {}
    analyse = partial(steps.analyse_meetings, keys={s.path: k for s, k in zip(content.transcripts, keys)},
                      glossary_key=source_digest(content.glossary), version=version, cache=cache,
                      jobs=jobs, progress=progress, postings=postings)
    archive = load_archive(content, options.base_url, options.strict, parse=parse, analyse=analyse)
    files, pages, changed = steps.write_site_files(archive, options.out, options.content, options.templates,
                                                   salt=digest_text(version, templates), cache=cache,
                                                   jobs=jobs, progress=progress, postings=postings)
    cache.site = SiteRecord(out=str(options.out.absolute()), inputs=inputs, files=files, pages=pages,
                            meetings=len(archive.meetings), warnings=archive.warnings)
    cache.save(prune=True)
    return Built(archive, len(archive.meetings), len(files), changed, archive.warnings)


def build(options: Options, progress: Progress | None = None) -> tuple[Archive, int]:
    """Read, load, render and write; returns the archive and the number of files written."""
    built = make_site(replace(options, stop_if_unchanged=False), progress)
    return built.archive, built.files
