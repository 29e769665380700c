"""The schema of ``papers.csv``: its columns, their formats and the checks on each value.

The file is UTF-8 (no BOM), LF line endings, comma-separated, quoted only where needed.
Multi-valued columns use delimiters that survive CSV quoting and hand editing:

========== ============================================================================
column     format
========== ============================================================================
id         stable key: the arXiv id (``2509.17567``, ``hep-th/9901001``) or a slug
           (``inside-vllm``: lowercase letters, digits and ``-``)
title      plain text; ``$...$`` is LaTeX math. Empty only when ``review`` says
           ``needs-title``
kind       one of :data:`KINDS`
url        the canonical link: ``https://arxiv.org/abs/<arxiv_id>`` for arXiv entries
links      extra links (code, blog, PDF), separated by spaces
arxiv_id   the arXiv id without version, or empty; always read as text
date       ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, or empty when unknown
tags       topic tags separated by ``;`` (tags may contain spaces: ``Data Eng; RL``)
authors    author names separated by ``;``, empty until enriched
categories arXiv categories separated by spaces, the primary one first
abstract   plain text paragraphs separated by a blank line; ``$...$`` is math
notes      the curator's notes, paragraphs separated by a blank line
review     what the curator should check (provenance), or empty
added      the day the curator added the entry, ``YYYY-MM-DD`` (set by ``add`` and ``add-link``)
========== ============================================================================

List cells are written in one canonical spelling (``join_list``), which validation requires, so
a valid file reads and writes back byte for byte: ``Data Eng; RL``, not ``Data Eng;RL``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "kind",
    "url",
    "links",
    "arxiv_id",
    "date",
    "tags",
    "authors",
    "categories",
    "abstract",
    "notes",
    "review",
    "added",
)
KINDS: tuple[str, ...] = (
    "paper",
    "technical report",
    "blog post",
    "forum post",
    "repository",
    "video",
    "other",
)
TAG_SEP = ";"
AUTHOR_SEP = ";"
NEEDS_TITLE = "needs-title"

NEW_ARXIV_ID = re.compile(r"(?P<yymm>\d{4})\.(?P<number>\d{4,5})", re.ASCII)
OLD_ARXIV_ID = re.compile(
    r"(?P<archive>[a-z][a-z\-]*)(?:\.(?P<subject>[a-z]{2}))?/(?P<yymm>\d{4})(?P<number>\d{3})", re.ASCII
)
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", re.ASCII)  # ASCII digits only, not '٢٠٢٥'
DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
URL = re.compile(r"https?://[^\s<>\"]+")
CATEGORY = re.compile(r"[a-z\-]+(\.[A-Za-z\-]+)?")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file, located precisely enough to fix by hand."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where]
        if self.column:
            parts.append(f"column '{self.column}'")
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            parts.append(f"value {shown!r}")
        return ": ".join(parts) + f": expected {self.expected}"


class DataError(Exception):
    """Raised when a data file has problems; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def canonical_arxiv_id(value: str) -> str | None:
    """The canonical versionless id for a new-style (``2509.17567``) or old-style id
    (``hep-th/9901001``; ``math.GT/0309136`` becomes ``math/0309136``, the form arXiv answers with),
    or None if ``value`` is not one: a real month, 4 digits before 2015 and 5 from 2015 on."""
    new = NEW_ARXIV_ID.fullmatch(value)
    if new:
        yymm, number = new.group("yymm"), new.group("number")
        digits = 5 if yymm >= "1501" else 4
        if not 1 <= int(yymm[2:]) <= 12 or yymm < "0704" or len(number) != digits:
            return None
        return value
    old = OLD_ARXIV_ID.fullmatch(value.lower())
    if old and 1 <= int(old.group("yymm")[2:]) <= 12:
        return f"{old.group('archive')}/{old.group('yymm')}{old.group('number')}"
    return None


def is_arxiv_id(value: str) -> bool:
    """True for a canonical versionless arXiv id (see :func:`canonical_arxiv_id`)."""
    return canonical_arxiv_id(value) == value


def arxiv_abs_url(arxiv_id: str) -> str:
    """The canonical abstract page of an arXiv id."""
    return f"https://arxiv.org/abs/{arxiv_id}"


def arxiv_pdf_url(arxiv_id: str) -> str:
    """The PDF of an arXiv id."""
    return f"https://arxiv.org/pdf/{arxiv_id}"


def arxiv_month(arxiv_id: str) -> str:
    """``YYYY-MM`` encoded in a new-style arXiv id (``2509.17567`` -> ``2025-09``), else ``""``."""
    if NEW_ARXIV_ID.fullmatch(arxiv_id):
        return f"20{arxiv_id[:2]}-{arxiv_id[2:4]}"
    match = re.search(r"/(\d{2})(\d{2})\d{3}$", arxiv_id)
    if match:
        yy = int(match.group(1))
        return f"{1900 + yy if yy > 90 else 2000 + yy}-{match.group(2)}"
    return ""


def split_list(value: str, sep: str) -> list[str]:
    """Split a delimited cell into its stripped, non-empty items."""
    if sep == " ":
        return value.split()
    return [item.strip() for item in value.split(sep) if item.strip()]


def join_list(items: list[str], sep: str) -> str:
    """Inverse of :func:`split_list` in the canonical spelling (``a; b`` or ``a b``)."""
    return (sep if sep == " " else f"{sep} ").join(items)


def slugify(text: str, max_len: int = 48) -> str:
    """A readable id: lowercase ASCII words joined by ``-``, cut at a word boundary."""
    words = re.findall(r"[a-z0-9]+", re.sub(r"['’]", "", text.lower()))
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_len and slug:
            break
        slug = candidate
    return slug or "entry"
