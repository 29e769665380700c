"""Charts as images for the PDF and the EPUB, and the Markdown every format reads (no Quarto needed)."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pypandoc
import pytest

from readinglist import charts, static
from readinglist.book import Book
from readinglist.cards import html_only, raw_html

from .conftest import DATA
from .htmlcheck import CONTENT_VISIBLE, parse, to_html


@pytest.fixture(scope="module")
def book() -> Book:
    return Book.load(DATA)


@pytest.fixture(scope="module")
def figures(book: Book) -> list[charts.Figure]:
    return book.figures()


def png_info(data: bytes) -> tuple[int, int, float]:
    """A PNG's width and height in pixels and its resolution in pixels per inch."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    at = data.index(b"pHYs")
    per_metre, _, unit = struct.unpack(">IIB", data[at + 4 : at + 13])
    assert unit == 1
    return width, height, per_metre * 0.0254


def test_the_book_has_every_pages_charts_in_page_order(book: Book, figures: list[charts.Figure]) -> None:
    expected = [f.id for f in charts.overview_figures(book.chart_frame, book.topics)]
    for chapter in book.topics.chapters():
        expected += [f.id for f in charts.chapter_figures(book.chart_frame, book.topics, chapter)]
    assert [f.id for f in figures] == expected
    assert len({f.id for f in figures}) == len(figures)


def test_the_static_spec_draws_the_same_data_at_a_fixed_width(figures: list[charts.Figure]) -> None:
    for fig in figures:
        html, fixed = charts.inline_spec(fig), static.static_spec(fig)
        assert fixed["datasets"] == html["datasets"], "the same counts as the HTML chart"
        assert '"data": {"url"' not in json.dumps(fixed), "every value inline: nothing loaded while drawing"
        assert fixed["description"] == fig.alt
        assert fixed["background"] == "white"
        assert "container" not in json.dumps(fixed)
        if html.get("width") == "container":
            assert fixed["width"] == charts.WIDTH
    timeline = next(f for f in figures if f.id == "fig-timeline")
    html_x = charts.spec(timeline)["encoding"]["x"]
    if "scale" in html_x:  # the HTML opens on the recent months; paper shows them all
        assert "domain" in html_x["scale"]
    assert "domain" not in static.static_spec(timeline)["encoding"]["x"].get("scale", {})
    matrix = static.static_spec(next(f for f in figures if f.id == "fig-cooccurrence"))
    assert '"domain"' in json.dumps(matrix), "the tag matrix keeps its tags on both axes"


def test_a_chart_image_is_a_png_at_print_resolution(figures: list[charts.Figure]) -> None:
    fig = next(f for f in figures if f.id == "fig-notes")
    width, height, ppi = png_info(static.chart_png(fig))
    assert round(ppi) == static.PPI
    assert width >= 3 * charts.WIDTH and height > 300  # 560 px at 3x, axis labels beside


def test_chart_images_are_drawn_on_demand_only_when_their_spec_changed(
    tmp_path: Path, figures: list[charts.Figure]
) -> None:
    two = [f for f in figures if f.id in ("fig-tags", "fig-notes")]
    static.write_chart_plan(static.chart_plan(two), tmp_path)
    paths = [tmp_path / static.image_path(f.id) for f in two]
    assert not any(p.exists() for p in paths), "the plan draws nothing"
    assert static.draw_images(tmp_path) == [f.id for f in two]
    assert all(png_info(p.read_bytes())[2] == pytest.approx(static.PPI, abs=1) for p in paths)
    stale = tmp_path / static.FOLDER / "fig-gone.png"
    stale.write_bytes(b"old")
    times = [p.stat().st_mtime_ns for p in paths]
    assert static.draw_images(tmp_path) == [], "nothing drawn again when no spec changed"
    assert [p.stat().st_mtime_ns for p in paths] == times
    assert not stale.exists(), "the image of a figure no longer in the book is removed"
    retitled = charts.Figure(two[1].id, two[1].chart.properties(title="Another title"), two[1].caption, two[1].alt)
    static.write_chart_plan(static.chart_plan([two[0], retitled]), tmp_path)
    assert static.draw_images(tmp_path) == [two[1].id], "only the changed chart is drawn again"
    paths[0].unlink()
    assert static.draw_images(tmp_path) == [two[0].id], "a missing image is drawn again"
    static.write_chart_plan(static.chart_plan(two[:1]), tmp_path)
    static.draw_images(tmp_path)
    assert not paths[1].exists() and paths[0].exists()


def test_the_image_command_says_what_is_missing(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "readinglist.static", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1 and "no chart plan" in result.stderr and "charts.json" in result.stderr
    assert static.main(["--help"]) == 0


def to_typst(markdown: str) -> str:
    return pypandoc.convert_text(markdown, "typst", format="markdown", extra_args=[f"--lua-filter={CONTENT_VISIBLE}"])


def test_a_figure_shows_its_chart_in_html_and_its_image_elsewhere(figures: list[charts.Figure]) -> None:
    fig = next(f for f in figures if f.id == "fig-rl-timeline")
    md = charts.figure_markdown(fig, "../_assets/charts/fig-rl-timeline.png")
    html = parse(to_html(md))
    assert html.find_all("div", "chart") and not html.find_all("img")
    typst = to_typst(md)
    assert 'image("../_assets/charts/fig-rl-timeline.png"' in typst
    assert "vegaEmbed" not in typst and "<script" not in typst and "chart-spec" not in typst
    assert " ".join(fig.caption.split())[:40] in " ".join(typst.split())


def test_a_hostile_alt_text_stays_an_attribute(figures: list[charts.Figure]) -> None:
    fig = figures[0]
    hostile = charts.Figure(fig.id, fig.chart, "A caption.", 'He said "no" \\ {#x} ](y) <script>')
    ast = json.loads(pypandoc.convert_text(charts.figure_markdown(hostile, "a.png"), "json", format="markdown"))
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Image":
                found.append(dict(node["c"][0][2]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(ast)
    assert found == [{"fig-alt": hostile.alt}]


def test_html_only_markdown_is_unwrapped_in_html_and_dropped_elsewhere() -> None:
    md = "before\n\n" + html_only(raw_html("<details>")) + "\n\nafter\n"
    assert "<details>" in to_html(md) and 'class="content-visible"' not in to_html(md)
    assert "details" not in to_typst(md) and "after" in to_typst(md)


def test_a_card_is_unfolded_outside_html(book: Book) -> None:
    page = book.chapter_page("rl")
    rows = book.records(range(len(book.frame)))
    row = next(r for r in rows if "RL" in r["tags"] and r["abstract"].strip() and r["notes"].strip())
    from readinglist.cards import card

    md = card(row, book.context(page.path))
    html = parse(to_html(md))
    assert html.find_all("details", "paper-more")
    typst = to_typst(md)
    assert "details" not in typst and "summary" not in typst
    last_words = " ".join(row["abstract"].split()[-6:])
    assert last_words in " ".join(typst.split()), "the whole abstract is there"
    assert "Also in" in typst or "Related" in typst


def test_paper_captions_say_nothing_of_clicking_or_dragging(figures: list[charts.Figure]) -> None:
    changed = 0
    for fig in figures:
        for text in (fig.caption, fig.alt):
            paper = static.paper_text(text)
            assert not any(word in paper for word in ("drag", "click", "hover")), fig.id
            changed += paper != text
    assert changed, "the shipped list's timelines open on recent months and link their dots"
    fig = next(f for f in figures if f.id == "fig-rl-timeline")
    md = charts.figure_markdown(fig, "x.png")
    html_caption = " ".join(parse(to_html(md)).all_text().split())
    assert " ".join(fig.caption.split()) in html_caption
    typst = " ".join(to_typst(md).replace("\\", "").split())  # Typst escapes quotes
    assert " ".join(static.paper_text(fig.caption).split()) in typst and "click" not in typst


# ---------------------------------------------------------------- the web book's first paint


def clip_free(svg: str) -> str:
    """``svg`` with its clip-path and gradient ids numbered from 1 (vl-convert numbers them across drawings)."""
    return static.number_ids(svg)


def test_web_images_are_drawn_once_per_width_and_theme_and_only_when_changed(
    tmp_path: Path, figures: list[charts.Figure]
) -> None:
    two = [f for f in figures if f.id in ("fig-timeline", "fig-cooccurrence")]
    plan = static.chart_plan(two)
    assert static.draw_web_images(plan, tmp_path, progress=False) == [f.id for f in two]
    paths = {
        (f.id, w, t): tmp_path / static.web_image_path(f.id, w, t)
        for f in two
        for w in static.WEB_WIDTHS
        for t in charts.THEMES
    }
    assert all(p.read_text(encoding="utf-8").startswith("<svg") for p in paths.values())
    # A chart as wide as its container is drawn as wide as asked; a fixed one keeps its size.
    for width in static.WEB_WIDTHS:
        assert f'width="{width}"' in paths["fig-timeline", width, "light"].read_text(encoding="utf-8")[:300]
    fixed = {paths["fig-cooccurrence", w, "light"].read_text(encoding="utf-8") for w in static.WEB_WIDTHS}
    assert len(fixed) == 1
    times = {k: p.stat().st_mtime_ns for k, p in paths.items()}
    stale = tmp_path / static.FOLDER / "fig-gone-340-light.svg"
    stale.write_text("<svg/>", encoding="utf-8")
    assert static.draw_web_images(plan, tmp_path, progress=False) == [], "nothing drawn again when no spec changed"
    assert {k: p.stat().st_mtime_ns for k, p in paths.items()} == times
    assert not stale.exists(), "the image of a figure no longer in the book is removed"
    paths["fig-timeline", 340, "dark"].unlink()
    assert static.draw_web_images(plan, tmp_path, progress=False) == ["fig-timeline"], "a missing image is drawn again"
    assert static.draw_web_images(static.chart_plan(two[1:]), tmp_path, progress=False) == []
    assert not paths["fig-timeline", 580, "light"].exists() and paths["fig-cooccurrence", 580, "light"].exists()


def test_a_dark_web_image_is_what_vl_convert_draws_with_the_dark_theme(figures: list[charts.Figure]) -> None:
    """The dark images are the light ones with the theme's colors: the same as drawing each in dark."""
    import vl_convert

    settings = static.web_drawing()
    for fig in figures[:4] + [f for f in figures if f.id.endswith("-timeline")][:1]:
        spec = charts.inline_spec(fig)
        drawn = static.web_svgs(spec, settings)
        for width in static.WEB_WIDTHS:
            wide = static._at_width(spec, width)
            dark = vl_convert.vegalite_to_svg(wide, vl_version=charts.VL_VERSION, config=charts.THEMES["dark"])
            assert drawn[width, "dark"] == clip_free(dark), (fig.id, width)
            assert drawn[width, "light"] != drawn[width, "dark"]


def test_a_book_figure_first_paints_its_images(figures: list[charts.Figure]) -> None:
    fig = figures[0]
    markdown = charts.figure_markdown(fig, "img.png", 100, first_paint="../")
    page = parse(to_html(markdown))
    chart = next(e for e in page.iter() if e.attrs.get("id") == f"{fig.id}-chart")
    pictures = chart.find_all("picture")
    assert [p.classes() for p in pictures] == [["chart-static", f"chart-static-{t}"] for t in charts.THEMES]
    for picture, theme in zip(pictures, charts.THEMES, strict=True):
        (source,), (img,) = picture.find_all("source"), picture.find_all("img")
        assert source.attrs["media"] == static.PHONE_MEDIA
        assert source.attrs["srcset"] == f"../{static.web_image_path(fig.id, static.WEB_WIDTHS[0], theme)}"
        assert img.attrs["src"] == f"../{static.web_image_path(fig.id, static.WEB_WIDTHS[1], theme)}"
        assert img.attrs["alt"] == "" and img.attrs["loading"] == "lazy"
    assert chart.attrs["aria-label"] == fig.alt and chart.attrs["role"] == "img"
    assert charts.embed_html(fig, height=100).count("<picture") == 0, "without images, an empty div"
