"""Telling a speaker label from prose that happens to contain a colon.

Real transcripts defeat `^Label:`: a naive regex finds 527 false turns in 500
kremlin.ru files ("I repeat: …", "Given this number of petitions, I have made
the following decision: …"). A label here is the text before the first colon
that reads as a name, optionally behind a title and followed by a
parenthetical note; anything with the grammar of a sentence is prose.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import lru_cache

from .model import Label

GENERIC_LABELS = frozenset({
    "question", "questions", "remark", "remarks", "reply", "replies", "response",
    "answer", "comment", "voice", "voices", "voice from the audience",
    "audience", "q", "a", "operator", "volunteer", "volunteers", "participant",
    "participants", "journalist", "correspondent", "moderator", "interpreter",
    "host", "presenter", "audience member", "speaker", "unidentified speaker",
    "break", "jingle", "intro", "outro",
})
"""Labels that name a role in the room, not a person. Shown, never given a page."""

PROSE_WORDS = frozenset("""
i i'm i’m me my mine we we're we’re us our ours you your yours he him his she
her it its they them their this that these those here there what which who whom
whose why how when where if because so but or not no yes as than then also
is are was were be been being am have has had do does did will would shall
should can could may might must let lets let's let’s say says said tell told
want wants know knew think thought repeat emphasise emphasize ask asked quote
mentioned mention see look note remember like just only very well now today
once again already still even all some any many much more most every
about after before during following because while although however
""".split())
"""Words that make a would-be label read as a sentence. Titles never use them."""

CONNECTORS = frozenset("""
of the and for on in to at de da del della di du des la le van der den von
bin ibn al el y e zu und au
""".split())
"""Lower-case words allowed inside a title or name."""

TITLE_STARTS = frozenset("""
chairman chairwoman chairperson president head deputy minister governor
director general chief secretary speaker member mayor acting first prime
""".split())
"""A lower-case first word is allowed only if it is a title ("chairman of …")."""

TITLE_WORDS = TITLE_STARTS | frozenset("""
ceo cosmonaut astronaut mayor aide ambassador commander king queen prince
princess emir sheikh patriarch mufti metropolitan pope senator professor dr mr
mrs ms colonel lieutenant chancellor premier envoy representative founder
partner commissioner officer student teacher doctor pilot rector editor
anchor journalist correspondent chairperson chairwoman vice
""".split())
"""One-word titles ("Cosmonaut Roman Romanenko"); any other single word before a name is part of it."""

STYLED_TITLES = frozenset("""
king queen prince princess emir sheikh sultan emperor empress patriarch
metropolitan pope archbishop bishop cardinal mufti
""".split())
"""Titles that go with a given name and a place: "Patriarch Kirill of Moscow and All Russia"."""

INSTITUTION_WORDS = frozenset("""
region territory republic federation service group board council fund
committee commission company corporation bank ministry district office
agency union party court state university academy
development supervision affairs relations policy security defence trade
industry energy health healthcare education science culture justice finance
transport construction agriculture communications media technology
technologies resources protection emergencies relief labour sport sports
economy administration department directorate centre center institute
foundation club association organisation organization forces railways
duma chamber parliament assembly senate government cabinet holding holdings
""".split())
"""Words of an institution's or a field's name: never the first word of a person's name.

"Minister of Economic Development Maxim Reshetnikov" keeps "Development" in
the title, where "President of Turkey Recep Tayyip Erdogan" gives the name three words.
"""

NAME_PARTICLES = frozenset("de da del di du la le van der den von bin ibn al el y zu".split())

MAX_LABEL_CHARS = 160
"""The longest real label has 131 characters (the OPCW one below)."""
LABEL_RE = re.compile(r"^(?P<label>[^:\n]{1,%d}?)\s*:(?:(?=\s|$)|(?<=\):)(?=[A-Z]))" % MAX_LABEL_CHARS)
"""A label and its colon: a space after it, or, after a note, none ("Sebastian Kurz (retranslated):Mr President")."""
LATE_NOTE_RE = re.compile(r"\((?P<note>[^()]{1,40})\)\s*:\s*")
NOTE_RE = re.compile(r"\s*\((?P<note>[^()]*)\)?\s*$")
ABBREVIATION_RE = re.compile(r"\s*\([A-Z][A-Za-z]{1,9}\)")
INNER_NOTE_RE = re.compile(r"\s*\((?P<inner>[^()]{1,40})\)(?=\s+\S)")
"""A parenthetical with more of the label after it: "Founder of RTP Global (ru-Net Holdings) Leonid Boguslavsky"."""
TITLE_DASH_RE = re.compile(r"\s[–—](?=\s+[A-Z])")
"""A dash that joins two capitalised parts of a title: "Governor of Kemerovo Region – Kuzbass Sergei Tsivilev"."""
CAMEL_NAME_RE = re.compile(r"[A-Z][a-z]{2,}[A-Z][a-z]{2,}")
"""A name whose space was lost ("VladimirPutin"): one word, yet a person."""
WORD_RE = re.compile(r"[^\s,]+")
MAX_NAME_WORDS = 4
"""The most words a name takes after a title word ("President Jose Manuel Barroso")."""
MAX_LABEL_WORDS = 19
"""Words of the longest real label, an abbreviation such as "(OPCW)" not counted:
"Deputy Director General of the Technical Secretariat of the Organisation for
the Prohibition of Chemical Weapons (OPCW) Hamid Ali Rao"."""


_ODD_SPACES_RE = re.compile(r"[\s\u00a0\u2007\u202f\u200b]+")
_UNEVEN_SPACE_RE = re.compile(r"[^\S ]|\u200b|  ")
"""What _ODD_SPACES_RE would change: a space other than U+0020, or two in a row."""


def normalise_spaces(text: str) -> str:
    """NBSP and other odd spaces to one space, so labels compare equal."""
    # Most text has one plain space between words: nothing to do. Every space but U+0020, and
    # U+200B, is unprintable, so isprintable() (a C loop) tells it before the regex must.
    if (text.isprintable() and "  " not in text) or _UNEVEN_SPACE_RE.search(text) is None:
        return text.strip()
    return _ODD_SPACES_RE.sub(" ", text).strip()


def label_key(name: str) -> str:
    """A name as labels are compared: NFC, spaces normalised, casefolded."""
    return normalise_spaces(unicodedata.normalize("NFC", name)).casefold()


def split_label(line: str, known_names: frozenset[str] = frozenset(),
                speaker_names: frozenset[str] = frozenset()) -> tuple[Label, str] | None:
    """The label at the start of a paragraph and the speech after it, or None.

    `known_names` are casefolded names already seen as labels in this file:
    a one-word label is accepted only if it is generic or already known.
    `speaker_names` are the names and aliases of speakers.yaml (label_key):
    one of them before the colon is a label whatever the heuristics say.
    """
    match = LABEL_RE.match(line)
    if not match:
        return None
    printed = match.group("label")
    label = read_label(printed, known_names, speaker_names)
    if label is None:
        return None
    rest = line[match.end():].lstrip(" \t\u00a0")
    late = LATE_NOTE_RE.match(rest)
    if late and not label.note:
        # "Frank-Walter Steinmeier: (retranslated): Thank you": the note after the colon.
        label = replace(label, note=late.group("note"))
        rest = rest[late.end():]
    return label, rest


PERIOD_LABEL_RE = re.compile(r"^(?P<name>[A-Z][^.:!?\n]{2,60}?)\.\s+(?=[A-Z\"“(])")
RUN_ON_LABEL_RE = re.compile(r"[.?!…]\s+(?P<name>[A-Z][^.:!?\n]{2,60}?):\s")
_SENTENCE_END_RE = re.compile(r"[.?!…]")


def known_full_name(name: str, known_names: frozenset[str]) -> bool:
    """`name` is one this file's labels give, two words or more, and not a generic label."""
    name = normalise_spaces(name).strip()
    return len(name.split()) >= 2 and name.casefold() in known_names and name.casefold() not in GENERIC_LABELS


def split_period_label(line: str, known_names: frozenset[str]) -> tuple[Label, str] | None:
    """"Sebastian Kurz. Thank you very much …": a label written with a full stop for its colon,
    taken only when the name is one this file's labels give in full (known_names)."""
    match = PERIOD_LABEL_RE.match(line)
    if not match or not known_full_name(match.group("name"), known_names):
        return None
    label = read_label(match.group("name").strip(), known_names)
    return (label, line[match.end():]) if label is not None and not label.generic else None


def run_on_turns(text: str, known_names: frozenset[str]) -> list[str]:
    """A paragraph cut where, after a sentence, a name this file's labels give in full opens a
    turn: "… what is happening there. Vladimir Putin: Wait, maybe …" is two turns."""
    first_end = _SENTENCE_END_RE.search(text)
    if first_end is None or text.find(":", first_end.end()) < 0:  # most paragraphs, a label's colon first
        return [text]
    cuts = [m.start("name") for m in RUN_ON_LABEL_RE.finditer(text, first_end.start())
            if known_full_name(m.group("name"), known_names)]
    return [text[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(text)])] if cuts else [text]


@lru_cache(maxsize=1 << 16)  # a meeting repeats a few labels hundreds of times; Label is immutable
def read_label(printed: str, known_names: frozenset[str] = frozenset(),
               speaker_names: frozenset[str] = frozenset()) -> Label | None:
    """Split a would-be label into role, name and note; None if it is prose."""
    plain = normalise_spaces(printed)
    core, note = _split_note(plain)
    if not core or len(core) > MAX_LABEL_CHARS:
        return None
    if core.casefold() in GENERIC_LABELS:
        return Label(printed=printed.strip(), name=core, role="", note=note, generic=True)
    if core.casefold() in speaker_names:  # "Lukashenka": an editor listed it, so it is a name
        return Label(printed=printed.strip(), name=core, role="", note=note, generic=False)
    words = WORD_RE.findall(core)
    if not words or len(WORD_RE.findall(ABBREVIATION_RE.sub("", core))) > MAX_LABEL_WORDS:
        return None
    if not _reads_as_title_and_name(core, words):
        return None
    if len(words) == 1 and core.casefold() not in known_names and not CAMEL_NAME_RE.fullmatch(core):
        return None
    role, name = split_role_and_name(core, known_names)
    return Label(printed=printed.strip(), name=name, role=role, note=note, generic=False)


def name_suffixes(printed_labels, known_names: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Every string whose being a speaker name could change what read_label makes of these
    labels (LABEL_RE's "label" group) with these `known_names` besides, sorted: each one's
    casefolded core, and for a label of a title and a name, each part of it after a space
    longer than the longest that is a known name, but a last word after a first name.
    read_label asks whether the whole core is a name, and, of a label it reads as a title and
    a name whatever the names are, which is the longest name that ends it after a space (a
    known one ends it whatever the speaker names are; a shorter one could not be the
    longest; a surname is not split from a first name); nothing else of the names. A
    transcript's parse thus depends only on the speaker names among these
    (jobs.parse_sources): a name added to speakers.yaml parses again only the transcripts
    with a label it could split."""
    found = set()
    for printed in printed_labels:
        core = _split_note(normalise_spaces(printed))[0]
        folded, words = core.casefold(), core.split(" ")
        found.add(folded)
        label = read_label(printed, known_names)
        if label is None or label.generic:  # prose, or a role in the room: only a name of the whole core reads it
            continue
        for i, ch in enumerate(folded):
            if ch == " ":
                if folded[i + 1:] in known_names:
                    break
                if not _after_first_name(words, folded[i + 1:]):
                    found.add(folded[i + 1:])
    return tuple(sorted(found))


def label_core(label: Label) -> str:
    """The label without its note: title and name, spaces normalised."""
    return " ".join(part for part in (label.role, label.name) if part)


def _split_note(plain: str) -> tuple[str, str]:
    """ "Hamid Karzai (translated from Russian)" → ("Hamid Karzai", "translated from Russian")."""
    if "(" not in plain:
        return plain, ""
    match = NOTE_RE.search(plain)
    if match and "(" in plain[match.start():]:
        return plain[:match.start()].strip(), match.group("note").strip().rstrip(".")
    return plain, ""


def _reads_as_title_and_name(core: str, words: list[str]) -> bool:
    """True when the words look like "Title of Something Firstname Lastname"."""
    core = ABBREVIATION_RE.sub("", core)  # "Federation (FISU) President"
    for inner in INNER_NOTE_RE.finditer(core):
        if any(word.strip(".’'").casefold() in PROSE_WORDS for word in WORD_RE.findall(inner.group("inner"))):
            return False  # "what Ms Clinton wrote (somebody may have worked with her) after the ruling"
    core = TITLE_DASH_RE.sub("", INNER_NOTE_RE.sub("", core))
    words = WORD_RE.findall(core)
    if any(ch in core for ch in '?!"“”«»[]$%#;–—…()'):
        return False
    if re.search(r"\d", core):
        return False
    # A full stop is allowed only after an initial or a short abbreviation ("A. Voronin").
    for word in words:
        if word.endswith(".") and not re.fullmatch(r"[A-Z][a-z]?\.|Mr\.|Mrs\.|Ms\.|Dr\.|St\.|Jr\.", word):
            return False
    last = words[-1]
    if not any(part[:1].isupper() for part in last.split("-")):
        return False
    for index, word in enumerate(words):
        bare = word.strip(".’'").casefold()
        if bare in PROSE_WORDS and (index == 0 or not word[:1].isupper() or bare == "i"):
            return False
        if word[:1].isupper() or word[:1] in "’'":
            continue
        if bare in CONNECTORS or "-" in word:
            continue
        if index == 0 and bare in TITLE_STARTS:
            continue
        if index > 0 and _in_title_part(words, index):
            continue
        return False
    # "The United Kingdom", "The Community": a label never starts with "The".
    return words[0] != "The"


def _in_title_part(words: list[str], index: int) -> bool:
    """A lower-case common noun inside a title ("… District forces, Colonel …").

    Allowed only when a capitalised title word comes before it and a name of
    at least two capitalised words follows.
    """
    before = words[:index]
    after = words[index + 1:]
    capitals_after = [w for w in after if w[:1].isupper()]
    return any(w[:1].isupper() for w in before) and len(capitals_after) >= 2


def _split_title_of_place(words: list[str]) -> tuple[str, str] | None:
    """ "Patriarch Kirill of Moscow and All Russia" → ("Patriarch of Moscow and All Russia", "Patriarch Kirill").

    A monarch's or a cleric's title, a name of one or two words, then "of" and
    the place: the person is known by title and name ("King Abdullah II"),
    the role is the title of the place ("King of Jordan").
    """
    if words[0].casefold() not in STYLED_TITLES or "of" not in words:
        return None
    of = words.index("of")
    if not 2 <= of <= 3 or not all(w[:1].isupper() and w.casefold() not in TITLE_WORDS for w in words[1:of]):
        return None
    return " ".join([words[0], *words[of:]]), " ".join(words[:of])


def _may_start_name(word: str) -> bool:
    """A capitalised word that is neither a title nor an institution's word."""
    bare = word.casefold()
    return word[:1].isupper() and bare not in TITLE_WORDS and bare not in INSTITUTION_WORDS


def _name_after_title_word(words: list[str], start: int) -> int:
    """Where the name starts when capitalised words lead to it from a title or an institution.

    "European Commission President Jose Manuel Barroso", "President of the
    European Commission Jose Manuel Barroso": "Jose" follows the title word
    "President" or the institution's "Commission", so it is the name's first
    word, not the title's last.
    """
    first = start
    while (first > 1 and start - first < MAX_NAME_WORDS - 2 and _may_start_name(words[first - 1])
           and not words[first - 1].isupper() and words[first - 1].casefold() not in CONNECTORS
           and not words[first - 1].endswith((",", ")"))):
        first -= 1
    ends_title = words[first - 1].casefold() in TITLE_WORDS or words[first - 1].casefold() in INSTITUTION_WORDS
    return first if first < start and ends_title else start


def _after_first_name(words: list[str], name: str) -> bool:
    """A one-word name (a surname) that ends the label's words after what may be a first name."""
    return " " not in name and len(words) > 1 and _may_start_name(words[-2])


def split_role_and_name(core: str, known_names: frozenset[str] = frozenset()) -> tuple[str, str]:
    """ "President of Russia Vladimir Putin" → ("President of Russia", "Vladimir Putin").

    A known name that ends the label wins ("Recep Tayyip Erdogan", a label of the same
    file, or a name of speakers.yaml), but a one-word one only after a word that is not a
    first name: "President Putin", not "Vladimir Putin" (`Putin` listed as an alias).
    Otherwise the name is the last two capitalised words, with particles ("Van der
    Bellen", "bin Hamad Al Thani").
    """
    words = core.split(" ")
    folded = core.casefold()
    best = None
    for name in known_names:
        if (folded.endswith(" " + name) and (best is None or len(name) > len(best))
                and not _after_first_name(words, name)):
            best = name
    if best is not None:
        cut = len(core) - len(best)
        return core[:cut].strip(" ,"), core[cut:].strip()
    if len(words) <= 2:
        return "", core
    see = _split_title_of_place(words)
    if see is not None:
        return see
    start = len(words) - 2
    while start > 0 and (words[start].casefold() in NAME_PARTICLES
                         or words[start - 1].casefold() in NAME_PARTICLES):
        start -= 1
    if words[start].casefold() in CONNECTORS:
        return "", core  # "King Abdullah II of Jordan": no name to split off
    # "President of Turkey Recep Tayyip Erdogan": one country word after the
    # last "of", then a three-word name. Only a plain two-word name grows:
    # "of Abu Dhabi Mohammed Al Nahyan" already has its particles.
    connector = max((i for i, w in enumerate(words[:start]) if w.casefold() in CONNECTORS), default=-1)
    if (connector >= 0 and start - connector == 3 and start == len(words) - 2
            and words[start - 1][:1].isupper()
            and words[start - 1].casefold() not in INSTITUTION_WORDS
            and words[start - 2].casefold() not in INSTITUTION_WORDS):
        start -= 1
    # "… Chemical Weapons (OPCW) Hamid Ali Rao": the name starts after the abbreviation.
    if start >= 2 and words[start - 2].endswith(")") and _may_start_name(words[start - 1]):
        start -= 1
    start = _name_after_title_word(words, start)
    take = len(words) - start
    role = " ".join(words[:-take]).strip(" ,")
    name = " ".join(words[-take:])
    if not role or role.rsplit(" ", 1)[-1].casefold() in CONNECTORS:
        return "", core  # "Patriarch Kirill of Moscow and All Russia"
    if (" " not in role and not words[-take - 1].endswith(",")
            and role.casefold() not in TITLE_WORDS):
        return "", core  # "Recep Tayyip Erdogan", "Ann Maria Simmons": a three-word name
    return role, name
