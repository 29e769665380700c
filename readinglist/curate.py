"""The curator's commands: ``add`` papers from arXiv, ``add-link`` other entries, ``enrich`` arXiv entries.

Every command checks its arguments and the current file before any network call, and writes
through :func:`store.save` (validated, atomic) while holding :func:`store.lock`. The network
lookups happen outside the lock; the read-modify-write that follows re-reads the file under the
lock, so two commands never interleave and a long lookup does not block other commands.
Policy: all-or-nothing. Nothing is written unless every arXiv request succeeded.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tqdm import tqdm

from . import store
from .arxiv_client import (
    ENV_DELAY,
    ENV_RETRIES,
    ENV_TIMEOUT,
    ENV_URL,
    ArxivError,
    ArxivFetcher,
    ArxivIdError,
    ArxivPaper,
    ArxivSettings,
    UnknownIdsError,
    clean_line,
    parse_arxiv_ref,
)
from .schema import (
    AUTHOR_SEP,
    KINDS,
    TAG_SEP,
    URL,
    DataError,
    Problem,
    arxiv_abs_url,
    join_list,
    slugify,
    split_list,
)
from .topics import Topics, load_topics

Command = Callable[[argparse.Namespace], int]
AddCommand = Callable[[str, Command, str], argparse.ArgumentParser]

ALL_OR_NOTHING = (
    "All or nothing: papers.csv is written only if every arXiv request succeeded; after a network error, "
    "timeout, HTTP error, malformed answer or unknown id the command exits with status 1 and the file is "
    f"unchanged. Endpoint: --arxiv-url or ${ENV_URL}; delay between requests: --delay or ${ENV_DELAY} "
    f"(default 3 s, as arXiv asks); retries with exponential backoff: --retries or ${ENV_RETRIES} (default 3); "
    f"per-request timeout: --timeout or ${ENV_TIMEOUT} (default 30 s)."
)
ENRICHED = ("authors", "date", "categories", "abstract")


# --- reading and writing -----------------------------------------------------------------------


@dataclass
class Snapshot:
    """The papers file as read: its bytes and its checked records."""

    path: Path
    raw: bytes
    records: list[store.Record]


def read_snapshot(path: Path, topics: Topics) -> Snapshot:
    """Read and check the papers file; :class:`DataError` (with every problem) if it is invalid."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError([Problem(str(path), None, None, None, "an existing file")]) from None
    records = store.parse_records(raw, str(path))
    problems = store.check_records(records, topics, str(path))
    if problems:
        raise DataError(problems)
    return Snapshot(path, raw, records)


def reread(snapshot: Snapshot, topics: Topics) -> Snapshot:
    """The file as it is now (call under the lock); reuses the parsed records if no byte changed."""
    if snapshot.path.read_bytes() == snapshot.raw:
        return snapshot
    return read_snapshot(snapshot.path, topics)


def papers_file(args: argparse.Namespace) -> Path:
    return Path(args.file) if args.file else store.papers_path()


def arxiv_index(records: list[store.Record]) -> dict[str, store.Record]:
    """Entries by the arXiv paper they are: their ``arxiv_id``, or an arXiv ``url``.

    The records are checked, so an ``arxiv_id`` is a valid id and its entry's URL is canonical; only
    old-style ids (``math.GT/0309136``) and arXiv links of other entries need parsing."""
    index: dict[str, store.Record] = {}
    for rec in records:
        arxiv_id, url = rec.values["arxiv_id"], rec.values["url"]
        if arxiv_id:
            index.setdefault(canonical_id(arxiv_id), rec)
        elif "arxiv.org" in url.lower():
            with contextlib.suppress(ArxivIdError):
                index.setdefault(parse_arxiv_ref(url).arxiv_id, rec)
    return index


def canonical_id(arxiv_id: str) -> str:
    """The id arXiv answers with for a checked ``arxiv_id`` (``math.GT/0309136`` -> ``math/0309136``)."""
    return parse_arxiv_ref(arxiv_id).arxiv_id if "/" in arxiv_id else arxiv_id


def describe(rec: store.Record, path: Path) -> str:
    """``papers.csv:12, 'Title'`` (a long title cut short)."""
    title = rec.values["title"] or "(no title)"
    return f"{path.name}:{rec.line}, {title if len(title) <= 60 else title[:57] + '...'!r}"


# --- shared options ----------------------------------------------------------------------------


def parse_tags(values: list[str], topics: Topics) -> tuple[list[str], list[Problem]]:
    """Tags from ``--tags`` (each value may hold several, separated by ``;``), and the unknown ones."""
    tags = list(dict.fromkeys(t for value in values for t in split_list(value, TAG_SEP)))
    problems = [Problem("--tags", None, None, t, topics.unknown_tag_message(t)) for t in tags if t not in topics.tags]
    return tags, problems


def clean_notes(text: str) -> str:
    """The curator's text as written, with LF line endings, no trailing spaces, at most one blank line."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def read_notes(args: argparse.Namespace) -> tuple[str, list[Problem]]:
    """The notes from ``--notes`` or ``--notes-file`` (``-`` is standard input)."""
    if not args.notes_file:
        return clean_notes(args.notes or ""), []
    try:
        text = sys.stdin.read() if args.notes_file == "-" else Path(args.notes_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) else "not UTF-8"
        return "", [Problem("--notes-file", None, None, args.notes_file, f"a readable UTF-8 text file ({reason})")]
    return clean_notes(text), []


def settings_from(args: argparse.Namespace) -> ArxivSettings:
    return ArxivSettings.resolve(url=args.arxiv_url, delay=args.delay, retries=args.retries, timeout=args.timeout)


def reports_arxiv_errors(func: Command) -> Command:
    """Turn an :class:`ArxivError` into its one-line message on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except ArxivError as err:
            print(f"error: {err}. Nothing was changed.", file=sys.stderr)
            return 1

    return wrapper


# --- add ---------------------------------------------------------------------------------------


def today() -> str:
    """The day an entry added now is recorded as added (``YYYY-MM-DD``, the local calendar day)."""
    return dt.date.today().isoformat()


def paper_values(paper: ArxivPaper, kind: str, tags: list[str], notes: str, added: str) -> dict[str, str]:
    """A new row for an arXiv paper, in the file's canonical text form."""
    return {
        "id": paper.arxiv_id,
        "title": paper.title,
        "kind": kind,
        "url": arxiv_abs_url(paper.arxiv_id),
        "links": "",  # the PDF link is derived from the arXiv id where it is shown
        "arxiv_id": paper.arxiv_id,
        "date": paper.submitted.isoformat(),
        "tags": join_list(tags, TAG_SEP),
        "authors": join_list(list(paper.authors), AUTHOR_SEP),
        "categories": join_list(list(paper.categories), " "),
        "abstract": paper.abstract,
        "notes": notes,
        "review": "",
        "added": added,
    }


def duplicate_problems(refs: list[tuple[str, str]], snapshot: Snapshot) -> list[Problem]:
    """Problems for ``(text, arxiv_id)`` pairs already in the file or repeated on the command line."""
    index = arxiv_index(snapshot.records)
    problems: list[Problem] = []
    first: dict[str, str] = {}
    for text, arxiv_id in refs:
        if arxiv_id in index:
            expected = f"a paper not already in the list ({arxiv_id} is {describe(index[arxiv_id], snapshot.path)})"
            problems.append(Problem("add", None, None, text, expected))
        elif arxiv_id in first:
            expected = f"each paper once (the same paper as {first[arxiv_id]!r})"
            problems.append(Problem("add", None, None, text, expected))
        first.setdefault(arxiv_id, text)
    return problems


@reports_arxiv_errors
def cmd_add(args: argparse.Namespace) -> int:
    """Add arXiv papers by id or link: title, abstract, authors, submission day, categories and PDF
    link come from arXiv in one batched request; the tags and notes come from you."""
    path = papers_file(args)
    topics = load_topics(store.topics_path())
    snapshot = read_snapshot(path, topics)
    problems: list[Problem] = []
    refs: list[tuple[str, str]] = []
    versions: dict[str, int] = {}
    for text in args.ids:
        try:
            ref = parse_arxiv_ref(text)
        except ArxivIdError as err:
            problems.append(Problem("add", None, None, text, err.expected))
            continue
        refs.append((text, ref.arxiv_id))
        if ref.version:
            versions[ref.arxiv_id] = ref.version
    problems += duplicate_problems(refs, snapshot)
    tags, tag_problems = parse_tags(args.tags, topics)
    notes, note_problems = read_notes(args)
    problems += tag_problems + note_problems
    if problems:
        raise DataError(problems)
    settings = settings_from(args)
    ids = [arxiv_id for _, arxiv_id in refs]
    papers = ArxivFetcher(settings).fetch(ids)
    with store.lock(path):
        snapshot = reread(snapshot, topics)
        problems = duplicate_problems(refs, snapshot)  # another command may have added one meanwhile
        if problems:
            raise DataError(problems)
        start = len(snapshot.records) + 2
        day = today()
        added = [
            store.Record(start + i, paper_values(papers[arxiv_id], args.kind, tags, notes, day))
            for i, arxiv_id in enumerate(ids)
        ]
        store.save_records(snapshot.records + added, path, topics)
    total = len(snapshot.records) + len(added)
    print(f"Added {len(added)} {'entry' if len(added) == 1 else 'entries'} to {path} (now {total} entries):")
    for rec in added:
        v = rec.values
        print(f"  {v['id']}  {v['date']}  {v['title']}  [{v['tags']}]")
        latest, given = papers[v["id"]].version, versions.get(v["id"])
        if given and latest and given != latest:
            print(f"    (you gave v{given}; the entry is the paper, described as in its latest version, v{latest})")
    return 0


# --- add-link ----------------------------------------------------------------------------------


def url_key(url: str) -> str:
    """A URL without what does not change the page: scheme, ``www.``, trailing slash, fragment."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    port = f":{parts.port}" if parts.port else ""
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{port}{parts.path.rstrip('/')}{query}"


def unique_slug(title: str, taken: set[str]) -> str:
    """``schema.slugify(title)``, with ``-2``, ``-3``... when that id is taken."""
    base = slugify(title)
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def cmd_add_link(args: argparse.Namespace) -> int:
    """Add an entry that is not on arXiv (blog post, forum post, repository, video...): its id is a
    readable slug made from the title."""
    path = papers_file(args)
    topics = load_topics(store.topics_path())
    url = args.url.strip()
    title = clean_line(args.title)
    problems: list[Problem] = []
    if not URL.fullmatch(url):
        problems.append(Problem("add-link", None, None, url, "an http(s) URL"))
    else:
        try:
            ref = parse_arxiv_ref(url)
            problems.append(Problem("add-link", None, None, url, f"a link that is not on arXiv (use: add {ref})"))
        except ArxivIdError:
            pass
    if not title:
        problems.append(Problem("--title", None, None, args.title, "a non-empty title"))
    if args.date and store.parse_date(args.date) is None:
        problems.append(Problem("--date", None, None, args.date, "a date YYYY, YYYY-MM or YYYY-MM-DD (a real date)"))
    tags, tag_problems = parse_tags(args.tags, topics)
    notes, note_problems = read_notes(args)
    problems += tag_problems + note_problems
    if problems:
        raise DataError(problems)
    with store.lock(path):
        snapshot = read_snapshot(path, topics)
        key = url_key(url)
        for rec in snapshot.records:
            if rec.values["url"] and url_key(rec.values["url"]) == key:
                expected = f"a link not already in the list (it is {describe(rec, path)})"
                raise DataError([Problem("add-link", None, None, url, expected)])
        slug = unique_slug(title, {rec.values["id"] for rec in snapshot.records})
        values = {
            "id": slug,
            "title": title,
            "kind": args.kind,
            "url": url,
            "links": "",
            "arxiv_id": "",
            "date": args.date or "",
            "tags": join_list(tags, TAG_SEP),
            "authors": join_list(split_list(args.authors or "", AUTHOR_SEP), AUTHOR_SEP),
            "categories": "",
            "abstract": "",
            "notes": notes,
            "review": "",
            "added": today(),
        }
        store.save_records([*snapshot.records, store.Record(len(snapshot.records) + 2, values)], path, topics)
    print(f"Added 1 entry to {path} (now {len(snapshot.records) + 1} entries):")
    print(f"  {slug}  {args.kind}  {args.date or '(no date)'}  {title}  [{values['tags']}]")
    return 0


# --- enrich ------------------------------------------------------------------------------------


@dataclass
class Enrichment:
    """What enrich changes in (or leaves alone for) one entry."""

    arxiv_id: str
    values: dict[str, str]
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (column, old, new)
    kept: list[str] = field(default_factory=list)  # why a value was left as the curator wrote it

    def summary(self) -> str:
        parts = []
        for col, old, new in self.changes:
            if col == "authors":
                parts.append(f"authors ({len(split_list(new, AUTHOR_SEP))})")
            elif col == "date":
                parts.append(f"date {old or '(empty)'} -> {new}")
            elif col == "categories":
                parts.append(f"categories {new}")
            else:
                parts.append(f"{col} ({len(new):,} characters)")
        return ", ".join(parts + self.kept)


def needs_enrichment(values: dict[str, str]) -> bool:
    """An arXiv entry with no authors, categories or abstract, or a date coarser than a day."""
    return bool(values["arxiv_id"]) and (
        not values["authors"] or not values["categories"] or not values["abstract"] or len(values["date"]) != 10
    )


def enrich_values(values: dict[str, str], paper: ArxivPaper) -> Enrichment:
    """Fill what is empty (and refine a month or year to the submission day); keep everything else."""
    new = dict(values)
    result = Enrichment(values["arxiv_id"], new)

    def fill(col: str, value: str) -> None:
        if value and not values[col]:
            new[col] = value
            result.changes.append((col, values[col], value))

    fill("authors", join_list(list(paper.authors), AUTHOR_SEP))
    day = paper.submitted.isoformat()
    date = values["date"]
    if not date or (len(date) < len(day) and day.startswith(date)):
        new["date"] = day
        result.changes.append(("date", date, day))
    elif len(date) < len(day):
        result.kept.append(f"date kept as {date} (arXiv's submission day is {day})")
    fill("categories", join_list(list(paper.categories), " "))
    fill("abstract", paper.abstract)
    return result


def plan_enrichment(
    records: list[store.Record], papers: dict[str, ArxivPaper]
) -> tuple[list[store.Record], list[Enrichment]]:
    """The records with every fetched paper's empty fields filled, and what changed per entry."""
    out: list[store.Record] = []
    report: list[Enrichment] = []
    for rec in records:
        paper = papers.get(canonical_id(rec.values["arxiv_id"])) if rec.values["arxiv_id"] else None
        if paper is None:
            out.append(rec)
            continue
        enrichment = enrich_values(rec.values, paper)
        out.append(store.Record(rec.line, enrichment.values) if enrichment.changes else rec)
        if enrichment.changes or enrichment.kept:
            report.append(enrichment)
    return out, report


@reports_arxiv_errors
def cmd_enrich(args: argparse.Namespace) -> int:
    """Fill missing authors, exact submission days, categories and empty abstracts of arXiv entries.
    Never changes what the curator wrote: title, notes, tags, a non-empty abstract, review."""
    path = papers_file(args)
    topics = load_topics(store.topics_path())
    snapshot = read_snapshot(path, topics)
    candidates = [rec for rec in snapshot.records if rec.values["arxiv_id"]]
    if args.ids:
        by_id = {canonical_id(rec.values["arxiv_id"]): rec for rec in candidates}
        problems: list[Problem] = []
        chosen: dict[str, store.Record] = {}
        for text in args.ids:
            try:
                arxiv_id = parse_arxiv_ref(text).arxiv_id
            except ArxivIdError as err:
                problems.append(Problem("--ids", None, None, text, err.expected))
                continue
            if arxiv_id not in by_id:
                problems.append(Problem("--ids", None, None, text, "the id of an arXiv entry of the list"))
            else:
                chosen[arxiv_id] = by_id[arxiv_id]
        if problems:
            raise DataError(problems)
        candidates = list(chosen.values())
    todo = [canonical_id(rec.values["arxiv_id"]) for rec in candidates if needs_enrichment(rec.values)]
    if not todo:
        print(f"Nothing to enrich in {path}: every arXiv entry has authors, an exact date, categories and an abstract.")
        return 0
    settings = settings_from(args)
    try:
        with tqdm(total=len(todo), desc="arXiv", unit="id", file=sys.stderr, leave=False) as bar:
            papers = ArxivFetcher(settings).fetch(todo, on_batch=bar.update)
    except UnknownIdsError as err:
        lines = {canonical_id(rec.values["arxiv_id"]): rec.line for rec in candidates}
        where = ", ".join(f"{i} ({path.name}:{lines[i]})" for i in err.missing[:5])
        more = f" and {len(err.missing) - 5} more" if len(err.missing) > 5 else ""
        these = "this entry" if len(err.missing) == 1 else "these entries"
        raise ArxivError(
            f"arXiv has no paper with id {where}{more}; correct the arxiv_id of {these}, "
            f"or leave {'it' if len(err.missing) == 1 else 'them'} out with --ids"
        ) from None
    if args.dry_run:
        _, report = plan_enrichment(snapshot.records, papers)
        print_enrichment(report, path, dry_run=True)
        return 0
    with store.lock(path):
        snapshot = reread(snapshot, topics)
        records, report = plan_enrichment(snapshot.records, papers)
        if any(e.changes for e in report):
            store.save_records(records, path, topics)
    print_enrichment(report, path, dry_run=False)
    return 0


def print_enrichment(report: list[Enrichment], path: Path, dry_run: bool) -> None:
    changed = [e for e in report if e.changes]
    verb = "Would enrich" if dry_run else "Enriched"
    print(f"{verb} {len(changed)} {'entry' if len(changed) == 1 else 'entries'} of {path}:")
    for e in report:
        print(f"  {e.arxiv_id}: {e.summary()}")
    counts = {col: sum(any(c[0] == col for c in e.changes) for e in changed) for col in ENRICHED}
    print("Filled: " + ", ".join(f"{col} {n}" for col, n in counts.items()) + ".")
    if dry_run:
        print("Dry run: nothing was written.")


# --- command line ------------------------------------------------------------------------------


def _tags_and_notes(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--tags",
        nargs="+",
        action="extend",
        required=True,
        metavar="TAG",
        help="tags from data/topics.csv; quote a tag with spaces (\"Data Eng\") or give 'Data Eng; RL'",
    )
    notes = p.add_mutually_exclusive_group()
    notes.add_argument("--notes", metavar="TEXT", help="your notes (paragraphs separated by a blank line)")
    notes.add_argument("--notes-file", metavar="FILE", help="read your notes from a UTF-8 file ('-': standard input)")


def _network(p: argparse.ArgumentParser) -> None:
    p.epilog = ALL_OR_NOTHING
    p.add_argument("--arxiv-url", metavar="URL", help=f"arXiv API endpoint (default: ${ENV_URL}, else arXiv's)")
    p.add_argument("--delay", type=float, metavar="SEC", help=f"seconds between requests (default: ${ENV_DELAY} or 3)")
    p.add_argument(
        "--retries", type=int, metavar="N", help=f"retries of a failed request (default: ${ENV_RETRIES} or 3)"
    )
    p.add_argument("--timeout", type=float, metavar="SEC", help=f"per-request timeout (default: ${ENV_TIMEOUT} or 30)")


def register_commands(add: AddCommand) -> None:
    """Register ``add``, ``add-link`` and ``enrich`` through the CLI's ``add(name, func, help)``."""
    p = add("add", cmd_add, "add arXiv papers by id or URL (all or nothing)")
    p.add_argument("ids", nargs="+", metavar="ID_OR_URL", help="2509.17567, 2509.17567v2, arXiv:..., arxiv.org links")
    _tags_and_notes(p)
    p.add_argument("--kind", choices=KINDS, default="paper", help="the kind of entry (default: paper)")
    _network(p)

    p = add("add-link", cmd_add_link, "add an entry that is not on arXiv (blog post, forum post...)")
    p.add_argument("url", help="the entry's canonical link")
    p.add_argument("--title", required=True, help="the title, as plain text")
    p.add_argument("--kind", choices=KINDS, required=True, help="the kind of entry")
    p.add_argument("--date", default="", metavar="YYYY[-MM[-DD]]", help="publication date, as precise as known")
    p.add_argument("--authors", metavar="'A; B'", help="author names separated by ';'")
    _tags_and_notes(p)

    p = add("enrich", cmd_enrich, "fill missing authors, dates, categories, abstracts from arXiv (all or nothing)")
    p.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")
    p.add_argument("--ids", nargs="+", metavar="ID", help="only these entries (default: every arXiv entry)")
    _network(p)
