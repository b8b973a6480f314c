"""Speaker pages: the index of everyone who spoke, and one page (or a few) per person.

A person's page shows who they are (roles over time, bio), how much they
spoke (a chart of words per meeting, drawn at build time as plain SVG numbers
so it reads without JavaScript, with a table as its text alternative), the
figures they cited and the glossary terms they used most, and every turn,
grouped by meeting, linking to the exact paragraph. Long
histories continue on <slug>-p2.html, <slug>-p3.html …, about SPEAKER_PAGE_SIZE
turns a page, so no page grows with the archive; where a page ends is chosen
so that a turn added or removed shifts no later page (page_ranges).
"""
from __future__ import annotations

import datetime as dt
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from itertools import chain
from typing import NamedTuple

from . import urls
from .figure_rows import KIND_LABELS, cited_links
from .figures import FIGURE_KINDS
from .index import speaker_stats, turn_words
from .labels import CONNECTORS, normalise_spaces
from .lazy import UNMADE, LazyView, fingerprint, inputs_digest, made_and_kept
from .markdown import render_markdown
from .model import Archive, Meeting, Person, figures_by_meeting, hits_by_meeting
from .names import fold
from .once import KEEP_SUMS_ABOVE, per_item, sum_parts
from .recall import Recall
from .views import format_date, meeting_summary

SPEAKER_PAGE_SIZE = 100
"""Turns a speaker page lists, about: a history of up to this many is one page; a longer one
continues on -p2, -p3 …, each page from PAGE_LEAST to PAGE_MOST turns (the last may be shorter)."""
PAGE_LEAST, PAGE_MOST = 60, 160
PAGE_END_EVERY = 40
"""One turn in this many, picked by its meeting's slug and its number, may end a page."""
EXCERPT_CHARS = 200
CHART_WIDTH, CHART_HEIGHT, CHART_MARGIN = 640, 140, 28
CHART_MOST_BARS = 120
"""A speaker with more dated meetings has words_chart's bars by month or by year."""
FIGURES_SHOWN = 10
"""Figures a speaker's first page lists, newest first; the figures index has every one."""
TERMS_SHOWN = 10
"""Glossary terms a speaker's first page lists, most used first."""


# --- the index ---------------------------------------------------------------

def speaker_index_pages(archive: Archive):
    """speakers/index.html: everyone, A–Z and by words spoken; generic labels counted apart."""
    stats = speaker_stats(archive)
    rows = []
    for person in archive.people:
        entry = stats.get(person.key)
        if entry is None:
            continue
        rows.append({"name": person.name, "href": urls.speaker(person.slug), "slug": person.slug,
                     "meetings": len(entry.meetings), "turns": len(entry.turns), "words": entry.words,
                     "first": year_of(entry.meetings[0]), "last": year_of(entry.meetings[-1]),
                     "sort_name": person.sort_name or fold(person.name)})
    by_name = sorted(rows, key=lambda r: (r["sort_name"], r["slug"]))
    by_activity = sorted(rows, key=lambda r: (-r["words"], -r["turns"], r["sort_name"], r["slug"]))
    letters: dict[str, str] = {}
    for row in by_name:
        letter = initial_letter(row["sort_name"])
        if letter not in letters:
            letters[letter] = row["slug"]
            row["letter"] = letter
    yield urls.SPEAKERS, "speakers.html", {
        "title": "Speakers", "by_name": by_name, "by_activity": by_activity,
        "letters": [{"letter": k, "anchor": f"name-{v}"} for k, v in letters.items()],
        "generic": generic_labels(archive),
        "totals": {"people": len(rows), "turns": sum(r["turns"] for r in rows), "words": sum(r["words"] for r in rows)},
    }


def year_of(meeting: Meeting) -> str:
    return str(meeting.date.year) if meeting.date else ""


def initial_letter(sort_name: str) -> str:
    first = next((ch for ch in sort_name if ch.isalnum()), "#")
    return first.upper() if first.isalpha() else "#"


def generic_labels(archive: Archive) -> list[dict]:
    """Labels that name nobody (Question, Remark, …): shown as printed, counted, never linked."""
    counts: Counter = Counter()
    for meeting in archive.meetings:
        found = generic_labels_in(archive, meeting)
        if found:
            counts.update(found)
    return [{"label": label, "turns": n} for label, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]


@per_item
def generic_labels_in(meeting: Meeting) -> Counter:
    """Label → turns of one meeting's generic labels, remembered (a server's rebuild counts the edited meeting's)."""
    return Counter(normalise_spaces(turn.label.name) for turn in meeting.turns if turn.label.generic)


# --- one person ----------------------------------------------------------------

def speaker_pages(archive: Archive, recall: Recall | None = None):
    """speakers/<slug>.html (and -p2 … for long histories) for everyone who spoke.

    Views are made only when read (lazy.LazyView), by the worker rendering
    them; what a person's pages share is made once for all of them. A person's
    pages as listed are kept in a server's `recall` (people) for the next: its
    rebuild cuts and digests again only the pages of a person's history that an
    edit changed, where it cut their thousands of turns and digested their
    hundreds of pages anew (0.03 s of each rebuild at 5,000 meetings).
    """
    stats = speaker_stats(archive)
    entries = {e.slug: e for e in (archive.glossary.entries if archive.glossary else ())}
    sizes = (SPEAKER_PAGE_SIZE, PAGE_LEAST, PAGE_MOST, PAGE_END_EVERY)
    last = recall.people[1] if recall is not None and recall.people is not None and recall.people[0] == sizes else {}
    listed: dict[str, ListedPerson] = {}
    for person in archive.people:
        entry = stats.get(person.key)
        if entry is None:
            continue
        before = last.get(person.key)
        ranges = page_ranges(archive, entry, before)
        pages = pager(person, entry, ranges)
        said = partial(said_of, archive, person.key, entry.meetings, recall)
        said_in = partial(figures_said_in, archive, person.key)
        common = LazyView(speaker_common, archive, person, entry, said, entries, ranges, pages)
        made_from = person_digest(archive, person, entry) if archive.analysis_keys else None
        yield urls.speaker(person.slug, 1), "speaker.html", LazyView(
            speaker_view, common, person, entry, 1, said_in,
            inputs=partial(speaker_inputs, 1, made_from) if made_from else None,
            quick=speaker_inputs(1, made_from) if made_from else None)
        if len(pages) == 1 or not made_from:
            yield from ((urls.speaker(person.slug, number), "speaker.html",
                         LazyView(later_speaker_view, person, entry, number, pages, ranges, said_in))
                        for number in range(2, len(pages) + 1))
            continue
        quick = kept_page_keys(archive, person, entry, ranges, pages, before)
        listed[person.key] = ListedPerson(entry.turns, ranges, pages, quick, archive.analysis_keys,
                                          (person.name, person.slug))
        for number in range(2, len(pages) + 1):
            inputs = partial(later_inputs, archive, person, entry, number, pages, ranges)
            yield urls.speaker(person.slug, number), "speaker.html", LazyView(
                later_speaker_view, person, entry, number, pages, ranges, said_in, inputs=inputs,
                quick=quick[number - 2] if quick[number - 2] is not UNMADE else
                partial(made_and_kept, quick, number - 2, inputs_digest, inputs))
    if recall is not None:
        recall.people = (sizes, listed)


class ListedPerson(NamedTuple):
    """How speaker_pages listed a person of several pages, kept for the next listing."""

    turns: list
    """Their turns (entry.turns)…"""
    ranges: list[range]
    """…where each page of them began and ended…"""
    pages: list[dict]
    """…each page's number, address and years (pager)…"""
    quick: list
    """…each later page's quick key, once made (UNMADE until then)…"""
    keys: dict[str, str]
    """…the archive's analysis keys…"""
    named: tuple[str, str]
    """…and the person's name and slug."""


def kept_page_keys(archive: Archive, person: Person, entry, ranges: list[range], pages: list[dict],
                   before: ListedPerson | None) -> list:
    """Each later page's quick key as the last listing made it (`before`) where it holds, UNMADE
    where it is to be made: where the page has the same number, place and turns (the same
    objects) as then, none of a meeting analysed anew, for a person of the same name."""
    if before is None or before.named != (person.name, person.slug):
        return [UNMADE] * (len(ranges) - 1)
    head, tail = same_ends(entry.turns, before.turns)
    shift, turns, keys = len(entry.turns) - len(before.turns), entry.turns, archive.analysis_keys
    # meetings analysed anew whose turns are the same objects: none, as a rule (their turns are made anew)
    anew = {m.slug for m in entry.meetings if keys.get(m.slug) != before.keys.get(m.slug)}
    anew.difference_update(m.slug for m, _ in turns[head:len(turns) - tail])
    quick = []
    for index in range(1, len(ranges)):
        key = before.quick[index - 1] if index < len(before.ranges) else UNMADE
        shown, then = ranges[index], before.ranges[index] if index < len(before.ranges) else None
        same_turns = then is not None and (shown == then and shown.stop <= head or (
            shown.start >= len(turns) - tail and shown.start - shift == then.start and len(shown) == len(then)))
        if (key is UNMADE or not same_turns or place_of(pages, index + 1) != place_of(before.pages, index + 1)
                or anew and not anew.isdisjoint(m.slug for m, _ in turns[shown.start:shown.stop])):
            key = UNMADE
        quick.append(key)
    return quick


def same_ends(turns: list, before: list) -> tuple[int, int]:
    """How many turns at the start of `turns`, and how many at its end, are those `before` has
    there (the same objects): a server's rebuild keeps the (meeting, turn) pairs of every
    meeting it did not parse again (index.speaker_stats)."""
    common = min(len(turns), len(before))
    head = 0
    while head < common and turns[head] is before[head]:
        head += 1
    tail = 0
    while tail < common - head and turns[-1 - tail] is before[-1 - tail]:
        tail += 1
    return head, tail


def speaker_inputs(number: int, made_from: str) -> tuple:
    """All a person's first page is made from (made_from: person_digest)."""
    return number, made_from


def later_inputs(archive: Archive, person: Person, entry, number: int, pages: list[dict],
                 ranges: list[range]) -> tuple:
    """All a later page is made from: the person's name, where it is (its years and its
    neighbours: the list of every page is on the first), and its own turns as the analysis keys
    of their meetings name them. An edit elsewhere in the person's history, or a meeting
    added after it, leaves it as it was: a person with thousands of meetings has hundreds of pages."""
    return (number, person.name, person.slug, place_of(pages, number),
            [(meeting.slug, archive.analysis_keys[meeting.slug], turn.number)
             for meeting, turn in turns_on(entry, ranges, number)])


def place_of(pages: list[dict], number: int) -> tuple[str, str, str]:
    """(page `number`'s years, the page before's address, the page after's; "" when none)."""
    return (pages[number - 1]["span"], pages[number - 2]["href"] if number > 1 else "",
            pages[number]["href"] if number < len(pages) else "")


def person_digest(archive: Archive, person: Person, entry) -> str | None:
    """One digest of a person (names, roles, bio) and of the analysis key of every meeting they
    spoke in, which covers each meeting's text, title, date and who speaks each turn, so their
    turns, words, figures and terms. With the page number it is all their page is made from.
    Made once for all of a person's pages: one with thousands of meetings has hundreds of
    pages, and thousands of roles to compare."""
    keys = [(m.slug, archive.analysis_keys[m.slug]) for m in entry.meetings]
    return fingerprint((person_fingerprint(archive, person), keys))


@per_item
def person_fingerprint(person: Person) -> str | None:
    """fingerprint(person), remembered: a server's rebuild that resolved no speaker again keeps
    the same Person objects, and one person may have thousands of roles."""
    return fingerprint(person)


class SaidBy(NamedTuple):
    """What one person said that the archive indexes."""

    total: int
    """How many figures they said."""
    kinds: Counter
    """Figure kind → how many of their figures are of it."""
    newest: list
    """Their last FIGURES_SHOWN figures (figures.Figure), in archive order."""
    terms: Counter
    """Glossary entry slug → occurrences in their turns."""


def said_of(archive: Archive, key: str, meetings: list[Meeting], recall: Recall | None = None) -> SaidBy:
    """What one person said, summed from each of their meetings' share (`meetings`, in archive
    order): asked only by the process that renders their first page, with no pass over half
    a million figures or over everyone's. A server's rebuild counts again only the shares of
    the meetings analysed anew (the sums kept in its `recall`, kinds_said and terms_said: a
    server's rebuild counted all of them for each person who speaks in the edited meeting,
    0.04 s for one who speaks in 4,745 of 5,000, with the example glossary)."""
    grouped = figures_by_meeting(archive)  # None for figures not listed meeting by meeting (a hand-made archive)
    shares = [archive.figures] if grouped is None else [grouped.get(m.slug, ()) for m in meetings]
    stamps = archive.analysis_keys if grouped is not None else {}
    kinds = sum_parts(recall.kinds_said if recall is not None else None, key,
                      [(m.slug, stamps.get(m.slug), share) for m, share in zip(meetings, shares)],
                      lambda share: kinds_by_speaker(archive, share).get(key, ()))
    newest: list = []
    for share in reversed(shares):
        mine = figures_by_speaker(archive, share).get(key, [])
        newest[:0] = mine[max(0, len(mine) - (FIGURES_SHOWN - len(newest))):]
        if len(newest) >= FIGURES_SHOWN:
            break
    return SaidBy(sum(kinds.values()), kinds, newest, terms_said_by(archive, key, meetings, recall))


def terms_said_by(archive: Archive, key: str, meetings: list[Meeting], recall: Recall | None = None) -> Counter:
    """Glossary entry slug → occurrences in one person's turns of `meetings`, summed from each
    meeting's count by turn: no pass over every hit of the archive (180,000 at 5,000 meetings
    with the example glossary)."""
    hits, speaker_of, stamps = hits_by_meeting(archive), archive.speaker_of, archive.analysis_keys

    def said_in(meeting: Meeting) -> tuple[str, ...]:
        slug = meeting.slug
        return tuple(chain.from_iterable(terms for turn, terms in terms_by_turn(archive, hits.get(slug, ())).items()
                                         if speaker_of.get((slug, turn)) == key))

    return sum_parts(recall.terms_said if recall is not None else None, key,
                     [(m.slug, stamps.get(m.slug), m) for m in meetings], said_in)


@per_item
def terms_by_turn(hits: tuple) -> dict[int | None, list[str]]:
    """Turn number (None outside turns) → the glossary entry slug of each of one meeting's hits in it."""
    by: dict[int | None, list[str]] = defaultdict(list)
    for hit in hits:
        by[hit.turn].append(hit.term)
    return by


@per_item
def figures_by_speaker(said: tuple) -> dict[str, list]:
    """Figures (one meeting's, as a rule) by who says them, named speakers only, in the order said."""
    by: dict[str, list] = defaultdict(list)
    for figure in said:
        if figure.speaker:
            by[figure.speaker].append(figure)
    return by


def count_said_ahead(archive: Archive, recall: Recall) -> None:
    """Each meeting's kinds_by_speaker, and the sums said_of keeps (in a server's `recall`) of
    each person who speaks in more than KEEP_SUMS_ABOVE meetings, made ahead (by a server as
    it starts): else the first edit's speaker pages count them for every meeting of their
    speakers (0.1 s for one who speaks in 4,745 of 5,000 meetings), and the edits after it
    only for the edited one."""
    for said in (figures_by_meeting(archive) or {}).values():
        kinds_by_speaker(archive, said)
    for key, entry in speaker_stats(archive).items():
        if len(entry.meetings) > KEEP_SUMS_ABOVE:
            said_of(archive, key, entry.meetings, recall)


@per_item
def kinds_by_speaker(said: tuple) -> dict[str, Counter]:
    """How many of one meeting's figures each named speaker says, by kind."""
    by: dict[str, Counter] = defaultdict(Counter)
    for figure in said:
        if figure.speaker:
            by[figure.speaker][figure.kind] += 1
    return by


def cited_view(said: SaidBy, meetings: dict[str, Meeting]) -> dict:
    """How many figures a person cited, by kind, and the newest of them."""
    return {
        "total": said.total,
        "kinds": [{"label": KIND_LABELS[k], "count": said.kinds[k]} for k in FIGURE_KINDS if said.kinds[k]],
        "newest": [{"said": f.said, "value": f.bounds[0], "high": f.bounds[1],
                    "href": urls.paragraph(f.meeting, f.paragraph), "meeting": meeting_link(meetings[f.meeting])}
                   for f in reversed(said.newest)],
    }


def used_terms_view(terms: Counter, entries: dict) -> list[dict]:
    """The glossary terms a person used most, with how often."""
    ranked = sorted(terms.items(), key=lambda item: (-item[1], entries[item[0]].term.casefold(), item[0]))
    return [{"term": entries[slug].term, "href": urls.term(slug), "count": count}
            for slug, count in ranked[:TERMS_SHOWN]]


def speaker_common(archive: Archive, person: Person, entry, said_of: Callable[[], SaidBy],
                   entries: dict, ranges: list[range], pages: list[dict]) -> dict:
    """What every page of one person shows: who they are, their roles, their totals, the pager
    (`pages`, of their turns cut at `ranges`), and what they said that the figures index and
    the glossary list (said_of)."""
    said = said_of()
    by_slug = {m.slug: m for m in entry.meetings}
    return {
        "cited": cited_view(said, by_slug),
        "used_terms": used_terms_view(said.terms, entries),
        "figures_index": urls.FIGURES,
        "title": person.name,
        "person": {"name": person.name, "slug": person.slug, "forms": list(person.forms),
                   "aliases": list(person.aliases), "link": person.link,
                   "bio": render_markdown(person.bio, urls.speaker(person.slug)) if person.bio else ""},
        "roles": role_history(person, by_slug),
        "spans": [{"role": s.role, "from": format_date(s.start) if s.start else "",
                   "to": format_date(s.end) if s.end else "",
                   "meetings": MeetingLinks([m for m in entry.meetings if s.covers(m.date)])}
                  for s in person.spans],
        "stats": {"meetings": len(entry.meetings), "turns": len(entry.turns), "words": entry.words,
                  "first": meeting_summary(entry.meetings[0]), "last": meeting_summary(entry.meetings[-1])},
        "pages": pages,
        "ranges": ranges,
    }


def page_ranges(archive: Archive, entry, before: ListedPerson | None = None) -> list[range]:
    """Where each page of a person's turns (entry.turns) begins and ends.

    Not every SPEAKER_PAGE_SIZE turns: a turn added to one meeting would then shift
    every later page by one, and a server rebuilt hundreds of pages of a person who
    speaks in thousands of meetings. A page ends after a turn that page_ends picks, once
    it holds PAGE_LEAST turns, or at PAGE_MOST; a turn added or removed moves at most the
    ends of its own page and the next, and the pages after them are as they were (unless,
    rarely, it splits a page in two or joins two: the later pages are then numbered anew).

    Given how the last listing cut them (`before`), only the pages from the first turn not
    as then (the same object) are cut again, until a page starts where one started then.
    """
    turns = entry.turns
    if len(turns) <= SPEAKER_PAGE_SIZE:
        return [range(len(turns))]
    ranges: list[range] = []
    start, last, tail, shift, starts = 0, len(turns) - 1, len(turns), 0, {}
    if before is not None:
        head, tail = same_ends(turns, before.turns)
        if head == len(turns) == len(before.turns):
            return before.ranges
        # below `sure`, each turn ends a page or not as it did then: the same turn, as far from either end
        sure = min(head, len(turns) - PAGE_LEAST, len(before.turns) - PAGE_LEAST)
        for shown in before.ranges:
            if shown.stop > sure:
                break
            ranges.append(shown)
            start = shown.stop
        shift = len(turns) - len(before.turns)
        starts = {shown.start + shift: place for place, shown in enumerate(before.ranges) if place}
    for index in range(start, len(turns)):
        held = index + 1 - start
        if index < last and (held >= PAGE_MOST or (held >= PAGE_LEAST and last - index >= PAGE_LEAST
                                                   and turns[index][1].number in page_ends(archive, turns[index][0]))):
            ranges.append(range(start, index + 1))
            start = index + 1
            if start >= len(turns) - tail and start in starts:  # from here on, the turns and pages of then
                return ranges + [range(shown.start + shift, shown.stop + shift) for shown in before.ranges[starts[start]:]]
    ranges.append(range(start, len(turns)))
    return ranges


@per_item
def page_ends(meeting: Meeting) -> frozenset[int]:
    """Numbers of the meeting's turns that may end a speaker page: one in PAGE_END_EVERY, picked
    by a digest of the meeting's slug and the number, so the same turns in any build."""
    return frozenset(turn.number for turn in meeting.turns
                     if zlib.crc32(f"{meeting.slug}#{turn.number}".encode()) % PAGE_END_EVERY == 0)


def turns_on(entry, ranges: list[range], number: int) -> list:
    """The (meeting, turn) pairs page `number` lists."""
    shown = ranges[number - 1]
    return entry.turns[shown.start:shown.stop]


def pager(person: Person, entry, ranges: list[range]) -> list[dict]:
    """Each page of a person's turns: its number, address and years."""
    return [{"number": n + 1, "href": urls.speaker(person.slug, n + 1),
             "span": date_span(entry.turns[shown.start][0], entry.turns[shown.stop - 1][0])}
            for n, shown in enumerate(ranges)]


def page_of_turns(person: Person, entry, number: int, pages: list[dict], ranges: list[range],
                  said_in: Callable[[str], list] | None = None) -> dict:
    """What every page shows of a person's turns: page `number`'s, and the way to the pages
    before and after it; the first page lists every page, by the years it covers."""
    span, previous, following = place_of(pages, number)
    return {
        "pages": pages if number == 1 else [],
        "page_number": number,
        "span": span,
        "groups": turn_groups(turns_on(entry, ranges, number), entry.words_by_meeting, said_in),
        "previous_page": previous,
        "next_page": following,
    }


def speaker_view(common: LazyView, person: Person, entry, number: int,
                 said_in: Callable[[str], list] | None = None) -> dict:
    """A person's first page: who they are, their totals, roles, chart, and their first turns."""
    return {**common, **page_of_turns(person, entry, number, common["pages"], common["ranges"], said_in),
            "chart": words_chart(entry.meetings, entry.words_by_meeting, person.name)}


def later_speaker_view(person: Person, entry, number: int, pages: list[dict], ranges: list[range],
                       said_in: Callable[[str], list] | None = None) -> dict:
    """A later page: only more turns. The totals, which change with any of the person's
    meetings, are on the first page, which it links to."""
    return {"title": f"{person.name} (page {number})", "person": {"name": person.name, "slug": person.slug},
            "first_page": pages[0]["href"], **page_of_turns(person, entry, number, pages, ranges, said_in)}


class MeetingLinks(Sequence):
    """meeting_link of each meeting, made when read: a role held in thousands of meetings
    shows two of their links (speaker.html's used_in), and a page's view made them all."""

    def __init__(self, meetings: list[Meeting]) -> None:
        self.meetings = meetings

    def __len__(self) -> int:
        return len(self.meetings)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [meeting_link(m) for m in self.meetings[index]]
        return meeting_link(self.meetings[index])


def meeting_link(meeting: Meeting) -> dict:
    return {"href": urls.meeting(meeting.slug), "title": meeting.title, "date": format_date(meeting.date),
            "iso_date": meeting.date.isoformat() if meeting.date else ""}


def date_span(first: Meeting, last: Meeting) -> str:
    """ "2010–2013", or one year, for a pager entry."""
    a, b = year_of(first), year_of(last)
    return a if a == b else f"{a}–{b}".strip("–")


@lru_cache(maxsize=4096)
def role_key(role: str) -> frozenset[str]:
    """A role's words without order or connectors: "Energy Minister" = "Minister of Energy"."""
    return frozenset(w for w in re.findall(r"[\w’'-]+", fold(role)) if w not in CONNECTORS)


def role_history(person: Person, meetings: dict[str, Meeting]) -> list[dict]:
    """Each role as printed in labels, oldest first, with the meetings it was used in.

    Wordings of one role ("Minister of Energy", "Energy Minister") are one
    entry under the most used wording; the others are listed with it.
    """
    groups: dict[frozenset, list] = defaultdict(list)
    for use in person.roles:
        groups[role_key(use.role)].append(use)
    history = []
    for uses in groups.values():
        wordings = Counter(normalise_spaces(u.role) for u in uses)
        shown = max(wordings, key=lambda w: (wordings[w], w[:1].isupper() and not w.isupper(), w))
        used_in = [meetings[u.meeting] for u in uses if u.meeting in meetings]
        history.append({"role": shown, "variants": sorted(w for w in wordings if w != shown),
                        "meetings": MeetingLinks(used_in),
                        "span": date_span(used_in[0], used_in[-1]) if used_in else ""})
    return sorted(history, key=lambda h: (h["meetings"][0]["iso_date"] if h["meetings"] else "", h["role"]))


def excerpt(texts, limit: int = EXCERPT_CHARS) -> str:
    """The opening words of a turn: paragraphs joined until there is enough to recognise it
    ("Mr President," alone says little)."""
    text = ""
    for part in texts:
        text = f"{text} {normalise_spaces(part)}".strip()
        if len(text) >= limit // 2:
            break
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def turn_groups(chunk, words_by_meeting: dict[str, int],
                said_in: Callable[[str], list] | None = None) -> list[dict]:
    """Turns of one page, grouped by meeting, each linking to its first paragraph; with each
    meeting, the figures said in its turns here (`said_in`: meeting slug → the person's figures
    in it, figures_said_in), so that a person's pages list every figure they cited."""
    groups: list[dict] = []
    paragraphs: list[set[int]] = []  # of each group's turns
    for meeting, turn in chunk:
        if not groups or groups[-1]["slug"] != meeting.slug:
            groups.append({"slug": meeting.slug, "meeting": meeting_summary(meeting), "turns": [],
                           "words": words_by_meeting.get(meeting.slug, 0), "figures": ""})
            paragraphs.append(set())
        paragraphs[-1].update(p.number for p in turn.paragraphs)
        speech = [p for p in turn.paragraphs if p.kind == "speech"]
        first = speech[0] if speech else (turn.paragraphs[0] if turn.paragraphs else None)
        groups[-1]["turns"].append({
            "href": urls.paragraph(meeting.slug, first.number) if first else urls.turn(meeting.slug, turn.number),
            "paragraph": first.number if first else 0,
            "excerpt": excerpt(p.text for p in (speech or turn.paragraphs)),
            "words": turn_words(turn),
        })
    for group, held in zip(groups, paragraphs) if said_in else ():
        group["figures"] = cited_here(said_in(group["slug"]), group["slug"], held)
    return groups


def cited_here(figures: list, slug: str, paragraphs: set[int]):
    """The links (figure_rows.cited_links) to those of `figures` said in `paragraphs` of meeting `slug`."""
    here = [figure for figure in figures if figure.paragraph in paragraphs]
    return cited_links(here, urls.link(urls.meeting(slug), urls.SPEAKERS)) if here else ""


def figures_said_in(archive: Archive, key: str, slug: str) -> list:
    """The figures person `key` said in meeting `slug`, in the order said."""
    grouped = figures_by_meeting(archive)  # None for figures not listed meeting by meeting (a hand-made archive)
    share = archive.figures if grouped is None else grouped.get(slug, ())
    return [figure for figure in figures_by_speaker(archive, share).get(key, ()) if figure.meeting == slug]


def words_chart(meetings: list[Meeting], words: dict[str, int], name: str) -> dict:
    """Bars of words spoken per meeting, placed by date; numbers only, drawn by the template.

    Undated meetings (or an archive with a single date) are spaced evenly instead. More
    than CHART_MOST_BARS dated meetings are summed by month, or by year when they span
    more months than that (`per`): thousands of bars a pixel wide show nothing a reader
    can see, and made a speaker's first page 1.5 MB, remade whenever they spoke anywhere.
    """
    plot_w, plot_h = CHART_WIDTH - 2 * CHART_MARGIN, CHART_HEIGHT - 2 * CHART_MARGIN
    dated = [m.date.toordinal() for m in meetings if m.date]
    by_date = len(dated) == len(meetings) and len(set(dated)) > 1
    per = chart_period(meetings) if by_date and len(meetings) > CHART_MOST_BARS else ""
    if per:
        spans = period_spans(meetings, words, per)
        low, high = spans[0][0], spans[-1][1]
    else:
        low, high = (min(dated), max(dated)) if by_date else (0, max(len(meetings) - 1, 1))
        spans = [(position, position, meeting, words[meeting.slug])
                 for index, meeting in enumerate(meetings)
                 for position in (meeting.date.toordinal() if by_date else index,)]
    most = max((said for *_, said in spans), default=0) or 1
    scale = plot_w / ((high - low) or 1)
    bar_w = max(2.0, min(14.0, plot_w / max(len(spans), 1) * 0.7))
    bars, rows = [], []
    for start, end, what, said in spans:
        height = max(1.0, said / most * plot_h)
        if per:
            left, width = CHART_MARGIN + (start - low) * scale, max(1.0, (end - start) * scale - 1)
            label = f"{what[0]}: {what[1]:,} meeting{'s' if what[1] != 1 else ''}, {said:,} words"
            rows.append({"period": what[0], "meetings": what[1], "words": said})
        else:
            width = bar_w
            left = CHART_MARGIN + (start - low) * scale - bar_w / 2
            label = f"{format_date(what.date)}: {said:,} words"
            rows.append({**meeting_link(what), "words": said})
        bars.append({"x": left, "y": round(CHART_MARGIN + plot_h - height, 1),
                     "width": round(width, 1), "height": round(height, 1), "label": label})
    if not per:
        apart(bars, CHART_MARGIN, CHART_WIDTH - CHART_MARGIN)
    for bar in bars:
        bar["x"] = round(float(bar["x"]), 1)
    busiest = max(meetings, key=lambda m: (words[m.slug], m.slug))
    ticks = year_ticks(meetings, low, high, plot_w) if by_date else []
    summary = (f"Words {name} spoke in each of {len(meetings):,} meeting{'s' if len(meetings) != 1 else ''}"
               f"{', ' + date_span(meetings[0], meetings[-1]) if meetings[0].date else ''}"
               f"{', summed by ' + per if per else ''}; "
               f"most in {busiest.title} ({format_date(busiest.date)}), {words[busiest.slug]:,} words.")
    return {"width": CHART_WIDTH, "height": CHART_HEIGHT, "bars": bars, "ticks": ticks, "summary": summary,
            "baseline": CHART_MARGIN + plot_h, "left": CHART_MARGIN, "right": CHART_WIDTH - CHART_MARGIN,
            "top": CHART_MARGIN, "most": f"{most:,}", "rows": rows, "per": per}


BAR_GAP = 1.0
"""Chart units kept between two bars that apartness moved."""


def apart(bars: list[dict], left: float, right: float) -> None:
    """Bars (in date order) moved just enough that none covers another: meetings a few days
    apart stood at nearly the same place, and the later bar hid the earlier (4 and 7 June 2018
    on Putin's page). Bars that would meet stand side by side, centred where their dates are
    on average; then each is kept right of the one before and within the chart. The table
    under the chart gives every date."""
    runs: list[list[dict]] = []
    centres = {id(bar): bar["x"] + bar["width"] / 2 for bar in bars}
    for bar in bars:
        runs.append([bar])
        lay_out(runs[-1], centres)
        while len(runs) > 1 and runs[-1][0]["x"] < runs[-2][-1]["x"] + runs[-2][-1]["width"] + BAR_GAP:
            joined = runs.pop()
            runs[-1] += joined
            lay_out(runs[-1], centres)
    if bars:
        bars[0]["x"] = max(bars[0]["x"], left)
    for before, bar in zip(bars, bars[1:]):
        bar["x"] = max(bar["x"], before["x"] + before["width"] + BAR_GAP)
    limit = right
    for bar in reversed(bars):
        bar["x"] = max(left, min(bar["x"], limit - bar["width"]))
        limit = bar["x"] - BAR_GAP


def lay_out(run: list[dict], centres: dict[int, float]) -> None:
    """A run of bars side by side, centred on the mean of their own centres."""
    width = sum(bar["width"] for bar in run) + BAR_GAP * (len(run) - 1)
    x = sum(centres[id(bar)] for bar in run) / len(run) - width / 2
    for bar in run:
        bar["x"] = x
        x += bar["width"] + BAR_GAP


def chart_period(meetings: list[Meeting]) -> str:
    """"month", or "year" when the dated meetings span more than CHART_MOST_BARS months."""
    first, last = meetings[0].date, meetings[-1].date
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    return "month" if months <= CHART_MOST_BARS else "year"


def period_spans(meetings: list[Meeting], words: dict[str, int], per: str) -> list[tuple]:
    """(first day's ordinal, next period's first day's ordinal, (label, meetings), words) of
    each month or year with a meeting (`meetings` are in date order)."""
    totals: dict[dt.date, list[int]] = {}
    for meeting in meetings:
        start = meeting.date.replace(month=1, day=1) if per == "year" else meeting.date.replace(day=1)
        total = totals.setdefault(start, [0, 0])
        total[0] += 1
        total[1] += words[meeting.slug]
    spans = []
    for start, (count, said) in totals.items():
        end = (dt.date(start.year + 1, 1, 1) if per == "year" or start.month == 12
               else dt.date(start.year, start.month + 1, 1))
        label = str(start.year) if per == "year" else f"{start:%B %Y}"  # as format_date names months
        spans.append((start.toordinal(), end.toordinal(), (label, count), said))
    return spans


def year_ticks(meetings: list[Meeting], low: int, high: int, plot_w: float) -> list[dict]:
    """A tick at each new year, thinned so labels never overlap."""
    first, last = meetings[0].date.year, meetings[-1].date.year
    step = max(1, -(-(last - first + 1) // 10))
    ticks = []
    for year in range(first + 1, last + 1, step):
        ordinal = dt.date(year, 1, 1).toordinal()
        ticks.append({"x": round(CHART_MARGIN + (ordinal - low) / ((high - low) or 1) * plot_w, 1), "label": str(year)})
    return ticks
