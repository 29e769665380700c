"""Estimate the size of Quarto's search index (``search.json``) from the cell store, without a render.

Quarto (1.10, ``website-search.ts``) indexes each page's level-2 sections as one document each: the
section's text content (scripts and styles removed; everything else, folded ``<details>`` content
included), ``<`` and ``>`` encoded, in a JSON list indented by 2. This script makes the same documents
from each page's cells: pandoc's HTML of a cell, its text content, one document per cell. The chapter
files' own text (headings, a few words) is left out, so this is a slight underestimate; compare with a
real render's ``_book/search.json`` (``bench_render.py``).

It also gives the size if the cards' folded part (authors, abstract, related entries, BibTeX) were
left out of the index, each card indexed by its title and meta line only.

Run: ``.venv/bin/python bench/search_index.py BOOK_ROOT`` (a book whose pre-render has run, e.g. one
made by ``bench_book.py``'s ``book_copy``).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import lxml.html
import pypandoc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from readinglist import render  # noqa: E402


def section_text(markdown: str, fold: bool = True) -> str:
    """The text content Quarto would index for ``markdown`` (``fold``: keep the ``<details>`` content)."""
    if not markdown.strip():
        return ""
    html = pypandoc.convert_text(markdown, "html", format="markdown", extra_args=["--mathml"])
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in tree.xpath("//script|//style" + ("" if fold else "|//details")):
        element.drop_tree()
    return tree.text_content().strip().replace("<", "&lt;").replace(">", "&gt;")


def estimate(root: Path) -> tuple[int, int, int]:
    """Bytes of the estimated ``search.json``, the same without the cards' folded parts, and documents."""
    os.environ["QUARTO_PROJECT_DIR"] = str(root)
    store = render.read_store(render.inputs_key())
    if store is None:
        raise SystemExit(f"no cell store for the current inputs under {root}: run the pre-render first")
    full, light = [], []
    for source, cells in store.items():
        href = source.removesuffix(".qmd") + ".html"
        for name, markdown in cells.items():
            doc = {"objectID": f"{href}#{name}", "href": f"{href}#{name}", "title": source, "section": name}
            full.append(doc | {"text": section_text(markdown)})
            light.append(doc | {"text": section_text(markdown, fold=False)})
    size = [len(json.dumps(docs, indent=2, ensure_ascii=False).encode()) for docs in (full, light)]
    return size[0], size[1], len(full)


def main() -> None:
    root = Path(sys.argv[1]).resolve()
    full, light, docs = estimate(root)
    print(f"{root}: {docs} documents, search.json about {full / 1e6:.1f} MB")
    print(f"without the cards' folded parts (abstract, related, BibTeX): {light / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
