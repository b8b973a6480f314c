"""Work spread over processes that inherit the build's state by fork.

The archive is made once, in the parent; forked workers see it as it was
when they started, so a task is only an index into work the parent listed
(no archive is pickled), and a result is whatever the task returns. The
parent is one of the `jobs`: it takes tasks too. With one job, or on a
platform without fork, tasks run in this process, in order.
Results come back in task order whatever the number of jobs, so output
never depends on it.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache

SERIAL_BELOW = 50
"""Archives with fewer meetings build in one process: starting workers costs more than it saves."""

_work: Callable[[int], object] | None = None
"""The task function of the current pool; set just before forking, read only in workers."""


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


MAX_JOBS = 256
"""The most processes --jobs may ask for: more than cores only adds forks (--jobs 200 made
the 11 example meetings take 6.4 s, not 1.3 s); a number past the system's limits was a traceback."""


def job_count(requested: int, meetings: int) -> int:
    """--jobs N as asked, but no more than MAX_JOBS nor one a meeting; 0 means every core, or one
    for a small archive."""
    if requested > 0:
        return max(1, min(requested, MAX_JOBS, meetings))
    return 1 if meetings < SERIAL_BELOW else cpu_count()


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def before_fork() -> None:
    """Make what a forked worker inherits cheap to share; undone by gc.unfreeze() after.

    Objects made so far move to the collector's permanent generation: a
    worker's collections would otherwise write to every one of them and so
    copy the parent's whole memory into each worker. And memory freed but
    still held by malloc (the transcripts' texts once parsed, a stage's
    temporaries) goes back to the system, so that neither process copies a
    page of it when malloc hands it out again: at 5,000 meetings the peak of
    a --no-cache build fell from 1,332 to 1,264 MB (summed Pss) with the texts
    let go (1,354 MB with the texts let go but no trim).
    """
    gc.freeze()
    give_back_memory()


def give_back_memory() -> None:
    """Return the memory malloc holds free to the system, where malloc can (glibc)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's malloc_trim (12 ms for a 600 MB heap), or None where there is none (macOS, musl)."""
    try:
        import ctypes
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None


def _run(index: int):
    return _work(index)


def _start_worker(parent: int) -> None:
    """In a worker: leave Ctrl-C to the build, end on SIGTERM or SIGHUP (the build then makes its
    tasks, or stops too), and exit once the build that forked it is gone.

    Ctrl-C reaches every process of the build: the build stops, and waits for the tasks
    its workers have taken before it removes the new site; a worker waiting for its next
    task would die with a traceback of the interrupted wait. A worker forked by a build
    killed with SIGKILL would otherwise wait for work forever: it holds its own copy of
    the task pipe, so it never sees the pipe close.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):  # cli.STOP_SIGNALS: the build's handlers are its alone (not
        if hasattr(signal, name):       # imported: cli loads without this module); a worker sent one ends
            signal.signal(getattr(signal, name), signal.SIG_DFL)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)
    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class Fresh:
    """Worker processes forked when made, while this process is still small, for tasks that
    come later with all they need pickled (run_tasks' `fresh`).

    A worker forked from the loaded archive shares its memory only until either process
    writes to it, and reading a Python object writes its reference count: at 5,000 meetings
    the two processes of a render held 1,320 MB (summed Pss), each touching nearly all the
    archive. A fresh worker holds only the tasks it is sent. None are made with one job or
    without fork.

    `let_go`, called in each worker as it starts, drops what this process holds now but the
    workers will not need (the transcripts' texts, read to know what changed: 136 MB at
    5,000 meetings, which the worker would otherwise keep after this process let go of them).
    """

    def __init__(self, jobs: int, let_go: Callable[[], None] | None = None):
        self.workers = jobs - 1
        self.pool: ProcessPoolExecutor | None = None
        if self.workers >= 1 and can_fork():
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"),
                                            initializer=_start_fresh, initargs=(os.getpid(), let_go))
            self.pool.submit(os.getpid)  # forks every worker now

    @property
    def working(self) -> bool:
        """True while the workers can take tasks: made, not closed, and none has died (a
        dead worker breaks its pool; _shared then makes its tasks in this process)."""
        return self.pool is not None and not getattr(self.pool, "_broken", False)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


def _start_fresh(parent: int, let_go: Callable[[], None] | None) -> None:
    _start_worker(parent)
    if let_go is not None:
        let_go()
        gc.collect()
        give_back_memory()


def run_tasks(work: Callable[[int], object], count: int, jobs: int,
              done: Callable[[int], None] | None = None, fresh: Fresh | None = None,
              send: Callable[[int], tuple[Callable, object]] | None = None, sendable: int = 0,
              last: bool = False) -> list:
    """[work(0), …, work(count - 1)], computed by this process and `jobs - 1` forked ones.

    `work` may use anything the parent holds: the workers are forked after
    it is set. The parent works too rather than wait: its tasks cost no
    pickling, and it touches its own memory where a worker copies every page
    it touches, so each worker saved is most of a copy of the archive.
    With `fresh` workers none is forked: they take the first `sendable`
    tasks only, task i as `function(argument)` of `send(i)`, which must give
    what work(i) gives; this process does the rest.
    `done(i)` is called in the parent as each task finishes, for progress.
    With `last` (no task will be sent them after these), the `fresh` workers are closed as
    soon as they have made theirs: idle while this process made its last ones (the search
    index), one held 80 MB at the build's peak (5,000 meetings with the example glossary).
    An exception in a task is raised here.
    """
    global _work
    jobs = min(jobs, count)
    done = done or (lambda index: None)
    if fresh is not None and fresh.pool is not None and sendable and send is not None:
        pool = fresh.pool
        return _shared(lambda index: pool.submit(*send(index)), fresh.workers, work, count, done, front=sendable,
                       fed=fresh.close if last else None)
    if fresh is not None or jobs <= 1 or not can_fork():
        results = []
        for index in range(count):
            results.append(work(index))
            done(index)
        return results
    _work = work
    before_fork()
    try:
        with ProcessPoolExecutor(jobs - 1, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_start_worker, initargs=(os.getpid(),)) as pool:
            # The pool forks its workers on its first task: here, before this process has another
            # thread at work. Forked by the thread that feeds them while this one imported a
            # module (a codec, on its first decode), a worker inherited that module's lock held
            # and waited for it forever, and the build with it.
            pool.submit(os.getpid)
            return _shared(lambda index: pool.submit(_run, index), jobs - 1, work, count, done)
    finally:
        _work = None
        gc.unfreeze()


def _shared(submit: Callable[[int], Future], workers: int, work: Callable[[int], object], count: int,
            done: Callable[[int], None], front: int | None = None, fed: Callable[[], None] | None = None) -> list:
    """The tasks shared between the pool, which takes them from the front (`submit`), and this
    process, which takes them from the back (the first tasks are the longest). The pool takes
    only tasks before `front`, when given; `fed()` is called once it has made all it took.

    A thread keeps the pool fed while this process works, so that a long task
    here never leaves a worker waiting for its next one. If a worker dies (killed
    for lack of memory, say), this process makes the tasks the pool had, and the rest.
    """
    results: list = [None] * count
    ends = [0, count]  # [next task from the front, one past the next from the back]
    lock = threading.Lock()
    failed: list[BaseException] = []
    orphans: list[int] = []
    limit = count if front is None else front

    def take(front: bool) -> int | None:
        with lock:
            if ends[0] >= ends[1]:
                return None
            if front:
                if ends[0] >= limit:
                    return None
                ends[0] += 1
                return ends[0] - 1
            ends[1] -= 1
            return ends[1]

    def finish(index: int, result) -> None:
        results[index] = result
        with lock:
            done(index)

    def feed() -> None:
        pending: dict = {}
        index = None  # a task taken and not yet submitted
        try:
            while True:
                while len(pending) < 2 * workers and (index := take(front=True)) is not None:
                    pending[submit(index)] = index
                    index = None
                if not pending:
                    if fed is not None:
                        fed()
                    return
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    finish(pending[future], future.result())
                    del pending[future]
        except BrokenProcessPool:
            orphans.extend([*pending.values(), *([] if index is None else [index])])
        except BaseException as error:  # noqa: BLE001 - raised again by the caller's thread
            failed.append(error)
            stop()
            for future in pending:
                future.cancel()

    def stop() -> None:
        with lock:
            ends[1] = ends[0]

    feeder = threading.Thread(target=feed, name="feed-workers", daemon=True)
    feeder.start()
    try:
        while (index := take(front=False)) is not None:
            finish(index, work(index))
    except BaseException:
        stop()
        raise
    finally:
        feeder.join()
    if failed:
        raise failed[0]
    for index in sorted(orphans):
        finish(index, work(index))
    return results


class Early:
    """One task started in a forked process now, its result collected later (`result()`).

    The parent goes on with other work meanwhile: a rebuild's longest single
    task (the search index) runs while the parent lists the pages. With one
    job, or without fork, the task runs when its result is asked for.
    """

    def __init__(self, work: Callable[[], object], jobs: int):
        global _early
        self._work, self._pool, self._future = work, None, None
        if jobs <= 1 or not can_fork():
            return
        _early = work
        before_fork()
        try:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_start_worker, initargs=(os.getpid(),))
            self._future = self._pool.submit(_run_early)  # forks here: the worker has `work`
        finally:
            _early = None
            gc.unfreeze()

    def result(self):
        """The task's result (its exception raised here); waits for it."""
        if self._future is None:
            return self._work()
        try:
            return self._future.result()
        finally:
            self._pool.shutdown()

    def wait(self) -> None:
        """Wait for the task to end, whatever it gives: before the files it writes are removed."""
        if self._future is not None:
            wait([self._future])
            self._pool.shutdown()


_early: Callable[[], object] | None = None


def _run_early():
    return _early()


def batches(count: int, size: int) -> Sequence[range]:
    """range(count) cut into consecutive ranges of at most `size`."""
    return [range(start, min(start + size, count)) for start in range(0, count, size)]
