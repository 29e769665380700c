"""Benchmark the book on synthetic lists of 1,000 and 10,000 entries.

Reports, for each size: the time to build every page's content (each page's cells run as Quarto
would run them, cold and with the package's cache warm, and after a one-entry edit), the size of the
largest page (its Markdown and the HTML pandoc makes of it), and, where `quarto` is on PATH, the
time of `quarto render`. Run: `.venv/bin/python bench/bench_book.py [--sizes 1000 10000] [--runs 3]`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypandoc  # noqa: E402

from bench.synthetic import write_synthetic_data  # noqa: E402
from readinglist import store  # noqa: E402
from readinglist.qmd import run_qmd  # noqa: E402
from readinglist.topics import load_topics  # noqa: E402


def pages() -> list[Path]:
    topics = load_topics(ROOT / "data" / "topics.csv")
    return [ROOT / "index.qmd", ROOT / "appendices" / "data.qmd", *[ROOT / ch.path for ch in topics.chapters()]]


def build_all() -> dict[str, str]:
    """Every page's Markdown, as the page cells print it."""
    return {path.relative_to(ROOT).as_posix(): run_qmd(path)[1] for path in pages()}


def timed(func) -> tuple[float, object]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def edit_one_entry(data: Path) -> None:
    frame = store.load(data / "papers.csv")
    frame.loc[len(frame) // 2, "notes"] = "An edited note, to measure a one-entry change."
    store.save(frame, data / "papers.csv")


def bench(n: int, runs: int, workdir: Path) -> None:
    data = write_synthetic_data(workdir / f"data-{n}", n)
    os.environ["READINGLIST_DATA"] = str(data)
    os.environ["READINGLIST_CACHE"] = str(workdir / f"cache-{n}")
    print(f"\n== {n:,} entries ({(data / 'papers.csv').stat().st_size / 1e6:.1f} MB of CSV)")
    cold, markdown = timed(build_all)
    print(f"build all pages, cold cache:        {cold:8.2f} s")
    warm = [timed(build_all)[0] for _ in range(runs)]
    print(f"build all pages, warm cache:        {statistics.median(warm):8.2f} s  (median of {runs})")
    edit_one_entry(data)
    edited, _ = timed(build_all)
    print(f"build all pages, after a note edit: {edited:8.2f} s  (related entries recomputed once)")
    largest = max(markdown, key=lambda k: len(markdown[k]))
    html_time, html = timed(
        lambda: pypandoc.convert_text(markdown[largest], "html", format="markdown", extra_args=["--mathml"])
    )
    print(
        f"largest page: {largest}: {len(markdown[largest].encode()) / 1e6:.2f} MB Markdown, "
        f"{len(html.encode()) / 1e6:.2f} MB HTML body (pandoc {html_time:.1f} s)"
    )
    quarto = shutil.which("quarto")
    if quarto:
        env = os.environ | {"QUARTO_PYTHON": sys.executable}
        seconds, result = timed(lambda: subprocess.run([quarto, "render"], cwd=ROOT, env=env, capture_output=True))
        print(f"quarto render: {seconds:.1f} s (exit {result.returncode})")
    else:
        print("quarto render: not measured (quarto is not on PATH)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            bench(n, args.runs, Path(tmp))


if __name__ == "__main__":
    main()
