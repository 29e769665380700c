"""``data/datapackage.json``: the list described as a Frictionless Data Package, so other tools read it right.

Tools that guess column types read ``arxiv_id`` as a number (``2507.00310`` becomes ``2507.0031``)
and know nothing of the list delimiters. The data package (Data Package 1.0, ``tabular-data-package``
profile, with a Table Schema per file) says, for ``papers.csv`` and ``topics.csv``: every column's
type and format, the primary keys, the required columns and, as ``pattern`` constraints, the rules of
:func:`readinglist.store.check_records` that look at one cell at a time, including the canonical
spelling of the list cells and the tags ``topics.csv`` allows (list columns are strings whose
``pattern`` spells out the delimiter, which each field also states as ``delimiter``).

Patterns use only XML Schema regular-expression syntax (plain groups, no look-ahead), as the Table
Schema specification asks, and are grouped whole (Frictionless anchors them as ``^pattern$``). The
rules that relate several cells (an arXiv entry's id, arxiv_id and URL agree; a title may be empty
only when ``review`` says ``needs-title``) are checked by ``validate`` alone.

The tag pattern follows ``topics.csv``: ``python -m readinglist datapackage`` rewrites the file, and
``validate`` reports a missing or stale one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .files import write_generated
from .schema import KINDS, TAG_SEP, Problem
from .topics import Topics

FILE_NAME = "datapackage.json"
REGEX_SPECIAL = set("\\.^$*+?()[]{}|-")

# one cell at a time, as store.check_records reads it ([0-9]: \d also matches other scripts' digits)
SLUG = r"([a-z0-9]+(-[a-z0-9]+)*)"
NEW_ARXIV = (
    r"07(0[4-9]|1[0-2])\.[0-9]{4}"  # April 2007 to 2014: four digits
    r"|(0[89]|1[0-4])(0[1-9]|1[0-2])\.[0-9]{4}"
    r"|(1[5-9]|[2-9][0-9])(0[1-9]|1[0-2])\.[0-9]{5}"  # from 2015: five digits
)
OLD_ARXIV = r"[a-z][a-z\-]*/[0-9]{2}(0[1-9]|1[0-2])[0-9]{3}"
ARXIV_ID = f"({NEW_ARXIV}|{OLD_ARXIV})"
URL = r'https?://[^\s<>"]+'
CATEGORY = r"[a-z\-]+(\.[A-Za-z\-]+)?"
YEAR = r"([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
MONTH = r"(0[1-9]|1[0-2])"
MONTH_DAY = r"((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))"
LEAP_DAY = r"([0-9]{2}(0[48]|[2468][048]|[13579][26])|([2468][048]|[13579][26]|0[48])00)-02-29"
DATE = f"({YEAR}|{YEAR}-{MONTH}|{YEAR}-{MONTH_DAY}|{LEAP_DAY})"
NAME = r"[^;\s]([^;]*[^;\s])?"  # an author: no ';', nothing blank before or after


def xsd_escape(text: str) -> str:
    """``text`` as a literal in an XML Schema (and Python) regular expression."""
    return "".join("\\" + ch if ch in REGEX_SPECIAL else ch for ch in text)


def separated(item: str, sep: str) -> str:
    """A pattern for one or more ``item`` separated by exactly ``sep``."""
    return f"({item})({xsd_escape(sep)}({item}))*"


def any_of(values: list[str] | tuple[str, ...]) -> str:
    """A pattern matching exactly one of ``values``."""
    return "|".join(xsd_escape(value) for value in values)


def text(name: str, description: str, *, required: bool = False, **constraints: Any) -> dict[str, Any]:
    """A string field descriptor."""
    field: dict[str, Any] = {"name": name, "type": "string", "format": "default", "description": description}
    if required:
        constraints["required"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def listed(name: str, description: str, item: str, sep: str) -> dict[str, Any]:
    """A list column: a string of ``item`` separated by ``sep`` (stated as ``delimiter``)."""
    return {**text(name, description, pattern=separated(item, sep)), "delimiter": sep}


def papers_schema(topics: Topics) -> dict[str, Any]:
    """The Table Schema of ``papers.csv``."""
    url = {**text("url", "the canonical link; https://arxiv.org/abs/<arxiv_id> for arXiv entries", pattern=URL)}
    url["format"] = "uri"
    fields = [
        text("id", "the entry's key: its arXiv id, or a slug", required=True, pattern=f"({ARXIV_ID}|{SLUG})"),
        text("title", "plain text, $...$ is LaTeX math; empty only when review says needs-title"),
        text("kind", "the kind of entry", required=True, enum=list(KINDS)),
        url,
        listed("links", "extra links (code, blog), separated by one space", URL, " "),
        text("arxiv_id", "the arXiv id without version (text, never a number)", pattern=ARXIV_ID, unique=True),
        text("date", "publication date, YYYY, YYYY-MM or YYYY-MM-DD as precise as known", pattern=DATE),
        listed("tags", "tags of topics.csv, separated by '; '", any_of(topics.tags), f"{TAG_SEP} "),
        listed("authors", "author names, separated by '; '", NAME, f"{TAG_SEP} "),
        listed("categories", "arXiv categories, the primary first, separated by one space", CATEGORY, " "),
        text("abstract", "paragraphs separated by a blank line; $...$ is LaTeX math"),
        text("notes", "the curator's notes, paragraphs separated by a blank line"),
        text("review", "what the curator should check, or empty"),
        {
            "name": "added",
            "type": "date",
            "format": "default",
            "description": "the day the curator added the entry, YYYY-MM-DD",
            "constraints": {"required": True},
        },
    ]
    return {"fields": fields, "primaryKey": ["id"], "missingValues": [""]}


def topics_schema() -> dict[str, Any]:
    """The Table Schema of ``topics.csv``."""
    fields = [
        text("tag", "a tag entries carry", required=True, unique=True),
        text("slug", "the tag in links", required=True, pattern=SLUG),
        text("description", "what the tag covers", required=True),
        text("chapter", "the slug of the book chapter that shows the tag", required=True, pattern=SLUG),
        text("chapter_title", "the chapter's title, the same on each of its rows", required=True),
        text("part", "the book part of the chapter, the same on each of its rows", required=True),
    ]
    return {"fields": fields, "primaryKey": ["tag"], "missingValues": [""]}


def table(name: str, title: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A tabular data resource for ``<name>.csv`` in the list's CSV dialect."""
    return {
        "name": name,
        "title": title,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "lineTerminator": "\n", "header": True},
        "schema": schema,
    }


def descriptor(topics: Topics) -> dict[str, Any]:
    """The data package of the list (the tag pattern comes from ``topics``)."""
    return {
        "profile": "tabular-data-package",
        "name": "ml-reading-list",
        "title": "ML Reading List",
        "description": (
            "A curated reading list of machine-learning papers and posts (papers.csv) and the topics "
            "that group them into the book's chapters (topics.csv). Written by `python -m readinglist "
            "datapackage`; `python -m readinglist validate` checks the same rules and those across cells."
        ),
        "resources": [
            table("papers", "Entries of the reading list", papers_schema(topics)),
            table("topics", "Tags, and the chapters and parts that show them", topics_schema()),
        ],
    }


def render(topics: Topics) -> str:
    """The ``datapackage.json`` text: indented JSON, UTF-8, ending with a newline."""
    return json.dumps(descriptor(topics), indent=2, ensure_ascii=False) + "\n"


def write_datapackage(folder: str | Path, topics: Topics) -> Path:
    """Write ``datapackage.json`` into ``folder`` (left alone when unchanged); return its path."""
    path = Path(folder) / FILE_NAME
    write_generated(path, render(topics))
    return path


def check_datapackage(folder: str | Path, topics: Topics) -> list[Problem]:
    """A problem when ``folder``'s ``datapackage.json`` is missing or does not follow ``topics``."""
    path = Path(folder) / FILE_NAME
    fix = "run `python -m readinglist datapackage`"
    if not path.exists():
        return [Problem(str(path), None, None, None, f"the data package of the list ({fix})")]
    if path.read_text(encoding="utf-8") != render(topics):
        expected = f"the data package written from the current topics and schema (it is stale: {fix})"
        return [Problem(str(path), None, None, None, expected)]
    return []
