"""Does a rendered book show its data, all of it and only it? Expected values come from the CSV files
read with the csv module (tests/expected.py), never from the package.

:func:`book_problems` lists every place where a page of ``_book/`` disagrees with ``data/``: a card
missing, extra or out of order, a title, note or related title that is not the current one, a
topic description, the preface's list of notes, the data appendix, the listing, the feed and the
BibTeX file. An empty list means no page is stale.
"""

from __future__ import annotations

import re
from pathlib import Path

from .expected import csv_rows, csv_topics, newest_first, tags_of
from .htmlcheck import Element, parse


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def plain(text: str) -> bool:
    """Text that renders as itself (no math, no TeX command)."""
    return "$" not in text and "\\" not in text


def cards(page: Element) -> list[Element]:
    return page.find_all("div", "paper-card")


def card_problems(name: str, page: Element, rows: list[dict[str, str]], by_id: dict[str, dict[str, str]]) -> list[str]:
    problems = []
    found = [c.attrs["id"] for c in cards(page)]
    wanted = [r["id"] for r in newest_first(rows)]
    if found != wanted:
        problems.append(f"{name}: cards {found} instead of {wanted}")
    for card in cards(page):
        row = by_id.get(card.attrs["id"])
        if row is None:
            continue
        (heading,) = card.find_all("h3")
        if row["title"] and plain(row["title"]) and norm(heading.all_text()) != norm(row["title"]):
            problems.append(f"{name}#{row['id']}: title {norm(heading.all_text())!r}, expected {row['title']!r}")
        notes = card.find_all("div", "curator-notes")
        if bool(notes) != bool(row["notes"].strip()):
            problems.append(
                f"{name}#{row['id']}: notes shown: {bool(notes)}, in the data: {bool(row['notes'].strip())}"
            )
        elif notes and plain(row["notes"][:60]) and norm(row["notes"])[:60] not in norm(notes[0].all_text()):
            problems.append(f"{name}#{row['id']}: the notes are not the current ones")
        for span in card.find_all("span", "paper-related"):
            for link in span.find_all("a"):
                target = by_id.get(link.attrs["href"].rsplit("#", 1)[-1])
                if target is None:
                    problems.append(f"{name}#{row['id']}: related link to a removed entry {link.attrs['href']}")
                elif target["title"] and plain(target["title"]) and norm(link.all_text()) != norm(target["title"]):
                    problems.append(f"{name}#{row['id']}: related title {link.all_text()!r} is not {target['title']!r}")
    return problems


def book_problems(book: Path, data: Path) -> list[str]:
    """Every disagreement between the rendered ``book`` and the CSV files of ``data``."""
    rows = csv_rows(data)
    topics = csv_topics(data)
    by_id = {r["id"]: r for r in rows}
    problems: list[str] = []

    def page(name: str) -> Element:
        return parse((book / name).read_text(encoding="utf-8"))

    for slug in dict.fromkeys(t["chapter"] for t in topics):
        chapter_tags = {t["tag"] for t in topics if t["chapter"] == slug}
        name = f"chapters/{slug}.html"
        html = page(name)
        problems += card_problems(name, html, [r for r in rows if chapter_tags & set(tags_of(r))], by_id)
        text = norm(html.all_text())
        for topic in (t for t in topics if t["chapter"] == slug):
            if norm(topic["description"]) not in text:
                problems.append(f"{name}: the description of {topic['tag']} is not the current one")
    appendix = page("appendices/data.html")
    problems += card_problems("appendices/data.html", appendix, [r for r in rows if not tags_of(r)], by_id)

    preface = page("index.html")
    linked = {a.attrs["href"].rsplit("#", 1)[-1] for a in preface.find_all("a") if "#" in a.attrs.get("href", "")}
    preface_text = norm(preface.all_text())
    for row in rows:
        noted = bool(row["notes"].strip())
        if noted and row["id"] not in linked:
            problems.append(f"index.html: the notes of {row['id']} are not listed")
        if noted and plain(row["notes"][:30]) and norm(row["notes"])[:30] not in preface_text:
            problems.append(f"index.html: the first sentence of the notes of {row['id']} is not the current one")
    problems += [f"index.html: a link to the removed entry {i}" for i in linked if i not in by_id and "." in i]

    titles = {
        a.attrs["href"].rsplit("#", 1)[-1]: norm(a.all_text())
        for a in page("all-entries.html").find_all("a", "listing-title")
    }
    if set(titles) != set(by_id):
        problems.append(f"all-entries.html: lists {sorted(set(titles) ^ set(by_id))} wrongly")
    for entry_id, title in titles.items():
        row = by_id.get(entry_id)
        if row and row["title"] and plain(row["title"]) and title != norm(row["title"]):
            problems.append(f"all-entries.html: {entry_id} is listed as {title!r}, not {row['title']!r}")

    feed = (book / "feed.xml").read_text(encoding="utf-8")
    if feed.count("<entry>") != len(rows):
        problems.append(f"feed.xml: {feed.count('<entry>')} entries for {len(rows)} rows")
    bib = (book / "references.bib").read_text(encoding="utf-8")
    if len(re.findall(r"^@\w+\{", bib, re.M)) != len(rows):
        problems.append("references.bib: not one entry per row")
    return problems


def files_containing(book: Path, text: str) -> list[str]:
    """The book's files (pages, feed, BibTeX, search index) that hold ``text``."""
    found = []
    for path in book.rglob("*"):
        kept = path.suffix in (".html", ".xml", ".bib", ".json") and "site_libs" not in path.parts
        if kept and text in path.read_text(encoding="utf-8"):
            found.append(path.relative_to(book).as_posix())
    return found
