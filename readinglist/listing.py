"""The items of the book's "All entries" page, a Quarto listing read from a YAML file.

Quarto reads a listing's ``contents:`` YAML file as a list of items whose fields it shows as they
are: ``title``, ``date``, ``categories``, ``author``... (https://quarto.org/docs/websites/website-listings.html,
"Metadata File Listings" in https://quarto.org/docs/websites/website-listings-custom.html). Every
entry is one item, newest first, undated last (the file order is the page order when the listing
sets no ``sort``):

========== ==================================================================================
field      value
========== ==================================================================================
id         the entry id (plain text)
title      the title as Markdown (Quarto renders listing fields as Markdown): punctuation is
           escaped, ``$...$`` math kept, see :mod:`readinglist.text`; untitled entries get the
           cards' label
path       the entry's card, ``{home}#{id}``, relative to the book root (the page is at the root);
           the table listing links the title to it. ``home`` is the page of its main card
           (:attr:`readinglist.book.Book.homes`: a sub-page of a chapter cut into pages)
date       ``YYYY-MM-DD``, the first day of the known period; absent when the date is unknown
categories the entry's tags, as written (Quarto shows them in its category filter); ``[]`` if none
kind       the kind of entry (``paper``, ``blog post``...)
notes      ``[Notes]{.notes-mark}`` (a span the page styles and its "only the entries with notes"
           filter finds) when the curator wrote notes on the entry, ``""`` otherwise
author     the authors as Markdown; absent until the entry is enriched
========== ==================================================================================

Every string is written double-quoted, so no YAML reader (PyYAML's 1.1 rules or Quarto's JSON
schema) can take a title such as ``1e3``, ``yes`` or ``2025-09`` for a number, a boolean or a date.
"""

from __future__ import annotations

from collections.abc import Mapping
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

import pandas as pd

from .cards import UNTITLED
from .entries import columns_hash, has_notes, newest_first
from .files import write_generated
from .text import escape, inline
from .topics import Topics

HEADER = "# The items of all-entries.qmd's listing, written from data/papers.csv by readinglist.listing.\n"
#: The most entries the listing holds, the newest: Quarto renders every item of a listing into the
#: page (pandoc took 24 GB of memory and was stopped on 10,000), and a page stays under 2 MB;
#: ``all-entries.qmd`` says so.
MAX_ITEMS = 1000
#: The notes column of an entry with the curator's notes (assets/all-entries.js filters on the class).
NOTES_MARK = "[Notes]{.notes-mark}"


def listing_items(frame: pd.DataFrame, topics: Topics, homes: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """One listing item per entry, newest first, undated last (ties keep the list order); ``homes``
    (entry id -> page of its card) defaults to the chapter of the entry's first tag."""
    items: list[dict[str, Any]] = []
    frame = frame.assign(has_notes=has_notes(frame))
    for row in newest_first(frame).to_dict("records"):
        home = homes[row["id"]] if homes is not None else topics.home(list(row["tags"]))
        item: dict[str, Any] = {
            "id": row["id"],
            "title": inline(row["title"]) if row["title"] else escape(UNTITLED),
            "path": f"{home}#{row['id']}",
        }
        if not pd.isna(row["date"]):
            item["date"] = row["date"].strftime("%Y-%m-%d")
        item["categories"] = list(row["tags"])
        item["kind"] = escape(row["kind"])
        item["notes"] = NOTES_MARK if row["has_notes"] else ""
        if len(row["authors"]):
            item["author"] = [escape(a) for a in row["authors"]]
        items.append(item)
    return items


# JSON's string syntax is YAML's double-quoted one; YAML also reads these characters as line breaks
# or does not allow them unescaped, so they are written as escapes too.
YAML_ESCAPES = str.maketrans({c: f"\\u{c:04x}" for c in [*range(0x7F, 0xA0), 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF]})


def _quoted(value: str) -> str:
    """``value`` as a YAML double-quoted scalar (``json.dumps(value, ensure_ascii=False)``, less the
    encoder made per call, then the escapes above)."""
    quoted = encode_basestring(value)
    return quoted if quoted.isascii() and "\x7f" not in quoted else quoted.translate(YAML_ESCAPES)


def dump_items(items: list[dict[str, Any]]) -> str:
    """The items as a YAML list (UTF-8 text, strings double-quoted, keys in item order), written
    directly: a YAML emitter took seconds for 10,000 entries."""
    lines = [HEADER.rstrip("\n")]
    for item in items:
        for n, (key, value) in enumerate(item.items()):
            lead = "- " if n == 0 else "  "
            if isinstance(value, list):
                lines.append(f"{lead}{key}:" + ("" if value else " []"))
                lines += [f"  - {_quoted(v)}" for v in value]
            else:
                lines.append(f"{lead}{key}: {_quoted(value)}")
    return "\n".join(lines) + "\n"


#: The columns the listing shows (``notes`` only as whether there are notes).
LISTED = ("id", "title", "date", "tags", "kind", "authors")


def listing_key(frame: pd.DataFrame, homes: Mapping[str, str]) -> str:
    """A hash of what the listing shows: :data:`LISTED`, whether each entry has notes, its home."""
    return columns_hash(
        frame[list(LISTED)].assign(
            tags=frame["tags"].map("\x1f".join),
            authors=frame["authors"].map("\x1f".join),
            notes=has_notes(frame),
            home=frame["id"].map(homes),
        )
    )


def listing_text(frame: pd.DataFrame, topics: Topics, homes: Mapping[str, str] | None = None) -> str:
    """The listing file's text: :func:`dump_items` of the newest :data:`MAX_ITEMS` :func:`listing_items`."""
    return dump_items(listing_items(frame, topics, homes)[:MAX_ITEMS])


def write_listing(
    frame: pd.DataFrame, topics: Topics, path: str | Path, homes: Mapping[str, str] | None = None
) -> None:
    """Write the listing items to ``path`` (see :func:`~readinglist.files.write_generated`)."""
    write_generated(path, listing_text(frame, topics, homes))
