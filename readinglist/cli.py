"""The curator's command line: ``python -m readinglist --help``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import datapackage, feed, project, store
from .curate import register_commands
from .importer import EXPORT_ADDED, import_export
from .schema import DataError
from .topics import load_topics

Command = Callable[[argparse.Namespace], int]


def cmd_validate(args: argparse.Namespace) -> int:
    """Check papers.csv, that data/datapackage.json follows the topics file and that data/feed.toml
    gives the feed's identity; print every problem; exit 1 if there is any."""
    path = Path(args.file) if args.file else store.papers_path()
    records = store.read_records(path)  # structural problems raise DataError, printed by main()
    topics = load_topics(store.topics_path())
    problems = store.check_records(records, topics, str(path))
    problems += datapackage.check_datapackage(project.data_dir(), topics)
    try:
        feed.load_identity()
    except feed.FeedIdentityError as err:
        problems += err.problems
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found; the file was not changed.", file=sys.stderr)
        return 1
    print(f"{path}: {len(records)} entries, all valid.")
    return 0


def cmd_tags(args: argparse.Namespace) -> int:
    """Print the number of entries per tag, in topics-file order."""
    topics = load_topics(store.topics_path())
    frame = store.load(args.file, topics)
    counts = frame["tags"].explode().value_counts()
    width = max(len(t) for t in topics.tags)
    for tag in topics.tags:
        print(f"{tag:<{width}}  {int(counts.get(tag, 0)):>5}")
    untagged = int((frame["tags"].str.len() == 0).sum())
    print(f"{'(no tag)':<{width}}  {untagged:>5}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Rebuild papers.csv and introduction.md from the curator's text export; every entry is recorded
    as added on --added (default: the day the shipped export was imported)."""
    topics = load_topics(store.topics_path())
    target = Path(args.file) if args.file else store.papers_path()
    if target.exists() and not args.force:
        print(
            f"{target} exists and is the source of truth; pass --force to overwrite it from {args.export}.",
            file=sys.stderr,
        )
        return 1
    intro, records = import_export(args.export, topics.tags, args.added)
    problems = store.check_records(records, topics, f"{args.export} (imported)")
    if problems:
        raise DataError(problems)
    store.atomic_write(target, store.serialize(records))
    store.atomic_write(target.parent / "introduction.md", (intro + "\n").encode("utf-8"))
    print(f"Imported {len(records)} entries from {args.export} into {target}.")
    return 0


def cmd_chapters(args: argparse.Namespace) -> int:
    """Make _quarto.yml's chapter list and the chapter files follow data/topics.csv, and the pages of
    chapters cut by period (chapters/<chapter>/<period>.qmd) follow data/papers.csv: rewrite the
    generated block of _quarto.yml, create missing chapter files (existing ones are never
    overwritten), write, rewrite or remove the generated period pages. With --check, change nothing
    and exit 1 when something is out of step."""
    from .chapters import sync_chapters

    changes = sync_chapters(check=args.check)
    for change in changes:
        print(change, file=sys.stderr if args.check else sys.stdout)
    if not changes:
        print("The chapter list follows the topics file and the list.")
    return 1 if changes and args.check else 0


def cmd_datapackage(args: argparse.Namespace) -> int:
    """Write data/datapackage.json (the Frictionless data package of papers.csv and topics.csv, with
    the tags of the topics file). With --check, change nothing and exit 1 when it is missing or stale."""
    topics = load_topics(store.topics_path())
    if args.check:
        problems = datapackage.check_datapackage(project.data_dir(), topics)
        for problem in problems:
            print(problem, file=sys.stderr)
        if not problems:
            print(f"{project.data_dir() / datapackage.FILE_NAME} follows the topics file.")
        return 1 if problems else 0
    print(f"Wrote {datapackage.write_datapackage(project.data_dir(), topics)}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m readinglist",
        description="Curate the reading list: data/papers.csv is the source of truth.",
    )
    parser.add_argument("--file", help="papers CSV (default: data/papers.csv, or $READINGLIST_DATA/papers.csv)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Command, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=func.__doc__)
        p.set_defaults(func=func)
        return p

    add("validate", cmd_validate, "check papers.csv; non-zero exit on problems")
    add("tags", cmd_tags, "entries per tag")
    p = add("import", cmd_import, "rebuild papers.csv from the text export")
    p.add_argument("export", nargs="?", default=str(project.data_dir() / "export.txt"))
    p.add_argument("--force", action="store_true", help="overwrite an existing papers.csv")
    p.add_argument(
        "--added", default=EXPORT_ADDED, metavar="YYYY-MM-DD", help="the day the entries are recorded as added"
    )
    register_commands(add)
    p = add("datapackage", cmd_datapackage, "write data/datapackage.json (column types, formats, allowed tags)")
    p.add_argument("--check", action="store_true", help="only report; exit 1 if missing or stale")
    p = add("chapters", cmd_chapters, "make the chapter list and the period pages follow data/")
    p.add_argument("--check", action="store_true", help="only report; exit 1 if out of step")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DataError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print("Nothing was changed.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; papers.csv is unchanged unless a write had completed.", file=sys.stderr)
        return 130
