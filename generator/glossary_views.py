"""Glossary, term and topic pages: views made from the glossary and its occurrences.

Definitions are Markdown from the content folder, so they are rendered by
markdown-it-py with raw HTML off, images off (nothing may load from the
network) and only http(s), mailto and relative links; that renderer's
output is the only HTML these views hand to templates as Markup.
"""
from __future__ import annotations

import re
import zlib
from bisect import bisect_left, insort
from collections import defaultdict
from functools import lru_cache, partial
from operator import attrgetter, itemgetter
from typing import NamedTuple

from markupsafe import Markup

from . import urls
from .glossary import ArchiveTopic, archive_topics, term_counts, term_stats, topic_of
from .glossary_file import GlossaryEntry, name_key
from .labels import normalise_spaces
from .lazy import UNMADE, LazyView, fingerprint, made_and_kept
from .markdown import render_markdown
from .model import Archive, Meeting, hits_by_meeting, meetings_by_slug
from .once import per_archive, per_item
from .paging import cut_by_content
from .recall import Recall, recall_or_new
from .views import as_named, format_date, meeting_summary, people_named, summary_digest

TERM_PAGE_SIZE = 50
"""Occurrences listed on one term page, about (paged); more continue on <slug>-p2.html, -p3 …"""
TOPIC_PAGE_SIZE = 200
"""Meetings listed on one topic page, about (topic_chunks); older ones continue on <slug>-p1.html (the oldest) …"""
CONTEXT_LIMIT = 320
"""Characters of the sentence shown around an occurrence."""
def term_page(slug: str, number: int = 1) -> str:
    """glossary/<slug>.html, then <slug>-p2.html … for long occurrence lists."""
    return urls.term(slug if number == 1 else f"{slug}-p{number}")


def entry_view(entry: GlossaryEntry, stats, names: dict, topics: dict) -> dict:
    """What every glossary listing shows of one term. Its definition's links are read as written
    on the term's page, and work on every page that shows it: all are in glossary/."""
    topic = topics[name_key(entry.topic)]
    found = stats[entry.slug]
    return {
        "term": entry.term,
        "slug": entry.slug,
        "href": urls.term(entry.slug),
        "abbreviations": list(entry.abbreviations),
        "aliases": [a for a in entry.aliases if a not in entry.abbreviations],
        "topic": {"name": topic.name, "href": urls.topic(topic.slug)},
        "short": entry.short,
        "definition": render_markdown(entry.definition, urls.GLOSSARY, urls.term(entry.slug)),
        "see_also": [{"term": names[slug], "href": urls.term(slug)} for slug in entry.see_also],
        "count": found.occurrences,
        "meetings": found.meetings,
    }


@per_archive
def shared_views(archive: Archive, recall: Recall | None = None) -> tuple[list[ArchiveTopic], dict[str, dict]]:
    """The archive's topics and a view of every entry, keyed by slug. `recall`: a server's."""
    topics = archive_topics(archive)
    by_key = topic_of(topics)
    stats = term_stats(archive, recall.term_sums if recall is not None else None)
    entries = archive.glossary.entries if archive.glossary else ()
    names = {e.slug: e.term for e in entries}
    return list(topics), {e.slug: entry_view(e, stats, names, by_key) for e in entries}


def initial(term: str) -> str:
    letter = normalise_spaces(term)[:1].upper()
    return letter if letter.isalpha() else "#"


def glossary_pages(archive: Archive, recall: Recall | None = None):
    """glossary/index.html: every term by its initial, and the topics. `recall`: a server's."""
    topics, views = shared_views(archive, recall)
    ordered = sorted(views.values(), key=lambda v: (v["term"].casefold(), v["slug"]))
    letters: dict[str, list[dict]] = defaultdict(list)
    for view in ordered:
        letters[initial(view["term"])].append(view)
    groups = [{"name": t.name, "slug": t.slug, "href": urls.topic(t.slug),
               "terms": [views[e.slug] for e in t.terms]}
              for t in topics if t.terms]
    yield urls.GLOSSARY, "glossary.html", {
        "title": "Glossary",
        "topics": groups,
        "letters": [{"letter": k, "id": "letter-" + (k.lower() if k != "#" else "other"), "terms": v}
                    for k, v in sorted(letters.items(), key=lambda kv: (kv[0] == "#", kv[0]))],
        "count": len(ordered),
    }


def sentence_around(text: str, start: int, end: int) -> tuple[str, str, str]:
    """(before, said, after): the sentence holding text[start:end], cut to CONTEXT_LIMIT."""
    breaks = [m.end() for m in re.finditer(r"[.!?…][”\"’)]?\s+", text)]
    begin = max((b for b in breaks if b <= start), default=0)
    finish = min((b for b in breaks if b >= end), default=len(text))
    before, said, after = text[begin:start], text[start:end], text[end:finish].rstrip()
    room = max(CONTEXT_LIMIT - len(said), 40) // 2
    if len(before) > room:
        before = "… " + before[-room:].split(" ", 1)[-1]
    if len(after) > room:
        after = after[:room].rsplit(" ", 1)[0] + " …"
    return one_line(before).lstrip(), one_line(said), one_line(after).rstrip()


def one_line(text: str) -> str:
    """Runs of space (NBSPs included) as one space, keeping a space at either end."""
    return re.sub(r"\s+", " ", text)


def speaker_of_turn(archive: Archive, meeting: Meeting, turn: int, people: dict, labels: dict) -> dict:
    if not turn:
        return {"name": "", "href": ""}
    person = people.get(archive.speaker_of.get((meeting.slug, turn)))
    if person is not None:
        return {"name": person.name, "href": urls.speaker(person.slug)}
    return {"name": normalise_spaces(labels.get((meeting.slug, turn), "")), "href": ""}


def occurrence_rows(archive: Archive, hits) -> list[dict]:
    """Each of `hits` (one term's) in context: speaker, meeting, date, sentence, paragraph link."""
    meetings = meetings_by_slug(archive)
    people = {p.key: p for p in archive.people}
    holding = [meetings[slug] for slug in dict.fromkeys(hit.meeting for hit in hits)]
    labels = {(m.slug, t.number): t.label.name for m in holding for t in m.turns}
    texts = {(m.slug, p.number): p.text for m in holding for p in m.paragraphs}
    rows = []
    for hit in hits:
        meeting = meetings[hit.meeting]
        before, said, after = sentence_around(texts[(hit.meeting, hit.paragraph)], hit.start, hit.end)
        rows.append({
            "speaker": speaker_of_turn(archive, meeting, hit.turn, people, labels),
            "meeting": {"title": meeting.title, "href": urls.meeting(meeting.slug)},
            "date": format_date(meeting.date),
            "iso_date": meeting.date.isoformat() if meeting.date else "",
            "before": before, "said": said, "after": after,
            "href": urls.paragraph(meeting.slug, hit.paragraph),
            "paragraph": hit.paragraph,
        })
    return rows


@per_archive
def hits_by_term(archive: Archive, recall: Recall | None = None) -> dict[str, list[tuple]]:
    """Entry slug → its occurrences (glossary.TermHit) meeting by meeting, in document order:
    each meeting's as one tuple, made once for the meeting (hits_by_term_in). Mended from the
    last call's (`recall.hits_by_term`) where few meetings' hits are not the same objects (a
    server's rebuild): only the terms they say, now or then, are listed again."""
    recall = recall_or_new(recall)
    hits = hits_by_meeting(archive)
    order = {slug: place for place, slug in enumerate(hits)}
    last_hits, last, last_order = recall.hits_by_term
    changed = [slug for slug, said in hits.items() if last_hits.get(slug) is not said]
    changed += last_hits.keys() - hits.keys()  # meetings gone, or with no hits now
    if last_hits and len(changed) <= MEND_AT_MOST:
        found = mended_by_term(archive, (hits, order), (last_hits, last, last_order), changed)
    else:
        found = defaultdict(list)
        for said in hits.values():
            for term, runs in hits_by_term_in(archive, said).items():
                found[term].append(runs)
    recall.hits_by_term = (hits, found, order)
    return found


MEND_AT_MOST = 50
"""hits_by_term lists every term again when more meetings than this changed."""


def mended_by_term(archive: Archive, now: tuple[dict, dict], then: tuple[dict, dict, dict], changed: list[str]) -> dict:
    """hits_by_term of `now` (hits by meeting, each meeting's place) from the last call's (`then`:
    hits by meeting, hits_by_term, places): each term said in a meeting of `changed` (now or
    then) without that meeting's occurrences, and with its new ones in their place (found by
    bisection: a term may be said in thousands of meetings); every other term's list as it was
    (the same object)."""
    (hits, order), (last_hits, last, last_order) = now, then
    terms: set[str] = set()
    for slug in changed:
        terms.update(hits_by_term_in(archive, hits.get(slug, ())), hits_by_term_in(archive, last_hits.get(slug, ())))
    found = defaultdict(list, last)
    for term in terms:
        runs = list(last.get(term, ()))
        for slug in changed:
            if term in hits_by_term_in(archive, last_hits.get(slug, ())):
                del runs[bisect_left(runs, last_order[slug], key=lambda run: last_order[run[0].meeting])]
        for slug in changed:
            if term in (said := hits_by_term_in(archive, hits.get(slug, ()))):
                insort(runs, said[term], key=lambda run: order[run[0].meeting])
        if runs:
            found[term] = runs
        else:
            found.pop(term, None)
    return found


@per_item
def hits_by_term_in(hits: tuple) -> dict[str, tuple]:
    """Entry slug → its occurrences among one meeting's hits, in order; remembered, so that a
    server's rebuild sorts the edited meeting's only."""
    found: dict[str, list] = defaultdict(list)
    for hit in hits:
        found[hit.term].append(hit)
    return {term: tuple(said) for term, said in found.items()}


def paged(runs: list[tuple], size: int) -> list[list[tuple]]:
    """Occurrences given meeting by meeting (`runs`, tuples), about `size` to a page: each page a
    list of pieces of the runs (a run that fits whole is its own piece); one empty page for none.

    A page ends after an occurrence picked by a digest of its meeting's slug and its place in
    the paragraph, once it holds three fifths of `size` (and as many are left), or at eight
    fifths: not every `size` occurrences, which made a
    mention added to an older meeting move every later page of the term (a term said 50,000
    times has 1,000 pages), and a meeting added after them leaves them as they were.
    """
    least, most, every = max(1, size * 3 // 5), max(1, size * 8 // 5), max(1, size * 2 // 5)
    left = sum(map(len, runs))
    pages: list[list[tuple]] = []
    page: list[tuple] = []
    held = 0
    for run in runs:
        count = len(run)
        if held + count < least:  # no page can end in it: most runs, taken whole at once
            page.append(run)
            held += count
            left -= count
            continue
        start, base = 0, _slug_digest(run[0].meeting)
        while start < count:
            end = start + max(0, least - held - 1)  # no page ends before it holds `least`
            while end < count:
                taken = end - start + 1
                if left - taken and (held + taken >= most or left - taken >= least
                                     and (base + run[end].paragraph * 7919 + run[end].start * 104729) % every == 0):
                    break
                end += 1
            if end >= count:  # the rest of the run stays on this page
                page.append(run[start:] if start else run)
                held += count - start
                left -= count - start
                break
            page.append(run[start:end + 1])
            pages.append(page)
            left -= end + 1 - start
            page, held, start = [], 0, end + 1
    return pages + [page] if page or not pages else pages


@lru_cache(maxsize=1 << 16)
def _slug_digest(slug: str) -> int:
    """A number of a meeting's slug, with which paged picks the occurrences that may end a page."""
    return zlib.crc32(slug.encode())


class ListedTerm(NamedTuple):
    """How term_pages listed one term's pages, kept for the next listing (TermListing)."""

    chunks: list[list[tuple]]
    """Its pages' occurrences (paged)…"""
    shared: tuple
    """…what all its pages share, and everyone as named (term_quick)…"""
    quick: list
    """…each page's quick key, once made (UNMADE until then)…"""
    runs: list[tuple]
    """…and the occurrences they were cut from, meeting by meeting."""


class TermListing(NamedTuple):
    """The last complete listing of term pages in this process: the archive's analysis keys
    and hits by meeting, and each term as listed. A server's rebuild keeps the pages and quick
    keys of every term that no meeting analysed anew says (or said), and of a term it says,
    the quick key of each page whose occurrences are those it showed then, of meetings
    analysed as then: digesting all 3,855 pages took 0.07 s of each rebuild (5,000 meetings
    with the example glossary)."""

    keys: dict[str, str]
    hits: dict[str, tuple]
    terms: dict[str, ListedTerm]
    size: int
    """The TERM_PAGE_SIZE its pages were cut for."""


def analysed_anew(archive: Archive, last: TermListing | TopicListing | None) -> tuple[set[str], set[str]] | None:
    """(the meetings whose analysis key is not the last listing's, added and removed ones too;
    the terms they say, now or then); None when that cannot be told (no last listing, or a
    meeting without a key)."""
    keys = archive.analysis_keys
    if last is None or len(keys) != len(archive.meetings):
        return None
    hits = hits_by_meeting(archive)
    meetings = {slug for slug in keys.keys() | last.keys.keys() if keys.get(slug) != last.keys.get(slug)}
    terms: set[str] = set()
    for slug in meetings:
        terms.update(hit.term for hit in hits.get(slug, ()))
        terms.update(hit.term for hit in last.hits.get(slug, ()))
    return meetings, terms


def term_pages(archive: Archive, recall: Recall | None = None):
    """One page per term, its occurrences TERM_PAGE_SIZE at a time. A page's rows are made
    only when it is rendered, and its quick key (term_quick) says when it need not be. The
    listing is kept in a server's `recall` (term_listing) for the next."""
    _, views = shared_views(archive, recall)
    hits = hits_by_term(archive, recall)
    everyone = people_named(archive, archive.people)
    last = recall.term_listing if recall is not None else None
    last = last if last is not None and last.size == TERM_PAGE_SIZE else None
    anew = analysed_anew(archive, last)
    listed: dict[str, ListedTerm] = {}
    for slug, view in views.items():
        before = last.terms.get(slug) if anew is not None else None
        runs = hits.get(slug, [])
        if before is not None and (slug not in anew[1] or before.runs == runs):
            chunks = before.chunks  # the same occurrences (an edit elsewhere in a meeting that says it: equal ones)
        else:
            chunks = paged(runs, TERM_PAGE_SIZE)
        pages = [{"number": n, "href": term_page(slug, n)} for n in range(1, len(chunks) + 1)]
        later = later_view(view)
        shared = (fingerprint((view, pages)), fingerprint(later))  # once for all the term's pages
        quick = kept_quick_keys(before, chunks, (shared, everyone),
                                anew[0] if before is not None and slug in anew[1] else set())
        listed[slug] = ListedTerm(chunks, (shared, everyone), quick, runs)
        for number, chunk in enumerate(chunks, start=1):
            made_from = (shared[0],) if number == 1 else (shared[1], place_of(pages, number))
            yield term_page(slug, number), "term.html", LazyView(
                term_view, archive, view if number == 1 else later, chunk, number, pages,
                quick=quick[number - 1] if quick[number - 1] is not UNMADE else
                partial(made_and_kept, quick, number - 1, term_quick, archive, made_from, chunk, number))
    if recall is not None:
        recall.term_listing = TermListing(dict(archive.analysis_keys), hits_by_meeting(archive), listed,
                                          TERM_PAGE_SIZE)


def kept_quick_keys(before: ListedTerm | None, chunks: list[list[tuple]], shared: tuple, anew: set[str]) -> list:
    """Each page's quick key as the last listing made it (`before`) where it holds, UNMADE where
    it is to be made: where its occurrences are those it showed then (mostly the same objects,
    compared at once) and none is in a meeting analysed anew (`anew`)."""
    if before is None or before.shared != shared:
        return [UNMADE] * len(chunks)
    if not anew:
        return list(before.quick)
    return [before.quick[n] if n < len(before.chunks) and chunk == before.chunks[n]
            and anew.isdisjoint(map(_MEETING_OF, map(_FIRST, chunk))) else UNMADE
            for n, chunk in enumerate(chunks)]


_FIRST, _MEETING_OF = itemgetter(0), attrgetter("meeting")


def term_view(archive: Archive, view: dict, pieces: list[tuple], number: int, pages: list[dict]) -> dict:
    """A term's page `number`, showing the occurrences in `pieces` (paged). The first page has how
    often the term is said and every page (`view`: entry_view); a later one (`view`: later_view)
    only its neighbours, so that a mention added elsewhere leaves it as it was."""
    previous, following = place_of(pages, number)
    return {
        "title": view["term"] if number == 1 else f"{view['term']} (page {number})", "entry": view,
        "occurrences": occurrence_rows(archive, [hit for piece in pieces for hit in piece]),
        "page_number": number, "pages": pages if number == 1 else [],
        "previous_page": previous, "next_page": following, "first_page": pages[0]["href"],
    }


def later_view(view: dict) -> dict:
    """What a term's later pages show of its entry: all of it but how often it is said."""
    return {key: value for key, value in view.items() if key not in ("count", "meetings")}


def place_of(pages: list[dict], number: int) -> tuple[str, str]:
    """The addresses of the pages before and after page `number` ("" when none)."""
    return (pages[number - 2]["href"] if number > 1 else "", pages[number]["href"] if number < len(pages) else "")


def term_quick(archive: Archive, shared, pieces: list[tuple], number: int) -> str | None:
    """LazyView.quick of a term's page: what it shares with the term's other pages (`shared`: a
    digest of its entry, and on the first page the pager, made once; with a later page's place),
    who says its occurrences as named (page_people), where its first occurrence stands, and
    each meeting's analysis key (which covers the meeting's text, title, date, who speaks and
    the occurrences found in it) with how many occurrences of it the page shows (`pieces`:
    paged, one meeting's each); None when a key is missing. Those say which occurrences the
    page shows: digesting each one's place took 0.2 s of every rebuild at 5,000 meetings, and
    the pager on every page 0.3 s (a term with 1,000 pages)."""
    if shared is None or shared[0] is None:
        return None
    keys = archive.analysis_keys
    runs = [(piece[0].meeting, keys.get(piece[0].meeting), len(piece)) for piece in pieces]
    if any(key is None for _, key, _ in runs):
        return None
    first = (pieces[0][0].paragraph, pieces[0][0].start) if pieces else None
    return fingerprint((shared, number, page_people(archive, pieces), first, runs))


def page_people(archive: Archive, pieces: list[tuple]) -> list[tuple[str, str, str]]:
    """(key, name, slug) of each person who says an occurrence of the page: all it shows of them.
    Not everyone: a speaker new to the archive would make every term page again."""
    speaker_of = archive.speaker_of
    return as_named(archive, frozenset({speaker_of.get((piece[0].meeting, hit.turn))
                                        for piece in pieces for hit in piece}))


class TopicListing(NamedTuple):
    """The last complete listing of topic pages in this process: the archive's analysis keys,
    hits by meeting and topic of each term, the mentions it found, and each topic's page as
    listed. A server's rebuild mends the mentions of the meetings analysed anew only, and keeps
    the quick key of every topic none of them is listed on (nor was): a pass over every
    meeting's terms, and over each topic's meetings, took 0.13 s of each rebuild (5,000
    meetings with the example glossary)."""

    keys: dict[str, str]
    hits: dict[str, tuple]
    topic_keys: dict[str, str]
    mentions: dict[str, dict[str, dict[str, int]]]
    """Topic name key → meeting slug → term slug → mentions, of the topic's terms."""
    topics: dict[str, tuple]
    """Topic slug → (what its page shows of the glossary, its mentions by meeting, [each of its
    pages' quick key, or UNMADE until made], each page's topic_shapes)."""
    size: int
    """The TOPIC_PAGE_SIZE its pages were cut for."""


def topic_pages(archive: Archive, recall: Recall | None = None):
    """One page per topic: its terms, and the meetings where they occur or that name the topic.
    The listing is kept in a server's `recall` (topic_listing) for the next."""
    topics, views = shared_views(archive, recall)
    meetings = MeetingsInOrder(archive.meetings)
    entries = {e.slug: e for e in (archive.glossary.entries if archive.glossary else ())}
    topic_keys = {slug: name_key(entry.topic) for slug, entry in entries.items()}
    last = recall.topic_listing if recall is not None else None
    last = last if last is not None and last.topic_keys == topic_keys and last.size == TOPIC_PAGE_SIZE else None
    anew = analysed_anew(archive, last)
    mentions = topic_mentions(archive, topic_keys, last, anew[0] if anew is not None else None)
    listed: dict[str, tuple] = {}
    for topic in topics:
        used = mentions.get(name_key(topic.name), {})
        shown = (topic, [views[e.slug] for e in topic.terms])
        before = last.topics.get(topic.slug) if anew is not None else None
        if (before is not None and before[0] == shown
                and anew[0].isdisjoint(used) and anew[0].isdisjoint(before[1]) and anew[0].isdisjoint(topic.tagged)):
            quick, shapes = before[2], before[3]  # none of its meetings analysed anew, now or then
        else:
            shapes = topic_shapes(topic, topic_chunks(topic_meetings(used, set(topic.tagged), meetings)), meetings)
            quick = kept_later_keys(before, topic, shapes, anew[0]) if before is not None else [UNMADE] * len(shapes)
        listed[topic.slug] = (shown, used, quick, shapes)
        for place, shape in enumerate(shapes):
            path = shape[1][0]
            yield path, "topic.html", LazyView(
                topic_view, topic, used, meetings, views, shape,
                inputs=partial(topic_inputs, topic, used, meetings, views, shape),
                quick=quick[place] if quick[place] is not UNMADE else
                partial(made_and_kept, quick, place, topic_quick, archive, topic, used, meetings, views, shape))
    if recall is not None:
        recall.topic_listing = TopicListing(dict(archive.analysis_keys), hits_by_meeting(archive), topic_keys,
                                            mentions, listed, TOPIC_PAGE_SIZE)


def kept_later_keys(before: tuple, topic: ArchiveTopic, shapes: list[tuple], anew: set[str]) -> list:
    """Each page's quick key as the last listing made it (`before`: the topic's there) for a later
    page of the same topic that lists the same meetings in the same place, none of them analysed
    anew (`anew`); UNMADE for the others. The first page lists every page and term, and its
    topic's pages were all digested again when one of its meetings was edited (152 pages, 0.04 s
    of a rebuild with the example glossary at 5,000 meetings)."""
    if before[0][0] != topic:
        return [UNMADE] * len(shapes)
    was = {shape[1][0]: (shape, key) for shape, key in zip(before[3], before[2])}
    keys = []
    for shape in shapes:
        shape_then, key = was.get(shape[1][0], (None, UNMADE))
        keep = shape[2] is None and shape_then == shape and anew.isdisjoint(shape[0])
        keys.append(key if keep else UNMADE)
    return keys


def topic_shapes(topic: ArchiveTopic, chunks: list[list[str]], meetings: dict) -> list[tuple]:
    """(its meetings, where it is, on the first page every page) of each page of a topic (`chunks`:
    topic_chunks); "where it is" is (its address, its dates, the newer page's, the older's)."""
    paths = [urls.topic(topic.slug)] + [urls.topic(f"{topic.slug}-p{n}") for n in range(len(chunks) - 1, 0, -1)]
    spans = [meetings_span(meetings, chunk) for chunk in chunks]
    pages = [{"path": path, "span": span} for path, span in zip(paths, spans)] if len(chunks) > 1 else []
    return [(chunk, (path, spans[place], paths[place - 1] if place else "",
                     paths[place + 1] if place + 1 < len(paths) else ""), pages if place == 0 else None)
            for place, (chunk, path) in enumerate(zip(chunks, paths))]


def topic_chunks(slugs: list[str]) -> list[list[str]]:
    """A topic's meetings (in archive order) cut into pages of about TOPIC_PAGE_SIZE, newest page
    first, where paging.cut_by_content says: a meeting added to the archive changes the
    newest page only, where a topic with thousands of meetings on one page (2.7 MB at 5,000
    meetings) was rendered again whole."""
    return [slugs[cut.start:cut.stop] for cut in reversed(cut_by_content(slugs, [1] * len(slugs), TOPIC_PAGE_SIZE))]


def meetings_span(meetings: dict, chunk: list[str]) -> str:
    """"8 October 2024 – 3 September 2022": the dates of a page's newest and oldest meeting."""
    if not chunk:
        return ""
    newest, oldest = (format_date(meetings[chunk[i]].date) for i in (-1, 0))
    return newest if newest == oldest else f"{newest} – {oldest}"


def topic_mentions(archive: Archive, topic_keys: dict[str, str], last: TopicListing | None,
                   anew: set[str] | None) -> dict[str, dict[str, dict[str, int]]]:
    """Topic name key → meeting slug → term slug → mentions of the topic's terms (in slug order):
    the last listing's mended where meetings were analysed anew (`anew`), or made from every
    meeting's."""
    if last is None or anew is None:
        mentions: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
        changed = hits_by_meeting(archive)
    else:
        mentions = defaultdict(dict, {key: dict(used) for key, used in last.mentions.items()})
        for used in mentions.values():
            for slug in anew:
                used.pop(slug, None)
        hits = hits_by_meeting(archive)
        changed = {slug: hits[slug] for slug in anew if slug in hits}
    for slug, hits in changed.items():
        for term, count in sorted(term_counts(archive, hits).items()):  # by slug: topic_quick digests them as they are
            mentions[topic_keys[term]].setdefault(slug, {})[term] = count
    return mentions


def topic_meetings(used: dict, tagged: set, meetings: dict) -> list[str]:
    """Slugs of the meetings that use a topic's terms or are tagged with it, in archive order,
    found without a pass over every meeting (`meetings`: MeetingsInOrder)."""
    return sorted((slug for slug in used.keys() | tagged if slug in meetings), key=meetings.order.__getitem__)


class MeetingsInOrder(dict):
    """Meeting slug → meeting in archive order, with each slug's place (`order`)."""

    def __init__(self, meetings) -> None:
        super().__init__((m.slug, m) for m in meetings)
        self.order = {slug: i for i, slug in enumerate(self)}


def topic_inputs(topic: ArchiveTopic, used: dict, meetings: dict, views: dict, shape: tuple) -> tuple:
    """All topic_view reads of one page (`shape`: its meetings, where it is, and on the first page
    every page), without making its rows: a topic tagged on thousands of meetings would
    otherwise be made again and rendered on every rebuild."""
    chunk, nav, pages = shape
    tagged = set(topic.tagged)
    rows = [(slug, m.title, m.date, m.place, m.summary, slug in tagged, sorted(used.get(slug, {}).items()))
            for slug in chunk for m in (meetings[slug],)]
    first = pages is not None
    return topic_shown(topic, first), rows, page_terms(topic, used, views, chunk, first), nav, pages


def topic_shown(topic: ArchiveTopic, first: bool):
    """What a topic's page shows of it: all of it on the first page, its name and description on the others."""
    return topic if first else (topic.name, topic.slug, topic.description)


def page_terms(topic: ArchiveTopic, used: dict, views: dict, chunk: list[str], first: bool) -> list:
    """What a topic's page shows of the glossary: on the first page every term it names
    (topic_terms); on the others the name and address of those its meetings say."""
    if first:
        return topic_terms(topic, used, views)
    terms = set().union(*(used.get(slug, {}) for slug in chunk))
    return [(t, views[t]["term"], views[t]["href"]) for t in sorted(terms)]


def topic_terms(topic: ArchiveTopic, used: dict, views: dict) -> list[tuple[str, dict]]:
    """(slug, view) of the terms a topic's page names: its own and those its meetings use."""
    terms = set().union(*used.values(), (e.slug for e in topic.terms))
    return [(t, views[t]) for t in sorted(terms)]


def topic_quick(archive: Archive, topic: ArchiveTopic, used: dict, meetings: dict, views: dict,
                shape: tuple) -> str | None:
    """LazyView.quick of a topic's page: a digest of what it shows of the topic and its terms,
    where it is, and of each of its meetings what its row shows (views.summary_digest) and its
    mentions of the topic's terms. An edit to the text of a meeting tagged with the topic
    leaves it as it was, where topic_inputs would remake every row to compare (0.03 s for a
    topic of 2,000 meetings)."""
    chunk, nav, pages = shape
    first, tagged = pages is not None, set(topic.tagged)
    digests = topic_row_digests(archive)
    rows = [(slug, digests[slug], slug in tagged) for slug in chunk]
    mentions = [(slug, used[slug]) for slug in chunk if slug in used]  # each in slug order (topic_mentions)
    terms = page_terms(topic, used, views, chunk, first)
    return fingerprint((topic_shown(topic, first), nav, pages, rows, mentions, terms))


@per_archive
def topic_row_digests(archive: Archive) -> dict[str, str | None]:
    """Meeting slug → summary_digest, made once for all the topics (a meeting is on several)."""
    return {meeting.slug: summary_digest(archive, meeting) for meeting in archive.meetings}


def topic_view(topic: ArchiveTopic, used: dict, meetings: dict, views: dict, shape: tuple) -> dict:
    """A topic's page: `used` is meeting slug → {term slug: mentions} of this topic's terms, `shape`
    the page's meetings (topic_chunks), where it is, and on the first page every page."""
    chunk, (path, span, newer, older), pages = shape
    tagged = set(topic.tagged)
    rows = [{**meeting_summary(meetings[s]),
             "tagged": s in tagged,
             "mentions": sum(used.get(s, {}).values()),
             "terms": [{"term": views[t]["term"], "href": views[t]["href"], "count": c}
                       for t, c in sorted(used.get(s, {}).items(), key=lambda kv: (-kv[1], views[kv[0]]["term"]))]}
            for s in reversed(chunk)]
    return {
        "title": topic.name if pages is not None else f"{topic.name}, {span}",
        "topic": {"name": topic.name, "slug": topic.slug, "href": urls.topic(topic.slug),
                  "description": render_markdown(topic.description, path, urls.topic(topic.slug))},
        "terms": [views[e.slug] for e in topic.terms] if pages is not None else [],
        "meetings": rows,
        "first": pages is not None, "current": path, "span": span, "pages": pages or [],
        "newer_page": newer, "older_page": older,
    }
