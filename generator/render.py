"""Rendering: every page of the site as bytes, from the Archive, through Jinja.

A new kind of page is a row in PAGES: a function that yields
(site path, template, view) for each page of that kind. Views are plain
dicts made in views.py (or lazy.LazyView, made when first read, so that
listing every page is cheap and the views are made by the workers that
render them); templates never see internal objects. The Jinja environment
escapes by default, fails on undefined names, and compiles each template
once per build.
"""
from __future__ import annotations

from pathlib import Path
from traceback import extract_tb

from jinja2 import (ChoiceLoader, Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined,
                    TemplateNotFound, TemplateSyntaxError, meta, pass_context)

from . import annotation_views, export, feeds, figure_views, glossary_views, search_index, speaker_views, urls, views
from .lazy import fingerprint, view_of
from .model import Archive, ContentErrors, Problem
from .read import display_path
from .recall import Recall
from .uptodate import BUILTIN_TEMPLATES

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
    search_index.search_file_items,
    search_index.search_doc_items,
    export.data_file_items,
    export.meeting_data_items,
)
"""Files that are not pages (search index scripts, JSON data), each a function archive → iterable of
(path, data): bytes, a list of byte chunks, or a lazy.LazyView of either (made only when its inputs changed)."""

MEETING_FILES = (search_index.search_doc_items, export.meeting_data_items)
"""The RAW_FILES kinds whose every file is made from one meeting alone (LazyView.detached)."""

REMEMBERING = (speaker_views.speaker_pages, figure_views.figures_pages, glossary_views.glossary_pages,
               glossary_views.term_pages, glossary_views.topic_pages, export.data_file_items)
"""The kinds of PAGES and RAW_FILES that reuse what the last build in this process made where it
holds (a server's rebuilds): called (archive, recall) with a recall.Recall."""

PER_MEETING = (
    (urls.meeting, "meeting.html", views.meeting_page_quicks),
    (search_index.doc_path, "", search_index.doc_quicks),
    (export.meeting_data, "", export.meeting_data_quicks),
)
"""What is made for each meeting, each row one page or file: its site path from the meeting's
slug, its template ("" for a file), and the LazyView.quick of each meeting's, in archive order.
views.meeting_pages and the MEETING_FILES kinds leave out (`leave`) the meetings whose every
page and file is as the last build made it (jobs.Output.kept_meetings)."""


@pass_context
def link_filter(context, target: str) -> str:
    """`{{ 'speakers/x.html' | link }}`: an href relative to the page being rendered."""
    return urls.link(target, context["page"])


DICT_ATTRIBUTES = frozenset(dir(dict))


class ViewEnvironment(Environment):
    """Jinja's Environment, with `view.key` on a dict looked up as an item straight away.

    Jinja tries the attribute first and the item after an AttributeError: for
    our views, which are dicts, that is an exception raised and caught on
    nearly every `{{ x.y }}` (three quarters of a million a thousand meetings).
    The answer is the same: a dict's only attributes are its methods.
    """

    def getattr(self, obj, attribute: str):
        if type(obj) is dict and attribute not in DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


class CompiledTemplates(FileSystemBytecodeCache):
    """Jinja's compiled templates in a folder of the cache (Cache.compiled_templates). One that
    cannot be read (a damaged file) is compiled again, and one that cannot be written there (a
    full disk, the folder removed) only next time."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder), "%s")

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - a damaged cache file is a missing one
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def make_environment(user_templates: Path | None = None, compiled: Path | None = None) -> Environment:
    """Jinja with autoescape and StrictUndefined; a user's folder overrides ours. Templates
    compiled are kept in the folder `compiled`, when given, for the next build."""
    loaders = [FileSystemLoader(str(user_templates))] if user_templates else []
    loaders.append(FileSystemLoader(str(BUILTIN_TEMPLATES)))
    env = ViewEnvironment(loader=ChoiceLoader(loaders), autoescape=True,
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                          keep_trailing_newline=True, auto_reload=False,
                          bytecode_cache=CompiledTemplates(compiled) if compiled else None)
    env.filters["link"] = link_filter
    env.globals["urls"] = urls
    return env


def template_problem(error: Exception, name: str, env: Environment | None = None) -> Problem:
    """A template error as file:line, pointing into the template that failed."""
    if isinstance(error, TemplateSyntaxError):
        path = error.filename or error.name or name
        return Problem(display_path(Path(path)), error.lineno or 1, f"template error: {error.message}")
    if isinstance(error, UnicodeDecodeError):  # raised reading the file, so no template frame names it
        return Problem(display_path(Path(template_file(env, name))), 1,
                       f"template is not UTF-8 text (byte 0x{error.object[error.start]:02X})")
    line, path = 1, name
    # Jinja rewrites the traceback so that template frames carry the template's
    # file and line; the innermost one is where the error happened.
    for frame in extract_tb(error.__traceback__):
        if not frame.filename.endswith(".py") and not frame.filename.startswith("<frozen") and frame.lineno:
            path, line = frame.filename, frame.lineno
    message = f"template not found: {error.name}" if isinstance(error, TemplateNotFound) else f"template error: {error}"
    return Problem(display_path(Path(path)), line, message)


def template_file(env: Environment | None, name: str) -> str:
    """The file template `name` is read from: the first of the loaders' folders that has it."""
    for loader in getattr(env.loader, "loaders", []) if env else []:
        for folder in loader.searchpath:
            if (Path(folder) / name).is_file():
                return str(Path(folder) / name)
    return name


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


def template_sources(env: Environment, name: str) -> list[str] | None:
    """The name and source of template `name` and of every template it extends, includes or
    imports, all a page of it is rendered from; None when one is named by a variable (it could
    be any template) or cannot be read (its page reports that)."""
    found: dict[str, str] = {}
    names = [name]
    try:
        while names:
            current = names.pop(0)
            if current not in found:
                found[current] = env.loader.get_source(env, current)[0]
                used = _templates_used(env, current, found[current])
                if used is None:
                    return None
                names += used
    except Exception:  # noqa: BLE001 - a missing or broken template: its page raises it with file:line
        return None
    return [part for item in found.items() for part in item]


_USED: dict[tuple[str, str], tuple[str, ...] | None] = {}
"""(name, source) → the templates it names (parsing the 11 takes 0.03 s; a server's rebuild parses none)."""


def _templates_used(env: Environment, name: str, source: str) -> tuple[str, ...] | None:
    """The templates `source` extends, includes or imports; None when one is named by a variable."""
    key = (name, source)
    if key not in _USED:
        if len(_USED) > 256:
            _USED.clear()
        used = tuple(meta.find_referenced_templates(env.parse(source, name)))
        _USED[key] = None if None in used else used
    return _USED[key]


def page_list(archive: Archive, leave: frozenset[str] = frozenset(),
              recall: Recall | None = None) -> list[tuple[str, str, object]]:
    """(site path, template, view) of every page, in PAGES order; lazy views are not made yet.
    `leave`: slugs of meetings whose pages are not listed (views.meeting_pages). `recall`: what
    the last build in this process left (REMEMBERING); none keeps nothing."""
    return [job for page_kind in PAGES for job in (
        page_kind(archive, leave) if page_kind is views.meeting_pages else
        page_kind(archive, recall) if page_kind in REMEMBERING else page_kind(archive))]


def view_digest(path: str, template_name: str, view, salt: bytes) -> str | None:
    """A digest of everything a page is made from besides its templates and the code (in `salt`),
    or None when it cannot be made (then the page is always rendered)."""
    return fingerprint((path, template_name, view), salt)


def render_page(env: Environment, site: dict, path: str, template_name: str, view: dict) -> bytes:
    """One page's bytes; a template problem is raised as ContentErrors naming file:line."""
    try:
        template = env.get_template(template_name)
        html = template.render(page=path, site=site, **view)
    except Exception as error:  # noqa: BLE001 - any error in a template is the template's, shown as file:line
        raise ContentErrors([template_problem(error, template_name, env)]) from None
    return html.encode("utf-8")


def raw_files(archive: Archive, html_pages: list[str]) -> dict[str, bytes]:
    """Every file that is not a page: search index, data, feed and sitemap."""
    files: dict[str, bytes] = {}
    for raw_kind in RAW_FILES:
        for path, data in raw_kind(archive):  # data: bytes, a list of chunks, or a LazyView of either
            files[path] = export.as_bytes(data)
    files.update(feeds.feed_files(archive, html_pages))
    return files


def template_problems(archive: Archive, user_templates: Path | None) -> list[Problem]:
    """What a build would find wrong in the content's own templates (`build.py check`), without
    rendering the whole site: the first page of each template is rendered, which reads every
    template it extends or includes (a syntax error, an unknown filter or template, a name the
    view lacks). An error that only some pages' values raise is left to the build."""
    if user_templates is None:
        return []  # ours are tested
    env = make_environment(user_templates)
    site = views.site_view(archive)
    problems: list[Problem] = []
    tried: set[str] = set()
    for path, template_name, view in page_list(archive):
        if template_name not in tried:
            tried.add(template_name)
            try:
                render_page(env, site, path, template_name, view_of(view))
            except ContentErrors as errors:
                problems += errors.problems
    return list(dict.fromkeys(problems))


def render_site(archive: Archive, user_templates: Path | None = None) -> dict[str, bytes]:
    """Site path → bytes for every page and asset, in one process (see pipeline.build for the fast way)."""
    env = make_environment(user_templates)
    site = views.site_view(archive)
    pages = static_files(user_templates)
    problems: list[Problem] = []
    for path, template_name, view in page_list(archive):
        try:
            pages[path] = render_page(env, site, path, template_name, view_of(view))
        except ContentErrors as errors:
            problems += errors.problems
    if problems:
        raise ContentErrors(list(dict.fromkeys(problems)))
    pages.update(raw_files(archive, [path for path in pages if path.endswith(".html")]))
    return pages
