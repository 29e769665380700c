"""Benchmark the real render of the web book (`quarto render --to html`), in one run, on a copy of the project.

Reports, as medians of ``--runs`` renders each:

* **cold**: no ``_freeze/``, no cache, no ``_book/`` (one render);
* **unchanged**: a render right after another one;
* **floor**: the same pages with no kernel and no pre-render work (the pre-render script replaced by
  a no-op while every page is frozen): what Quarto alone costs;
* **one-note edit**: an existing note's text changed;
* **one added entry**: a new entry at the top of the list;
* with ``--baseline REV``, the cold render of that revision of the project (``git archive``), for
  a before/after in the same run;
* with ``--entries N``, the cold and unchanged render of a synthetic list of N entries (its chapter
  list synced first: big chapters are cut into pages), the number of HTML pages, the largest one and
  the size of the search index (``search.json``); ``--entries-only`` skips the shipped list.

Needs `quarto` on PATH. Run: `.venv/bin/python bench/bench_render.py [--runs 3] [--baseline REV]
[--entries 1000] [--entries-only]`.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import write_synthetic_data  # noqa: E402
from readinglist.chapters import sync_chapters  # noqa: E402

NO_OP = '"""Benchmark floor: no pre-render work."""\n'


def copy_project(target: Path, rev: str | None = None) -> Path:
    """The project's tracked files (package included) at ``rev`` (default: the working tree)."""
    target.mkdir(parents=True)
    if rev:
        archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
        return target
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


def render(project: Path) -> float:
    """Seconds of one ``quarto render --to html`` of ``project`` (the web book; ``bench_formats.py``
    measures the PDF and the EPUB), run with its own copy of the package."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("READINGLIST_", "QUARTO_PROJECT"))}
    env |= {"QUARTO_PYTHON": sys.executable, "PYTHONPATH": str(project)}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    start = time.perf_counter()
    result = subprocess.run(["quarto", "render", "--to", "html"], cwd=project, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(f"quarto render failed in {project}:\n{result.stderr[-3000:]}")
    return seconds


def clean(project: Path) -> None:
    for name in ("_freeze", ".cache", "_book", ".quarto"):
        shutil.rmtree(project / name, ignore_errors=True)


def edit_rows(papers: Path, change: Callable[[list[dict[str, str]]], None]) -> None:
    with papers.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    change(rows)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    papers.write_text(out.getvalue(), encoding="utf-8")


def edit_note(project: Path, run: int) -> None:
    def change(rows: list[dict[str, str]]) -> None:
        row = next(r for r in rows if r["notes"].strip())
        row["notes"] = row["notes"].rstrip() + f" (Edit {run}.)"

    edit_rows(project / "data" / "papers.csv", change)


def add_entry(project: Path, run: int) -> None:
    def change(rows: list[dict[str, str]]) -> None:
        new = dict.fromkeys(rows[0], "") | {
            "id": f"benchmark-post-{run}",
            "title": f"A post added for the benchmark, number {run}",
            "kind": "blog post",
            "url": f"https://example.org/post-{run}",
            "date": "2026-11",
            "tags": "Inference",
        }
        if "added" in new:
            new["added"] = "2026-11-29"
        rows.insert(0, new)

    edit_rows(project / "data" / "papers.csv", change)


def bench_book(project: Path, runs: int) -> dict[str, float]:
    clean(project)
    results = {"cold": render(project)}
    results["unchanged"] = statistics.median([render(project) for _ in range(runs)])
    script = project / "scripts" / "prerender.py"
    kept = script.read_text(encoding="utf-8")
    script.write_text(NO_OP, encoding="utf-8")
    try:
        results["floor"] = statistics.median([render(project) for _ in range(runs)])
    finally:
        script.write_text(kept, encoding="utf-8")
    render(project)  # back in step with the pre-render
    notes, added = [], []
    for run in range(runs):
        edit_note(project, run)
        notes.append(render(project))
    for run in range(runs):
        add_entry(project, run)
        added.append(render(project))
    results["one-note edit"] = statistics.median(notes)
    results["one added entry"] = statistics.median(added)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", help="a git revision whose cold render to measure in the same run")
    parser.add_argument("--entries", type=int, nargs="*", default=[], help="synthetic list sizes to render")
    parser.add_argument("--entries-only", action="store_true", help="only the synthetic lists")
    args = parser.parse_args()
    if shutil.which("quarto") is None:
        raise SystemExit("quarto is not on PATH: nothing to measure")
    with tempfile.TemporaryDirectory() as tmp:
        if not args.entries_only:
            project = copy_project(Path(tmp) / "book")
            results = bench_book(project, args.runs)
            floor = results["floor"]
            print(f"== the shipped list, {args.runs} runs per figure")
            for name, seconds in results.items():
                print(f"{name + ':':18} {seconds:7.1f} s  ({seconds / floor:.2f}x the floor)")
            if args.baseline:
                base = copy_project(Path(tmp) / "baseline", args.baseline)
                seconds = render(base)
                print(f"{'cold, ' + args.baseline + ':':18} {seconds:7.1f} s  ({seconds / floor:.2f}x the floor)")
        for n in args.entries:
            big = copy_project(Path(tmp) / f"book-{n}")
            shutil.rmtree(big / "data")
            write_synthetic_data(big / "data", n)
            sync_chapters(big)
            cold = render(big)
            unchanged = render(big)
            pages = [p for p in (big / "_book").rglob("*.html") if "site_libs" not in p.parts]
            largest = max(pages, key=lambda p: p.stat().st_size)
            search = (big / "_book" / "search.json").stat().st_size
            print(
                f"== {n:,} synthetic entries: cold {cold:.1f} s, unchanged {unchanged:.1f} s; {len(pages)} HTML "
                f"pages, the largest {largest.relative_to(big / '_book')} ({largest.stat().st_size / 1e6:.2f} MB); "
                f"search.json {search / 1e6:.1f} MB"
            )


if __name__ == "__main__":
    main()
