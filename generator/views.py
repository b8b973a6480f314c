"""Views: the plain data each template receives, made from the Archive.

Each `*_pages` function yields (site path, template name, view dict) for one
kind of page. Links are site paths (see urls.py); templates make them
relative with the `link` filter. Paragraph HTML comes only from inline.py.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import replace
from functools import lru_cache, partial
from typing import NamedTuple

from . import urls
from .feeds import FEED
from .annotation_views import (ANNOTATIONS_INDEX, NOTES_SCRIPT, annotation_marks, meeting_notes, notes_by_paragraph,
                               shown_numbers)
from .figure_rows import KIND_LABELS, said_rows
from .figures import FIGURE_KINDS, Figure, figure_marks
from .glossary import (archive_topics, hit_entries, meeting_topics, term_marks, topic_finder, topic_of,
                       without_clashing_terms)
from .index import meetings_by_year, neighbours, speaking_shares
from .inline import Mark, render_text, text_marks
from .labels import normalise_spaces
from .lazy import LazyView, fingerprint
from .markdown import is_external, site_path
from .names import alias_keys, name_key
from .once import per_archive, per_item
from .resolve import role_at
from .model import (Archive, Meeting, Paragraph, Person, SectionBreak, Turn, analysis_identity, figures_by_meeting,
                    group_by_meeting, hits_by_meeting, meeting_share, named_people, people_by_key)

CITE_SCRIPT = "static/cite.js"
ATTRIBUTION = ("Transcripts: Presidential Executive Office of the Russian Federation, "
               "en.kremlin.ru, licensed under CC BY 4.0.")


@lru_cache(maxsize=8192)
def format_date(date: dt.date | None) -> str:
    """"5 March 2019". Remembered: strftime costs 4 µs, and listings show every meeting's date
    (30,000 calls in a rebuild of 5,000 meetings, from a few thousand distinct dates)."""
    return f"{date.day} {date:%B %Y}" if date else "Undated"


def site_view(archive: Archive) -> dict:
    config = archive.config
    return {
        "title": config.title,
        "description": config.description,
        "language": config.language,
        "license": config.license or ATTRIBUTION,
        "nav": [
            {"label": "Archive", "href": urls.INDEX},
            {"label": "Speakers", "href": urls.SPEAKERS},
            {"label": "Figures", "href": urls.FIGURES},
            {"label": "Glossary", "href": urls.GLOSSARY},
            {"label": "Notes", "href": ANNOTATIONS_INDEX},
        ],
        "stylesheet": urls.STYLESHEET,
        "cite_script": CITE_SCRIPT,
        "notes_script": NOTES_SCRIPT,
        "base_url": config.base_url.rstrip("/") + "/" if config.base_url else "",
        "feed": FEED if config.base_url else "",
    }


def meeting_summary(meeting: Meeting) -> dict:
    return {
        "title": meeting.title,
        "href": urls.meeting(meeting.slug),
        "date": format_date(meeting.date),
        "iso_date": meeting.date.isoformat() if meeting.date else "",
        "place": meeting.place,
        "summary": meeting.summary,
    }


@per_item
def summary_digest(meeting: Meeting) -> str | None:
    """A digest of meeting_summary: what a topic page's row, and the pages of the meetings before
    and after it, show of a meeting."""
    return fingerprint((meeting.slug, meeting.title, meeting.date, meeting.place, meeting.summary))


listed_summary = per_item(meeting_summary)
"""meeting_summary, remembered for the archive's index: a server's rebuild makes only the edited
meeting's. Read-only, like every view."""


def index_pages(archive: Archive):
    years = [{"year": year or "Undated", "meetings": [listed_summary(archive, m) for m in meetings]}
             for year, meetings in meetings_by_year(archive).items()]
    yield urls.INDEX, "index.html", {"title": archive.config.title, "years": years,
                                     "count": len(archive.meetings)}


def paragraph_marks(archive: Archive, figures_page: str = "") -> dict[tuple[str, int], list[Mark]]:
    """(meeting slug, paragraph number) → the marks every capability adds, in one pass; each
    figure linked to its row on `figures_page`, when given."""
    marks: dict[tuple[str, int], list[Mark]] = defaultdict(list)
    for source in (figure_marks(archive, figures_page), term_marks(archive), annotation_marks(archive)):
        for key, found in source.items():
            marks[key].extend(found)
    return defaultdict(list, {key: without_clashing_terms(found) for key, found in marks.items()})


def paragraph_view(paragraph: Paragraph, meeting: Meeting, marks: dict, page: str,
                   notes: dict | None = None, shown: dict[str, str] | None = None) -> dict:
    """`shown`: annotation_views.shown_numbers, the numbers a .md meeting's notes show."""
    own = text_marks(paragraph.text) + format_marks(paragraph, urls.meeting(meeting.slug)) + marks.get((meeting.slug, paragraph.number), [])
    if shown:
        own = [replace(m, tail=shown[href]) if m.start == m.end and (href := dict(m.attrs).get("href")) in shown
               else m for m in own]
    return {
        "id": f"p{paragraph.number}",
        "number": paragraph.number,
        "kind": paragraph.kind,
        "interrupted": paragraph.interrupted,
        "notes": (notes or {}).get(paragraph.number, []),
        "html": render_text(paragraph.text, own, page),
    }


def format_marks(paragraph: Paragraph, home: str) -> list[Mark]:
    """Markdown emphasis, links and footnote references of a .md paragraph as marks. A link that
    is not a URL is read as written on the meeting's page, `home` (markdown.site_path)."""
    marks = []
    for span in paragraph.format:
        if span.tag == "a":
            external = is_external(span.value)
            href = span.value if external or span.value.startswith("#") else site_path(span.value, home)
            rel = (("rel", "external nofollow"),) if external else ()
            marks.append(Mark(span.start, span.end, "a", (("href", href), *rel), 1))
        elif span.tag == "fnref":
            marks.append(Mark(span.start, span.end, "a", (("class", "fnref"), ("href", f"#fn-{span.value}")), 1,
                              tail=span.value, tail_attrs=(("class", "fnref-label"),)))
        else:
            marks.append(Mark(span.start, span.end, span.tag, (), 1))
    return marks


def meeting_pages(archive: Archive, leave: frozenset[str] = frozenset()):
    """One page per meeting, but those of the meetings whose slugs are in `leave`. Each
    view (marks included) is made only when read, from the meeting's own slice of the
    archive, so workers make them in parallel; and each names its inputs (meeting_inputs),
    so a rebuild makes only changed ones.

    What the pages share is made on first use (`context`), in whichever process
    first needs it: a rebuild whose quick keys show nearly every page as it was
    makes it once, for the few that changed, instead of while listing."""
    around = neighbours(archive)
    context = LazyView(meeting_context, archive)
    shared = quick_shared(archive)
    for meeting in archive.meetings:
        if meeting.slug in leave:
            continue
        arguments = (context, meeting, around)
        quick = meeting_quick(archive, meeting, around, shared)
        yield urls.meeting(meeting.slug), "meeting.html", LazyView(
            meeting_page_view, *arguments, inputs=partial(meeting_page_inputs, *arguments),
            quick=quick, detached=partial(detached_meeting_view, *arguments, quick))


def meeting_context(archive: Archive) -> dict:
    """What every meeting page reads of the whole archive, made once: tables by meeting, from
    which one meeting's share is taken when its page is made (meeting_arguments)."""
    hits = hits_by_meeting(archive)
    return {"archive": archive, "people": {p.key: p for p in archive.people},
            "topics_of": topic_finder(archive, hits=hits), "notes": meeting_notes(archive),
            "figures": figures_by_meeting(archive) or group_by_meeting(archive.figures), "hits": hits,
            "annotations": group_by_meeting(archive.annotations), "roles": meeting_roles(archive),
            "known": people_by_name(archive), "figures_pages": figures_page_of(archive)}


def meeting_arguments(context: LazyView, meeting: Meeting, around: dict) -> tuple:
    """meeting_part_view's arguments for one meeting, from its shared context."""
    part = meeting_part(context["archive"], meeting.slug, context["figures"], context["hits"], context["annotations"])
    return (part, meeting, context["people"], around, context["topics_of"](meeting),
            context["notes"].get(meeting.slug, []), context["roles"], participant_keys(meeting, context["known"]),
            context["figures_pages"].get(meeting.slug, ""))


def meeting_page_view(context: LazyView, meeting: Meeting, around: dict) -> dict:
    return meeting_part_view(*meeting_arguments(context, meeting, around))


def meeting_page_inputs(context: LazyView, meeting: Meeting, around: dict) -> tuple:
    return meeting_inputs(*meeting_arguments(context, meeting, around))


class Neighbour(NamedTuple):
    """What a meeting page shows of the meeting before or after it (all meeting_summary
    reads), without its text: a detached view carries this, not the whole meeting."""

    title: str
    slug: str
    date: dt.date | None
    place: str
    summary: str


class TopicLink(NamedTuple):
    """What a meeting page shows of one of its topics (glossary.ArchiveTopic, which lists every
    meeting of the topic: 54 KB pickled, where a meeting is 30)."""

    name: str
    slug: str


def neighbour(meeting: Meeting | None) -> Neighbour | None:
    if meeting is None:
        return None
    return Neighbour(meeting.title, meeting.slug, meeting.date, meeting.place, meeting.summary)


def detached_meeting_view(context: LazyView, meeting: Meeting, around: dict, quick: tuple | None) -> LazyView:
    """A meeting page's view made of that meeting's own values, for a fresh worker (parallel.Fresh)
    to be sent pickled: its figures, terms and notes, its speakers with their roles here already
    looked up, its neighbours' summaries, its topics' names. It makes the same inputs and the
    same page as the listed view, which would pickle the whole archive with it."""
    part, meeting, people, around, topics, notes, roles, named, figures_page = meeting_arguments(context, meeting,
                                                                                                  around)
    part = meeting_share(part, meeting, part.figures, part.term_hits, part.annotations)
    keys = set(part.speaker_of.values()) | set(named)
    roles_here = {(key, meeting.slug): role_in(people[key], meeting, roles) for key in keys if key in people}
    previous, following = around[meeting.slug]
    arguments = (part, meeting, named_people(people, keys), {meeting.slug: (neighbour(previous), neighbour(following))},
                 [TopicLink(topic.name, topic.slug) for topic in topics], notes, roles_here, named, figures_page)
    return LazyView(meeting_part_view, *arguments, inputs=partial(meeting_inputs, *arguments), quick=quick)


@per_archive
def shared_digest(archive: Archive) -> str | None:
    """One digest of all a meeting page reads beyond its own meeting and its neighbours (whose
    analysis keys say the rest): everyone as named with their roles (people_placed), the
    notes, the settings, the glossary and the topics' names and slugs. Made once per archive,
    as the meeting pages' listing and their quick keys both ask."""
    topics = [(key, topic.name, topic.slug) for key, topic in topic_of(archive_topics(archive)).items()]
    return fingerprint((people_placed(archive, archive.people), archive.annotations, archive.config,
                        archive.glossary, topics))


def people_placed(archive: Archive, people: tuple) -> str | None:
    """A digest of everyone's key, name, slug and roles (as labels gave them, and speakers.yaml's
    dated ones): all a meeting page reads of people (role_in), not their bios, links or aliases,
    so that an edit to those keeps every meeting page without looking at it. Made of each
    person's digest (person_placed), remembered: a server's rebuild keeps the Person objects
    an edit did not change (15,000 roles at 5,000 meetings)."""
    return digest_of_each(archive, people, person_placed)


@per_item
def person_placed(person: Person) -> str | None:
    return fingerprint((person.key, person.name, person.slug, person.roles, person.spans))


def digest_of_each(archive: Archive, people: tuple, digest) -> str | None:
    """A digest of each person's digest (`digest`, per_item); None when one is None."""
    each = [digest(archive, person) for person in people]
    return None if None in each else fingerprint(each)


def as_named(archive: Archive, keys: frozenset) -> list[tuple[str, str, str]]:
    """(key, name, slug) of each of these people (person keys; None is nobody): all that a page
    which only names and links them shows of them, so that it is made again only when one of
    them is renamed, not when anyone is (a speaker new to the archive). Remembered for the
    archive: hundreds of pages name the same few people."""
    known = _named_groups(archive)
    found = known.get(keys)
    if found is None:
        people = people_by_key(archive)
        found = known[keys] = sorted((key, person.name, person.slug) for key in keys
                                     for person in (people.get(key),) if person)
    return found


@per_archive
def _named_groups(archive: Archive) -> dict[frozenset, list]:
    return {}


def people_named(archive: Archive, people: tuple) -> str | None:
    """A digest of everyone's key, name and slug: all that a page which only names and links
    people reads of them (term, figures pages, meeting data files), so that an edit to
    speakers.yaml that renames no one (an alias, a bio, a role) keeps those pages (at 5,000
    meetings with the example's glossary, making the term pages' rows again took 7 s)."""
    return digest_of_each(archive, people, person_named)


@per_item
def person_named(person: Person) -> str | None:
    return fingerprint((person.key, person.name, person.slug))


def meeting_page_quicks(archive: Archive) -> list[tuple | None]:
    """meeting_quick of each meeting's page, in archive order (render.PER_MEETING)."""
    around, shared = neighbours(archive), quick_shared(archive)
    return [meeting_quick(archive, meeting, around, shared) for meeting in archive.meetings]


class QuickShared(NamedTuple):
    """What meeting_quick reads of the whole archive, found once for all its meetings rather than
    looked up for each (1,000 meetings' keys took 2.45 ms so, 1.08 ms now; a server's rebuild asks
    for all 5,000)."""

    digest: str | None
    """shared_digest, when the archive has analysis keys."""
    figures_pages: dict[str, str]
    """figures_page_of."""
    known: dict
    """people_by_name."""


def quick_shared(archive: Archive) -> QuickShared:
    """The QuickShared of `archive` (each part remembered for the archive by its own function)."""
    return QuickShared(shared_digest(archive) if archive.analysis_keys else None, figures_page_of(archive),
                       people_by_name(archive))


def figures_page_of(archive: Archive) -> dict[str, str]:
    """figure_views.figures_page_of, imported when asked: figure_views reads this module."""
    from .figure_views import figures_page_of as pages_of
    return pages_of(archive)


def meeting_quick(archive: Archive, meeting: Meeting, around: dict, shared: QuickShared) -> tuple | None:
    """LazyView.quick of a meeting's page: the shared digest, the analysis key of the meeting, and
    its neighbours' summaries (summary_digest); None when one is missing."""
    previous, following = around[meeting.slug]
    found = (shared.digest, archive.analysis_keys.get(meeting.slug),
             summary_digest(archive, previous) if previous else "",
             summary_digest(archive, following) if following else "")
    if meeting.participants:  # whom they name follows from aliases and printed names, which `shared` leaves out
        found += (participant_keys(meeting, shared.known),)
    found += (shared.figures_pages.get(meeting.slug, ""),)  # where its figures link to
    return None if None in found else found


@per_archive
def people_by_name(archive: Archive) -> dict[str | tuple[str, str], str]:
    """Name key → person key, for each name a person is known by: their own, each name their
    labels printed, and their speakers.yaml aliases (names.alias_keys, as resolve.make_directory
    reads them); a person's own name first, then in slug order. An alias that speakers.yaml
    limits to some meetings is keyed (meeting stem, name key) instead, for those meetings only.
    A front-matter participant named by any of them ("Lukashenka") is that person."""
    found: dict[str | tuple[str, str], str] = {person.key: person.key for person in archive.people}
    for person in archive.people:
        aliases = {key for alias in person.aliases for key in alias_keys(person.key, alias)}
        for name in person.names:  # a label printed "Novak" under a limited alias is limited too
            if not (person.alias_meetings and name_key(name) in aliases):
                found.setdefault(name_key(name), person.key)
        for key in sorted(aliases):
            for scoped in [(stem, key) for stem in person.alias_meetings] or [key]:
                found.setdefault(scoped, person.key)
    return found


def participant_keys(meeting: Meeting, known: dict[str | tuple[str, str], str]) -> tuple[str, ...]:
    """The person key of each of the meeting's front-matter participants (people_by_name: an alias
    limited to this meeting first, as resolve_turns reads a label), or the name key as written
    for one the archive does not know."""
    if not meeting.participants:  # most meetings: asked of each of 5,000 at every server's rebuild
        return ()
    return tuple(known.get((meeting.stem, key)) or known.get(key, key)
                 for key in (name_key(participant.name) for participant in meeting.participants))


def meeting_roles(archive: Archive) -> dict[tuple[str, str], str]:
    """(person key, meeting slug) → the role its label gave, as resolve.role_at finds it, in one pass."""
    roles: dict[tuple[str, str], str] = {}
    for person in archive.people:
        for use in person.roles:
            roles.setdefault((person.key, use.meeting), use.role)
    return roles


def role_in(person: Person, meeting: Meeting, roles: dict | None) -> str:
    """role_at(person, meeting), looked up rather than searched when `roles` (meeting_roles) is given."""
    if roles is None:
        return role_at(person, meeting)
    found = roles.get((person.key, meeting.slug))
    return found if found is not None else role_at(person, date=meeting.date)


def meeting_inputs(part: Archive, meeting: Meeting, people: dict, around: dict, topics: list, notes: list,
                   roles: dict, named: tuple[str, ...], figures_page: str) -> tuple:
    """Everything meeting_part_view reads, as plain values: the same inputs make the same page.

    Keep in step with meeting_view: a value it reads that is missing here
    would leave a page stale in a rebuild (tests/test_incremental.py builds
    edited archives both ways and compares).
    """
    speakers = [part.speaker_of.get((meeting.slug, turn.number)) for turn in meeting.turns]
    persons = [(key, person.name, person.slug, role_in(person, meeting, roles))
               for key in dict.fromkeys(speakers + list(named)) for person in (people.get(key),) if person]
    previous, following = around[meeting.slug]
    return (analysis_identity(part, meeting.slug, meeting, part.figures, part.term_hits), part.annotations,
            part.config, hit_entries(part), speakers, persons,
            meeting_summary(previous) if previous else None, meeting_summary(following) if following else None,
            [(topic.name, topic.slug) for topic in topics], notes, named, figures_page)


def meeting_part(archive: Archive, slug: str, figures: dict, hits: dict, notes: dict) -> Archive:
    """The archive with only one meeting's figures, term hits and notes (given by meeting slug).

    Marks are made per paragraph from these alone, so one meeting's marks
    made from its slice are the same as those made from the whole archive.
    """
    return replace(archive, figures=tuple(figures.get(slug, ())), term_hits=tuple(hits.get(slug, ())),
                   annotations=tuple(notes.get(slug, ())), figures_of=None, hits_of=None)


def meeting_part_view(part: Archive, meeting: Meeting, people: dict, around: dict, topics: list, notes: list,
                      roles: dict | None = None, named: tuple[str, ...] | None = None, figures_page: str = "") -> dict:
    return meeting_view(part, meeting, people, around, paragraph_marks(part, figures_page), topics, notes, roles,
                        named)


def meeting_view(archive: Archive, meeting: Meeting, people: dict, around: dict, marks: dict,
                 topics: list | None = None, notes: list | None = None, roles_here: dict | None = None,
                 named: tuple[str, ...] | None = None) -> dict:
    """A meeting page's view. `named`: participant_keys of its participants (found in `archive` when not given)."""
    page = urls.meeting(meeting.slug)
    beside = notes_by_paragraph(notes or [])
    shown = shown_numbers(notes or [])
    blocks = []
    introduced: set[str] = set()
    roles: dict[str, str] = {}
    generic_turns: dict[int, str] = {}
    for block in meeting.blocks:
        if isinstance(block, SectionBreak):
            blocks.append({"type": "break"})
        elif isinstance(block, Paragraph):
            blocks.append({"type": "paragraph", **paragraph_view(block, meeting, marks, page, beside, shown)})
        elif isinstance(block, Turn):
            key = archive.speaker_of.get((meeting.slug, block.number))
            person = people.get(key)
            identity = key or "generic:" + block.label.name.casefold()
            role = role_in(person, meeting, roles_here) if person else normalise_spaces(block.label.role)
            first = identity not in introduced
            introduced.add(identity)
            if role and key and key not in roles:
                roles[key] = role
            if block.label.generic:
                generic_turns.update((p.number, normalise_spaces(block.label.name)) for p in block.paragraphs)
            blocks.append({
                "type": "turn",
                "id": f"t{block.number}",
                "number": block.number,
                "speaker": person.slug if person else "",
                "name": person.name if person else normalise_spaces(block.label.name),
                "href": urls.speaker(person.slug) if person else "",
                "role": role if first else "",
                "note": block.label.note,
                "continued": block.continued,
                "generic": block.label.generic,
                "paragraphs": [paragraph_view(p, meeting, marks, page, beside, shown) for p in block.paragraphs],
            })
    shares = speaking_shares(archive, meeting)
    total = sum(w for _, _, w in shares) or 1
    participants = []
    for key, name, words in shares:
        person = people.get(key)
        participants.append({
            "name": person.name if person else name,
            "href": urls.speaker(person.slug) if person else "",
            "slug": person.slug if person else "",
            "role": roles.get(key, ""),
            "generic": person is None,
            "words": words,
            "share": round(100 * words / total, 1),
        })
    spoken = {name_key(p["name"]) for p in participants} | {key for key, _, _ in shares if key}
    listed: dict[str, dict] = {}  # a person named twice ("Lukashenka", "Alexander Lukashenko") is listed once
    named = participant_keys(meeting, people_by_name(archive)) if named is None else named
    for participant, key in zip(meeting.participants, named):
        if key in spoken:
            continue
        if key in listed:
            listed[key]["role"] = listed[key]["role"] or participant.role
            continue
        known = people.get(key)
        listed[key] = {"name": known.name if known else participant.name,
                       "href": urls.speaker(known.slug) if known else "", "slug": known.slug if known else "",
                       "role": participant.role, "generic": False, "words": 0, "share": 0.0}
    participants += listed.values()
    previous, following = around[meeting.slug]
    return {
        "title": meeting.title,
        "meeting": {**meeting_summary(meeting), "time": meeting.time, "source": meeting.source,
                    "language": meeting.language,
                    "topics": [{"name": t.name, "href": urls.topic(t.slug)}
                               for t in (meeting_topics(archive)[meeting.slug] if topics is None else topics)]},
        "participants": participants,
        "blocks": blocks,
        "notes": notes or [],
        "figures": said_figures_view(archive, meeting, people, generic_turns),
        "figures_index": urls.FIGURES,
        "previous": meeting_summary(previous) if previous else None,
        "next": meeting_summary(following) if following else None,
    }


def said_figures_view(archive: Archive, meeting: Meeting, people: dict, generic_turns: dict[int, str]) -> dict:
    """The meeting's figures in the order said, as its own table under the text: how many of
    each kind, and the rows (figure_rows.said_rows), each naming who said it as the figures
    index does, or the generic label of its turn ("Question")."""
    said: list[Figure] = sorted((f for f in archive.figures if f.meeting == meeting.slug),
                                key=lambda f: (f.paragraph, f.start))
    kinds = Counter(figure.kind for figure in said)
    names = [people[f.speaker].name if f.speaker in people else generic_turns.get(f.paragraph, "") for f in said]
    return {"total": len(said), "rows": said_rows(said, names),
            "kinds": [{"label": KIND_LABELS[k], "count": kinds[k]} for k in FIGURE_KINDS if kinds[k]]}
