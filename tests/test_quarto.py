"""The real render: `quarto render` builds _book/ with every chapter, every entry and a working search.

These tests need the `quarto` command; where it is not on PATH they are skipped with that reason.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from .expected import chapter_slugs, csv_rows
from .htmlcheck import parse

QUARTO = shutil.which("quarto")
pytestmark = [
    pytest.mark.quarto,
    pytest.mark.skipif(QUARTO is None, reason="quarto is not on PATH (install Quarto >= 1.6 to run the render tests)"),
]
ROWS = csv_rows()
CHAPTERS = chapter_slugs()


@pytest.fixture(scope="module")
def book(rendered_book: Path) -> Path:
    return rendered_book


def test_every_chapter_and_every_entry_is_rendered(book):
    ids = set()
    for slug in CHAPTERS:
        page = book / "chapters" / f"{slug}.html"
        assert page.exists(), page
        ids |= {el.attrs["id"] for el in parse(page.read_text(encoding="utf-8")).find_all("div", "paper-card")}
    ids |= {
        el.attrs["id"]
        for el in parse((book / "appendices" / "data.html").read_text(encoding="utf-8")).find_all("div", "paper-card")
    }
    assert ids == {r["id"] for r in ROWS}
    for name in ("index.html", "all-entries.html", "references.bib", "feed.xml", "_assets/vega-bundle.js"):
        assert (book / name).exists(), name
    rl = (book / "chapters" / "rl.html").read_text(encoding="utf-8")
    assert "paper-related" in rl and "arXiv:2509.07558" in rl  # related entries and citations
    listing = (book / "all-entries.html").read_text(encoding="utf-8")
    assert all(f"#{r['id']}" in listing for r in ROWS)


def test_pages_make_no_third_party_requests(book):
    for page in book.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for src in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html):
            assert not src.startswith(("http://", "https://", "//")), (page.name, src)


def test_search_finds_an_entry_by_a_word_of_its_title(book):
    index = json.loads((book / "search.json").read_text(encoding="utf-8"))
    for word, entry_id in [("Quartet", "2505.14669"), ("TorchTitan", "2410.06511"), ("SuperHOT", None)]:
        hits = [item for item in index if word.lower() in (item.get("title", "") + item.get("text", "")).lower()]
        assert hits, word
        if entry_id:
            assert any(item["href"].split("#")[0].startswith("chapters/") for item in hits), word
