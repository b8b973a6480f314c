"""Transcript text in, a Meeting out. Pure: no disk, no globals.

The body is read as a sequence of paragraphs (one per line in .txt, blank-line
separated in .md, where a line that opens a turn or defines a footnote
begins one too), each classified by the rules of DESIGN.md: section breaks,
omissions, speaker turns, stage directions, sub-headings, and the rest as
speech (inside a turn) or preamble (before the first turn).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import replace

from .frontmatter import read_front_matter
from .labels import (LABEL_RE, label_core, name_suffixes, normalise_spaces, read_label, run_on_turns, split_label,
                     split_period_label)
from .mdtext import FOOTNOTE_DEF_RE, plain_and_spans, split_footnotes, unbold_label
from .model import ContentErrors, Label, Meeting, Paragraph, Problem, SectionBreak, Source, Turn, file_name
from .slugs import slugify

MAX_CHARS = 5_000_000
"""A transcript larger than this is refused: the longest real one is 233k characters."""
MAX_LINE = 50_000
"""A paragraph longer than this is refused (the longest real one is under 10k)."""
MAX_LINES = 50_000
"""A transcript with more lines than this is refused (the longest real one has 1,743):
millions of one-character paragraphs would fit under MAX_CHARS yet take minutes to build."""

BREAK_RE = re.compile(r"^[*_\s]*\*\s*\*\s*\*[*_\s]*$")
OMISSION_RE = re.compile(r"^[*_\s]*(<\s*(…|\.\.\.)\s*>|\\?<\s*(…|\.\.\.)\s*\\?>)[*_\s]*$")
STAGE_LINE_RE = re.compile(r"^\((?P<text>[^()]{1,400})\)\.?$")
"""A paragraph that is all one parenthesis: a stage direction or the editor's summary of a passage
("(Mr Sokolov went on to speak about …)", up to 400 characters in the corpus)."""
DATE_STEM_RE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})(?:[-_ ]+(?P<rest>.*))?$")
FORBIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
"""Control characters, and the two noncharacters XML refuses (a feed with U+FFFF is not XML)."""
BIDI_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")
UNDEFINED_FOOTNOTE_RE = re.compile(r"\[\^([^\]\s]{1,40})\]")
"""A footnote's reference left in a .md paragraph's text: its label is not defined."""
HEADING_PERSONS = frozenset("i we us our you your my me".split())


def normalise_text(text: str) -> str:
    """BOM off, CRLF and lone CR to LF, Unicode NFC (NFD files compare equal)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def parse_transcript(source: Source, speaker_names: frozenset[str] = frozenset()) -> Meeting:
    """Parse one transcript; raises ContentErrors with every problem found."""
    meeting, problems = parse_with_problems(source, speaker_names)
    errors = [p for p in problems if not p.warning]
    if errors or meeting is None:
        raise ContentErrors(errors or problems)
    return meeting


def parse_with_problems(source: Source, speaker_names: frozenset[str] = frozenset()
                        ) -> tuple[Meeting | None, list[Problem]]:
    """The meeting (None if it cannot be built) and all problems, warnings included.

    `speaker_names`: the names and aliases of speakers.yaml (speakers_file.speaker_names);
    a paragraph that starts with one of them and a colon opens a turn.
    """
    meeting, problems, _ = parse_naming(source, speaker_names)
    return meeting, problems


def parse_naming(source: Source, speaker_names: frozenset[str] = frozenset()
                 ) -> tuple[Meeting | None, list[Problem], tuple[str, ...]]:
    """parse_with_problems, and the only strings whose being among `speaker_names` or not
    could change it (labels.name_suffixes of its labels; none when it stops before its body)."""
    path = source.path
    if len(source.text) > MAX_CHARS:
        return None, [Problem(path, 1, f"transcript is larger than {MAX_CHARS:,} characters")], ()
    text = normalise_text(source.text)
    if text.count("\n") > MAX_LINES:
        return None, [Problem(path, MAX_LINES + 1, f"transcript has more than {MAX_LINES:,} lines "
                                                    "(paragraphs); split it into several files")], ()
    problems = _character_problems(text, path)
    meta, body, body_line, meta_problems = read_front_matter(text, path)
    problems += meta_problems
    if any(not p.warning for p in problems):
        return None, problems, ()
    stem = stem_of(path)
    markdown = path.endswith(".md")
    blocks, body_problems, footnotes, suffixes = parse_body(body, body_line, path, markdown, speaker_names)
    problems += body_problems
    title, date = meta.get("title", ""), meta.get("date")
    stem_date, stem_title = _from_stem(stem)
    if not title:
        title = stem_title or stem
        problems.append(Problem(path, 1, "no title in front matter; using the file name", warning=True))
    if date is None:
        date = stem_date
        if date is None:
            problems.append(Problem(path, 1, "no date in front matter or file name", warning=True))
    if not any(isinstance(b, (Paragraph, Turn)) for b in blocks):
        last_line = text.count("\n") + 1  # a file that ends with its front matter has no body line
        problems.append(Problem(path, min(body_line, last_line), "transcript has no text", warning=True))
    meeting = Meeting(
        path=path, stem=stem, slug=slugify(stem), title=title, date=date,
        time=meta.get("time", ""), place=meta.get("place", ""),
        summary=meta.get("summary", ""), source=meta.get("source", ""),
        topics=meta.get("topics", ()), participants=meta.get("participants", ()),
        language=meta.get("language", ""), blocks=tuple(blocks), markdown=markdown,
        footnotes=footnotes,
    )
    return meeting, problems, suffixes


def shown_at(parsed: tuple[Meeting | None, list[Problem]], path: str) -> tuple[Meeting | None, list[Problem]]:
    """A parse of parse_with_problems, its file shown as `path`: the build cache keeps one parse
    of a file whatever folder the build runs in (uptodate.transcript_key), while the path
    messages show is relative to that folder (read.display_path)."""
    meeting, problems = parsed
    shown = meeting.path if meeting is not None else next((p.path for p in problems), path)
    if shown == path:
        return parsed
    return (replace(meeting, path=path) if meeting is not None else None,
            [replace(p, path=path) if p.path == shown else p for p in problems])


def _character_problems(text: str, path: str) -> list[Problem]:
    lines = text.split("\n")
    if FORBIDDEN_RE.search(text) is None and BIDI_RE.search(text) is None and max(map(len, lines)) <= MAX_LINE:
        return []  # the whole text at once, in C: a line at a time cost 1% of a build
    problems = []
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE:
            problems.append(Problem(path, number, f"line is longer than {MAX_LINE:,} characters"))
        forbidden = FORBIDDEN_RE.search(line)
        if forbidden and forbidden.group() in "\ufffe\uffff":
            problems.append(Problem(path, number, f"noncharacter U+{ord(forbidden.group()):04X} in text"))
        elif forbidden:
            problems.append(Problem(path, number, "control character (such as NUL) in text"))
        if BIDI_RE.search(line):
            problems.append(Problem(path, number, "bidirectional override character in text"))
    return problems


def stem_of(path: str) -> str:
    """"content/transcripts/2023-02-17_70530.txt" → "2023-02-17_70530": what names a meeting's notes."""
    name = file_name(path)
    return name.rsplit(".", 1)[0] if "." in name else name


def _from_stem(stem: str) -> tuple[dt.date | None, str]:
    """ "2023-02-17-meeting-with-lukashenko" → (2023-02-17, "Meeting with lukashenko").

    A kremlin.ru file is named by date and page number, "2023-02-17_70530":
    its title is the number, "70530", not the whole file name.
    """
    match = DATE_STEM_RE.match(stem)
    rest = stem
    date = None
    if match:
        try:
            date = dt.date.fromisoformat(match.group("date"))
            rest = match.group("rest") or ""
        except ValueError:
            pass
    words = re.sub(r"[-_]+", " ", rest).strip()
    return date, words[:1].upper() + words[1:]


def text_paragraphs(body: str, first_line: int) -> list[tuple[int, str]]:
    """(line, text) per paragraph of a .txt body: one per line."""
    return [(first_line + offset, line.strip()) for offset, line in enumerate(body.split("\n")) if line.strip()]


def markdown_blocks(body: str, first_line: int) -> tuple[list[list[tuple[int, str]]], frozenset[int]]:
    """The (line, text) of each line of each blank-line block of a Markdown body, and the lines
    that begin a block indented by four columns or more (a footnote's further paragraph)."""
    blocks: list[list[tuple[int, str]]] = [[]]
    indented = set()
    for offset, line in enumerate(body.split("\n")):
        text = line.strip()
        if text:
            if not blocks[-1] and len(line[:len(line) - len(line.lstrip(" \t"))].expandtabs(4)) >= 4:
                indented.add(first_line + offset)
            blocks[-1].append((first_line + offset, text))
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block], frozenset(indented)


def markdown_paragraphs(blocks: list[list[tuple[int, str]]], opens_paragraph) -> list[tuple[int, str]]:
    """The blocks' lines joined into paragraphs, Markdown's way, but that a line for which
    `opens_paragraph(text)` holds (a speaker's label, a footnote's definition) begins a new
    one: `Vladimir Putin: Hello.` under `Alexander Lukashenko: Hi.` is a turn of its own, as in
    a .txt transcript, and `[^2]: …` under `[^1]: …` a second footnote, as mdit-py-plugins reads them."""
    out: list[tuple[int, str]] = []
    for block in blocks:
        start, pending = block[0][0], [block[0][1]]
        for line, text in block[1:]:
            if opens_paragraph(text):
                out.append((start, " ".join(pending)))
                start, pending = line, []
            pending.append(text)
        out.append((start, " ".join(pending)))
    return out


def parse_body(body: str, first_line: int, path: str, markdown: bool = False,
               speaker_names: frozenset[str] = frozenset()):
    """Blocks (paragraphs, turns, breaks) of the body, problems found, footnotes, and the
    labels' labels.name_suffixes."""
    footnotes: dict[str, tuple[int, str]] = {}
    repeated: list[tuple[int, str, int]] = []
    if markdown:
        blocks_of_lines, indented = markdown_blocks(body, first_line)
        lines = [(line, unbold_label(text)) for block in blocks_of_lines for line, text in block]
    else:
        lines = paragraphs = text_paragraphs(body, first_line)
    printed = {match.group("label") for match in (LABEL_RE.match(text) for _, text in lines) if match}
    short = _short_names(printed)
    known = short | speaker_names
    if markdown:
        paragraphs, footnotes, repeated = split_footnotes(markdown_paragraphs(
            blocks_of_lines, lambda text: bool(FOOTNOTE_DEF_RE.match(text))
            or split_label(unbold_label(text), known, speaker_names) is not None), indented)
        paragraphs = [(line, unbold_label(text)) for line, text in paragraphs]
    # the file's own labels only (short), not speakers.yaml's names: a cached parse is keyed by those
    # of them its labels end with (name_suffixes), and these paragraphs have no label yet
    paragraphs = [(line, part) for line, text in paragraphs for part in run_on_turns(text, short)]
    blocks: list = []
    problems: list[Problem] = []
    turn: dict | None = None  # the open turn: label, line, paragraphs, continued
    resume: Label | None = None  # the speaker an omission cut off
    counter = {"paragraph": 0, "turn": 0}
    seen_turn = False
    labels = frozenset(footnotes)

    def close_turn() -> None:
        nonlocal turn
        if turn is not None:
            counter["turn"] += 1
            blocks.append(Turn(number=counter["turn"], label=turn["label"], paragraphs=tuple(turn["paragraphs"]),
                               line=turn["line"], continued=turn["continued"]))
            turn = None

    def paragraph(kind: str, text: str, line: int) -> Paragraph:
        counter["paragraph"] += 1
        spans: tuple = ()
        if markdown and kind != "omission":
            text, spans = plain_and_spans(text, labels)
        return Paragraph(number=counter["paragraph"], kind=kind, text=text, line=line,
                         words=len(text.split()), format=spans)

    for line, text in paragraphs:
        plain = normalise_spaces(text)
        if BREAK_RE.match(plain):
            close_turn()
            resume = None
            blocks.append(SectionBreak(line=line))
            continue
        if OMISSION_RE.match(plain):
            if turn is not None:
                resume = turn["label"]
            close_turn()
            blocks.append(paragraph("omission", text, line))
            continue
        labelled = split_label(text, known, speaker_names) or split_period_label(text, short)
        if labelled is not None:
            label, rest = labelled
            close_turn()
            resume = None
            seen_turn = True
            turn = {"label": label, "line": line, "paragraphs": [], "continued": False}
            if rest:
                turn["paragraphs"].append(paragraph(_speech_kind(rest), rest, line))
            continue
        if turn is not None and STAGE_LINE_RE.match(plain):
            turn["paragraphs"].append(paragraph("stage", text, line))
            continue
        heading = markdown_heading(text) if markdown else None
        if heading is not None or (not markdown and is_heading(plain)):  # Markdown marks its headings
            close_turn()
            resume = None
            blocks.append(paragraph("heading", heading if heading is not None else text, line))
            continue
        if turn is None and resume is not None:
            # After "<…>" the cut-off speaker goes on: a new turn, marked as continued.
            turn = {"label": resume, "line": line, "paragraphs": [], "continued": True}
            resume = None
        if turn is not None:
            turn["paragraphs"].append(paragraph("speech", text, line))
        else:
            kind = "stage" if STAGE_LINE_RE.match(plain) else ("text" if seen_turn else "preamble")
            blocks.append(paragraph(kind, text, line))
    close_turn()
    if markdown:
        problems += footnote_problems(blocks, footnotes, path, repeated)
    return (blocks, problems, tuple((label, line, text) for label, (line, text) in sorted(footnotes.items())),
            name_suffixes(printed, short))


def markdown_heading(text: str) -> str | None:
    """ "## Part 2" → "Part 2"; None for anything else."""
    match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", text)
    return match.group(1) if match else None


def footnote_problems(blocks, footnotes: dict, path: str, repeated=()) -> list[Problem]:
    """A footnote defined but never referenced is a warning, its text would be lost; so is a
    reference to one never defined, left in the text as "[^2]". A label defined twice is an
    error (split_footnotes): the first definition would be shown where the second was meant,
    and the second's text lost."""
    used = set()
    problems = [Problem(path, line, f"footnote [^{label}] is already defined at line {first}; "
                                    "this definition would be lost (give it a label of its own)")
                for line, label, first in repeated]
    for block in blocks:
        if isinstance(block, SectionBreak):
            continue
        for paragraph in (block.paragraphs if isinstance(block, Turn) else (block,)):
            used.update(span.value for span in paragraph.format if span.tag == "fnref")
            problems += [Problem(path, paragraph.line, f"footnote [^{label}] is never defined", warning=True)
                         for label in dict.fromkeys(UNDEFINED_FOOTNOTE_RE.findall(paragraph.text))]
    problems += [Problem(path, line, f"footnote [^{label}] is never referenced", warning=True)
                 for label, (line, _) in sorted(footnotes.items()) if label not in used]
    return sorted(problems, key=lambda problem: problem.line)


def _speech_kind(text: str) -> str:
    return "stage" if STAGE_LINE_RE.match(normalise_spaces(text)) else "speech"


def _short_names(printed: set[str]) -> frozenset[str]:
    """Every label of this file (`printed`: LABEL_RE's "label" of each paragraph), title
    included, casefolded.

    A titled first label ("President of Turkey Recep Tayyip Erdogan") is split
    where a shorter label of the same file ("Recep Tayyip Erdogan") begins,
    and a one-word label is let through only when it is seen elsewhere.
    """
    names = set()
    for text in printed:  # each distinct label once: a long meeting repeats a few names hundreds of times
        label = read_label(text)
        if label is not None and not label.generic:
            names.add(label_core(label).casefold())
    return frozenset(names)


def is_heading(plain: str) -> bool:
    """A short line without closing punctuation that reads as a sub-heading.

    "Beginning of meeting with President of Egypt Mohammed Morsi", "Part 1.
    The Kremlin, Moscow" — but not a sentence cut short ("Welcome to Moscow")
    nor anything in the first or second person.
    """
    if not plain or len(plain) > 160 or not plain[0].isupper():
        return False
    if plain[-1] in ".?!…:;,”\"»)–-—'’" or plain.startswith(("(", "[", "<", "*", "#", "“", '"')):
        return False
    words = plain.split()
    if len(words) > 20 or len(words) < 2:
        return False
    if re.search(r"[.?!] [A-Z]", plain) and not re.match(r"^Part \d+\.", plain):
        return False
    return not any(w.strip(",.").casefold() in HEADING_PERSONS for w in words)
