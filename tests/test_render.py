"""The pre-render keeps Quarto's freeze exact without Quarto: pages whose output changed lose their
frozen results, the others keep them, and page cells read what the pre-render computed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readinglist import render
from readinglist.book import Book

from .expected import edit_csv, set_field
from .test_project import copy_project


def freeze_all(root: Path, pages: list[str]) -> None:
    """Stand-ins for Quarto's frozen results of ``pages``."""
    for page in pages:
        folder = render.frozen_dir(root, page) / "execute-results"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "html.json").write_text("{}", encoding="utf-8")


def frozen(root: Path, pages: list[str]) -> set[str]:
    return {p for p in pages if (render.frozen_dir(root, p) / "execute-results" / "html.json").exists()}


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_project(tmp_path / "proj")
    for name in ("READINGLIST_DATA", "READINGLIST_CACHE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QUARTO_PROJECT_DIR", str(root))
    monkeypatch.chdir(root)
    return root


def test_refresh_executes_exactly_the_pages_an_edit_changes(proj: Path) -> None:
    pages = list(Book.load().pages())
    assert render.refresh(proj) == pages  # nothing frozen yet: every page runs
    for name in render.GENERATED:
        assert (proj / name).exists(), name
    freeze_all(proj, pages)
    assert render.refresh(proj) == []  # nothing changed
    assert frozen(proj, pages) == set(pages)

    before = render.read_store(render.inputs_key())
    edit_csv(proj / "data" / "papers.csv", set_field("2509.02534", notes="A new note. It says something else."))
    stale = render.refresh(proj)
    after = render.read_store(render.inputs_key())
    changed = {p for p in pages if before[p] != after[p]}
    assert set(stale) == changed
    assert "index.qmd" in changed and any(p.startswith("chapters/") for p in changed)
    assert len(changed) < len(pages) - 2, "a note edit changes its pages, not the whole book"
    assert frozen(proj, pages) == set(pages) - changed
    assert "A new note" in after["index.qmd"]["noted"]


def test_a_code_change_that_changes_no_output_executes_nothing(proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = list(Book.load().pages())
    render.refresh(proj)
    freeze_all(proj, pages)
    key = render.inputs_key()
    monkeypatch.setattr(render, "package_hash", lambda: "another version of the code")
    assert render.inputs_key() != key
    assert render.refresh(proj) == []
    assert frozen(proj, pages) == set(pages)
    manifest = json.loads((proj / "_freeze" / render.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["key"] == render.inputs_key()


def test_page_cells_print_what_the_page_computes(proj: Path) -> None:
    render.refresh(proj)
    book = Book.load()
    for source, page in book.pages().items():
        cells = render.page_cells(source)
        assert {name: getattr(cells, name)() for name in page.CELLS} == page.cell_outputs(), source


def test_page_cells_compute_when_there_is_no_store(proj: Path) -> None:
    """A page rendered on its own, or a notebook, without the pre-render: the cells still show the data."""
    assert not render.store_path(render.inputs_key()).exists()
    entries = render.page_cells("chapters/rl.qmd").entries()
    assert entries == Book.load().chapter_page("rl").entries()


def test_a_missing_generated_file_is_written_again(proj: Path) -> None:
    render.refresh(proj)
    (proj / "feed.xml").unlink()
    render.refresh(proj)
    assert (proj / "feed.xml").exists()


def test_an_added_entry_changes_the_charts_of_its_own_pages_only(proj: Path) -> None:
    """Every chapter's timeline draws the rest of the list from one file (``_assets/list-months.json``),
    so a new entry re-executes the preface, its own chapter and the pages whose cards change (their
    related entries), not every chapter."""
    pages = list(Book.load().pages())
    render.refresh(proj)
    freeze_all(proj, pages)
    before = render.read_store(render.inputs_key())
    months_file = proj / "_assets" / "list-months.json"
    months = {r["month"]: r["entries"] for r in json.loads(months_file.read_text(encoding="utf-8"))}
    new = {"id": "2611.00001", "title": "Low-bit training with stochastic rounding", "kind": "paper"}
    new |= {"url": "https://arxiv.org/abs/2611.00001", "date": "2026-11", "tags": "Quantization", "added": "2026-11-28"}
    edit_csv(proj / "data" / "papers.csv", lambda rows: [dict.fromkeys(rows[0], "") | new, *rows])
    stale = render.refresh(proj)
    after = render.read_store(render.inputs_key())
    assert set(stale) == {p for p in pages if before[p] != after[p]}
    charted = {p for p in pages if before[p].get("charts") != after[p].get("charts")}
    assert charted == {"index.qmd", "chapters/quantization.qmd"}
    assert all(before[p]["entries"] != after[p]["entries"] for p in set(stale) - charted), "only their cards change"
    assert len(stale) <= 4, stale
    assert {r["month"]: r["entries"] for r in json.loads(months_file.read_text(encoding="utf-8"))} == months | {
        "2026-11": months.get("2026-11", 0) + 1
    }
