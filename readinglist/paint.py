"""Faster first paint of the rendered HTML pages (the Quarto post-render step, scripts/postrender.py).

Quarto 1.10's HTML template puts in every page's ``<head>`` what a browser must fetch before it
paints anything: the classic scripts of the navigation, search, listing, tooltips and Bootstrap,
and the light *and* the dark theme's stylesheets (Bootstrap and syntax highlighting), the dark ones
being switched off by Quarto's first script in ``<body>`` only after they have been downloaded.
Quarto has no option for either, so this step rewrites the rendered pages:

- Classic ``<script src>`` elements of the head get ``defer``: they run in the same order, after the
  page is parsed and before ``DOMContentLoaded``, in one queue with Quarto's module scripts
  (``quarto.js``). Quarto's inline scripts use those libraries only inside ``DOMContentLoaded``
  handlers. Those handlers were registered after the libraries' own (the libraries ran first,
  from the head); now the libraries register theirs when they run, after the page's inline scripts.
  So the inline scripts' handlers are registered on ``window`` instead of ``document``:
  ``DOMContentLoaded`` reaches ``window`` after every ``document`` listener, so they still run
  after the libraries' handlers (Quarto's after-body script undoes, for outside links, a rewrite
  the navigation script makes in its handler, for instance).
- The alternate (dark) theme's stylesheets start as ``rel="disabled-stylesheet"``, which is what
  Quarto's color-scheme script sets on them anyway when the reader has not chosen the dark theme,
  and the light theme's duplicate links that the same script disables at once
  (``quarto-color-scheme-extra``) start disabled too. When the reader chose the dark theme (the
  ``quarto-color-scheme`` key of localStorage), or prefers it and the book respects that, a short
  script at the end of ``<head>`` (``scheme_script``) switches the dark stylesheets on, blocking
  the first paint as before, so a dark reader never sees the page in the light theme first; a light
  reader never downloads them.
- Each ``DOMContentLoaded`` and ``load`` handler runs in a task of its own (``READY_SCRIPT``, the
  head's first script): on ``DOMContentLoaded`` the navigation, search, listing, tooltip and page
  scripts' handlers ran as one task of 100 to 200 ms on a phone, which a browser cannot
  interrupt to answer the reader. They run in the same order as before, every ``DOMContentLoaded``
  handler before any ``load`` handler (tasks queued with the same delay run in the order queued).
  A handler so wrapped cannot be removed with ``removeEventListener``; none of the page's scripts
  removes one.
- A Quarto listing starts (list.js, which rewrites every row as it starts: 90 ms and more on a
  phone for 59 entries) on the reader's first move on the page: pointer, touch, focus or key
  (``_start_listings_on_first_move``), or at once when the address has a fragment (a topic or a page
  of the listing) or gets one. Until then the rows past the first page are hidden as list.js would hide them,
  so the page looks the same either way. It adds ``listing-started`` to the listing's element, and
  sends ``quarto-listing-started`` (its id in ``detail``) on ``document``;
  ``window.quartoListingStart[id]()`` starts it at once.

Only ``.html`` files are read; other outputs (PDF, EPUB) are left alone. The rewrite is idempotent.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

# A <script ...></script> element with its attributes; Quarto writes no ``>`` inside attribute values.
_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)
_LINK = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_CLASSIC_TYPES = {"", "text/javascript", "application/javascript"}
_DOCUMENT_READY = re.compile(r"""\bwindow\.document\.addEventListener\(\s*(["'])DOMContentLoaded\1""")
# The first script of Quarto's <body> when the book has a light and a dark theme.
_SCHEME_SCRIPT = 'id="quarto-html-before-body"'
_DISABLES_EXTRA = ".quarto-color-scheme-extra').rel = 'disabled-stylesheet'"
_RESPECTS_READER = "const queryPrefersDark"
_AUTHOR_DARK = re.compile(r"const authorPrefersDark = (true|false);")
SCHEME_SCRIPT_ID = "quarto-color-scheme-early"
READY_SCRIPT_ID = "ready-handlers-in-turn"
#: Runs each ``DOMContentLoaded`` (document, window) and ``load`` (window) handler in a task of its own.
READY_SCRIPT = (
    f'<script id="{READY_SCRIPT_ID}">(function () {{\n'
    "  var add = EventTarget.prototype.addEventListener;\n"
    "  EventTarget.prototype.addEventListener = function (type, listener, options) {\n"
    "    var ready = type === 'DOMContentLoaded' ? this === document || this === window\n"
    "      : type === 'load' && this === window;\n"
    "    if (!ready || typeof listener !== 'function') {\n"
    "      return add.call(this, type, listener, options);\n"
    "    }\n"
    "    var target = this;\n"
    "    return add.call(this, type, function (event) {\n"
    "      setTimeout(function () { listener.call(target, event); }, 0);\n"
    "    }, options);\n"
    "  };\n"
    "})();</script>\n"
)
# Quarto's inline listing script: the list.js instance and the call that wires categories and pages.
_LISTING_START = re.compile(
    r"(?P<start>window\['quarto-listings'\] = window\['quarto-listings'\] \|\| \{\};\s*"
    r"window\['quarto-listings'\]\['(?P<id>[\w-]+)'\] = new List\('(?P=id)', options\);\s*"
    r"if \(window\['quarto-listing-loaded'\]\) \{\s*window\['quarto-listing-loaded'\]\(\);\s*\})"
)
_PAGE_SIZE = re.compile(r"^\s*page: (\d+),", re.MULTILINE)
# The reader's first move; a change of the address's fragment (the back button) too, whose own
# handler (Quarto's, on window) expects a started listing: capture listeners at the target run first.
_FIRST_MOVES = ("pointerover", "touchstart", "focusin", "keydown", "hashchange")
_CHARSET = re.compile(r"<meta\s+charset=[^>]*>\s*", re.IGNORECASE)


def attributes(tag_attrs: str) -> dict[str, str]:
    """The attributes of a start tag's attribute text, names lower-cased (a bare name maps to "")."""
    found: dict[str, str] = {}
    for match in _ATTR.finditer(tag_attrs):
        name = match.group(1).lower()
        value = next((v for v in match.group(2, 3, 4) if v is not None), "")
        found.setdefault(name, value)
    return found


def _is_classic(attrs: dict[str, str]) -> bool:
    return attrs.get("type", "").strip().lower() in _CLASSIC_TYPES


def _defer_head_scripts(head: str) -> tuple[str, int]:
    """``head`` with ``defer`` on its classic external scripts, and how many were changed."""
    count = 0

    def defer(match: re.Match[str]) -> str:
        nonlocal count
        attrs = attributes(match.group("attrs"))
        if "src" not in attrs or not _is_classic(attrs) or "defer" in attrs or "async" in attrs:
            return match.group(0)
        count += 1
        return f"<script{match.group('attrs').rstrip()} defer>{match.group('body')}</script>"

    return _SCRIPT.sub(defer, head), count


def _listen_on_window(html: str) -> str:
    """``html`` with its inline classic scripts' ``DOMContentLoaded`` handlers registered on window."""

    def rewrite(match: re.Match[str]) -> str:
        attrs = attributes(match.group("attrs"))
        if "src" in attrs or not _is_classic(attrs):
            return match.group(0)
        body = _DOCUMENT_READY.sub(r"window.addEventListener(\1DOMContentLoaded\1", match.group("body"))
        return f"<script{match.group('attrs')}>{body}</script>"

    return _SCRIPT.sub(rewrite, html)


def _disable_alternate_sheets(head: str, disables_extra: bool) -> str:
    """``head`` with the dark theme's stylesheets (and, if Quarto's script disables them, the light
    theme's duplicate links) disabled from the start."""

    def disable(match: re.Match[str]) -> str:
        tag = match.group(0)
        attrs = attributes(tag[len("<link") : -1])
        classes = attrs.get("class", "").split()
        alternate = "quarto-color-scheme" in classes and "quarto-color-alternate" in classes
        extra = disables_extra and "quarto-color-scheme-extra" in classes
        if attrs.get("rel", "").lower() != "stylesheet" or not (alternate or extra):
            return tag
        return re.sub(r"""\brel\s*=\s*(["']?)stylesheet\1""", 'rel="disabled-stylesheet"', tag, count=1)

    return _LINK.sub(disable, head)


def scheme_script(before_body: str) -> str:
    """The inline script, for the end of ``<head>``, that switches the dark stylesheets on when
    Quarto's color-scheme script (``before_body``) will show the dark theme: the reader's choice
    stored in localStorage (not on ``file:`` pages), otherwise the book's default, or the reader's
    ``prefers-color-scheme`` when the book respects it (``respect-user-color-scheme``).

    It runs in the head and marks the stylesheets ``blocking="render"``: a stylesheet switched on by
    a script blocks the first paint only so, and only before ``<body>`` is parsed. Otherwise the
    page would show in the light theme for as long as the dark stylesheets take to load."""
    if _RESPECTS_READER in before_body:
        default = "window.matchMedia('(prefers-color-scheme: dark)').matches"
    else:
        author = _AUTHOR_DARK.search(before_body)
        default = author.group(1) if author else "false"
    return (
        f'<script id="{SCHEME_SCRIPT_ID}">(function () {{\n'
        "  var stored = null;\n"
        "  try {\n"
        "    if (window.location.protocol !== 'file:') {\n"
        "      stored = window.localStorage.getItem('quarto-color-scheme');\n"
        "    }\n"
        "  } catch (error) {}\n"
        f"  if (stored === null ? {default} : stored === 'alternate') {{\n"
        "    var links = document.querySelectorAll('link.quarto-color-scheme.quarto-color-alternate');\n"
        "    for (var i = 0; i < links.length; i++) {\n"
        "      links[i].setAttribute('blocking', 'render');\n"
        "      links[i].rel = 'stylesheet';\n"
        "    }\n"
        "  }\n"
        "})();</script>\n"
    )


def _start_listings_on_first_move(html: str) -> str:
    """``html`` with each Quarto listing started on the reader's first move (see the module)."""

    def lazy(match: re.Match[str]) -> str:
        listing = match.group("id")
        moves = ", ".join(f"'{move}'" for move in _FIRST_MOVES)
        return (
            "// Started on the reader's first move (readinglist.paint): list.js rewrites every row.\n"
            "    var start = function () {\n"
            "      if (start.done) { return; }\n"
            "      start.done = true;\n"
            f"      [{moves}].forEach(function (type) {{ window.removeEventListener(type, start, true); }});\n"
            f"      {match.group('start')}\n"
            f"      document.getElementById('{listing}').classList.add('listing-started');\n"
            "      document.dispatchEvent(new CustomEvent('quarto-listing-started', "
            f"{{ detail: '{listing}' }}));\n"
            "    };\n"
            "    window.quartoListingStart = window.quartoListingStart || {};\n"
            f"    window.quartoListingStart['{listing}'] = start;\n"
            "    if (window.location.hash) {\n"
            "      start();\n"
            "    } else {\n"
            f"      [{moves}].forEach(function (type) {{\n"
            "        window.addEventListener(type, start, { capture: true, passive: true });\n"
            "      });\n"
            "    }"
        )

    out, pos = [], 0
    for script in _SCRIPT.finditer(html):
        body = script.group("body")
        if "new List(" not in body or "listing-started" in body:
            continue
        listings = [m.group("id") for m in _LISTING_START.finditer(body)]
        if not listings:
            continue
        new_body = _LISTING_START.sub(lazy, body)
        style = ""
        size = _PAGE_SIZE.search(body)
        if size:
            hidden = ", ".join(
                f"#{listing}:not(.listing-started) .list > :nth-child(n+{int(size.group(1)) + 1})"
                for listing in listings
            )
            style = f"<style>{hidden} {{ display: none; }}</style>\n"
        out += [html[pos : script.start()], style, script.group(0).replace(body, new_body)]
        pos = script.end()
    return "".join(out) + html[pos:]


def paint_faster(html: str) -> str:
    """The page ``html`` rewritten so that nothing but the stylesheets of its theme blocks its first
    paint (see the module's docstring). A page without a ``<head>`` is returned unchanged."""
    head_end = html.lower().find("</head>")
    if head_end < 0:
        return html
    head, rest = html[:head_end], html[head_end:]
    head, deferred = _defer_head_scripts(head)
    start = rest.find(_SCHEME_SCRIPT)
    if start >= 0:
        before_body = rest[start : rest.find("</script>", start)]
        disabled = _disable_alternate_sheets(head, _DISABLES_EXTRA in before_body)
        if disabled != head and SCHEME_SCRIPT_ID not in head:
            disabled += scheme_script(before_body)
        head = disabled
    if deferred and READY_SCRIPT_ID not in head:
        # after the charset declaration, which must come in the first 1024 bytes
        charset = _CHARSET.search(head)
        at = charset.end() if charset else head.lower().find(">", head.lower().find("<head")) + 1
        head = head[:at] + READY_SCRIPT + head[at:]
    page = head + rest
    if deferred:
        page = _listen_on_window(page)
    return _start_listings_on_first_move(page)


def output_pages(output_dir: Path, output_files: Iterable[str] | None, project_dir: Path) -> list[Path]:
    """The HTML pages a render wrote: those of ``output_files`` (paths relative to the project, as
    Quarto lists them) inside ``output_dir``, or every page of ``output_dir`` outside ``site_libs``
    when Quarto gave no list."""
    output_dir = output_dir.resolve()
    if output_files is None:
        candidates = [p for p in output_dir.rglob("*.html") if "site_libs" not in p.relative_to(output_dir).parts]
    else:
        candidates = [(project_dir / name.strip()).resolve() for name in output_files if name.strip()]
    return sorted(p for p in candidates if p.suffix.lower() == ".html" and p.is_file() and p.is_relative_to(output_dir))


def rewrite_pages(pages: Iterable[Path]) -> list[Path]:
    """Rewrite ``pages`` in place with ``paint_faster``; the pages that changed."""
    changed = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        new = paint_faster(text)
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed.append(page)
    return changed


def postrender(environ: dict[str, str] | None = None) -> int:
    """The post-render step: rewrite the HTML pages of this render (Quarto's
    ``QUARTO_PROJECT_OUTPUT_DIR`` and ``QUARTO_PROJECT_OUTPUT_FILES``, or the file named by
    ``QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES``). Returns the exit status."""
    env = dict(os.environ if environ is None else environ)
    project_dir = Path(env.get("QUARTO_PROJECT_DIR", os.getcwd()))
    output_dir = project_dir / env.get("QUARTO_PROJECT_OUTPUT_DIR", "_book")
    names: list[str] | None = None
    if "QUARTO_PROJECT_OUTPUT_FILES" in env:
        names = env["QUARTO_PROJECT_OUTPUT_FILES"].splitlines()
    elif env.get("QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES"):
        names = Path(env["QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES"]).read_text(encoding="utf-8").splitlines()
    pages = output_pages(output_dir, names, project_dir)
    changed = rewrite_pages(pages)
    done = "deferred scripts, ready handlers in turn, dark theme on demand, listings on first move"
    print(f"paint: {len(changed)} of {len(pages)} HTML pages rewritten ({done})")
    return 0
