"""Rendering: every page of the site as bytes, from the Archive, through Jinja.

A new kind of page is a row in PAGES: a function that yields
(site path, template, view) for each page of that kind. Views are plain
dicts made in views.py; templates never see internal objects. The Jinja
environment escapes by default and fails on undefined names.
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import (ChoiceLoader, Environment, FileSystemLoader, StrictUndefined,
                    TemplateError, TemplateNotFound, TemplateSyntaxError, pass_context)

from . import annotation_views, export, feeds, figure_views, glossary_views, search_index, speaker_views, urls, views
from .model import Archive, ContentErrors, Problem
from .read import display_path

BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

PAGES = (
    views.index_pages,
    views.meeting_pages,
    speaker_views.speaker_index_pages,
    speaker_views.speaker_pages,
    figure_views.figures_pages,
    glossary_views.glossary_pages,
    glossary_views.term_pages,
    glossary_views.topic_pages,
    search_index.search_pages,
    annotation_views.annotation_pages,
)
"""Page kinds, each a function archive → iterable of (path, template, view)."""

RAW_FILES = (
    search_index.search_files,
    export.data_files,
)
"""Files that are not pages (search index scripts, JSON data), each a function archive → {path: bytes}."""


@pass_context
def link_filter(context, target: str) -> str:
    """`{{ 'speakers/x.html' | link }}`: an href relative to the page being rendered."""
    return urls.link(target, context["page"])


def make_environment(user_templates: Path | None = None) -> Environment:
    """Jinja with autoescape and StrictUndefined; a user's folder overrides ours."""
    loaders = [FileSystemLoader(str(user_templates))] if user_templates else []
    loaders.append(FileSystemLoader(str(BUILTIN_TEMPLATES)))
    env = Environment(loader=ChoiceLoader(loaders), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["link"] = link_filter
    env.globals["urls"] = urls
    return env


def template_problem(error: Exception, name: str) -> Problem:
    """A template error as file:line, pointing into the template that failed."""
    if isinstance(error, TemplateSyntaxError):
        path = error.filename or error.name or name
        return Problem(display_path(Path(path)), error.lineno or 1, f"template error: {error.message}")
    line, path = 1, name
    traceback = error.__traceback__
    while traceback is not None:
        template = traceback.tb_frame.f_globals.get("__jinja_template__")
        if template is not None:
            path = traceback.tb_frame.f_code.co_filename
            line = template.get_corresponding_lineno(traceback.tb_lineno)
        traceback = traceback.tb_next
    return Problem(display_path(Path(path)), line, f"template error: {error}")


def static_files(user_templates: Path | None) -> dict[str, bytes]:
    """CSS and JS under templates/static/, the user's copies winning."""
    files: dict[str, bytes] = {}
    for root in [BUILTIN_TEMPLATES, user_templates]:
        if root is None or not (root / "static").is_dir():
            continue
        for path in sorted((root / "static").rglob("*")):
            if path.is_file():
                files["static/" + path.relative_to(root / "static").as_posix()] = path.read_bytes()
    return files


def render_site(archive: Archive, user_templates: Path | None = None) -> dict[str, bytes]:
    """Site path → bytes for every page and asset."""
    env = make_environment(user_templates)
    site = views.site_view(archive)
    pages = static_files(user_templates)
    problems: list[Problem] = []
    for page_kind in PAGES:
        for path, template_name, view in page_kind(archive):
            try:
                template = env.get_template(template_name)
                html = template.render(page=path, site=site, **view)
            except TemplateNotFound as error:
                problems.append(Problem(template_name, 1, f"template not found: {error.name}"))
                continue
            except (TemplateError, TypeError, ValueError, AttributeError, KeyError) as error:
                problems.append(template_problem(error, template_name))
                continue
            pages[path] = html.encode("utf-8")
        if problems:
            break
    if problems:
        raise ContentErrors(problems)
    html_pages = [path for path in pages if path.endswith(".html")]
    for raw_kind in RAW_FILES:
        pages.update(raw_kind(archive))
    pages.update(feeds.feed_files(archive, html_pages))
    return pages
