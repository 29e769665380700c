"""The search index holds one document per entry at its main card, and the pages' other documents as
Quarto wrote them. The Quarto-written index is stood in for here (one document per page and per
level-2 section, the cards' section holding every card's text); the real one is checked after a real
render by the browser tests.

Expected values are computed from data/papers.csv with the csv module.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readinglist import search
from readinglist.book import Book

from .expected import csv_rows, csv_topics, tags_of
from .test_project import copy_project

ROWS = csv_rows()
HOME = {t["tag"]: f"chapters/{t['chapter']}.html" for t in csv_topics()}


def quarto_index(book: Book) -> list[dict]:
    """Documents as Quarto writes them: each page, its charts, its cards' section with all the
    cards' text, and the listing page with its whole table."""
    docs = []
    for page in book.pages().values():
        crumbs = ["Part", f"<span class='chapter-title'>{page.path}</span>"]
        base = {"title": f"Title of {page.path}", "crumbs": crumbs}
        docs.append({"objectID": page.path, "href": page.path, "section": "", "text": "summary"} | base)
        if page.cards_section:
            href = f"{page.path}#{page.cards_section}"
            text = "\n".join(page.cell_outputs().values())
            docs.append({"objectID": href, "href": href, "section": "Entries", "text": text} | base)
    table = "\n".join(r["title"] for r in ROWS)
    docs.append({"objectID": "all-entries.html", "href": "all-entries.html", "title": "All entries", "text": table})
    return docs


@pytest.fixture(scope="module")
def book() -> Book:
    loaded = Book.load()
    loaded.cache_dir = None
    return loaded


@pytest.fixture(scope="module")
def index(book: Book) -> list[dict]:
    return quarto_index(book)


@pytest.fixture(scope="module")
def rewritten(book: Book, index: list[dict]) -> list[dict]:
    return search.rewrite(index, book, "Every entry in one table.")


def test_every_entry_has_one_document_at_its_main_card(rewritten: list[dict]) -> None:
    by_entry = {}
    for doc in rewritten:
        if "entry" in doc:
            assert doc["entry"] not in by_entry, doc["entry"]
            by_entry[doc["entry"]] = doc
    assert set(by_entry) == {r["id"] for r in ROWS}
    for row in ROWS:
        doc = by_entry[row["id"]]
        tags = tags_of(row)
        home = HOME[tags[0]] if tags else "appendices/data.html"
        assert doc["href"] == doc["objectID"] == f"{home}#{row['id']}"
        assert doc["title"] == f"Title of {home}"
        assert doc["crumbs"][1].endswith(f">{home}</span>")
        if row["notes"].strip() and "$" not in row["notes"] and "<" not in row["notes"]:
            assert " ".join(row["notes"].split()) in doc["text"], "the notes are indexed in full"
        if row["title"] and "$" not in row["title"] and "\\" not in row["title"]:
            assert doc["section"] == row["title"].replace("<", "&lt;").replace(">", "&gt;")
        for tag in tags:
            assert tag in doc["text"]


def test_card_sections_are_replaced_and_the_rest_kept(book: Book, index: list[dict], rewritten: list[dict]) -> None:
    card_sections = {f"{p.path}#{p.cards_section}" for p in book.pages().values() if p.cards_section}
    assert card_sections and not [d for d in rewritten if d["href"] in card_sections]
    others = [d for d in index if d["href"] not in card_sections and d["href"] != "all-entries.html"]
    assert [d for d in rewritten if "entry" not in d and d["href"] != "all-entries.html"] == others
    (listing,) = [d for d in rewritten if d["href"] == "all-entries.html"]
    assert listing["text"] == "Every entry in one table."
    size = len(json.dumps(rewritten, indent=2))
    assert size < len(json.dumps(index, indent=2)) / 2


def test_a_rewrite_after_a_single_page_render_gives_the_same_index(
    book: Book, index: list[dict], rewritten: list[dict]
) -> None:
    assert search.rewrite(rewritten, book, "Every entry in one table.") == rewritten
    # Quarto, rendering one chapter, puts its cards' section back (and keeps the other documents)
    page = book.page("chapters/rl.qmd")
    section = next(d for d in index if d["href"] == f"{page.path}#entries")
    again = search.rewrite([*rewritten, section], book, "Every entry in one table.")
    assert again == rewritten


def test_text_is_plain_and_markup_is_encoded(book: Book) -> None:
    row = book.records([0])[0] | {
        "title": "A <script>alert(1)</script> title with $\\alpha$",
        "notes": "First paragraph.\n\nSecond <b>one</b>.",
        "abstract": "word " * 100,
    }
    text = search.entry_text(row)
    assert "<" not in text and ">" not in text and "&lt;b&gt;" in text
    assert "First paragraph. Second" in text
    assert text.endswith("…") and len(text.splitlines()[-1]) <= search.ABSTRACT_CHARS + 1


def test_the_command_rewrites_a_rendered_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    root = copy_project(tmp_path / "proj")
    monkeypatch.setenv("QUARTO_PROJECT_DIR", str(root))
    monkeypatch.delenv("READINGLIST_DATA", raising=False)
    monkeypatch.delenv("READINGLIST_CACHE", raising=False)
    out = root / "_book"
    out.mkdir()
    book = Book.load()
    (out / "search.json").write_text(json.dumps(quarto_index(book), indent=2), encoding="utf-8")
    monkeypatch.setenv("QUARTO_PROJECT_OUTPUT_DIR", str(out))
    assert search.main([]) == 0
    assert "one document per entry" in capsys.readouterr().out
    docs = json.loads((out / "search.json").read_text(encoding="utf-8"))
    assert sum("entry" in d for d in docs) == len(ROWS)
    assert search.main(["--help"]) == 0
    assert search.main([str(tmp_path / "nowhere")]) == 0
    assert "nothing to rewrite" in capsys.readouterr().err
