"""The rows of the figures table as HTML: one meeting's figures → one string of <tr> rows.

A large archive says about a hundred thousand figures. Through Jinja each
row cost two dozen escapes, Markup objects and template steps; here a row
is one f-string and a meeting's rows one string, which templates/figures.html
prints with a single `{{ m.rows }}`. The bytes are those the template made
(tests/test_figure_rows.py compares them). The values are shown as people
read them: "43,000,000,000", "40–60", "not stated" for a vague amount.

Safety: every text put into the rows passes through escape_html (or
escape_each, the same for many texts), which escapes as Jinja's autoescape;
only the rows made from escaped texts are wrapped as Markup, which tells
Jinja not to escape them again. A name ending in `_html` holds escaped text.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from markupsafe import Markup

from . import urls
from .figures import Figure, figure_anchor
from .numbers import plain

KIND_LABELS = {"money": "Money", "percent": "Percentage", "count": "Count", "measure": "Measure",
               "multiple": "Multiple"}
_SPACES_RE = re.compile(r"\s+")


def escape_html(text: str) -> str:
    """text with & < > " ' written as &amp; &lt; &gt; &#34; &#39;: the bytes Jinja's autoescape
    (markupsafe.escape) writes for a str, without making a Markup object."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("'", "&#39;"))


def escape_each(texts: list[str]) -> list[str]:
    """[escape_html(t) for t in texts], in one call: joined by NUL, which escaping leaves alone,
    escaped at once and split again (one by one when a text holds a NUL itself).
    When escaping changes nothing, the texts are their own escapes."""
    joined = "\0".join(texts)
    escaped = escape_html(joined)
    if escaped == joined:
        return texts
    if joined.count("\0") != len(texts) - 1:
        return [escape_html(text) for text in texts]
    return escaped.split("\0")


class MeetingCell(NamedTuple):
    """What a meeting's cell shows on each of its rows (as text)."""

    slug: str
    title: str
    href: str
    """The meeting page, relative to the page of the table."""
    date: str
    iso_date: str
    """"" when the meeting has no date."""


class Speaker(NamedTuple):
    """Who says a figure (as text): name, slug, and href relative to the page; all "" for nobody named."""

    name: str
    slug: str
    href: str


NOBODY = Speaker("", "", "")


# ---------------------------------------------------------------- values as people read them

def grouped(value: str) -> str:
    """A plain decimal with thousands separators: "43000000000" → "43,000,000,000"."""
    whole, _, fraction = value.partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "")


def shown_value(figure: Figure) -> str:
    """The normalised amount as people read it: "43,000,000,000", "40–60", "not stated" when vague
    ("— USD" read as missing data)."""
    if figure.value is not None:
        return grouped(plain(figure.value))
    if figure.low is not None and figure.high is not None:
        return f"{grouped(plain(figure.low))}–{grouped(plain(figure.high))}"
    return "not stated"


def shown_unit(figure: Figure) -> str:
    if figure.kind == "count":
        return figure.noun or ""
    return figure.unit


def sentence_parts(sentence: str, said: str) -> tuple[str, bool, str]:
    """The sentence split around the words said (spaces normalised), so that they can be marked:
    (before, True, after), or (sentence, False, "") when they are not in it as said."""
    at = sentence.find(said)
    if at < 0:
        return sentence, False, ""
    return sentence[:at], True, sentence[at + len(said):]


def said_as_shown(figure: Figure) -> str:
    """The words said, each run of spaces (a no-break space, a line's end) one space."""
    said = figure.said
    if not said.isprintable() or "  " in said:  # else no space to normalise (\s+ matches no printable but " ")
        said = _SPACES_RE.sub(" ", said)
    return said


def value_texts(figure: Figure) -> tuple[str, str, str, str]:
    """(the value as read, <data value>, data-high, the value sorted by): "43,000,000,000",
    "43000000000", "", "43000000000"; a range "40–60", "40", "60", "40"; vague "not stated", "", "", ""."""
    normalised, high = figure.bounds  # a range as in the meeting's text: value="40" data-high="60"
    if figure.value is not None:
        return grouped(normalised), normalised, high, normalised
    return shown_value(figure), normalised, high, plain(figure.low) if figure.low is not None else ""


# ---------------------------------------------------------------- HTML

def value_cell_html(qualifier_html: str, value_html: str, normalised_html: str, high_html: str, unit_html: str,
                    restates: bool) -> str:
    """What a Value cell holds, from escaped texts: "<span class="qualifier">over</span>
    <data value="43000000000">43,000,000,000</data>&nbsp;<span class="unit">USD</span>"."""
    if qualifier_html:
        qualifier_html = f'<span class="qualifier">{qualifier_html}</span> '
    if unit_html:  # a no-break space: "RUB" alone on a line under "20,800,000,000,000" read as missing
        unit_html = f'&nbsp;<span class="unit">{unit_html}</span>'
    if high_html:
        high_html = f' data-high="{high_html}"'
    restates_html = ' <span class="restates">(the amount before, restated)</span>' if restates else ""
    vague_html = "" if normalised_html else ' class="vague"'
    return (f'{qualifier_html}<data{vague_html} value="{normalised_html}"{high_html}>{value_html}</data>{unit_html}'
            f'{restates_html}')


def meeting_cell_html(meeting: MeetingCell) -> str:
    slug_html, title_html, href_html, date_html, iso_date_html = escape_each(list(meeting))
    when_html = f'<time datetime="{iso_date_html}">{date_html}</time>' if iso_date_html else date_html
    return (f'<td class="meeting-cell" data-value="{iso_date_html}"><a href="{href_html}">{title_html}</a>'
            f'<br><span class="date">{when_html}</span></td>')


NOBODY_HTML = '<span class="muted">—</span>'


def escaped_speaker(speaker: Speaker) -> tuple[str, str]:
    """(slug, contents of the speaker cell), as HTML."""
    name_html, slug_html, href_html = escape_each(list(speaker))
    return slug_html, (f'<a href="{href_html}">{name_html}</a>' if href_html else NOBODY_HTML)


ROW_TEXTS = 9
"""The texts of a row that differ from row to row: said, qualifier, value, normalised
(a range's low end), a range's high end, sort value, unit, and the sentence before and
after the words said. Each is escaped
a column at a time (all the rows' said, then all their qualifiers …)."""


def meeting_rows(meeting: MeetingCell, figures: Iterable[Figure], sentences: Iterable[str],
                 speakers: Mapping[str | None, Speaker], link: Callable[[str], str]) -> Markup:
    """The <tr> rows of `figures`, all said in `meeting`, in order, with the sentence each was said
    in (figures.sentences_of); `link` makes a site path relative to the page, `speakers` maps each
    figure's speaker key to who it is.

    First every row's texts are gathered and escaped a column at a time
    (what repeats from row to row, a kind, a paragraph's link or a speaker,
    is escaped once); then each row is one f-string of escaped texts and
    our tags.
    """
    slug_html, title_html = escape_each([meeting.slug, meeting.title])
    cell_html = meeting_cell_html(meeting)
    kinds_html: dict[str, tuple[str, str]] = {}
    paragraphs_html: dict[int, tuple[str, str]] = {}
    speakers_html: dict[str | None, tuple[str, str]] = {}
    texts: list[str] = []
    rows = []
    for figure, sentence in zip(figures, sentences, strict=True):
        kind_html = kinds_html.get(figure.kind) or kinds_html.setdefault(
            figure.kind, tuple(escape_each([figure.kind, KIND_LABELS[figure.kind]])))
        paragraph_html = paragraphs_html.get(figure.paragraph) or paragraphs_html.setdefault(
            figure.paragraph, tuple(escape_each([link(urls.paragraph(figure.meeting, figure.paragraph)),
                                                 f"p{figure.paragraph}"])))
        speaker_html = speakers_html.get(figure.speaker) or speakers_html.setdefault(
            figure.speaker, escaped_speaker(speakers[figure.speaker]))
        said = said_as_shown(figure)
        value, normalised, high, sort_value = value_texts(figure)
        before, marked, after = sentence_parts(sentence, said)
        texts += (said, figure.qualifier, value, normalised, high, sort_value, shown_unit(figure), before, after)
        rows.append((kind_html, paragraph_html, speaker_html, figure.restates is not None, marked,
                     escape_each([figure_anchor(figure)])[0]))
    lines = []
    columns_html = [escape_each(texts[i::ROW_TEXTS]) for i in range(ROW_TEXTS)]  # a column needing none is kept
    for (said_html, qualifier_html, value_html, normalised_html, high_html, sort_value_html, unit_html, before_html,
         after_html,
         ((kind_html, kind_label_html), (href_html, anchor_html), (speaker_slug_html, speaker_cell_html), restates,
          marked, anchor)) in zip(*columns_html, rows):
        marked_html = f"<mark>{said_html}</mark>" if marked and said_html else ""
        lines.append(
            f'    <tr data-kind="{kind_html}" data-speaker="{speaker_slug_html}" data-meeting="{slug_html}"'
            f' id="{anchor}">\n'
            f'      <td class="said"><a href="{href_html}">{said_html}</a></td>\n'
            f'      <td class="value" data-value="{sort_value_html}">'
            f'{value_cell_html(qualifier_html, value_html, normalised_html, high_html, unit_html, restates)}</td>\n'
            f'      <td class="kind">{kind_label_html}</td>\n'
            f'      <td class="speaker-cell">{speaker_cell_html}</td>\n'
            f'      {cell_html}\n'
            f'      <td class="sentence">{before_html}{marked_html}{after_html} <a class="to-paragraph" '
            f'href="{href_html}" aria-label="Paragraph {anchor_html} of {title_html}">¶</a></td>\n'
            f'    </tr>\n')
    return Markup("".join(lines))  # safe: made only of our tags and texts escaped above


def said_rows(figures: Iterable[Figure], speakers: Iterable[str]) -> Markup:
    """The <tr> rows of a meeting page's own table of its figures (templates/meeting.html): the
    words said, linked to their paragraph on the page, the value, and who said them (`speakers`,
    one name a figure, "" for nobody named). Escaped a column at a time, as meeting_rows does."""
    figures = list(figures)
    texts: list[str] = []
    for figure in figures:
        value, normalised, high, _ = value_texts(figure)
        texts += (said_as_shown(figure), figure.qualifier, value, normalised, high, shown_unit(figure))
    columns_html = [escape_each(texts[i::SAID_TEXTS]) for i in range(SAID_TEXTS)]
    speakers = list(speakers)
    names_html = {name: escape_html(name) or NOBODY_HTML for name in set(speakers)}
    lines = []
    for figure, speaker, (said_html, qualifier_html, value_html, normalised_html, high_html, unit_html) in zip(
            figures, speakers, zip(*columns_html), strict=True):
        value_html = value_cell_html(qualifier_html, value_html, normalised_html, high_html, unit_html,
                                     figure.restates is not None)
        lines.append(f'<tr data-kind="{figure.kind}"><td class="said"><a href="#p{figure.paragraph:d}">'
                     f'{said_html}</a></td><td class="value">{value_html}</td><td class="speaker-cell">'
                     f'{names_html[speaker]}</td></tr>\n')
    return Markup("".join(lines))  # safe: our tags and texts escaped above (a kind is one of FIGURE_KINDS)


SAID_TEXTS = 6
"""The texts of a row of a meeting's own table: said, qualifier, value, normalised, a range's high end, unit."""


CITED_SHOWN = 12
"""Figures a speaker page lists under one meeting's turns before "N more" (a Direct Line has a hundred)."""


def cited_links(figures: Iterable[Figure], meeting_href: str) -> Markup:
    """"<a href="…#p14">over US$43 billion</a> · <a …>28 joint programmes</a>": a link to the
    paragraph of each of `figures`, all said in the meeting whose page is `meeting_href`
    (relative to the page they go on), for a speaker page's list of their figures."""
    href_html = escape_html(meeting_href)
    saids_html = escape_each([said_as_shown(figure) for figure in figures])
    links = [f'<a href="{href_html}#p{figure.paragraph:d}">{said_html}</a>'
             for figure, said_html in zip(figures, saids_html)]
    # a no-break space before each dot: a line never starts with one
    shown, more = "&nbsp;· ".join(links[:CITED_SHOWN]), "&nbsp;· ".join(links[CITED_SHOWN:])
    if more:
        shown += (f' <details class="more-cited"><summary>and {len(links) - CITED_SHOWN} more</summary>'
                  f'{more}</details>')
    return Markup(shown)  # safe: our tags, escaped texts
