"""The notebooks: committed with clean outputs, checked by nbval in strict mode, stale after a
change to the data and fresh again after ``scripts/notebooks.sh``."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from readinglist import store
from readinglist.explore import VEGA_MIME_TYPE

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NAMES = ("explore.ipynb", "topic.ipynb")
SANITIZE = NOTEBOOKS / "sanitize.cfg"
RENAMED = " (renamed for the staleness test)"


def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code"]


# ---------------------------------------------------------------- the committed notebooks


@pytest.mark.parametrize("name", NAMES)
def test_committed_with_outputs_from_one_clean_run(name):
    nb = read(name)
    nbformat.validate(nb)
    cells = code_cells(nb)
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1))
    for cell in cells:
        for out in cell.outputs:
            assert out.output_type != "error", cell.source
            assert not (out.output_type == "stream" and out.name == "stderr"), out.text
        assert "execution" not in cell.metadata, "cell timings are not stored"
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("name", NAMES)
def test_charts_are_offline_vega_specs(name):
    nb = read(name)
    outputs = [out for cell in code_cells(nb) for out in cell.outputs]
    charts = [out for out in outputs if VEGA_MIME_TYPE in out.get("data", {})]
    assert charts
    for out in charts:
        assert isinstance(out.data[VEGA_MIME_TYPE], dict)
        assert set(out.data) <= {VEGA_MIME_TYPE, "text/plain", "image/png"}
    text = json.dumps(nb)
    assert "<script" not in text
    assert not re.search(r"https://cdn\.|jsdelivr|unpkg", text)


@pytest.mark.parametrize("name", NAMES)
def test_each_notebook_says_how_to_re_execute_it(name):
    first = read(name).cells[0]
    assert first.cell_type == "markdown"
    assert f"bash scripts/notebooks.sh notebooks/{name}" in first.source
    assert "READINGLIST_DATA" in first.source


def test_topic_notebook_takes_the_chapter_as_a_parameter():
    cells = code_cells(read("topic.ipynb"))
    params = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert [c.source for c in params] == ['topic = "rl"']
    assert cells[0] is params[0]
    rest = "\n".join(c.source for c in cells[1:])
    assert '"rl"' not in rest
    assert "Book.load().chapter_page(topic)" in rest
    for call in ("page.summary()", "page.entries()", "page.figure_list()"):
        assert call in rest


# ---------------------------------------------------------------- stale, then re-executed


def nbval(paths: list[Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    """nbval in strict mode on ``paths`` (under ``cwd``), in a fresh pytest run rooted at ``cwd``
    (the environment is inherited)."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(SANITIZE),
        f"--rootdir={cwd}",
        "-p",
        "no:cacheprovider",
        "-q",
        "-rf",
        *(str(p.relative_to(cwd)) for p in paths),
    ]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)


def rename_an_rl_entry(papers: Path) -> str:
    """Change the title of the newest RL entry dated by month or day (it shows in both notebooks);
    return the new title."""
    with open(papers, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    assert fields
    row = max(
        (r for r in rows if "RL" in [t.strip() for t in r["tags"].split(";")] and len(r["date"]) >= 7),
        key=lambda r: r["date"],
    )
    row["title"] += RENAMED
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    papers.write_text(out.getvalue(), encoding="utf-8", newline="")
    return row["title"]


def failing_notebooks(report: str) -> set[str]:
    return set(re.findall(r"^FAILED \S*?(\w+\.ipynb)::", report, re.M))


def test_a_data_change_makes_nbval_fail_until_the_notebooks_are_re_executed(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("READINGLIST_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("READINGLIST_PYTHON", sys.executable)
    work = tmp_path / "notebooks"
    work.mkdir()
    copies = [Path(shutil.copy2(NOTEBOOKS / name, work / name)) for name in NAMES]
    title = rename_an_rl_entry(data_copy / "papers.csv")
    assert store.validate(data_copy / "papers.csv") == []

    stale = nbval(copies, tmp_path)
    report = stale.stdout + stale.stderr
    assert stale.returncode != 0, report[-3000:]
    assert failing_notebooks(report) == set(NAMES), report[-3000:]
    assert "Cell outputs differ" in report
    assert "Cell execution caused an exception" not in report
    assert f"mismatch '{VEGA_MIME_TYPE}'" in report, "chart specs are compared"

    rerun = subprocess.run(
        ["bash", str(ROOT / "scripts" / "notebooks.sh"), *map(str, copies)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    for copy in copies:
        text = copy.read_text(encoding="utf-8")
        assert title in text or json.dumps(title)[1:-1] in text, copy.name
        assert (NOTEBOOKS / copy.name).read_text(encoding="utf-8") != text

    fresh = nbval(copies, tmp_path)
    assert fresh.returncode == 0, (fresh.stdout + fresh.stderr)[-3000:]
