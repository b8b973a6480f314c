"""The parsed archive: frozen records that every later step reads.

Parsing makes these from text; resolving, indexing and rendering only read
them. Nothing here touches the disk.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

from .once import per_archive


@dataclass(frozen=True)
class Problem:
    """One content problem, reported as `path:line: message`."""

    path: str
    line: int
    message: str
    warning: bool = False
    """A warning builds anyway unless --strict is given."""

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {kind}{self.message}"


class ContentErrors(Exception):
    """Raised with every problem found, so they are reported together."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = sorted(problems, key=lambda p: (p.path, p.line, p.message))


@dataclass(frozen=True)
class Label:
    """A speaker label as printed, split into its parts."""

    printed: str
    """The label exactly as in the file (NBSPs kept), without the colon."""
    name: str
    """The person's name as printed, title and note removed ("Vladimir Putin")."""
    role: str
    """The title that came before the name ("President of Russia"), or ""."""
    note: str
    """A parenthetical such as "retranslated", or ""."""
    generic: bool
    """True for labels that are not a person (Question, Remark, …)."""


DOTS = ("…", "...")
"""A `…` (or `...`) that opens or closes a paragraph (spaces aside) marks an interrupted sentence."""


def interruptions(text: str) -> tuple[tuple[str, int, int], ...]:
    """The dots that mark an interrupted sentence: ("start" or "end", start, end) in `text`.

    Only dots at the very edge count: `…` inside a sentence ("we… One moment") is a
    pause, dots before a closing quote or bracket ("lords …”") end a quotation, and
    an omission `<…>` is neither. (Asked three times for every paragraph a build writes:
    the edges are looked at, not searched with a pattern.)
    """
    if "…" not in text and "..." not in text:
        return ()  # most paragraphs: found without copying the text twice to strip it
    found = []
    start = len(text) - len(text.lstrip())
    dots = next((d for d in DOTS if text.startswith(d, start)), None)
    if dots:
        found.append(("start", start, start + len(dots)))
    end = len(text.rstrip())
    dots = next((d for d in DOTS if text.endswith(d, 0, end)), None)
    if dots:
        found.append(("end", end - len(dots), end))
    return tuple(found)


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the file, numbered in document order (anchor p<number>)."""

    number: int
    kind: str
    """"speech", "preamble", "heading", "stage" (a stage-direction line) or "omission"."""
    text: str
    """The text as published (NFC), without a speaker label."""
    line: int
    """1-based line in the source file where the paragraph starts."""
    words: int = 0
    """Words in the text, counted once at parse time for speaking shares and stats."""
    format: tuple = ()
    """Markdown formatting over the text (mdtext.Span: em, strong, a, code, fnref); .md only."""

    @property
    def interrupted(self) -> tuple[str, ...]:
        """"start" when the text opens with `…` (it picks up a sentence cut into),
        "end" when it closes with one (the speaker was cut off); both, or neither."""
        return tuple(side for side, _, _ in interruptions(self.text))


@dataclass(frozen=True)
class Turn:
    """Consecutive paragraphs spoken under one label."""

    number: int
    """1-based; the anchor is t<number>."""
    label: Label
    paragraphs: tuple[Paragraph, ...]
    line: int
    continued: bool = False
    """True when the turn resumes the previous speaker after an omission `<…>`."""


@dataclass(frozen=True)
class SectionBreak:
    """A `* * *` line."""

    line: int


Block = Paragraph | Turn | SectionBreak


@dataclass(frozen=True)
class Participant:
    """A person named in front matter who may not speak."""

    name: str
    role: str


@dataclass(frozen=True)
class Meeting:
    """One transcript, parsed."""

    path: str
    """The source path as reported in messages (relative to the content folder)."""
    stem: str
    """File name without extension; annotations are keyed on it."""
    slug: str
    title: str
    date: dt.date | None
    time: str
    place: str
    summary: str
    source: str
    topics: tuple[str, ...]
    participants: tuple[Participant, ...]
    language: str
    blocks: tuple[Block, ...]
    markdown: bool = False
    """True for .md transcripts, whose text is Markdown."""
    footnotes: tuple[tuple[str, int, str], ...] = ()
    """(label, line, Markdown text) of each `[^label]:` definition of a .md transcript."""

    @cached_property
    def turns(self) -> tuple[Turn, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Turn))

    @cached_property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        """Every paragraph in document order, inside turns or not."""
        out: list[Paragraph] = []
        for block in self.blocks:
            if isinstance(block, Turn):
                out.extend(block.paragraphs)
            elif isinstance(block, Paragraph):
                out.append(block)
        return tuple(out)

    def __getstate__(self) -> dict:
        """The fields only: `turns` and `paragraphs`, once read, are kept on the instance, and
        must not make a pickle (the cache, a page's inputs digest) depend on whether they were."""
        state = dict(self.__dict__)
        state.pop("turns", None)
        state.pop("paragraphs", None)
        return state


@dataclass(frozen=True)
class SiteConfig:
    """content/site.yaml, validated."""

    title: str = "Stenogram"
    description: str = ""
    language: str = "en"
    license: str = ""
    base_url: str = ""
    term_links: str = "first-per-turn"
    """Glossary linking: "first-per-turn" or "all"."""


@dataclass(frozen=True)
class Source:
    """A file read from the content folder, before parsing."""

    path: str
    """Path as reported (relative to the content folder's parent when possible)."""
    text: str


def file_name(path: str) -> str:
    """The name at the end of a path as messages show it: "content/transcripts/a.txt" → "a.txt"."""
    return path.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class ContentInput:
    """Everything read from disk; the only input of the pure middle."""

    transcripts: tuple[Source, ...]
    site: Source | None = None
    speakers: Source | None = None
    glossary: Source | None = None
    annotations: tuple[Source, ...] = field(default=())
    unread: tuple[Problem, ...] = field(default=())
    """Why each file that is there could not be read: load_archive reports these with every
    problem of the files read, so that one bad file does not hide the others' problems."""

    def sources(self) -> list[Source]:
        """Every file read: the transcripts, the annotations, then site, speakers and glossary."""
        return [*self.transcripts, *self.annotations,
                *(source for source in (self.site, self.speakers, self.glossary) if source is not None)]


@dataclass(frozen=True)
class RoleUse:
    """A role a person was given in one meeting."""

    role: str
    meeting: str
    """The meeting's slug."""
    date: dt.date | None


@dataclass(frozen=True)
class Person:
    """One speaker across the archive, whatever labels named them."""

    key: str
    """Identity key: the canonical name folded (names.name_key)."""
    slug: str
    name: str
    """Display name (speakers.yaml's canonical name, or the most used label form)."""
    forms: tuple[str, ...]
    """Every label form (title included) seen for this person, sorted."""
    roles: tuple[RoleUse, ...]
    bio: str = ""
    """Markdown bio from speakers.yaml."""
    link: str = ""
    """Official page from speakers.yaml."""
    names: tuple[str, ...] = ()
    """Every printed name (title and note stripped) that resolved to this person, sorted."""
    aliases: tuple[str, ...] = ()
    """Other names from speakers.yaml."""
    alias_meetings: tuple[str, ...] = ()
    """The meetings (file stems) speakers.yaml limits those aliases to (`meetings:`); empty: all."""
    spans: tuple = ()
    """Roles with dates from speakers.yaml (speakers_file.RoleSpan), oldest first."""
    listed: bool = False
    """True when speakers.yaml has an entry for this person."""
    sort_name: str = ""
    """What the A–Z order sorts by: speakers.yaml's sort_as, or "Surname Given names"."""


@dataclass(frozen=True)
class Archive:
    """The whole parsed and resolved archive: what rendering reads."""

    config: SiteConfig
    meetings: tuple[Meeting, ...]
    """Sorted oldest first, by (date, slug)."""
    people: tuple[Person, ...]
    """Sorted by slug."""
    speaker_of: dict[tuple[str, int], str]
    """(meeting slug, turn number) → person key; generic turns are absent."""
    glossary: object = None
    """The loaded glossary (glossary.Glossary), or None without glossary.yaml."""
    term_hits: tuple = ()
    """Every glossary term occurrence (glossary.TermHit), in document order."""
    figures: tuple = ()
    """Every figure said (figures.Figure), in document order."""
    annotations: tuple = ()
    """Every editor's note (annotations.Annotation), numbered per meeting."""
    warnings: tuple[Problem, ...] = ()
    analysis_keys: dict[str, str] = field(default_factory=dict)
    """Meeting slug → digest of all its terms and figures are made from (jobs.analysis_key),
    when the build knows it: a rebuild compares these instead of the figures themselves."""
    figures_json: dict[str, bytes] = field(default_factory=dict)
    """Meeting slug → its figures as JSON list items (export.figure_json), compressed
    (export.packed), when they were made (or cached) with the analysis: data/figures.json
    then only joins them. Kept compressed: at 5,000 meetings they are 170 MB as text,
    held by the parent and copied into workers, and 25 MB packed."""
    figures_before: dict = field(default_factory=dict)
    """export.figures_layout of the last build's data/figures.json, when the build knows it:
    the records of meetings analysed as then are copied from that file."""
    figures_of: dict[str, tuple] | None = None
    """Meeting slug → its share of `figures`, when the build kept them apart (jobs.py): the
    pages by meeting then need not group half a million figures again."""
    hits_of: dict[str, tuple] | None = None
    """Meeting slug → its share of `term_hits` (meetings with none may be absent), when the
    build kept them apart (jobs.py): the tables of terms by meeting, by term, by topic and by
    speaker are then summed from each meeting's share, remembered by its identity
    (once.per_item), and a server's rebuild counts again only the edited meeting's."""


class SpeakerOf(dict):
    """(meeting slug, turn number) → person key, summed from each meeting's part, which `parts`
    keeps (slug → that meeting's dict, as resolve.people_of_meetings made it). A server's
    rebuild keeps the part of every meeting it did not resolve again: speakers_part then
    compares one object a meeting, not a key a turn (a turn added at 5,000 meetings
    looked up all 250,000 turns again, 25-35 ms). Pickled as a plain dict, without them."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: dict[str, dict] = {}

    def __reduce__(self):
        return dict, (dict(self),)


def turn_speakers(meeting: Meeting, speaker_of: dict[tuple[str, int], str]) -> tuple:
    """Who speaks each of a meeting's turns: the person's key, or None (a generic label)."""
    slug = meeting.slug
    return tuple([speaker_of.get((slug, turn.number)) for turn in meeting.turns])


def speakers_part(meeting: Meeting, context: tuple) -> tuple:
    """once.PerItem's `part` of a context that ends with speaker_of: all of it but speaker_of,
    and who speaks the meeting's turns (its part of a SpeakerOf, which says the same)."""
    speaker_of = context[-1]
    if isinstance(speaker_of, SpeakerOf):
        return (*context[:-1], speaker_of.parts.get(meeting.slug))
    return (*context[:-1], turn_speakers(meeting, speaker_of))


def analysis_part(meeting: Meeting, context: tuple):
    """once.PerItem's `part` of a context of Archive.analysis_keys: the meeting's, which covers who
    speaks its turns (or an object equal to no other, when it has none)."""
    return context[0].get(meeting.slug) or object()


def speakers_context(archive: Archive) -> tuple[tuple, Callable]:
    """once.PerItem's context and `part` for a value of a meeting that depends on who speaks its
    turns: the analysis keys when the archive has them (a string a meeting, already made), who
    speaks each turn otherwise."""
    return ((archive.analysis_keys,), analysis_part) if archive.analysis_keys else ((archive.speaker_of,), speakers_part)


def group_by_meeting(records) -> dict[str, list]:
    """Meeting slug → its records (figures, term hits, notes: anything with a `meeting`), in order."""
    grouped: dict[str, list] = defaultdict(list)
    for record in records:
        grouped[record.meeting].append(record)
    return grouped


def figures_by_meeting(archive: Archive) -> dict[str, tuple] | None:
    """Meeting slug → its figures, when archive.figures lists them meeting by meeting in archive
    order (as extraction does); None otherwise."""
    if archive.figures_of is not None:
        return archive.figures_of
    return _grouped_figures(archive)


def hits_by_meeting(archive: Archive) -> dict[str, tuple]:
    """Meeting slug → its term hits, in document order (meetings with none may be absent)."""
    if archive.hits_of is not None:
        return archive.hits_of
    return _grouped_hits(archive)


@per_archive
def _grouped_hits(archive: Archive) -> dict[str, tuple]:
    return {slug: tuple(hits) for slug, hits in group_by_meeting(archive.term_hits).items()}


@per_archive
def people_by_key(archive: Archive) -> dict[str, Person]:
    return {person.key: person for person in archive.people}


@per_archive
def meetings_by_slug(archive: Archive) -> dict[str, Meeting]:
    """Meeting slug → meeting, made once per archive (read-only): each figures and term page
    looks its meetings up in it."""
    return {m.slug: m for m in archive.meetings}


@per_archive
def _grouped_figures(archive: Archive) -> dict[str, tuple] | None:
    order = {m.slug: i for i, m in enumerate(archive.meetings)}
    last = 0
    for figure in archive.figures:
        at = order.get(figure.meeting)
        if at is None or at < last:
            return None
        last = at
    return {slug: tuple(figures) for slug, figures in group_by_meeting(archive.figures).items()}


def meeting_share(archive: Archive, meeting: Meeting, figures: tuple = (), term_hits: tuple = (),
                  annotations: tuple = ()) -> Archive:
    """The archive cut to what one meeting's own page and files read of it (its speakers, its
    analysis key, the figures, terms and notes given): such a page or file is made the same from
    it, and it pickles small, for a worker that does not hold the archive (parallel.Fresh)."""
    slug = meeting.slug
    speaker_of = {(slug, turn.number): archive.speaker_of[(slug, turn.number)]
                  for turn in meeting.turns if (slug, turn.number) in archive.speaker_of}
    keys = {slug: archive.analysis_keys[slug]} if slug in archive.analysis_keys else {}
    return replace(archive, meetings=(), people=(), speaker_of=speaker_of, analysis_keys=keys, figures=figures,
                   term_hits=term_hits, annotations=annotations, warnings=(), figures_json={}, figures_before={},
                   figures_of=None, hits_of=None)


def named_people(people: dict[str, Person], keys) -> dict[str, Person]:
    """Key → person of these keys, without their dated roles: what a detached view names people
    by (the roles it shows are looked up before it is sent). The President's roles alone are one
    per meeting."""
    return {key: replace(people[key], roles=(), spans=()) for key in keys if key in people}


def analysis_identity(archive: Archive, slug: str, *made_from) -> tuple:
    """What decides a meeting's parsed text, terms and figures, for a rebuild to compare: its
    analysis key when the build has one (a digest, much cheaper to compare than the meeting
    and its hundred figures), else the values themselves."""
    key = archive.analysis_keys.get(slug)
    return ("analysed", slug, key) if key is not None else made_from
