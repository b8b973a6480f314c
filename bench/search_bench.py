#!/usr/bin/env python3
"""Search benchmark: index size against the raw text, the largest shard, and keypress-to-results time.

A measurement, not a test: it builds a synthetic archive with
/work/shared/bench/make_corpus.py, then opens the built search.html from
file:// in headless Chromium and types queries one key at a time. For each
keystroke it records the time from the keydown event to the moment search.js
marks the results of that text as shown (`data-shown` on #search-app), so
shard loading, scoring, phrase checks and the DOM update are all inside.
Each query is typed into a freshly loaded page, so no shard is cached.

    python bench/search_bench.py                      # 1,000 meetings
    python bench/search_bench.py --count 200 --keep --work /tmp/sb
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "make_corpus.py"
CHROMIUM = "/usr/bin/chromium"
QUERIES = [
    ("KAMAZ", ""),
    ("Uralvagonzavod", ""),
    ("government", ""),
    ("technological sovereignty", ""),
    ('"industrial cooperation"', ""),
    ("KAMAZ", "vladimir-putin"),
    ("the", ""),
]
"""(text typed, speaker filter): rare and common words, an unquoted and a quoted phrase, a filter, the commonest word."""

WATCH = """() => {
  window.__bench = [];
  document.addEventListener('keydown', () => { window.__benchKey = performance.now(); }, true);
  const app = document.getElementById('search-app');
  new MutationObserver(() => {
    window.__bench.push({text: app.getAttribute('data-shown'), ms: performance.now() - window.__benchKey,
                         results: document.querySelectorAll('#search-results li').length});
  }).observe(app, {attributes: true, attributeFilter: ['data-shown']});
}"""


def run(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def sizes(site: Path, transcripts: Path) -> dict:
    raw = sum(p.stat().st_size for p in transcripts.iterdir())
    search = site / "search"
    terms = {p.name: p.stat().st_size for p in (search / "t").iterdir()}
    docs = {p.name: p.stat().st_size for p in (search / "doc").iterdir()}
    manifest = (search / "index.js").stat().st_size
    largest = max(terms.items(), key=lambda item: item[1])
    return {
        "raw_bytes": raw,
        "manifest_bytes": manifest,
        "term_shards": len(terms),
        "term_bytes": sum(terms.values()),
        "largest_shard": largest,
        "doc_files": len(docs),
        "doc_bytes": sum(docs.values()),
        "largest_doc": max(docs.values()),
        "index_share": (manifest + sum(terms.values())) / raw,
        "with_docs_share": (manifest + sum(terms.values()) + sum(docs.values())) / raw,
    }


def type_query(browser, site: Path, text: str, speaker: str) -> dict:
    page = browser.new_page()
    query = f"?speaker={speaker}" if speaker else ""
    started = time.perf_counter()
    page.goto((site / "search.html").as_uri() + query)
    page.wait_for_selector("#search-app[data-ready]")
    ready_ms = (time.perf_counter() - started) * 1000
    page.evaluate(WATCH)
    page.click("#search-q")
    for char in text:
        page.keyboard.type(char)
        value = page.input_value("#search-q")
        page.wait_for_function("v => window.__bench.some(b => b.text === v)", arg=value, timeout=60_000)
    page.wait_for_timeout(50)
    marks = page.evaluate("window.__bench")
    status = page.inner_text("#search-status")
    page.close()
    latencies = [m["ms"] for m in marks]
    first = next((m for m in marks if m["results"]), None)
    return {"query": text, "speaker": speaker, "ready_ms": ready_ms, "keys": len(text),
            "median_ms": statistics.median(latencies), "max_ms": max(latencies),
            "first_results_ms": first["ms"] if first else None,
            "first_results_after": first["text"] if first else None, "status": status,
            "per_key": [[m["text"], round(m["ms"], 1), m["results"]] for m in marks]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--work", type=Path, help="folder for the corpus and the site (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--reuse", action="store_true", help="reuse the site already built in --work "
                        "(copying in the current templates/static/search.js)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="search-bench-"))
    transcripts, site = work / "content" / "transcripts", work / "site"
    # make_corpus writes the transcripts straight into --out; a content folder keeps them in transcripts/,
    # and the site may not be written inside the content folder.
    if not transcripts.is_dir() or len(list(transcripts.iterdir())) != args.count:
        run([sys.executable, str(MAKE_CORPUS), "--count", str(args.count), "--out", str(transcripts), "--format", "txt"])
    if args.reuse and (site / "search.html").is_file():
        build_s = 0.0
        shutil.copy(ROOT / "templates" / "static" / "search.js", site / "static" / "search.js")
    else:
        build_s = run([sys.executable, "build.py", "--content", str(work / "content"), "--out", str(site), "--quiet"])
    report = {"meetings": args.count, "build_s": round(build_s, 2), **sizes(site, transcripts)}

    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        report["queries"] = [type_query(browser, site, text, speaker) for text, speaker in QUERIES]
        browser.close()

    print(f"{args.count} meetings, {report['raw_bytes'] / 1e6:.1f} MB of transcripts; build {build_s:.1f} s")
    print(f"index (manifest + term shards): {(report['manifest_bytes'] + report['term_bytes']) / 1e6:.2f} MB "
          f"= {report['index_share']:.2f}x the raw text (manifest {report['manifest_bytes'] / 1e3:.0f} kB, "
          f"{report['term_shards']} term shards)")
    print(f"largest term shard: {report['largest_shard'][0]} {report['largest_shard'][1] / 1e3:.0f} kB")
    print(f"meeting texts for snippets: {report['doc_bytes'] / 1e6:.2f} MB in {report['doc_files']} files "
          f"(largest {report['largest_doc'] / 1e3:.0f} kB); everything {report['with_docs_share']:.2f}x the raw text")
    print("query                          keys  page ready  first results (after)      median/key  max/key  status")
    for q in report["queries"]:
        label = q["query"] + (f" [speaker={q['speaker']}]" if q["speaker"] else "")
        first = f"{q['first_results_ms']:.0f} ms ({q['first_results_after']!r})" if q["first_results_ms"] is not None else "-"
        print(f"{label[:30]:30} {q['keys']:4} {q['ready_ms']:8.0f} ms  {first:26} {q['median_ms']:7.0f} ms "
              f"{q['max_ms']:6.0f} ms  {q['status']}")
    (work / "search_bench.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    if not args.keep and not args.work:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
