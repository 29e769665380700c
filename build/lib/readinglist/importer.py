"""Import the curator's text export (``data/export.txt``) into ``papers.csv`` rows.

The export is: an introduction, a ``Reading List`` heading, then entries of the form::

    Title
    <blank>
    URL [second URL]
    Abstract
    paragraph...
    Notes                     (optional)
    paragraph...
    Tag Tag Two-Word-Tag      (optional)
    Paper preview             (optional)

Entries whose title and link were lost in the export (only ``Notes`` and tags remain) are kept with
their notes and tags; those identified from their notes are listed in :data:`IDENTIFIED`.

The export records no dates of its own, so the day each entry joined the curator's earlier list is
unknown. Every imported entry gets :data:`EXPORT_ADDED` as its ``added`` day: the day the import
was committed as ``data/papers.csv`` (``git log --diff-filter=A -- data/papers.csv``), the first day
the entry is known to be in the list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .arxiv_client import ArxivIdError, parse_arxiv_ref
from .schema import (
    NEEDS_TITLE,
    TAG_SEP,
    arxiv_abs_url,
    arxiv_month,
    join_list,
    slugify,
)
from .store import Record

LIST_HEADING = "Reading List"
IDENTIFIED_FROM_NOTES = "identified-from-notes"
EXPORT_ADDED = "2026-11-29"  # commit 2361e2c, which created data/papers.csv from data/export.txt


@dataclass(frozen=True)
class Identification:
    """An entry recognised from what its note says."""

    clue: str
    id: str
    title: str
    kind: str
    url: str
    arxiv_id: str
    date: str


IDENTIFIED: tuple[Identification, ...] = (
    Identification(
        "zero-computation experts from the MoE++ paper",
        "2509.01322",
        "LongCat-Flash Technical Report",
        "technical report",
        arxiv_abs_url("2509.01322"),
        "2509.01322",
        "2025-09",
    ),
    Identification(
        'Tencent basically "solved" machine translation',
        "2509.05209",
        "Hunyuan-MT Technical Report",
        "technical report",
        arxiv_abs_url("2509.05209"),
        "2509.05209",
        "2025-09",
    ),
    Identification(
        "definitive reference for async tensor parallelism in pytorch",
        "async-tensor-parallelism-pytorch",
        "[Distributed w/ TorchTitan] Introducing Async Tensor Parallelism in PyTorch",
        "forum post",
        "https://discuss.pytorch.org/t/distributed-w-torchtitan-introducing-async-tensor-parallelism-in-pytorch/209487",
        "",
        "2024-09",
    ),
)


@dataclass
class Entry:
    """An entry as read from the export, before it becomes a CSV row."""

    title: str = ""
    urls: list[str] = field(default_factory=list)
    abstract: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    closed: bool = False


def arxiv_id_from_url(url: str) -> str:
    """The versionless arXiv id of an ``arxiv.org`` link, or ``""`` for any other link."""
    try:
        return parse_arxiv_ref(url).arxiv_id if "arxiv.org/" in url else ""
    except ArxivIdError:
        return ""


def split_tags(line: str, known: list[str]) -> list[str] | None:
    """Split a tag line into known tags (longest match first), or None if it is not a tag line."""
    words = line.split()
    by_len = sorted(known, key=lambda t: -len(t.split()))
    tags: list[str] = []
    i = 0
    while i < len(words):
        for tag in by_len:
            n = len(tag.split())
            if words[i : i + n] == tag.split():
                tags.append(tag)
                i += n
                break
        else:
            return None
    return tags or None


def split_export(text: str, known_tags: list[str]) -> tuple[str, list[Entry]]:
    """The introduction (Markdown paragraphs) and the entries of the export, in order."""
    lines = text.splitlines()
    start = lines.index(LIST_HEADING)
    intro = "\n\n".join(line.strip() for line in lines[1:start] if line.strip())
    entries: list[Entry] = []
    current: Entry | None = None
    section: list[str] | None = None
    body = lines[start + 1 :]
    for i, line in enumerate(body):
        line = line.strip()
        nxt = body[i + 1].strip() if i + 1 < len(body) else ""
        after = body[i + 2].strip() if i + 2 < len(body) else ""
        if not line:
            continue
        if line.startswith("http") and current is not None and not current.urls and not section:
            current.urls = line.split()
        elif not nxt and after.startswith("http") and line not in ("Abstract", "Notes"):
            current = Entry(title=line)
            entries.append(current)
            section = None
        elif line == "Abstract" and current is not None:
            section = current.abstract
        elif line == "Notes":
            if current is None or current.closed or current.tags or current.notes:
                current = Entry()
                entries.append(current)
            section = current.notes
        elif line == "Paper preview":
            if current is not None:
                current.closed = True
            section = None
        elif current is not None and (tags := split_tags(line, known_tags)) is not None:
            current.tags = tags
            section = None
        elif section is not None:
            section.append(line)
        else:
            raise ValueError(f"export line {start + i + 2}: cannot place {line[:60]!r}")
    return intro, entries


def entry_record(entry: Entry, line: int, added: str = EXPORT_ADDED) -> Record:
    """The CSV row of one export entry, recorded as added on ``added`` (``YYYY-MM-DD``)."""
    notes = "\n\n".join(entry.notes)
    review = ""
    url, *links = entry.urls or [""]
    title, kind, date = entry.title, "paper", ""
    aid = arxiv_id_from_url(url)
    if not entry.title:
        found = next((x for x in IDENTIFIED if x.clue in notes), None)
        if found:
            title, kind, url, aid, date = found.title, found.kind, found.url, found.arxiv_id, found.date
            review = (
                f"{IDENTIFIED_FROM_NOTES}: title and link were lost in the export"
                " and recovered from the notes; please confirm"
            )
            ident = found.id
        else:
            ident = "untitled-" + slugify(notes, 32)
            review = f"{NEEDS_TITLE}: title and link were lost in the export; only the notes and tags remain"
    elif aid:
        ident = aid
    else:
        ident = slugify(title, 48)
        kind = "blog post"
    if aid:
        url, date = arxiv_abs_url(aid), date or arxiv_month(aid)
    if "Technical Report" in title:
        kind = "technical report"
    return Record(
        line,
        {
            "id": ident,
            "title": title,
            "kind": kind,
            "url": url,
            "links": " ".join(links),
            "arxiv_id": aid,
            "date": date,
            "tags": join_list(entry.tags, TAG_SEP),
            "authors": "",
            "categories": "",
            "abstract": "\n\n".join(entry.abstract),
            "notes": notes,
            "review": review,
            "added": added,
        },
    )


def import_export(path: str | Path, known_tags: list[str], added: str = EXPORT_ADDED) -> tuple[str, list[Record]]:
    """The introduction and the CSV records of an export file, every entry added on ``added``."""
    intro, entries = split_export(Path(path).read_text(encoding="utf-8"), known_tags)
    return intro, [entry_record(e, i + 2, added) for i, e in enumerate(entries)]
