"""The shipped data read with the csv module alone, so tests compute expected values without the package."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
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


def edit_csv(path: Path, change: Callable[[list[dict[str, str]]], list[dict[str, str]]]) -> None:
    """Apply ``change`` to the rows (dicts) of a CSV file and write it back as the project does."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    rows = change(rows)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def set_field(entry_id: str, **values: str) -> Callable[[list[dict[str, str]]], list[dict[str, str]]]:
    """A change for :func:`edit_csv`: set ``values`` on the row ``entry_id``."""
    return lambda rows: [r | values if r["id"] == entry_id else r for r in rows]
