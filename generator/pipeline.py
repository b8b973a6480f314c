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
import unicodedata
from collections import defaultdict
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from . import jobs as steps
from .annotations import anchor_annotations
from .cache import Cache, SiteRecord, digest_text
from .config import read_site_config
from .content_links import link_problems
from .export import figures_layout
from .figures import extract_figures
from .glossary import find_terms, load_glossary
from .model import Archive, ContentErrors, ContentInput, Meeting, Problem, Source
from .parallel import Fresh, job_count
from .parse import parse_with_problems
from .progress import Progress
from .recall import Recall
from .resolve import resolve_speakers
from .speakers_file import speaker_names
from .uptodate import Built, Inputs, Options, check_inputs

if TYPE_CHECKING:  # a server's only: it watches with inotify
    from .content_reads import ContentReads

__all__ = ["Built", "Options", "build", "load_archive", "make_site"]


def meeting_order(meeting: Meeting) -> tuple:
    return (meeting.date or dt.date.min, meeting.slug)


def parse_each(sources: tuple[Source, ...], speaker_names: frozenset[str] = frozenset()
               ) -> list[tuple[Meeting | None, list[Problem]]]:
    return [parse_with_problems(source, speaker_names) for source in sources]


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
            alike = (" (the names differ only in how their accented letters are encoded, NFC and NFD)"
                     if unicodedata.normalize("NFC", other.path) == unicodedata.normalize("NFC", same[0].path) else "")
            problems.append(Problem(other.path, 1, f"meeting slug {slug!r} is already used by {same[0].path}{alike}; "
                                                   "rename one file"))
    return sorted(meetings, key=meeting_order), problems


def parse_meetings(content: ContentInput) -> tuple[list[Meeting], list[Problem]]:
    """Every transcript parsed, in archive order, with the problems found."""
    return gather_meetings(parse_each(content.transcripts, speaker_names(content.speakers)))


def analyse_all(meetings: list[Meeting], glossary, speaker_of: dict) -> tuple[tuple, tuple]:
    """(term hits, figures) of the whole archive."""
    return find_terms(meetings, glossary), extract_figures(meetings, glossary, speaker_of)


def load_archive(content: ContentInput, base_url: str = "", strict: bool = False,
                 parse=parse_each, analyse=analyse_all, resolve=resolve_speakers,
                 names: frozenset[str] | None = None, recall: Recall | None = None) -> Archive:
    """The resolved archive, or ContentErrors listing every problem.

    Warnings are kept on the archive for the command line to print; with
    `strict` they fail the build like errors. `parse`, `analyse` and `resolve`
    may be replaced by versions that give the same results faster (jobs.py).
    `names`: speakers_file.speaker_names of content.speakers, when the caller has them already.
    `recall`: what the last build in this process left (recall.Recall).
    """
    config, problems = read_site_config(content.site, base_url)
    problems = [*content.unread, *problems]
    names = speaker_names(content.speakers) if names is None else names
    meetings, found = gather_meetings(parse(content.transcripts, names))
    problems += found
    people, speaker_of, found = resolve(meetings, content.speakers)
    problems += found
    glossary, found = load_glossary(content.glossary, recall)
    problems += found
    term_hits, figures = analyse(meetings, glossary, speaker_of)
    unread = [p.path for p in content.unread if not p.warning]
    annotations, found = anchor_annotations(content.annotations, meetings,
                                            [s.path for s in content.transcripts] + unread)
    problems += found
    archive = Archive(config=config, meetings=tuple(meetings), people=tuple(people),
                      speaker_of=speaker_of, glossary=glossary, term_hits=term_hits,
                      figures=figures, annotations=annotations)
    problems += link_problems(archive, content.speakers)
    errors = [p for p in problems if strict or not p.warning]
    if errors:
        raise ContentErrors(errors)
    return replace(archive, warnings=tuple(p for p in problems if p.warning))


def make_site(options: Options, progress: Progress | None = None, cache: Cache | None = None,
              checked: tuple[Inputs, Cache, Built | None] | None = None, save: bool = True,
              fresh: Fresh | None = None, touched: set[str] | None = None,
              reads: ContentReads | None = None) -> Built:
    """Read, load, render and write, on every core, reusing the cache; see the module docstring.

    `checked` is what uptodate.check_inputs found, when the caller asked it first. Without
    `save`, the cache is updated in memory only: the caller saves it (cache.save(prune=True))
    before it is used again. `fresh`: workers the caller made before it loaded anything
    (a server's, kept from one rebuild to the next); without them a command-line build
    makes its own, and a server's build forks workers from itself. `touched`: a server's
    folder_changes.FolderChanges.touched (the other files of the site are as the last build left them).
    `reads`: a server's content_reads.ContentReads (only the files that changed are read again).
    """
    progress = progress or Progress()
    inputs, cache, built = checked or check_inputs(options, cache, reads)
    if built is not None:
        return built
    jobs = job_count(options.jobs, len(inputs.content.transcripts))
    own = fresh is None and not options.server
    if own:  # forked now, before the archive is loaded, and without the texts read so far
        fresh = Fresh(jobs, partial(steps.forget_texts, inputs.content.transcripts))
    elif fresh is not None and not fresh.working:
        fresh.close()  # a worker died: this build and the next ones fork theirs
    try:
        return _make_site(options, progress, inputs, cache, jobs, fresh if jobs > 1 else None, save, touched)
    finally:
        if own:
            fresh.close()


def _make_site(options: Options, progress: Progress, inputs: Inputs, cache: Cache, jobs: int, fresh: Fresh | None,
               save: bool, touched: set[str] | None = None) -> Built:
    content, keys = inputs.content, inputs.keys
    meeting_keys: dict = {}  # filled by the parse, for the analysis
    parse = partial(steps.parse_sources, keys=keys, cache=cache, jobs=jobs, progress=progress,
                    meeting_keys=meeting_keys)
    postings: dict = {}
    analysed: dict = {}
    figures_json: dict = {}
    figures_of: dict = {}
    hits_of: dict = {}
    analyse = partial(steps.analyse_meetings, keys=meeting_keys,
                      version=inputs.version, cache=cache,
                      jobs=jobs, progress=progress, postings=postings, analysed=analysed,
                      figures_json=figures_json, figures_of=figures_of, hits_of=hits_of, fresh=fresh)
    archive = load_archive(content, options.base_url, options.strict, parse=parse, analyse=analyse,
                           resolve=partial(steps.resolve_remembered, cache=cache, server=options.server,
                                           keys=meeting_keys),
                           names=inputs.speaker_names, recall=cache.recall)
    same_site = cache.site.out == str(options.out.absolute())
    archive = replace(archive, analysis_keys=analysed, figures_json=figures_json, figures_of=figures_of,
                      hits_of=hits_of, figures_before=cache.site.figures if same_site else {})
    files, pages, changed, quick = steps.write_site_files(archive, options.out, options.content, options.templates,
                                                   salt=digest_text(inputs.version, inputs.templates),
                                                   cache=cache, jobs=jobs, progress=progress, postings=postings,
                                                   server=options.server, fresh=fresh, version=inputs.version,
                                                   touched=touched)
    cache.site = SiteRecord(out=str(options.out.absolute()), inputs=inputs.digest, files=files, pages=pages,
                            meetings=len(archive.meetings), warnings=archive.warnings,
                            figures=figures_layout(archive), quick=quick)
    if save:
        cache.save(prune=True)
    return Built(archive, len(archive.meetings), len(files), changed, archive.warnings)


def build(options: Options, progress: Progress | None = None) -> tuple[Archive, int]:
    """Read, load, render and write; returns the archive and the number of files written."""
    built = make_site(replace(options, stop_if_unchanged=False), progress)
    return built.archive, built.files
