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
author     the authors as Markdown; absent until the entry is enriched
========== ==================================================================================

Every string is written double-quoted, so no YAML reader (PyYAML's 1.1 rules or Quarto's JSON
schema) can take a title such as ``1e3``, ``yes`` or ``2025-09`` for a number, a boolean or a date.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .cards import UNTITLED
from .entries import newest_first
from .files import write_generated
from .text import escape, inline
from .topics import Topics

HEADER = "# The items of all-entries.qmd's listing, written from data/papers.csv by readinglist.listing.\n"


def listing_items(
    frame: pd.DataFrame, topics: Topics, homes: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """One listing item per entry, newest first, undated last (ties keep the list order); ``homes``
    (entry id -> page of its card) defaults to the chapter of the entry's first tag."""
    items: list[dict[str, Any]] = []
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
        if len(row["authors"]):
            item["author"] = [escape(a) for a in row["authors"]]
        items.append(item)
    return items


class _QuotedDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml's emitter when installed
    """A safe dumper that writes every string value double-quoted (mapping keys stay plain)."""


def _quoted_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')


def _plain_keys(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.MappingNode:
    pairs = [(yaml.SafeDumper.represent_str(dumper, str(k)), dumper.represent_data(v)) for k, v in value.items()]
    return yaml.MappingNode("tag:yaml.org,2002:map", pairs, flow_style=False)


_QuotedDumper.add_representer(str, _quoted_str)
_QuotedDumper.add_representer(dict, _plain_keys)


def dump_items(items: list[dict[str, Any]]) -> str:
    """The items as a YAML list (UTF-8 text, strings double-quoted, keys in item order)."""
    body = yaml.dump(items, Dumper=_QuotedDumper, allow_unicode=True, sort_keys=False, width=1_000_000)
    return HEADER + body


def write_listing(
    frame: pd.DataFrame, topics: Topics, path: str | Path, homes: Mapping[str, str] | None = None
) -> None:
    """Write the listing items to ``path`` (see :func:`~readinglist.files.write_generated`)."""
    write_generated(path, dump_items(listing_items(frame, topics, homes)))
