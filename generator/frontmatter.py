"""YAML front matter: split it off, load it safely, check every field's type.

Errors carry the line in the transcript file, so an editor can jump to it.
"""
from __future__ import annotations

import datetime as dt
import re

import yaml
from yaml.constructor import ConstructorError

from .labels import read_label
from .model import Participant, Problem


class SafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's safe loader when PyYAML was built with it (ten times faster).

    PyYAML builds a date like 2023-02-30 with `datetime.date` and lets its
    ValueError escape; here it is a YAML error with the value's line.
    """

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            raise ConstructorError(None, None, f"{node.value!r} is not a real date or time ({error})",
                                   node.start_mark) from None

    def construct_object(self, node, deep=False):
        """A value its tag cannot take ("!!int abc", "!!bool maybe", an integer of 5,000 digits)
        raises whatever Python raises for it; here it is a YAML error at the value's line."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, KeyError, IndexError, AttributeError, TypeError, OverflowError) as error:
            tag = node.tag.rpartition(":")[2]
            raise ConstructorError(None, None, f"{shortened(str(node.value))!r} cannot be read as {tag}",
                                   node.start_mark) from None

    def construct_mapping(self, node, deep=False):
        """A key written twice keeps only its last value: refused, as the first's content would be lost."""
        repeated = repeated_key(node)
        if repeated is not None:
            raise ConstructorError(None, None, repeated_message(repeated), repeated.start_mark)
        return super().construct_mapping(node, deep)


def shortened(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def repeated_key(node: yaml.MappingNode) -> yaml.ScalarNode | None:
    """The first key of a mapping written a second time in it (merge keys, "<<", aside)."""
    seen = set()
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
            if key.value in seen:
                return key
            seen.add(key.value)
    return None


def repeated_message(key: yaml.ScalarNode) -> str:
    return f"key {shortened(key.value)!r} is written twice in one mapping; the first one's value would be lost"


def repeated_key_problems(root: yaml.Node | None, path: str, deep: bool = True) -> list[Problem]:
    """repeated_key over a composed document (glossary.yaml and speakers.yaml are read as nodes,
    never constructed), or over `root` alone unless `deep`. Each node once: an alias would
    otherwise be walked as often as it is used."""
    problems, seen, stack = [], set(), [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            repeated = repeated_key(node)
            if repeated is not None:
                problems.append(Problem(path, node_line(repeated), f"invalid YAML: {repeated_message(repeated)}"))
            stack += [value for _, value in node.value] if deep else []
        elif isinstance(node, yaml.SequenceNode) and deep:
            stack += node.value
    return sorted(problems, key=lambda problem: problem.line)


SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", SafeLoader.construct_yaml_timestamp)
SAFE_LOADER = SafeLoader
MAX_YAML_DEPTH = 100
"""Deepest nesting accepted. libyaml overflows the C stack (a segfault, not an
error) near 30,000 levels and the pure-Python loader hits the recursion limit
near 300; no real file nests more than five."""
FLOW_RE = re.compile(r"[\[\]{}]")
BLOCK_RE = re.compile(r"^(?: |[-?:] ){%d}" % (2 * MAX_YAML_DEPTH), re.MULTILINE)
"""A line indented, or opened with `- `/`? `/`: ` indicators, deeper than 2 × MAX_YAML_DEPTH columns."""
FIELDS = ("title", "date", "time", "place", "summary", "source", "topics",
          "participants", "language")
FENCE = re.compile(r"^---[ \t]*$")
SOURCE_RE = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)
"""An http(s) URL without spaces, quotes or angle brackets: what a source or base URL may be."""
SPLIT_ORDINAL_RE = re.compile(r"(?<=\d) (st|nd|rd|th)\b")
"""kremlin.ru's "23<sup>rd</sup>", its tags stripped: "23 rd" (in 9 of the corpus's summaries)."""
SPACE_BEFORE_STOP_RE = re.compile(r"(?<=\w) +(?=[.,;!?](?:\s|$))")
"""An italic title that ended a sentence, its tags stripped: "… to Cooperation ."."""
SPACES_RE = re.compile(r"\s{2,}")
"""A no-break space and a space side by side ("The\u00a0 20 Questions"): two gaps on the page."""
TIDIED = ("title", "summary")
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")
"""A BCP 47 language tag (en, en-GB, zh-Hant-TW), as `lang` attributes need."""


def split_front_matter(text: str) -> tuple[str | None, str, int, bool]:
    """(yaml text or None, body, line where the body starts, fence closed).

    Front matter opens with `---` on the first line and closes with the next
    `---` line.
    """
    lines = text.split("\n")
    if not lines or not FENCE.match(lines[0]):
        return None, text, 1, True
    for index in range(1, len(lines)):
        if FENCE.match(lines[index]):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2, True
    return "\n".join(lines[1:]), "", len(lines) + 1, False


def nesting_problem(text: str, path: str, first_line: int) -> Problem | None:
    """A Problem if the YAML nests deeper than MAX_YAML_DEPTH, checked before any loader sees it.

    Flow brackets are counted as if no quotes hid them, which errs on the
    side of refusing; it is cheap unless the text holds many brackets.
    """
    match = BLOCK_RE.search(text)
    at = match.start() if match else None
    if sum(text.count(c) for c in "[{") > MAX_YAML_DEPTH:
        depth = 0
        for bracket in FLOW_RE.finditer(text):
            depth = depth + 1 if bracket.group() in "[{" else max(depth - 1, 0)
            if depth > MAX_YAML_DEPTH:
                at = bracket.start() if at is None else min(at, bracket.start())
                break
    if at is None:
        return None
    return Problem(path, first_line + text.count("\n", 0, at),
                   f"invalid YAML: nested more than {MAX_YAML_DEPTH} levels deep")


def load_yaml(text: str, path: str, first_line: int) -> tuple[object, list[Problem]]:
    """Safe-load YAML; a syntax error becomes a Problem at its line in the file."""
    too_deep = nesting_problem(text, path, first_line)
    if too_deep:
        return None, [too_deep]
    try:
        return yaml.load(text, Loader=SAFE_LOADER), []
    except RecursionError:
        return None, [Problem(path, first_line, "invalid YAML: nested too deeply")]
    except yaml.YAMLError as error:
        return None, [yaml_problem(error, path, text, first_line)]


def yaml_problem(error: yaml.YAMLError, path: str, text: str, first_line: int = 1) -> Problem:
    """A YAML error as a Problem at its line in the file (`text` starts at `first_line`)."""
    reason = getattr(error, "problem", None) or str(error).split("\n")[0]
    context = getattr(error, "context", None)
    if context:
        reason = f"{reason} ({context})"
    return Problem(path, first_line + yaml_error_line(error, text), f"invalid YAML: {reason}")


def mark_line(mark: yaml.Mark, text: str | None = None) -> int:
    """0-based line of a YAML mark in `text` (or the mark's own buffer), counting "\\n" only: YAML
    also breaks lines at U+0085, U+2028 and U+2029, which editors show inside a line, so its own
    count can point past the file. libyaml's marks carry no buffer: pass the text."""
    buffer = text if text is not None else getattr(mark, "buffer", None)
    return buffer.count("\n", 0, mark.index) if isinstance(buffer, str) else mark.line


def node_line(node: yaml.Node, text: str | None = None) -> int:
    """1-based line where a YAML node starts."""
    return mark_line(node.start_mark, text) + 1


def yaml_error_line(error: yaml.YAMLError, text: str) -> int:
    """0-based line of a YAML error within `text`.

    An error found only at the end of the text, or an unclosed quote or
    bracket, points where the unclosed thing began: that is the line to fix,
    not the closing `---` fence or the next key.
    """
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        if isinstance(error, yaml.reader.ReaderError):  # a character YAML refuses, at its place
            return text.count("\n", 0, error.position)
        return 0
    last = text.count("\n")
    context = getattr(error, "context_mark", None)
    unclosed = str(getattr(error, "context", "")).startswith(("while parsing a flow", "while scanning a quoted"))
    if context is not None and (unclosed or mark_line(mark, text) > last or mark.index >= len(text.rstrip())):
        return min(mark_line(context, text), last)
    return min(mark_line(mark, text), last)


def key_lines(yaml_text: str, first_line: int) -> dict[str, int]:
    """The file line of each top-level key, for messages about its value."""
    lines = {}
    for offset, line in enumerate(yaml_text.split("\n")):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match and match.group(1) not in lines:
            lines[match.group(1)] = first_line + offset
    return lines


def read_front_matter(text: str, path: str) -> tuple[dict, str, int, list[Problem]]:
    """Validated metadata, the body, the body's first line, and any problems."""
    raw, body, body_line, closed = split_front_matter(text)
    if raw is None:
        return {}, body, body_line, []
    if not closed:
        return {}, "", body_line, [Problem(path, 1, "front matter is not closed with a '---' line")]
    data, problems = load_yaml(raw, path, 2)
    if problems:
        return {}, body, body_line, problems
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return {}, body, body_line, [Problem(path, 2, "front matter must be a mapping of fields")]
    lines = key_lines(raw, 2)
    meta, problems = check_fields(data, path, lines)
    return meta, body, body_line, problems


def check_fields(data: dict, path: str, lines: dict[str, int]) -> tuple[dict, list[Problem]]:
    """Each known field checked for its type; unknown fields are a warning."""
    meta: dict = {}
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(path, lines.get(key, 2), message))

    for key, value in data.items():
        key = str(key)
        if key not in FIELDS:
            problems.append(Problem(path, lines.get(key, 2),
                                    f"unknown front matter field {key!r}", warning=True))
            continue
        if value is None:
            continue
        if key == "date":
            if isinstance(value, dt.datetime):
                value = value.date()
            if isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value.strip())
                except ValueError:
                    bad(key, f"date must be an ISO date like 2023-02-17, not {value!r}")
                    continue
            if not isinstance(value, dt.date):
                bad(key, f"date must be an ISO date like 2023-02-17, not {value!r}")
                continue
            meta[key] = value
        elif key == "time":
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
                value = f"{value // 60:02d}:{value % 60:02d}"  # YAML 1.1 reads 15:00 as 900
            if not isinstance(value, str):
                bad(key, f"time must be text like \"15:00\", not {value!r}")
                continue
            meta[key] = value.strip()
        elif key == "topics":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                bad(key, "topics must be a list of names")
                continue
            meta[key] = tuple(v.strip() for v in value)
        elif key == "participants":
            participants = _participants(value)
            if participants is None:
                bad(key, "participants must be a list of names or of {name, role} entries")
                continue
            meta[key] = participants
        else:
            if isinstance(value, (int, float)) and not isinstance(value, bool) and key != "source":
                value = str(value)
            if not isinstance(value, str):
                bad(key, f"{key} must be text, not {type(value).__name__}")
                continue
            if key == "source" and not SOURCE_RE.match(value.strip()):
                # The source becomes a link: a javascript: or data: URL would run when clicked.
                bad(key, f"source must be an http(s) URL, not {value.strip()!r}")
                continue
            if key == "language" and value.strip() and not LANGUAGE_RE.match(value.strip()):
                bad(key, f"language must be a language tag like en or en-GB, not {value.strip()!r}")
                continue
            meta[key] = tidy_published(value.strip()) if key in TIDIED else value.strip()
    return meta, problems


def tidy_published(text: str) -> str:
    """A title or summary as published, before the page's tags were stripped from it: "23 rd"
    made "23rd" again, one space where there were more, none before a full stop. The
    transcript's own text is kept as given."""
    return SPACE_BEFORE_STOP_RE.sub("", SPLIT_ORDINAL_RE.sub(r"\1", SPACES_RE.sub(" ", text)))


def participant_of(text: str) -> Participant:
    """A participant named as a speaker's label would be ("Finance Minister Anton Siluanov"), or
    name first ("Anton Siluanov, Finance Minister"): the name, to find the person by, and the
    role apart. Text that is no label ("Lukashenka", "Question") stays the name as given."""
    name, _, after = text.partition(",")
    label = read_label(name.strip())
    if label is None or label.generic:
        return Participant(name=text, role="")
    return Participant(name=label.name, role=label.role or after.strip())


def _participants(value: object) -> tuple[Participant, ...] | None:
    if not isinstance(value, list):
        return None
    out = []
    for item in value:
        if isinstance(item, str) and item.strip():
            out.append(participant_of(item.strip()))
        elif isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
            role = item.get("role", "")
            if not isinstance(role, str) or not set(item) <= {"name", "role"}:  # "roel": the role lost
                return None
            out.append(Participant(name=item["name"].strip(), role=role.strip()))
        else:
            return None
    return tuple(out)
