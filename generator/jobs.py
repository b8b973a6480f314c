"""The heavy steps of a build, cut into jobs that run on every core and skip what the cache knows.

- parsing: each transcript not parsed before (same path, text and code);
- analysis: glossary terms and figures of each meeting, which depend only
  on that meeting, the glossary, the settings and who speaks its turns;
- rendering and writing: every page and data file. A page whose view is the
  same as the last build's (same data, templates and code) is not rendered
  again; a file whose bytes are unchanged is linked from the old site.

The results are the same, byte for byte, as the plain steps in one process
(pipeline.load_archive, render.render_site) whatever the number of jobs:
each job's output depends only on its inputs, and results are gathered in
task order.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .cache import Cache, digest_text
from .figures import extract_figures
from .lazy import view_of
from .model import Archive, ContentErrors, Meeting, Problem, Source
from .parallel import batches, run_tasks
from .parse import parse_with_problems
from .progress import Progress
from . import feeds
from .render import RAW_FILES, make_environment, page_list, render_page, static_files, view_digest
from .search_index import meeting_postings, search_file_items
from .terms import find_terms
from .views import site_view
from .write import SiteWriter, Stamp, site_unchanged

PARSE_BATCH = 16
ANALYSE_BATCH = 16
PAGE_BATCH = 40


def transcript_key(version: str, source: Source) -> str:
    return digest_text(version, "parsed", source.path, source.text)


# --- parsing ---------------------------------------------------------------------------

def parse_sources(sources: tuple[Source, ...], keys: list[str], cache: Cache, jobs: int,
                  progress: Progress) -> list[tuple[Meeting | None, list[Problem]]]:
    """parse_with_problems of every source, from the cache where it has them."""
    known = cache.get("parsed", keys)
    missing = [i for i, key in enumerate(keys) if key not in known]
    groups = batches(len(missing), PARSE_BATCH)
    count = [0]

    def work(group: int) -> list:
        return [parse_with_problems(sources[missing[i]]) for i in groups[group]]

    def tick(group: int) -> None:
        count[0] += len(groups[group])
        progress.update("parsing", count[0], len(missing))

    for group, results in zip(groups, run_tasks(work, len(groups), jobs, tick)):
        for i, result in zip(group, results):
            known[keys[missing[i]]] = result
            cache.put("parsed", keys[missing[i]], result)
    progress.finish(f"parsed {len(missing)} of {len(sources)} transcripts")
    return [known[key] for key in keys]


# --- terms and figures -----------------------------------------------------------------

def analysis_key(version: str, meeting_key: str, glossary_key: str, config, speakers: tuple) -> str:
    return digest_text(version, "analysed", meeting_key, glossary_key, repr(config), repr(speakers))


def analyse_one_by_one(meetings: list[Meeting], glossary, speaker_of: dict, config) -> list[tuple]:
    """(term hits, figures, search postings) of each meeting: find_terms and extract_figures
    cut at meeting boundaries, and the meeting's share of the search index."""
    hits: dict[str, list] = defaultdict(list)
    figures: dict[str, list] = defaultdict(list)
    for hit in find_terms(meetings, glossary, config):
        hits[hit.meeting].append(hit)
    for figure in extract_figures(meetings, glossary, speaker_of):
        figures[figure.meeting].append(figure)
    return [(tuple(hits[m.slug]), tuple(figures[m.slug]), meeting_postings(m)) for m in meetings]


def analyse_meetings(meetings: list[Meeting], glossary, speaker_of: dict, config, *, keys: dict[str, str],
                     glossary_key: str, version: str, cache: Cache, jobs: int, progress: Progress,
                     postings: dict) -> tuple[tuple, tuple]:
    """All term hits and figures, in archive order, from the cache where it has a meeting's.

    `keys` maps each meeting's path to its transcript key; `postings` is
    filled with each meeting's search postings (by slug), for the search index.
    """
    wanted = [analysis_key(version, keys[m.path], glossary_key, config,
                           tuple(speaker_of.get((m.slug, t.number)) for t in m.turns)) for m in meetings]
    known = cache.get("analysed", wanted)
    missing = [i for i, key in enumerate(wanted) if key not in known]
    groups = batches(len(missing), ANALYSE_BATCH)
    count = [0]

    def work(group: int) -> list:
        return analyse_one_by_one([meetings[missing[i]] for i in groups[group]], glossary, speaker_of, config)

    def tick(group: int) -> None:
        count[0] += len(groups[group])
        progress.update("finding terms and figures", count[0], len(missing))

    for group, results in zip(groups, run_tasks(work, len(groups), jobs, tick)):
        for i, result in zip(group, results):
            known[wanted[missing[i]]] = result
            cache.put("analysed", wanted[missing[i]], result)
    progress.finish(f"found terms and figures in {len(missing)} of {len(meetings)} meetings")
    used = [known[key] for key in wanted]
    postings.update((m.slug, found[2]) for m, found in zip(meetings, used))
    return (tuple(hit for found in used for hit in found[0]),
            tuple(figure for found in used for figure in found[1]))


# --- rendering and writing ---------------------------------------------------------------

def write_site_files(archive: Archive, out: Path, content: Path, templates: Path | None, salt: str,
                     cache: Cache, jobs: int, progress: Progress,
                     postings: dict | None = None) -> tuple[dict[str, Stamp], dict[str, str], int]:
    """Render every page and data file into a new site beside `out` and swap it in.

    Returns every file's Stamp, every page's view digest, and how many files changed.
    A page whose view digest is the last build's keeps its old file unrendered.
    `postings` are the meetings' search postings made while analysing them.
    """
    env = make_environment(templates)
    site = site_view(archive)
    seed = digest_text(salt, repr(site)).encode()
    pages = page_list(archive)
    previous = cache.site.files if cache.site.out == str(out.absolute()) else {}
    rendered = cache.site.pages if previous else {}
    writer = SiteWriter(out, content, previous)
    try:
        files: dict[str, Stamp] = {}
        digests: dict[str, str] = {}
        changed = 0
        for path, data in static_files(templates).items():
            files[path], fresh = writer.put(path, data)
            changed += fresh
        raw_kinds = list(RAW_FILES)
        groups = batches(len(pages), PAGE_BATCH)
        count = [0]

        def work(task: int):
            """[(path, view digest, stamp, changed)] and problems of one task."""
            done, problems = [], []
            if task < len(raw_kinds):
                kind = raw_kinds[task]
                items = kind(archive, postings) if kind is search_file_items else kind(archive)
                for path, data in items:
                    digest = None
                    if getattr(data, "inputs", None) is not None:
                        digest = view_digest(path, "", ("inputs", data.inputs()), seed)
                        kept = writer.keep(path) if digest is not None and rendered.get(path) == digest else None
                        if kept is not None:
                            done.append((path, digest, kept, False))
                            continue
                    done.append((path, digest, *writer.put(path, view_of(data))))
                return done, problems
            for index in groups[task - len(raw_kinds)]:
                path, template_name, view = pages[index]
                inputs = getattr(view, "inputs", None)
                if inputs is not None:  # compare what the view is made from, before making it
                    digest = view_digest(path, template_name, ("inputs", inputs()), seed)
                else:
                    view = view_of(view)
                    digest = view_digest(path, template_name, view, seed)
                if digest is not None and rendered.get(path) == digest:
                    kept = writer.keep(path)
                    if kept is not None:
                        done.append((path, digest, kept, False))
                        continue
                view = view_of(view)
                try:
                    data = render_page(env, site, path, template_name, view)
                except ContentErrors as errors:
                    problems += errors.problems
                    continue
                done.append((path, digest, *writer.put(path, data)))
            return done, problems

        def tick(task: int) -> None:
            if task >= len(raw_kinds):
                count[0] += len(groups[task - len(raw_kinds)])
                progress.update("rendering pages", count[0], len(pages))

        problems: list[Problem] = []
        for done, found in run_tasks(work, len(raw_kinds) + len(groups), jobs, tick):
            problems += found
            for path, digest, stamp, fresh in done:
                files[path] = stamp
                changed += fresh
                if digest is not None:
                    digests[path] = digest
        if problems:
            raise ContentErrors(list(dict.fromkeys(problems)))
        for path, data in feeds.feed_files(archive, [path for path, _, _ in pages]).items():
            files[path], fresh = writer.put(path, data)
            changed += fresh
        progress.finish(f"rendered {len(pages)} pages; {changed} of {len(files)} files changed")
        if changed == 0 and files.keys() == previous.keys() and site_unchanged(out, previous):
            writer.abandon()  # the site in place is already this one
        else:
            writer.finish()
    except BaseException:
        writer.abandon()
        raise
    return files, digests, changed
