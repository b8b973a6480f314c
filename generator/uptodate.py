"""Is the site already built from these very inputs? Found before anything heavy is loaded.

A rebuild with nothing changed should answer in a fraction of a second, so
this module reads the content (a file is not read again while its stat
signature is as when the last build read it: read.ReadLater), makes one
digest of every input (content, templates, options, the generator's code)
and compares it with the last build's record, using only light modules: no
Jinja, no parser, no archive (speakers.yaml is read for its names, which
a transcript's parse may depend on).
What it read is handed on to the build when something did change.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import Cache, code_version, default_cache_dir, digest_text
from .model import ContentErrors, ContentInput, Problem, Source, file_name
from .read import read_content, source_text_digest
from .speakers_file import speaker_names
from .write import check_output_folder, clear_leftovers, site_unchanged

if TYPE_CHECKING:  # it watches with inotify through livereload and tornado: no light module
    from .content_reads import ContentReads

BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def user_templates(content: Path) -> Path | None:
    """The content's own templates folder (`templates/`, overriding ours), if it has one."""
    folder = content / "templates"
    return folder if folder.is_dir() else None


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    content: Path
    out: Path
    base_url: str = ""
    strict: bool = False
    templates: Path | None = None
    jobs: int = 0
    """Worker processes; 0: every core (one for small archives)."""
    cache: Path | None = None
    """The cache folder; None: .stenogram-cache/<out name> beside the output."""
    use_cache: bool = True
    stop_if_unchanged: bool = False
    """Skip loading altogether when no input changed and the site is intact (no archive is returned then)."""
    server: bool = False
    """Built for `serve`: the replaced site is removed in the background (write.swap_in)."""


@dataclass(frozen=True)
class Built:
    """What a build did."""

    archive: object | None
    """The Archive, or None when the site was already up to date and nothing was loaded."""
    meetings: int
    files: int
    changed: int
    """Files whose bytes differ from the previous site's."""
    warnings: tuple[Problem, ...] = field(default=())


@dataclass(frozen=True)
class Inputs:
    """Everything read for a build, with its digests."""

    version: str
    """Digest of the generator's code (cache.code_version)."""
    content: ContentInput
    keys: list[str]
    """Each transcript's key: its file name and text, with the code version (transcript_key)."""
    speaker_names: frozenset[str]
    """The names and aliases of speakers.yaml, which the parser takes as labels (speakers_file.speaker_names)."""
    templates: str
    """Digest of every template (not of the static files, which no page is made from)."""
    digest: str
    """Digest of all of the above, the static files and the options."""


def transcript_key(version: str, source: Source, text: str | None = None) -> str:
    """What a parse depends on but the speaker names: the code, the file's name and text.
    The speaker names among its labels are checked against its cached parse (jobs.parse_sources):
    which of them matter is known only once the text is parsed. The file's name, not the path
    shown: that depends on the folder the build runs in (read.display_path), and the parse
    only in the paths its messages show, which jobs.parse_sources shows as this build does.
    `text`: source_text_digest(source), when known."""
    return digest_text(version, "parsed", file_name(source.path), text or source_text_digest(source))


def known_key(known: dict | None, version: str, source: Source) -> str:
    """transcript_key, remembered with the file in `known` (digesting every text costs 0.1 s at 5,000)."""
    held = known.get(source.path) if known is not None else None
    if held is None or held.source is not source:
        return transcript_key(version, source)
    if held.key is None:
        held.digest = held.digest or source_text_digest(source)
        held.key = transcript_key(version, source, held.digest)
    return held.key


def source_digest(source: Source | None) -> str:
    return digest_text(source.path, source_text_digest(source)) if source else "-"


def template_digests(user_templates: Path | None) -> tuple[str, str]:
    """(one digest of every template, one of every static file), ours and the user's.

    Pages are made from the templates alone, and link to the static files by
    name: an edit to the CSS or a script writes that file again and renders no
    page (it rendered them all). A build's inputs digest holds both.
    """
    templates, static = hashlib.sha256(), hashlib.sha256()
    for root in [BUILTIN_TEMPLATES, user_templates]:
        if root is None or not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file():
                name = path.relative_to(root).as_posix()
                digest = static if name.startswith("static/") else templates
                digest.update(name.encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
        templates.update(b"\1")
        static.update(b"\1")
    return templates.hexdigest()[:32], static.hexdigest()[:32]


def read_inputs(options: Options, known: dict | None = None, reads: ContentReads | None = None) -> Inputs:
    """The content read, and digested with the templates, options and code.

    `known`: a server's record of the files it read (read.read_text), which
    also keeps each transcript's key. `reads`: a server's, which reads
    again only the files that changed since its last read."""
    version = code_version()
    content = read_content(options.content, known) if reads is None else reads.read(options.content, known)
    if known is not None and (reads is None or reads.whole):
        # forget files that are gone: the cache keeps what is left for the next build
        present = {source.path for source in content.sources()}
        for shown in [shown for shown in known if shown not in present]:
            del known[shown]
    names = speaker_names(content.speakers)  # once a build, for the parse
    keys = [known_key(known, version, source) for source in content.transcripts]
    templates, static = template_digests(options.templates)
    # a file that could not be read is in the digest too: else its error went unseen when the files
    # that could be were as at the last build ("nothing changed")
    digest = digest_text(version, templates, static, repr((options.base_url, options.strict, str(options.templates))),
                         *keys, source_digest(content.site), source_digest(content.speakers),
                         source_digest(content.glossary), *map(source_digest, content.annotations),
                         *map(str, content.unread))
    return Inputs(version, content, keys, names, templates, digest)


def open_cache(options: Options, version: str) -> Cache:
    """The cache for this output folder (an empty one in memory with use_cache off).

    Nothing is written into it before a build succeeds, so a refused or
    failed build leaves no trace beside the site.
    """
    folder = (options.cache or default_cache_dir(options.out)) if options.use_cache else None
    if folder is not None:
        problem = cache_folder_problem(folder, options)
        if problem:
            raise ContentErrors([Problem(str(folder), 1, problem)])
    return Cache(folder, version, lasting=not options.server)


def cache_folder_problem(folder: Path, options: Options) -> str | None:
    """Why `folder` cannot be the cache, or None. A cache is emptied of another code version's
    entries: a folder that holds anything else (`--cache .`, `--cache content`) would lose files."""
    where = Path(os.path.abspath(folder))
    if where.is_relative_to(os.path.abspath(options.out)):
        return "the cache folder must not be inside the output folder"
    content = Path(os.path.abspath(options.content))
    if where.is_relative_to(content) or content.is_relative_to(where):
        return "the cache folder must not be the content folder, inside it or around it"
    if where.is_dir() and not (where / "version").is_file() and any(where.iterdir()):
        return "not a Stenogram cache (it has no 'version' file) and not empty: give a new or empty folder"
    return None


def check_inputs(options: Options, cache: Cache | None = None,
                 reads: ContentReads | None = None) -> tuple[Inputs, Cache, Built | None]:
    """The inputs and the cache, and the last build (as Built) if it is still the site for them.
    `reads`: see read_inputs."""
    check_output_folder(options.out, options.content)
    cache = cache or open_cache(options, code_version())
    inputs = read_inputs(options, cache.reads, reads)
    record = cache.site
    if (options.stop_if_unchanged and record.inputs == inputs.digest
            and record.out == str(options.out.absolute()) and site_unchanged(options.out, record.files)):
        clear_leftovers(options.out.absolute().parent, options.out.name)  # of builds killed since
        return inputs, cache, Built(None, record.meetings, len(record.files), 0, record.warnings)
    return inputs, cache, None
