"""Estimate the size of the book's search index (``search.json``) for a list, without a render.

After the post-render step (:mod:`readinglist.search`), the index holds Quarto's documents of the
pages' own text (the preface, the chapters' summaries and charts, the appendix: a few hundred kB at
most) and one document per entry, which grow with the list. This script makes those entry
documents as the post-render does, with each chapter's title and breadcrumbs as Quarto writes
them, and gives their size, JSON indented by 2 as Quarto writes it. Compare with a real render's
``_book/search.json`` (``bench_render.py --entries N``).

Run: ``.venv/bin/python bench/search_index.py BOOK_ROOT`` (a book folder, e.g. one made by
``bench_book.py``'s ``book_copy``).
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from readinglist import search  # noqa: E402
from readinglist.book import Book  # noqa: E402


def estimate(root: Path) -> tuple[int, int, int]:
    """Bytes of the entry documents (plain and gzipped, as GitHub Pages serves them), and their count."""
    os.environ["QUARTO_PROJECT_DIR"] = str(root)
    book = Book.load()
    pages = {}
    for number, chapter in enumerate(book.topics.chapters(), start=1):
        crumbs = [
            chapter.part,
            f"<span class='chapter-number'>{number}</span>\xa0 <span class='chapter-title'>{chapter.title}</span>",
        ]
        pages[f"chapters/{chapter.slug}.html"] = {"title": chapter.title, "crumbs": crumbs}
        for sub in book.layout.get(chapter.slug, ()):
            pages[sub.html] = {"title": f"{chapter.title}: {sub.label}", "crumbs": crumbs}
    docs = search.entry_docs(book, pages)
    text = json.dumps(docs, indent=2, ensure_ascii=False).encode("utf-8")
    return len(text), len(gzip.compress(text)), len(docs)


def main() -> None:
    root = Path(sys.argv[1]).resolve()
    size, zipped, docs = estimate(root)
    print(f"{root}: {docs:,} entry documents, {size / 1e6:.2f} MB ({zipped / 1e6:.2f} MB gzipped)")


if __name__ == "__main__":
    main()
