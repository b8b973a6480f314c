"""The Atom feed of meetings and the sitemap, written only when base_url is set.

Both need absolute URLs, which a site opened from a USB stick does not have;
without `base_url` neither file is written and nothing links to them. XML is
built with ElementTree, so titles and summaries are escaped by construction.
Dates come from the meetings, never from the clock, so builds repeat exactly.
"""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from . import urls
from .model import Archive, Meeting

FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ATOM = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SUMMARY_CHARS = 600
"""A meeting without a summary is summarised by the start of its preamble, cut here."""


def absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + "/" + path


def timestamp(date: dt.date) -> str:
    return f"{date.isoformat()}T00:00:00Z"


def summary_of(meeting: Meeting) -> str:
    """The front-matter summary, else the first preamble paragraph, else the first words spoken (cut at a word)."""
    if meeting.summary:
        return meeting.summary
    kinds = [p.kind for p in meeting.paragraphs]
    wanted = ("preamble", "text") if {"preamble", "text"} & set(kinds) else ("speech",)
    first = next((p.text for p in meeting.paragraphs if p.kind in wanted), "")
    if len(first) <= SUMMARY_CHARS:
        return first
    return first[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"


def newest_first(archive: Archive) -> list[Meeting]:
    """Dated meetings newest first, undated ones after them."""
    dated = [m for m in reversed(archive.meetings) if m.date]
    return dated + [m for m in archive.meetings if not m.date]


NOT_XML_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""What XML 1.0 cannot hold even escaped. Transcripts refuse these characters, but a YAML field in
double quotes can still spell one ("\\uFFFF"); ElementTree would write it and the feed not parse."""


def sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {name: NOT_XML_RE.sub("", value) for name, value in attributes.items()})
    if text is not None:
        element.text = NOT_XML_RE.sub("", text)
    return element


def serialise(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def atom_feed(archive: Archive) -> bytes:
    """Every meeting as an Atom entry, newest first; `updated` is the newest meeting's date."""
    base, config = archive.config.base_url, archive.config
    meetings = newest_first(archive)
    dates = [m.date for m in meetings if m.date]
    updated = timestamp(max(dates)) if dates else "1970-01-01T00:00:00Z"
    feed = ET.Element("feed", {"xmlns": ATOM})
    if config.language:
        feed.set("xml:lang", config.language)
    sub(feed, "id", absolute(base, urls.INDEX))
    sub(feed, "title", config.title)
    if config.description:
        sub(feed, "subtitle", config.description)
    sub(feed, "link", rel="self", type="application/atom+xml", href=absolute(base, FEED))
    sub(feed, "link", rel="alternate", type="text/html", href=absolute(base, urls.INDEX))
    sub(feed, "updated", updated)
    author = sub(feed, "author")
    sub(author, "name", config.title)
    if config.license:
        sub(feed, "rights", config.license)
    for meeting in meetings:
        url = absolute(base, urls.meeting(meeting.slug))
        entry = sub(feed, "entry")
        sub(entry, "id", url)
        sub(entry, "title", meeting.title)
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        sub(entry, "updated", timestamp(meeting.date) if meeting.date else updated)
        if meeting.date:
            sub(entry, "published", timestamp(meeting.date))
        summary = summary_of(meeting)
        if summary:
            sub(entry, "summary", summary)
        for topic in meeting.topics:
            sub(entry, "category", term=topic)
        if meeting.source:
            sub(entry, "link", rel="via", href=meeting.source)
    return serialise(feed)


def sitemap(archive: Archive, pages: list[str]) -> bytes:
    """Every HTML page of the site; meeting pages carry their date as lastmod."""
    base = archive.config.base_url
    dated = {urls.meeting(m.slug): m.date for m in archive.meetings if m.date}
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for path in sorted(pages):
        entry = sub(root, "url")
        sub(entry, "loc", absolute(base, path))
        if path in dated:
            sub(entry, "lastmod", dated[path].isoformat())
    return serialise(root)


def feed_files(archive: Archive, pages: list[str]) -> dict[str, bytes]:
    """feed.xml and sitemap.xml for the given HTML pages, or nothing without base_url."""
    if not archive.config.base_url:
        return {}
    return {FEED: atom_feed(archive), SITEMAP: sitemap(archive, pages)}
