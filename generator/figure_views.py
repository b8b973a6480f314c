"""The figures index page: every quantity said, one table row each.

The table is complete without JavaScript (newest meeting first, then in the
order said); static/figures.js only adds sorting and filtering in place.
Very large archives are split into pages of FIGURES_PAGE_SIZE rows.
"""
from __future__ import annotations

import posixpath
import re
from collections import Counter

from . import urls
from .figures import FIGURE_KINDS, Figure
from .model import Archive
from .numbers import plain
from .views import format_date

FIGURES_PAGE_SIZE = 1000
"""Rows on one page; more continue on figures/page-2.html, page-3.html …"""
SCRIPT = "static/figures.js"
KIND_LABELS = {"money": "Money", "percent": "Percentage", "count": "Count", "measure": "Measure",
               "multiple": "Multiple"}


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


def sentence_parts(figure: Figure) -> dict:
    """The sentence split around the words said, so the template can mark them."""
    said = re.sub(r"\s+", " ", figure.said)
    at = figure.sentence.find(said)
    if at < 0:
        return {"before": figure.sentence, "marked": "", "after": ""}
    return {"before": figure.sentence[:at], "marked": said, "after": figure.sentence[at + len(said):]}


def figure_row(figure: Figure, meeting, person) -> dict:
    sort_value = figure.value if figure.value is not None else figure.low
    return {
        "said": re.sub(r"\s+", " ", figure.said),
        "value": shown_value(figure),
        "normalised": figure.normalised,
        "sort_value": plain(sort_value) if sort_value is not None else "",
        "unit": shown_unit(figure),
        "code": figure.unit,
        "kind": figure.kind,
        "kind_label": KIND_LABELS[figure.kind],
        "qualifier": figure.qualifier,
        "restates": figure.restates is not None,
        "speaker": person.name if person else "",
        "speaker_slug": person.slug if person else "",
        "speaker_href": urls.speaker(person.slug) if person else "",
        "meeting": meeting.title,
        "meeting_slug": meeting.slug,
        "date": format_date(meeting.date),
        "iso_date": meeting.date.isoformat() if meeting.date else "",
        "href": urls.paragraph(meeting.slug, figure.paragraph),
        "anchor": f"p{figure.paragraph}",
        **sentence_parts(figure),
    }


def figure_rows(archive: Archive) -> list[dict]:
    """Every figure as a row: newest meeting first, then in the order said."""
    meetings = {m.slug: m for m in archive.meetings}
    people = {p.key: p for p in archive.people}
    order = {m.slug: i for i, m in enumerate(archive.meetings)}
    ranked = sorted(archive.figures, key=lambda f: (-order[f.meeting], f.paragraph, f.start))
    return [figure_row(f, meetings[f.meeting], people.get(f.speaker)) for f in ranked]


def filter_options(rows: list[dict]) -> dict:
    """The choices of the script's filters, each with how many rows it keeps."""
    kinds = Counter(r["kind"] for r in rows)
    speakers = Counter((r["speaker_slug"], r["speaker"]) for r in rows if r["speaker_slug"])
    meetings = Counter((r["meeting_slug"], r["meeting"], r["iso_date"]) for r in rows)
    return {
        "kinds": [{"value": k, "label": KIND_LABELS[k], "count": kinds[k]} for k in FIGURE_KINDS if kinds[k]],
        "speakers": [{"value": slug, "label": name, "count": n}
                     for (slug, name), n in sorted(speakers.items(), key=lambda x: (x[0][1], x[0][0]))],
        "meetings": [{"value": slug, "label": f"{date} {title}".strip(), "count": n}
                     for (slug, title, date), n in sorted(meetings.items(), key=lambda x: (x[0][2], x[0][0]),
                                                          reverse=True)],
    }


def figures_pages(archive: Archive):
    rows = figure_rows(archive)
    chunks = [rows[i:i + FIGURES_PAGE_SIZE] for i in range(0, len(rows), FIGURES_PAGE_SIZE)] or [[]]
    pages = [{"number": n + 1, "href": figures_page(n + 1)} for n in range(len(chunks))]
    kinds = Counter(r["kind"] for r in rows)
    summary = [{"label": KIND_LABELS[k], "count": kinds[k]} for k in FIGURE_KINDS if kinds[k]]
    for number, chunk in enumerate(chunks, start=1):
        yield figures_page(number), "figures.html", {
            "title": "Figures" if number == 1 else f"Figures, page {number}",
            "figures": chunk,
            "total": len(rows),
            "summary": summary,
            "options": filter_options(chunk),
            "pages": pages if len(pages) > 1 else [],
            "current": number,
            "first_row": (number - 1) * FIGURES_PAGE_SIZE + 1,
            "script": SCRIPT,
        }
