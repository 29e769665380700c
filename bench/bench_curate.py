"""Time ``validate`` and ``add`` on a 10,000-entry list (``.venv/bin/python bench/bench_curate.py``).

``add`` fetches one paper from a local Atom server (tests/atom_server.py), so the figures measure
the reading list's own work: read and check the file, look the paper up, re-read under the lock,
validate and write atomically. Each is timed in-process (the functions) and as the command a
curator types (a fresh ``python -m readinglist`` process, interpreter start-up included). Before
every ``add`` run the original file is put back, so each run adds to the same 10,000 entries.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import write_synthetic_data  # noqa: E402
from readinglist import store  # noqa: E402
from readinglist.cli import main  # noqa: E402
from readinglist.curate import read_snapshot  # noqa: E402
from readinglist.topics import load_topics  # noqa: E402
from tests.atom_server import AtomServer, make_paper  # noqa: E402

NEW_PAPER = "2512.99999"  # outside the synthetic ids' months


def timed(func: Callable[[], object], runs: int, before: Callable[[], object] | None = None) -> list[float]:
    """Wall-clock seconds of ``runs`` calls (``before`` runs untimed ahead of each call)."""
    times = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times


def report(name: str, times: list[float]) -> None:
    print(
        f"{name:<34} median {statistics.median(times) * 1000:8.1f} ms"
        f"   min {min(times) * 1000:8.1f}   max {max(times) * 1000:8.1f}   ({len(times)} runs)"
    )


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7, help="runs of each in-process measurement")
    parser.add_argument("--cli-runs", type=int, default=5, help="runs of each command-line measurement")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, AtomServer() as atom:
        start = time.perf_counter()
        folder = write_synthetic_data(Path(tmp) / "data", args.entries, seed=0)
        path = folder / "papers.csv"
        original = path.read_bytes()
        print(
            f"{args.entries:,} entries, {len(original) / 1e6:.1f} MB, written in {time.perf_counter() - start:.1f} s; "
            f"Python {sys.version.split()[0]}"
        )
        atom.add(make_paper(NEW_PAPER))
        env = {
            "READINGLIST_DATA": str(folder),
            "READINGLIST_ARXIV_URL": atom.url,
            "READINGLIST_ARXIV_DELAY": "0",
            "NO_PROXY": "127.0.0.1,localhost",
        }
        os.environ.update(env)
        topics = load_topics(folder / "topics.csv")

        def restore() -> None:
            store.atomic_write(path, original)

        def add_in_process() -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                assert main(["add", NEW_PAPER, "--tags", "RL"]) == 0

        def cli(*command: str) -> Callable[[], None]:
            def call() -> None:
                subprocess.run(
                    [sys.executable, "-m", "readinglist", *command], check=True, capture_output=True, cwd=ROOT
                )

            return call

        snapshot = read_snapshot(path, topics)
        added = [*snapshot.records, store.Record(0, {**snapshot.records[0].values, "id": NEW_PAPER, "arxiv_id": ""})]
        added[-1].values["url"] = "https://example.org/benchmark-entry"

        report("validate (store.validate)", timed(lambda: store.validate(path, topics), args.runs))
        report("add, in-process (cli.main)", timed(add_in_process, args.runs, before=restore))
        report("  of which: read + check the file", timed(lambda: read_snapshot(path, topics), args.runs))
        save = timed(lambda: store.save_records(added, path, topics), args.runs, restore)
        report("  of which: store.save_records", save)
        report("validate, command line", timed(cli("validate"), args.cli_runs))
        report("add, command line", timed(cli("add", NEW_PAPER, "--tags", "RL"), args.cli_runs, before=restore))
        report("python -m readinglist --help", timed(cli("--help"), args.cli_runs))
        restore()
        print(f"requests served by the local Atom server: {len(atom.requests)}")


if __name__ == "__main__":
    run()
