"""Parser cases from tests/fixtures/parser_cases.txt, one case per block.

The file's format (see its header) is read here: each case gives an input
transcript and what it must parse into — the turns' labels split into
name, role and note, the document's blocks, the metadata, or the exact
problems with their file lines. A failing case prints what the parser made,
in the same notation, so it can be compared line by line or pasted back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator.labels import normalise_spaces
from generator.model import Meeting, Paragraph, SectionBreak, Source, Turn
from generator.parse import parse_with_problems

CASES_FILE = Path(__file__).parent / "fixtures" / "parser_cases.txt"
SECTIONS = ("path", "input", "turns", "blocks", "meta", "problems")
ESCAPE_RE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|r|\\)")


@dataclass
class Case:
    name: str
    line: int
    """Line of the case's `===` header in the fixture file."""
    sections: dict[str, list[str]] = field(default_factory=dict)


def read_cases(text: str) -> list[Case]:
    cases: list[Case] = []
    section = None
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("=== "):
            cases.append(Case(line[4:].strip(), number))
            section = None
            continue
        if not cases:
            continue  # the file's header
        header = re.fullmatch(r"--- (\w+)\s*", line)
        if header:
            section = header.group(1)
            assert section in SECTIONS, f"{CASES_FILE.name}:{number}: unknown section {section!r}"
            cases[-1].sections[section] = []
        elif section is not None:
            cases[-1].sections[section].append(line)
        else:
            assert not line.strip(), f"{CASES_FILE.name}:{number}: text outside a section"
    for case in cases:
        for lines in case.sections.values():
            while lines and not lines[-1].strip():
                lines.pop()
    return cases


def unescape(text: str) -> str:
    """`\\xa0`, `\\u0308`, `\\r` and `\\\\` in inputs stand for the characters a file may hide."""
    def one(match: re.Match) -> str:
        code = match.group(1)
        if code == "r":
            return "\r"
        if code == "\\":
            return "\\"
        return chr(int(code[1:], 16))
    return ESCAPE_RE.sub(one, text)


def show_turns(meeting: Meeting) -> list[str]:
    out = []
    for turn in meeting.turns:
        label = turn.label
        line = f"{normalise_spaces(label.printed)} → {label.name} | {label.role} | {label.note}"
        out.append(line + (" | generic" if label.generic else ""))
    return out


def show_paragraph(paragraph: Paragraph, indent: str = "") -> str:
    return f"{indent}{paragraph.kind} @{paragraph.line}: {normalise_spaces(paragraph.text)}"


def show_blocks(meeting: Meeting) -> list[str]:
    out = []
    for block in meeting.blocks:
        if isinstance(block, SectionBreak):
            out.append(f"break @{block.line}")
        elif isinstance(block, Turn):
            out.append(f"turn {block.label.name} @{block.line}")
            out.extend(show_paragraph(p, "  ") for p in block.paragraphs)
        else:
            out.append(show_paragraph(block))
    return out


def line_matches(expected: str, actual: str) -> bool:
    """Equal, except that `@line` may be left out and text after ": " is a prefix."""
    if len(expected) - len(expected.lstrip()) != len(actual) - len(actual.lstrip()):
        return False  # indentation says which turn a paragraph belongs to
    expected_head, sep, expected_text = normalise_spaces(expected).partition(": ")
    actual_head, _, actual_text = normalise_spaces(actual).partition(": ")
    if "@" not in expected_head:
        actual_head = re.sub(r" @\d+$", "", actual_head)
    return actual_head == expected_head and (not sep or actual_text.startswith(expected_text))


def compare(what: str, expected: list[str], actual: list[str], case: Case) -> None:
    mismatch = len(expected) != len(actual) or not all(
        line_matches(e, a) for e, a in zip(expected, actual))
    if mismatch:
        shown = "\n".join(a if len(a) < 110 else a[:107] + "…" for a in actual)
        expected_text = "\n".join(expected)
        pytest.fail(f"{CASES_FILE.name}:{case.line}: {case.name}: {what} differ.\n"
                    f"--- expected\n{expected_text}\n--- parsed\n{shown}", pytrace=False)


CASES = read_cases(CASES_FILE.read_text(encoding="utf-8"))


def test_fixture_file_is_well_formed():
    assert len(CASES) >= 25
    names = [c.name for c in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    for case in CASES:
        assert "input" in case.sections, f"line {case.line}: a case needs an input"
        assert set(case.sections) & {"turns", "blocks", "meta", "problems"}, f"line {case.line}: nothing expected"


@pytest.mark.parametrize("case", CASES, ids=[re.sub(r"\W+", "-", c.name).strip("-")[:60] for c in CASES])
def test_parser_case(case: Case):
    path = (case.sections.get("path") or ["transcripts/case.txt"])[0].strip()
    text = unescape("\n".join(case.sections["input"]) + "\n")
    meeting, problems = parse_with_problems(Source(path, text))
    if "problems" in case.sections:
        compare("problems", case.sections["problems"], [str(p) for p in problems], case)
    else:
        errors = [str(p) for p in problems if not p.warning]
        assert not errors, f"{CASES_FILE.name}:{case.line}: unexpected errors: {errors}"
    if meeting is None:
        assert not set(case.sections) & {"turns", "blocks", "meta"}, "no meeting was built"
        return
    if "turns" in case.sections:
        compare("turns", case.sections["turns"], show_turns(meeting), case)
    if "blocks" in case.sections:
        compare("blocks", case.sections["blocks"], show_blocks(meeting), case)
    if "meta" in case.sections:
        actual = [f"{key}: {getattr(meeting, key)}" for key, _, _ in
                  (line.partition(": ") for line in case.sections["meta"])]
        assert actual == case.sections["meta"], f"{CASES_FILE.name}:{case.line}: {case.name}"
