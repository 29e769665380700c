"""The chapter list: ``_quarto.yml``'s parts and chapter files kept in step with the topics file, and
the sub-pages of chapters cut into pages (:mod:`readinglist.split`) in step with the list."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from . import project, split, store
from .files import atomic_write
from .split import SubPage
from .topics import Chapter, Topics, load_topics

CHAPTERS_BEGIN = "    # BEGIN chapters: generated from data/topics.csv by `python -m readinglist chapters`"
CHAPTERS_END = "    # END chapters"

CHAPTER_CELLS = ((None, "summary"), ("Charts", "charts"), ("Entries", "entries"))
SUBPAGE_CELLS = ((None, "summary"), ("Entries", "entries"))
SUBPAGE_MARK = "# Generated from data/ by `python -m readinglist chapters`: do not edit, it is rewritten."


def page_source(front: list[str], path: str, cells: tuple[tuple[str | None, str], ...]) -> str:
    """A thin page: its front matter, a hidden cell reading the page's cells (``page_cells``), then
    each ``(heading, cell)``: an optional unnumbered heading and a cell printing ``page.<cell>()``."""
    out = ["---", *front, "---", "", "```{python}", "#| include: false", "from readinglist.render import page_cells"]
    out += ["", f'page = page_cells("{path}")', "```"]
    for heading, cell in cells:
        out += ["", f"## {heading} {{.unnumbered}}"] if heading else []
        out += ["", "```{python}", "#| output: asis", f"print(page.{cell}())", "```"]
    return "\n".join(out) + "\n"


def chapter_text(chapter: Chapter) -> str:
    """A new chapter file (the curator may add prose between its cells; it is never rewritten)."""
    return page_source([f"title: {json.dumps(chapter.title, ensure_ascii=False)}"], chapter.path, CHAPTER_CELLS)


def subpage_text(page: SubPage, topics: Topics) -> str:
    """The source file of a sub-page: thin, like a chapter, and wholly generated."""
    title = json.dumps(f"{topics.chapter(page.chapter).title}: {page.label}", ensure_ascii=False)
    return page_source([SUBPAGE_MARK, f"title: {title}"], page.path, SUBPAGE_CELLS)


def chapters_block(topics: Topics, layout: Mapping[str, Sequence[SubPage]] | None = None) -> list[str]:
    """The ``_quarto.yml`` lines listing the parts and their chapter files, in topics order, each
    chapter followed by its sub-pages (``layout``, by chapter slug)."""
    lines = [CHAPTERS_BEGIN]
    for part, chapters in topics.parts().items():
        lines.append(f"    - part: {json.dumps(part)}")
        lines.append("      chapters:")
        for ch in chapters:
            lines += [f"        - {ch.path}", *[f"        - {p.path}" for p in (layout or {}).get(ch.slug, ())]]
    lines.append(CHAPTERS_END)
    return lines


def sync_chapters(
    root: Path | None = None,
    topics: Topics | None = None,
    check: bool = False,
    layout: Mapping[str, Sequence[SubPage]] | None = None,
) -> list[str]:
    """Bring ``_quarto.yml``'s chapter list and the chapter files in line with the topics file, and
    the sub-pages of cut chapters in line with the list (``layout``, default: from ``data/``).

    Missing chapter files are created from a template (existing ones are never overwritten: they may
    hold the curator's prose). Chapter files with no topic are reported. Sub-page files are wholly
    generated: missing or outdated ones are written, those of periods no longer cut are removed. With
    ``check``, nothing is written. Returns what was (or would be) changed, or the problems found.
    """
    root = root or project.root()
    topics = topics or load_topics(root / "data" / "topics.csv")
    if layout is None:
        layout = split.layout(store.load(root / "data" / "papers.csv", topics), topics)
    config = root / "_quarto.yml"
    text = config.read_text(encoding="utf-8")
    lines = text.split("\n")
    try:
        begin, end = lines.index(CHAPTERS_BEGIN), lines.index(CHAPTERS_END)
    except ValueError:
        return [
            f"{config}: the chapter markers are missing; expected the lines"
            f" {CHAPTERS_BEGIN.strip()!r} and {CHAPTERS_END.strip()!r}"
        ]
    changes = []
    wanted = chapters_block(topics, layout)
    if lines[begin : end + 1] != wanted:
        data = root / "data"
        changes.append(f"{config}: the chapter list does not follow the topics and the entries' periods in {data}")
        if not check:
            atomic_write(config, "\n".join(lines[:begin] + wanted + lines[end + 1 :]).encode("utf-8"))
    for ch in topics.chapters():
        path = root / ch.path
        if not path.exists():
            changes.append(f"{path}: missing chapter for {', '.join(ch.tags)}")
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(path, chapter_text(ch).encode("utf-8"))
    known = {root / ch.path for ch in topics.chapters()}
    for path in sorted((root / "chapters").glob("*.qmd")):
        if path not in known:
            changes.append(f"{path}: a chapter file with no topic in the topics file (remove it or add its topics)")
    return changes + sync_subpages(root, topics, layout, check)


def sync_subpages(root: Path, topics: Topics, layout: Mapping[str, Sequence[SubPage]], check: bool) -> list[str]:
    """Write the missing or outdated sub-page files of ``layout`` and remove the generated ones it
    no longer has (a file without the generated mark is reported, never removed)."""
    changes = []
    wanted = {root / p.path: subpage_text(p, topics) for pages in layout.values() for p in pages}
    for path, text in wanted.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            changes.append(f"{path}: {'outdated' if path.exists() else 'missing'} page of a chapter cut into pages")
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(path, text.encode("utf-8"))
    for path in sorted((root / "chapters").glob("*/*.qmd")):
        if path in wanted:
            continue
        if SUBPAGE_MARK not in path.read_text(encoding="utf-8"):
            changes.append(f"{path}: not a page of the book (chapters/<chapter>/ holds generated pages only)")
            continue
        changes.append(f"{path}: a page of a period no longer cut out")
        if not check:
            path.unlink()
            if not any(path.parent.iterdir()):
                path.parent.rmdir()
    return changes
