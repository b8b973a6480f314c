"""Work spread over processes that inherit the build's state by fork.

The archive is made once, in the parent; forked workers see it as it was
when they started, so a task is only an index into work the parent listed
(no archive is pickled), and a result is whatever the task returns. With one
job, or on a platform without fork, tasks run in this process, in order.
Results come back in task order whatever the number of jobs, so output
never depends on it.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

SERIAL_BELOW = 50
"""Archives with fewer meetings build in one process: starting workers costs more than it saves."""

_work: Callable[[int], object] | None = None
"""The task function of the current pool; set just before forking, read only in workers."""


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def job_count(requested: int, meetings: int) -> int:
    """--jobs N as asked; 0 means every core, or one for a small archive."""
    if requested > 0:
        return requested
    return 1 if meetings < SERIAL_BELOW else cpu_count()


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _run(index: int):
    return _work(index)


def _exit_with_parent(parent: int) -> None:
    """In a worker: exit once the build that forked it is gone.

    A worker forked by a build killed with SIGKILL would otherwise wait for
    work forever: it holds its own copy of the task pipe, so it never sees
    the pipe close.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)
    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def run_tasks(work: Callable[[int], object], count: int, jobs: int,
              done: Callable[[int], None] | None = None) -> list:
    """[work(0), …, work(count - 1)], computed by `jobs` forked processes.

    `work` may use anything the parent holds: the workers are forked after
    it is set. `done(i)` is called in the parent as each task finishes, for
    progress. An exception in a task is raised here.
    """
    global _work
    jobs = min(jobs, count)
    if jobs <= 1 or not can_fork():
        results = []
        for index in range(count):
            results.append(work(index))
            if done:
                done(index)
        return results
    _work = work
    # Objects made so far move to the collector's permanent generation: a
    # worker's collections would otherwise write to every one of them and so
    # copy the parent's whole memory into each worker.
    gc.freeze()
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_exit_with_parent, initargs=(os.getpid(),)) as pool:
            pending = {pool.submit(_run, index): index for index in range(count)}
            results: list = [None] * count
            try:
                while pending:
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        index = pending.pop(future)
                        results[index] = future.result()
                        if done:
                            done(index)
            except BaseException:
                for future in pending:
                    future.cancel()
                raise
            return results
    finally:
        _work = None
        gc.unfreeze()


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
        gc.freeze()  # as in run_tasks: the worker's collections must not copy the parent's memory
        try:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_exit_with_parent, initargs=(os.getpid(),))
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
