"""Run a ``.qmd`` page's Python cells outside Quarto and return the Markdown Quarto would hand to pandoc.

Used by the tests, the benchmark and the notebooks: the cells run in order in one namespace, in the
page's folder (as Quarto's Jupyter engine does). ``#| include: false`` cells show nothing,
``#| output: asis`` cells show their printed text as Markdown, other cells show it as a code block.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

CELL = re.compile(r"^```\{python\}[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)
OPTION = re.compile(r"^#\|\s*([\w-]+):\s*(.*)$")


@dataclass(frozen=True)
class Cell:
    """A code cell: its source and its ``#|`` options."""

    source: str
    options: dict[str, object]


def split_qmd(text: str) -> tuple[dict, list[str | Cell]]:
    """The front matter and the page as a sequence of Markdown strings and cells."""
    meta: dict = {}
    if text.startswith("---\n"):
        end = text.index("\n---\n", 4)
        meta = yaml.safe_load(text[4:end]) or {}
        text = text[end + 5 :]
    parts: list[str | Cell] = []
    pos = 0
    for match in CELL.finditer(text):
        parts.append(text[pos : match.start()])
        lines = match.group(1).splitlines()
        options = {}
        for line in lines:
            opt = OPTION.match(line)
            if not opt:
                break
            options[opt.group(1)] = yaml.safe_load(opt.group(2))
        parts.append(Cell("\n".join(lines[len(options) :]), options))
        pos = match.end()
    parts.append(text[pos:])
    return meta, parts


def run_qmd(path: str | Path) -> tuple[dict, str]:
    """Execute the page's cells; return its front matter and Markdown with the cells' output."""
    path = Path(path).resolve()
    meta, parts = split_qmd(path.read_text(encoding="utf-8"))
    namespace: dict = {"__name__": "__main__"}
    out: list[str] = []
    cwd = Path.cwd()
    os.chdir(path.parent)
    try:
        for part in parts:
            if isinstance(part, str):
                out.append(part)
                continue
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                exec(compile(part.source, f"{path}:cell", "exec"), namespace)
            if part.options.get("include") is False or not buffer.getvalue():
                continue
            if part.options.get("output") == "asis":
                out.append("\n" + buffer.getvalue() + "\n")
            else:
                out.append("\n```\n" + buffer.getvalue() + "```\n")
    finally:
        os.chdir(cwd)
    return meta, "".join(out)
