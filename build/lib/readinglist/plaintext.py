"""Field text as plain text for readers that show no markup (the Atom feed): TeX made readable.

Inline math ``$...$`` (pandoc's rule, as in :mod:`readinglist.text`) becomes Unicode where Unicode has
the symbols: ``MERGE$^3$`` is ``MERGE³``, ``PanGu-$\\alpha$`` is ``PanGu-α``, ``$\\sim 7.7\\times$`` is
``∼7.7×``. Math with a command Unicode has no symbol for stays TeX, without its dollar signs. Outside
math, the TeX escapes of arXiv text (``\\%``, ``\\&``...) become their character and ``\\emph{x}``,
``\\textit{x}``, ``\\textbf{x}``, ``\\texttt{x}`` and ``\\url{x}`` become ``x``.
"""

from __future__ import annotations

import re
import unicodedata

from .text import MATH, TEX_ESCAPE

GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau upsilon phi chi psi "
    "omega Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega"
)


def greek(name: str) -> str:
    """The Greek letter TeX calls ``name`` (``alpha``, ``Omega``)."""
    case = "CAPITAL" if name[0].isupper() else "SMALL"
    return unicodedata.lookup(f"GREEK {case} LETTER {name.upper().replace('LAMBDA', 'LAMDA')}")


SYMBOLS = {
    **{name: greek(name) for name in GREEK.split()},
    "epsilon": "ϵ", "varepsilon": "ε", "vartheta": "ϑ", "phi": "ϕ", "varphi": "φ",
    "times": "×", "cdot": "·", "pm": "±", "mp": "∓", "div": "÷", "sim": "∼", "approx": "≈", "simeq": "≃",
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "neq": "≠", "ne": "≠", "ll": "≪", "gg": "≫", "propto": "∝",
    "infty": "∞", "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "mid": "∣", "in": "∈",
    "sum": "∑", "prod": "∏", "partial": "∂", "nabla": "∇", "ell": "ℓ", "circ": "∘", "cdots": "⋯", "ldots": "…",
    "dots": "…", "S": "§", "%": "%", "&": "&", "#": "#", "$": "$", "_": "_", "{": "{", "}": "}", ",": " ",
    ";": " ", "!": "", " ": " ", "log": "log", "exp": "exp", "max": "max", "min": "min",
}  # fmt: skip
SUPERSCRIPT = dict(zip("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", strict=True))
SUBSCRIPT = dict(zip("0123456789+-=()aeijoruvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₒᵣᵤᵥₓ", strict=True))
COMMAND = re.compile(r"\\([A-Za-z]+) ?|\\(.)")
ARGUMENT = re.compile(r"\\(mathrm|mathbf|mathit|mathcal|mathbb|text|textrm|operatorname|sqrt)\{([^{}]*)\}")
SCRIPT = re.compile(r"([\^_])(?:\{([^{}]*)\}|(.))")
TEXT_COMMAND = re.compile(r"\\(emph|textit|textbf|texttt|url)\{([^{}]*)\}")


class NoUnicode(ValueError):
    """Raised when math holds something Unicode has no plain-text form for."""


def scripted(text: str, table: dict[str, str]) -> str:
    """``text`` in superscript or subscript characters; :class:`NoUnicode` when one has none."""
    if not all(ch in table for ch in text):
        raise NoUnicode(text)
    return "".join(table[ch] for ch in text)


def math_text(body: str) -> str:
    """The body of ``$...$`` as Unicode text; :class:`NoUnicode` when a part has no Unicode form."""
    body = ARGUMENT.sub(lambda m: ("√" if m.group(1) == "sqrt" else "") + m.group(2), body)
    body = SCRIPT.sub(
        lambda m: scripted(m.group(2) if m.group(2) is not None else m.group(3),
                           SUPERSCRIPT if m.group(1) == "^" else SUBSCRIPT),
        body,
    )  # fmt: skip

    def symbol(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if name not in SYMBOLS:
            raise NoUnicode(name)
        return SYMBOLS[name]

    out = COMMAND.sub(symbol, body)
    if "{" in out or "}" in out:
        raise NoUnicode(out)
    return out


def readable(text: str) -> str:
    """Field text with its TeX made plain (see the module docstring); paragraphs and spacing kept."""

    def math(match: re.Match[str]) -> str:
        body = match.group(1) if match.group(1) is not None else match.group(2)
        try:
            return math_text(body)
        except NoUnicode:
            return body

    text = MATH.sub(math, text)
    text = TEXT_COMMAND.sub(lambda m: m.group(2), text)
    return TEX_ESCAPE.sub(lambda m: m.group(1), text)
