"""`python build.py serve`: one rebuild per edit, the open page reloaded in Chromium after each save, errors
shown and recovered from, hostile requests refused.

The server runs as a subprocess on a free port over a copy of the example
content. Waits are bounded polls (the server rebuilds when inotify tells it of
a change, or where there is none when its watcher next looks, every 0.8 s),
never fixed sleeps that assume a fast machine.
"""
from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import CONTENT, ROOT
from test_hugepages import transparent_huge_pages

SEED = "2023-02-17_70530.txt"
SEED_PAGE = "/meetings/2023-02-17-70530.html"
WAIT = 30.0
"""Seconds a poll may take before the test fails (a rebuild of the example takes about one)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`build.py serve` in a subprocess, its stderr collected line by line."""

    def __init__(self, project: Path, port: int):
        self.port = port
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--content", "content", "--out", "site",
             "--port", str(port)], cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def request(self, path: str, headers: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
            for name, value in {"Host": f"127.0.0.1:{self.port}", **(headers or {})}.items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            if response.status == 101:  # a web socket: no body to wait for
                return response.status, ""
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def wait_for(self, condition, what: str):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server stopped while waiting for {what}:\n" + "\n".join(self.lines))
            try:
                found = condition()
            except OSError:
                found = None
            if found:
                return found
            time.sleep(0.2)
        pytest.fail(f"no {what} within {WAIT} s; server said:\n" + "\n".join(self.lines))

    def page(self, path: str) -> str:
        status, body = self.request(path)
        return body if status == 200 else ""

    def rebuilds(self) -> int:
        return sum(1 for line in self.lines if line.startswith("rebuilt "))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    project = tmp_path_factory.mktemp("serve")
    shutil.copytree(CONTENT, project / "content")
    server = Server(project, free_port())
    try:
        server.wait_for(lambda: server.page("/index.html"), "first page")
        yield project, server
    finally:
        server.stop()


def test_pages_are_served_with_live_reload_that_the_files_never_contain(served):
    project, server = served
    html = server.page(SEED_PAGE)
    assert "Lukashenko" in html and "livereload.js" in html
    built = [p for p in (project / "site").rglob("*") if p.is_file() and b"livereload" in p.read_bytes()]
    assert built == []


def test_one_edit_rebuilds_once(served):
    project, server = served
    seed = project / "content" / "transcripts" / SEED
    before = server.rebuilds()
    seed.write_text(seed.read_text(encoding="utf-8") + "\nVladimir Putin: Edited while serving.\n", encoding="utf-8")
    server.wait_for(lambda: "Edited while serving." in server.page(SEED_PAGE), "rebuilt page")
    server.wait_for(lambda: server.rebuilds() > before, "rebuild message")
    time.sleep(2.5)  # three more looks of a polling watcher: nothing else changed, so no other rebuild
    assert server.rebuilds() == before + 1
    assert "Edited while serving." in (project / "site" / SEED_PAGE.lstrip("/")).read_text(encoding="utf-8")


def test_the_open_page_reloads_after_each_save_also_two_in_a_row(served, browser):
    """In Chromium, a page opened from the server reloads by itself after a save, and again after
    a second save a moment later: livereload's own rule (no reload within 3 s of the last) had
    left the page showing the first save until the next one."""
    project, server = served
    seed = project / "content" / "transcripts" / SEED
    good = seed.read_text(encoding="utf-8")
    frames: list[str] = []
    page = browser.new_page()
    page.on("websocket", lambda socket: socket.on("framesent", lambda payload: frames.append(str(payload))))

    def wait_until_listening() -> None:  # the page as now loaded has told the server it waits for reloads
        deadline = time.monotonic() + WAIT
        while not any('"info"' in frame for frame in frames):
            assert time.monotonic() < deadline, "no live-reload socket"
            page.wait_for_timeout(100)
        frames.clear()

    try:
        page.goto(f"http://127.0.0.1:{server.port}{SEED_PAGE}", wait_until="load")
        wait_until_listening()
        for number, words in enumerate(("First saved words.", "Second saved words."), start=1):
            seed.write_text(good + f"\nVladimir Putin: {words}\n", encoding="utf-8")
            page.wait_for_function(f"document.body && document.body.textContent.includes({words!r})",
                                   timeout=WAIT * 1000)
            if number == 1:
                reloaded = time.monotonic()
                wait_until_listening()
                assert time.monotonic() - reloaded < 3, "the second save must come within 3 s of the reload"
    finally:
        page.close()
        seed.write_text(good, encoding="utf-8")
    server.wait_for(lambda: "Second saved words." not in server.page(SEED_PAGE), "the seed restored")


def test_the_cache_on_disk_follows_the_servers_rebuilds(served):
    """The server writes its cache after each rebuild (once the browser has been told to
    reload): a command-line build run next finds the site up to date and reads nothing."""
    project, server = served
    record = project / ".stenogram-cache" / "site" / "site.pickle"
    before = record.stat().st_mtime_ns
    seed = project / "content" / "transcripts" / SEED
    seed.write_text(seed.read_text(encoding="utf-8") + "\nVladimir Putin: Saved for later.\n", encoding="utf-8")
    server.wait_for(lambda: "Saved for later." in server.page(SEED_PAGE), "rebuilt page")
    server.wait_for(lambda: record.stat().st_mtime_ns != before, "the cache saved")
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", "content", "--out", "site"],
                          cwd=project, capture_output=True, text=True, timeout=WAIT)
    assert done.returncode == 0 and "nothing changed" in done.stdout, done.stdout + done.stderr


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def test_a_transcript_moved_in_with_an_old_time_is_built_as_a_clean_build_would(served, tmp_path):
    """A file moved into transcripts/ keeps its time stamp (mv, cp -p, tar, rsync -a): the server,
    which took an unseen file older than itself for no change, did not rebuild. And the new, newest
    meeting makes one more block of search postings, which the server's join took for no change:
    its search files kept the old meeting numbers. After the move the site is a clean build's."""
    project, server = served
    moved = tmp_path / "2024-01-01_moved.txt"
    moved.write_text("---\ntitle: Talks moved in\ndate: 2024-01-01\n---\n"
                     "Vladimir Putin: Good afternoon, colleagues. Trade grew by 12 percent.\n", encoding="utf-8")
    os.utime(moved, (1_000_000_000, 1_000_000_000))  # 2001: older than the server
    target = project / "content" / "transcripts" / moved.name
    before = server.rebuilds()
    try:
        os.rename(moved, target)
        server.wait_for(lambda: "Talks moved in" in server.page("/index.html"), "the moved-in meeting")
        server.wait_for(lambda: server.rebuilds() > before, "rebuild message")
        clean = tmp_path / "clean"
        done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", "content", "--out", str(clean),
                               "--no-cache", "--quiet"], cwd=project, capture_output=True, text=True, timeout=WAIT)
        assert done.returncode == 0, done.stderr
        served_files, clean_files = tree_bytes(project / "site"), tree_bytes(clean)
        assert sorted(served_files) == sorted(clean_files)
        assert [name for name in clean_files if served_files[name] != clean_files[name]] == []
    finally:
        target.unlink(missing_ok=True)
    server.wait_for(lambda: "Talks moved in" not in server.page("/index.html"), "the meeting gone again")


def test_site_files_changed_by_hand_while_serving_are_made_again_by_the_next_rebuild(served):
    """A rebuild keeps a page or file whose inputs are as before without looking at it, unless
    something changed it in the site since the last rebuild (folder_changes.FolderChanges): a
    page written over, a data file removed and a search file replaced by renaming, none of
    them of the edited meeting, are each made again as they were."""
    project, server = served
    site = project / "site"
    other = "2010-10-09-9200"  # far from the edited meeting: its files are kept unrendered
    hand = {"page": site / "meetings" / f"{other}.html", "data": site / "data" / "meetings" / f"{other}.json",
            "search": site / "search" / "doc" / f"{other}.js"}
    built = {name: path.read_bytes() for name, path in hand.items()}
    seed = project / "content" / "transcripts" / SEED
    good = seed.read_text(encoding="utf-8")
    try:
        seed.write_text(good + "\nVladimir Putin: Saved before the site was changed.\n", encoding="utf-8")
        server.wait_for(lambda: "Saved before the site was changed" in server.page(SEED_PAGE), "a first rebuild")
        before = server.rebuilds()  # the site as a rebuild saw it; the watch on it is on
        hand["page"].write_text("written over by hand", encoding="utf-8")
        hand["data"].unlink()
        (site / "replacement").write_text("replaced by hand", encoding="utf-8")
        os.replace(site / "replacement", hand["search"])
        seed.write_text(good + "\nVladimir Putin: Saved after the site was changed by hand.\n", encoding="utf-8")
        server.wait_for(lambda: "Saved after the site was changed" in server.page(SEED_PAGE), "rebuilt page")
        server.wait_for(lambda: server.rebuilds() > before, "rebuild message")
        assert {name: path.read_bytes() if path.exists() else None for name, path in hand.items()} == built
    finally:
        seed.write_text(good, encoding="utf-8")
    server.wait_for(lambda: "Saved after the site was changed" not in server.page(SEED_PAGE), "restored page")


def test_a_site_file_written_through_another_hard_link_is_found_and_made_again(served, tmp_path):
    """A write through another hard link to a site file names no file of the site to inotify:
    the server finds it when it looks at every file after a rebuild (serve.check_site), says
    so, and builds again, without waiting for another save."""
    project, server = served
    site = project / "site"
    target = site / "search" / "doc" / "2010-10-09-9200.js"
    seed = project / "content" / "transcripts" / SEED
    good = seed.read_text(encoding="utf-8")
    try:
        seed.write_text(good + "\nVladimir Putin: Saved before a hard link was made.\n", encoding="utf-8")
        server.wait_for(lambda: "Saved before a hard link" in server.page(SEED_PAGE), "a first rebuild")
        built = target.read_bytes()
        os.link(target, tmp_path / "elsewhere.js")
        with open(tmp_path / "elsewhere.js", "r+b") as elsewhere:
            elsewhere.write(b"HACKED!")
        assert target.read_bytes() != built
        seed.write_text(good + "\nVladimir Putin: Saved after a hard link was written.\n", encoding="utf-8")
        server.wait_for(lambda: target.read_bytes() == built, "the file made again")
        said = server.wait_for(lambda: [line for line in server.lines if "changed outside the server" in line],
                               "the message")
        assert said == ["site/search/doc/2010-10-09-9200.js: changed outside the server, through another hard "
                        "link or a memory map; building again"]
    finally:
        seed.write_text(good, encoding="utf-8")
    server.wait_for(lambda: "Saved after a hard link" not in server.page(SEED_PAGE), "restored page")


def test_a_transcript_written_through_another_hard_link_is_found_and_built(served, tmp_path):
    """A rebuild reads again only the transcripts inotify named (content_reads); a write through
    another hard link from outside the content folder names none. The idle server finds it
    when it looks at every transcript (serve.look_at_content, every 5 s), says so, and
    builds it, without waiting for a save."""
    project, server = served
    seed = project / "content" / "transcripts" / SEED
    good = seed.read_bytes()
    os.link(seed, tmp_path / "elsewhere.txt")
    try:
        with open(tmp_path / "elsewhere.txt", "ab") as elsewhere:
            elsewhere.write(b"\nVladimir Putin: Written through another hard link.\n")
        server.wait_for(lambda: "Written through another hard link" in server.page(SEED_PAGE), "rebuilt page")
        said = [line for line in server.lines if "changed with no event" in line]
        assert said == [f"content/transcripts/{SEED}: changed with no event, through another hard link or a "
                        "memory map; building again"]
    finally:
        seed.write_bytes(good)
    server.wait_for(lambda: "Written through another hard link" not in server.page(SEED_PAGE), "restored page")


def test_an_error_is_shown_and_the_next_good_save_recovers(served):
    project, server = served
    seed = project / "content" / "transcripts" / SEED
    good = seed.read_text(encoding="utf-8")
    message = f"content/transcripts/{SEED}:4: invalid YAML"
    seed.write_text(good.replace("place: ", "place: [unclosed ", 1), encoding="utf-8")
    try:
        html = server.wait_for(lambda: (lambda page: page if message in page else None)(server.page(SEED_PAGE)),
                               "error banner")
        assert 'role="alert"' in html and "Lukashenko" in html, "the last good page is still served"
        server.wait_for(lambda: any(line.startswith(message) for line in server.lines), "message on stderr")
        assert server.page("/index.html").count(message) == 1
    finally:
        seed.write_text(good, encoding="utf-8")
    server.wait_for(lambda: (lambda page: page and message not in page)(server.page(SEED_PAGE)), "recovery")
    assert 'role="alert"' not in server.page("/index.html")


def test_a_templates_folder_made_while_serving_is_used_and_its_removal_too(served):
    """The content's templates folder is looked for at each rebuild, not only at the start."""
    project, server = served
    templates = project / "content" / "templates"
    assert not templates.exists()
    templates.mkdir()
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    try:
        (templates / "base.html").write_text(base.replace("</title>", " · ours</title>", 1), encoding="utf-8")
        server.wait_for(lambda: " · ours</title>" in server.page(SEED_PAGE), "the page made with our template")
    finally:
        shutil.rmtree(templates)
    server.wait_for(lambda: (lambda page: page and " · ours</title>" not in page)(server.page(SEED_PAGE)),
                    "the page made with the built-in template again")


@pytest.mark.parametrize("path", ["/../x", "/%2e%2e/%2e%2e/etc/passwd", "/meetings/..%2f..%2fcontent/site.yaml",
                                  "/static/../../content/site.yaml"])
def test_paths_outside_the_site_are_refused(served, path):
    _, server = served
    status, body = server.request(path)
    assert status in (400, 403, 404)
    assert "root:" not in body and "title:" not in body


def test_a_symlink_out_of_the_site_is_refused(served):
    project, server = served
    secret = project / "secret.txt"
    secret.write_text("do not serve", encoding="utf-8")
    link = project / "site" / "leak.txt"
    os.symlink(secret, link)
    try:
        status, body = server.request("/leak.txt")
        assert status in (403, 404) and "do not serve" not in body
    finally:
        link.unlink(missing_ok=True)


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"}, {"Host": "evil.example"},
                                     {"Host": "evil.example:80", "Origin": "http://evil.example"}])
def test_foreign_origin_or_host_is_refused(served, headers):
    _, server = served
    status, body = server.request("/index.html", headers)
    assert status == 403 and "Lukashenko" not in body


def test_the_live_reload_socket_refuses_a_foreign_origin(served):
    _, server = served
    upgrade = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    status, _ = server.request("/livereload", {**upgrade, "Origin": "http://evil.example"})
    assert status == 403
    status, _ = server.request("/livereload", {**upgrade, "Origin": f"http://127.0.0.1:{server.port}"})
    assert status == 101


def test_the_cache_is_loaded_while_waiting_for_the_first_edit(served):
    project, server = served
    line = server.wait_for(lambda: next((line for line in server.lines if line.startswith("loaded ")), None),
                           "cache loaded")
    transcripts = len(list((project / "content" / "transcripts").glob("*.txt")))
    assert line.startswith(f"loaded {2 * transcripts} cached transcripts and analyses in ")


@pytest.mark.skipif(sys.platform != "linux" or transparent_huge_pages() == "never",
                    reason="the kernel has no transparent huge pages to give")
def test_the_servers_memory_is_in_huge_pages_once_its_cache_is_loaded(served):
    """The server asks for its heap in 2 MB pages (generator/hugepages.py), which Python never
    does: on a kernel that gives them only when asked, a server without it had none."""
    project, server = served
    server.wait_for(lambda: any(line.startswith("loaded ") for line in server.lines), "cache loaded")
    rollup = Path(f"/proc/{server.process.pid}/smaps_rollup").read_text()
    assert int(re.search(r"AnonHugePages:\s+(\d+) kB", rollup).group(1)) >= 2048


def test_each_rebuild_asks_for_what_it_made_to_be_in_huge_pages_beside_the_loop(tmp_path, monkeypatch):
    """After a rebuild that built, a thread of its own asks (what the edit made is new memory);
    not after a failed one."""
    from generator import serve
    from generator.pipeline import Options
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(CONTENT, content)
    options = Options(content=content, out=out, server=True, stop_if_unchanged=True)
    asked: list[str] = []
    done = threading.Event()
    monkeypatch.setattr(serve, "use_huge_pages", lambda: (asked.append(threading.current_thread().name), done.set()))
    state = serve.BuildState(options)
    serve.rebuild(options, state, quiet=True)
    assert done.wait(WAIT) and asked == ["huge-pages"]
    (content / "transcripts" / SEED).write_text("Vladimir Putin said\n", encoding="utf-8")
    done.clear()
    serve.rebuild(options, state, quiet=True)
    assert state.errors and not done.wait(1) and asked == ["huge-pages"]


def test_the_idle_look_at_the_content_waits_for_a_quiet_spell_after_a_rebuild(tmp_path, monkeypatch):
    """The look at every transcript for a write with no event (serve.look_at_content) would share
    the interpreter with a save's rebuild: it starts only once no rebuild ran for
    CONTENT_LOOK_EVERY, and not while one runs."""
    from generator import serve
    from generator.pipeline import Options
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    options = Options(content=content, out=tmp_path / "site", server=True)
    looks: list[str] = []
    monkeypatch.setattr(serve.ContentReads, "changed_unseen", lambda self, known: looks.append("look") or [])
    state = serve.BuildState(options)
    serve.rebuild(options, state, quiet=True)
    serve.look_at_content(options, state, True)
    time.sleep(0.5)  # time for a look's thread, had one started
    assert looks == [], "no look right after a rebuild"
    state.rebuilt_at -= serve.CONTENT_LOOK_EVERY
    with state.lock:
        serve.look_at_content(options, state, True)
    time.sleep(0.5)
    assert looks == [], "no look while a rebuild runs"
    serve.look_at_content(options, state, True)
    deadline = time.monotonic() + WAIT
    while not looks and time.monotonic() < deadline:
        time.sleep(0.05)
    assert looks == ["look"]
    state.content_reads.close()
    state.site_changes.close()


def test_a_long_editing_session_holds_no_more_than_its_archive(tmp_path):
    """A server runs through hours of saves, each a new text: the cache write after each
    rebuild (save_cache, as rebuild() schedules it) drops what the save replaced, and what is
    remembered meeting by meeting (once.per_item, once.PerItem) keeps no more than two
    archives' worth. Fifteen saves after the first few leave one parse and one analysis a
    transcript, and some 200 more objects (new names in bounded caches). Without the pruning
    each save kept about 120 more; with per_item keeping every archive, 8,000 more in all."""
    import gc
    from generator import serve
    from generator.pipeline import Options
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(CONTENT, content)
    options = Options(content=content, out=out, server=True, stop_if_unchanged=True)
    state = serve.BuildState(options)
    transcripts = content / "transcripts"
    victim = transcripts / "2018-06-04_57675.txt"  # no notes name it
    original = victim.read_text(encoding="utf-8")

    def save(number: int) -> None:
        """A new text each time; every third save also renames the transcript, and every
        third adds a turn by someone never seen before."""
        nonlocal victim
        if number % 3 == 1:
            renamed = victim.with_name(f"2018-06-04_{90000 + number}.txt")
            victim.rename(renamed)
            victim = renamed
        said = f"\n\nVladimir Putin: Trade grew by {number + 10} percent, to US${number + 2} billion.\n"
        if number % 3 == 2:
            said += f"\nGovernor {chr(65 + number % 26)}{'x' * (number // 26 + 1)}ov: Thank you.\n"
        victim.write_text(original + said, encoding="utf-8")
        assert serve._rebuild(options, state, True), state.errors
        serve.save_cache(state)

    try:
        for number in range(6):  # the caches of the code (templates, names) filled
            save(number)
        gc.collect()
        held = len(gc.get_objects())
        for number in range(6, 21):
            save(number)
        gc.collect()
        count = len(list(transcripts.iterdir()))
        assert len(state.cache.parsed) == len(state.cache.analysed) == count
        assert len(gc.get_objects()) - held < 1000, "each save keeps what it replaced"
    finally:
        state.content_reads.close()
        state.site_changes.close()


def test_the_warm_up_rebuilds_in_memory_and_leaves_the_site_as_it_was(tmp_path, monkeypatch):
    """After loading the cache the server rebuilds the unchanged site once, in its own thread
    and process, so the first edit reuses what later ones do; it writes nothing."""
    from generator import jobs
    from generator.pipeline import Options, make_site
    from generator.serve import BuildState, warm_cache
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(CONTENT, content)
    options = Options(content=content, out=out, server=True, stop_if_unchanged=True)
    make_site(options)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    state = BuildState(options)
    assert state.cache.blocks == {} and state.cache.resolved is not None
    forked = []
    monkeypatch.setattr(jobs, "run_tasks", lambda work, count, jobs_wanted, *rest, **named: (
        forked.append(jobs_wanted), [work(i) for i in range(count)])[1])
    warm_cache(state, options, quiet=True)
    assert state.cache.blocks, "the search index's blocks are kept for the first edit"
    assert set(forked) == {1}, "no worker is forked from the warm-up's thread"
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


@pytest.mark.parametrize("warmed", [True, False])
def test_after_the_warm_up_an_edit_counts_figures_by_speaker_in_the_edited_meeting_only(tmp_path, monkeypatch,
                                                                                     warmed):
    """The warm-up makes no speaker page, so it counts each meeting's figures by speaker and
    kind itself, and the sums of what each person said (speaker_views.count_said_ahead, for
    everyone here): the first edit's speaker pages then count the edited meeting's alone,
    not every meeting of Vladimir Putin's."""
    from collections import defaultdict
    from generator import speaker_views
    from generator.pipeline import Options, make_site
    from generator.serve import BuildState, warm_cache
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(CONTENT, content)
    monkeypatch.setattr(speaker_views, "KEEP_SUMS_ABOVE", 0)  # everyone's sums kept: the example's are short
    options = Options(content=content, out=out, server=True, stop_if_unchanged=True)
    make_site(options)
    state = BuildState(options)  # as a server started on a built site
    for totals in (state.cache.recall.kinds_said, state.cache.recall.terms_said):
        totals.least = 0
    if warmed:
        warm_cache(state, options, quiet=True)
    else:
        state.cache.load_all()
    counted: list = []

    def counting(factory):
        """defaultdict, noting each meeting kinds_by_speaker counts (it makes one each time)."""
        caller = sys._getframe(1)
        if caller.f_code.co_name == "kinds_by_speaker" and caller.f_locals["said"]:
            counted.append(caller.f_locals["said"][0].meeting)
        return defaultdict(factory)

    monkeypatch.setattr(speaker_views, "defaultdict", counting)
    said_in: list = []
    terms_by_turn = speaker_views.terms_by_turn
    monkeypatch.setattr(speaker_views, "terms_by_turn", lambda archive, hits: (
        said_in.append(hits[0].meeting if hits else None), terms_by_turn(archive, hits))[1])
    seed = content / "transcripts" / SEED
    seed.write_text(seed.read_text(encoding="utf-8") + "\nVladimir Putin: Trade grew by 12 percent.\n",
                    encoding="utf-8")
    built = make_site(options, cache=state.cache, save=False)
    assert built.changed > 0 and "Trade grew by " in (out / SEED_PAGE.lstrip("/")).read_text(encoding="utf-8")
    key = next(p.key for p in built.archive.people if p.slug == "vladimir-putin")
    putin = [m for m in built.archive.meetings
             if any(f.speaker == key for f in built.archive.figures if f.meeting == m.slug)]
    assert len(putin) > 3
    if warmed:
        assert counted == ["2023-02-17-70530"]
        assert said_in == ["2023-02-17-70530"] * len(said_in) != []
    else:  # each meeting of each speaker of the edited one, his included
        assert {m.slug for m in putin} <= set(counted) and len(counted) == len(set(counted))
        assert {m.slug for m in putin} <= set(said_in)


def test_the_hosts_a_request_may_name_follow_the_address_listened_on():
    """On loopback, any loopback name with the port; IPv6 in brackets, as browsers send it
    (`--host ::1` allowed "::1:8000", which no client sends, so every request got 403); on every
    address (0.0.0.0), any IP address (what a LAN reader types) but never a name of another site."""
    from generator.serve import AllowedHosts
    loopback = AllowedHosts("127.0.0.1", 8000)
    assert all(host in loopback for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000"))
    assert "127.0.0.1:8001" not in loopback and "evil.example:8000" not in loopback and "127.0.0.1" not in loopback
    assert "[::1]:9103" in AllowedHosts("::1", 9103) and "::1:9103" not in AllowedHosts("::1", 9103)
    everywhere = AllowedHosts("0.0.0.0", 8000)
    assert "192.168.1.20:8000" in everywhere and "[fe80::1]:8000" in everywhere and "localhost:8000" in everywhere
    assert "evil.example:8000" not in everywhere and "192.168.1.20:8001" not in everywhere
    named = AllowedHosts("stenogram.lan", 8000)
    assert "stenogram.lan:8000" in named and "127.0.0.1:8000" not in named


@pytest.mark.parametrize("port", ["0", "70000", "-1"])
def test_a_port_out_of_range_is_refused(tmp_path, port):
    """--port 70000 listened on 4464 (wrapped round), printed 70000, and refused every request."""
    shutil.copytree(CONTENT, tmp_path / "content")
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "serve", "--port", port], cwd=tmp_path,
                          capture_output=True, text=True, timeout=WAIT)
    assert (done.returncode, done.stderr) == (1, "--port:1: the port must be a number from 1 to 65535\n")
    assert not (tmp_path / "site").exists()


def test_a_port_in_use_is_said_at_once_before_any_build(tmp_path):
    """The port was tried only after the first build (50 s at 5,000 meetings), and the 'serving …
    on' line came before the error."""
    shutil.copytree(CONTENT, tmp_path / "content")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=WAIT)
    assert (done.returncode, done.stderr) == (1, f"127.0.0.1:{port}:1: cannot serve: Address already in use\n")
    assert not (tmp_path / "site").exists()
