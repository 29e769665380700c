"""A list large enough to cut chapters into pages: a synthetic list (bench/synthetic.py) with a small
``split.MAX_CARDS``. Every entry is reachable, every old link to a card on a chapter's page still
reaches it (through the page's map), no page holds more than ``MAX_CARDS`` cards, links between
pages land on their card, and the chapter list follows the data.

Expected values come from the CSV files, read with the csv module (tests/expected.py).
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bench.synthetic import write_synthetic_data
from readinglist import render, split
from readinglist.book import Book
from readinglist.chapters import SUBPAGE_MARK, sync_chapters
from readinglist.qmd import run_qmd

from .browser import StaticServer, chromium, missing_chromium
from .expected import csv_rows, csv_topics, date_key, edit_csv, set_field, tags_of
from .htmlcheck import Element, parse, to_html
from .test_project import copy_project
from .test_render import freeze_all, frozen

ENTRIES = 200
MAX_CARDS = 20


def chapter_entries(data: Path) -> dict[str, list[dict[str, str]]]:
    """Each chapter's rows, in book order."""
    rows, topics = csv_rows(data), csv_topics(data)
    out: dict[str, list[dict[str, str]]] = {}
    for topic in topics:
        out.setdefault(topic["chapter"], [])
    for slug in out:
        tags = {t["tag"] for t in topics if t["chapter"] == slug}
        out[slug] = [r for r in rows if tags & set(tags_of(r))]
    return out


def book_sources(root: Path) -> list[str]:
    """Every page of the book's chapter list in ``_quarto.yml``, in order."""
    book = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    out = []
    for item in [*book["chapters"], *book["appendices"]]:
        out += item["chapters"] if isinstance(item, dict) else [item]
    return out


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the book with a synthetic list, its chapter list synced and its cells computed, with
    ``MAX_CARDS`` cards a page at most."""
    root = copy_project(tmp_path_factory.mktemp("big") / "book")
    shutil.rmtree(root / "data")
    write_synthetic_data(root / "data", ENTRIES, seed=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(split, "MAX_CARDS", MAX_CARDS)
        for name in ("READINGLIST_DATA", "READINGLIST_CACHE"):
            patch.delenv(name, raising=False)
        patch.setenv("QUARTO_PROJECT_DIR", str(root))
        sync_chapters(root)
        render.refresh(root)
        yield root


@pytest.fixture(scope="module")
def pages(big: Path) -> dict[str, Element]:
    """Every page of the chapter list, its cells run as Quarto runs them and read back by pandoc (in
    one run: each page in a div of its own)."""
    sources = [s for s in book_sources(big) if s != "all-entries.qmd"]  # a listing, no cells
    markdown = "\n\n".join(f"::: {{#test-page-{n}}}\n\n{run_qmd(big / s)[1]}\n\n:::" for n, s in enumerate(sources))
    divs = {d.attrs.get("id"): d for d in parse(to_html(markdown)).find_all("div")}
    return {s.replace(".qmd", ".html"): divs[f"test-page-{n}"] for n, s in enumerate(sources)}


def cards(page: Element) -> list[str]:
    return [c.attrs["id"] for c in page.find_all("div", "paper-card")]


def card_pages(page: Element) -> dict[str, list[str]]:
    """The map of a cut chapter's page: sub-page (relative to chapters/) -> ids."""
    (script,) = [s for s in page.find_all("script") if s.attrs.get("id") == "card-pages"]
    return json.loads(script.all_text())


def resolve(page: str, href: str) -> tuple[str, str]:
    """The page (relative to the book root) and anchor a link of ``page`` goes to."""
    target, _, anchor = href.partition("#")
    return (posixpath.normpath(posixpath.join(posixpath.dirname(page), target)) if target else page), anchor


def test_big_chapters_are_cut_into_sub_pages_listed_after_them(big: Path) -> None:
    sources = book_sources(big)
    assert sync_chapters(big, check=True) == []
    cut = 0
    for slug, rows in chapter_entries(big / "data").items():
        at = sources.index(f"chapters/{slug}.qmd")
        after = [s for s in sources[at + 1 :] if s.startswith(f"chapters/{slug}/")]
        listed = sources[at + 1 : at + 1 + len(after)]
        assert listed == after, "a chapter's sub-pages follow it"
        assert bool(after) == (len(rows) > MAX_CARDS), slug
        assert sorted(after) == sorted(p.relative_to(big).as_posix() for p in (big / "chapters" / slug).glob("*.qmd"))
        cut += bool(after)
    assert 2 <= cut < len(chapter_entries(big / "data")), "some chapters are cut, not all"


def test_every_entry_is_on_one_page_of_each_of_its_chapters(big: Path, pages: dict[str, Element]) -> None:
    for slug, rows in chapter_entries(big / "data").items():
        own = [page for name, page in pages.items() if re.fullmatch(rf"chapters/{slug}(/.*)?\.html", name)]
        shown = [i for page in own for i in cards(page)]
        assert sorted(shown) == sorted(r["id"] for r in rows), slug
    untagged = [r["id"] for r in csv_rows(big / "data") if not tags_of(r)]
    assert untagged and sorted(cards(pages["appendices/data.html"])) == sorted(untagged)


def test_no_page_holds_more_than_max_cards(big: Path, pages: dict[str, Element]) -> None:
    counts = {name: len(cards(page)) for name, page in pages.items()}
    assert max(counts.values()) <= MAX_CARDS
    for slug, rows in chapter_entries(big / "data").items():
        if len(rows) > MAX_CARDS:
            assert counts[f"chapters/{slug}.html"] == 0, "a cut chapter's page lists its periods, not cards"
    subs = [n for n in counts if n.count("/") == 2]
    assert subs and all(counts[n] > 0 for n in subs)


def test_sub_pages_hold_their_period_newest_first(big: Path, pages: dict[str, Element]) -> None:
    dates = {r["id"]: r["date"] for r in csv_rows(big / "data")}
    subs = {name: page for name, page in pages.items() if name.count("/") == 2}
    for name, page in subs.items():
        period = re.fullmatch(r"chapters/[^/]+/(\d{4}(?:-\d\d)?|undated)(?:-p\d+)?\.html", name)
        assert period, name
        shown = [dates[i] for i in cards(page)]
        if period.group(1) == "undated":
            assert set(shown) == {""}, name
            continue
        assert all(d.startswith(period.group(1)) for d in shown), (name, shown)
        assert [date_key(d) for d in shown] == sorted((date_key(d) for d in shown), reverse=True), name
    assert len(subs) > 10


def test_an_old_link_to_a_card_on_a_chapter_page_reaches_it(big: Path, pages: dict[str, Element]) -> None:
    """``chapters/<chapter>.html#<id>``: the chapter's page maps every id of the chapter to the
    sub-page that shows its card (the page's script follows the map; tests/test_browser.py runs it)."""
    for slug, rows in chapter_entries(big / "data").items():
        page = pages[f"chapters/{slug}.html"]
        if len(rows) <= MAX_CARDS:
            assert {r["id"] for r in rows} == set(cards(page))
            continue
        mapping = card_pages(page)
        mapped = [i for ids in mapping.values() for i in ids]
        assert sorted(mapped) == sorted(r["id"] for r in rows), "every id once"
        for sub, ids in mapping.items():
            assert set(ids) == set(cards(pages[f"chapters/{sub}"])), sub


def test_links_between_pages_land_on_their_card(big: Path, pages: dict[str, Element]) -> None:
    """Also-in and related links of the cards, the preface's and the appendix's links to cards, and
    the listing's: each goes straight to the page showing the card (no redirect)."""
    anchors = {name: set(cards(page)) for name, page in pages.items()}
    checked = 0
    for name, page in pages.items():
        for a in page.find_all("a"):
            href = a.attrs.get("href", "")
            if "#" not in href or href.startswith(("http", "#")) or "paper-tag" in a.classes():
                continue
            target, anchor = resolve(name, href)
            if target in anchors and re.fullmatch(r"[\w.-]+", anchor) and not anchor.startswith("card-"):
                assert anchor in anchors[target], (name, href)
                checked += 1
    assert checked > ENTRIES
    listing = yaml.safe_load((big / "all-entries.yml").read_text(encoding="utf-8"))
    for item in listing:
        target, anchor = resolve("all-entries.html", item["path"])
        assert anchor in anchors[target], item["path"]


def test_a_new_period_makes_the_pre_render_ask_for_the_chapter_list(
    big: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "book"
    shutil.copytree(big, root, ignore=shutil.ignore_patterns("_freeze"))
    monkeypatch.setenv("QUARTO_PROJECT_DIR", str(root))
    slug, rows = max(chapter_entries(root / "data").items(), key=lambda item: len(item[1]))
    tag = next(t["tag"] for t in csv_topics(root / "data") if t["chapter"] == slug)
    new = dict.fromkeys(rows[0], "") | {
        "id": "a-post-from-the-future",
        "title": "A post from a month no entry has",
        "kind": "blog post",
        "url": "https://example.org/future",
        "date": "2031-05",
        "tags": tag,
        "added": "2026-11-29",
    }
    edit_csv(root / "data" / "papers.csv", lambda rs: [new, *rs])
    problems = sync_chapters(root, check=True)
    page = root / "chapters" / slug / "2031.qmd"
    assert any("_quarto.yml" in p for p in problems) and any(str(page) in p for p in problems)
    assert render.prerender(root) == 1
    assert "python -m readinglist chapters" in capsys.readouterr().err
    sync_chapters(root)
    assert sync_chapters(root, check=True) == [] and page.exists()
    assert SUBPAGE_MARK in page.read_text(encoding="utf-8")
    assert render.prerender(root) == 0

    edit_csv(root / "data" / "papers.csv", lambda rs: [r for r in rs if r["id"] != new["id"]])
    hand_written = root / "chapters" / slug / "notes.qmd"
    hand_written.write_text("---\ntitle: Notes\n---\n", encoding="utf-8")
    problems = sync_chapters(root)
    assert not page.exists(), "the page of a period gone is removed"
    assert hand_written.exists() and any(str(hand_written) in p for p in problems)


def test_an_edit_executes_the_sub_page_showing_the_entry_not_the_chapters_other_pages(
    big: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "book"
    shutil.copytree(big, root, ignore=shutil.ignore_patterns("_freeze"))
    monkeypatch.setenv("QUARTO_PROJECT_DIR", str(root))
    sources = list(Book.load().pages())
    assert sources == [s for s in book_sources(root) if s != "all-entries.qmd"]
    assert render.refresh(root) == sources
    freeze_all(root, sources)
    book = Book.load()
    slug = next(iter(book.layout))
    entry = book.layout[slug][0].ids[0]  # the chapter's newest entry
    kind = "video" if book.frame.set_index("id").loc[entry, "kind"] != "video" else "paper"
    edit_csv(root / "data" / "papers.csv", set_field(entry, kind=kind))  # shown on its cards only
    stale = render.refresh(root)
    home = book.layout[slug][0].path
    assert home in stale
    assert not [p.path for p in book.layout[slug][1:] if p.path in stale], "the chapter's other pages stay frozen"
    assert frozen(root, sources) == set(sources) - set(stale)


@pytest.mark.browser
@pytest.mark.skipif(missing_chromium() is not None, reason=missing_chromium() or "")
def test_in_a_browser_an_old_link_goes_to_the_sub_page_showing_the_card(big: Path, tmp_path: Path) -> None:
    """The chapter page's script, run by Chromium: ``chapters/<chapter>.html#<id>`` lands on the card
    in its sub-page; an address naming nothing the chapter has stays where it is."""
    slug, subs = next((s, p) for s, p in Book.load().layout.items() if len(p) > 2)
    sources = [f"chapters/{slug}.qmd", *[p.path for p in subs]]
    for source in sources:
        target = tmp_path / source.replace(".qmd", ".html")
        target.parent.mkdir(parents=True, exist_ok=True)
        body = to_html(run_qmd(big / source)[1])
        target.write_text(f'<!DOCTYPE html><html lang="en"><meta charset="utf-8"><title>t</title>{body}</html>')
    entry = subs[2].ids[-1]
    with StaticServer(tmp_path) as server, chromium() as browser:
        page = browser.new_page()
        page.goto(server.url(f"chapters/{slug}.html#{entry}"))
        page.wait_for_url(f"**/chapters/{slug}/{subs[2].period}.html#{entry}", timeout=10_000)
        assert page.evaluate("id => document.getElementById(id).className", entry).startswith("paper-card")
        page.goto(server.url(f"chapters/{slug}.html#not-an-entry"))
        page.wait_for_timeout(500)
        assert page.url.endswith(f"chapters/{slug}.html#not-an-entry")
