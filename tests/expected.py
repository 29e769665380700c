"""The shipped data read with the csv module alone, so tests compute expected values without the package."""

from __future__ import annotations

import csv

from .conftest import DATA


def csv_rows() -> list[dict[str, str]]:
    """The rows of data/papers.csv, as text."""
    with open(DATA / "papers.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def csv_topics() -> list[dict[str, str]]:
    """The rows of data/topics.csv, as text."""
    with open(DATA / "topics.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def tags_of(row: dict[str, str]) -> list[str]:
    """A row's tags (the column holds them separated by ';')."""
    return [t.strip() for t in row["tags"].split(";") if t.strip()]


def chapter_slugs() -> list[str]:
    """The chapters of the topics file, in book order."""
    return list(dict.fromkeys(t["chapter"] for t in csv_topics()))
