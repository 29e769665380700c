"""Bootstrap's style sheets cut down to the rules the rendered book can use (readinglist.styles).

The browser test ``test_trimmed_style_sheets_style_every_page_as_the_originals`` checks, on the
real render, that every element of the book's pages gets the same computed style either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from readinglist import styles

SHEET = (
    "/* Bootstrap */\n"
    ":root{--bs-blue:#0d6efd}\n"
    '@font-face{font-family:"x";src:url(x.woff)}\n'
    "body{margin:0}\n"
    ".navbar,.carousel{display:flex}\n"
    ".carousel-item{display:none}\n"
    "#quarto-sidebar .nav-link{color:red}\n"
    "#missing-id{color:blue}\n"
    "a:not(.btn-unused)[href]{color:green}\n"
    ".tippy-box[data-theme~=light]{color:#000}\n"
    "@media (min-width:992px){.navbar{gap:1rem}.modal{display:block}}\n"
    "@media print{.modal-dialog{display:none}}\n"
    "@supports (display:grid){.grid,.g-col-6{display:grid}}\n"
    "@keyframes spin{to{transform:rotate(360deg)}}\n"
)


def vocabulary(*words: str, prefixes: tuple[str, ...] = (), suffixes: tuple[str, ...] = ()) -> styles.Vocabulary:
    return styles.Vocabulary(frozenset(words), prefixes, suffixes)


def test_drops_the_selectors_whose_classes_or_ids_no_page_uses() -> None:
    trimmed = styles.trim_css(SHEET, vocabulary("navbar", "quarto-sidebar", "nav-link", "grid"))
    assert trimmed.startswith(styles.MARK)
    body = trimmed.removeprefix(styles.MARK)
    assert ".navbar{display:flex}" in body  # the unused half of the selector list dropped
    assert "carousel" not in body and "missing-id" not in body
    assert "#quarto-sidebar .nav-link{color:red}" in body
    # a block keeps what matches and goes when nothing does
    assert "@media (min-width:992px){.navbar{gap:1rem}}" in body
    assert "print" not in body and "modal" not in body
    assert "@supports (display:grid){.grid{display:grid}}" in body


def test_keeps_what_no_class_decides() -> None:
    body = styles.trim_css(SHEET, vocabulary()).removeprefix(styles.MARK)
    for kept in (
        ":root{--bs-blue:#0d6efd}",
        '@font-face{font-family:"x";src:url(x.woff)}',
        "body{margin:0}",
        "a:not(.btn-unused)[href]{color:green}",  # a class inside :not() matches more, not less
        "@keyframes spin{to{transform:rotate(360deg)}}",
    ):
        assert kept in body
    assert "navbar" not in body and "tippy" not in body


def test_a_prefix_or_suffix_a_script_builds_classes_from_keeps_them() -> None:
    body = styles.trim_css(SHEET, vocabulary(prefixes=("tippy-",))).removeprefix(styles.MARK)
    assert ".tippy-box[data-theme~=light]{color:#000}" in body
    body = styles.trim_css(SHEET, vocabulary("navbar", suffixes=("-item",))).removeprefix(styles.MARK)
    assert ".carousel-item{display:none}" in body and ".navbar{display:flex}" in body


def test_the_vocabulary_is_the_words_of_pages_scripts_and_data(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text('<div class="navbar quarto-x" id="side">', encoding="utf-8")
    (tmp_path / "app.js").write_text(
        'el.classList.add("tippy-" + theme, `bs-${kind}`, `${name}-theme`, size + "-wide")', encoding="utf-8"
    )
    (tmp_path / "search.json").write_text('[{"text": "carousel"}]', encoding="utf-8")
    (tmp_path / "other.css").write_text(".modal{}", encoding="utf-8")
    found = styles.site_vocabulary(tmp_path)
    assert {"navbar", "quarto-x", "side", "carousel"} <= found.words
    assert found.prefixes == ("bs-", "tippy-") and found.suffixes == ("-theme", "-wide")
    assert found.has("tippy-box") and found.has("bs-tooltip-top") and found.has("light-theme")
    assert not found.has("modal")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "_book"
    (site / styles.SHEETS).mkdir(parents=True)
    (site / styles.SHEETS / "bootstrap-0a1b.min.css").write_text(SHEET, encoding="utf-8")
    (site / styles.SHEETS / "bootstrap-dark-2c3d.min.css").write_text(SHEET.replace("red", "pink"), encoding="utf-8")
    (site / styles.SHEETS / "bootstrap-icons.css").write_text(".bi-x::before{content:'x'}", encoding="utf-8")
    (site / "index.html").write_text('<nav class="navbar"></nav>', encoding="utf-8")
    return site


def sheet_text(site: Path, name: str = "bootstrap-0a1b.min.css") -> str:
    return (site / styles.SHEETS / name).read_text(encoding="utf-8")


def test_trims_both_themes_and_leaves_the_icons_alone(site: Path, tmp_path: Path) -> None:
    originals = {p.name: len(p.read_bytes()) for p in (site / styles.SHEETS).glob(styles.PATTERN)}
    sizes = styles.trim_stylesheets(site, tmp_path / "originals")
    assert [name for name, *_ in sizes] == ["bootstrap-0a1b.min.css", "bootstrap-dark-2c3d.min.css"]
    for name, before, after in sizes:
        assert before == originals[name] and after == len(sheet_text(site, name)) < before
        assert ".navbar{display:flex}" in sheet_text(site, name) and "carousel" not in sheet_text(site, name)
    assert sheet_text(site, "bootstrap-icons.css") == ".bi-x::before{content:'x'}"


def test_a_class_a_later_render_uses_gets_its_rules_back(site: Path, tmp_path: Path) -> None:
    originals = tmp_path / "originals"
    styles.trim_stylesheets(site, originals)
    (site / "gallery.html").write_text('<div class="carousel"><div class="carousel-item">', encoding="utf-8")
    styles.trim_stylesheets(site, originals)
    assert ".navbar,.carousel{display:flex}" in sheet_text(site)
    assert ".carousel-item{display:none}" in sheet_text(site)


def test_a_sheet_quarto_writes_afresh_becomes_the_original(site: Path, tmp_path: Path) -> None:
    originals = tmp_path / "originals"
    styles.trim_stylesheets(site, originals)
    trimmed = sheet_text(site)
    assert styles.trim_stylesheets(site, originals) and sheet_text(site) == trimmed  # stable
    (site / styles.SHEETS / "bootstrap-0a1b.min.css").write_text(
        SHEET.replace("display:flex", "display:grid"), encoding="utf-8"
    )
    styles.trim_stylesheets(site, originals)
    assert ".navbar{display:grid}" in sheet_text(site)
