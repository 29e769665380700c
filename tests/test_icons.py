"""The icon font cut down to the icons the rendered book uses (readinglist.icons)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

from readinglist import icons

# Three icons as Bootstrap Icons writes them: name and private-use character.
ICONS = {"search": 0xF52A, "journal": 0xF4C2, "file-pdf": 0xF3A5}


def icon_font(chars: list[int]) -> bytes:
    """A WOFF font with a square glyph for each of ``chars``."""
    names = [".notdef", *[f"u{c:04X}" for c in chars]]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({c: f"u{c:04X}" for c in chars})
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0))
        pen.lineTo((100, 700))
        pen.lineTo((700, 700))
        pen.closePath()
        glyphs[name] = pen.glyph()
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (800, 100) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "bootstrap-icons", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    out = io.BytesIO()
    builder.font.flavor = "woff"
    builder.font.save(out)
    return out.getvalue()


def icon_css() -> str:
    head = (
        '@font-face { font-display: block; font-family: "bootstrap-icons";'
        ' src: url("./bootstrap-icons.woff") format("woff"); }\n'
    )
    rules = "".join(f'.bi-{name}::before {{ content: "\\{code:x}"; }}\n' for name, code in ICONS.items())
    return head + ".bi::before { font-family: bootstrap-icons !important; }\n" + rules


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "_book"
    folder = site / icons.ICONS
    folder.mkdir(parents=True)
    (folder / icons.CSS).write_text(icon_css(), encoding="utf-8")
    (folder / icons.FONT).write_bytes(icon_font(list(ICONS.values())))
    (site / "index.html").write_text('<a><i class="bi bi-search"></i></a>', encoding="utf-8")
    return site


def characters(path: Path) -> set[int]:
    return set(TTFont(path).getBestCmap())


def test_keeps_only_the_icons_the_site_names(site: Path, tmp_path: Path) -> None:
    kept, size = icons.trim_icons(site, tmp_path / "originals") or (0, 0)
    folder = site / icons.ICONS
    css = (folder / icons.CSS).read_text(encoding="utf-8")
    assert kept == 1 and size == (folder / icons.FONT).stat().st_size
    assert ".bi-search::before" in css and ".bi-journal" not in css and ".bi-file-pdf" not in css
    assert "@font-face" in css and ".bi::before" in css
    assert characters(folder / icons.FONT) == {ICONS["search"]}


def test_a_later_render_naming_another_icon_gets_it_back(site: Path, tmp_path: Path) -> None:
    originals = tmp_path / "originals"
    icons.trim_icons(site, originals)
    (site / "chapter.html").write_text('<i class="bi-journal"></i>', encoding="utf-8")
    icons.trim_icons(site, originals)
    folder = site / icons.ICONS
    assert characters(folder / icons.FONT) == {ICONS["search"], ICONS["journal"]}
    assert ".bi-journal::before" in (folder / icons.CSS).read_text(encoding="utf-8")


def test_files_quarto_writes_afresh_become_the_originals(site: Path, tmp_path: Path) -> None:
    originals = tmp_path / "originals"
    icons.trim_icons(site, originals)
    folder = site / icons.ICONS
    # Quarto copies its own (here: another icon set) over the trimmed files.
    (folder / icons.CSS).write_text(icon_css().replace("search", "searchx"), encoding="utf-8")
    (folder / icons.FONT).write_bytes(icon_font(list(ICONS.values())))
    (site / "index.html").write_text('<i class="bi bi-searchx"></i>', encoding="utf-8")
    icons.trim_icons(site, originals)
    assert ".bi-searchx::before" in (folder / icons.CSS).read_text(encoding="utf-8")
    assert characters(folder / icons.FONT) == {ICONS["search"]}


def test_a_site_without_the_icon_font_is_left_alone(tmp_path: Path) -> None:
    assert icons.trim_icons(tmp_path, tmp_path / "originals") is None
