"""Field text to safe Markdown: plain text stays plain, ``$...$`` stays math, paragraphs stay paragraphs.

Every ASCII punctuation character of plain text is backslash-escaped, so no Markdown, HTML, Quarto
shortcode (``{{< >}}``), citation (``@key``) or raw TeX in a field can become markup. What is kept:

* inline math ``$...$``, by pandoc's rule (no space after the opening ``$``, none before the closing
  one, and no digit right after it), so ``$5 and $10`` stays text;
* LaTeX text commands from arXiv abstracts: ``\\emph{x}``/``\\textit{x}`` become emphasis,
  ``\\textbf{x}`` strong, ``\\texttt{x}`` code, and ``\\%``, ``\\&``, ``\\_``, ``\\#``, ``\\$`` their characters;
* bare ``http(s)://`` URLs, as links.
"""

from __future__ import annotations

import re
from functools import lru_cache

PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
ESCAPES = str.maketrans({ch: "\\" + ch for ch in PUNCTUATION})
MATH = re.compile(r"\$(?=[^\s$])([^$\n]*?[^\s\\$])\$(?!\d)|\$([^\s$\\])\$(?!\d)")
TEXT_COMMAND = re.compile(r"\\(emph|textit|textbf|texttt)\{([^{}]*)\}")
TEX_ESCAPE = re.compile(r"\\([%&_#$])")
URL = re.compile(r"https?://[^\s<>\"'`{}|\\^\[\]]+[^\s<>\"'`{}|\\^\[\].,;:!?)]")
TOKEN = re.compile(
    f"(?P<math>{MATH.pattern})|(?P<cmd>{TEXT_COMMAND.pattern})|(?P<tex>{TEX_ESCAPE.pattern})|(?P<url>{URL.pattern})"
)
URL_UNSAFE = set('<>{}"`\\')
UNSAFE_IN_MATH = ("{{<", "{{%", ">}}", "%}}")
WRAP = {"emph": "*", "textit": "*", "textbf": "**"}


@lru_cache(maxsize=1 << 16)  # a card repeats its topics, kind and related titles on every page
def escape(text: str) -> str:
    """Plain text as Markdown that renders to exactly that text (whitespace runs become one space)."""
    return re.sub(r"\s+", " ", text).translate(ESCAPES)


@lru_cache(maxsize=1 << 16)  # a card's links are written again on every page showing it
def link_target(url: str) -> str:
    """A URL as a Markdown link destination (``<...>``) that nothing can read as markup: characters
    that could close it or start a shortcode (``<>{}``, quotes, backslash, whitespace) are
    percent-encoded, which leaves the address the same."""
    return "<" + "".join(f"%{ord(ch):02X}" if ch in URL_UNSAFE or ch.isspace() else ch for ch in url) + ">"


def code_span(text: str) -> str:
    """Text as an inline code span, with a fence longer than any backtick run inside."""
    text = re.sub(r"\s+", " ", text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def inline(text: str) -> str:
    """One paragraph of field text as safe inline Markdown (math, text commands and URLs kept)."""
    out: list[str] = []
    pos = 0
    for match in TOKEN.finditer(text):
        out.append(escape(text[pos : match.start()]))
        token = match.group(0)
        if match.group("math") is not None and not any(s in token for s in UNSAFE_IN_MATH):
            out.append(token)
        elif match.group("cmd") is not None:
            command, body = match.group("cmd").split("{", 1)[0][1:], match.group("cmd")[:-1].split("{", 1)[1]
            if command == "texttt":
                out.append(code_span(body))
            else:
                out.append(f"{WRAP[command]}{inline(body)}{WRAP[command]}" if body.strip() else escape(token))
        elif match.group("tex") is not None:
            out.append(escape(token[1]))
        elif match.group("url") is not None:
            out.append(f"[{escape(token)}]({link_target(token)})")
        else:
            out.append(escape(token))
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out).strip()


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a field (separated by blank lines), each as safe inline Markdown."""
    return [inline(p) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def blocks(text: str) -> str:
    """A multi-paragraph field as Markdown paragraphs."""
    return "\n\n".join(paragraphs(text))
