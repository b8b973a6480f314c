"""The figures index page: every quantity said, one table row each.

The table is complete without JavaScript (newest meeting first, then in the
order said); static/figures.js only adds sorting and filtering in place.
Large archives are split into pages of about FIGURES_PAGE_SIZE rows, cut
between meetings, so that a page holds every figure of its meetings (the
meeting filter then shows all of one) and the pager can name the dates each
page covers.

A large archive says a hundred thousand figures, so rows are made for
speed: a FigureRow is a tuple (the template unpacks it, faster than reading
a dict's keys), grouped by meeting (the meeting cell is rendered once per
meeting), with every href already relative to figures/, where all figure
pages live, from one urls.link call per meeting and speaker. Each page's
rows are made only when the page is rendered (lazy.LazyView).
"""
from __future__ import annotations

import posixpath
import re
from collections import Counter
from itertools import groupby
from typing import NamedTuple

from . import urls
from .figures import FIGURE_KINDS, Figure
from .lazy import LazyView
from .model import Archive
from .numbers import plain
from .views import format_date

FIGURES_PAGE_SIZE = 1000
"""About this many rows on one page (whole meetings); more continue on figures/page-2.html …"""
SCRIPT = "static/figures.js"
KIND_LABELS = {"money": "Money", "percent": "Percentage", "count": "Count", "measure": "Measure",
               "multiple": "Multiple"}
_SPACES_RE = re.compile(r"\s+")


class FigureRow(NamedTuple):
    """One row of the table, every value ready to print (in the order the template unpacks them)."""

    kind: str
    kind_label: str
    said: str
    href: str
    """The paragraph, relative to figures/."""
    anchor: str
    qualifier: str
    value: str
    """The normalised amount as people read it: "43,000,000,000", "40–60", "—"."""
    normalised: str
    sort_value: str
    unit: str
    restates: bool
    speaker: str
    speaker_slug: str
    speaker_href: str
    before: str
    marked: str
    after: str


class MeetingFigures(NamedTuple):
    """The rows of one meeting on a page, and what its meeting cell shows."""

    slug: str
    title: str
    href: str
    date: str
    iso_date: str
    figures: list[FigureRow]


def figures_page(number: int) -> str:
    """figures/index.html, then figures/page-2.html … (lead: move beside urls.FIGURES)."""
    if number == 1:
        return urls.FIGURES
    return posixpath.join(posixpath.dirname(urls.FIGURES), f"page-{number}.html")


def grouped(value: str) -> str:
    """A plain decimal with thousands separators: "43000000000" → "43,000,000,000"."""
    whole, _, fraction = value.partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "")


def shown_value(figure: Figure) -> str:
    """The normalised amount as people read it: "43,000,000,000", "40–60", "—" when vague."""
    if figure.value is not None:
        return grouped(plain(figure.value))
    if figure.low is not None and figure.high is not None:
        return f"{grouped(plain(figure.low))}–{grouped(plain(figure.high))}"
    return "—"


def shown_unit(figure: Figure) -> str:
    if figure.kind == "count":
        return figure.noun or ""
    return figure.unit


def sentence_parts(sentence: str, said: str) -> tuple[str, str, str]:
    """The sentence split around the words said (spaces normalised), so the template can mark them."""
    at = sentence.find(said)
    if at < 0:
        return sentence, "", ""
    return sentence[:at], said, sentence[at + len(said):]


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


def figure_row(figure: Figure, speaker: tuple[str, str, str], href: RelativeHrefs) -> FigureRow:
    """One row; `speaker` is (name, slug, href), all "" when nobody is named."""
    said = _SPACES_RE.sub(" ", figure.said)
    sort_value = figure.value if figure.value is not None else figure.low
    sort_text = plain(sort_value) if sort_value is not None else ""
    if figure.value is not None:
        value, normalised = grouped(sort_text), sort_text
    else:
        value, normalised = shown_value(figure), figure.normalised
    return FigureRow(figure.kind, KIND_LABELS[figure.kind], said,
                     href(urls.paragraph(figure.meeting, figure.paragraph)), f"p{figure.paragraph}",
                     figure.qualifier, value, normalised, sort_text, shown_unit(figure), figure.restates is not None,
                     *speaker, *sentence_parts(figure.sentence, said))


def ranked_figures(archive: Archive) -> list[Figure]:
    """Every figure, newest meeting first, then in the order said."""
    order = {m.slug: i for i, m in enumerate(archive.meetings)}
    return sorted(archive.figures, key=lambda f: (-order[f.meeting], f.paragraph, f.start))


def meeting_figures(archive: Archive, figures: list[Figure]) -> list[MeetingFigures]:
    """Rows of `figures` (ranked), grouped by meeting."""
    meetings = {m.slug: m for m in archive.meetings}
    people = {p.key: p for p in archive.people}
    href = RelativeHrefs(urls.FIGURES)      # every figure page is in figures/: the same hrefs serve all
    speakers: dict[str | None, tuple[str, str, str]] = {None: ("", "", "")}
    groups = []
    for slug, said in groupby(figures, key=lambda f: f.meeting):
        meeting = meetings[slug]
        rows = []
        for figure in said:
            speaker = speakers.get(figure.speaker)
            if speaker is None:
                person = people.get(figure.speaker)
                speaker = speakers[figure.speaker] = (
                    (person.name, person.slug, href(urls.speaker(person.slug))) if person else ("", "", ""))
            rows.append(figure_row(figure, speaker, href))
        groups.append(MeetingFigures(slug, meeting.title, href(urls.meeting(slug)), format_date(meeting.date),
                                     meeting.date.isoformat() if meeting.date else "", rows))
    return groups


def filter_options(groups: list[MeetingFigures]) -> dict:
    """The choices of the script's filters, each with how many rows it keeps."""
    kinds = Counter(r.kind for g in groups for r in g.figures)
    speakers = Counter((r.speaker_slug, r.speaker) for g in groups for r in g.figures if r.speaker_slug)
    meetings = Counter()
    for g in groups:
        meetings[(g.slug, g.title, g.iso_date)] += len(g.figures)
    return {
        "kinds": [{"value": k, "label": KIND_LABELS[k], "count": kinds[k]} for k in FIGURE_KINDS if kinds[k]],
        "speakers": [{"value": slug, "label": name, "count": n}
                     for (slug, name), n in sorted(speakers.items(), key=lambda x: (x[0][1], x[0][0]))],
        "meetings": [{"value": slug, "label": f"{date} {title}".strip(), "count": n}
                     for (slug, title, date), n in sorted(meetings.items(), key=lambda x: (x[0][2], x[0][0]),
                                                          reverse=True)],
    }


def page_chunks(ranked: list[Figure], size: int | None = None) -> list[list[Figure]]:
    """The ranked figures cut into pages between meetings, each page up to `size` rows
    (FIGURES_PAGE_SIZE by default; a meeting with more has a page of its own)."""
    size = FIGURES_PAGE_SIZE if size is None else size
    chunks: list[list[Figure]] = [[]]
    for _, said in groupby(ranked, key=lambda f: f.meeting):
        said = list(said)
        if chunks[-1] and len(chunks[-1]) + len(said) > size:
            chunks.append([])
        chunks[-1].extend(said)
    return chunks


def date_span(archive: Archive, figures: list[Figure]) -> str:
    """"8 October 2024 – 3 September 2024": the dates of a page's newest and oldest meeting."""
    if not figures:
        return ""
    by_slug = {m.slug: m for m in archive.meetings}
    newest, oldest = (format_date(by_slug[figures[i].meeting].date) for i in (0, -1))
    return newest if newest == oldest else f"{newest} – {oldest}"


def figures_page_view(archive: Archive, figures: list[Figure], common: dict, number: int) -> dict:
    """One page's view: its rows and filters, and what every page shows (`common`)."""
    groups = meeting_figures(archive, figures)
    pages = common["pages"]
    return {
        **common,
        "title": "Figures" if number == 1 else f"Figures, page {number}",
        "meetings": groups,
        "options": filter_options(groups),
        "current": number,
        "newer_page": pages[number - 2]["href"] if number > 1 else "",
        "older_page": pages[number]["href"] if number < len(pages) else "",
    }


def figures_pages(archive: Archive):
    ranked = ranked_figures(archive)
    chunks = page_chunks(ranked)
    pages = [{"number": n, "href": figures_page(n), "span": date_span(archive, chunk)}
             for n, chunk in enumerate(chunks, start=1)]
    kinds = Counter(f.kind for f in ranked)
    common = {
        "total": len(ranked),
        "summary": [{"label": KIND_LABELS[k], "count": kinds[k]} for k in FIGURE_KINDS if kinds[k]],
        "pages": pages if len(pages) > 1 else [],
        "script": SCRIPT,
    }
    for number, chunk in enumerate(chunks, start=1):
        yield figures_page(number), "figures.html", LazyView(figures_page_view, archive, chunk, common, number)
