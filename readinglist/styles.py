"""Quarto's Bootstrap style sheets of the rendered web book cut down to the rules its pages can use
(a post-render step).

Every page loads ``site_libs/bootstrap/bootstrap-<hash>.min.css`` before its first paint (and the
``-dark-`` one for a dark reader): all of Bootstrap and Quarto's rules, about 510 kB (68 kB
compressed), whose selectors the browser matches against the page at every style recalculation.
Most name classes no page uses (Bootstrap's utilities, carousels, modals, ...).

:func:`trim_css` drops each selector that names a class or id found nowhere in the site's pages,
scripts and data files (as a word), then the rules and ``@media``/``@supports`` blocks left empty.
It keeps everything else: element, attribute and pseudo-class selectors, custom properties,
``@font-face``, ``@keyframes``. A class a script builds from a prefix or a suffix
(``"tippy-" + x``, ```bs-${x}```, ```${theme}-theme```) keeps every class with that prefix or
suffix, and the classes inside ``:not()``, ``:is()`` and other functional selectors are not
looked at, so such selectors stay. The untouched files are kept in ``.cache/bootstrap-css/`` of
the project (:class:`~readinglist.files.Originals`), so a later render that uses another class gets
its rules back. Rules for what scripts draw are checked by the browser tests that show it (the
chart tooltip's colours, for one, from vega-tooltip's ```${theme}-theme``` class).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import tinycss2
from tinycss2 import ast

from .files import Originals

SHEETS = "site_libs/bootstrap"
PATTERN = "bootstrap-*.min.css"
MARK = "/* Cut down to the rules the book's pages can use (readinglist.styles). */\n"
_SITE_TEXT = (".html", ".js", ".json")
_WORD = re.compile(r"[A-Za-z_][\w-]*")
# A class name a script builds from a prefix, `"tippy-" + name`, `` `bs-${name}` ``, or a suffix,
# `name + "-theme"`, `` `${name}-theme` ``.
_PREFIX = re.compile(r"""([A-Za-z_][\w-]*-)(?:\$\{|["'`]\s*\+)""")
_SUFFIX = re.compile(r"""(?:\}|\+\s*["'`])(-[A-Za-z_][\w-]*)""")
# At-rules whose block holds rules, which are trimmed in turn; every other at-rule is kept whole.
_NESTING = {"media", "supports", "layer", "container"}


@dataclass(frozen=True)
class Vocabulary:
    """The words of the site's pages, scripts and data, and the prefixes and suffixes its scripts
    build class names from."""

    words: frozenset[str]
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...] = ()

    def has(self, name: str) -> bool:
        """Whether a class or id ``name`` can occur in the site."""
        return name in self.words or name.startswith(self.prefixes) or name.endswith(self.suffixes)


def site_vocabulary(site: Path) -> Vocabulary:
    """The :class:`Vocabulary` of the site's HTML, script and JSON files."""
    words: set[str] = set()
    prefixes: set[str] = set()
    suffixes: set[str] = set()
    for path in site.rglob("*"):
        if path.suffix not in _SITE_TEXT or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        words.update(_WORD.findall(text))
        if path.suffix == ".js":
            prefixes.update(_PREFIX.findall(text))
            suffixes.update(_SUFFIX.findall(text))
    return Vocabulary(frozenset(words), tuple(sorted(prefixes)), tuple(sorted(suffixes)))


def _selectors(prelude: list[ast.Node]) -> list[list[ast.Node]]:
    """A rule's selector list split at its top-level commas."""
    selectors: list[list[ast.Node]] = [[]]
    for token in prelude:
        if isinstance(token, ast.LiteralToken) and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    return selectors


def _can_match(selector: list[ast.Node], vocabulary: Vocabulary) -> bool:
    """False when the selector names, outside any functional pseudo-class, a class or id the site
    never uses."""
    for i, token in enumerate(selector):
        if isinstance(token, ast.HashToken) and token.is_identifier and not vocabulary.has(token.value):
            return False
        if isinstance(token, ast.LiteralToken) and token.value == "." and i + 1 < len(selector):
            name = selector[i + 1]
            if isinstance(name, ast.IdentToken) and not vocabulary.has(name.value):
                return False
    return True


def _trim_rules(rules: Iterable[ast.Node], vocabulary: Vocabulary) -> list[str]:
    out: list[str] = []
    for rule in rules:
        if isinstance(rule, ast.QualifiedRule):
            kept = [s for s in _selectors(rule.prelude) if _can_match(s, vocabulary)]
            if kept:
                prelude = ",".join(tinycss2.serialize(s).strip() for s in kept)
                out.append(f"{prelude}{{{tinycss2.serialize(rule.content)}}}")
        elif isinstance(rule, ast.AtRule) and rule.lower_at_keyword in _NESTING and rule.content is not None:
            inner = _trim_rules(tinycss2.parse_rule_list(rule.content, True, True), vocabulary)
            if inner:
                out.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{''.join(inner)}}}")
        elif not isinstance(rule, (ast.Comment, ast.WhitespaceToken)):
            out.append(tinycss2.serialize([rule]))
    return out


def trim_css(css: str, vocabulary: Vocabulary) -> str:
    """``css`` without the selectors that cannot match in a site of ``vocabulary`` (see the module)."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return MARK + "".join(_trim_rules(rules, vocabulary))


def trim_stylesheets(site: Path, originals: Path) -> list[tuple[str, int, int]]:
    """Trim every Bootstrap style sheet of ``site`` from its original kept in ``originals``.
    Returns each sheet's name, original size and trimmed size in bytes."""
    sheets = sorted((site / SHEETS).glob(PATTERN))
    if not sheets:
        return []
    vocabulary = site_vocabulary(site)
    kept = Originals(originals)
    sizes = []
    for sheet in sheets:
        original = kept.original(sheet)
        trimmed = trim_css(original.decode("utf-8"), vocabulary).encode("utf-8")
        kept.write(sheet, trimmed)
        sizes.append((sheet.name, len(original), len(trimmed)))
    return sizes


def main(project: Path, site: Path) -> int:
    """The post-render step: trim the Bootstrap style sheets of ``site`` (the rendered book), with
    the originals in the project's ``.cache``, and say by how much."""
    for name, before, after in trim_stylesheets(site, project / ".cache" / "bootstrap-css"):
        print(f"styles: {name} cut from {before / 1000:.0f} kB to {after / 1000:.0f} kB")
    return 0
