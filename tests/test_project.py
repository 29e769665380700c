"""The project root comes from the project, never from where the package is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from readinglist import project

from .conftest import ROOT
from .expected import csv_rows, csv_topics, tags_of

PROJECT_FILES = ("_quarto.yml", "index.qmd", "all-entries.qmd", "data", "chapters", "appendices", "scripts")


def copy_project(target: Path, title_suffix: str = "") -> Path:
    """A copy of the project (no package); ``title_suffix`` is appended to the first entry's title."""
    target.mkdir(parents=True)
    for name in PROJECT_FILES:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, target / name)
    if title_suffix:
        papers = target / "data" / "papers.csv"
        lines = papers.read_text(encoding="utf-8").split("\n")
        first = lines[1].split(",")
        first[1] += title_suffix
        lines[1] = ",".join(first)
        papers.write_text("\n".join(lines), encoding="utf-8")
    return target


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("READINGLIST_", "QUARTO_PROJECT", "PYTHON"))}
    return env | extra


def run(code: str, cwd: Path, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=clean_env(**env), capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_root_is_the_nearest_folder_with_quarto_yml(tmp_path, monkeypatch):
    proj = copy_project(tmp_path / "proj")
    monkeypatch.delenv("QUARTO_PROJECT_DIR", raising=False)
    monkeypatch.delenv("READINGLIST_DATA", raising=False)
    monkeypatch.chdir(proj / "chapters")  # where Quarto runs a chapter's cells
    assert project.root() == proj.resolve()
    assert project.data_dir() == proj.resolve() / "data"
    assert project.cache_dir() == proj.resolve() / ".cache"


def test_quarto_project_dir_and_readinglist_data_take_precedence(tmp_path, monkeypatch):
    proj = copy_project(tmp_path / "proj")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUARTO_PROJECT_DIR", str(proj))
    monkeypatch.delenv("READINGLIST_DATA", raising=False)
    assert project.root() == proj.resolve()
    monkeypatch.setenv("READINGLIST_DATA", str(tmp_path / "elsewhere"))
    assert project.data_dir() == tmp_path / "elsewhere"


def test_outside_a_project_the_error_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QUARTO_PROJECT_DIR", raising=False)
    monkeypatch.delenv("READINGLIST_DATA", raising=False)
    with pytest.raises(project.ProjectNotFound, match=r"_quarto\.yml.*READINGLIST_DATA"):
        project.data_dir()


def test_a_non_editable_install_reads_the_project_it_runs_in(tmp_path):
    """``pip install .`` (a wheel, not editable) into a folder: the package lives outside every
    project, and each project still reads its own data."""
    source = tmp_path / "source"  # pip's build writes into the source tree: build from a copy
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "readinglist", source / "readinglist", ignore=shutil.ignore_patterns("__pycache__"))
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target", site, source],
        check=True,
        capture_output=True,
        timeout=300,
    )
    proj = copy_project(tmp_path / "proj", " noneditablecopy")
    out = run(
        "import readinglist, readinglist.book as b; print(readinglist.__file__); "
        "print(b.Book.load().frame['title'].iloc[0])",
        proj / "chapters",
        PYTHONPATH=str(site),
    )
    module, title = out.splitlines()
    assert Path(module).is_relative_to(site)
    assert title.endswith("noneditablecopy")


def test_two_checkouts_sharing_one_package_each_render_their_own_data(tmp_path):
    """Checkout A's package (as an editable install of A would be) renders checkout B: B's pre-render
    writes B's files from B's data, B's pages show B's data, and nothing is written into A."""
    a = copy_project(tmp_path / "a", " copyone")
    shutil.copytree(ROOT / "readinglist", a / "readinglist")
    b = copy_project(tmp_path / "b", " copytwo")
    package = {"PYTHONPATH": str(a)}
    subprocess.run(
        [sys.executable, "scripts/prerender.py"],
        cwd=b,
        env=clean_env(QUARTO_PROJECT_DIR=str(b), **package),
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert "copytwo" in (b / "references.bib").read_text(encoding="utf-8")
    assert "copytwo" in (b / "feed.xml").read_text(encoding="utf-8")
    assert not (a / "references.bib").exists() and not (a / ".cache").exists() and not (a / "_freeze").exists()
    first = csv_rows(b / "data")[0]
    chapter = next(t["chapter"] for t in csv_topics(b / "data") if t["tag"] in tags_of(first))
    shown = run(
        f"from readinglist.render import page_cells; print(page_cells('chapters/{chapter}.qmd').entries())",
        b / "chapters",
        **package,
    )
    assert "copytwo" in shown and "copyone" not in shown
