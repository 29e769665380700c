"""The pre-render keeps Quarto's freeze exact without Quarto: pages whose output changed lose their
frozen results, the others keep them, and page cells read what the pre-render computed."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from readinglist import chapters, listing, render, static
from readinglist.book import Book
from readinglist.entries import has_tags

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


def test_the_pre_render_keeps_the_descriptions_in_step_with_the_topics(proj: Path, capsys) -> None:
    """A topic's new description reaches its chapter's front matter with no command to run."""
    topics_csv = proj / "data" / "topics.csv"
    with topics_csv.open(encoding="utf-8", newline="") as fh:
        old = next(row["description"] for row in csv.DictReader(fh) if row["tag"] == "RL")
    text = topics_csv.read_text(encoding="utf-8")
    topics_csv.write_text(text.replace(old, "Rewards, as of today."), encoding="utf-8")
    assert render.prerender(proj) == 0
    source = (proj / "chapters" / "rl.qmd").read_text(encoding="utf-8")
    assert chapters.description_line("Rewards, as of today.") in source.splitlines()
    assert "chapters/rl.qmd: the description does not follow the topics of RL: rewritten" in capsys.readouterr().out


def test_cached_cards_are_the_cards_of_the_current_list(proj: Path) -> None:
    """Cards are reused by page and by what each card shows: after edits of a note, a title and a tag,
    every page's cells are what a book without any cache computes, and only pages showing a card
    the edits change are assembled again."""
    render.refresh(proj)
    fp4 = "2505.19115"  # FP4 All the Way: related to the other FP4 papers, whose cards name its title
    mxfp4 = "2502.20586"  # related to FP4 All the Way; its home moves from Pretraining to Quantization
    related = Book.load().related
    related_to_fp4 = [i for i, others in related.items() if fp4 in others]
    linking_to_mxfp4 = [i for i, others in related.items() if mxfp4 in others and i not in [fp4, *related_to_fp4]]
    assert related_to_fp4 and linking_to_mxfp4
    edit_csv(proj / "data" / "papers.csv", set_field(fp4, title="FP4 training, all the way"))
    edit_csv(proj / "data" / "papers.csv", set_field("2509.02534", notes="A new note. It says something else."))
    edit_csv(proj / "data" / "papers.csv", set_field(mxfp4, tags="Quantization; Pretrain"))
    assembled: list[str] = []
    original = Book.context

    def context(self: Book, page: str):
        assembled.append(page)
        return original(self, page)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Book, "context", context)
        render.refresh(proj)
    fresh = Book.load()
    fresh.cache_dir = None
    stored = render.read_store(render.inputs_key())
    assert stored == {path: page.cell_outputs() for path, page in fresh.pages().items()}
    assert fresh.homes[mxfp4] == "chapters/quantization.html" and mxfp4 in fresh.related[fp4]
    showing = {fresh.homes[i] for i in [fp4, "2509.02534", mxfp4, *related_to_fp4, *linking_to_mxfp4]}
    assert set(assembled) >= showing | {"chapters/pretraining.html"}
    assert len(set(assembled)) < len(fresh.pages()) - 2, "the other pages' cards were reused"


@pytest.mark.parametrize("shown", ["titles", "homes"])
def test_a_card_key_changes_with_the_titles_and_homes_of_its_related_entries(shown: str) -> None:
    book = Book.load()
    book.cache_dir = None
    moved = "2502.20586"
    other = Book(book.frame, book.topics, None)
    other.__dict__["related"] = book.related
    other.__dict__[shown] = {**getattr(book, shown), moved: "something else"}
    changed = {i for i, key in book.card_keys.items() if other.card_keys[i] != key}
    assert changed == {i for i, others in book.related.items() if moved in others}
    assert changed


def test_an_edit_reuses_the_work_it_does_not_change(proj: Path) -> None:
    """A note's text feeds no chart and not the listing: after such an edit the pre-render builds no
    chart and writes the listing from its cache, rewrites at most two of the per-entry cache's files
    (the edited row's old and new ones), and every generated file is what a book without any
    cache writes. Giving an entry its first note changes the listing again."""
    render.refresh(proj)
    cache = proj / ".cache"
    (shards,) = [p for p in cache.glob("entries-*") if p.is_dir()]
    before = {p.name: p.read_bytes() for p in shards.iterdir()}
    assert len(before) == 16
    calls: list[str] = []
    listing_text, figures = listing.listing_text, Book.figures

    def counting(name, func):
        def wrapper(*args, **kwargs):
            calls.append(name)
            return func(*args, **kwargs)

        return wrapper

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("readinglist.listing.listing_text", counting("listing", listing_text))
        patch.setattr(Book, "figures", counting("figures", figures))
        edit_csv(proj / "data" / "papers.csv", set_field("2509.02534", notes="A new note. It says something else."))
        assert render.refresh(proj)
        assert calls == []
        after = {p.name: p.read_bytes() for p in shards.iterdir()}
        assert after.keys() == before.keys()
        assert 1 <= sum(after[name] != before[name] for name in before) <= 2

        fresh = Book.load()
        fresh.cache_dir = None
        written = (proj / "all-entries.yml").read_text(encoding="utf-8")
        assert written == listing_text(fresh.frame, fresh.topics, fresh.homes)
        plan = json.loads((proj / "_assets" / "charts" / "charts.json").read_text(encoding="utf-8"))
        assert plan == static.chart_plan(figures(fresh))

        edit_csv(proj / "data" / "papers.csv", set_field("2509.17567", notes="Read it for the method."))
        render.refresh(proj)
        assert "listing" in calls
        fresh = Book.load()
        fresh.cache_dir = None
        written = (proj / "all-entries.yml").read_text(encoding="utf-8")
        assert written == listing_text(fresh.frame, fresh.topics, fresh.homes)


@given(st.dictionaries(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), st.text()))
def test_stored_cells_read_back_as_written(cells: dict[str, str]) -> None:
    text = render.cells_text(cells)
    assert render.parse_cells(text) == cells
    assert render.fingerprint(cells) == render.fingerprint(text)


@given(st.lists(st.lists(st.sampled_from("ABCD"), max_size=3), max_size=8), st.lists(st.sampled_from("ABCDE")))
def test_has_tags_marks_the_entries_with_any_of_the_tags(lists: list[list[str]], wanted: list[str]) -> None:
    frame = pd.DataFrame({"tags": lists}, index=[10 * i + 3 for i in range(len(lists))])
    mask = has_tags(frame, wanted)
    assert mask.index.equals(frame.index)
    assert mask.tolist() == [bool(set(ts) & set(wanted)) for ts in lists]
