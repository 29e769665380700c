"""The chapter list: ``_quarto.yml``'s parts and chapter files kept in step with the topics file.

A chapter file's front matter holds its title and its ``description`` (the page's meta description
and the text of its link previews): the descriptions of its topics, written from the topics file
and rewritten when they change. The rest of the file is the curator's. The preface's description
is the book's subtitle in ``_quarto.yml``, kept in step the same way.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from . import project
from .files import atomic_write
from .text import escape
from .topics import Chapter, Topics, load_topics

CHAPTERS_BEGIN = "    # BEGIN chapters: generated from data/topics.csv by `python -m readinglist chapters`"
CHAPTERS_END = "    # END chapters"

CHAPTER_TEMPLATE = """---
title: "{title}"
{description}
---

```{{python}}
#| include: false
from readinglist.render import page_cells

page = page_cells("chapters/{slug}.qmd")
```

```{{python}}
#| output: asis
print(page.summary())
```

## Charts {{.unnumbered}}

```{{python}}
#| output: asis
print(page.charts())
```

## Entries {{.unnumbered}}

```{{python}}
#| output: asis
print(page.entries())
```
"""


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


def chapters_block(topics: Topics) -> list[str]:
    """The ``_quarto.yml`` lines listing the parts and their chapter files, in topics order."""
    lines = [CHAPTERS_BEGIN]
    for part, chapters in topics.parts().items():
        lines.append(f"    - part: {json.dumps(part)}")
        lines.append("      chapters:")
        lines += [f"        - {ch.path}" for ch in chapters]
    lines.append(CHAPTERS_END)
    return lines


def sync_chapters(root: Path | None = None, topics: Topics | None = None, check: bool = False) -> list[str]:
    """Bring ``_quarto.yml``'s chapter list and the chapter files in line with the topics file.

    Missing chapter files are created from a template; in existing ones only the front matter's
    ``description`` is rewritten (the rest may hold the curator's prose), and so is the preface's.
    Chapter files with no topic are reported. With ``check``, nothing is written. Returns what was
    (or would be) changed, or the problems found.
    """
    root = root or project.root()
    topics = topics or load_topics(root / "data" / "topics.csv")
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
    wanted = chapters_block(topics)
    if lines[begin : end + 1] != wanted:
        changes.append(f"{config}: the chapter list does not follow {root / 'data' / 'topics.csv'}")
        if not check:
            atomic_write(config, "\n".join(lines[:begin] + wanted + lines[end + 1 :]).encode("utf-8"))
    for ch in topics.chapters():
        path = root / ch.path
        if not path.exists():
            changes.append(f"{path}: missing chapter for {', '.join(ch.tags)}")
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                title = ch.title.replace('"', '\\"')
                description = description_line(chapter_description(ch))
                text = CHAPTER_TEMPLATE.format(title=title, description=description, slug=ch.slug)
                atomic_write(path, text.encode())
            continue
        changes += sync_description(path, chapter_description(ch), f"the topics of {', '.join(ch.tags)}", check)
    if (root / PREFACE).exists():
        changes += sync_description(root / PREFACE, book_subtitle(root), "the book's subtitle in _quarto.yml", check)
    known = {root / ch.path for ch in topics.chapters()}
    for path in sorted((root / "chapters").glob("*.qmd")):
        if path not in known:
            changes.append(f"{path}: a chapter file with no topic in the topics file (remove it or add its topics)")
    return changes
