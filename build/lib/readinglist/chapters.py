"""The chapter list: ``_quarto.yml``'s parts and chapter files kept in step with the topics file."""

from __future__ import annotations

import json
from pathlib import Path

from . import project
from .files import atomic_write
from .topics import Topics, load_topics

CHAPTERS_BEGIN = "    # BEGIN chapters: generated from data/topics.csv by `python -m readinglist chapters`"
CHAPTERS_END = "    # END chapters"

CHAPTER_TEMPLATE = """---
title: "{title}"
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

    Missing chapter files are created from a template (existing ones are never overwritten: they may
    hold the curator's prose). Chapter files with no topic are reported. With ``check``, nothing is
    written. Returns what was (or would be) changed, or the problems found.
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
                atomic_write(
                    path, CHAPTER_TEMPLATE.format(title=ch.title.replace('"', '\\"'), slug=ch.slug).encode()
                )
    known = {root / ch.path for ch in topics.chapters()}
    for path in sorted((root / "chapters").glob("*.qmd")):
        if path not in known:
            changes.append(f"{path}: a chapter file with no topic in the topics file (remove it or add its topics)")
    return changes
