"""The list as BibTeX, in two files that compile everywhere: ``references.bib`` and ``references-biblatex.bib``.

``references.bib`` (:func:`bibliography`) is for BibTeX and its styles (``plain``, ``unsrt``,
natbib's ``abbrvnat``...) and for pandoc/citeproc (Quarto). ``references-biblatex.bib``
(:func:`biblatex_bibliography`) follows biblatex's data model, for biber. Both are pure ASCII: every
non-ASCII character becomes its LaTeX command, braced (``{\\"u}``, ``{\\ensuremath{\\mu}}``; one
LaTeX has no command for becomes ``{\\texttt{U+XXXX}}``), so pdflatex with any input encoding reads
them; biber would hand UTF-8 text through to pdflatex, which stops on ``μ``. The data keeps its Unicode.

* Keys: ``arXiv:<id>`` for arXiv entries (``/`` of old-style ids becomes ``.``), the slug for the
  others; they never change when the title is fixed or authors are added. Keys use only
  ``A-Z a-z 0-9 : . - _``.
* Titles keep ``$...$`` math (when it is well formed: balanced braces, no bare ``%``, ``#`` or ``&``)
  and brace what sentence-casing styles must not lowercase, as Zotero's Better BibTeX does: words with
  a capital after their first letter (``{LLMs}``, ``{FP4}``, ``{Hunyuan-MT}``) and proper names
  (``{Bayesian}``, ``{Muon}``, ``{Polar Express}``). A proper name is a run of capitalised words that
  the entry's abstract or notes write capitalised in mid-sentence and never in lowercase, and that do
  not spell out an acronym in parentheses (``Large Language Models (LLMs)``). The rest is escaped;
  braces in plain text become ``\\textbraceleft{}``/``\\textbraceright{}`` (BibTeX counts ``\\{``).
* ``references.bib``: ``@misc`` entries with ``year``/``month``. arXiv entries print their identifier
  in the classic styles too (``howpublished = {arXiv:2509.17567 [cs.LG]}``) and keep ``eprint``,
  ``archivePrefix`` and ``primaryClass``; every entry with a link has ``url``, and only there (no
  ``\\url`` in ``howpublished``), so no style prints it twice; ``plain`` and ``unsrt``, which ignore
  ``url``, show no link for the entries that are not on arXiv. An entry with no author gets a ``key``
  (its short title) to sort by and, in natbib, to cite by. An undated entry gets ``date = {XXXX}``
  (ISO 8601-2: year unspecified), which biber accepts and prints as nothing and BibTeX ignores.
  biblatex reads this file without error, but prints the arXiv id twice (``howpublished`` and
  ``eprint``): biblatex users take ``references-biblatex.bib``.
* ``references-biblatex.bib``: ``@online`` for entries with a link (``@misc`` without), ``date`` as
  precise as known (``2025-09-17``, ``2025-09``, ``XXXX``), ``eprint``/``eprinttype``/``eprintclass``.
* Both: entries other than papers get ``note = {Blog post}`` (their kind); tags go to ``keywords``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import pandas as pd
from pylatexenc.latexencode import UnicodeToLatexEncoder

from .cards import title_of
from .files import write_generated
from .schema import is_arxiv_id
from .store import format_date

UNSPECIFIED_DATE = "XXXX"  # ISO 8601-2 (EDTF): the year is not known
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
KEY_CHARS = re.compile(r"[^A-Za-z0-9:._-]")
# pandoc's rule for inline math: no space after the opening $, none before the closing one, no digit after it
MATH = re.compile(r"\$(?=[^\s$])((?:\\.|[^\\$])*?)(?<=[^\s])\$(?!\d)")
WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
ACRONYM = re.compile(r"\(([A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*)\)")  # (LLMs), (RLVR), (GaLore)
SENTENCE_END = tuple('.!?:;("“')
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


@lru_cache(maxsize=1)
def _unicode_encoder() -> UnicodeToLatexEncoder:
    return UnicodeToLatexEncoder(
        non_ascii_only=True,
        replacement_latex_protection="braces-all",
        unknown_char_policy=lambda ch: f"{{\\texttt{{U+{ord(ch):04X}}}}}",
        unknown_char_warning=False,
    )


def latex_unicode(text: str) -> str:
    """``text`` with every non-ASCII character as its braced LaTeX command (ASCII is left as it is)."""
    if text.isascii():
        return text
    return _unicode_encoder().unicode_to_latex(unicodedata.normalize("NFC", text))


def latex_escape(text: str) -> str:
    """Plain text with every LaTeX special character escaped (after :func:`clean`) and every non-ASCII
    character as its LaTeX command. The TeX escapes of arXiv text (``\\%``, ``\\&``, ``\\_``, ``\\#``,
    ``\\$``) stay as they are: they already mean their character."""
    text = clean(text)
    out: list[str] = []
    pos = 0
    for match in TEX_ESCAPE.finditer(text):
        out.append(text[pos : match.start()].translate(LATEX_TABLE))
        out.append(match.group(0))
        pos = match.end()
    out.append(text[pos:].translate(LATEX_TABLE))
    return latex_unicode("".join(out))


def needs_protection(word: str) -> bool:
    """Whether a title word must keep its capitals under sentence-casing styles: one of its hyphen
    or apostrophe parts has a capital after its first letter (``LLMs``, ``FP4``, ``Hunyuan-MT``) or is
    a one-letter capital other than ``A`` (``I``, ``X``)."""
    return any(
        (len(part) == 1 and part.isupper() and part != "A") or any(ch.isupper() for ch in part[1:])
        for part in re.split(r"[-'’]", word)
    )


def spelled_acronyms(text: str, words: list[re.Match[str]]) -> set[int]:
    """Indexes of the words that spell out an acronym given in parentheses right after them
    (``Large Language Models (LLMs)``): capitalised for the acronym, not because they are names."""
    out: set[int] = set()
    ends = [w.end() for w in words]
    for match in ACRONYM.finditer(text):
        capitals = sum(ch.isupper() for ch in match.group(1))
        k = next((i for i in range(len(words) - 1, -1, -1) if ends[i] <= match.start()), None)
        if k is None or text[ends[k] : match.start()].strip():
            continue
        covered = 0
        while k >= 0 and covered < capitals:
            out.add(k)
            covered += len(words[k].group(0).split("-"))
            k -= 1
    return out


def proper_names(text: str) -> set[tuple[str, ...]]:
    """The names ``text`` writes capitalised in mid-sentence, as lowercased word runs: runs of
    capitalised words (the first word of a sentence left out), less the words that spell out an
    acronym and the names the text also writes in lowercase."""
    words = list(WORD.finditer(text))
    spelled = spelled_acronyms(text, words)
    lowercase = {w.group(0) for w in words if w.group(0)[0].islower()}
    names: set[tuple[str, ...]] = set()
    run: list[str] = []

    def close() -> None:
        if run and (len(run) > 1 or run[0].lower() not in lowercase):
            phrase = tuple(w.lower() for w in run)
            spelled_lower = " ".join(phrase)
            if spelled_lower not in text or not re.search(rf"\b{re.escape(spelled_lower)}\b", text):
                names.add(phrase)
        run.clear()

    for i, word in enumerate(words):
        start = end = word.start()
        while end and text[end - 1].isspace():  # what precedes the word, less its trailing whitespace
            end -= 1
        starts_sentence = not end or text.endswith(SENTENCE_END, 0, end) or "\n" in text[end:start]
        joined = i > 0 and text[words[i - 1].end() : word.start()] == " "
        if not (word.group(0)[0].isupper() and i not in spelled):
            close()
            continue
        if not joined or starts_sentence:
            close()
        if starts_sentence and not run:
            continue  # a capital that starts a sentence says nothing
        run.append(word.group(0))
    close()
    return names


def name_spans(piece: str, words: list[re.Match[str]], names: set[tuple[str, ...]]) -> dict[int, int]:
    """``{first: last + 1}`` word indexes of the runs of ``piece`` that are ``names`` (longest first)."""
    longest = max((len(n) for n in names), default=0)
    spans: dict[int, int] = {}
    k = 0
    while k < len(words):
        for size in range(min(longest, len(words) - k), 0, -1):
            run = words[k : k + size]
            joined = all(piece[a.end() : b.start()] == " " for a, b in pairwise(run))
            capitalised = all(w.group(0)[0].isupper() for w in run)
            if joined and capitalised and tuple(w.group(0).lower() for w in run) in names:
                spans[k] = k + size
                k += size - 1
                break
        k += 1
    return spans


@lru_cache(maxsize=64)  # an entry's title is made for each of the two files, one after the other
def latex_title(title: str, context: str = "") -> str:
    """A title for BibTeX: math kept, capitals that must survive sentence-casing braced (see the module
    docstring; ``context``, the abstract and notes, tells proper names), the rest escaped."""
    names = proper_names(context) if context else set()
    out: list[str] = []
    for is_math, piece in split_math(clean(title).strip()):
        if is_math:
            out.append(piece)
            continue
        words = list(WORD.finditer(piece))
        spans = name_spans(piece, words, names)
        pos = k = 0
        while k < len(words):
            first = words[k]
            last = words[spans.get(k, k + 1) - 1]
            out.append(latex_escape(piece[pos : first.start()]))
            text = piece[first.start() : last.end()]
            braced = k in spans or needs_protection(text)
            out.append(f"{{{latex_escape(text)}}}" if braced else latex_escape(text))
            pos, k = last.end(), spans.get(k, k + 1)
        out.append(latex_escape(piece[pos:]))
    return "".join(out)


def latex_name(name: str) -> str:
    """An author name; braced whole when it holds a comma or the word ``and`` (an organisation)."""
    escaped = latex_escape(name.strip())
    return f"{{{escaped}}}" if "," in name or re.search(r"\band\b", name, re.IGNORECASE) else escaped


def bib_url(url: str) -> str:
    """A URL with the characters that would unbalance or split a BibTeX field, and every non-ASCII
    character (as UTF-8), percent-encoded: the same address, in ASCII."""
    return "".join(c if c.isascii() else "".join(f"%{b:02X}" for b in c.encode()) for c in url.translate(URL_TABLE))


def title_field(row: Mapping[str, Any]) -> str:
    """The entry's title as a BibTeX value (proper names found in its abstract and notes)."""
    return latex_title(title_of(row), f"{row['abstract']}\n\n{row['notes']}")


def link_fields(row: Mapping[str, Any], archive: tuple[str, str], class_field: str) -> list[tuple[str, str]]:
    """``eprint``, its archive (``archive``: the field and its value) and primary class (``class_field``)
    for an arXiv entry, then ``url``: where the entry is."""
    out = []
    if row["arxiv_id"]:
        out += [("eprint", row["arxiv_id"]), archive]
        if len(row["categories"]):
            out.append((class_field, row["categories"][0]))
    if row["url"]:
        out.append(("url", bib_url(row["url"])))
    return out


def common_tail(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The fields both files end with: the kind of a non-paper, then the tags."""
    out = []
    if row["kind"] != "paper":
        out.append(("note", latex_escape(str(row["kind"]).capitalize())))
    if len(row["tags"]):
        out.append(("keywords", ", ".join(latex_escape(t) for t in row["tags"])))
    return out


def arxiv_locator(row: Mapping[str, Any]) -> str:
    """``arXiv:2509.17567 [cs.LG]`` (the class when known): how classic styles show the paper."""
    primary = f" [{row['categories'][0]}]" if len(row["categories"]) else ""
    return f"arXiv:{row['arxiv_id']}{primary}"


def fields(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The ``references.bib`` fields of an entry, in output order; values are ready to put in braces,
    except ``month``, a bare BibTeX month macro."""
    title = title_field(row)
    out = [("title", title)]
    if len(row["authors"]):
        out.append(("author", " and ".join(latex_name(a) for a in row["authors"])))
    else:
        out.append(("key", "{" + latex_title(title_of(row).split(": ")[0]) + "}"))  # braced: natbib reads '(' in labels
    date = row["date"]
    if date is not None and not pd.isna(date):
        out.append(("year", str(date.year)))
        if row.get("date_precision", "month") in ("month", "day"):
            out.append(("month", MONTHS[date.month - 1]))
    else:
        out.append(("date", UNSPECIFIED_DATE))
    if row["arxiv_id"]:
        out.append(("howpublished", latex_escape(arxiv_locator(row))))
    return out + link_fields(row, ("archivePrefix", "arXiv"), "primaryClass") + common_tail(row)


def biblatex_fields(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The ``references-biblatex.bib`` fields of an entry, in output order."""
    out = [("title", title_field(row))]
    if len(row["authors"]):
        out.append(("author", " and ".join(latex_name(a) for a in row["authors"])))
    date = row["date"]
    dated = date is not None and not pd.isna(date)
    precision = row.get("date_precision", "day") if dated else ""
    out.append(("date", format_date(date, precision) if dated else UNSPECIFIED_DATE))
    return out + link_fields(row, ("eprinttype", "arxiv"), "eprintclass") + common_tail(row)


def format_entry(kind: str, key: str, items: list[tuple[str, str]]) -> str:
    """``@kind{key, name = {value}, ...}`` with aligned names, without a trailing newline."""
    width = max(len(name) for name, _ in items)
    lines = [f"@{kind}{{{key},"]
    for name, value in items:
        shown = value if name == "month" else f"{{{value}}}"
        lines.append(f"  {name:<{width}} = {shown},")
    lines.append("}")
    return "\n".join(lines)


def entry(row: Mapping[str, Any]) -> str:
    """One ``references.bib`` entry (``@misc``), without a trailing newline."""
    return format_entry("misc", citation_key(row), fields(row))


def biblatex_entry(row: Mapping[str, Any]) -> str:
    """One ``references-biblatex.bib`` entry (``@online``, or ``@misc`` when it has no link)."""
    kind = "online" if row["url"] or row["arxiv_id"] else "misc"
    return format_entry(kind, citation_key(row), biblatex_fields(row))


def _join(frame: pd.DataFrame, make: Callable[[Mapping[str, Any]], str], made: Mapping[str, str] | None) -> str:
    keys = [citation_key({"id": entry_id}) for entry_id in frame["id"]]
    repeated = sorted(k for k, n in Counter(keys).items() if n > 1)
    if repeated:
        raise ValueError(f"repeated citation keys (repeated ids?): {', '.join(repeated)}")
    if made is not None:
        return "".join(made[entry_id] + "\n\n" for entry_id in frame["id"])
    return "".join(make(row) + "\n\n" for row in frame.to_dict("records"))


def bibliography(frame: pd.DataFrame, entries: Mapping[str, str] | None = None) -> str:
    """``references.bib``: every entry, in list order; raises ValueError on a repeated key. ``entries``
    (id -> :func:`entry`) are used when given (the book computes them once per edit)."""
    return _join(frame, entry, entries)


def biblatex_bibliography(frame: pd.DataFrame, entries: Mapping[str, str] | None = None) -> str:
    """``references-biblatex.bib``: every entry, in list order; raises ValueError on a repeated key.
    ``entries`` (id -> :func:`biblatex_entry`) are used when given."""
    return _join(frame, biblatex_entry, entries)


def write_bibliography(frame: pd.DataFrame, path: str | Path, entries: Mapping[str, str] | None = None) -> None:
    """Write :func:`bibliography` to ``path`` (see :func:`~readinglist.files.write_generated`)."""
    write_generated(path, bibliography(frame, entries))


def write_biblatex(frame: pd.DataFrame, path: str | Path, entries: Mapping[str, str] | None = None) -> None:
    """Write :func:`biblatex_bibliography` to ``path`` (see :func:`~readinglist.files.write_generated`)."""
    write_generated(path, biblatex_bibliography(frame, entries))
