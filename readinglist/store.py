"""Load, validate and save ``papers.csv``: strict reading, every problem at once, atomic writes."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from filelock import FileLock, Timeout

from .files import atomic_write
from .project import data_dir
from .schema import (
    AUTHOR_SEP,
    CATEGORY,
    COLUMNS,
    DATE,
    DAY,
    KINDS,
    NEEDS_TITLE,
    SLUG,
    TAG_SEP,
    URL,
    DataError,
    Problem,
    arxiv_abs_url,
    canonical_arxiv_id,
    is_arxiv_id,
    join_list,
    split_list,
)
from .topics import Topics, load_topics

LIST_COLUMNS: dict[str, str] = {"links": " ", "tags": TAG_SEP, "authors": AUTHOR_SEP, "categories": " "}
LIST_SPELLING: dict[str, str] = {" ": "single spaces", TAG_SEP: f"'{TAG_SEP} '"}
LOCK_TIMEOUT = 30.0


def papers_path() -> Path:
    return data_dir() / "papers.csv"


def topics_path() -> Path:
    return data_dir() / "topics.csv"


@dataclass(frozen=True)
class Record:
    """One data row as text, with the line where it starts in the file."""

    line: int
    values: dict[str, str]


def read_records(path: str | Path) -> list[Record]:
    """Read the CSV strictly as text. Raise :class:`DataError` on any structural problem."""
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError([Problem(name, None, None, None, "an existing file")]) from None
    return parse_records(raw, name)


def parse_records(raw: bytes, name: str) -> list[Record]:
    """Parse CSV bytes into records; structural problems raise :class:`DataError`."""
    header = ",".join(COLUMNS)
    if not raw.strip():
        raise DataError([Problem(name, 1, None, None, f"a header row '{header}' (the file is empty)")])
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DataError(
            [Problem(name, 1, None, None, "UTF-8 without a byte-order mark (BOM): save the file as plain UTF-8")]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        bad = raw[err.start : err.end + 3]
        raise DataError(
            [
                Problem(
                    name, line, None, repr(bad), "UTF-8 text (this byte sequence is not UTF-8; save the file as UTF-8)"
                )
            ]
        ) from None
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        raise DataError(
            [
                Problem(
                    name,
                    line,
                    None,
                    None,
                    "LF line endings (the file has CR or CRLF line endings; convert it with 'dos2unix')",
                )
            ]
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as err:
        raise DataError(
            [
                Problem(
                    name,
                    start,
                    None,
                    None,
                    f"well-formed CSV from this line on ({err}; an unclosed quote or a truncated file?)",
                )
            ]
        ) from None
    problems: list[Problem] = []
    head = rows[0][1]
    if head != list(COLUMNS):
        missing = [c for c in COLUMNS if c not in head]
        extra = [c for c in head if c not in COLUMNS]
        detail = (
            "; ".join(
                filter(None, [missing and f"missing {', '.join(missing)}", extra and f"unknown {', '.join(extra)}"])
            )
            or "columns out of order"
        )
        raise DataError([Problem(name, 1, None, ",".join(head), f"the header '{header}' ({detail})")])
    records: list[Record] = []
    for line, row in rows[1:]:
        if len(row) != len(COLUMNS):
            problems.append(
                Problem(
                    name,
                    line,
                    None,
                    None,
                    f"{len(COLUMNS)} fields, found {len(row)} (a truncated row, or an unquoted comma?)",
                )
            )
            continue
        records.append(Record(line, dict(zip(COLUMNS, row, strict=True))))
    if not text.endswith("\n"):
        problems.append(
            Problem(name, text.count("\n") + 1, None, None, "the file to end with a newline (is it truncated?)")
        )
    if problems:
        raise DataError(problems)
    return records


def check_records(records: list[Record], topics: Topics, name: str) -> list[Problem]:
    """Check every value of every record; return all problems (empty when valid)."""
    problems: list[Problem] = []

    def bad(rec: Record, col: str, expected: str, value: str | None = None) -> None:
        problems.append(Problem(name, rec.line, col, rec.values[col] if value is None else value, expected))

    first_line: dict[str, int] = {}
    arxiv_lines: dict[str, int] = {}
    known_tags = frozenset(topics.tags)
    for rec in records:
        v = rec.values
        if not v["id"]:
            bad(rec, "id", "a non-empty id (the arXiv id, or a slug)")
        elif not (is_arxiv_id(v["id"]) or SLUG.fullmatch(v["id"])):
            bad(rec, "id", "an arXiv id or a slug (lowercase letters, digits and '-')")
        elif v["id"] in first_line:
            bad(rec, "id", f"a unique id (also on line {first_line[v['id']]})")
        else:
            first_line[v["id"]] = rec.line
        if not v["title"] and NEEDS_TITLE not in v["review"]:
            bad(rec, "title", f"a title (or '{NEEDS_TITLE}' in the review column)")
        if v["kind"] not in KINDS:
            bad(rec, "kind", f"one of: {', '.join(KINDS)}")
        if not URL.fullmatch(v["url"]) and not (not v["url"] and NEEDS_TITLE in v["review"]):
            bad(rec, "url", f"an http(s) URL (or '{NEEDS_TITLE}' in the review column)")
        for link in split_list(v["links"], " "):
            if not URL.fullmatch(link):
                bad(rec, "links", "http(s) URLs separated by spaces", link)
        aid = v["arxiv_id"]
        if aid:
            if not is_arxiv_id(aid):
                canonical = canonical_arxiv_id(aid)
                bad(
                    rec,
                    "arxiv_id",
                    f"the canonical form {canonical!r}"
                    if canonical
                    else "an arXiv id without version, such as 2509.17567 or hep-th/9901001",
                )
            else:
                if v["id"] != aid:
                    bad(rec, "id", f"the arXiv id {aid!r} for an arXiv entry")
                if v["url"] != arxiv_abs_url(aid):
                    bad(rec, "url", f"the canonical arXiv URL {arxiv_abs_url(aid)}")
                if aid in arxiv_lines:
                    bad(rec, "arxiv_id", f"a paper not already in the list (also on line {arxiv_lines[aid]})")
                arxiv_lines.setdefault(aid, rec.line)
        if v["date"] and parse_date(v["date"]) is None:
            bad(rec, "date", "a date YYYY, YYYY-MM or YYYY-MM-DD (a real calendar date)")
        for tag in split_list(v["tags"], TAG_SEP):
            if tag not in known_tags:
                bad(rec, "tags", topics.unknown_tag_message(tag), tag)
        for cat in split_list(v["categories"], " "):
            if not CATEGORY.fullmatch(cat):
                bad(rec, "categories", "arXiv categories such as cs.LG, separated by spaces", cat)
        for col, sep in LIST_COLUMNS.items():
            canonical = join_list(split_list(v[col], sep), sep)
            if v[col] != canonical:
                bad(rec, col, f"items separated by {LIST_SPELLING[sep]}, nothing before or after: {canonical!r}")
        if not v["added"]:
            bad(rec, "added", "the day the entry was added, YYYY-MM-DD")
        elif not DAY.fullmatch(v["added"]) or parse_date(v["added"]) is None:
            bad(rec, "added", "the day the entry was added, YYYY-MM-DD (a real calendar date)")
    return problems


@functools.lru_cache(maxsize=4096)
def parse_date(value: str) -> tuple[pd.Timestamp, str] | None:
    """``(timestamp, precision)`` for ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; None if invalid
    (kept for the list's few hundred distinct dates: a list checks and converts each date twice)."""
    match = DATE.fullmatch(value)
    if not match:
        return None
    year, month, day = match.groups()
    try:
        date = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    precision = "day" if day else "month" if month else "year"
    return pd.Timestamp(date), precision


def format_date(date: pd.Timestamp | None, precision: str) -> str:
    """Inverse of :func:`parse_date`."""
    if date is None or pd.isna(date) or not precision:
        return ""
    return date.strftime({"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}[precision])


def validate(path: str | Path | None = None, topics: Topics | None = None) -> list[Problem]:
    """Every problem of the papers file (structure and values), or an empty list."""
    path = Path(path) if path else papers_path()
    try:
        topics = topics or load_topics(topics_path())
        records = read_records(path)
    except DataError as err:
        return err.problems
    return check_records(records, topics, str(path))


def to_frame(records: list[Record]) -> pd.DataFrame:
    """Typed frame of valid records: ``date`` and ``added`` as timestamps, list columns as lists."""
    data: dict[str, list] = {c: [r.values[c] for r in records] for c in COLUMNS}
    for col, sep in LIST_COLUMNS.items():
        data[col] = [split_list(v, sep) for v in data[col]]
    parsed = [parse_date(v) if v else None for v in data["date"]]
    data["date"] = [p[0] if p else pd.NaT for p in parsed]
    added = [parse_date(v) if v else None for v in data["added"]]
    data["added"] = [p[0] if p else pd.NaT for p in added]
    frame = pd.DataFrame(data, columns=list(COLUMNS))
    for col in ("date", "added"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    frame["date_precision"] = pd.Series([p[1] if p else "" for p in parsed], dtype="str")
    frame.index.name = None
    return frame


def load(path: str | Path | None = None, topics: Topics | None = None) -> pd.DataFrame:
    """Load and validate the papers file; raise :class:`DataError` listing every problem."""
    path = Path(path) if path else papers_path()
    topics = topics or load_topics(topics_path())
    records = read_records(path)
    problems = check_records(records, topics, str(path))
    if problems:
        raise DataError(problems)
    return to_frame(records)


def to_records(frame: pd.DataFrame) -> list[Record]:
    """The frame as text records in the file's canonical spelling (line numbers are row numbers + 2)."""
    records = []
    for i, row in enumerate(frame.to_dict("records")):
        values = {}
        for col in COLUMNS:
            value = row[col]
            if col in LIST_COLUMNS:
                value = join_list(list(value), LIST_COLUMNS[col])
            elif col == "date":
                value = format_date(value, row.get("date_precision") or ("day" if not pd.isna(value) else ""))
            elif col == "added" and not isinstance(value, str):
                value = format_date(value, "day")
            values[col] = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
        records.append(Record(i + 2, values))
    return records


def serialize(records: list[Record]) -> bytes:
    """The canonical CSV bytes: minimal quoting, LF line endings, UTF-8."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for rec in records:
        writer.writerow([rec.values[c] for c in COLUMNS])
    return out.getvalue().encode("utf-8")


def save(frame: pd.DataFrame, path: str | Path | None = None, topics: Topics | None = None) -> bool:
    """Validate and write the frame atomically. Return False (and write nothing) when the file
    already holds exactly these bytes. Raise :class:`DataError` (writing nothing) when invalid."""
    return save_records(to_records(frame), path, topics, "data to save; line = row + 2")


def save_records(
    records: list[Record], path: str | Path | None = None, topics: Topics | None = None, what: str = "data to save"
) -> bool:
    """:func:`save` for text records (what :func:`read_records` returns), without a frame round trip."""
    path = Path(path) if path else papers_path()
    topics = topics or load_topics(topics_path())
    problems = check_records(records, topics, f"{path} ({what})")
    if problems:
        raise DataError(problems)
    data = serialize(records)
    if path.exists() and path.read_bytes() == data:
        return False
    atomic_write(path, data)
    return True


@contextlib.contextmanager
def lock(path: str | Path | None = None, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the papers file's lock (``<file>.lock``) so read-modify-write sequences cannot interleave."""
    path = Path(path) if path else papers_path()
    try:
        with FileLock(str(path) + ".lock", timeout=timeout):
            yield
    except Timeout:
        raise DataError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    None,
                    f"the file to be free; another command has held its lock for {timeout:.0f} s",
                )
            ]
        ) from None
