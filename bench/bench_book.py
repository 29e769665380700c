"""Benchmark building the book's pages on synthetic lists of 1,000 and 10,000 entries.

Measures what a render really does: the pre-render (:func:`readinglist.render.refresh`) computes
every page's cells once, in one process, and each page's kernel only reads its cells from the store.
For each size, on a copy of the book whose data is the synthetic list (chapter files kept in step
with ``python -m readinglist chapters``):

* ``refresh`` **cold** (no cache, no freeze), and of it the web chart images drawn offline
  (:func:`readinglist.static.draw_web_images`, every chart), **warm** (the cell store gone, as after a change of
  code that changes no output, with the related-entries and chart caches kept), **unchanged** (the
  inputs are the last render's) and **after a one-note edit** (an existing note's text changed;
  medians of ``--runs``), with the pages the edit sent to execution, and the edit's whole cost: the
  refresh plus each of those pages' cells read in a new process, as Quarto's kernels do;
* every page's cells read in a new process, one after the other (what a render executing every
  page would add to the refresh);
* a page's cells read from the store in a fresh Python process (the largest page), as Quarto's kernel
  would run them: the process's wall time, interpreter start-up included, and the cells alone;
* related entries (:func:`readinglist.related.related`) alone, on the list;
* the pages: how many, the largest by Markdown, most cards on a page, and the HTML body pandoc makes
  of the largest page.

The real render (``quarto render``) is measured by ``bench/bench_render.py --entries N``.
Run: ``.venv/bin/python bench/bench_book.py [--sizes 1000 10000] [--runs 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypandoc  # noqa: E402

from bench.synthetic import write_synthetic_data  # noqa: E402
from readinglist import render, static, store  # noqa: E402
from readinglist.book import Book  # noqa: E402
from readinglist.chapters import sync_chapters  # noqa: E402
from readinglist.related import related  # noqa: E402

BOOK_FILES = ("_quarto.yml", "index.qmd", "all-entries.qmd", "chapters", "appendices", "scripts")
CARD = '{id="'  # how every card's div starts (readinglist.cards.card)


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def book_copy(target: Path, n: int) -> Path:
    """The book's files with an ``n``-entry synthetic list as its data, its chapter list in step."""
    target.mkdir(parents=True)
    for name in BOOK_FILES:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, target / name)
    write_synthetic_data(target / "data", n)
    sync_chapters(target)
    return target


def edit_note(data: Path, run: int) -> None:
    """Change the text of an existing note (as bench_render.py does), in the middle of the list."""
    frame = store.load(data / "papers.csv")
    noted = frame.index[frame["notes"].str.strip() != ""]
    row = noted[len(noted) // 2 + run]
    frame.loc[row, "notes"] = frame.loc[row, "notes"].rstrip() + f" (Edit {run}.)"
    store.save(frame, data / "papers.csv")


def read_cells_in_a_new_process(root: Path, source: str, cells: tuple[str, ...]) -> tuple[float, float]:
    """Wall seconds of a fresh Python printing ``source``'s cells from the store (as a page kernel
    does, in the page's folder), and the seconds of the cells alone."""
    code = (
        "import time; t = time.perf_counter()\n"
        "from readinglist.render import page_cells\n"
        f"page = page_cells({source!r})\n"
        f"out = [getattr(page, c)() for c in {cells!r}]\n"
        "print(time.perf_counter() - t)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("READINGLIST_", "QUARTO_PROJECT"))}
    env["PYTHONPATH"] = str(ROOT)  # this checkout's package, whichever is installed
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=(root / source).parent, env=env, capture_output=True, text=True, check=True
    )
    return time.perf_counter() - start, float(result.stdout.split()[-1])


def bench(n: int, runs: int, workdir: Path) -> None:
    root = book_copy(workdir / f"book-{n}", n)
    os.environ["QUARTO_PROJECT_DIR"] = str(root)
    data = root / "data"
    print(f"\n== {n:,} entries ({(data / 'papers.csv').stat().st_size / 1e6:.1f} MB of CSV)")

    cold, stale = timed(lambda: render.refresh(root))
    print(f"refresh, cold (no cache):          {cold:7.2f} s  ({len(stale)} pages computed)")
    (root / static.FOLDER / static.WEB_DRAWN).unlink()
    plan = json.loads((root / static.FOLDER / static.PLAN).read_text(encoding="utf-8"))
    seconds, ids = timed(lambda: static.draw_web_images(plan, root, progress=False))
    svgs = list((root / static.FOLDER).glob("*.svg"))
    print(
        f"web chart images, every chart:     {seconds:7.2f} s  ({len(ids)} charts, {len(svgs)} SVG files, "
        f"{sum(p.stat().st_size for p in svgs) / 1e6:.1f} MB; part of the cold refresh)"
    )

    def warm() -> float:
        shutil.rmtree(render.store_path(render.inputs_key()))
        return timed(lambda: render.refresh(root))[0]

    print(f"refresh, warm (store gone):        {statistics.median(warm() for _ in range(runs)):7.2f} s")
    unchanged = statistics.median(timed(lambda: render.refresh(root))[0] for _ in range(runs))
    print(f"refresh, inputs unchanged:         {unchanged:7.2f} s")
    edits, executed, totals = [], [], []
    for run in range(runs):
        edit_note(data, run)
        seconds, stale = timed(lambda: render.refresh(root))
        outputs = render.read_store(render.inputs_key())
        kernels = sum(read_cells_in_a_new_process(root, page, tuple(outputs[page]))[0] for page in stale)
        edits.append(seconds)
        executed.append(len(stale))
        totals.append(seconds + kernels)
    print(
        f"refresh, after a one-note edit:    {statistics.median(edits):7.2f} s  "
        f"({statistics.median(executed):.0f} pages to execute; with their kernels, each in a new process: "
        f"{statistics.median(totals):.2f} s)"
    )

    outputs = render.read_store(render.inputs_key())
    every, _ = timed(lambda: [read_cells_in_a_new_process(root, page, tuple(cells)) for page, cells in outputs.items()])
    print(f"every page's kernel, one after the other (new processes): {every:5.2f} s")
    markdown = {source: "".join(cells.values()) for source, cells in outputs.items()}
    largest = max(markdown, key=lambda s: len(markdown[s]))
    wall, cells = read_cells_in_a_new_process(root, largest, tuple(outputs[largest]))
    print(f"a page kernel's cells ({largest}): {wall:5.2f} s in a new process, {cells:5.2f} s of it the cells")

    frame = Book.load().frame
    seconds, _ = timed(lambda: related(frame, k=3))
    print(f"related entries:                   {seconds:7.2f} s")

    most = max(markdown, key=lambda s: markdown[s].count(CARD))
    html_time, html = timed(
        lambda: pypandoc.convert_text(markdown[largest], "html", format="markdown", extra_args=["--mathml"])
    )
    print(
        f"{len(markdown)} pages with cells; most cards on a page: {markdown[most].count(CARD)} ({most}); "
        f"largest page: {largest}: {len(markdown[largest].encode()) / 1e6:.2f} MB Markdown, "
        f"{len(html.encode()) / 1e6:.2f} MB HTML body (pandoc {html_time:.1f} s)"
    )


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
