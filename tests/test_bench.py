"""The benchmark harness measures what it says: memory of whole process trees,
edits that are undone, and a table whose ratios and targets follow the numbers."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "transcripts" / "2023-02-17_70530.txt"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = load_bench()

HOLD = "import time; block = bytearray({mb} * 2**20); block[::4096] = b'x' * len(block[::4096]); time.sleep(1.0)"


def test_peak_memory_counts_every_process_of_the_tree(tmp_path):
    # Two children of 120 MB at once: no single process reaches 200 MB, the build does.
    script = ("import subprocess, sys; code = {hold!r}; "
              "children = [subprocess.Popen([sys.executable, '-c', code]) for _ in range(2)]; "
              "[child.wait() for child in children]").format(hold=HOLD.format(mb=120))
    run = bench.run_measured([sys.executable, "-c", script], tmp_path, timeout=60)
    assert run.ok
    assert run.peak_mb > 240


def test_peak_memory_is_per_run_not_the_harness_lifetime_maximum(tmp_path):
    # Measured from a small fresh interpreter, as `python bench/run.py` is: a
    # fork of the (large) pytest process would briefly count its parent's pages.
    script = (
        "import importlib.util, json, sys; from pathlib import Path; "
        f"spec = importlib.util.spec_from_file_location('bench_run', {str(ROOT / 'bench' / 'run.py')!r}); "
        "bench = importlib.util.module_from_spec(spec); sys.modules['bench_run'] = bench; spec.loader.exec_module(bench); "
        f"big = bench.run_measured([sys.executable, '-c', {HOLD.format(mb=150)!r}], Path({str(tmp_path)!r}), timeout=60); "
        f"small = bench.run_measured([sys.executable, '-c', \"print('hello')\"], Path({str(tmp_path)!r}), timeout=60); "
        "print(json.dumps([big.peak_mb, small.peak_mb, small.log]))")
    import json
    import subprocess
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    big, small, log = json.loads(result.stdout.strip().splitlines()[-1])
    assert big > 150
    assert small < 60
    assert log.strip() == "hello"


def test_costly_memory_samples_are_spaced_out(tmp_path, monkeypatch):
    """A sample that takes 50 ms (a large process tree's page tables) waits 20 times that
    before the next, so the harness does not slow down the build it measures."""
    calls = []

    def slow_sample(pid: int) -> int:
        calls.append(pid)
        time.sleep(0.05)
        return 1

    monkeypatch.setattr(bench, "tree_memory_bytes", slow_sample)
    run = bench.run_measured([sys.executable, "-c", "import time; time.sleep(1.5)"], tmp_path, timeout=60)
    assert run.ok and 1 <= len(calls) <= 3  # every 20 ms, it would be about 20


def test_failed_build_keeps_its_exit_code_and_output(tmp_path):
    run = bench.run_measured([sys.executable, "-c", "import sys; sys.exit('x.txt:3: bad label')"], tmp_path, timeout=60)
    assert run.returncode == 1 and not run.ok
    assert "x.txt:3: bad label" in run.log


def test_appended_sentence_is_a_last_paragraph_and_is_undone(tmp_path):
    transcript = tmp_path / SEED.name
    transcript.write_bytes(SEED.read_bytes())
    original = bench.append_sentence(transcript, bench.EDIT_SENTENCE)
    edited = transcript.read_text(encoding="utf-8")
    assert original == SEED.read_bytes()
    assert edited == SEED.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + bench.EDIT_SENTENCE + "\n"
    assert not any(ch.isdigit() for ch in bench.EDIT_SENTENCE)


def fake_row(size, tool, full, noop, edit, peak=100.0, add=None, written=(0, 0, 0)):
    def run(seconds):
        return bench.Run(seconds=seconds, peak_mb=peak, cpu_seconds=seconds, returncode=0, log="")
    row = bench.Row(size, tool, input_bytes=14_000_000)
    row.cycles = [bench.Cycle(run(f), run(n), run(e), pages=1270, edit_seen=True, add=run(a), out_bytes=w)
                  for f, n, e, a, w in zip(full, noop, edit, add or edit, written)]
    return row


def test_bytes_written_are_every_files_below_the_output_and_no_links(tmp_path):
    out = tmp_path / "out"
    (out / "meetings").mkdir(parents=True)
    (out / "index.html").write_bytes(b"x" * 1000)
    (out / "meetings" / "a.html").write_bytes(b"y" * 234)
    (out / "elsewhere").symlink_to(SEED)
    assert bench.output_bytes(out) == 1234
    assert bench.output_bytes(tmp_path / "never-built") == 0


def test_table_shows_medians_and_ratios():
    rows = [fake_row(1000, "stenogram", [5.0, 4.0, 9.0], [0.4, 0.3, 0.5], [1.0, 1.0, 1.0],
                     written=[291_400_000, 291_000_000, 290_600_000]),
            fake_row(1000, "pelican", [20.0, 18.0, 19.0], [4.0, 4.0, 4.0], [4.0, 4.0, 4.0],
                     written=[32_000_000] * 3),
            fake_row(1000, "hugo", [2.0, 2.0, 2.0], [2.0, 2.0, 2.0], [2.0, 2.0, 2.0])]
    table = bench.results_table(rows)
    assert "| 1000 | stenogram | 5.00 | 5.00 | 100 | 1270 | 291 | 2.8 | 0.40 | 1.00 |" in table
    assert "| 1000 | hugo | 2.00 | 2.00 | 100 | 1270 | - | 7.0 | 2.00 |" in table  # sizes not measured
    assert bench.ratio_lines(rows) == ["1000: stenogram/pelican = 0.26×, stenogram/hugo = 2.50× (full build)",
                                       "1000: stenogram wrote 291 MB, 9.09× pelican's 32 MB"]
    targets = bench.target_lines(rows)
    assert "- full build 1000 vs pelican: 0.26× (target ≤ 0.3×): met" in targets
    assert "- full build 1000 vs hugo: 2.50× (target ≤ 2.5×): met" in targets
    assert "- no-op rebuild 1000: 0.40 s (target < 0.5 s): met" in targets


def test_the_header_gives_the_machine_speed_at_the_start_and_at_the_end(monkeypatch):
    args = bench.parse_arguments(["--sizes", "100", "--tools", "stenogram"])
    monkeypatch.setattr(bench, "machine_speed", lambda: (0.0815, 2104.4))
    header = bench.header_text(args, [], "0.50 0.40 0.30", speed_at_start=(0.0731, 251.6))
    assert header.endswith("Machine speed (bench/run.py, lower is faster): a fixed pure-Python workload in "
                           "0.073 s at the start, 0.082 s at the end (calibration_seconds); 252 ns, then 2104 ns, "
                           "per object read in a random order (memory_latency_ns).")
    assert "Machine speed" not in bench.header_text(args, [], "0.50 0.40 0.30")


def test_memory_latency_is_the_fastest_pass_per_object(monkeypatch):
    monkeypatch.setattr(bench, "LATENCY_ITEMS", 1000)
    ticks = iter([0.0, 0.004, 1.0, 1.002, 2.0, 2.003])  # passes of 4, 2 and 3 ms over 1,000 objects
    monkeypatch.setattr(bench.time, "perf_counter", lambda: next(ticks))
    assert bench.memory_latency_ns() == pytest.approx(2000)


def test_the_machine_speed_is_the_fastest_of_its_rounds(monkeypatch):
    ticks = iter([0.0, 0.5, 1.0, 1.2, 2.0, 2.9, 3.0, 3.3, 4.0, 4.6])  # rounds of 0.5, 0.2, 0.9, 0.3 and 0.6 s
    monkeypatch.setattr(bench.time, "perf_counter", lambda: next(ticks))
    assert bench.calibration_seconds() == pytest.approx(0.2)


def test_a_failed_round_is_left_out_of_the_median_and_counted():
    row = fake_row(100, "stenogram", [1.0, 3.0], [1.0, 1.0], [1.0, 1.0])
    broken = bench.Run(seconds=0.1, peak_mb=10, cpu_seconds=0.1, returncode=1, log="boom")
    row.cycles.append(bench.Cycle(broken, None, None, pages=0, edit_seen=False))
    line = bench.results_table([row]).splitlines()[-1]
    assert line.startswith("| 100 | stenogram | 2.00 (1 of 3 failed) | 2.00 (1 of 3 failed) |")
    assert "edit not seen" not in line


def test_every_round_failed_shows_failed():
    row = bench.Row(100, "stenogram", input_bytes=1)
    broken = bench.Run(seconds=0.1, peak_mb=10, cpu_seconds=0.1, returncode=1, log="boom")
    row.cycles = [bench.Cycle(broken, None, None, pages=0, edit_seen=False)]
    assert bench.results_table([row]).splitlines()[-1] == \
        "| 100 | stenogram | failed | failed | failed | 0 | - | failed | failed | failed | failed | - | - | - |"


def test_serve_edits_are_the_median_of_each_round_then_of_the_rounds():
    row = fake_row(5000, "stenogram", [50.0, 50.0], [1.0, 1.0], [9.0, 9.0], add=[3.0, 5.0])
    row.cycles = [replace(row.cycles[0], serve=[0.9, 0.5, 0.6, 1.0, 1.2, 1.1, 0.5, 0.7, 0.6]),
                  replace(row.cycles[1], serve=[0.7, 0.8, 0.4, 0.9, 0.8, 1.0, 0.9, 0.8, 0.3])]
    assert bench.serve_median(row) == pytest.approx(0.65) and bench.serve_turn_median(row) == pytest.approx(1.0)
    assert bench.serve_figure_median(row) == pytest.approx(0.7)
    assert bench.results_table([row]).splitlines()[-1].endswith("| 9.00 | 4.00 | 0.65 | 1.00 | 0.70 |")
    assert "- a meeting added (command line) 5000: 4.00 s (target < 0.7 s): NOT met" in bench.target_lines([row])
    assert "- one edit (serve) 5000: 0.65 s (target < 0.7 s): met" in bench.target_lines([row])
    assert "- one edit (serve, turns added and taken out) 5000: 1.00 s (target < 0.7 s): NOT met" \
        in bench.target_lines([row])
    assert "- one edit (serve, a figure changed) 5000: 0.70 s (target < 0.7 s): NOT met" in bench.target_lines([row])
    assert "- one edit (command line) 5000: 9.00 s (target < 0.7 s): NOT met" in bench.target_lines([row])


def test_the_serve_saves_change_a_turns_words_three_times_then_the_turns_then_a_figure():
    from generator.figures import find_in_text
    from generator.model import Source
    from generator.parse import parse_transcript
    path = ROOT / "content" / "transcripts" / "2017-12-08_56337.txt"  # ends with a turn of Vladimir Putin
    original = path.read_text(encoding="utf-8")

    def parsed(text):
        return parse_transcript(Source(str(path), text))
    before = parsed(original)
    saves = [parsed(text) for text in bench.serve_saves(original)]
    assert [len(m.turns) - len(before.turns) for m in saves] == [0, 0, 0, 1, 2, 0, 0, 0, 0]
    assert [m.turns[-1].paragraphs[-1].text for m in saves[:2]] == [
        bench.EDIT_SENTENCE, "The benchmark appended this sentence to the meeting again."]
    assert [(t.label.name, t.paragraphs[0].text) for t in saves[4].turns[-2:]] == [
        ("Vladimir Putin", bench.EDIT_SENTENCE), ("Vladimir Putin", "The benchmark appended this sentence to the meeting again.")]
    assert saves[2] == saves[5] == saves[8] == before
    said = [m.turns[-1].paragraphs[-1].text for m in saves[6:8]]
    assert said == list(bench.FIGURE_SENTENCES)
    assert [[(f.value, f.unit) for f in find_in_text(text)] for text in said] == [[(41, "%")], [(42, "%")]]


def test_the_added_meeting_is_the_newest_under_a_new_name_and_title(tmp_path):
    """added_meeting writes the middle meeting again as a new file, dated after every meeting of
    the synthetic archive and titled anew, in either corpus format; Stenogram lists it first."""
    from generator.model import Source
    from generator.parse import parse_transcript
    corpus = tmp_path / "txt"
    corpus.mkdir()
    for path in sorted((ROOT / "content" / "transcripts").glob("*.txt")):
        shutil.copy(path, corpus / path.name)
    middle = bench.edit_target(corpus)
    added = bench.added_meeting(corpus)
    assert added.name == "00011-added-meeting.txt" and len(bench.corpus_files(corpus)) == 12
    meeting = parse_transcript(Source(str(added), added.read_text(encoding="utf-8")))
    original = parse_transcript(Source(str(middle), middle.read_text(encoding="utf-8")))
    assert str(meeting.date) == bench.ADDED_DATE and meeting.title == "Added " + original.title
    assert [t.label.name for t in meeting.turns] == [t.label.name for t in original.turns]


def test_serve_edits_time_nine_real_rebuilds_and_restore_the_meeting(tmp_path):
    # The bench layout: <size folder>/txt holds the transcripts, out/stenogram is the site.
    (tmp_path / "txt").mkdir()
    for path in sorted((ROOT / "content" / "transcripts").glob("*.txt")):
        shutil.copy(path, tmp_path / "txt" / path.name)
    built = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", "txt", "--out", "out/stenogram",
                            "--quiet"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    victim = bench.edit_target(tmp_path / "txt")
    before = victim.read_bytes()
    times = bench.stenogram_serve_edits(tmp_path, timeout=60)
    assert times is not None and len(times) == 9
    assert all(0 < seconds < 60 for seconds in times)
    assert victim.read_bytes() == before


@pytest.mark.parametrize("name", ["pelicanconf.py", "pelicanconf_incremental.py"])
def test_pelican_settings_are_valid_python(name):
    compile((ROOT / "bench" / "peers" / "pelican" / name).read_text(), name, "exec")


def test_a_server_that_ends_without_loading_is_reported_at_once(tmp_path, monkeypatch, capsys):
    """A server that dies (or never says it has loaded its cache) gives no serve times and a
    line saying what it printed, as soon as it has ended: not a bench hung for half an hour."""
    (tmp_path / "txt").mkdir()
    shutil.copy(ROOT / "content" / "transcripts" / "2023-02-17_70530.txt", tmp_path / "txt")
    fake = tmp_path / "fake-repo"
    fake.mkdir()
    (fake / "build.py").write_text("import sys\nprint('out/stenogram:1: cannot serve', file=sys.stderr)\n"
                                   "sys.exit(3)\n", encoding="utf-8")
    monkeypatch.setattr(bench, "REPO", fake)
    started = time.monotonic()
    assert bench.stenogram_serve_edits(tmp_path, timeout=600) is None
    assert time.monotonic() - started < 60
    said = capsys.readouterr().err
    assert "no 'loaded …' line (server ended with 3)" in said and "cannot serve" in said


def test_a_glossary_is_put_in_stenograms_corpus_and_taken_out_again(tmp_path):
    """--glossary copies the file into the txt corpus as glossary.yaml (which is no meeting: the
    edited meeting and the input size stay as they were); a run without it removes it."""
    corpus = tmp_path / "txt"
    corpus.mkdir()
    for number in range(5):
        (corpus / f"{number:05d}-meeting.txt").write_text(f"Vladimir Putin: Meeting {number}.\n")
    meetings, size = bench.corpus_files(corpus), bench.corpus_bytes(corpus)
    bench.place_glossary(corpus, ROOT / "content" / "glossary.yaml")
    assert (corpus / "glossary.yaml").read_bytes() == (ROOT / "content" / "glossary.yaml").read_bytes()
    assert bench.corpus_files(corpus) == meetings and bench.corpus_bytes(corpus) == size
    assert bench.edit_target(corpus) == meetings[2]
    bench.place_glossary(corpus, None)
    assert not (corpus / "glossary.yaml").exists()
    assert bench.main(["--glossary", str(tmp_path / "none.yaml"), "--no-save"]) == 2


def test_the_tools_run_keeping_their_bytecode_and_stenograms_is_compiled_first(monkeypatch):
    """As on a user's machine: with PYTHONDONTWRITEBYTECODE (our sandbox sets it) every Stenogram
    command compiled the generator again, while Pelican, installed, came compiled."""
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    compiled = bench.REPO / "generator" / "__pycache__" / f"pipeline.{sys.implementation.cache_tag}.pyc"
    compiled.unlink(missing_ok=True)
    bench.keep_bytecode()
    assert "PYTHONDONTWRITEBYTECODE" not in os.environ
    assert compiled.is_file()
