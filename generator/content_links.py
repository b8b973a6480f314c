"""Links written in the content's Markdown that the built site could not follow.

The contract says every link of the site resolves. A link an editor writes
(in a .md transcript or its footnotes, a note, a definition, a topic's
description, a bio) that names a file the build does not write, a paragraph or
turn a meeting does not have, or a place outside the site, is a warning at the
line where it is written, found here from the archive alone: the pages a build
writes follow from its meetings, people and terms, so no page is read again.
URLs (http, https, mailto) are not checked.
"""
from __future__ import annotations

import re
from urllib.parse import unquote

from . import export, feeds, urls
from .annotation_views import ANNOTATIONS_INDEX
from .glossary import archive_topics
from .markdown import is_external, markdown_parser, site_path
from .model import Archive, Problem, Source, Turn
from .names import name_key
from .render import page_list
from .speakers_file import load_speakers

ANCHOR_RE = re.compile(r"^([pt])([1-9][0-9]*)$")
LATER_PAGE_RE = re.compile(r"^(.*)-p(?:[2-9]|[1-9][0-9]+)\.html$")
"""A paginated list's later page: "speakers/vladimir-putin-p2.html" follows "…/vladimir-putin.html"."""
OLDER_FIGURES_RE = re.compile(r"^figures/page-[1-9][0-9]*\.html$")
"""An older page of the figures index (figure_views.page_paths): "figures/page-1.html" is the oldest."""
FIXED_FILES = (urls.INDEX, urls.SPEAKERS, urls.FIGURES, urls.GLOSSARY, urls.SEARCH, ANNOTATIONS_INDEX,
               export.MEETINGS, export.SPEAKERS, export.FIGURES, export.GLOSSARY)


def link_problems(archive: Archive, speakers: Source | None = None) -> list[Problem]:
    """A warning for each link of the content's Markdown that leads nowhere in the site."""
    links = [link for link in written_links(archive, speakers) if not is_external(link[2])]
    if not links:  # most archives: no need to list the site's files (a serve rebuild lists them too)
        return []
    files = site_files(archive)
    if any(LATER_PAGE_RE.match(path) or OLDER_FIGURES_RE.match(path)
           for path, _ in (link_target(href, home) for _, _, href, home in links) if path not in files):
        for path, _, _ in page_list(archive):  # lists every page: only for a link to a later page of a list
            files.setdefault(path, None)
    problems = []
    for path, line, href, home in links:
        message = link_problem(href, home, files)
        if message:
            problems.append(Problem(path, line, message, warning=True))
    return problems


def site_files(archive: Archive) -> dict[str, tuple[int, int] | None]:
    """Site path → None, or for a meeting's page the numbers of its paragraphs and turns (its
    anchors #p1 … and #t1 …). A paginated list's later pages ("<page>-p2.html") are not listed:
    counting them means listing every page (render.page_list), which link_problems does only
    when a link names one."""
    files: dict[str, tuple[int, int] | None] = dict.fromkeys(FIXED_FILES)
    if archive.config.base_url:
        files.update(dict.fromkeys((feeds.FEED, feeds.SITEMAP)))
    for meeting in archive.meetings:
        turns = sum(isinstance(block, Turn) for block in meeting.blocks)
        files[urls.meeting(meeting.slug)] = (len(meeting.paragraphs), turns)
        files[export.meeting_data(meeting.slug)] = None
    files.update(dict.fromkeys(urls.speaker(person.slug) for person in archive.people))
    files.update(dict.fromkeys(urls.term(entry.slug) for entry in archive.glossary.entries)
                 if archive.glossary else {})
    files.update(dict.fromkeys(urls.topic(topic.slug) for topic in archive_topics(archive)))
    return files


def written_links(archive: Archive, speakers: Source | None):
    """(file, line, href, the page the text belongs to) of every link the content's Markdown writes."""
    for meeting in archive.meetings:
        if not meeting.markdown:
            continue
        home = urls.meeting(meeting.slug)
        for paragraph in meeting.paragraphs:
            yield from ((meeting.path, paragraph.line, span.value, home) for span in paragraph.format if span.tag == "a")
        for _, line, text in meeting.footnotes:
            yield from ((meeting.path, line, href, home) for href in markdown_links(text))
    for note in archive.annotations:
        yield from ((note.path, note.line, href, urls.meeting(note.meeting)) for href in markdown_links(note.body))
    for entry in (archive.glossary.entries if archive.glossary else ()):
        yield from ((archive.glossary.path, entry.line, href, urls.term(entry.slug))
                    for href in markdown_links(entry.definition))
    described = [topic for topic in (archive.glossary.topics if archive.glossary else ()) if topic.description]
    if described:  # shown on the topic's own page (a glossary topic keeps its name there)
        pages = {topic.name: urls.topic(topic.slug) for topic in archive_topics(archive)}
        for topic in described:
            yield from ((archive.glossary.path, topic.line, href, pages[topic.name])
                        for href in markdown_links(topic.description))
    if speakers is not None and "](" in speakers.text:
        slugs = {person.key: person.slug for person in archive.people}
        for entry in load_speakers(speakers)[0]:
            slug = slugs.get(name_key(entry.name))
            if slug and entry.bio:  # a bio nobody's page shows links nowhere
                yield from ((speakers.path, entry.line, href, urls.speaker(slug)) for href in markdown_links(entry.bio))


def markdown_links(text: str) -> list[str]:
    """The href of each link markdown.render_markdown would make of `text`."""
    if "](" not in text and "]:" not in text:
        return []
    return [str(child.attrGet("href")) for token in markdown_parser().parse(text) if token.children
            for child in token.children if child.type == "link_open"]


def link_target(href: str, home: str) -> tuple[str, str]:
    """(site path, fragment) that a link written as `href` on the page `home` leads to."""
    path, _, fragment = site_path(href, home).partition("#")
    return unquote(path), unquote(fragment)


def link_problem(href: str, home: str, files: dict[str, tuple[int, int] | None]) -> str | None:
    """What is wrong with a link written as `href` on the page `home`, or None."""
    if is_external(href):
        return None
    path, fragment = link_target(href, home)
    if path == ".." or path.startswith("../"):
        return f"link {href!r} leads out of the site"
    if path not in files:
        return f"link {href!r} leads to {path}, which the site does not have"
    anchors = files.get(path)
    if fragment and anchors is not None:
        match = ANCHOR_RE.match(fragment)
        if not match or int(match.group(2)) > anchors[match.group(1) == "t"]:
            return (f"link {href!r}: {path} has no #{fragment} (it has paragraphs #p1 to #p{anchors[0]} "
                    f"and turns #t1 to #t{anchors[1]})")
    return None
