"""The book's search index: one document per entry instead of each page's cards as one text.

Quarto (1.10, ``website-search.ts``) writes ``search.json`` with one document per level-2 section of
each page: its whole text content, folded ``<details>`` included. A page of cards is then one
document holding every card's abstract, related titles and BibTeX, and an entry shown in three
chapters is indexed three times: about 4 MB of index for 1,000 entries, tens of megabytes for
10,000, all of it loaded by the search box on its first use; and a hit names the "Entries"
section of a page, not the entry.

The post-render step (:func:`main`, ``scripts/postrender.py``) rewrites the index: the documents of
the sections holding cards (:attr:`readinglist.book.Page.cards_section`) are replaced by one
document per entry, pointing at its main card (``chapters/rl.html#<id>``, the entry's home), with
the page's title and breadcrumbs, the entry's title as the section, and as text its authors, date,
kind and topics, the curator's notes in full and the abstract's opening (:data:`ABSTRACT_CHARS`).
Every other document (the preface, the chapters' summaries and charts, the appendix) is kept as
Quarto wrote it. The documents carry the entry's id (``entry``), so a later rewrite, after a
render of a single page has put that page's section back, replaces them all again from the data.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from . import project
from .cards import title_of
from .chapters import FRONT_MATTER
from .files import write_generated
from .plaintext import readable
from .store import format_date

if TYPE_CHECKING:
    from .book import Book

INDEX = "search.json"
#: The listing page, indexed by its description: its table's text is every entry's again.
LISTING = "all-entries.html"
#: How much of an abstract is indexed: its opening, cut at a word, so the index stays small.
ABSTRACT_CHARS = 200
BRACKETS = str.maketrans({"<": "&lt;", ">": "&gt;"})  # as Quarto's encodeHtml writes the text


def opening(text: str, limit: int = ABSTRACT_CHARS) -> str:
    """The first ``limit`` characters of ``text`` on one line, cut at a word, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def entry_text(row: dict[str, Any]) -> str:
    """What an entry is found by: authors, date, kind, topics, notes, the abstract's opening."""
    date = format_date(row["date"], row["date_precision"])
    meta = " · ".join(p for p in [date, row["kind"], ", ".join(row["tags"]) or "no topic"] if p)
    lines = [", ".join(row["authors"]), meta, " ".join(readable(row["notes"]).split())]
    lines.append(opening(readable(row["abstract"])))
    return "\n".join(line for line in lines if line).translate(BRACKETS)


def entry_docs(book: Book, pages: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One document per entry, newest first, at its main card; ``pages`` gives each page's ``title``
    and ``crumbs`` (from Quarto's documents of that page)."""
    docs = []
    for row in book.records(book.newest_rank.argsort(kind="stable")):
        home = book.homes[row["id"]]
        page = pages.get(home, {})
        doc = {
            "objectID": f"{home}#{row['id']}",
            "href": f"{home}#{row['id']}",
            "title": page.get("title", ""),
            "section": readable(title_of(row)).translate(BRACKETS),
            "text": entry_text(row),
        }
        if "crumbs" in page:
            doc["crumbs"] = page["crumbs"]
        docs.append(doc | {"entry": row["id"]})
    return docs


def rewrite(index: list[dict[str, Any]], book: Book, listing: str = "") -> list[dict[str, Any]]:
    """``index`` (Quarto's documents) with the card sections' documents replaced by :func:`entry_docs`
    (the per-entry documents of an earlier rewrite are dropped and made again), and the text of the
    listing page's documents replaced by ``listing``, its description."""
    card_sections = {
        f"{page.path}#{page.cards_section}" for page in book.pages().values() if page.cards_section is not None
    }
    pages: dict[str, dict[str, Any]] = {}
    kept = []
    for doc in index:
        page = doc.get("href", "").split("#")[0]
        if page not in pages or "#" not in doc.get("href", ""):
            pages[page] = {k: doc[k] for k in ("title", "crumbs") if k in doc}
        if "entry" in doc or doc.get("href") in card_sections:
            continue
        kept.append(doc | {"text": listing.translate(BRACKETS)} if page == LISTING else doc)
    return kept + entry_docs(book, pages)


def listing_description() -> str:
    """The listing page's description, from its front matter."""
    source = (project.root() / LISTING.replace(".html", ".qmd")).read_text(encoding="utf-8")
    match = FRONT_MATTER.match(source)
    front = yaml.safe_load(match.group(1) or "") if match else {}
    return str((front or {}).get("description", ""))


def rewrite_index(output_dir: Path, book: Book | None = None) -> tuple[int, int]:
    """Rewrite ``output_dir / search.json`` (see the module docstring); return its sizes in bytes,
    before and after. Written as Quarto writes it (JSON indented by 2)."""
    from .book import Book

    path = output_dir / INDEX
    before = path.read_text(encoding="utf-8")
    docs = rewrite(json.loads(before), book or Book.load(), listing_description())
    text = json.dumps(docs, indent=2, ensure_ascii=False)
    write_generated(path, text)
    return len(before.encode("utf-8")), len(text.encode("utf-8"))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m readinglist.search [OUTPUT_DIR]``: rewrite the rendered book's search index
    (default: ``$QUARTO_PROJECT_OUTPUT_DIR``, which Quarto sets for post-render scripts)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["-h"], ["--help"]):
        print(__doc__.split("\n\n")[0] + "\n\nusage: python -m readinglist.search [OUTPUT_DIR]")
        return 0
    folder = Path(args[0]) if args else Path(os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", "_book"))
    if not (folder / INDEX).exists():
        print(f"readinglist: no {INDEX} in {folder}: nothing to rewrite", file=sys.stderr)
        return 0
    start = time.perf_counter()
    before, after = rewrite_index(folder)
    took = time.perf_counter() - start
    sizes = f"{before / 1e6:.2f} MB -> {after / 1e6:.2f} MB"
    print(f"readinglist: {INDEX} rewritten with one document per entry: {sizes} ({took:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
