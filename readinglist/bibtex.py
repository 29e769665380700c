"""BibTeX for the list: one ``@misc`` entry per list entry, keyed by a key derived from the entry id.

* The key is ``arXiv:<id>`` for arXiv entries (``/`` of old-style ids becomes ``.``) and the slug for
  the others, so it never changes when the title is fixed or authors are added, and distinct ids
  give distinct keys. Keys use only ``A-Z a-z 0-9 : . - _``.
* arXiv entries carry ``eprint``, ``archivePrefix = {arXiv}``, ``primaryClass`` (first category,
  where known) and ``url``; the others ``howpublished = {\\url{...}}`` and ``url``.
* Titles keep ``$...$`` math (when it is well formed: balanced braces, no bare ``%``, ``#`` or ``&``)
  and protect words whose capitals must survive sentence-casing styles (see :func:`needs_protection`:
  ``{LLMs}``, ``{FP4}``, ``{GaLore}``, ``{Hunyuan-MT}``; ``Training`` or ``Cross-Entropy`` are left to
  the style). Everything else is escaped for LaTeX; braces in plain text become
  ``\\textbraceleft{}``/``\\textbraceright{}`` because BibTeX counts ``\\{`` as an opening brace.
* Entries other than papers get ``note = {Blog post}`` (their kind); tags go to ``keywords``.
* Text stays UTF-8 (biber and modern BibTeX read it).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .cards import title_of
from .files import write_generated
from .schema import is_arxiv_id

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
KEY_CHARS = re.compile(r"[^A-Za-z0-9:._-]")
# pandoc's rule for inline math: no space after the opening $, none before the closing one, no digit after it
MATH = re.compile(r"\$(?=[^\s$])((?:\\.|[^\\$])*?)(?<=[^\s])\$(?!\d)")
WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
TEX_ESCAPE = re.compile(r"\\([%&_#$])")
LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
URL_UNSAFE = {"{": "%7B", "}": "%7D", "\\": "%5C", " ": "%20", '"': "%22"}
LATEX_TABLE = str.maketrans(LATEX_SPECIAL)
URL_TABLE = str.maketrans(URL_UNSAFE)
CONTROL_TABLE = str.maketrans(
    {i: None for i in [*range(0x20), *range(0x7F, 0xA0)] if not chr(i).isspace()}
)  # the control characters (Unicode category Cc) that are not whitespace


def citation_key(row: Mapping[str, Any]) -> str:
    """The entry's citation key, derived from its id only (stable under edits of any other field)."""
    entry_id = str(row["id"])
    if is_arxiv_id(entry_id):
        return "arXiv:" + entry_id.replace("/", ".")
    return KEY_CHARS.sub("-", entry_id)


def balanced(text: str) -> bool:
    """True when braces nest properly, counted the way BibTeX does (a backslash does not escape them)."""
    depth = 0
    for ch in text:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0


def safe_math(body: str) -> bool:
    """Whether ``$body$`` can go into a BibTeX field as LaTeX math unchanged."""
    bare = re.sub(r"\\.", "", body)
    return balanced(body) and not re.search(r"[%#&]", bare) and not body.endswith("\\")


def split_math(text: str) -> list[tuple[bool, str]]:
    """``text`` as ``(is_math, piece)`` pieces; math pieces include their ``$`` delimiters."""
    pieces: list[tuple[bool, str]] = []
    pos = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "$":
            match = MATH.match(text, i)
            if match and safe_math(match.group(1)):
                if pos < i:
                    pieces.append((False, text[pos:i]))
                pieces.append((True, match.group(0)))
                pos = i = match.end()
                continue
        i += 1
    if pos < len(text):
        pieces.append((False, text[pos:]))
    return pieces


def clean(text: str) -> str:
    """``text`` without control characters, its whitespace runs made one space."""
    return re.sub(r"\s+", " ", text.translate(CONTROL_TABLE))


def latex_escape(text: str) -> str:
    """Plain text with every LaTeX special character escaped (after :func:`clean`). The TeX escapes of
    arXiv text (``\\%``, ``\\&``, ``\\_``, ``\\#``, ``\\$``) stay as they are: they already mean their
    character."""
    text = clean(text)
    out: list[str] = []
    pos = 0
    for match in TEX_ESCAPE.finditer(text):
        out.append(text[pos : match.start()].translate(LATEX_TABLE))
        out.append(match.group(0))
        pos = match.end()
    out.append(text[pos:].translate(LATEX_TABLE))
    return "".join(out)


def needs_protection(word: str) -> bool:
    """Whether a title word must keep its capitals under sentence-casing styles: one of its hyphen
    or apostrophe parts has a capital after its first letter (``LLMs``, ``FP4``, ``Hunyuan-MT``) or is
    a one-letter capital other than ``A`` (``I``, ``X``)."""
    return any(
        (len(part) == 1 and part.isupper() and part != "A") or any(ch.isupper() for ch in part[1:])
        for part in re.split(r"[-'’]", word)
    )


def latex_title(title: str) -> str:
    """A title for BibTeX: math kept, capitals protected by braces, the rest escaped."""
    out: list[str] = []
    for is_math, piece in split_math(clean(title).strip()):
        if is_math:
            out.append(piece)
            continue
        pos = 0
        for match in WORD.finditer(piece):
            out.append(latex_escape(piece[pos : match.start()]))
            word = latex_escape(match.group(0))
            out.append(f"{{{word}}}" if needs_protection(match.group(0)) else word)
            pos = match.end()
        out.append(latex_escape(piece[pos:]))
    return "".join(out)


def latex_name(name: str) -> str:
    """An author name; braced whole when it holds a comma or the word ``and`` (an organisation)."""
    escaped = latex_escape(name.strip())
    return f"{{{escaped}}}" if "," in name or re.search(r"\band\b", name, re.IGNORECASE) else escaped


def bib_url(url: str) -> str:
    """A URL with the characters that would unbalance or split a BibTeX field percent-encoded."""
    return url.translate(URL_TABLE)


def fields(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The entry's ``(name, value)`` fields in output order; values are ready to put in braces,
    except ``month``, a bare BibTeX month macro."""
    out = [("title", latex_title(title_of(row)))]
    if len(row["authors"]):
        out.append(("author", " and ".join(latex_name(a) for a in row["authors"])))
    date = row["date"]
    if date is not None and not pd.isna(date):
        out.append(("year", str(date.year)))
        if row.get("date_precision", "month") in ("month", "day"):
            out.append(("month", MONTHS[date.month - 1]))
    url = bib_url(row["url"]) if row["url"] else ""
    if row["arxiv_id"]:
        out += [("eprint", row["arxiv_id"]), ("archivePrefix", "arXiv")]
        if len(row["categories"]):
            out.append(("primaryClass", row["categories"][0]))
    elif url:
        out.append(("howpublished", r"\url{" + url.replace("%", r"\%").replace("#", r"\#") + "}"))
    if url:
        out.append(("url", url))
    if row["kind"] != "paper":
        out.append(("note", latex_escape(str(row["kind"]).capitalize())))
    if len(row["tags"]):
        out.append(("keywords", ", ".join(latex_escape(t) for t in row["tags"])))
    return out


def entry(row: Mapping[str, Any]) -> str:
    """One BibTeX entry (``@misc``), without a trailing newline."""
    items = fields(row)
    width = max(len(name) for name, _ in items)
    lines = [f"@misc{{{citation_key(row)},"]
    for name, value in items:
        shown = value if name == "month" else f"{{{value}}}"
        lines.append(f"  {name:<{width}} = {shown},")
    lines.append("}")
    return "\n".join(lines)


def bibliography(frame: pd.DataFrame) -> str:
    """Every entry of the list, in list order, as one BibTeX file; raises ValueError on a repeated key."""
    rows = frame.to_dict("records")
    keys = [citation_key(row) for row in rows]
    repeated = sorted(k for k, n in Counter(keys).items() if n > 1)
    if repeated:
        raise ValueError(f"repeated citation keys (repeated ids?): {', '.join(repeated)}")
    return "".join(entry(row) + "\n\n" for row in rows)


def write_bibliography(frame: pd.DataFrame, path: str | Path) -> None:
    """Write :func:`bibliography` to ``path`` (see :func:`~readinglist.files.write_generated`)."""
    write_generated(path, bibliography(frame))
