"""run_tasks shares tasks between the parent and its forked workers, results in task order."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from generator.parallel import can_fork, run_tasks

pytestmark = pytest.mark.skipif(not can_fork(), reason="workers are forked")


def slow_square(index: int) -> tuple[int, int]:
    time.sleep(0.01)
    return index * index, os.getpid()


def test_results_come_back_in_task_order_and_the_parent_takes_tasks_too():
    finished = []
    results = run_tasks(slow_square, 40, 2, finished.append)
    assert [square for square, _ in results] == [i * i for i in range(40)]
    assert sorted(finished) == list(range(40))
    workers = {pid for _, pid in results}
    assert os.getpid() in workers  # the parent worked rather than waited
    assert len(workers) == 2       # and one forked worker did the rest


def test_the_worker_is_not_starved_while_the_parent_runs_a_long_task():
    # The parent starts from the back: a long last task must not leave the worker idle.
    def work(index: int) -> int:
        time.sleep(1.5 if index == 19 else 0.02)
        return os.getpid()

    pids = run_tasks(work, 20, 2)
    assert pids[19] == os.getpid()
    # The worker did all the others meanwhile; had it waited for the parent to hand
    # it more, the parent would have taken some of them after its long one.
    assert pids[:19] == [pids[0]] * 19 and pids[0] != os.getpid()


@pytest.mark.parametrize("last", [True, False])
def test_fresh_workers_are_closed_once_they_made_their_tasks_when_none_will_follow(last):
    """run_tasks(last=True) closes the fresh workers as soon as they have made the tasks sent to
    them, while this process still makes its own (its last task sees them gone); otherwise
    they stay for the next call. The results are the same."""
    from generator.parallel import Fresh
    fresh = Fresh(2)
    seen: list = []

    def work(index: int):
        if index == 9:  # this process's last task: the worker is done with the first five
            deadline = time.monotonic() + 10
            while fresh.pool is not None and time.monotonic() < deadline and last:
                time.sleep(0.02)
            seen.append(fresh.pool is None)
        return slow_square(index)

    try:
        results = run_tasks(work, 10, 2, fresh=fresh, send=lambda index: (slow_square, index), sendable=5, last=last)
        assert [square for square, _ in results] == [i * i for i in range(10)]
        assert {pid for _, pid in results[:5]} != {os.getpid()}  # made by the worker
        assert seen == [last] and (fresh.pool is None) is last
    finally:
        fresh.close()


def fails_at_seven(index: int) -> int:
    if index == 7:
        raise ValueError("task seven")
    return index


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_an_exception_in_any_task_is_raised_in_the_caller(jobs):
    with pytest.raises(ValueError, match="task seven"):
        run_tasks(fails_at_seven, 12, jobs)


IMPORT_RACE = r"""
import sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from generator.parallel import run_tasks

def work(index):
    import slowly_imported  # the first import, here, takes a second and holds the module's lock
    return index

print(run_tasks(work, 8, 2) == list(range(8)))
"""


def test_a_worker_imports_what_this_process_was_importing_when_the_pool_started(tmp_path):
    """The pool forks its workers before this process starts its tasks: forked by the thread
    that feeds them while this one imported a module, a worker inherited the module's lock
    held and waited for it forever (a build of 5,000 meetings hung so, on a codec's first
    decode)."""
    (tmp_path / "slowly_imported.py").write_text("import time\ntime.sleep(1)\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", IMPORT_RACE, str(tmp_path), str(ROOT)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == "True\n", result.stderr


def test_one_job_runs_every_task_here_in_order():
    seen = []
    assert run_tasks(lambda i: seen.append(i) or os.getpid(), 5, 1) == [os.getpid()] * 5
    assert seen == [0, 1, 2, 3, 4]


CTRL_C = r"""
import os, signal, sys, time
sys.path.insert(0, sys.argv[1])
from generator.parallel import Fresh, run_tasks

signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal: a shell may start us ignoring it

def pid_after_a_while(index):
    time.sleep(0.3)
    return os.getpid()

def ctrl_c(*_):  # as a terminal sends it: to every process of the build
    os.killpg(os.getpgid(0), signal.SIGINT)

fresh = Fresh(2)
idle = fresh.pool.submit(os.getpid).result()
try:
    ctrl_c()
    time.sleep(1)
except KeyboardInterrupt:
    print("stopped while the fresh worker waited", flush=True)
assert fresh.pool.submit(os.getpid).result() == idle
try:
    run_tasks(pid_after_a_while, 6, 2, done=ctrl_c)
except KeyboardInterrupt:
    print("stopped while a forked worker worked", flush=True)
fresh.close()
print("done", flush=True)
"""


def test_ctrl_c_is_left_to_the_build_by_its_workers():
    """Ctrl-C reaches every process of the build: a fresh worker waiting for work, and a forked one
    making a task or waiting for the next, leave it to the build (which stops, and waits for their
    tasks) instead of dying with a traceback of the interrupted wait."""
    import subprocess
    import sys
    from conftest import ROOT
    done = subprocess.run([sys.executable, "-c", CTRL_C, str(ROOT)], capture_output=True, text=True, timeout=60,
                          start_new_session=True)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == ["stopped while the fresh worker waited", "stopped while a forked worker worked",
                                        "done"]
