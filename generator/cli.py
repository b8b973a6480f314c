"""The command line: build, serve, check. Errors are `file:line: message`, exit 1."""
from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from .model import ContentErrors, Problem
from .progress import Progress, counted
from .read import read_content
from .uptodate import Options, check_inputs, user_templates


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build.py", description="Build a Stenogram site from transcripts.")
    parser.add_argument("command", nargs="?", default="build", choices=("build", "serve", "check"),
                        help="build (default), serve with live reload, or check the content")
    parser.add_argument("--content", default="content", help="content folder (default: content)")
    parser.add_argument("--out", default="site", help="output folder (default: site)")
    parser.add_argument("--base-url", default="", help="absolute URL of the published site (for feed and sitemap)")
    parser.add_argument("--strict", action="store_true", help="warnings fail the build")
    parser.add_argument("--jobs", type=int, default=0,
                        help="worker processes (default: all cores; one for archives under 50 meetings)")
    parser.add_argument("--cache", default=None,
                        help="cache folder for fast rebuilds (default: .stenogram-cache/<out name> beside --out)")
    parser.add_argument("--no-cache", action="store_true", help="build from scratch, without reading or writing the cache")
    parser.add_argument("--quiet", action="store_true", help="print only problems")
    parser.add_argument("--host", default="127.0.0.1", help="serve: address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="serve: port to listen on")
    return parser.parse_args(argv)


def options_from(args: argparse.Namespace) -> Options:
    content = Path(args.content)
    if args.jobs < 0:
        raise ContentErrors([Problem("--jobs", 1, "the number of jobs must be 0 (all cores) or more")])
    return Options(content=content, out=Path(args.out), base_url=args.base_url, strict=args.strict,
                   templates=user_templates(content), jobs=args.jobs,
                   cache=Path(args.cache) if args.cache else None, use_cache=not args.no_cache,
                   stop_if_unchanged=True)


def say(text: str) -> None:
    """A summary line on stdout. A full disk behind `> file` is said as stdout's, not blamed on the
    site (main names an OSError's file, or the output folder)."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OSError(error.errno, error.strerror, "<stdout>") from None


def print_problems(problems, stream=sys.stderr) -> None:
    for problem in problems:
        print(problem, file=stream)


def run_build(args: argparse.Namespace) -> int:
    options = options_from(args)
    started = time.perf_counter()
    checked = check_inputs(options)
    built = checked[2]
    if built is None:
        from .pipeline import make_site  # the parser, Jinja and the rest, only when there is work for them
        built = make_site(options, Progress.for_terminal(args.quiet), checked=checked)
    print_problems(built.warnings)
    if not args.quiet:
        what = (f"{built.changed} of {built.files} files changed" if built.archive
                else f"nothing changed ({built.files} files)")
        say(f"built {counted(built.meetings, 'meeting')} into {options.out}: {what}, "
            f"in {time.perf_counter() - started:.2f} s")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Every problem of the content, warnings included, without writing anything."""
    from .pipeline import load_archive
    options = options_from(args)
    content = read_content(options.content)
    try:
        archive = load_archive(content, options.base_url, strict=False)
    except ContentErrors as errors:
        print_problems(errors.problems)
        return 1
    from .render import template_problems
    errors = template_problems(archive, options.templates)
    if errors:
        print_problems(errors)
        return 1
    problems = list(archive.warnings)
    from .checks import content_checks
    problems += content_checks(archive, content)
    print_problems(problems)
    if not args.quiet:
        say(f"checked {counted(len(archive.meetings), 'meeting')}: {counted(len(problems), 'warning')}")
    return 1 if (args.strict and problems) else 0


def run_serve(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:  # 0 (any free port) would not be the one printed and allowed
        raise ContentErrors([Problem("--port", 1, "the port must be a number from 1 to 65535")])
    from .serve import serve
    return serve(options_from(args), args.host, args.port, quiet=args.quiet)


BUILD_GC_THRESHOLDS = (100_000, 50, 1000)
"""A build makes millions of records that live to its end and hold no cycles; with
Python's default thresholds the collector walks all of them again and again (seconds
at 5,000 meetings) and frees nothing. Young objects are still collected."""

BUILD_SWITCH_INTERVAL = 0.001
"""Seconds a thread may hold the interpreter while another waits for it (Python's default is
5 ms). A build parses and analyses in its main thread while other threads feed the workers
and read what they send back: at 5 ms a worker waited on them for its next batch, and made
1,536 of the 5,000 meetings' parses to this process's 3,464 (2,680 to 2,320 at 1 ms). A full
build of 5,000 meetings took 35.2-36.2 s, 33.8-34.4 s at 1 ms."""

SIGPIPE_STATUS = 141
"""The status a shell gives a command ended by SIGPIPE (128 + 13)."""

STOP_SIGNALS = ("SIGTERM", "SIGHUP")
"""Signals that stop a command as Ctrl-C does, where the system has them: `kill`, `timeout`, a
service manager, a closed terminal."""


class Stopped(KeyboardInterrupt):
    """A stop signal, raised in the main thread as Ctrl-C's KeyboardInterrupt is, so that it ends
    a build the same way: its workers stopped, its half-written site removed and the previous one
    kept. Left to the system, SIGTERM ended the build where it stood, and its new folder stayed
    beside the site until the next build."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_stopped(signum: int, frame) -> None:
    raise Stopped(signum)


@contextmanager
def stopped_by_signals():
    """STOP_SIGNALS raise Stopped while the command runs. A signal the command was started
    ignoring (nohup's SIGHUP) stays ignored; off the main thread, where Python cannot take
    signals, nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {}
    for name in STOP_SIGNALS:
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) == signal.SIG_DFL:
            before[number] = signal.signal(number, _raise_stopped)
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    commands = {"build": run_build, "check": run_check, "serve": run_serve}
    thresholds, interval = gc.get_threshold(), sys.getswitchinterval()
    gc.set_threshold(*BUILD_GC_THRESHOLDS)
    sys.setswitchinterval(BUILD_SWITCH_INTERVAL)
    try:
        with stopped_by_signals():
            return commands[args.command](args)
    except ContentErrors as errors:
        print_problems(errors.problems)
        return 1
    except Stopped as stop:
        print(f"stopped by {signal.Signals(stop.signum).name}; the previous site is unchanged", file=sys.stderr)
        return 128 + stop.signum
    except KeyboardInterrupt:
        print("interrupted; the previous site is unchanged", file=sys.stderr)
        return 130
    except BrokenPipeError:  # whoever read our output left (`| head`): quiet, as a tool SIGPIPE ended
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return SIGPIPE_STATUS
    except OSError as error:
        where = error.filename or args.out
        print(f"{where}:1: {error.strerror or error}", file=sys.stderr)
        return 1
    finally:
        gc.set_threshold(*thresholds)
        sys.setswitchinterval(interval)
