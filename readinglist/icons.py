"""The icon font of the rendered web book cut down to the icons it uses (a post-render step).

Quarto's HTML pages load Bootstrap Icons: ``site_libs/bootstrap/bootstrap-icons.css`` (100 kB, one
rule per icon, about 2,000) and its font, ``bootstrap-icons.woff`` (180 kB), which a page fetches
before its first paint as soon as it shows an icon (the navigation shows several). The book uses a
few dozen. :func:`trim_icons` keeps, in both files, the icons named anywhere in the rendered site
(``bi-<name>`` in its HTML, scripts and other style sheets) and the characters other style sheets
use with the icon font, and drops the rest. The untouched files are kept in
``.cache/bootstrap-icons/`` of the project, so a later render that names another icon gets it: each
run starts from those.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from .files import Originals

ICONS = Path("site_libs/bootstrap")
CSS, FONT = "bootstrap-icons.css", "bootstrap-icons.woff"
MARK = "/* Cut down to the icons the book uses (readinglist.icons). */\n"
# `.bi-name::before { content: "\f123"; }`, as Bootstrap Icons writes each icon's rule.
_RULE = re.compile(r'\.bi-([a-z0-9-]+)::before\s*\{\s*content:\s*"\\([0-9a-f]+)";\s*\}\s*', re.IGNORECASE)
_NAME = re.compile(r"\bbi-([a-z0-9]+(?:-[a-z0-9]+)*)")
# A character of the icons' private-use range written in a style sheet (`content: "\f286"`).
_ESCAPE = re.compile(r"\\(f[0-9a-f]{3})\b", re.IGNORECASE)
_SITE_TEXT = (".html", ".js", ".css", ".json")


def used_icons(site: Path, skip: Path) -> tuple[set[str], set[int]]:
    """The icon names (``bi-<name>``) written in the site's text files other than ``skip``, and
    the private-use characters written as escapes in its other style sheets."""
    names: set[str] = set()
    chars: set[int] = set()
    for path in site.rglob("*"):
        if path.suffix not in _SITE_TEXT or path == skip or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        names.update(_NAME.findall(text))
        if path.suffix == ".css":
            chars.update(int(code, 16) for code in _ESCAPE.findall(text))
    return names, chars


def trim_css(css: str, names: set[str]) -> tuple[str, set[int]]:
    """``css`` (Bootstrap Icons' style sheet) with only the rules of ``names``, and their characters."""
    kept: set[int] = set()

    def keep(match: re.Match[str]) -> str:
        if match.group(1) in names:
            kept.add(int(match.group(2), 16))
            return match.group(0)
        return ""

    return MARK + _RULE.sub(keep, css), kept


def trim_font(woff: bytes, chars: set[int]) -> bytes:
    """``woff`` with only the glyphs of ``chars``, as WOFF."""
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # notes on the font's tables, not problems

    font = TTFont(io.BytesIO(woff))
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(chars))
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff"
    font.save(out)
    return out.getvalue()


def main(project: Path, site: Path) -> int:
    """The post-render step: trim the icons of ``site`` (the rendered book), keeping the originals
    in the project's ``.cache``, and say what was kept."""
    result = trim_icons(site, project / ".cache" / "bootstrap-icons")
    if result is not None:
        print(f"icons: kept {result[0]} icons of Bootstrap Icons, a font of {result[1] / 1000:.1f} kB")
    return 0


def trim_icons(site: Path, originals: Path) -> tuple[int, int] | None:
    """Cut the site's Bootstrap Icons down to the icons it uses (see the module). Returns the
    number of icons kept and the font's size in bytes, or None when the site has no icon font."""
    folder = site / ICONS
    if not (folder / CSS).is_file() or not (folder / FONT).is_file():
        return None
    kept_files = Originals(originals)
    css_text = kept_files.original(folder / CSS).decode("utf-8")
    woff = kept_files.original(folder / FONT)
    names, chars = used_icons(site, folder / CSS)
    trimmed, kept = trim_css(css_text, names)
    font = trim_font(woff, kept | chars)
    kept_files.write(folder / CSS, trimmed.encode("utf-8"))
    kept_files.write(folder / FONT, font)
    return len(kept), len(font)
