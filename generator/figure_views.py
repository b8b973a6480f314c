"""The figures index page: every quantity said, one table row each.

The table is complete without JavaScript (newest meeting first, then in the
order said); static/figures.js only adds sorting and filtering in place.
Large archives are split into pages of about FIGURES_PAGE_SIZE rows, cut
between meetings, so that a page holds every figure of its meetings (the
meeting filter then shows all of one) and each page can be named by the dates
it covers. figures/index.html holds the newest meetings and lists every page;
older pages are figures/page-1.html (the oldest), page-2.html …, cut where
their meetings say (page_chunks): a meeting added to the archive, or figures
added to one, leave the other pages and their addresses as they were.

A large archive says a hundred thousand figures, so rows are made for
speed: each meeting's rows are one HTML string made in Python
(figure_rows.meeting_rows, which escapes every text in them) that the
template prints whole; every href is already relative to figures/, where all figure
pages live, from one urls.link call per meeting and speaker. Each page's
rows are made only when the page is rendered (lazy.LazyView).
"""
from __future__ import annotations

from collections import Counter
from functools import partial
from itertools import chain, groupby
from operator import attrgetter
from typing import NamedTuple

from markupsafe import Markup

from . import urls
from .figure_rows import KIND_LABELS, NOBODY, MeetingCell, Speaker, meeting_rows
from .figures import FIGURE_KINDS, Figure, sentences_of
from .lazy import LazyView, fingerprint
from .model import Archive, analysis_identity, figures_by_meeting, group_by_meeting, meetings_by_slug
from .once import per_archive, per_item
from .paging import cut_by_content
from .recall import Recall, recall_or_new
from .views import as_named, format_date, people_named

FIGURES_PAGE_SIZE = 1000
"""About this many rows on one page (whole meetings): from half as many to twice as many,
unless one meeting says more (page_chunks)."""
SCRIPT = "static/figures.js"


KIND_GROUPS = {"money": "money", "percent": "percent", "count": "counts", "measure": "counts", "multiple": "counts"}
"""The table's groups, as issue 4 names them: money, percentages, counts and measures (multiples with them)."""
GROUP_LABELS = {"money": "Money", "percent": "Percentages", "counts": "Counts and measures"}


class MeetingFigures(NamedTuple):
    """One meeting's figures on a page: what its filter option shows, and its rows by group."""

    slug: str
    title: str
    iso_date: str
    count: int
    rows: dict[str, Markup]
    """Group (KIND_GROUPS) → the <tr> rows' HTML of its figures (figure_rows.meeting_rows, which
    escapes every text in them)."""


class RelativeHrefs:
    """href(site path) relative to one page: urls.link once per distinct path, the fragment added after."""

    def __init__(self, page: str):
        self.page = page
        self._paths: dict[str, str] = {}

    def __call__(self, target: str) -> str:
        path, hash_, fragment = target.partition("#")
        href = self._paths.get(path)
        if href is None:
            href = self._paths[path] = urls.link(path, self.page)
        return href + hash_ + fragment


Share = tuple[str, tuple[Figure, ...]]
"""One meeting's figures: (its slug, its figures in the order said)."""


def ranked_shares(archive: Archive) -> list[Share]:
    """Each meeting's figures, newest meeting first, then in the order said.

    Meeting by meeting, not figure by figure: half a million figures each sorted, grouped
    or counted by a Python key cost seconds a build. A build's own figures
    (Archive.figures_of) are in that order already, as extracted.
    """
    order = {m.slug: i for i, m in enumerate(archive.meetings)}
    said_in = archive.figures_of
    if said_in is None:
        said_in = {slug: sorted(figures, key=attrgetter("paragraph", "start"))
                   for slug, figures in (figures_by_meeting(archive) or group_by_meeting(archive.figures)).items()}
    return [(slug, tuple(said_in[slug])) for slug in sorted(said_in, key=order.__getitem__, reverse=True)]


def ranked_figures(archive: Archive) -> list[Figure]:
    """Every figure, newest meeting first, then in the order said: as
    sorted(figures, key=(-meeting's place, paragraph, start))."""
    return flat(ranked_shares(archive))


def flat(shares: list[Share]) -> list[Figure]:
    return list(chain.from_iterable(said for _, said in shares))


def speakers_of(archive: Archive, figures: list[Figure], href: RelativeHrefs) -> dict[str | None, Speaker]:
    """Who says each of `figures`, by person key; NOBODY for a figure nobody named says."""
    people = {p.key: p for p in archive.people}
    speakers: dict[str | None, Speaker] = {None: NOBODY}
    for key in {f.speaker for f in figures} - speakers.keys():
        person = people.get(key)
        speakers[key] = Speaker(person.name, person.slug, href(urls.speaker(person.slug))) if person else NOBODY
    return speakers


def meeting_figures(archive: Archive, figures: list[Figure], speakers: dict[str | None, Speaker],
                    href: RelativeHrefs) -> list[MeetingFigures]:
    """The rows of `figures` (ranked), grouped by meeting."""
    meetings = meetings_by_slug(archive)
    groups = []
    for slug, said in groupby(figures, key=lambda f: f.meeting):
        meeting = meetings[slug]
        cell = MeetingCell(slug, meeting.title, href(urls.meeting(slug)), format_date(meeting.date),
                           meeting.date.isoformat() if meeting.date else "")
        said = list(said)
        by_group: dict[str, tuple[list, list]] = {}
        for figure, sentence in zip(said, sentences_of(said, meetings)):
            figures_here, sentences = by_group.setdefault(KIND_GROUPS[figure.kind], ([], []))
            figures_here.append(figure)
            sentences.append(sentence)
        groups.append(MeetingFigures(slug, meeting.title, cell.iso_date, len(said),
                                     {group: meeting_rows(cell, *by_group[group], speakers, href)
                                      for group in GROUP_LABELS if group in by_group}))
    return groups


def kind_groups(figures: list[Figure]) -> list[dict]:
    """The table's groups that a page has, in order, with how many rows each holds."""
    counts = Counter(KIND_GROUPS[f.kind] for f in figures)
    return [{"key": group, "label": label, "count": counts[group]} for group, label in GROUP_LABELS.items()
            if counts[group]]


def filter_options(figures: list[Figure], speakers: dict[str | None, Speaker], groups: list[MeetingFigures]) -> dict:
    """The choices of the script's filters, each with how many rows it keeps."""
    kinds = Counter(f.kind for f in figures)
    said_by = Counter((s.slug, s.name) for s in (speakers[f.speaker] for f in figures) if s.slug)
    meetings = Counter()
    for g in groups:
        meetings[(g.slug, g.title, g.iso_date)] += g.count
    return {
        "kinds": [{"value": k, "label": KIND_LABELS[k], "count": kinds[k]} for k in FIGURE_KINDS if kinds[k]],
        "speakers": [{"value": slug, "label": name, "count": n}
                     for (slug, name), n in sorted(said_by.items(), key=lambda x: (x[0][1], x[0][0]))],
        "meetings": [{"value": slug, "label": f"{date} {title}".strip(), "count": n}
                     for (slug, title, date), n in sorted(meetings.items(), key=lambda x: (x[0][2], x[0][0]),
                                                          reverse=True)],
    }


def page_chunks(shares: list[Share], size: int | None = None) -> list[list[Share]]:
    """The ranked meetings' figures (newest first) cut into pages between meetings, newest page
    first, each of about `size` rows (FIGURES_PAGE_SIZE by default).

    Cut from the oldest meeting on, where paging.cut_by_content says: where a page ends
    depends on its own meetings, not on how many rows the newer ones have, so a meeting added
    (newest, as a rule) changes only the newest page, and figures added to an older one only
    its page (and, rarely, the next). Cut every `size` rows from the newest, as pages were,
    either moved every page.
    """
    size = FIGURES_PAGE_SIZE if size is None else size
    oldest_first = shares[::-1]
    cuts = cut_by_content([slug for slug, _ in oldest_first], [len(said) for _, said in oldest_first], size)
    return [oldest_first[cut.start:cut.stop][::-1] for cut in reversed(cuts)]


def page_paths(count: int) -> list[str]:
    """The site path of each of `count` pages, newest first: figures/index.html, then the older
    ones numbered from the oldest (figures/page-1.html), so that none changes its address
    when a newer page is added."""
    return [urls.FIGURES] + [urls.figures(number) for number in range(count - 1, 0, -1)]


def date_span(meetings: dict, chunk: list[Share]) -> str:
    """"8 October 2024 – 3 September 2024": the dates of a page's newest and oldest meeting."""
    if not chunk:
        return ""
    newest, oldest = (format_date(meetings[chunk[i][0]].date) for i in (0, -1))
    return newest if newest == oldest else f"{newest} – {oldest}"


def figures_page_view(archive: Archive, chunk: list[Share], common: dict, nav: Nav) -> dict:
    """One page's view: its rows and filters, and what every page shows (`common`; on the
    first page also the archive's totals and every page)."""
    figures = flat(chunk)
    href = RelativeHrefs(urls.FIGURES)      # every figure page is in figures/: the same hrefs serve all
    speakers = speakers_of(archive, figures, href)
    groups = meeting_figures(archive, figures, speakers, href)
    return {
        **common,
        "title": "Figures" if nav.path == urls.FIGURES else f"Figures, {nav.span}",
        "meetings": groups,
        "groups": kind_groups(figures),
        "options": filter_options(figures, speakers, groups),
        "current": nav.path,
        "span": nav.span,
        "newer_page": nav.newer,
        "older_page": nav.older,
    }


class Nav(NamedTuple):
    """Where a figures page is, and the pages before and after it (site paths, "" when none)."""

    path: str
    span: str
    newer: str
    older: str


@per_archive
def figures_layout(archive: Archive) -> tuple[list[Share], list[list[Share]], list[str]]:
    """The ranked shares, their pages' chunks and the pages' paths: made once an archive, for its
    figures pages and for its meeting pages, which link each figure to its row (figures_page_of)."""
    shares = ranked_shares(archive)
    chunks = page_chunks(shares)
    return shares, chunks, page_paths(len(chunks))


@per_archive
def figures_page_of(archive: Archive) -> dict[str, str]:
    """Meeting slug → the figures page that lists its figures (a page holds whole meetings), where
    a meeting page links each figure to its row."""
    _, chunks, paths = figures_layout(archive)
    return {slug: path for chunk, path in zip(chunks, paths) for slug, _ in chunk}


def figures_pages(archive: Archive, recall: Recall | None = None):
    """figures/index.html and its later pages, whole meetings to a page. The quick keys made
    are kept (`recall.figures_quick`): a server's rebuild digests again only the pages of the
    meetings an edit changed, not all (546 pages at 5,000 meetings, 0.02 s)."""
    recall = recall_or_new(recall)
    meetings = meetings_by_slug(archive)
    shares, chunks, paths = figures_layout(archive)
    spans = [date_span(meetings, chunk) for chunk in chunks]
    kinds = Counter()
    for _, said in shares:
        kinds.update(kinds_in(archive, said))
    # The archive's totals and the list of pages are on the first page only: on every page,
    # a meeting added would make every page (each up to a megabyte) be made again.
    later = {"script": SCRIPT, "first_page": urls.link(urls.FIGURES, urls.FIGURES), "pages": [], "first": False}
    first = {**later, "first": True, "total": sum(len(said) for _, said in shares),
             "summary": [{"label": KIND_LABELS[k], "count": kinds[k]} for k in FIGURE_KINDS if kinds[k]],
             "pages": [{"path": path, "link": urls.link(path, urls.FIGURES), "span": span}
                       for path, span in zip(paths, spans)] if len(chunks) > 1 else []}
    shared = {True: fingerprint(first), False: fingerprint(later)}  # once, not once a page
    last = recall.figures_quick
    now = recall.figures_quick = {}  # filled by figures_quick as each page is made
    named = people_named(archive, archive.people)
    for place, (chunk, path, span) in enumerate(zip(chunks, paths, spans)):
        common, made_from = (first, shared[True]) if place == 0 else (later, shared[False])
        nav = Nav(path, span, paths[place - 1] if place else "", paths[place + 1] if place + 1 < len(paths) else "")
        yield path, "figures.html", LazyView(
            figures_page_view, archive, chunk, common, nav,
            inputs=partial(figures_page_inputs, archive, chunk, made_from, nav, meetings) if made_from else None,
            quick=partial(figures_quick, archive, chunk, made_from, nav, (named, last, now)))


def figures_quick(archive: Archive, chunk: list[Share], shared: str | None, nav: Nav,
                  kept: tuple[str | None, dict, dict]) -> str | None:
    """LazyView.quick of a figures page: a digest of what every page shows, where it is, who
    says its figures as named (page_people), and its meetings' slugs and analysis keys
    (which cover their cells and figures); None when one is missing. Taken from the last
    listing (`kept`: everyone as named, its keys, this one's) when all but who is named is as
    then, and everyone is named as then."""
    keys = [(slug, archive.analysis_keys.get(slug)) for slug, _ in chunk]
    if not shared or any(key is None for _, key in keys):
        return None
    named, last, now = kept
    made_from = (nav, shared, keys, named)
    was = last.get(nav.path)
    quick = was[1] if named is not None and was is not None and was[0] == made_from else \
        fingerprint((nav, shared, page_people(archive, chunk), keys))
    now[nav.path] = (made_from, quick)
    return quick


def page_people(archive: Archive, chunk: list[Share]) -> list[tuple[str, str, str]]:
    """views.as_named of each person who says a figure of the page."""
    return as_named(archive, frozenset().union(*(speakers_in(archive, said) for _, said in chunk)))


@per_item
def kinds_in(said: tuple[Figure, ...]) -> Counter:
    """How many of one meeting's figures are of each kind: a server's rebuild counts only the edited meeting's."""
    return Counter(map(attrgetter("kind"), said))


@per_item
def speakers_in(said: tuple[Figure, ...]) -> frozenset:
    """The person keys (None for nobody named) who say one meeting's figures."""
    return frozenset(map(attrgetter("speaker"), said))


def figures_page_inputs(archive: Archive, chunk: list[Share], shared: str, nav: Nav,
                        meetings: dict) -> tuple:
    """All that figures_page_view reads, cheap to compare: what every page shows (`shared`, a
    fingerprint), where it is, per meeting its cell and what decides its figures, and who the
    speakers are as named and linked."""
    said_in = [(slug, meeting.title, meeting.date, analysis_identity(archive, slug, said))
               for slug, said in chunk for meeting in (meetings[slug],)]
    return nav, shared, said_in, page_people(archive, chunk)
