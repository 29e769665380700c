"""Benchmark what the PDF and EPUB downloads add to a render, on a copy of the project.

Reports, as medians of ``--runs`` renders each (after one cold render of every format):

* **images**: drawing every chart as a PNG (``readinglist.static.draw_images``), which the PDF and
  EPUB renders do for the charts that changed;
* **html**, **typst**, **epub**: ``quarto render --to <format>`` with nothing changed (every page
  frozen for that format): what each format costs on every render;
* **all**: ``quarto render`` (every format, as ``scripts/book.sh`` and CI do) with nothing changed;
* **cold**: the first render of each format on a clean copy (every page executed for it: Quarto
  freezes each format's results apart).

Needs `quarto` on PATH. Run: `.venv/bin/python bench/bench_formats.py [--runs 3]`.
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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_render import clean, copy_project  # noqa: E402

FORMATS = ("html", "typst", "epub")


def render(project: Path, *args: str) -> float:
    """Seconds of one ``quarto render [args]`` of ``project``, run with its own copy of the package."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("READINGLIST_", "QUARTO_PROJECT"))}
    env |= {"QUARTO_PYTHON": sys.executable, "PYTHONPATH": str(project)}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    start = time.perf_counter()
    result = subprocess.run(["quarto", "render", *args], cwd=project, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(f"quarto render {' '.join(args)} failed in {project}:\n{result.stderr[-3000:]}")
    return seconds


def images_seconds(project: Path) -> float:
    """Seconds to draw every chart of the book as an image, from nothing."""
    code = (
        "import time; from pathlib import Path; from readinglist.book import Book; from readinglist import static\n"
        "book = Book.load(); static.write_chart_plan(static.chart_plan(book.figures()), Path('images-bench'))\n"
        "start = time.perf_counter(); static.draw_images(Path('images-bench'))\n"
        "print(time.perf_counter() - start)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("READINGLIST_", "QUARTO_PROJECT"))}
    env |= {"PYTHONPATH": str(project), "READINGLIST_CACHE": str(project / "images-bench-cache")}
    out = subprocess.run([sys.executable, "-c", code], cwd=project, env=env, capture_output=True, text=True, check=True)
    shutil.rmtree(project / "images-bench", ignore_errors=True)
    shutil.rmtree(project / "images-bench-cache", ignore_errors=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    if shutil.which("quarto") is None:
        raise SystemExit("quarto is not on PATH")
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "project")
        clean(project)
        cold = {fmt: render(project, "--to", fmt) for fmt in FORMATS}

        def median(measure: Callable[[], float]) -> float:
            return statistics.median(measure() for _ in range(args.runs))

        rows = [("images (every chart, vl-convert)", median(lambda: images_seconds(project)))]
        for fmt in FORMATS:
            rows.append((f"{fmt}, nothing changed", median(lambda fmt=fmt: render(project, "--to", fmt))))
        rows.append(("all formats, nothing changed", median(lambda: render(project))))
        rows += [(f"{fmt}, cold (every page executed for it)", seconds) for fmt, seconds in cold.items()]
        sizes = {p.name: p.stat().st_size for p in (project / "_book").glob("*.*") if p.suffix in (".pdf", ".epub")}
    print(f"| render | seconds (median of {args.runs}) |")
    print("| --- | ---: |")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.1f} |")
    for name, size in sizes.items():
        print(f"{name}: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
