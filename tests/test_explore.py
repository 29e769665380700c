"""The notebook helpers: the entries table against papers.csv, the explorer chart's spec and the
offline renderer.

Expected rows are computed here from the CSV files with the csv module, not with the package.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import altair as alt
import pandas as pd
import pytest
import vl_convert

from readinglist import charts, explore
from readinglist.book import Book
from readinglist.text import escape

from .conftest import DATA
from .expected import chapter_slugs, csv_rows, tags_of
from .expected import newest_first as expected_order

# ---------------------------------------------------------------- expectations from the CSV files


def padded(date: str) -> str:
    """``2025`` -> ``2025-01-01``, ``2025-06`` -> ``2025-06-01``: the first day of the period."""
    return (date + "-01-01"[len(date) - 4 :]) if date else ""


def newest_first(rows: list[dict[str, str]]) -> list[str]:
    """Ids by date, newest first, ties in file order, undated last."""
    return [r["id"] for r in expected_order(rows)]


def expected(
    tags: list[str] | None = None, since: str | None = None, until: str | None = None, text: str | None = None
) -> list[str]:
    kept = []
    for row in csv_rows():
        if tags is not None and not set(tags) & set(tags_of(row)):
            continue
        if (since or until) and not row["date"]:
            continue
        if since and padded(row["date"]) < padded(since):
            continue
        if until and padded(row["date"])[: len(until)] > until:
            continue
        if text:
            haystack = " ".join(row[c] for c in ("title", "authors", "abstract", "notes")).lower()
            if not all(word in haystack for word in text.lower().split()):
                continue
        kept.append(row)
    return newest_first(kept)


@pytest.fixture(scope="module")
def book() -> Book:
    return Book.load(DATA)


# ---------------------------------------------------------------- the entries table


def test_no_filter_lists_every_entry_newest_first(book):
    table = explore.entries_table(book.frame)
    assert list(table["id"]) == expected()
    assert list(table.columns) == list(explore.TABLE_COLUMNS)
    assert list(table.index) == list(range(len(table)))


@pytest.mark.parametrize("tags", [["RL"], ["MoE", "Inference"], ["Pretrain", "Quantization", "Dataset"]])
def test_filter_by_tags(book, tags):
    ids = list(explore.entries_table(book.frame, tags=tags, topics=book.topics)["id"])
    assert ids == expected(tags=tags)
    assert ids


def test_a_single_tag_may_be_a_string(book):
    assert list(explore.entries_table(book.frame, tags="RL")["id"]) == expected(tags=["RL"])


@pytest.mark.parametrize(
    ("since", "until"),
    [("2025-07", None), (None, "2024"), ("2025", "2025-06"), ("2025-06-15", "2025-08-31"), ("2025-06", "2025-06")],
)
def test_filter_by_date_bounds_are_inclusive_periods(book, since, until):
    ids = list(explore.entries_table(book.frame, since=since, until=until)["id"])
    assert ids == expected(since=since, until=until)
    assert ids


def test_a_whole_month_is_kept_by_until_and_no_undated_entry_by_any_bound(book):
    rows = csv_rows()
    month = max(r["date"][:7] for r in rows if r["date"])
    in_month = {r["id"] for r in rows if r["date"].startswith(month)}
    table = explore.entries_table(book.frame, since=month, until=month)
    assert set(table["id"]) == in_month
    undated = {r["id"] for r in rows if not r["date"]}
    assert undated, "the data has entries with no date"
    assert not undated & set(explore.entries_table(book.frame, since="1900")["id"])


@pytest.mark.parametrize("text", ["attention sink", "REINFORCEMENT", "policy optimization", "GRPO"])
def test_filter_by_text_needs_every_word(book, text):
    ids = list(explore.entries_table(book.frame, text=text)["id"])
    assert ids == expected(text=text)
    assert ids


def test_filters_combine(book):
    args: dict[str, Any] = {"tags": ["RL", "Data Eng"], "since": "2025-03", "until": "2025-09", "text": "reasoning"}
    ids = list(explore.entries_table(book.frame, topics=book.topics, **args)["id"])
    assert ids == expected(**args)
    assert ids


def test_table_values_are_the_csv_values(book):
    by_id = {r["id"]: r for r in csv_rows()}
    for row in explore.entries_table(book.frame).to_dict("records"):
        source = by_id[row["id"]]
        assert row["date"] == source["date"]
        assert row["title"] == (source["title"] or f"Untitled entry ({source['id']})")
        assert row["tags"] == ", ".join(tags_of(source))
        assert row["kind"] == source["kind"]
        assert row["url"] == source["url"]
        assert row["notes"] == bool(source["notes"].strip())


def test_unknown_tag_and_bad_dates_are_errors(book):
    with pytest.raises(ValueError, match="did you mean 'RL'"):
        explore.entries_table(book.frame, tags=["rl"], topics=book.topics)
    for bad in ("2025-13", "June 2025", "2025-02-30"):
        with pytest.raises(ValueError, match="YYYY, YYYY-MM or YYYY-MM-DD"):
            explore.entries_table(book.frame, since=bad)


def test_no_match_gives_an_empty_table_with_the_columns(book):
    table = explore.entries_table(book.frame, text="zzz-no-such-word")
    assert table.empty
    assert list(table.columns) == list(explore.TABLE_COLUMNS)


# ---------------------------------------------------------------- the explorer chart


def test_explorer_rows_are_one_per_dated_entry_and_tag(book):
    want = []
    for row in csv_rows():
        if len(row["date"]) < 7:  # no date, or only a year
            continue
        for tag in tags_of(row) or [explore.UNTAGGED]:
            want.append((row["id"], tag, row["date"], row["title"] or f"Untitled entry ({row['id']})"))
    rows = explore.explorer_rows(book.frame, book.topics)
    got = [(r["id"], r["tag"], r["date"], r["title"]) for r in rows]
    assert sorted(got) == sorted(want)
    ranks = {r["id"]: r["rank"] for r in rows}
    order = [i for i in newest_first(csv_rows()) if i in ranks]
    assert sorted(ranks, key=ranks.__getitem__) == order


def spec_views(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {view["name"]: view for view in spec["vconcat"]}


def filters(view: dict[str, Any]) -> list[Any]:
    return [t["filter"] for t in view.get("transform", []) if "filter" in t]


def test_explorer_is_valid_vega_lite_with_its_selections(book):
    chart = explore.explorer(book.frame, book.topics)
    spec = chart.to_dict(validate=True)
    assert spec["$schema"] == alt.SCHEMA_URL
    params = {p["name"]: p for p in spec["params"]}
    assert set(params) == {"picked_tags", "period", "search_text"}
    assert params["picked_tags"]["select"] == {"type": "point", "fields": ["tag"]}
    assert params["picked_tags"]["bind"] == "legend"
    assert params["picked_tags"]["views"] == ["timeline"]
    assert params["period"]["select"] == {"type": "interval", "encodings": ["x"]}
    assert params["period"]["views"] == ["timeline"]
    assert params["search_text"]["bind"]["input"] == "search"
    assert params["search_text"]["value"] == ""

    views = spec_views(spec)
    assert list(views) == ["timeline", "per_tag", "count", "list"]
    timeline = views["timeline"]["encoding"]
    assert timeline["color"]["field"] == "tag"
    assert timeline["color"]["legend"] is not None
    assert {"field": "title", "title": "Title", "type": "nominal"} in timeline["tooltip"]
    assert timeline["opacity"]["condition"][0]["param"] == "picked_tags"
    assert filters(views["per_tag"]) == [{"param": "period"}]
    for name in ("count", "list"):
        calculated = [t["calculate"] for t in views[name]["transform"] if t.get("as") == "hit"]
        assert calculated == [f"({explore.MATCH}) ? 1 : 0"]
        for param in params:
            assert param in explore.MATCH
    assert views["list"]["encoding"]["href"]["field"] == "url"

    (dataset,) = spec["datasets"].values()
    assert dataset == explore.explorer_rows(book.frame, book.topics)
    vega = vl_convert.vegalite_to_vega(spec, vl_version=charts.VL_VERSION)
    signals = {s["name"] for s in vega.get("signals", [])}
    assert {"search_text", "picked_tags", "picked_tags_tag_legend", "period"} <= signals
    assert [m["name"] for m in vega["marks"]] == ["timeline_group", "per_tag_group", "count_group", "list_group"]


def drawn(spec: dict[str, Any], **values: Any) -> tuple[str, list[str]]:
    """Draw the explorer with initial parameter values; return its count line and its list lines."""
    spec = json.loads(json.dumps(spec))
    for param in spec["params"]:
        if param["name"] in values:
            param["value"] = values[param["name"]]
    svg = vl_convert.vegalite_to_svg(spec, vl_version=charts.VL_VERSION)
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    (count,) = [t for t in texts if re.fullmatch(r"\d+ entr(y matches|ies match).*", t)]
    return count, [t for t in texts if re.match(r"\d{4}-\d\d(-\d\d)?   ", t)]


def test_explorer_list_follows_the_tags_period_and_search(book):
    spec = explore.explorer(book.frame, book.topics).to_dict()
    dated = [r for r in csv_rows() if len(r["date"]) >= 7]
    count, lines = drawn(spec)
    assert count == f"{len(dated)} entries match; the newest {explore.LIST_ROWS} are listed"
    assert len(lines) == explore.LIST_ROWS

    march, august = ({"year": 2025, "month": m, "date": 1, "utc": True} for m in (3, 8))
    count, lines = drawn(
        spec,
        picked_tags=[{"tag": "RL"}, {"tag": "MoE"}],
        period={"x": [march, august]},
        search_text=" RE ",
    )
    by_id = {r["id"]: r for r in dated}
    want = [
        by_id[i]
        for i in newest_first(dated)
        if {"RL", "MoE"} & set(tags_of(by_id[i]))
        and "2025-03" <= by_id[i]["date"][:7] <= "2025-08"
        and "re" in f"{by_id[i]['title']} {by_id[i]['authors']}".lower()
    ]
    assert count == f"{len(want)} entries match"
    assert len(lines) == len(want)
    for line, row in zip(lines, want, strict=True):
        assert f"{row['date']}   {row['title']}".startswith(line.removesuffix("…"))

    count, lines = drawn(spec, search_text="zzz-no-such-word")
    assert (count, lines) == ("0 entries match", [])


def test_chart_names_are_not_counters(book):
    """Altair numbers unnamed views and parameters in creation order; stored outputs must not
    depend on what ran before, so every name is given."""
    alt.Chart(pd.DataFrame({"x": [1]})).mark_point().add_params(alt.selection_point()).to_dict()
    text = json.dumps(explore.explorer(book.frame, book.topics).to_dict())
    assert not re.search(r'"(view|param)_\d+"', text)


# ---------------------------------------------------------------- rendering and chapter figures


def test_renderer_sends_a_vega_spec_jupyterlab_draws_and_a_text_description(book):
    fig = charts.entries_per_tag(book.frame, book.topics)
    spec = fig.chart.to_dict()
    bundle = explore.vega_mimebundle(spec)
    assert set(bundle) == {explore.VEGA_MIME_TYPE, "text/plain"}
    vega = bundle[explore.VEGA_MIME_TYPE]
    assert vega["$schema"].startswith("https://vega.github.io/schema/vega/")
    assert vega["description"] == fig.alt
    assert bundle["text/plain"] == f"Entries per tag\n\n{fig.alt}"
    assert json.dumps(explore.vega_mimebundle(spec), sort_keys=True) == json.dumps(bundle, sort_keys=True)
    values = [row for data in vega["data"] for row in data.get("values", [])]
    assert {"tag": "RL", "entries": sum("RL" in tags_of(r) for r in csv_rows())} in values


def test_describe_handles_every_title_form():
    assert explore.describe({"title": {"text": "A"}, "description": "B"}) == "A\n\nB"
    assert explore.describe({"title": ["A", "b"]}) == "A b"
    assert explore.describe({}) == "A Vega chart"


@pytest.fixture
def renderer_restored():
    active = alt.renderers.active
    with pd.option_context("display.max_colwidth", 50, "display.max_rows", 60):
        yield
    alt.renderers.enable(active)


def test_setup_enables_the_renderer_and_full_titles(book, renderer_restored):
    explore.setup()
    assert alt.renderers.active == explore.RENDERER
    assert pd.get_option("display.max_colwidth") is None
    bundle = explore.explorer(book.frame, book.topics)._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert explore.VEGA_MIME_TYPE in data
    assert not any("html" in key or "vegalite" in key for key in data)


@pytest.mark.parametrize("slug", chapter_slugs())
def test_chapter_figures_are_the_ones_the_chapter_embeds(book, slug):
    page = book.chapter_page(slug)
    figures = page.figure_list()
    printed = page.charts()
    folder = "../_assets/charts"
    positions = [
        printed.index(charts.figure_markdown(fig, f"{folder}/{fig.id}.png", first_paint="../")) for fig in figures
    ]
    assert positions == sorted(positions)
    assert printed.count("::: {#fig-") == len(figures)


def test_show_figures_displays_each_chart_then_its_caption(book, monkeypatch):
    shown: list[Any] = []
    monkeypatch.setattr(explore, "display", shown.append)
    figures = charts.overview_figures(book.frame, book.topics)
    explore.show_figures(figures)
    assert shown[0::2] == [fig.chart for fig in figures]
    assert [m.data for m in shown[1::2]] == [f"*{escape(fig.caption)}*" for fig in figures]
