"""The heavy steps of a build, cut into jobs that run on every core and skip what the cache knows.

- parsing: each transcript not parsed before (same file name, text and code,
  and the same speaker names among those that could split its labels);
- resolving speakers: skipped by a rebuild when no label changed;
- analysis: glossary terms, figures and search postings of each meeting,
  which depend only on that meeting, the glossary's names it says and who
  speaks its turns;
- rendering and writing: every page and data file. A page made from the
  same inputs as in the last build (its view, or the values a LazyView
  names as its inputs, with the same templates and code) is not made
  again, and one listed with the same quick key (LazyView.quick: a few
  analysis keys) is not even asked for its inputs; a meeting whose page and
  files all have the same quick keys is not even listed (Output.kept_meetings).
  A file whose bytes are unchanged is linked from the old site (a server's
  rebuild leaves it where it is).

The results are the same, byte for byte, as the plain steps in one process
(pipeline.load_archive, render.render_site) whatever the number of jobs:
each job's output depends only on its inputs, and results are gathered in
task order.

A build's workers are forked before the archive is loaded (parallel.Fresh; a
server's once, when it starts): they analyse meetings and make the meetings' own
pages and files, sent to them with the cache's entries named, not carried
(parcels.py). Everything else is made here. Transcripts are parsed by workers
forked for the parse, which needs only their texts.
"""
from __future__ import annotations

import os
import pickle
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import chain, zip_longest
from pathlib import Path

from . import export, feeds, urls
from .cache import Cache, digest_text, store_entry
from .export import packed, records_json
from .figures import extract_figures
from .lazy import fingerprint, quick_key, view_of
from .model import Archive, ContentErrors, Meeting, Person, Problem, Source, speakers_part, turn_speakers
from .once import PerItem
from .parallel import Early, Fresh, batches, give_back_memory, run_tasks
from .parcels import EntryGone, cached_parts, pack, unpack
from .parse import parse_naming, shown_at
from .progress import Progress
from .read import ReadLater
from .render import (MEETING_FILES, PER_MEETING, RAW_FILES, REMEMBERING, make_environment, page_list, render_page,
                     static_files, template_sources, view_digest)
from .recall import Recall, recall_or_new
from .resolve import resolve_speakers
from .search_index import block_identities, blocks_of, meeting_postings, search_file_items, speaker_runs
from .term_changes import GlossaryFit
from .terms import find_terms, names_digest
from .uptodate import source_digest
from .views import site_view
from .write import SiteWriter, Stamp, site_unchanged

PARSE_BATCH = 16
ANALYSE_BATCH = 16
PAGE_BATCH = 40


def shaped(entries: dict[str, object], size: int) -> dict[str, tuple]:
    """The entries that are tuples of `size`: a damaged cache may hold anything that unpickles."""
    return {key: entry for key, entry in entries.items() if isinstance(entry, tuple) and len(entry) == size}


def fitting(fits: Callable[[int, object], bool], index: int, entry) -> bool:
    """fits(index, entry), False for an entry it cannot even look into: a cache file replaced by
    something that unpickles but is no entry (`42`, `{}`) raised at every build until removed."""
    try:
        return bool(fits(index, entry))
    except (TypeError, KeyError, IndexError, AttributeError, ValueError):
        return False


def made_or_cached(kind: str, keys: list[str], make: Callable[[list[int]], list], batch: int, cache: Cache,
                   jobs: int, progress: Progress, stage: str, fresh: Fresh | None = None,
                   detach: Callable[[list[int]], tuple] | None = None,
                   fits: Callable[[int, object], bool] | None = None) -> tuple[dict, int]:
    """key → result for every key: from the cache where it has them, the others made by
    `make(indexes)` in batches on every core (and put in the cache, in place of an entry
    that does not `fits(index, entry)` this build); with how many were made.

    With `fresh` workers and `detach`, a worker makes a batch as `function(*arguments)` of
    `detach(indexes)` (what make(indexes) does, from values that can be sent), and writes the
    entries itself."""
    known = cache.get(kind, keys)
    if fits is not None:
        known = {key: known[key] for index, key in enumerate(keys) if key in known and fitting(fits, index, known[key])}
    missing = [i for i, key in enumerate(keys) if key not in known]
    groups = batches(len(missing), batch)
    count = [0]
    parent = os.getpid()
    # A worker writes its results as the cache entries, in parallel, instead of the parent
    # pickling them at the end, and sends back none of them: the parent reads them there
    # (Cache.read_stored). The parent writes those of its own tasks as it makes them.
    stored = len(groups) > 1 and jobs > 1 and cache.ready(kind)

    def work(group: int) -> list:
        results = make([missing[i] for i in groups[group]])
        if not stored:
            return results
        unwritten = [cache.store(kind, keys[missing[i]], result) for i, result in zip(groups[group], results)]
        return results if os.getpid() == parent else unwritten

    def tick(group: int) -> None:
        count[0] += len(groups[group])
        progress.update(stage, count[0], len(missing))

    send = None
    if stored and fresh is not None and fresh.pool is not None and detach is not None:
        named = cached_parts(cache)

        def send(group: int) -> tuple[Callable, tuple]:
            indexes = [missing[i] for i in groups[group]]
            return make_detached, (cache.folder, kind, [keys[i] for i in indexes], pack(detach(indexes), named))

    finished = run_tasks(work, len(groups), jobs, tick, fresh=fresh if send else None, send=send,
                         sendable=len(groups))
    for index, (group, results) in enumerate(zip(groups, finished)):
        if results is not None:  # a worker's entry that it wrote (None) is read from the cache
            results = [cache.read_stored(kind, keys[missing[i]]) if result is None else result
                       for i, result in zip(group, results)]
        if results is None or None in results:  # see make_detached; or an entry gone since written
            results = work(index)
        for i, result in zip(group, results):
            key = keys[missing[i]]
            known[key] = pickle.loads(result) if isinstance(result, bytes) else result
            (cache.put_stored if stored else cache.put)(kind, key, known[key])
    return known, len(missing)


# --- parsing ---------------------------------------------------------------------------

def make_detached(parcel: tuple[Path, str, list[str], bytes]) -> list[bytes | None] | None:
    """In a fresh worker: a batch of made_or_cached's, written into the cache; for each entry
    None, or its pickled bytes when it could not be written (store_entry). None when a cache
    entry the parcel names is gone (the caller then makes them).
    `parcel` is (cache folder, kind, keys, parcels.pack of (function, arguments))."""
    folder, kind, keys, data = parcel
    try:
        function, arguments = unpack(data, folder)
    except EntryGone:
        return None
    made = [store_entry(folder, kind, key, result) for key, result in zip(keys, function(*arguments))]
    del function, arguments
    give_back_memory()
    return made


def parse_sources(sources: tuple[Source, ...], speaker_names: frozenset[str], keys: list[str], cache: Cache,
                  jobs: int, progress: Progress, meeting_keys: dict | None = None
                  ) -> list[tuple[Meeting | None, list[Problem]]]:
    """parse_with_problems of every source, from the cache where it has them. The texts are
    let go of then (ReadLater.forget).

    `keys` are uptodate.transcript_key, which leave the speaker names out: a cached parse
    holds the strings that could change it (parse.parse_naming) and the names among them
    it was made with, and is used while the names among them are the same. A name added to
    speakers.yaml thus parses again only the transcripts with a label it could split (it
    parsed and analysed all of them: 34 s at 5,000 meetings).

    `meeting_keys` is filled with each meeting's key (by path), which its analysis is keyed
    by: its transcript key and the names its parse was made with, or the key of the parse
    it replaces when the two are equal (a name that ends a label may still not change it).
    A key thus names one parse only."""
    held = shaped(cache.get("parsed", keys), 5)  # as the last build left them, fitting this one or not

    def parsed(indexes: list[int]) -> list[tuple]:
        entries = []
        for i in indexes:
            meeting, problems, ends = parse_naming(sources[i], speaker_names)
            used = speaker_names.intersection(ends)
            last = held.get(keys[i])
            same = last is not None and last[0] == meeting and last[1] == problems
            entries.append((meeting, problems, ends, used,
                            last[4] if same else digest_text(keys[i], *sorted(used)) if used else keys[i]))
        return entries

    known, made = made_or_cached("parsed", keys, parsed, PARSE_BATCH, cache, jobs, progress, "parsing",
                                 fits=lambda _, entry: speaker_names.intersection(entry[2]) == entry[3])
    progress.finish(f"parsed {made} of {len(sources)} transcripts")
    forget_texts(sources)
    if meeting_keys is not None:
        meeting_keys.update((source.path, known[key][4]) for key, source in zip(keys, sources))
    return shown_parses([known[key] for key in keys], [source.path for source in sources], cache.recall)


def shown_parses(entries: list[tuple], paths: list[str], recall: Recall | None = None) -> list[tuple]:
    """shown_at of each cached parse at its path. One shown at another path than its entry's
    is kept from the last build while its entry and path are the same: else a server serving a
    folder spelt otherwise than the cache's (`/abs/content`, built as `content`) made every
    meeting a new object on each rebuild, and what is kept by a meeting's identity (its
    analysis key, speakers, search table) was made again for all (1.4 s a save, not 0.73 s,
    at 5,000 meetings). Kept in a server's `recall` (parses_elsewhere)."""
    recall = recall_or_new(recall)
    last, now, shown = recall.parses_elsewhere, {}, []
    for entry, path in zip(entries, paths):
        held = last.get(id(entry))
        parsed = held[2] if held is not None and held[0] is entry and held[1] == path else shown_at(entry[:2], path)
        if parsed[0] is not entry[0]:
            now[id(entry)] = (entry, path, parsed)
        shown.append(parsed)
    recall.parses_elsewhere = now
    return shown


def forget_texts(sources: tuple[Source, ...]) -> None:
    """Let go of the texts read (ReadLater.forget): read again if asked for."""
    for source in sources:
        if isinstance(source, ReadLater):
            source.forget()


# --- speakers --------------------------------------------------------------------------

def resolve_remembered(meetings: list[Meeting], speakers: Source | None, *, cache: Cache,
                       server: bool = False, keys: dict[str, str] | None = None) -> tuple:
    """resolve_speakers, reused from the last build of this Cache when every label, and where
    it stands, is as then: a rebuild after an edit to what was said, not who said it, skips
    a pass over every turn of the archive (0.7 s at 5,000 meetings). A server also keeps
    each meeting's resolution for the next rebuild (resolve.people_of_meetings), and so
    resolves once (in its warm-up) even what it could reuse: else the first edit that adds
    a turn resolves every meeting (0.92 s at 5,000 meetings, the next ones 0.63 s). A
    command-line build, which makes no next rebuild, keeps none: it would hold them to
    its end (10 MB at 5,000 meetings). `keys` (path → meeting key, parse_sources') find each
    meeting's labels digest in the cache's (Cache.labels): a command-line rebuild digests
    the edited meeting's only (0.13 s for 5,000)."""
    known = cache.labels if keys else {}

    def digest(meeting: Meeting) -> str | None:
        found = known.get((meeting.path, keys.get(meeting.path))) if keys else None
        return found if found is not None else labels_digest(meeting)

    labels = cache.remembered("labels").each(meetings, digest)
    if keys:
        cache.labels = {(m.path, keys[m.path]): found for m, found in zip(meetings, labels)
                        if found is not None and m.path in keys}
    key = None if None in labels else fingerprint((source_digest(speakers), labels))
    last = cache.resolved
    first = server and not cache.remembered("resolved")
    if key is not None and last is not None and last[0] == key and not first:
        return last[1]
    people, speaker_of, problems = resolve_speakers(meetings, speakers, cache.remembered if server else None)
    if server and last is not None and not first:  # a first one's people are the disk's: other role uses
        people = kept_people(people, last[1][0])
    found = (tuple(people), speaker_of, problems)  # the Archive's own tuple: the same object next time
    cache.resolved = (key, found) if key is not None else None
    return found


def kept_people(people: list[Person], before: tuple[Person, ...]) -> list[Person]:
    """People, each as the same object as the last resolution's equal person: what is
    remembered by a person's identity (once.per_item) then holds for everyone a turn added
    by an edit did not change (the data of 200 people took 0.05 s of such a rebuild). Their
    role uses are the meetings' own (resolve.MeetingPeople), compared by identity; kept from
    a resolution read from disk, every save compared 15,000 of them field by field (25 ms)."""
    known = {person.key: person for person in before}
    return [same if (same := known.get(person.key)) == person else person for person in people]


def labels_digest(meeting: Meeting) -> str | None:
    """A digest of a meeting's speaker labels and where they stand (what resolution reads of it)."""
    return fingerprint((meeting.path, meeting.slug, meeting.stem, meeting.date,
                        [(t.number, t.line, t.label) for t in meeting.turns]))


# --- terms and figures -----------------------------------------------------------------

def analysis_key(version: str, meeting_key: str, speakers: tuple) -> str:
    """Not the glossary, which the entry holds the digest of (analyse_meetings), nor the site's
    settings, which finding terms and figures does not read: an edit to site.yaml analyses no
    meeting again (each page and file that shows a setting holds it in its own inputs)."""
    return digest_text(version, "analysed", meeting_key, repr(speakers))


def analysis_keys_of(meetings: list[Meeting], keys: dict[str, str], version: str, speaker_of: dict,
                     remembered: PerItem) -> list[str]:
    """analysis_key of each meeting, made again only for a meeting that is a new object (a
    meeting object is parsed under one meeting key, `keys` by path) or whose turns' speakers
    changed: a turn added by an edit made the 5,000 keys of the archive again (0.03 s)."""
    return remembered.each(meetings, lambda m: analysis_key(version, keys[m.path], turn_speakers(m, speaker_of)),
                           context=(version, speaker_of), part=speakers_part)


def archive_analysis_key(key: str, entry: tuple) -> str:
    """The key of an analysis in Archive.analysis_keys: its cache key and the glossary it was
    made with, or the one it keeps from an equal analysis it replaced (analyse_meetings)."""
    return entry[5] or _with_glossary(key, entry[4])


@lru_cache(maxsize=1 << 16)
def _with_glossary(key: str, glossary: str) -> str:
    """digest_text(key, glossary), remembered: a server's rebuild asks it of every meeting."""
    return digest_text(key, glossary)


def analyse_one_by_one(meetings: list[Meeting], glossary, speaker_of: dict) -> list[tuple]:
    """(term hits, figures, search postings, figures as JSON, glossary digest, None) of each
    meeting: find_terms and extract_figures cut at meeting boundaries, the meeting's share of
    the search index, its share of data/figures.json (compressed: Archive.figures_json), the
    terms.names_digest of the glossary they were found with, and the place of the key it
    may keep from an equal analysis it replaces (analyse_meetings)."""
    hits: dict[str, list] = defaultdict(list)
    figures: dict[str, list] = defaultdict(list)
    for hit in find_terms(meetings, glossary):
        hits[hit.meeting].append(hit)
    for figure in extract_figures(meetings, glossary, speaker_of):
        figures[figure.meeting].append(figure)
    glossary_key = names_digest(glossary)
    return [(tuple(hits[m.slug]), tuple(figures[m.slug]), meeting_postings(m),
             packed(records_json(figures[m.slug], {m.slug: m})), glossary_key, None) for m in meetings]


def analyse_meetings(meetings: list[Meeting], glossary, speaker_of: dict, *, keys: dict[str, str],
                     version: str, cache: Cache, jobs: int, progress: Progress,
                     postings: dict, analysed: dict | None = None, figures_json: dict | None = None,
                     figures_of: dict | None = None, hits_of: dict | None = None,
                     fresh: Fresh | None = None) -> tuple[tuple, tuple]:
    """All term hits and figures, in archive order, from the cache where it has a meeting's.

    An entry made with another glossary is used while the meeting holds none of the names
    that differ between the two (term_changes): a term added analyses again only the
    meetings that say it. Its key in Archive.analysis_keys, which pages are keyed by, is
    its cache key and the glossary it was made with, or the key of the equal analysis it
    replaced (a word of the term said, but not the term): a key names one analysis only
    (archive_analysis_key).

    `keys` maps each meeting's path to its key (parse_sources' meeting_keys); `postings` is
    filled with each meeting's search postings (by slug), for the search index;
    `analysed` with each meeting's analysis key (by slug), for Archive.analysis_keys,
    `figures_json` with its figures as JSON, for Archive.figures_json, and `figures_of`
    with its figures, for Archive.figures_of, and `hits_of` with its term hits, for
    Archive.hits_of. `fresh` workers, when given, analyse
    instead of forked ones (made_or_cached).
    """
    wanted = analysis_keys_of(meetings, keys, version, speaker_of, cache.remembered("analysis keys"))
    fit = GlossaryFit(glossary, cache.glossaries)
    def detach(indexes: list[int]) -> tuple:
        """analyse_one_by_one and its arguments for these meetings, with only their speakers."""
        some = [meetings[i] for i in indexes]
        return analyse_one_by_one, (some, glossary, {(m.slug, t.number): speaker_of[(m.slug, t.number)] for m in some
                                                     for t in m.turns if (m.slug, t.number) in speaker_of})

    held = shaped(cache.get("analysed", wanted), 6)  # as the last build left them, fitting this one or not
    known, made = made_or_cached(
        "analysed", wanted,
        lambda indexes: analyse_one_by_one([meetings[i] for i in indexes], glossary, speaker_of),
        ANALYSE_BATCH, cache, jobs, progress, "finding terms and figures", fresh=fresh, detach=detach,
        fits=lambda index, entry: fit.holds(entry[4], meetings[index]))
    progress.finish(f"found terms and figures in {made} of {len(meetings)} meetings")
    for key in wanted:
        found, last = known[key], held.get(key)
        if last is not None and found is not last and found[:4] == last[:4]:
            known[key] = (*found[:5], archive_analysis_key(key, last))
            cache.put("analysed", key, known[key])
    used = [known[key] for key in wanted]
    cache.glossaries = fit.profiles_of(found[4] for found in used)
    postings.update((m.slug, found[2]) for m, found in zip(meetings, used))
    if analysed is not None:
        analysed.update((m.slug, archive_analysis_key(key, found)) for m, key, found in zip(meetings, wanted, used))
    if figures_json is not None:
        figures_json.update((m.slug, found[3]) for m, found in zip(meetings, used))
    if figures_of is not None:
        figures_of.update((m.slug, found[1]) for m, found in zip(meetings, used) if found[1])
    if hits_of is not None:
        hits_of.update((m.slug, found[0]) for m, found in zip(meetings, used) if found[0])
    return (tuple(chain.from_iterable(found[0] for found in used)),
            tuple(chain.from_iterable(found[1] for found in used)))


# --- rendering and writing ---------------------------------------------------------------

_environment: list = [None, None]
"""[(templates folder, salt), Environment] of the last build in this process."""


def environment_for(templates: Path | None, salt: str, compiled: Path | None = None):
    """make_environment, kept while the templates and the code are the same (`salt` digests both):
    a server's rebuilds then compile each template once, not once a rebuild. `compiled`: see
    make_environment."""
    key = (str(templates), salt)
    if _environment[0] != key:
        _environment[:] = [key, make_environment(templates, compiled)]
    return _environment[1]


class Output:
    """What each render task needs: the templates, the writer, and what the last build made.

    Made in the parent before the workers are forked, so each worker has its own copy; a
    fresh worker makes its own from Output.part (Output.joining).
    """

    def __init__(self, archive: Archive, templates: Path | None, salt: str, writer: SiteWriter, made: dict,
                 quick: dict | None = None, compiled: Path | None = None, version: str = "",
                 meeting_rows: dict[str, tuple] | None = None):
        self.templates, self.salt, self.compiled, self.version = templates, salt, compiled, version
        self.env = environment_for(templates, salt, compiled)
        self.site = site_view(archive)
        self.seeds: dict[str, bytes] = {}
        """Template name ("" for a file that is not a page) → its seed (Output.seed)."""
        self.writer = writer
        self.made = made
        """Site path → inputs digest of each page and lazy file of the last build."""
        self.quick = quick or {}
        """Site path → (seed, LazyView.quick) of each page and lazy file of the last build."""
        self.meeting_rows = meeting_rows or {}
        """Meeting slug → as_before's answers for its pages and files (render.PER_MEETING) in
        the last build, when that build was a server's (kept_meetings)."""

    def seed(self, template: str) -> bytes:
        """What every page of `template` is made from besides its view: the code, the site's
        settings, and that template with each one it extends, includes or imports
        (render.template_sources), so that an edit to a template makes again only the pages
        that use it; every template when one is named by a variable. A file that is not a
        page ("") is made from the code alone: neither an edit to a template nor one to the
        settings makes one again (the one that shows a setting, data/meetings.json, holds it
        in its inputs)."""
        seed = self.seeds.get(template)
        if seed is None:
            if not template:
                seed = digest_text(self.version, "files").encode()
            else:
                sources = template_sources(self.env, template)
                parts = [self.salt] if sources is None else [self.version, *sources]
                seed = digest_text(*parts, repr(self.site)).encode()
            self.seeds[template] = seed
        return seed

    def part(self, paths: list[str]) -> tuple:
        """What a fresh worker needs to make these pages as this Output would (Output.joining)."""
        made = {path: self.made[path] for path in paths if path in self.made}
        quick = {path: self.quick[path] for path in paths if path in self.quick}
        return (self.templates, self.salt, self.compiled, self.version, self.site, self.seeds,
                self.writer.part(paths), made, quick)

    @classmethod
    def joining(cls, templates: Path | None, salt: str, compiled: Path | None, version: str, site: dict,
                seeds: dict, writer: tuple, made: dict, quick: dict) -> Output:
        """In a fresh worker: the Output of another process (Output.part) for some of its pages,
        with the seeds it has made (compile)."""
        output = cls.__new__(cls)
        output.templates, output.salt, output.compiled, output.version = templates, salt, compiled, version
        output.site, output.seeds = site, seeds
        output.env = environment_for(templates, salt, compiled)
        output.writer, output.made, output.quick = SiteWriter.joining(*writer), made, quick
        return output

    def compile(self, names: set[str]) -> None:
        """Compile the templates once here, before the workers fork, not once in every worker,
        and make their seeds (and that of the files that are not pages) for the workers too."""
        for name in sorted(names):
            try:
                self.env.get_template(name)
            except Exception:  # noqa: BLE001 - reported with its file and line by the first page that uses it
                pass
            self.seed(name)
        self.seed("")

    def kept(self, path: str, digest: str | None) -> Stamp | None:
        """The last build's file, linked into the new site, when it was made from the same inputs."""
        if digest is None or self.made.get(path) != digest:
            return None
        return self.writer.keep(path)

    def as_before(self, path: str, quick, template: str = "") -> tuple | None:
        """(path, digest, stamp, False, False, (seed, quick)) of the last build's file, linked into
        the new site, when its quick key and seed are as then: its inputs are not even made."""
        quick = self.unchanged(path, quick, template)
        if quick is None:
            return None
        kept = self.writer.keep(path)
        return None if kept is None else (path, self.made[path], kept, False, False, quick)

    def unchanged(self, path: str, quick, template: str = "") -> tuple | None:
        """(seed, quick) when the last build made `path` with the same seed and quick key."""
        if quick is None:
            return None
        quick = (self.seed(template), quick)
        return quick if self.quick.get(path) == quick and path in self.made else None

    def kept_meetings(self, archive: Archive) -> dict[str, tuple]:
        """Slug → as_before's answers for the pages and files of each meeting whose every one
        (render.PER_MEETING) is as the last build made it: their views are not even listed.
        A server's rebuild after one edit of 5,000 meetings made 15,000 views to find them as
        they were; by their quick keys alone, a save that added words took 1.26 s, not 1.36 s
        (medians of 12, alternating, on a slow afternoon). A server that knows which files of
        its site were touched since (SiteWriter.touched) compares each meeting's keys with
        its answers of the last build (meeting_rows) instead of looking up its three paths in
        four tables of 16,600: at 5,000 meetings this took 57 ms against 84 ms, most of what is
        left being the quick keys (medians of 12 saves, both ways in each, same answers)."""
        if not self.quick:
            return {}
        rows = [(path_of, template, quicks(archive)) for path_of, template, quicks in PER_MEETING]
        kept: dict[str, tuple] = {}
        record, touched = self.meeting_rows, self.writer.touched
        if not (self.writer.in_place and touched is not None):
            record = {}  # each file is looked at (or linked, into a new site)
        seeds = [self.seed(template) for _, template, _ in rows]
        for index, meeting in enumerate(archive.meetings):
            same = record.get(meeting.slug)
            if same is not None:
                for (path, _, _, _, _, key), seed, (_, _, quicks) in zip(same, seeds, rows):
                    if key[1] != quicks[index] or key[0] != seed or path in touched:
                        break
                else:
                    kept[meeting.slug] = same
                    continue
            paths, keys = [], []
            for path_of, template, quicks in rows:
                paths.append(path_of(meeting.slug))
                keys.append(self.unchanged(paths[-1], quicks[index], template))
                if keys[-1] is None:
                    break
            else:
                stamps = self.writer.keep_all(paths)
                if stamps is not None:
                    kept[meeting.slug] = tuple((path, self.made[path], stamp, False, False, key)
                                               for path, stamp, key in zip(paths, stamps, keys))
        return kept

    def page(self, path: str, template_name: str, view) -> tuple:
        """(path, inputs digest, stamp, changed, rendered, (seed, quick key)) of one page;
        ContentErrors from its template."""
        quick = quick_key(view)
        same = self.as_before(path, quick, template_name)
        if same is not None:
            return same
        seed = self.seed(template_name)
        quick = None if quick is None else (seed, quick)
        inputs = getattr(view, "inputs", None)
        if inputs is not None:  # compare what the view is made from, before making it
            digest = view_digest(path, template_name, ("inputs", inputs()), seed)
        else:
            view = view_of(view)
            digest = view_digest(path, template_name, view, seed)
        kept = self.kept(path, digest)
        if kept is not None:
            return path, digest, kept, False, False, quick
        html = render_page(self.env, self.site, path, template_name, view_of(view))
        return (path, digest, *self.writer.put(path, html), True, quick)

    def file(self, path: str, data, later: bool = False) -> tuple:
        """(path, inputs digest, stamp, changed, made, (seed, quick key)) of a file that is not a page.
        `later`: a file of chunks is written by a thread (SiteWriter.put_later); its stamp and
        `changed` are then LATER, until settled (settled_files)."""
        quick = quick_key(data)
        same = self.as_before(path, quick)
        if same is not None:
            return same
        quick = None if quick is None else (self.seed(""), quick)
        digest = None
        if getattr(data, "inputs", None) is not None:
            digest = view_digest(path, "", ("inputs", data.inputs()), self.seed(""))
            kept = self.kept(path, digest)
            if kept is not None:
                return path, digest, kept, False, False, quick
        data = view_of(data)
        if later and isinstance(data, list):
            self.writer.put_later(path, data)
            return path, digest, LATER, LATER, True, quick
        return (path, digest, *self.writer.put(path, data), True, quick)


LATER = "later"
"""The stamp and `changed` of a file Output.file left to a thread, until settled_files."""


def meeting_rows(archive: Archive, kept: dict[str, tuple], made: list[tuple]) -> dict[str, tuple]:
    """Slug → the answers Output.as_before would give in the next build, as this one left them,
    for each meeting whose pages and files all have a quick key: those of the meetings `kept`,
    and from `made` (this build's other answers) those of the rest."""
    rows = dict(kept)
    if len(rows) == len(archive.meetings):
        return rows
    made_by_path = {row[0]: row for row in made}
    for meeting in archive.meetings:
        if meeting.slug in rows:
            continue
        answers = [made_by_path.get(path_of(meeting.slug)) for path_of, _, _ in PER_MEETING]
        if all(answer is not None and answer[1] is not None and answer[5] is not None for answer in answers):
            rows[meeting.slug] = tuple((path, digest, stamp, False, False, key)
                                       for path, digest, stamp, _, _, key in answers)
    return rows


def settled_files(done: list[tuple], writer: SiteWriter) -> list[tuple]:
    """Output.file's answers, with those of the files it left to a thread (LATER) as written."""
    answers = writer.settle()
    return [(path, digest, *answers[path], made, quick) if stamp is LATER else
            (path, digest, stamp, changed, made, quick) for path, digest, stamp, changed, made, quick in done]


FORK_ABOVE = 200
"""A server's rebuild renders in one process when no more pages than this are to be made
(pages_to_make: the rest are kept by their quick keys), and shares them with its workers
otherwise (its fresh ones, serve.server_workers; forked ones if it has none).

A forked process pays for every memory page of the archive it touches (copy-on-write:
34,000 page copies, 0.13 s, for listing the pages of 5,000 meetings), in the worker and in
this process alike while they share them; and what the server keeps between rebuilds
(per-meeting values, once.py) is only kept when made here. At 5,000 meetings a one-meeting
edit took 1.04 s of wall time and 1.62 s of CPU in two processes, 0.90 s in one."""


def render_detached(parcel: tuple[Path | None, bytes]) -> tuple[list, list[Problem], dict] | None:
    """In a fresh worker: the written files and the problems of pages and files sent with their
    views detached (LazyView.detached), as write_site_files' `work` gives them for a batch;
    None when a cache entry the parcel names is gone (this process then makes them).
    `parcel` is (cache folder, parcels.pack of (Output.part, [(path, template or None for a
    file, detached view)]))."""
    folder, data = parcel
    try:
        part, items = unpack(data, folder)
    except EntryGone:
        return None
    output = Output.joining(*part)
    done, problems = [], []
    for path, template, view in items:
        try:
            done.append(output.page(path, template, view) if template else output.file(path, view))
        except ContentErrors as errors:
            problems += errors.problems
    del part, items, output
    give_back_memory()  # else what each batch freed stays with the worker: 150 MB at 5,000 meetings, not 80
    return done, problems, {}


def pages_to_make(output: Output, pages: list, done: list) -> list[int]:
    """Indexes of the pages whose quick key is not the last build's; the others are kept as
    they are (Output.as_before), added to `done`."""
    if not output.quick:
        return list(range(len(pages)))
    pending = []
    for index, (path, template, view) in enumerate(pages):
        same = output.as_before(path, quick_key(view), template)
        if same is None:
            pending.append(index)
        else:
            done.append(same)
    return pending


class SearchBlocks:
    """The search index's blocks of postings (search_index.blocks_of) that the cache holds,
    by identity (their meetings and those meetings' analysis keys), for blocks_of to reuse
    and fill in: a rebuild after an edit joins one block again, not all of them (1 s for
    the 84 blocks of 5,000 meetings; 0.07 s to read them from the cache)."""

    def __init__(self, archive: Archive, cache: Cache) -> None:
        recall = cache.recall  # a server's rebuild digests only the new blocks' keys
        last = recall.block_keys if recall is not None else {}
        self.keys = {identity: last.get(identity) or digest_text(*(f"{slug}\0{key}" for slug, key in identity))
                     for identity in block_identities(archive) if None not in (key for _, key in identity)}
        if recall is not None:
            recall.block_keys = self.keys
        found = cache.get("blocks", list(self.keys.values()))
        self.kept = {identity: found[key] for identity, key in self.keys.items() if key in found}
        """Identity → Block: the cache's, and after blocks_of every block of the archive."""
        self._held = set(self.kept)

    def made(self) -> dict[str, object]:
        """Cache key → Block of the blocks joined in this process (by blocks_of) since the
        cache was read or put() last."""
        return {self.keys[identity]: block for identity, block in self.kept.items()
                if identity not in self._held and identity in self.keys}

    def put(self, cache: Cache, made: dict[str, object]) -> None:
        for key, block in made.items():
            cache.put("blocks", key, block)
        self._held.update(identity for identity, key in self.keys.items() if key in made)


def write_site_files(archive: Archive, out: Path, content: Path, templates: Path | None, salt: str,
                     cache: Cache, jobs: int, progress: Progress, postings: dict | None = None,
                     server: bool = False, fresh: Fresh | None = None, version: str = "",
                     touched: set[str] | None = None) -> tuple[dict[str, Stamp], dict[str, str], int, dict[str, tuple]]:
    """Render every page and data file into a new site beside `out` and swap it in
    (or, for a server, move the changed files into the site it serves).

    `salt` digests the code and every template, `version` the code (Output.seed).
    Returns every file's Stamp, the inputs digest of every page and lazy
    file, how many files changed, and the (seed, quick key) of each page and
    file that has one, for Output.quick. A page made from the same inputs as in
    the last build keeps its old file unrendered. `postings` are the
    meetings' search postings made while analysing them. A `server`'s
    rebuild updates the old site in place (SiteWriter.in_place) and keeps
    the search index's blocks on the cache for the next one. `fresh` workers
    make the meetings' pages instead of forked ones (a server's only when it
    has more than FORK_ABOVE pages to make). `touched`: the files of the site that may have
    changed since the last build (SiteWriter).
    """
    previous = cache.site.files if cache.site.out == str(out.absolute()) else {}
    if not (server and previous):  # what the analysis freed goes back (112 MB of 604 at 5,000 meetings)
        give_back_memory()         # before rendering raises the peak; a server's rebuild saves the 10 ms
    writer = SiteWriter(out, content, previous, in_place=server, touched=touched)
    search = None
    blocks = SearchBlocks(archive, cache)
    if server:  # made here, before the index's process forks, so that they outlive it
        blocks_of(archive, postings if postings is not None else {}, blocks.kept)
        blocks.put(cache, blocks.made())
        speaker_runs(archive, cache.recall)
    try:
        record_of, record = cache.meeting_rows  # the last build's, if it made `previous`
        output = Output(archive, templates, salt, writer, cache.site.pages if previous else {},
                        cache.site.quick if previous else {}, cache.compiled_templates(), version,
                        record if server and previous and record_of is previous else None)
        parent, stored = os.getpid(), jobs > 1 and cache.ready("blocks")

        def search_files() -> tuple[list, dict]:
            """The search index's files, and the blocks of postings it joined, for the cache. A
            worker writes those into the cache itself and sends none back: sending the 84 blocks
            of 5,000 meetings (16 MB pickled) raised the build's peak by 47 MB. So does a
            command-line build, which then needs them no more, as it joins each (store_block):
            holding them all while the index was made raised its peak by 33 MB."""
            streamed = stored and not server
            files = [output.file(path, data) for path, data in search_file_items(
                archive, postings, blocks.kept, cache.recall, store_block if streamed else None)]
            if os.getpid() == parent and (server or not stored):
                return files, blocks.made()
            for key, block in blocks.made().items() if stored else ():  # none when streamed
                cache.store("blocks", key, block)
            if not server:
                blocks.kept.clear()
            return files, {}

        def store_block(identity: tuple, block) -> None:
            if identity in blocks.keys:
                cache.store("blocks", blocks.keys[identity], block)

        # The search index is the longest single task and needs no page list: on a rebuild
        # it starts first, in its own process, while the pages are listed. A first build
        # keeps every core rendering anyway, and a third process would copy the archive.
        # A server's rebuild forks only when many pages are to be made (FORK_ABOVE).
        search = Early(search_files, jobs) if previous and not server else None
        fresh = fresh if fresh is not None and fresh.pool is not None else None
        # A rebuild makes the data files first: data/figures.json, copied for the most part from
        # the last build's, is written by a thread while the pages are listed and rendered
        # (SiteWriter.put_later), unless a process may yet be forked. A first build makes them
        # among the other files: with a thread unpacking every meeting's records meanwhile,
        # its peak was 20 MB higher (5,000 meetings and the example glossary).
        later = bool(previous) and (jobs <= 1 or fresh is not None)
        done = [output.file(path, data, later=True)
                for path, data in (export.data_file_items(archive, cache.recall) if later else ())]
        kept_rows = output.kept_meetings(archive)
        kept, kept_from = frozenset(kept_rows), len(done)
        done += [row for answers in kept_rows.values() for row in answers]
        kept_to = len(done)
        pages = page_list(archive, kept, cache.recall)
        listed = len(pages) + len(kept)  # the kept meetings' pages too

        def items(kind) -> Iterable:
            """A kind of RAW_FILES' (path, data), the kept meetings' left out."""
            return (kind(archive, kept) if kind in MEETING_FILES else
                    kind(archive, cache.recall) if kind in REMEMBERING else kind(archive))

        output.compile({template for _, template, _ in pages})
        done += [output.file(path, data) for path, data in static_files(templates).items()]
        pending = pages_to_make(output, pages, done) if server or fresh else range(len(pages))
        if server and len(pending) <= FORK_ABOVE:
            jobs, fresh = 1, None
        elif server and previous and fresh is None:
            search = Early(search_files, jobs)
        raw_kinds = [kind for kind in RAW_FILES
                     if not (later and kind is export.data_file_items)
                     and (search is None or kind is not search_file_items)]
        # Fresh workers take the meetings' own pages and files, which can be sent detached, from
        # the front; this process does the rest from the back. Forked workers take any task.
        sendable: list = []
        rest = pending
        if fresh:
            raw_kinds = [kind for kind in raw_kinds if kind not in MEETING_FILES]
            rest = [index for index in pending if not getattr(pages[index][2], "detached", None)]
            sendable = [[index for index in pending if getattr(pages[index][2], "detached", None)]]
            for kind in MEETING_FILES:
                sendable.append([])
                for path, data in items(kind):
                    if (same := output.as_before(path, quick_key(data))) is not None:
                        done.append(same)
                    else:
                        sendable[-1].append((path, data))
            # a meeting's page and files side by side (each list is in archive order), so that
            # its batch pickles the meeting once, not once for each
            sendable = [item for items in zip_longest(*sendable) for item in items if item is not None]
        tasks = [sendable[group.start:group.stop] for group in batches(len(sendable), PAGE_BATCH)]
        sent = len(tasks)
        tasks += raw_kinds + [[rest[index] for index in group] for group in batches(len(rest), PAGE_BATCH)]
        count = [listed - len(pending)]

        def work(task: int) -> tuple[list, list[Problem], dict]:
            """The written files, the problems and the new search blocks of one task: a kind
            of raw files, or a batch of pages (their indexes) and meetings' files ((path, data))."""
            if not isinstance(tasks[task], list):
                kind = tasks[task]
                if kind is search_file_items:
                    files, joined = search_files()
                    return files, [], joined
                return [output.file(path, data) for path, data in items(kind)], [], {}
            done, problems = [], []
            for item in tasks[task]:
                try:
                    done.append(output.page(*pages[item]) if isinstance(item, int) else output.file(*item))
                except ContentErrors as errors:
                    problems += errors.problems
            return done, problems, {}

        def send(task: int) -> tuple[Callable, tuple]:
            """A batch of meetings' pages and files as a fresh worker makes them (render_detached)."""
            items = [pages[item] if isinstance(item, int) else (item[0], None, item[1]) for item in tasks[task]]
            parcel = (output.part([path for path, _, _ in items]),
                      [(path, template, view.detached()) for path, template, view in items])
            return render_detached, (cache.folder if named else None, pack(parcel, named))

        def tick(task: int) -> None:
            if isinstance(tasks[task], list):
                count[0] += sum(isinstance(item, int) for item in tasks[task])
                progress.update("rendering pages", count[0], listed)

        def work_fresh(task: int) -> tuple[list, list[Problem], dict]:
            """work(task), then the memory it freed given back to the system (a trim: 0.3-3 ms).
            This process shares no memory with a fresh worker, so a trim copies nothing; at 5,000
            meetings the first gives back 43 MB that the analysis left free."""
            found = work(task)
            give_back_memory()
            return found

        named = cached_parts(cache) if sent else {}
        problems: list[Problem] = []
        try:
            results = run_tasks(work_fresh if sent else work, len(tasks), jobs, tick, fresh=fresh, send=send,
                                sendable=sent, last=not server)
        except BaseException:
            if fresh is not None:  # a batch or two already sent them would write into the new site
                fresh.close()      # after it is removed (Ctrl-C): waited for here
            raise
        for task, result in enumerate(results):
            written, found, joined = work(task) if result is None else result  # None: see render_detached
            done += written
            problems += found
            blocks.put(cache, joined)
        if search is not None:
            written, joined = search.result()
            done += written
            blocks.put(cache, joined)
            search = None
        if problems:
            raise ContentErrors(list(dict.fromkeys(problems)))
        html = [path for path, _, _ in pages] + [urls.meeting(slug) for slug in kept]
        done += [output.file(path, data) for path, data in feeds.feed_files(archive, html).items()]
        done = settled_files(done, writer)
        files = {path: stamp for path, _, stamp, _, _, _ in done}
        digests = {path: digest for path, digest, _, _, _, _ in done if digest is not None}
        seeds = {seed: seed for seed in output.seeds.values()}  # one object each, not one from each worker's batch
        quick = {path: (seeds.get(key[0], key[0]), key[1]) for path, _, _, _, _, key in done if key is not None}
        changed = sum(fresh for _, _, _, fresh, _, _ in done)
        rendered = sum(made for path, _, _, _, made, _ in done if path.endswith(".html"))
        progress.finish(f"rendered {rendered} of {listed} pages; {changed} of {len(files)} files changed")
        if changed == 0 and files.keys() == previous.keys() and site_unchanged(out, previous):
            writer.abandon()  # the site in place is already this one
        else:
            writer.finish(files, remove_later=server)
        if server:
            cache.meeting_rows = (files, meeting_rows(archive, kept_rows, done[:kept_from] + done[kept_to:]))
    except BaseException:
        if search is not None:
            search.wait()  # it writes into the new site: done before that is removed
        writer.abandon()
        raise
    return files, digests, changed, quick
