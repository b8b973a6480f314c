"""content/glossary.yaml: terms defined once, validated with their line numbers.

The file is a list of entries, or a mapping with `terms:` (that list) and an
optional `topics:` (topic name → Markdown description). Each entry has a
term, a topic and a Markdown definition, and may have abbreviations, aliases,
see-also terms, `plural: true` (inflected plurals are linked too) and `short:`
(the plain-text definition shown on hover; by default the definition's first
sentence). YAML is composed into nodes first so every problem names the line
of the entry, or of the very alias or see-also item, that is wrong.
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass

import yaml
from markdown_it import MarkdownIt

from .frontmatter import nesting_problem, node_line, repeated_key_problems, yaml_problem
from .model import Problem, Source
from .read import source_text_digest
from .recall import Recall, recall_or_new
from .slugs import unique_slugs

FIELDS = ("term", "abbreviations", "aliases", "topic", "definition", "see_also", "plural", "short")
SHORT_LIMIT = 220
"""Longest tooltip text, in characters; a longer first sentence is cut at a word."""


@dataclass(frozen=True)
class GlossaryEntry:
    """One term, with every name it goes by."""

    term: str
    """The canonical name ("Supreme State Council")."""
    slug: str
    """Its page: glossary/<slug>.html."""
    topic: str
    definition: str
    """Markdown, rendered safely on the glossary pages."""
    short: str
    """Plain text for the tooltip: `short:` or the definition's first sentence."""
    abbreviations: tuple[str, ...]
    """Matched case-sensitively ("SSC" but never "ssc")."""
    aliases: tuple[str, ...]
    """Every other name, abbreviations included (read by figures to mask product names)."""
    see_also: tuple[str, ...]
    """Slugs of related entries."""
    plural: bool
    """True when inflected plurals ("programmes", "SSCs") are linked too."""
    line: int
    """Line of the entry in glossary.yaml."""


@dataclass(frozen=True)
class Topic:
    """A topic named by glossary entries (and, later, by meetings' front matter)."""

    name: str
    description: str = ""
    """Markdown from the `topics:` mapping, or ""."""
    line: int = 0
    """Line of the topic's name in the `topics:` mapping, where its description's problems are
    said; 0 for a topic only entries name."""


@dataclass(frozen=True)
class Glossary:
    path: str
    entries: tuple[GlossaryEntry, ...]
    """In file order."""
    topics: tuple[Topic, ...]
    """Every topic of an entry or of the `topics:` mapping, in first-seen order."""


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """How two names are compared: spaces, apostrophes, hyphens and case folded away
    (cached: the same few hundred topic and term names are keyed for every meeting)."""
    name = re.sub(r"[\s\u00a0\u202f\u2007]+", " ", name.strip())
    name = re.sub(r"[’‘ʼ`]", "'", name)
    return re.sub(r"[\u2010\u2011]", "-", name).casefold()


def is_abbreviation_shaped(name: str) -> bool:
    """An all-capitals name ("KAMAZ", "MC-21") is matched case-sensitively, like an abbreviation."""
    return not any(c.islower() for c in name) and sum(c.isupper() for c in name) >= 2


def plain_text(markdown: str, md: MarkdownIt | None = None) -> str:
    """The words of a Markdown text, without its markup."""
    tokens = (md or MarkdownIt("commonmark", {"html": False})).parse(markdown)
    words: list[str] = []
    for token in tokens:
        if token.type == "inline":
            for child in token.children or ():
                if child.type in ("text", "code_inline"):
                    words.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    words.append(" ")
            words.append(" ")
    return re.sub(r"\s+", " ", "".join(words)).strip()


def first_sentence(text: str) -> str:
    """The first sentence, cut at a word near SHORT_LIMIT."""
    match = re.search(r"(?<=[.!?])\s+(?=[A-Z“\"(])", text)
    sentence = text[:match.start()] if match else text
    if len(sentence) > SHORT_LIMIT:
        sentence = sentence[:SHORT_LIMIT].rsplit(" ", 1)[0].rstrip(",;:–- ") + " …"
    return sentence


# --- reading the YAML nodes -------------------------------------------------

def scalar_text(node: yaml.Node) -> str | None:
    """A plain or quoted scalar as text; None for lists, mappings and nulls."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    if node.tag == "tag:yaml.org,2002:null" or (node.style is None and node.value in ("", "~", "null", "Null", "NULL")):
        return None
    return node.value


def text_list(node: yaml.Node) -> list[tuple[str | None, int]] | None:
    """A scalar or a list of scalars as (text, line) pairs; None if it is neither."""
    if isinstance(node, yaml.ScalarNode):
        text = scalar_text(node)
        return [] if text is None else [(text, node_line(node))]
    if isinstance(node, yaml.SequenceNode):
        return [(scalar_text(item), node_line(item)) for item in node.value]
    return None


def compose(source: Source) -> tuple[yaml.Node | None, list[Problem]]:
    too_deep = nesting_problem(source.text, source.path, 1)
    if too_deep:
        return None, [too_deep]
    try:
        root = yaml.compose(source.text, Loader=yaml.SafeLoader)
    except RecursionError:
        return None, [Problem(source.path, 1, "invalid YAML: nested too deeply")]
    except yaml.YAMLError as error:
        return None, [yaml_problem(error, source.path, source.text)]
    # an entry's own repeated fields are read_entry's to report; here the lists and the topics
    tops = [root, *(value for _, value in root.value if isinstance(value, yaml.MappingNode))] \
        if isinstance(root, yaml.MappingNode) else []
    return root, [problem for node in tops for problem in repeated_key_problems(node, source.path, deep=False)]


def top_level(root: yaml.Node | None, path: str) -> tuple[list[yaml.Node], dict[str, tuple[yaml.Node, int]], list[Problem]]:
    """(entry nodes, topic name → (description node, line), problems)."""
    if root is None:
        return [], {}, []
    if isinstance(root, yaml.SequenceNode):
        return list(root.value), {}, []
    if not isinstance(root, yaml.MappingNode):
        return [], {}, [Problem(path, node_line(root), "glossary.yaml must be a list of terms, "
                                                      "or a mapping with 'terms' and 'topics'")]
    entries: list[yaml.Node] = []
    topics: dict[str, tuple[yaml.Node, int]] = {}
    problems: list[Problem] = []
    for key, value in root.value:
        name = scalar_text(key)
        if name == "terms":
            if isinstance(value, yaml.SequenceNode):
                entries = list(value.value)
            elif scalar_text(value) is not None or not isinstance(value, yaml.ScalarNode):
                problems.append(Problem(path, node_line(value), "'terms' must be a list of entries"))
        elif name == "topics":
            if isinstance(value, yaml.MappingNode):
                for topic_key, description in value.value:
                    topic = scalar_text(topic_key)
                    if not topic or not topic.strip():
                        problems.append(Problem(path, node_line(topic_key), "a topic's name must be text"))
                    elif not isinstance(description, yaml.ScalarNode):
                        problems.append(Problem(path, node_line(description),
                                                f"topic {topic.strip()!r}: its description must be text"))
                    else:
                        topics[topic.strip()] = (description, node_line(topic_key))
            elif scalar_text(value) is not None or not isinstance(value, yaml.ScalarNode):
                problems.append(Problem(path, node_line(value), "'topics' must map topic names to descriptions"))
        else:
            problems.append(Problem(path, node_line(key), f"unknown glossary section {name!r}", warning=True))
    return entries, topics, problems


# --- validating entries -------------------------------------------------------

@dataclass(frozen=True)
class RawEntry:
    """An entry as written, before names are checked across the file."""

    term: str
    topic: str
    definition: str
    short: str
    abbreviations: tuple[tuple[str, int], ...]
    aliases: tuple[tuple[str, int], ...]
    see_also: tuple[tuple[str, int], ...]
    plural: bool
    line: int


def read_entry(node: yaml.Node, path: str, md: MarkdownIt) -> tuple[RawEntry | None, list[Problem]]:
    """One entry's fields, each checked for its type."""
    line = node_line(node)
    if not isinstance(node, yaml.MappingNode):
        return None, [Problem(path, line, "a glossary entry must be a mapping with term, topic and definition")]
    problems: list[Problem] = []
    fields: dict[str, yaml.Node] = {}
    for key, value in node.value:
        name = scalar_text(key)
        if name not in FIELDS:
            problems.append(Problem(path, node_line(key), f"unknown glossary field {name!r}", warning=True))
        elif name in fields:
            problems.append(Problem(path, node_line(key), f"{name} is given twice in this entry"))
        else:
            fields[name] = value

    def text(name: str) -> str:
        if name not in fields:
            return ""
        value = scalar_text(fields[name])
        if value is None and not (isinstance(fields[name], yaml.ScalarNode)):
            problems.append(Problem(path, node_line(fields[name]), f"{name} must be text"))
        return (value or "").strip()

    def names(name: str) -> tuple[tuple[str, int], ...]:
        if name not in fields:
            return ()
        items = text_list(fields[name])
        if items is None:
            problems.append(Problem(path, node_line(fields[name]), f"{name} must be a list of names"))
            return ()
        out = []
        for value, at in items:
            if value is None or not value.strip():
                problems.append(Problem(path, at, f"{name} must be a list of names"))
            else:
                out.append((value.strip(), at))
        return tuple(out)

    term = text("term")
    if not term:
        problems.append(Problem(path, line, "glossary entry has no term"))
    topic = text("topic")
    definition = text("definition")
    if term and not topic:
        problems.append(Problem(path, line, f"glossary entry {term!r} has no topic"))
    if term and not definition:
        problems.append(Problem(path, line, f"glossary entry {term!r} has no definition"))
    plural = False
    if "plural" in fields:
        value = (scalar_text(fields["plural"]) or "").casefold()
        if value not in ("true", "false", "yes", "no"):
            problems.append(Problem(path, node_line(fields["plural"]), "plural must be true or false"))
        plural = value in ("true", "yes")
    short = text("short")
    if not term:
        return None, problems
    return RawEntry(term=term, topic=topic, definition=definition,
                    short=" ".join(short.split()) if short else first_sentence(plain_text(definition, md)),
                    abbreviations=names("abbreviations"), aliases=names("aliases"),
                    see_also=names("see_also"), plural=plural, line=line), problems


def claim_names(raws: list[RawEntry], path: str) -> tuple[dict[str, int], list[Problem]]:
    """Name key → index of the entry that owns it; a name claimed twice is an error."""
    owner: dict[str, tuple[int, str, int]] = {}
    problems: list[Problem] = []
    for index, raw in enumerate(raws):
        for name, at in [(raw.term, raw.line), *raw.abbreviations, *raw.aliases]:
            key = name_key(name)
            if key not in owner:
                owner[key] = (index, name, at)
            elif owner[key][0] != index:
                first = raws[owner[key][0]]
                problems.append(Problem(path, at, f"{name!r} is already claimed by the term "
                                                  f"{first.term!r} (line {owner[key][2]})"))
    return {key: index for key, (index, _, _) in owner.items()}, problems


def load_glossary(source: Source | None, recall: Recall | None = None) -> tuple[Glossary | None, list[Problem]]:
    """(Glossary or None, problems) from content/glossary.yaml; the last one loaded
    (`recall.glossary`) again when the file is as then (a server's rebuild: reading it took
    25 ms at 5,000 meetings' size), the same object, so that what was made from its entries
    can be reused."""
    if source is None:
        return None, []
    recall = recall_or_new(recall)
    key = (source.path, source_text_digest(source))
    if recall.glossary[0] != key:
        recall.glossary = (key, _load_glossary(source))
    glossary, problems = recall.glossary[1]
    return glossary, list(problems)


def _load_glossary(source: Source) -> tuple[Glossary | None, list[Problem]]:
    root, problems = compose(source)
    if problems:
        return None, problems
    nodes, topic_nodes, problems = top_level(root, source.path)
    raws: list[RawEntry] = []
    md = MarkdownIt("commonmark", {"html": False})
    for node in nodes:
        raw, found = read_entry(node, source.path, md)
        problems += found
        if raw is not None:
            raws.append(raw)
    owners, found = claim_names(raws, source.path)
    problems += found
    slugs, _ = unique_slugs([raw.term for raw in raws])
    entries = []
    for index, raw in enumerate(raws):
        see_also: list[str] = []
        for name, at in raw.see_also:
            other = owners.get(name_key(name))
            if other is None:
                problems.append(Problem(source.path, at, f"see-also {name!r} is not a term of the glossary"))
            elif other == index:
                problems.append(Problem(source.path, at, f"{raw.term!r} lists itself under see_also", warning=True))
            elif slugs[raws[other].term] not in see_also:
                see_also.append(slugs[raws[other].term])
        abbreviations = tuple(dict.fromkeys(name for name, _ in raw.abbreviations))
        others = tuple(dict.fromkeys(name for name, _ in raw.aliases))
        entries.append(GlossaryEntry(
            term=raw.term, slug=slugs[raw.term], topic=raw.topic, definition=raw.definition,
            short=raw.short, abbreviations=abbreviations,
            aliases=tuple(n for n in dict.fromkeys(abbreviations + others) if n != raw.term),
            see_also=tuple(see_also), plural=raw.plural, line=raw.line))
    return Glossary(path=source.path, entries=tuple(entries), topics=glossary_topics(entries, topic_nodes)), problems


def glossary_topics(entries: list[GlossaryEntry], described: dict[str, tuple[yaml.Node, int]]) -> tuple[Topic, ...]:
    """Topics in first-seen order, one per name (compared case-insensitively)."""
    found: dict[str, Topic] = {}
    for name, (node, line) in described.items():
        found.setdefault(name_key(name), Topic(name=name, description=(scalar_text(node) or "").strip(), line=line))
    for entry in entries:
        if entry.topic:
            found.setdefault(name_key(entry.topic), Topic(name=entry.topic))
    return tuple(found.values())
