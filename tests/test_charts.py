"""The book's charts: their numbers against papers.csv, their specs, colors, links and HTML.

Expected values are computed here from the CSV files with the csv module, not with the package.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from html.parser import HTMLParser
from itertools import combinations
from typing import Any

import pytest
import vl_convert
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readinglist import charts, store
from readinglist.schema import COLUMNS
from readinglist.topics import load_topics

from .conftest import DATA
from .expected import csv_rows, csv_topics, tags_of

# ---------------------------------------------------------------- expectations from the CSV files


def month_of(row: dict[str, str]) -> str | None:
    """``YYYY-MM`` for dates with a month, None for an empty or year-only date."""
    return row["date"][:7] if len(row["date"]) >= 7 else None


BOOK_TAGS = [t["tag"] for t in csv_topics()]
CHAPTER_TAGS: dict[str, list[str]] = {}
for _topic in csv_topics():
    CHAPTER_TAGS.setdefault(_topic["chapter"], []).append(_topic["tag"])


# ---------------------------------------------------------------- reading a spec back


def layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return spec.get("layer", [spec])


def layer_values(spec: dict[str, Any], layer: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows a layer draws: its inline dataset with the spec's flatten transforms applied."""
    data = layer.get("data") or spec["data"]
    rows = data["values"] if "values" in data else spec["datasets"][data["name"]]
    for step in layer.get("transform", []):
        if "flatten" in step:
            fields = step["flatten"]
            rows = [
                {**row, **dict(zip(fields, items, strict=True))}
                for row in rows
                for items in zip(*(row[f] for f in fields), strict=True)
            ]
    return rows


def mark_type(layer: dict[str, Any]) -> str:
    mark = layer["mark"]
    return mark if isinstance(mark, str) else mark["type"]


def layer_with(spec: dict[str, Any], mark: str) -> dict[str, Any]:
    found = [layer for layer in layers(spec) if mark_type(layer) == mark]
    assert len(found) == 1, f"expected one {mark} layer"
    return found[0]


def encodings(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [layer.get("encoding", {}) for layer in layers(spec)]


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def topics():
    return load_topics(DATA / "topics.csv")


@pytest.fixture(scope="module")
def frame(topics):
    return store.load(DATA / "papers.csv", topics)


@pytest.fixture(scope="module")
def overview(frame, topics) -> dict[str, charts.Figure]:
    return {fig.id: fig for fig in charts.overview_figures(frame, topics)}


@pytest.fixture(scope="module")
def all_figures(frame, topics, overview) -> list[charts.Figure]:
    figures = list(overview.values())
    for chapter in topics.chapters():
        figures += charts.chapter_figures(frame, topics, chapter)
    return figures


def make_frame(rows: list[dict[str, str]]):
    """A typed frame from text rows (missing columns empty), through the package's own conversion."""
    records = [store.Record(i + 2, {c: row.get(c, "") for c in COLUMNS}) for i, row in enumerate(rows)]
    return store.to_frame(records)


# ---------------------------------------------------------------- the numbers in every chart


def test_entries_per_tag_match_the_csv(overview):
    expected = Counter(t for row in csv_rows() for t in set(tags_of(row)))
    spec = charts.spec(overview["fig-tags"])
    rows = layer_values(spec, layer_with(spec, "bar"))
    assert {r["tag"]: r["entries"] for r in rows} == {t: expected[t] for t in BOOK_TAGS}
    shown = [r["entries"] for r in rows]
    assert shown == sorted(shown, reverse=True), "bars are sorted from the most used tag"
    assert layer_with(spec, "bar")["encoding"]["y"]["sort"] == [r["tag"] for r in rows]
    top_tag, top_n = expected.most_common(1)[0]
    assert f"{top_tag} {top_n}" in overview["fig-tags"].alt


def test_entries_per_tag_as_drawn(overview):
    """The rendered bars (their ARIA labels) carry the counts of the CSV."""
    expected = Counter(t for row in csv_rows() for t in set(tags_of(row)))
    svg = vl_convert.vegalite_to_svg(charts.spec(overview["fig-tags"]), vl_version=charts.VL_VERSION)
    drawn = {}
    for label in re.findall(r'<path aria-label="([^"]*)"[^>]*aria-roledescription="bar"', svg):
        fields = dict(part.split(": ", 1) for part in html.unescape(label).split("; "))
        drawn[fields["Tag"]] = int(fields["Entries"])
    assert drawn == {t: n for t, n in expected.items() if n}


def test_timeline_counts_each_tag_of_an_entry_per_month(overview):
    expected: Counter[tuple[str, str]] = Counter()
    for row in csv_rows():
        if month_of(row):
            for tag in set(tags_of(row)):
                expected[(month_of(row), tag)] += 1
    spec = charts.spec(overview["fig-timeline"])
    rows = layer_values(spec, layer_with(spec, "bar"))
    assert Counter({(r["month"], r["tag"]): r["entries"] for r in rows}) == expected
    assert len(rows) == len(expected), "one bar segment per month and tag"


def test_timeline_caption_says_which_entries_are_left_out(overview):
    undated = sum(1 for row in csv_rows() if not row["date"])
    assert undated, "the shipped data has undated entries"
    fig = overview["fig-timeline"]
    assert "once for each" in fig.caption
    assert f"{undated} entries with no date are left out" in fig.caption
    assert f"{undated} entries with no date are left out" in fig.alt


def test_cooccurrence_counts_every_pair_both_ways(overview):
    expected: Counter[tuple[str, str]] = Counter()
    for row in csv_rows():
        for a, b in combinations(sorted(set(tags_of(row))), 2):
            expected[(a, b)] += 1
            expected[(b, a)] += 1
    spec = charts.spec(overview["fig-cooccurrence"])
    rows = layer_values(spec, layer_with(spec, "rect"))
    assert Counter({(r["a"], r["b"]): r["entries"] for r in rows}) == expected
    assert len(rows) == len(expected)
    x = layer_with(spec, "rect")["encoding"]["x"]
    assert x["scale"]["domain"] == BOOK_TAGS, "every tag is on the axes, in book order"
    text = layer_with(spec, "text")
    assert text["encoding"]["text"]["field"] == "entries", "each cell shows its count"


def test_notes_share_per_tag(overview):
    total: Counter[str] = Counter()
    noted: Counter[str] = Counter()
    for row in csv_rows():
        for tag in set(tags_of(row)):
            total[tag] += 1
            noted[tag] += bool(row["notes"].strip())
    spec = charts.spec(overview["fig-notes"])
    rows = layer_values(spec, layer_with(spec, "bar"))
    assert {r["tag"]: (r["noted"], r["entries"]) for r in rows} == {t: (noted[t], total[t]) for t in total}
    for r in rows:
        assert r["share"] == pytest.approx(noted[r["tag"]] / total[r["tag"]], abs=1e-4)
    bar = layer_with(spec, "bar")["encoding"]
    assert bar["x"]["axis"]["format"] == "%"
    tooltip = {t["field"]: t for t in bar["tooltip"]}
    assert tooltip["share"]["format"] == ".0%"
    assert tooltip["entries"]["title"] == "Entries (n)"


@pytest.mark.parametrize("slug", list(CHAPTER_TAGS))
def test_chapter_timeline_counts(frame, topics, slug):
    own = set(CHAPTER_TAGS[slug])
    inside: Counter[str] = Counter()
    rest: Counter[str] = Counter()
    entries = {}
    for row in csv_rows():
        month = month_of(row)
        if month is None:
            continue
        if own & set(tags_of(row)):
            inside[month] += 1
            entries[row["url"]] = row
        else:
            rest[month] += 1
    spec = charts.spec(charts.chapter_timeline(frame, topics, topics.chapter(slug)))
    dots = layer_values(spec, layer_with(spec, "circle"))
    assert Counter(d["date"][:7] for d in dots) == inside
    assert {d["url"] for d in dots} == set(entries)
    for dot in dots:
        row = entries[dot["url"]]
        assert dot["title"] == (row["title"] or f"Untitled entry ({row['id']})")
        assert dot["date"] == row["date"]
        assert dot["tags"] == ", ".join(tags_of(row))
    bar = layer_with(spec, "bar")
    assert {b["month"]: b["entries"] for b in layer_values(spec, bar)} == dict(inside + rest), "the whole list"
    assert bar["encoding"]["y"]["field"] == "entries" and "transform" not in bar


def test_chapter_timeline_loads_the_whole_list(frame, topics):
    """In the book, the grey bars come from one file: a chapter's spec holds only its own entries, so an
    entry added to another chapter leaves it unchanged."""
    rl = topics.chapter("rl")
    url = "../_assets/list-months.json"
    spec = charts.spec(charts.chapter_timeline(frame, topics, rl, url))
    assert layer_with(spec, "bar")["data"] == {"url": url, "format": {"type": "json"}}

    def svg(spec: dict[str, Any]) -> str:
        return re.sub(r"clip\d+", "clip", vl_convert.vegalite_to_svg(spec, charts.VL_VERSION))  # a global counter

    inline = svg(charts.spec(charts.chapter_timeline(frame, topics, rl)))
    assert svg(charts.inline_spec(charts.chapter_timeline(frame, topics, rl, url))) == inline, "the same chart"
    row = {"id": "2511.00001", "title": "A", "url": "https://example.org/a", "date": "2025-11", "tags": "MoE"}
    more = make_frame([*csv_rows(), row])
    assert charts.spec(charts.chapter_timeline(more, topics, rl, url)) == spec
    assert charts.list_months(more) != charts.list_months(frame)
    assert charts.drawn_height(charts.chapter_timeline(frame, topics, rl, url)) == charts.drawn_height(
        charts.chapter_timeline(frame, topics, rl)
    )


@pytest.mark.parametrize("slug", ["rl", "optimizers", "moe"])
def test_a_timeline_keeps_its_height_whatever_the_whole_list_counts(frame, topics, slug):
    """The reserved height is laid out without the whole list's months (so adding an entry to
    one chapter changes no other chapter's page): the chart drawn with any counts is as high, or
    1 px less (the browser tests allow 1 px)."""
    url = "../_assets/list-months.json"
    fig = charts.chapter_timeline(frame, topics, topics.chapter(slug), url)
    reserved = charts.drawn_height(fig)
    months = fig.loaded[url]
    for factor in (1, 2, 3, 5, 7, 11, 13, 17, 29, 100, 1000):
        scaled = [dict(row, entries=row["entries"] * factor) for row in months]
        spec = charts.inline_spec(charts.Figure(fig.id, fig.chart, fig.caption, fig.alt, {url: scaled}))
        scene = vl_convert.vegalite_to_scenegraph(spec, vl_version=charts.VL_VERSION, config=charts.THEMES["light"])
        drawn = scene["height"]
        assert reserved - 1 <= drawn <= reserved, f"counts x{factor}: drawn {drawn} px high, {reserved} px kept"
    other_counts = charts.Figure(fig.id, fig.chart, fig.caption, fig.alt, {url: []})
    assert charts.layout_key(fig) == charts.layout_key(other_counts), "the counts are not laid out"


@pytest.mark.parametrize("slug", list(CHAPTER_TAGS))
def test_chapter_timeline_caption_counts_left_out_entries(frame, topics, slug):
    own = set(CHAPTER_TAGS[slug])
    undated = sum(1 for row in csv_rows() if own & set(tags_of(row)) and not row["date"])
    fig = charts.chapter_timeline(frame, topics, topics.chapter(slug))
    if undated:
        assert f"{undated} {'entry' if undated == 1 else 'entries'} of this chapter with no date" in fig.caption
    else:
        assert "left out" not in fig.caption


@pytest.mark.parametrize("slug", list(CHAPTER_TAGS))
def test_chapter_cooccurrence_counts(frame, topics, slug):
    own = set(CHAPTER_TAGS[slug])
    expected: Counter[str] = Counter()
    n_in = 0
    for row in csv_rows():
        tags = set(tags_of(row))
        if not own & tags:
            continue
        n_in += 1
        for tag in tags:
            if own & (tags - {tag}):
                expected[tag] += 1
    fig = charts.chapter_cooccurrence(frame, topics, topics.chapter(slug))
    spec = charts.spec(fig)
    rows = layer_values(spec, layer_with(spec, "bar"))
    assert {r["tag"]: r["entries"] for r in rows} == dict(expected)
    assert f"{n_in} entr" in fig.caption


def test_untitled_dated_entry_gets_a_readable_label(topics):
    rows = [
        {"id": "untitled-post", "url": "https://example.org/a", "date": "2025-01", "tags": "RL"},
        {
            "id": "2501.00001",
            "title": "Named",
            "url": "https://arxiv.org/abs/2501.00001",
            "date": "2025-01-15",
            "tags": "RL",
        },
    ]
    spec = charts.spec(charts.chapter_timeline(make_frame(rows), topics, topics.chapter("rl")))
    titles = {d["title"] for d in layer_values(spec, layer_with(spec, "circle"))}
    assert titles == {"Untitled entry (untitled-post)", "Named"}


def test_time_charts_leave_out_undated_and_year_only_entries(topics):
    rows = [
        {"id": "a", "title": "A", "url": "https://example.org/a", "date": "2024-03", "tags": "RL"},
        {"id": "b", "title": "B", "url": "https://example.org/b", "date": "", "tags": "RL"},
        {"id": "c", "title": "C", "url": "https://example.org/c", "date": "2023", "tags": "RL"},
    ]
    fig = charts.timeline(make_frame(rows), topics)
    spec = charts.spec(fig)
    assert [(r["month"], r["entries"]) for r in layer_values(spec, layer_with(spec, "bar"))] == [("2024-03", 1)]
    assert "1 entry with no date and 1 entry dated only by year are left out." in fig.caption
    dated_only = charts.timeline(make_frame(rows[:1]), topics)
    assert "left out" not in dated_only.caption


# ---------------------------------------------------------------- valid specs that draw offline


def test_every_spec_is_valid_and_renders_offline(all_figures):
    ids = [fig.id for fig in all_figures]
    assert len(ids) == len(set(ids)), "figure ids are unique across the book"
    for fig in all_figures:
        fig.chart.to_dict(validate=True)
        spec = charts.spec(fig)
        assert spec["description"] == fig.alt
        assert vl_convert.vegalite_to_vega(spec, vl_version=charts.VL_VERSION)["description"] == fig.alt
        svg = vl_convert.vegalite_to_svg(spec, vl_version=charts.VL_VERSION)
        assert svg.startswith("<svg") and "graphics-symbol" in svg, f"{fig.id} draws marks"
        title = spec["title"]
        assert html.escape(title, quote=False) in svg, f"{fig.id} shows its title"
        assert fig.caption and fig.alt and fig.caption != fig.alt


def test_an_empty_list_still_draws(frame, topics):
    empty = frame.iloc[0:0]
    figures = charts.overview_figures(empty, topics) + charts.chapter_figures(empty, topics, topics.chapter("rl"))
    for fig in figures:
        fig.chart.to_dict(validate=True)
        assert vl_convert.vegalite_to_svg(charts.spec(fig), vl_version=charts.VL_VERSION).startswith("<svg")


def test_axes_have_readable_titles(all_figures):
    for fig in all_figures:
        for encoding in encodings(charts.spec(fig)):
            for channel in ("x", "y"):
                if channel in encoding and encoding[channel].get("title", "") is not None:
                    title = encoding[channel].get("title", "")
                    assert title and not re.fullmatch(r"[a-z]+", title), f"{fig.id} {channel} title {title!r}"


# ---------------------------------------------------------------- one color per tag


def test_every_tag_keeps_its_color_in_every_chart(all_figures):
    colors = dict(zip(BOOK_TAGS, charts.PALETTE, strict=False))
    tag_charts = 0
    for fig in all_figures:
        for encoding in encodings(charts.spec(fig)):
            color = encoding.get("color", {})
            if color.get("field") == "tag":
                tag_charts += 1
                assert color["scale"]["domain"] == BOOK_TAGS, fig.id
                assert color["scale"]["range"] == list(colors.values()), fig.id
    assert tag_charts == 3 + len(CHAPTER_TAGS) * 2, "tags, timeline, notes and both chapter charts"


def test_drawn_marks_use_the_tag_color(all_figures):
    """In the rendered SVGs, every mark labelled with a tag is filled with that tag's one color."""
    fills: dict[str, set[str]] = {}
    for fig in all_figures:
        svg = vl_convert.vegalite_to_svg(charts.spec(fig), vl_version=charts.VL_VERSION)
        for label, fill in re.findall(r'<path aria-label="([^"]*)"[^>]*?fill="(#[0-9a-f]{6})"', svg):
            fields = dict(part.split(": ", 1) for part in html.unescape(label).split("; ") if ": " in part)
            if "tag" in fields:
                fills.setdefault(fields["tag"], set()).add(fill)
    assert set(fills) == {t for row in csv_rows() for t in tags_of(row)}
    assert all(len(f) == 1 for f in fills.values()), fills
    one = {tag: next(iter(f)) for tag, f in fills.items()}
    assert len(set(one.values())) == len(one), "different tags, different colors"


def test_palette_has_a_distinct_color_for_every_tag(topics):
    assert len(charts.PALETTE) >= 19
    assert len(set(c.lower() for c in charts.PALETTE)) == len(charts.PALETTE)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in charts.PALETTE)
    colors = charts.tag_colors(topics)
    assert list(colors) == BOOK_TAGS
    assert len(set(colors.values())) == len(BOOK_TAGS)
    assert charts.REST_COLOR not in colors.values()


def test_more_tags_than_colors_is_an_error():
    from readinglist.topics import parse_topics

    lines = ["tag,slug,description,chapter,chapter_title,part"]
    lines += [f"T{i},t{i},Tag {i}.,c{i},C {i},P" for i in range(len(charts.PALETTE) + 1)]
    with pytest.raises(ValueError, match="PALETTE"):
        charts.tag_colors(parse_topics("\n".join(lines) + "\n"))


# ---------------------------------------------------------------- tooltips and links


def test_entry_marks_have_title_tooltips_and_open_the_paper(all_figures):
    entry_layers = 0
    for fig in all_figures:
        spec = charts.spec(fig)
        for layer in layers(spec):
            encoding = layer.get("encoding", {})
            tooltip = {t["field"] for t in encoding.get("tooltip", [])}
            assert tooltip, f"{fig.id}: every mark has a tooltip"
            if "href" in encoding:
                entry_layers += 1
                assert encoding["href"]["field"] == "url"
                assert {"title", "date", "tags"} <= tooltip
                rows = layer_values(spec, layer)
                assert all(r["url"].startswith(("https://", "http://")) for r in rows)
            else:
                assert "title" not in tooltip and "url" not in tooltip
    assert entry_layers == len(CHAPTER_TAGS)


def test_aggregate_marks_have_count_tooltips(overview):
    for fig_id, field in [("fig-tags", "entries"), ("fig-timeline", "entries"), ("fig-cooccurrence", "entries")]:
        spec = charts.spec(overview[fig_id])
        assert any(t["field"] == field for e in encodings(spec) for t in e.get("tooltip", [])), fig_id


def test_embedded_data_holds_only_what_the_charts_use(all_figures):
    for fig in all_figures:
        spec = charts.spec(fig)
        for layer in layers(spec):
            for row in layer_values(spec, layer)[:1]:
                assert not {"abstract", "notes", "authors", "links", "categories", "review"} & set(row), fig.id


# ---------------------------------------------------------------- HTML: inert whatever the text


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.starts: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))


def script_spec(out: str, div_id: str) -> dict[str, Any]:
    """The spec of the chart ``div_id``: the JSON of its ``<script type="application/json">``."""
    opening = f'<script type="application/json" id="{div_id}-spec">'
    start = out.index(opening) + len(opening)
    return json.loads(out[start : out.index("</script>", start)])


def check_inert(out: str, fig: charts.Figure, div_id: str) -> dict[str, Any]:
    assert out.count("<script") == 1 and out.lower().count("</script") == 1
    body = out[out.index(">", out.index("<script")) + 1 : out.rindex("</script>")]
    assert "<" not in body and ">" not in body, "no markup inside the script"
    assert "{{<" not in out, "no Quarto shortcode"
    parser = _Parser()
    parser.feed(out)
    assert [tag for tag, _ in parser.starts] == ["div", "script"]
    attrs = parser.starts[0][1]
    assert attrs["id"] == div_id and attrs["role"] == "img" and attrs["class"] == "chart"
    assert attrs["aria-label"] == re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", fig.alt), "control characters become spaces"
    assert re.fullmatch(r"min-height: \d+px", attrs["style"])
    assert parser.starts[1][1] == {"type": "application/json", "id": f"{div_id}-spec"}, "data, never run"
    assert "\n" not in out.split("</div>")[0], "the attribute stays on one line"
    spec = script_spec(out, div_id)
    assert spec["description"] == fig.alt
    return spec


HOSTILE = [
    "</script><script>alert(1)</script>",
    "<!-- <script>",
    "{{< pagebreak >}}",
    "$x$ and $$y$$ \\(z\\)",
    "\"quotes\" & 'apostrophes' `ticks` ```",
    "::: {#fig-evil}",
    "\u2028line\u2029separators",
    "",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60)))
def test_embed_html_is_inert_for_any_title(title):
    topics = load_topics(DATA / "topics.csv")
    rows = [{"id": "evil-entry", "title": title, "url": "https://example.org/x", "date": "2025-02", "tags": "RL"}]
    fig = charts.chapter_timeline(make_frame(rows), topics, topics.chapter("rl"))
    hostile = charts.Figure(fig.id, fig.chart, caption=title + " caption", alt=title + " alt")
    for figure in (fig, hostile):
        out = charts.embed_html(figure, height=200)  # the height is the layout's (tested below), not the text's
        spec = check_inert(out, figure, figure.id)
        titles = [r.get("title") for name, rows in spec["datasets"].items() for r in rows if "title" in r]
        assert titles == [title if title.strip() else "Untitled entry (evil-entry)"]


def test_embed_html_shape(overview):
    fig = overview["fig-tags"]
    out = charts.embed_html(fig)
    assert out.startswith('<div id="fig-tags" class="chart" role="img" aria-label="')
    assert f'style="min-height: {charts.drawn_height(fig)}px"></div>' in out
    assert script_spec(out, "fig-tags") == json.loads(json.dumps(charts.spec(fig)))
    assert "vegaEmbed" not in out, "drawn by the page's loader, not by a script of its own"


def test_charts_follow_their_container_and_the_matrix_fits_a_phone(all_figures, overview):
    for fig in all_figures:
        spec = charts.spec(fig)
        if fig.id == "fig-cooccurrence":
            assert spec["width"] == spec["height"] <= charts.MATRIX_SIDE, "square cells, narrower than a phone"
        else:
            assert spec["width"] == "container", fig.id
    assert charts.spec(overview["fig-cooccurrence"])["width"] == min(16 * len(BOOK_TAGS), charts.MATRIX_SIDE)


def test_text_colors_come_from_the_theme(all_figures):
    """No text mark has a fixed color (dark text would vanish on the dark theme), except where the color
    encodes the cell it is written on (the matrix's numbers)."""
    for fig in all_figures:
        for layer in layers(charts.spec(fig)):
            if mark_type(layer) == "text" and "color" not in layer.get("encoding", {}):
                mark = layer["mark"] if isinstance(layer["mark"], dict) else {}
                assert "color" not in mark and "fill" not in mark, fig.id


def test_the_themes_differ_only_in_colors():
    """The dark theme changes colors only, so a chart has the same size in both (drawn_height holds)."""

    def sizes(config: Any) -> Any:
        if isinstance(config, dict):
            return {k: sizes(v) for k, v in config.items() if "color" not in k.lower() and k != "stroke"}
        return config

    assert set(charts.THEMES) == {"light", "dark"}
    assert sizes(charts.THEMES["light"]) == sizes(charts.THEMES["dark"])
    assert charts.THEMES["light"] != charts.THEMES["dark"]
    for theme in charts.THEMES.values():
        for part in ("axis", "legend"):
            assert theme[part]["labelFontSize"] >= 10 and theme[part]["titleFontSize"] >= 10, "no text under 10 px"


def test_drawn_height_is_the_layout_height(overview, frame, topics):
    tags = overview["fig-tags"]
    bars = 20 * len(BOOK_TAGS)  # one 20 px band per tag
    assert bars < charts.drawn_height(tags) < bars + 120, "the bars, their axis and the title"
    timeline = charts.spec(overview["fig-timeline"])
    assert timeline["height"] < charts.drawn_height(overview["fig-timeline"]) < timeline["height"] + 250
    one_tag = charts.chapter_timeline(frame, topics, topics.chapter("rl"))
    three_tags = charts.chapter_timeline(frame, topics, topics.chapter("finetuning"))
    assert charts.drawn_height(three_tags) > charts.drawn_height(one_tag), "a legend under the plot"


def test_loader_html_is_inert_and_carries_the_themes():
    out = charts.loader_html("../_assets/vega-bundle.js")
    assert out.startswith("<script>\n") and out.endswith("\n</script>") and out.count("</script") == 1
    assert 'var BUNDLE = "../_assets/vega-bundle.js"' in out
    assert json.dumps(charts.EMBED_OPTIONS, separators=(",", ":")) in out
    assert charts.script_json(charts.THEMES) in out
    assert "IntersectionObserver" in out and "quarto-dark" in out
    hostile = charts.loader_html('x</script><script>alert(1)</script>"')
    assert hostile.count("</script") == 1 and "<script>alert" not in hostile


# ---------------------------------------------------------------- Markdown for Quarto


def pandoc_ast(markdown: str) -> dict[str, Any]:
    pypandoc = pytest.importorskip("pypandoc")
    return json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))


def plain_inlines(inlines: list[dict[str, Any]]) -> str:
    """The text of inlines that must all be plain words and spaces (no emphasis, math, links...)."""
    text = []
    for node in inlines:
        assert node["t"] in ("Str", "Space", "SoftBreak"), f"caption parsed as {node['t']}"
        text.append(node["c"] if node["t"] == "Str" else " ")
    return "".join(text)


def check_figure_block(fig: charts.Figure) -> None:
    blocks = pandoc_ast(charts.figure_markdown(fig))["blocks"]
    assert len(blocks) == 1 and blocks[0]["t"] == "Div"
    (div_id, _classes, _attrs), content = blocks[0]["c"]
    assert div_id == fig.id
    assert [b["t"] for b in content] == ["RawBlock", "Para"], "the chart, then the caption as last paragraph"
    fmt, raw = content[0]["c"]
    assert fmt == "html"
    assert raw == charts.embed_html(fig, f"{fig.id}-chart")
    assert plain_inlines(content[1]["c"]) == " ".join(fig.caption.split())


def test_figure_markdown_is_a_quarto_figure(all_figures):
    for fig in all_figures[:6]:
        check_figure_block(fig)
    md = charts.figure_markdown(all_figures[0])
    assert md.startswith(f"::: {{#{all_figures[0].id}}}\n") and md.rstrip().endswith(":::")
    assert f'<div id="{all_figures[0].id}-chart"' in md, "the chart div does not reuse the figure's id"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(caption=st.one_of(st.sampled_from(HOSTILE[:-1]), st.text(st.characters(codec="ascii"), min_size=1, max_size=40)))
def test_figure_markdown_caption_is_literal(overview, caption):
    if not caption.strip():
        caption = "x"
    fig = overview["fig-notes"]
    check_figure_block(charts.Figure(fig.id, fig.chart, caption, caption))


def test_figure_ids_are_slugs():
    with pytest.raises(ValueError):
        charts.Figure("fig tags", None, "c", "a")


# ---------------------------------------------------------------- files


def test_write_vega_bundle_rewrites_only_on_change(tmp_path):
    path = charts.write_vega_bundle(tmp_path / "js" / "vega-bundle.js")
    text = path.read_text(encoding="utf-8")
    assert "vegaEmbed" in text and "https://cdn" not in text
    before = path.stat().st_mtime_ns, path.stat().st_ino
    assert charts.write_vega_bundle(path) == path
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before
    path.write_text("stale", encoding="utf-8")
    charts.write_vega_bundle(path)
    assert path.read_text(encoding="utf-8") == text


def test_write_chart_pages(tmp_path, frame, topics, overview):
    paths = charts.write_chart_pages(frame, topics, tmp_path)
    names = [p.name for p in paths]
    assert names == ["vega-bundle.js", "overview.html", *[f"{slug}.html" for slug in CHAPTER_TAGS]]
    page = (tmp_path / "overview.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page and "<title>Overview</title>" in page
    assert "<script src=" not in page, "the bundle is loaded by the loader, when a chart comes near the view"
    assert page.rindex('<div id="fig-') < page.index('var BUNDLE = "vega-bundle.js"')
    parser = _Parser()
    parser.feed(page)
    ids = [attrs["id"] for tag, attrs in parser.starts if tag == "div"]
    assert ids == list(overview)
    for fig in overview.values():
        assert f"<figcaption>{html.escape(fig.caption)}</figcaption>" in page
    assert "http://" not in page.split("<main>")[0] and "https://" not in page.split("<main>")[0]
