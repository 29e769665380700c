"""The shipped data read with the csv module alone, so tests compute expected values without the package."""

from __future__ import annotations

import csv
from pathlib import Path

from .conftest import DATA


def csv_rows(data: Path = DATA) -> list[dict[str, str]]:
    """The rows of papers.csv (default: the shipped data/), as text."""
    with open(data / "papers.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def csv_topics(data: Path = DATA) -> list[dict[str, str]]:
    """The rows of topics.csv (default: the shipped data/), as text."""
    with open(data / "topics.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def tags_of(row: dict[str, str]) -> list[str]:
    """A row's tags (the column holds them separated by ';')."""
    return [t.strip() for t in row["tags"].split(";") if t.strip()]


def chapter_slugs(data: Path = DATA) -> list[str]:
    """The chapters of the topics file, in book order."""
    return list(dict.fromkeys(t["chapter"] for t in csv_topics(data)))


def date_key(value: str) -> tuple[int, int, int]:
    """A ``YYYY[-MM[-DD]]`` date as a sortable tuple (the first day of its period)."""
    year, month, day = [*(int(p) for p in value.split("-")), 1, 1][:3]
    return year, month, day


def newest_first(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows by date, newest first, undated last, ties in file order."""
    dated = sorted((r for r in rows if r["date"]), key=lambda r: date_key(r["date"]), reverse=True)
    return dated + [r for r in rows if not r["date"]]
