"""The chapter list: ``_quarto.yml``'s parts and chapter files kept in step with the topics file, and
the sub-pages of chapters cut into pages (:mod:`readinglist.split`) in step with the list.

A chapter file's front matter holds its title and its ``description`` (the page's meta description
and the text of its link previews): the descriptions of its topics, written from the topics file
and rewritten when they change. The rest of the file is the curator's. The preface's description
is the book's subtitle in ``_quarto.yml``, kept in step the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from . import project, split, store
from .files import atomic_write
from .split import SubPage
from .text import escape
from .topics import Chapter, Topics, load_topics

CHAPTERS_BEGIN = "    # BEGIN chapters: generated from data/topics.csv by `python -m readinglist chapters`"
CHAPTERS_END = "    # END chapters"

PREFACE = "index.qmd"
FRONT_MATTER = re.compile(r"\A---\n(.*?\n)?---\n", re.S)
# The description line, and the indented lines of a value continued over several lines.
DESCRIPTION = re.compile(r"^description:.*\n(?:[ \t]+.*\n)*", re.M)


def chapter_description(chapter: Chapter) -> str:
    """A chapter page's description: the descriptions of its topics."""
    return " ".join(t.description.strip() for t in chapter.topics)


def book_subtitle(root: Path) -> str:
    """The book's subtitle in ``_quarto.yml``, the preface's description ("" when there is none)."""
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8")) or {}
    return str((config.get("book") or {}).get("subtitle") or "")


def description_line(description: str) -> str:
    """A front-matter ``description``: Markdown that renders to exactly the text, in a double-quoted
    YAML string, on one line."""
    return "description: " + json.dumps(escape(description), ensure_ascii=False)


def with_description(source: str, description: str) -> str | None:
    """The page source with its front matter's description set to :func:`description_line` (after the
    title, if any), or None when the file has no front matter."""
    match = FRONT_MATTER.match(source)
    if match is None:
        return None
    lines = DESCRIPTION.sub("", match.group(1) or "").splitlines(keepends=True)
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("title:")), len(lines))
    lines.insert(at, description_line(description) + "\n")
    return "---\n" + "".join(lines) + "---\n" + source[match.end() :]


def sync_description(path: Path, description: str, follows: str, check: bool) -> list[str]:
    """Set the description of the page at ``path`` (unless ``check``); return what was (or would be)
    changed, or the problem found; ``follows`` names where the description comes from."""
    source = path.read_text(encoding="utf-8")
    described = with_description(source, description)
    if described is None:
        return [f"{path}: no front matter (expected a description between '---' lines)"]
    if described == source:
        return []
    if not check:
        atomic_write(path, described.encode("utf-8"))
    return [f"{path}: the description does not follow {follows}"]


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
    title = f"title: {json.dumps(chapter.title, ensure_ascii=False)}"
    return page_source([title, description_line(chapter_description(chapter))], chapter.path, CHAPTER_CELLS)


def subpage_text(page: SubPage, topics: Topics) -> str:
    """The source file of a sub-page: thin, like a chapter, and wholly generated."""
    title = json.dumps(f"{topics.chapter(page.chapter).title}: {page.label}", ensure_ascii=False)
    description = description_line(f"{chapter_description(topics.chapter(page.chapter))} {page.label}.")
    return page_source([SUBPAGE_MARK, f"title: {title}", description], page.path, SUBPAGE_CELLS)


def sync_descriptions(root: Path, topics: Topics, check: bool = False) -> list[str]:
    """Set the description of every existing chapter file from its topics, and the preface's from
    the book's subtitle (unless ``check``); return what was (or would be) changed. The pre-render
    runs this before the page files are read, so an edit of the topics file shows without a step."""
    changes = []
    for ch in topics.chapters():
        path = root / ch.path
        if path.exists():
            changes += sync_description(path, chapter_description(ch), f"the topics of {', '.join(ch.tags)}", check)
    if (root / PREFACE).exists():
        changes += sync_description(root / PREFACE, book_subtitle(root), "the book's subtitle in _quarto.yml", check)
    return changes


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

    Missing chapter files are created from a template; in existing ones only the front matter's
    ``description`` is rewritten (the rest may hold the curator's prose), and so is the preface's.
    Chapter files with no topic are reported. Sub-page files are wholly generated: missing or
    outdated ones are written, those of periods no longer cut are removed. With ``check``, nothing
    is written. Returns what was (or would be) changed, or the problems found.
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
    changes += sync_descriptions(root, topics, check)
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
