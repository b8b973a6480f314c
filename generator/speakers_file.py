"""content/speakers.yaml: what editors know about speakers, read with line numbers.

The file is optional. It is a list of people, each with a canonical `name`
and any of `aliases` (other spellings and transliterations, `Mr Putin`,
`Lukashenka`), `roles` (each `role` with optional `from`/`to` ISO dates),
a Markdown `bio`, an official `link`, a pinned `slug` a `sort_as` name
for the A–Z order, and `meetings` (transcript file stems) to which the aliases
are limited: two people who share a printed name ("Dmitry Peskov" the press
secretary and "Dmitry Peskov" the digital envoy) are told apart that way. What it says overrides what labels suggest. The YAML is
composed into nodes first, so every problem names the line of the very value
that is wrong.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import yaml

from .frontmatter import nesting_problem, node_line, repeated_key_problems, yaml_problem
from .labels import label_key, normalise_spaces
from .model import Problem, Source
from .names import name_key
from .slugs import PAGE_SUFFIX_RE, RESERVED, SLUG_RE

FIELDS = ("name", "aliases", "roles", "bio", "link", "slug", "sort_as", "meetings")
ROLE_FIELDS = ("role", "from", "to")
LINK_RE = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)


@dataclass(frozen=True)
class RoleSpan:
    """A role an editor gave a person, with the dates it was held (either may be open)."""

    role: str
    start: dt.date | None
    end: dt.date | None

    def covers(self, date: dt.date | None) -> bool:
        if date is None:
            return False
        return (self.start is None or self.start <= date) and (self.end is None or date <= self.end)


@dataclass(frozen=True)
class SpeakerEntry:
    """One person as listed in speakers.yaml."""

    name: str
    """The canonical name: shown everywhere and the person's identity."""
    aliases: tuple[str, ...]
    roles: tuple[RoleSpan, ...]
    bio: str
    """Markdown; rendered safely on the speaker page."""
    link: str
    """An official page (http or https), or ""."""
    slug: str
    """A pinned slug, or "" to derive one from the name."""
    sort_as: str
    """The name to sort by ("Xi Jinping" sorts under X as written), or ""."""
    line: int
    meetings: tuple[str, ...] = ()
    """Transcript stems the aliases are limited to; empty means everywhere."""


def scalar_text(node: yaml.Node) -> str | None:
    """A scalar's text (spaces normalised); None for lists, mappings and nulls."""
    if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null"):
        return None
    return node.value


def load_speakers(source: Source | None) -> tuple[tuple[SpeakerEntry, ...], list[Problem]]:
    """Every valid entry of speakers.yaml, and a problem for each thing wrong in it."""
    if source is None:
        return (), []
    path = source.path
    too_deep = nesting_problem(source.text, path, 1)
    if too_deep:
        return (), [too_deep]
    try:
        root = yaml.compose(source.text, Loader=yaml.SafeLoader)
    except RecursionError:
        return (), [Problem(path, 1, "invalid YAML: nested too deeply")]
    except yaml.YAMLError as error:
        return (), [yaml_problem(error, path, source.text)]
    if root is None:
        return (), []
    if not isinstance(root, yaml.SequenceNode):
        return (), [Problem(path, node_line(root), "speakers.yaml must be a list of people (each '- name: …')")]
    entries, problems = [], repeated_key_problems(root, path)
    for item in root.value:
        entry = read_entry(item, path, problems)
        if entry is not None:
            entries.append(entry)
    problems += name_clashes(entries, path)
    clashing = {p.line for p in problems if not p.warning}
    return tuple(e for e in entries if e.line not in clashing), problems


def speaker_names(source: Source | None) -> frozenset[str]:
    """Every name and alias of speakers.yaml as the parser compares labels (labels.label_key).

    Its problems are left to resolve.resolve_speakers, which reports them.
    """
    entries, _ = load_speakers(source)
    return frozenset(label_key(name) for entry in entries for name in (entry.name, *entry.aliases))


def read_entry(node: yaml.Node, path: str, problems: list[Problem]) -> SpeakerEntry | None:
    """One `- name: …` item, or None (with problems) when it cannot be used."""
    line = node_line(node)
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(path, line, "each speaker must be a mapping with at least 'name:'"))
        return None
    fields: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = scalar_text(key_node) or ""
        if key not in FIELDS:
            problems.append(Problem(path, node_line(key_node), f"unknown speaker field {key!r} "
                                    f"(known: {', '.join(FIELDS)})", warning=True))
            continue
        fields[key] = value_node
    before = len(problems)
    name = text_field(fields, "name", path, problems)
    if not name:
        if len(problems) == before:
            problems.append(Problem(path, line, "speaker entry has no 'name:'"))
        return None
    aliases = text_list(fields.get("aliases"), "aliases", path, problems)
    roles = role_list(fields.get("roles"), path, problems)
    bio = text_field(fields, "bio", path, problems, keep_lines=True)
    link = text_field(fields, "link", path, problems)
    if link and not LINK_RE.match(link):
        problems.append(Problem(path, node_line(fields["link"]), f"link must be an http(s) URL, not {link!r}"))
        link = ""
    slug = text_field(fields, "slug", path, problems)
    if slug and (not SLUG_RE.match(slug) or PAGE_SUFFIX_RE.search(slug) or slug in RESERVED):
        problems.append(Problem(path, node_line(fields["slug"]),
                                f"slug {slug!r} must be lower-case letters, digits and hyphens, "
                                "not a name Windows or the site reserves ('index', 'con', 'nul' …) "
                                "and not ending in -p<number>"))
        slug = ""
    if len(problems) > before and any(not p.warning for p in problems[before:]):
        return None
    meetings = [re.sub(r"\.(txt|md)$", "", stem) for stem in text_list(fields.get("meetings"), "meetings", path, problems)]
    return SpeakerEntry(name=name, aliases=tuple(aliases), roles=tuple(roles), bio=bio, link=link,
                        slug=slug, sort_as=text_field(fields, "sort_as", path, problems), line=line,
                        meetings=tuple(meetings))


def text_field(fields: dict, key: str, path: str, problems: list[Problem], keep_lines: bool = False) -> str:
    node = fields.get(key)
    if node is None:
        return ""
    text = scalar_text(node)
    if text is None and not (isinstance(node, yaml.ScalarNode)):
        problems.append(Problem(path, node_line(node), f"{key} must be text"))
        return ""
    text = text or ""
    return text.strip() if keep_lines else normalise_spaces(text)


def text_list(node: yaml.Node | None, key: str, path: str, problems: list[Problem]) -> list[str]:
    """A scalar or a list of scalars, as normalised texts."""
    if node is None:
        return []
    items = [node] if isinstance(node, yaml.ScalarNode) else node.value if isinstance(node, yaml.SequenceNode) else None
    if items is None:
        problems.append(Problem(path, node_line(node), f"{key} must be a list of names"))
        return []
    out = []
    for item in items:
        text = scalar_text(item)
        if not text or not normalise_spaces(text):
            problems.append(Problem(path, node_line(item), f"each of {key} must be a non-empty name"))
            continue
        out.append(normalise_spaces(text))
    return out


def role_list(node: yaml.Node | None, path: str, problems: list[Problem]) -> list[RoleSpan]:
    """`roles:` as RoleSpans; a role may be plain text or {role, from, to}."""
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        problems.append(Problem(path, node_line(node), "roles must be a list"))
        return []
    spans = []
    for item in node.value:
        if isinstance(item, yaml.ScalarNode) and scalar_text(item):
            spans.append(RoleSpan(normalise_spaces(item.value), None, None))
            continue
        if not isinstance(item, yaml.MappingNode):
            problems.append(Problem(path, node_line(item), "each role must be text or {role, from, to}"))
            continue
        fields = {}
        for key_node, value_node in item.value:
            key = scalar_text(key_node) or ""
            if key not in ROLE_FIELDS:
                problems.append(Problem(path, node_line(key_node), f"unknown role field {key!r} "
                                        f"(known: {', '.join(ROLE_FIELDS)})", warning=True))
                continue
            fields[key] = value_node
        role = text_field(fields, "role", path, problems)
        if not role:
            problems.append(Problem(path, node_line(item), "role entry has no 'role:'"))
            continue
        start, end = (read_date(fields.get(k), k, path, problems) for k in ("from", "to"))
        if start and end and end < start:
            problems.append(Problem(path, node_line(fields["to"]), f"role {role!r} ends ({end}) before it starts ({start})"))
            continue
        spans.append(RoleSpan(role, start, end))
    return sorted(spans, key=lambda s: (s.start or dt.date.min, s.end or dt.date.max, s.role))


def read_date(node: yaml.Node | None, key: str, path: str, problems: list[Problem]) -> dt.date | None:
    text = scalar_text(node) if node is not None else None
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        problems.append(Problem(path, node_line(node), f"{key} must be an ISO date like 2012-05-07, not {text!r}"))
        return None


def name_clashes(entries: list[SpeakerEntry], path: str) -> list[Problem]:
    """A name or alias that two entries claim, or a pinned slug used twice, is an error.

    Aliases limited to some meetings claim nothing elsewhere, so only the
    canonical name of such an entry counts.
    """
    problems = []
    owner: dict[str, SpeakerEntry] = {}
    slugs: dict[str, SpeakerEntry] = {}
    for entry in entries:
        names = (entry.name,) if entry.meetings else (entry.name, *entry.aliases)
        for name in dict.fromkeys(name_key(n) for n in names):
            other = owner.setdefault(name, entry)
            if other is not entry:
                problems.append(Problem(path, entry.line, f"{name!r} of {entry.name!r} is already a name of "
                                        f"{other.name!r} (line {other.line}); one person, one entry"))
        if entry.slug:
            other = slugs.setdefault(entry.slug, entry)
            if other is not entry:
                problems.append(Problem(path, entry.line, f"slug {entry.slug!r} is already pinned by "
                                        f"{other.name!r} (line {other.line})"))
    return problems
