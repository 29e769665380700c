"""What the notebooks in ``notebooks/`` use: an offline chart renderer, a filterable entries table,
the interactive explorer chart and a chapter's figures.

Charts are drawn by JupyterLab itself, with no network: :func:`setup` enables an Altair renderer
that compiles each chart in the kernel, with vl-convert and the book's Vega-Lite version, to a
Vega spec sent as ``application/vnd.vega.v5+json``, a type JupyterLab draws natively. (Altair 6's
own ``mimetype`` renderer sends ``application/vnd.vegalite.v6.json``, which JupyterLab 4 does not
draw; its default ``html`` renderer loads Vega from a CDN.) The output is a plain JSON spec, so the
same data always gives the same output and nbval compares it in full.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import altair as alt
import pandas as pd
import vl_convert
from IPython.display import Markdown, display

from . import charts
from .charts import Figure
from .entries import has_tags, newest_first
from .store import LIST_COLUMNS, format_date, parse_date
from .text import escape
from .topics import Topics

#: The Altair renderer registered by :func:`setup`.
RENDERER = "readinglist-vega"
#: The output type JupyterLab draws with its built-in Vega 5 renderer.
VEGA_MIME_TYPE = "application/vnd.vega.v5+json"
#: The tag given to entries without any tag in the explorer chart.
UNTAGGED = "no tag"
#: How many entries the explorer's list shows (the newest that match).
LIST_ROWS = 25
#: The explorer list's test of an entry-tag row: its tag is picked, its month is in the brushed
#: period and its title or authors contain the search box's text (ignoring case).
MATCH = (
    "(!isValid(picked_tags.tag) || indexof(picked_tags.tag, datum.tag) >= 0)"
    " && (!isValid(period.month) || inrange(datum.month, period.month))"
    " && indexof(lower(datum.title + ' ' + datum.authors), lower(trim(search_text))) >= 0"
)
#: What :func:`matches` searches for the ``text`` filter.
TEXT_COLUMNS = ("title", "authors", "abstract", "notes")
#: The columns of :func:`entries_table`.
TABLE_COLUMNS = ("date", "title", "tags", "kind", "notes", "id", "url")


# ---------------------------------------------------------------- rendering


def vega_mimebundle(spec: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    """An Altair renderer: the chart compiled to Vega, plus its title and description as text.

    ``metadata`` (Altair's renderer options) is accepted and ignored."""
    vega = vl_convert.vegalite_to_vega(spec, vl_version=charts.VL_VERSION)
    return {VEGA_MIME_TYPE: vega, "text/plain": describe(spec)}


def describe(spec: dict[str, Any]) -> str:
    """A chart's title and description, shown where Vega cannot be drawn (and compared by nbval)."""
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        title = " ".join(title)
    parts = [str(part) for part in (title, spec.get("description", "")) if part]
    return "\n\n".join(parts) or "A Vega chart"


def setup() -> None:
    """Prepare a notebook: draw Altair charts offline (see the module docstring) and show tables
    without truncating titles."""
    alt.renderers.register(RENDERER, vega_mimebundle)
    alt.renderers.enable(RENDERER)
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_rows", 200)


def show_figures(figures: Iterable[Figure]) -> None:
    """Display each figure's chart, then its caption."""
    for fig in figures:
        display(fig.chart)
        display(Markdown(f"*{escape(fig.caption)}*"))


# ---------------------------------------------------------------- the entries table


def _period(value: str, name: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first day and the day after the last of ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    parsed = parse_date(value)
    if parsed is None:
        raise ValueError(f"{name}={value!r}: expected a date YYYY, YYYY-MM or YYYY-MM-DD")
    start, precision = parsed
    step = {"year": pd.DateOffset(years=1), "month": pd.DateOffset(months=1), "day": pd.DateOffset(days=1)}
    return start, start + step[precision]


def matches(
    frame: pd.DataFrame,
    tags: Sequence[str] | str | None = None,
    since: str | None = None,
    until: str | None = None,
    text: str | None = None,
    topics: Topics | None = None,
) -> pd.Series:
    """Mask of the entries that pass every filter given (a filter left at ``None`` passes all).

    - ``tags``: the entry carries at least one of them (a tag or a list of tags). With ``topics``,
      an unknown tag raises :class:`ValueError` naming the nearest known one.
    - ``since`` / ``until``: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, both inclusive: ``until="2025-06"``
      keeps all of June. An entry dated by month or year counts as the first day of its period;
      entries with no date are left out by either bound.
    - ``text``: every word of it appears, ignoring case, in the title, authors, abstract or notes.
    """
    mask = pd.Series(True, index=frame.index)
    if tags is not None:
        wanted = [tags] if isinstance(tags, str) else list(tags)
        if topics is not None:
            for tag in wanted:
                if tag not in topics.tags:
                    raise ValueError(f"unknown tag {tag!r}: expected {topics.unknown_tag_message(tag)}")
        mask &= has_tags(frame, wanted)
    if since is not None:
        mask &= frame["date"].notna() & (frame["date"] >= _period(since, "since")[0])
    if until is not None:
        mask &= frame["date"].notna() & (frame["date"] < _period(until, "until")[1])
    if text is not None:
        fields = [frame[c].map(" ".join) if c in LIST_COLUMNS else frame[c] for c in TEXT_COLUMNS]
        haystack = fields[0].str.cat(fields[1:], sep="\n").str.lower()
        for word in text.lower().split():
            mask &= haystack.str.contains(word, regex=False)
    return mask


def entries_table(frame: pd.DataFrame, **filters: Any) -> pd.DataFrame:
    """The entries that pass the filters of :func:`matches` (``tags``, ``since``, ``until``,
    ``text``, ``topics``), newest first (undated last, ties in the file's order), as a table to
    read: ``date`` as written in the file, ``tags`` joined with commas, ``notes`` whether the
    curator wrote any."""
    rows = newest_first(frame[matches(frame, **filters)])
    table = pd.DataFrame(
        {
            "date": [format_date(d, p) for d, p in zip(rows["date"], rows["date_precision"], strict=True)],
            "title": [charts.entry_label(t, i) for t, i in zip(rows["title"], rows["id"], strict=True)],
            "tags": rows["tags"].map(", ".join),
            "kind": rows["kind"],
            "notes": rows["notes"].str.strip() != "",
            "id": rows["id"],
            "url": rows["url"],
        },
        columns=list(TABLE_COLUMNS),
    )
    return table.reset_index(drop=True)


# ---------------------------------------------------------------- the explorer chart


def explorer_rows(frame: pd.DataFrame, topics: Topics) -> list[dict[str, Any]]:
    """The explorer's data: one row per dated entry and tag (entries with no tag get
    :data:`UNTAGGED`), newest first; ``rank`` is the entry's place in :func:`entries_table`'s order.
    Entries with no date or only a year are left out, as in the book's time charts."""
    known = set(topics.tags)
    rows = []
    for rank, row in enumerate(newest_first(frame).to_dict("records"), start=1):
        if pd.isna(row["date"]) or row["date_precision"] not in ("month", "day"):
            continue
        entry_tags = list(dict.fromkeys(row["tags"]))
        unknown = [t for t in entry_tags if t not in known]
        if unknown:
            raise ValueError(f"unknown tag(s) {', '.join(map(repr, unknown))}: not in the topics file")
        for tag in entry_tags or [UNTAGGED]:
            rows.append(
                {
                    "id": row["id"],
                    "rank": rank,
                    "title": charts.entry_label(row["title"], row["id"]),
                    "date": format_date(row["date"], row["date_precision"]),
                    "tag": tag,
                    "tags": ", ".join(entry_tags) or UNTAGGED,
                    "kind": row["kind"],
                    "authors": "; ".join(row["authors"]),
                    "url": row["url"],
                }
            )
    return rows


def _explorer_colors(topics: Topics) -> alt.Scale:
    colors = charts.tag_colors(topics)
    return alt.Scale(domain=[*colors, UNTAGGED], range=[*colors.values(), charts.REST_COLOR])


def explorer(frame: pd.DataFrame, topics: Topics) -> alt.VConcatChart:
    """An interactive chart of the list, drawn without the kernel once displayed.

    - ``timeline``: one dot per dated entry and tag, by month, with the entry's title, date and tags
      as a tooltip. Click a tag in the legend to pick it, shift-click to add or remove one (the
      ``picked_tags`` parameter; none picked keeps every tag); drag across the dots to pick a
      period, double-click to clear it (``period``).
    - ``per_tag``: entries per tag in the selected period.
    - ``count`` and ``list``: how many entries match the tags, the period and the search box
      (``search_text``, matched against titles and authors, ignoring case), then the newest
      :data:`LIST_ROWS` of them; click a line to open the entry.
    """
    rows = explorer_rows(frame, topics)
    order = [*topics.tags, UNTAGGED]
    picked = alt.selection_point(name="picked_tags", fields=["tag"], bind="legend")
    period = alt.selection_interval(name="period", encodings=["x"])
    search = alt.param(
        name="search_text",
        value="",
        bind=alt.binding(input="search", placeholder="text in a title or an author", name="Search "),
    )
    base = alt.Chart({"values": rows}).transform_calculate(
        month="utc(toNumber(substring(datum.date, 0, 4)), toNumber(substring(datum.date, 5, 7)) - 1, 1)"
    )
    month_x = alt.X("month:T", title="Month", scale=alt.Scale(type="utc"), axis=alt.Axis(format="%b %Y"))
    timeline = (
        base.transform_window(slot="row_number()", groupby=["month"], sort=[alt.SortField("rank", order="descending")])
        .mark_circle(size=70, stroke="white", strokeWidth=0.5)
        .encode(
            x=month_x,
            y=alt.Y("slot:Q", title="Entries (once per tag)", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("tag:N", scale=_explorer_colors(topics), sort=order, legend=alt.Legend(title="Tag")),
            opacity=alt.when(picked).then(alt.value(1.0)).otherwise(alt.value(0.15)),
            tooltip=[
                alt.Tooltip("title:N", title="Title"),
                alt.Tooltip("date:N", title="Date"),
                alt.Tooltip("tags:N", title="Tags"),
                alt.Tooltip("kind:N", title="Kind"),
            ],
        )
        .add_params(picked, period)
        .properties(name="timeline", width=charts.WIDTH, height=220, title="Entries per month: pick tags and a period")
    )
    per_tag = (
        base.transform_filter(period)
        .mark_bar()
        .encode(
            y=alt.Y("tag:N", sort=order, title="Tag"),
            x=alt.X("count():Q", title="Entries in the selected period", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("tag:N", scale=_explorer_colors(topics), legend=None),
            opacity=alt.when(picked).then(alt.value(1.0)).otherwise(alt.value(0.3)),
            tooltip=[alt.Tooltip("tag:N", title="Tag"), alt.Tooltip("count():Q", title="Entries")],
        )
        .properties(name="per_tag", width=charts.WIDTH, height=alt.Step(14), title="Entries per tag in the period")
    )
    # The list's filter as an expression, rather than filters on the parameters, so that the count
    # still has rows (and says 0) when nothing matches. An empty selection keeps every entry.
    chosen = base.transform_calculate(hit=f"({MATCH}) ? 1 : 0")
    count = (
        chosen.transform_aggregate(hit="max(hit)", groupby=["id"])
        .transform_aggregate(entries="sum(hit)")
        .transform_calculate(
            label=f"datum.entries + (datum.entries == 1 ? ' entry matches' : ' entries match')"
            f" + (datum.entries > {LIST_ROWS} ? '; the newest {LIST_ROWS} are listed' : '')"
        )
        .mark_text(align="left", fontWeight="bold", x=0)
        .encode(text="label:N")
        .properties(name="count", width=charts.WIDTH, height=16)
    )
    listing = (
        chosen.transform_filter("datum.hit")
        .transform_aggregate(groupby=["id", "rank", "date", "title", "tags", "url"])
        .transform_window(line="row_number()", sort=[alt.SortField("rank", order="ascending")])
        .transform_filter(f"datum.line <= {LIST_ROWS}")
        .transform_calculate(text="datum.date + '   ' + datum.title")
        .mark_text(align="left", x=0, limit=charts.WIDTH, cursor="pointer")
        .encode(
            y=alt.Y("line:O", axis=None),
            text="text:N",
            href=alt.Href("url:N"),
            tooltip=[
                alt.Tooltip("title:N", title="Title"),
                alt.Tooltip("date:N", title="Date"),
                alt.Tooltip("tags:N", title="Tags"),
            ],
        )
        .properties(name="list", width=charts.WIDTH, height=alt.Step(16))
    )
    dated = len({r["id"] for r in rows})
    left_out = len(frame) - dated
    description = (
        f"Interactive explorer of the {dated} entries dated by month or day: a timeline by tag with a "
        f"tag legend to pick tags and a brush to pick a period, entries per tag in the period, and the "
        f"newest matching entries."
    )
    if left_out:
        noun, verb = ("entry", "is") if left_out == 1 else ("entries", "are")
        description += f" {left_out} {noun} with no date or only a year {verb} not shown."
    return (
        alt.vconcat(timeline, per_tag, count, listing)
        .add_params(search)
        .resolve_legend(color="independent")
        .configure_view(stroke=None)
        .properties(title="Explore the reading list", description=description)
    )
