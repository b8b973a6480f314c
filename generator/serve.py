"""`build.py serve`: build, serve the site locally, rebuild and live-reload on change.

The dev server simply reruns the build when content/ or templates/ change
(never for changes in the site itself). Rebuilds are incremental: the
server keeps the build cache in memory, so an edit re-parses one file and
re-renders only the pages whose views changed. A failed rebuild keeps the
last good site on disk and shows its `file:line` messages in the terminal
and as a banner on every page until the next good save. Only this server
injects the live-reload script; built files never contain it. Requests are
refused unless they name a file inside the site and come with our own Host
(and Origin, when sent).
"""
from __future__ import annotations

import errno
import gc
import html
import ipaddress
import logging
import os
import socket
import sys
import threading
import time
import traceback
from dataclasses import replace
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from livereload import Server
from livereload.handlers import LiveReloadHandler, StaticFileHandler
from tornado import web
from tornado.ioloop import IOLoop, PeriodicCallback

from .cache import code_version
from .content_reads import ContentReads
from .folder_changes import FolderChanges
from .hugepages import use_huge_pages
from .model import ContentErrors
from .parallel import Fresh, job_count
from .pipeline import Options, make_site
from .progress import Progress, counted
from .read import display_path, transcript_files
from .render import BUILTIN_TEMPLATES as BUILTIN_TEMPLATES_DIR
from .speaker_views import count_said_ahead
from .uptodate import open_cache, user_templates
from .watch import InotifyWatcher
from .write import changed_files

YOUNG_OBJECTS = 500_000
"""Containers made (and not freed) between two collections of the youngest generation while
serving. A rebuild after one edit of 5,000 meetings makes about 150,000 (the listing of every
page): with the command line's 100,000 one collection fell inside it and walked them all
(50 ms); the young collection scheduled after each rebuild (rebuild) takes them instead,
once the page has been reloaded. A larger rebuild still collects every 500,000."""

BANNER_STYLE = ("position:fixed;z-index:99;left:0;right:0;bottom:0;margin:0;padding:1rem;"
                "background:#7a1f1f;color:#fff;font:14px/1.4 monospace;white-space:pre-wrap;max-height:40vh;overflow:auto")


class BuildState:
    """The last build's outcome, shared by the rebuild callback and the handlers,
    and the build cache kept in memory between rebuilds."""

    def __init__(self, options: Options, fresh: Fresh | None = None) -> None:
        self.errors: list[str] = []
        self.cache = open_cache(options, code_version())
        self.fresh = fresh
        """The server's workers (server_workers), for its builds."""
        self.lock = threading.Lock()
        """Held by a rebuild and by the cache warm-up: one of them uses the cache at a time."""
        self.site_changes = FolderChanges(options.out)
        """What changed in the site since a rebuild last saw it: the rest is not looked at again."""
        self.content_reads = ContentReads(options.content)
        """The content as the last rebuild read it: the next reads again only what changed."""
        self.rebuilt_at = 0.0
        """time.monotonic() when the last rebuild ended (look_at_content waits for a quiet spell)."""

    def banner(self) -> bytes:
        if not self.errors:
            return b""
        text = "Build failed; showing the last good site.\n" + "\n".join(self.errors)
        return f'<pre role="alert" style="{BANNER_STYLE}">{html.escape(text)}</pre>'.encode()


LOOPBACK = ("127.0.0.1", "localhost", "::1")
WILDCARD = ("0.0.0.0", "::", "")


def url_host(host: str) -> str:
    """A host as a URL writes it: an IPv6 address in brackets ("[::1]")."""
    return f"[{host}]" if ":" in host else host


class AllowedHosts:
    """The Host (and Origin) values a request may carry: the server's own name and port, so that a
    page of another site cannot reach it through a name of its own (DNS rebinding). Listening on
    loopback, each loopback name is the server's; on every address (0.0.0.0), any address written
    as an IP, which no other site's name can be."""

    def __init__(self, host: str, port: int):
        self.port = port
        self.names = {url_host(name) for name in (LOOPBACK if host in LOOPBACK else (host,))}
        self.any_address = host in WILDCARD

    def __contains__(self, netloc: str) -> bool:
        name, colon, port = netloc.rpartition(":")
        if not colon or port != str(self.port):
            return False
        return name in self.names or (self.any_address and is_address(name.strip("[]")))


def is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return name == "localhost"
    return True


def make_handler(state: BuildState, hosts: AllowedHosts):
    """A static file handler that refuses foreign hosts, origins and escapes from the root."""

    class SiteHandler(StaticFileHandler):
        def prepare(self):
            if self.request.headers.get("Host", "") not in hosts:
                raise web.HTTPError(403, "foreign Host refused")
            origin = self.request.headers.get("Origin")
            if origin and urlsplit(origin).netloc not in hosts:
                raise web.HTTPError(403, "foreign Origin refused")

        def validate_absolute_path(self, root, absolute_path):
            real_root = os.path.realpath(root)
            real = os.path.realpath(absolute_path)
            if real != real_root and not real.startswith(real_root + os.sep):
                raise web.HTTPError(403, "outside the site")
            return super().validate_absolute_path(root, absolute_path)

        def write(self, chunk):
            if state.errors and isinstance(chunk, bytes) and b"<body" in chunk[:4096]:
                at = chunk.find(b">", chunk.find(b"<body")) + 1
                chunk = chunk[:at] + state.banner() + chunk[at:]
                self._headers.pop("Content-Length", None)
            return super().write(chunk)

        def compute_etag(self):
            return None if state.errors else super().compute_etag()

    return SiteHandler


def warm_cache(state: BuildState, options: Options, quiet: bool) -> None:
    """Load the whole build cache while the server waits, then rebuild the unchanged site once
    (nothing is written): what a rebuild keeps in memory for the next one (the search index's
    blocks, each meeting's digests and records, who speaks) is then made, and so are the
    counts its speaker pages would have made (count_said_ahead); the first edit then
    costs about what later ones do (at 5,000 meetings, 0.55-0.64 s; later ones 0.52-0.62 s).
    Then what is held goes into 2 MB pages (hugepages): a save reads it 15-20% faster.

    In one process: this thread must not fork while the server's thread runs.
    """
    started = time.perf_counter()
    with state.lock:
        held = state.cache.load_all()
        if not state.errors:
            try:
                built = make_site(replace(options, jobs=1, stop_if_unchanged=False), Progress(), state.cache)
                if built.archive is not None:  # no speaker page was made: what they count is counted now
                    count_said_ahead(built.archive, state.cache.recall)
            except Exception:  # noqa: BLE001 - only a head start: the next edit's rebuild reports any problem
                pass
        # What was loaded and made here, collected once while nobody waits: else the young
        # collection after the first edit walked it all (0.3-0.4 s at 5,000 meetings; 10-20 ms after).
        gc.collect()
    use_huge_pages()  # outside the lock: a save meanwhile is built at once
    if not quiet:
        print(f"loaded {held} cached transcripts and analyses in {time.perf_counter() - started:.2f} s",
              file=sys.stderr, flush=True)


def rebuild(options: Options, state: BuildState, quiet: bool) -> None:
    # the content's templates folder as it is now: one made while serving is used from then on
    options = replace(options, templates=user_templates(options.content))
    with state.lock:
        built = _rebuild(options, state, quiet)
        state.rebuilt_at = time.monotonic()
    if built:  # the cache is written to disk once livereload has told the browser to reload
        IOLoop.current().add_callback(save_cache, state)
        # what the rebuild made goes into 2 MB pages too, beside the loop (3-20 ms at 5,000 meetings)
        threading.Thread(target=use_huge_pages, name="huge-pages", daemon=True).start()
        if state.site_changes.known:  # else the next rebuild looks at every file anyway
            IOLoop.current().call_later(CHECK_AFTER, check_site, options, state, quiet)
    # The build's cycles (Jinja environments…), which the command line's thresholds rarely
    # collect: collected once the page has been reloaded. They are young: a full collection
    # found 10 more objects after an edit, and walks the whole archive while the server
    # cannot answer (0.55 s at 5,000 meetings; the young generations take 10-30 ms).
    IOLoop.current().call_later(1.0, gc.collect, 1)


CHECK_AFTER = 0.5
"""Seconds after a rebuild before the server looks at every file of the site (check_site): once
the browser has the reloaded page, and before a next save, which a writer makes seconds later."""


def check_site(options: Options, state: BuildState, quiet: bool) -> None:
    """Look at every file of the site, by a thread, for one changed where no event named it
    (through another hard link, or a memory map: site_changes); a rebuild makes those again."""
    files, loop = state.cache.site.files, IOLoop.current()

    def look() -> None:
        changed = changed_files(options.out, files)
        if changed:
            loop.add_callback(remake, options, state, quiet, changed)
    threading.Thread(target=look, name="check-site", daemon=True).start()


def more_files(changed) -> str:
    """" (and 2 other files)" after the first of `changed` named, or nothing."""
    return f" (and {counted(len(changed) - 1, 'other file')})" if len(changed) > 1 else ""


def remake(options: Options, state: BuildState, quiet: bool, changed: set[str]) -> None:
    """Rebuild for the files check_site found changed that are still so (a save may have been
    built since), and reload the open page."""
    files = state.cache.site.files
    changed = changed_files(options.out, {path: files[path] for path in changed if path in files})
    if not changed:
        return
    state.site_changes.suspect(changed)
    if not quiet:
        print(f"{display_path(options.out / min(changed))}{more_files(changed)}: changed outside the server, "
              "through another hard link or a memory map; building again", file=sys.stderr, flush=True)
    rebuild(options, state, quiet)
    LiveReloadHandler.reload_waiters("*")


CONTENT_LOOK_EVERY = 5.0
"""Seconds between two looks at every content file by an idle server (look_at_content), and
since the last rebuild before one."""


def look_at_content(options: Options, state: BuildState, quiet: bool) -> None:
    """Look at every content file, by a thread, for one changed with no event naming it (written
    through another hard link, or a memory map), which a rebuild would not read again
    (content_reads); if one did, build again from every file. At 5,000 meetings a look
    takes 30-40 ms: not while someone saves, when a save's rebuild would share the
    interpreter with it, but once no rebuild ran for CONTENT_LOOK_EVERY."""
    reads, known, loop = state.content_reads, state.cache.reads, IOLoop.current()
    if not reads.changes.known or state.lock.locked():  # the next rebuild reads every file, or one runs
        return
    if time.monotonic() - state.rebuilt_at < CONTENT_LOOK_EVERY:
        return

    def look() -> None:
        changed = reads.changed_unseen(known)
        if changed:
            loop.add_callback(reread, options, state, quiet, changed)
    threading.Thread(target=look, name="look-at-content", daemon=True).start()


def reread(options: Options, state: BuildState, quiet: bool, changed: list[str]) -> None:
    """Rebuild from every content file (look_at_content found `changed` so), and reload the open page."""
    if not quiet:
        print(f"{min(changed)}{more_files(changed)}: changed with no event, through another hard link or a "
              "memory map; building again", file=sys.stderr, flush=True)
    rebuild(options, state, quiet)
    LiveReloadHandler.reload_waiters("*")


def save_cache(state: BuildState) -> None:
    """Write what the last rebuild added to the cache, for the next command-line build."""
    with state.lock:
        state.cache.save(prune=True)


def _rebuild(options: Options, state: BuildState, quiet: bool) -> bool:
    """One rebuild, reported; True when the site was built (the cache is then to be saved)."""
    started = time.perf_counter()
    try:
        built = make_site(options, Progress.for_terminal(quiet), state.cache, save=False, fresh=state.fresh,
                          touched=state.site_changes.touched(), reads=state.content_reads)
        state.site_changes.seen()
    except ContentErrors as errors:
        state.errors = [str(p) for p in errors.problems]
        for line in state.errors:
            print(line, file=sys.stderr)
        return False
    except OSError as error:
        state.errors = [f"{error.filename or options.out}:1: {error.strerror or error}"]
        print(state.errors[0], file=sys.stderr)
        return False
    except Exception as error:  # noqa: BLE001 - a bug in a rebuild must not stop the server
        traceback.print_exc()
        state.errors = [f"build failed: {type(error).__name__}: {error}"]
        return False
    state.errors = []
    for problem in built.warnings:
        print(problem, file=sys.stderr)
    if not quiet:
        what = f"{built.changed} of {built.files} files changed" if built.archive else "nothing changed"
        print(f"rebuilt {counted(built.meetings, 'meeting')}: {what}, in {time.perf_counter() - started:.2f} s",
              file=sys.stderr, flush=True)
    return built.archive is not None


class StenogramServer(Server):
    """livereload's server with our handler in place of its static one."""

    def __init__(self, state: BuildState, hosts: AllowedHosts, quiet: bool = False):
        super().__init__(watcher=InotifyWatcher())
        self.SFH = make_handler(state, hosts)
        self.hosts = hosts
        self.quiet = quiet

    def _setup_logging(self):
        super()._setup_logging()
        if self.quiet:  # refused requests are still logged as warnings
            logging.getLogger("livereload").setLevel(logging.WARNING)

    def application(self, *args, **kwargs):
        hosts = self.hosts

        def check_origin(handler, origin):
            return urlsplit(origin).netloc in hosts

        LiveReloadHandler.check_origin = check_origin
        # livereload tells the browser nothing of a change seen within 3 s of its last reload
        # ("if you changed lot of files in one time"): a second save soon after the first
        # was rebuilt, and the open page went on showing the first. Its watcher runs one
        # rebuild for all the files changed since it last looked, so no reload is ever spared.
        LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
        return super().application(*args, **kwargs)


def server_workers(options: Options) -> Fresh:
    """The server's worker processes, made before it has read anything and kept while it runs.

    Forked from the loaded archive, a worker would copy most of it (parallel.Fresh): at
    5,000 meetings a first build held 1,365 MB (summed Pss), and a rebuild after a template
    edit 1,794 MB, with the search index's process. Fresh workers are sent each batch of
    meetings' pages instead. As many as a first build's workers: none for a small archive,
    whose builds run in one process (an idle worker held 25 MB).
    """
    try:
        count = len(transcript_files(options.content, options.content.resolve(), []))
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
        count = 0                      # the first build reports what is wrong with the folder
    return Fresh(job_count(options.jobs, count))


def serve(options: Options, host: str, port: int, quiet: bool = False) -> int:
    options = replace(options, server=True)
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])
    taken = address_problem(host, port)
    if taken:  # said before the first build, which takes 50 s at 5,000 meetings, not after it
        print(taken, file=sys.stderr)
        return 1
    fresh = server_workers(options)
    try:
        return _serve(options, host, port, quiet, fresh)
    finally:
        fresh.close()


def address_problem(host: str, port: int) -> str | None:
    """Why the server could not listen at host:port (in use, not this machine's), or None: tried
    with a socket of its own, closed at once, as tornado binds its own (SO_REUSEADDR too)."""
    try:
        for family, kind, protocol, _, address in socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                                                     flags=socket.AI_PASSIVE):
            with socket.socket(family, kind, protocol) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind(address)
                except OSError as error:  # tornado skips ::1 for "localhost" where IPv6 is half there
                    if not (error.errno == errno.EADDRNOTAVAIL and host == "localhost" and address[0] == "::1"):
                        raise
    except OSError as error:
        return f"{host}:{port}:1: cannot serve: {error.strerror or error}"
    return None


def _serve(options: Options, host: str, port: int, quiet: bool, fresh: Fresh) -> int:
    state = BuildState(options, fresh)
    rebuild(options, state, quiet)
    if not options.out.is_dir():
        return 1
    server = StenogramServer(state, AllowedHosts(host, port), quiet)
    watched = [options.content, BUILTIN_TEMPLATES_DIR]
    for folder in watched:
        server.watch(str(Path(folder)), lambda: rebuild(options, state, quiet))
    threading.Thread(target=warm_cache, args=(state, options, quiet), name="warm-cache", daemon=True).start()
    PeriodicCallback(partial(look_at_content, options, state, quiet), CONTENT_LOOK_EVERY * 1000).start()
    if not quiet:
        print(f"serving {options.out} on http://{url_host(host if host not in WILDCARD else '127.0.0.1')}:{port}"
              "/index.html (Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        server.serve(port=port, host=host, root=str(options.out), restart_delay=0)
    except OSError as error:
        print(f"{host}:{port}:1: cannot serve: {error.strerror or error}", file=sys.stderr)
        return 1
    return 0
