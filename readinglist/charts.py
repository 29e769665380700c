"""The book's Altair charts: overview and per-chapter figures, and the HTML that draws them offline.

Every chart that colors by tag uses :func:`tag_color_scale`, so a tag has one color across the
book. Aggregate marks are counted in pandas and only the needed columns are embedded, since every
page carries its charts' specs inline. Time charts place entries by month; entries with no date or
only a year are left out, and the caption says how many.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from .bundle import write_vega_bundle
from .files import atomic_write
from .schema import SLUG
from .store import format_date
from .text import escape
from .topics import Chapter, Topics

#: Tag colors, assigned in book order: the strong tableau20 hues first, then their light partners,
#: so neighbouring tags (often in one chapter) get different hues.
PALETTE: tuple[str, ...] = (
    "#4c78a8",
    "#f58518",
    "#54a24b",
    "#e45756",
    "#b279a2",
    "#439894",
    "#b79a20",
    "#d67195",
    "#9e765f",
    "#79706e",
    "#9ecae9",
    "#ffbf79",
    "#88d27a",
    "#ff9d98",
    "#d6a5c9",
    "#83bcb6",
    "#f2cf5b",
    "#fcbfd2",
    "#d8b5a5",
    "#bab0ac",
)
#: Marks that stand for "the rest of the list" rather than a tag.
REST_COLOR = "#d9d9d9"
#: The book's charts draw the rest of the list in a translucent grey, which reads as REST_COLOR on
#: the light theme's white and as a dark grey on the dark theme, behind the tag-colored marks.
REST_BARS = {"color": "#9a9a9a", "opacity": 0.4}
#: The Vega-Lite version of Altair's schema (``6.4``), used for the JS bundle and offline rendering.
VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
#: The book's charts are as wide as their container (the page's text column); the notebooks'
#: explorer is WIDTH pixels wide.
WIDTH = 560
RESPONSIVE = "container"
#: The tag-by-tag matrix keeps square cells and fits a 390 px phone with its labels: 16 px per tag,
#: up to this side in pixels.
MATRIX_SIDE = 228
MATRIX_LABELS = 96  # the band under the matrix for its upright tag labels, in pixels
LEGEND_COLUMNS = 3  # tag legends sit under the plot, in columns that fit a phone's width
FOCUS_SHARE = 0.9  # a timeline opens on the span of the newest 90% of the dated entries...
FOCUS_MIN_YEARS = 4  # ...when the list spans at least this many years
EMBED_OPTIONS = {"actions": False, "renderer": "svg"}


@dataclass(frozen=True)
class Figure:
    """A chart with what a page needs around it: an id, a caption and alt text."""

    id: str
    chart: alt.TopLevelMixin
    caption: str
    alt: str
    #: The rows of the data the chart loads by URL when drawn, by URL (see :func:`inline_spec`).
    loaded: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not SLUG.fullmatch(self.id):
            raise ValueError(f"figure id {self.id!r} is not a slug (lowercase letters, digits and '-')")


# ---------------------------------------------------------------- colors and helpers


def tag_colors(topics: Topics) -> dict[str, str]:
    """The color of every tag, in book order."""
    tags = topics.tags
    if len(tags) > len(PALETTE):
        raise ValueError(f"{len(tags)} tags but only {len(PALETTE)} distinct colors: add colors to charts.PALETTE")
    return dict(zip(tags, PALETTE, strict=False))


def tag_color_scale(topics: Topics) -> alt.Scale:
    """The book-wide tag color scale: domain the tags in book order, range the palette."""
    colors = tag_colors(topics)
    return alt.Scale(domain=list(colors), range=list(colors.values()))


def entry_label(title: str, entry_id: str) -> str:
    """The entry's title, or a readable label when the title is empty."""
    return title if title and title.strip() else f"Untitled entry ({entry_id})"


def _entry_tags(frame: pd.DataFrame, topics: Topics) -> list[list[str]]:
    """Each entry's tags, without repeats; raise on a tag the topics file does not know."""
    known = set(topics.tags)
    result = []
    for tags in frame["tags"]:
        unique = list(dict.fromkeys(tags))
        unknown = [t for t in unique if t not in known]
        if unknown:
            raise ValueError(f"unknown tag(s) {', '.join(map(repr, unknown))}: not in the topics file")
        result.append(unique)
    return result


def _months(frame: pd.DataFrame) -> list[str | None]:
    """Each entry's month as ``YYYY-MM``, or None when it has no date or only a year."""
    text = frame["date"].dt.strftime("%Y-%m")
    has_month = frame["date"].notna() & frame["date_precision"].isin(["month", "day"])
    return [m if ok else None for m, ok in zip(text, has_month, strict=True)]


def _left_out(frame: pd.DataFrame, mask: Sequence[bool] | None = None, who: str = "entries") -> str:
    """A caption sentence on entries left out of a time chart, or ``""`` when none are."""
    undated = year_only = 0
    for i, (date, precision) in enumerate(zip(frame["date"], frame["date_precision"], strict=True)):
        if mask is not None and not mask[i]:
            continue
        if pd.isna(date):
            undated += 1
        elif precision == "year":
            year_only += 1
    parts = []
    if undated:
        parts.append(f"{undated} {_plural(undated, who)} with no date")
    if year_only:
        parts.append(f"{year_only} {_plural(year_only, who)} dated only by year")
    if not parts:
        return ""
    verb = "is" if undated + year_only == 1 else "are"
    sentence = _and(parts)
    return f" {sentence[:1].upper()}{sentence[1:]} {verb} left out."


def _plural(n: int, words: str) -> str:
    """``words`` (a plural noun phrase such as ``entries of this chapter``) in the singular when n is 1."""
    if n != 1:
        return words
    head, _, tail = words.partition(" ")
    head = {"entries": "entry", "tags": "tag", "pairs": "pair"}.get(head, head)
    return f"{head} {tail}" if tail else head


def _busiest(per_month: Counter[str]) -> str:
    """The busiest months as a phrase, or ``""`` when no month has more than one entry."""
    top = [(m, n) for m, n in sorted(per_month.items(), key=lambda x: (-x[1], x[0]))[:3] if n > 1]
    if not top:
        return ""
    parts = [f"{_month_name(m)} ({n} entries)" if i == 0 else f"{_month_name(m)} ({n})" for i, (m, n) in enumerate(top)]
    return f"Busiest {'month' if len(top) == 1 else 'months'}: {_and(parts)}."


def _and(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _counts_text(items: Iterable[tuple[str, int]]) -> str:
    return _and([f"{name} {n}" for name, n in items])


def _month_name(month: str) -> str:
    return pd.Timestamp(f"{month}-01").strftime("%B %Y")


def _month_x(focus: Focus | None = None, **kwargs: Any) -> alt.X:
    # Months are "YYYY-MM" strings: JavaScript parses them as UTC, so the time unit is UTC too.
    if focus is not None:
        kwargs["scale"] = alt.Scale(domain=[_utc(focus.start), _utc(focus.after_end)])
    return alt.X("month:T", timeUnit="utcyearmonth", title="Month", **kwargs)


def _utc(month: str) -> dict[str, Any]:
    return {"year": int(month[:4]), "month": int(month[5:7]), "date": 1, "utc": True}


@dataclass(frozen=True)
class Focus:
    """The months a timeline shows first when the list spans many years but most entries are recent:
    from January of the year where the newest ``FOCUS_SHARE`` of the dated entries begin, to the last
    month. The reader drags the axis to the older ones; nothing is dropped."""

    start: str
    end: str
    older: int
    oldest: str

    @property
    def after_end(self) -> str:
        year, month = int(self.end[:4]), int(self.end[5:7])
        return f"{year + month // 12}-{month % 12 + 1:02d}"

    def sentence(self) -> str:
        return (
            f" The axis opens on {_month_name(self.start)} to {_month_name(self.end)}, where most entries are; "
            f"drag the chart sideways to see the {self.older} older "
            f"{_plural(self.older, 'entries')}, back to {_month_name(self.oldest)}."
        )


def _focus(months: Sequence[str | None]) -> Focus | None:
    """The :class:`Focus` of a list's dated months, or None when showing all of them reads well."""
    dated = sorted(m for m in months if m)
    if not dated:
        return None
    start = dated[int(len(dated) * (1 - FOCUS_SHARE))][:4] + "-01"
    older = sum(1 for m in dated if m < start)
    if not older or int(dated[-1][:4]) - int(dated[0][:4]) < FOCUS_MIN_YEARS:
        return None
    return Focus(start, dated[-1], older, dated[0])


def _pan() -> alt.Parameter:
    """Drag the time axis sideways. Wheel zoom stays off: it would catch the reader's page scrolling."""
    return alt.selection_interval(bind="scales", encodings=["x"], zoom=False, name="time_axis")


def _tag_legend(tags: list[str]) -> alt.Legend:
    """The legend of tag colors, under the plot, so the plot keeps a phone's width."""
    return alt.Legend(title="Tag", values=tags, orient="bottom", columns=LEGEND_COLUMNS)


def _upright_labels() -> alt.Axis:
    """An axis of upright labels in a band of fixed height (``MATRIX_LABELS`` pixels), so the chart's
    height does not depend on the font's widths (its div keeps that height before it is drawn)."""
    return alt.Axis(labelAngle=-90, minExtent=MATRIX_LABELS, maxExtent=MATRIX_LABELS, labelLimit=MATRIX_LABELS - 6)


def _month_tooltip() -> alt.Tooltip:
    return alt.Tooltip("month:T", timeUnit="utcyearmonth", format="%B %Y", title="Month")


def _data(values: list[dict[str, Any]]) -> dict[str, Any]:
    # A plain dict: Altair moves it to the spec's top-level datasets without converting every row.
    return {"values": values}


def _finish(chart: alt.TopLevelMixin, title: str, alt_text: str) -> alt.TopLevelMixin:
    return chart.properties(title=title, description=alt_text)


# ---------------------------------------------------------------- overview charts


def _tag_bars(
    values: list[dict[str, Any]], order: list[str], topics: Topics, x_title: str
) -> tuple[alt.Chart, alt.Chart]:
    """Horizontal bars of entries per tag in ``order``, in the tags' colors, and their count labels."""
    base = alt.Chart(_data(values)).encode(
        y=alt.Y("tag:N", sort=order, title="Tag"),
        x=alt.X("entries:Q", title=x_title, axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[alt.Tooltip("tag:N", title="Tag"), alt.Tooltip("entries:Q", title=x_title)],
    )
    bars = base.mark_bar().encode(color=alt.Color("tag:N", scale=tag_color_scale(topics), legend=None))
    return bars, base.mark_text(align="left", dx=3).encode(text="entries:Q")  # colored by the theme


def entries_per_tag(frame: pd.DataFrame, topics: Topics) -> Figure:
    """Entries per tag, as bars sorted from the most used tag."""
    entry_tags = _entry_tags(frame, topics)
    counts = Counter(t for tags in entry_tags for t in tags)
    book = {t: i for i, t in enumerate(topics.tags)}
    order = sorted(topics.tags, key=lambda t: (-counts[t], book[t]))
    values = [{"tag": t, "entries": counts[t]} for t in order]
    untagged = sum(1 for tags in entry_tags if not tags)
    bars, labels = _tag_bars(values, order, topics, "Entries")
    alt_text = (
        f"Bar chart of the number of entries per tag, for {len(frame)} entries and {len(order)} tags: "
        f"{_counts_text((t, counts[t]) for t in order)}."
    )
    if untagged:
        alt_text += f" {untagged} {_plural(untagged, 'entries')} {'has' if untagged == 1 else 'have'} no tag."
    caption = "Entries per tag; an entry with several tags counts once for each of them."
    if untagged:
        caption += (
            f" {untagged} {_plural(untagged, 'entries')} with no tag {'is' if untagged == 1 else 'are'} not shown."
        )
    chart = _finish((bars + labels).properties(width=RESPONSIVE), "Entries per tag", alt_text)
    return Figure("fig-tags", chart, caption, alt_text)


def timeline(frame: pd.DataFrame, topics: Topics) -> Figure:
    """Entries per month, stacked by tag (an entry counts once per tag)."""
    entry_tags = _entry_tags(frame, topics)
    months = _months(frame)
    per_tag: Counter[tuple[str, str]] = Counter()
    per_month: Counter[str] = Counter()
    for month, tags in zip(months, entry_tags, strict=True):
        if month is None:
            continue
        per_month[month] += 1
        for tag in tags:
            per_tag[(month, tag)] += 1
    book = {t: i for i, t in enumerate(topics.tags)}
    # One row per month with parallel lists, flattened in the chart: the month is not repeated per tag.
    rows: dict[str, dict[str, list]] = {}
    for (m, t), n in sorted(per_tag.items(), key=lambda x: (x[0][0], book[x[0][1]])):
        row = rows.setdefault(m, {"tag": [], "entries": []})
        row["tag"].append(t)
        row["entries"].append(n)
    values = [{"month": m, **row} for m, row in rows.items()]
    present = [t for t in topics.tags if any(tag == t for _, tag in per_tag)]
    focus = _focus(months)
    chart = (
        alt.Chart(_data(values))
        .transform_flatten(["tag", "entries"])
        .mark_bar(clip=True)
        .encode(
            x=_month_x(focus),
            y=alt.Y(
                "entries:Q", stack="zero", title="Entries (once per tag)", axis=alt.Axis(tickMinStep=1, format="d")
            ),
            color=alt.Color(
                "tag:N",
                scale=tag_color_scale(topics),
                sort=topics.tags,
                legend=_tag_legend(present),
            ),
            tooltip=[_month_tooltip(), alt.Tooltip("tag:N", title="Tag"), alt.Tooltip("entries:Q", title="Entries")],
        )
        .properties(width=RESPONSIVE, height=240)
    )
    if focus:
        chart = chart.add_params(_pan())
    dated = sum(per_month.values())
    if per_month:
        span = f"from {_month_name(min(per_month))} to {_month_name(max(per_month))}"
        alt_text = (
            f"Stacked bar chart of entries per month {span}, colored by tag, for {dated} dated "
            f"{_plural(dated, 'entries')}. {_busiest(per_month)}"
        ).strip()
    else:
        alt_text = "Stacked bar chart of entries per month by tag; no entry has a month."
    left_out = _left_out(frame) + (focus.sentence() if focus else "")
    alt_text += left_out
    caption = "Entries per month, stacked by tag; an entry with several tags counts once for each of them." + left_out
    return Figure("fig-timeline", _finish(chart, "Entries per month, by tag", alt_text), caption, alt_text)


def cooccurrence(frame: pd.DataFrame, topics: Topics) -> Figure:
    """How many entries carry each pair of tags, as a symmetric heatmap."""
    book = {t: i for i, t in enumerate(topics.tags)}
    pairs: Counter[tuple[str, str]] = Counter()
    for tags in _entry_tags(frame, topics):
        for a, b in combinations(sorted(tags, key=book.__getitem__), 2):
            pairs[(a, b)] += 1
    values = []
    for (a, b), n in sorted(pairs.items(), key=lambda x: (book[x[0][0]], book[x[0][1]])):
        values.append({"a": a, "b": b, "entries": n})
        values.append({"a": b, "b": a, "entries": n})
    tags = topics.tags
    high = max(pairs.values(), default=0) / 2
    base = alt.Chart(_data(values)).encode(
        x=alt.X("a:N", sort=tags, scale=alt.Scale(domain=tags), title=None, axis=_upright_labels()),
        y=alt.Y("b:N", sort=tags, scale=alt.Scale(domain=tags), title=None),
        tooltip=[
            alt.Tooltip("a:N", title="Tag"),
            alt.Tooltip("b:N", title="With tag"),
            alt.Tooltip("entries:Q", title="Entries with both"),
        ],
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "entries:Q",
            scale=alt.Scale(scheme="blues", domainMin=0),
            title="Entries with both",
            legend=alt.Legend(orient="bottom", direction="horizontal"),
        )
    )
    numbers = base.mark_text(fontSize=10).encode(
        text="entries:Q",
        color=alt.when(alt.datum.entries > high).then(alt.value("white")).otherwise(alt.value("black")),
    )
    top = sorted(pairs.items(), key=lambda x: (-x[1], book[x[0][0]], book[x[0][1]]))[:5]
    if top:
        alt_text = (
            f"Heatmap of how many entries carry two tags together, for {len(pairs)} "
            f"{_plural(len(pairs), 'pairs')} of tags. Most frequent pairs: "
            f"{_counts_text((f'{a} with {b}', n) for (a, b), n in top)}."
        )
    else:
        alt_text = "Heatmap of how many entries carry two tags together; no entry has two tags."
    side = min(max(16 * len(tags), 160), MATRIX_SIDE)
    chart = (cells + numbers).properties(width=side, height=side)
    caption = "Number of entries that carry both tags of a pair; the matrix is symmetric and empty cells are zero."
    return Figure("fig-cooccurrence", _finish(chart, "Tags on the same entry", alt_text), caption, alt_text)


def notes_share(frame: pd.DataFrame, topics: Topics) -> Figure:
    """Share of each tag's entries that have curator notes, as a percentage."""
    book = {t: i for i, t in enumerate(topics.tags)}
    total: Counter[str] = Counter()
    noted: Counter[str] = Counter()
    for tags, notes in zip(_entry_tags(frame, topics), frame["notes"], strict=True):
        has_notes = bool(str(notes or "").strip())
        for tag in tags:
            total[tag] += 1
            noted[tag] += has_notes
    order = sorted(total, key=lambda t: (-noted[t] / total[t], -total[t], book[t]))
    values = [{"tag": t, "share": round(noted[t] / total[t], 4), "noted": noted[t], "entries": total[t]} for t in order]
    base = alt.Chart(_data(values)).encode(
        y=alt.Y("tag:N", sort=order, title="Tag"),
        x=alt.X(
            "share:Q", title="Entries with curator notes", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")
        ),
        tooltip=[
            alt.Tooltip("tag:N", title="Tag"),
            alt.Tooltip("share:Q", format=".0%", title="With notes"),
            alt.Tooltip("noted:Q", title="Entries with notes"),
            alt.Tooltip("entries:Q", title="Entries (n)"),
        ],
    )
    bars = base.mark_bar().encode(color=alt.Color("tag:N", scale=tag_color_scale(topics), legend=None))
    labels = base.mark_text(align="left", dx=3).encode(text=alt.Text("share:Q", format=".0%"))
    if order:
        shown = [(t, noted[t], total[t]) for t in order]
        alt_text = (
            "Bar chart of the share of each tag's entries that have curator notes: "
            + _and([f"{t} {round(100 * k / n)}% ({k} of {n})" for t, k, n in shown])
            + "."
        )
    else:
        alt_text = "Bar chart of the share of each tag's entries that have curator notes; no entry has a tag."
    caption = "Share of each tag's entries that carry curator notes (hover a bar for the counts)."
    chart = (bars + labels).properties(width=RESPONSIVE)
    return Figure("fig-notes", _finish(chart, "Entries with curator notes, by tag", alt_text), caption, alt_text)


def overview_figures(frame: pd.DataFrame, topics: Topics) -> list[Figure]:
    """The preface's figures, in page order."""
    return [
        entries_per_tag(frame, topics),
        timeline(frame, topics),
        cooccurrence(frame, topics),
        notes_share(frame, topics),
    ]


# ---------------------------------------------------------------- per-chapter charts


def _in_chapter(entry_tags: list[list[str]], chapter: Chapter) -> list[bool]:
    own = set(chapter.tags)
    return [any(t in own for t in tags) for tags in entry_tags]


def _tags_phrase(chapter: Chapter) -> str:
    tags = list(chapter.tags)
    return tags[0] if len(tags) == 1 else ", ".join(tags[:-1]) + " or " + tags[-1]


def list_months(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The whole list's dated entries per month, ``{"month": "YYYY-MM", "entries": n}``, oldest first:
    the grey bars of every chapter's timeline (the book serves them as one file, ``book.LIST_MONTHS``)."""
    return [{"month": m, "entries": n} for m, n in sorted(Counter(m for m in _months(frame) if m).items())]


def chapter_timeline(frame: pd.DataFrame, topics: Topics, chapter: Chapter, months_url: str | None = None) -> Figure:
    """The chapter's entries per month (one dot each, linked to the paper) over the whole list's.

    The whole list's grey bars come from :func:`list_months`: written into the spec, or with
    ``months_url`` loaded from that URL when the chart is drawn (the spec then holds only the
    chapter's entries)."""
    entry_tags = _entry_tags(frame, topics)
    inside = _in_chapter(entry_tags, chapter)
    months = _months(frame)
    own = set(chapter.tags)
    dots: list[dict[str, Any]] = []
    rows = zip(frame["id"], frame["title"], frame["url"], frame["date"], frame["date_precision"], strict=True)
    for (entry_id, title, url, date, precision), month, tags, is_in in zip(
        rows, months, entry_tags, inside, strict=True
    ):
        if month is None or not is_in:
            continue
        dots.append(
            {
                "month": month,
                "title": entry_label(title, entry_id),
                "date": format_date(date, precision),
                "tags": ", ".join(tags),
                "tag": next(t for t in tags if t in own),
                "url": url,
            }
        )
    dots.sort(key=lambda d: (d["date"], d["title"]))
    per_month = Counter(dot.pop("month") for dot in dots)
    focus = _focus([m for m, is_in in zip(months, inside, strict=True) if is_in])  # the chapter's own span
    legend = _tag_legend(list(chapter.tags)) if len(chapter.tags) > 1 else None
    # The top count's label sits inside the plot (labelFlush) instead of half above it, so the
    # chart's height does not depend on the counts (see :func:`drawn_height`).
    y_axis = alt.Axis(tickMinStep=1, format="d", labelFlush=True)
    whole_list = list_months(frame)
    list_data = alt.UrlData(months_url, format=alt.DataFormat(type="json")) if months_url else _data(whole_list)
    rest_layer = (
        alt.Chart(list_data)
        .mark_bar(**REST_BARS, clip=True)
        .encode(
            x=_month_x(focus),
            y=alt.Y("entries:Q", title="Entries per month", axis=y_axis),
            tooltip=[_month_tooltip(), alt.Tooltip("entries:Q", title="Entries in the whole list")],
        )
    )
    # The month and the dot's place in its month's column are computed in the chart, not embedded.
    dot_layer = (
        alt.Chart(_data(dots))
        .transform_calculate(
            month="utc(toNumber(substring(datum.date, 0, 4)), toNumber(substring(datum.date, 5, 7)) - 1, 1)"
        )
        .transform_window(slot="row_number()", groupby=["month"], sort=[alt.SortField("date"), alt.SortField("title")])
        .transform_calculate(slot="datum.slot - 0.5")
        .mark_circle(size=60, opacity=1, stroke="white", strokeWidth=0.5, cursor="pointer", clip=True)
        .encode(
            x=_month_x(focus, bandPosition=0.5),
            y=alt.Y("slot:Q", title="Entries per month", axis=y_axis),
            color=alt.Color("tag:N", scale=tag_color_scale(topics), legend=legend),
            href=alt.Href("url:N"),
            description=alt.Description("title:N"),
            tooltip=[
                alt.Tooltip("title:N", title="Title"),
                alt.Tooltip("date:N", title="Date"),
                alt.Tooltip("tags:N", title="Tags"),
            ],
        )
    )
    if focus:
        rest_layer = rest_layer.add_params(_pan())
    chart = alt.layer(rest_layer, dot_layer).properties(width=RESPONSIVE, height=200)
    n_in = len(dots)
    if per_month:
        alt_text = (
            f"Timeline of the {n_in} dated {_plural(n_in, 'entries')} of the chapter {chapter.title}, "
            f"one dot per entry from {_month_name(min(per_month))} to {_month_name(max(per_month))}, "
            "over grey bars for the whole list's dated entries per month. "
            f"{_busiest(per_month)}"
        ).strip()
    else:
        alt_text = f"Timeline of the list per month in grey; the chapter {chapter.title} has no dated entry."
    left_out = _left_out(frame, inside, "entries of this chapter")
    if focus:
        older = focus.older
        left_out += (
            f" The axis opens on {_month_name(focus.start)} to {_month_name(focus.end)}, the span of the chapter's"
            f" newest entries; drag the chart sideways to see the {older} older {_plural(older, 'entries')}."
        )
    alt_text += left_out
    caption = (
        f"Entries tagged {_tags_phrase(chapter)} per month, one dot per entry (click a dot to open it), "
        "over the whole list's entries per month in grey." + left_out
    )
    title = "Entries of this chapter per month"  # the page names the chapter; a phone fits this
    loaded = {months_url: whole_list} if months_url else {}
    return Figure(f"fig-{chapter.slug}-timeline", _finish(chart, title, alt_text), caption, alt_text, loaded)


def chapter_cooccurrence(frame: pd.DataFrame, topics: Topics, chapter: Chapter) -> Figure:
    """The tags that share entries with the chapter's tags, counted over the chapter's entries.

    A tag counts on an entry of the chapter when the entry also carries a chapter tag other than
    itself, so a chapter's own tags count where they meet each other."""
    entry_tags = _entry_tags(frame, topics)
    inside = _in_chapter(entry_tags, chapter)
    own = set(chapter.tags)
    counts: Counter[str] = Counter()
    for tags, is_in in zip(entry_tags, inside, strict=True):
        if not is_in:
            continue
        for tag in tags:
            if any(c in own and c != tag for c in tags):
                counts[tag] += 1
    book = {t: i for i, t in enumerate(topics.tags)}
    order = sorted(counts, key=lambda t: (-counts[t], book[t]))
    values = [{"tag": t, "entries": counts[t]} for t in order]
    n_in = sum(inside)
    bars, labels = _tag_bars(values, order, topics, "Entries of this chapter")
    phrase = _tags_phrase(chapter)
    if order:
        alt_text = (
            f"Bar chart of the tags that appear on the {n_in} {_plural(n_in, 'entries')} tagged {phrase}: "
            f"{_counts_text((t, counts[t]) for t in order)}."
        )
    else:
        alt_text = f"Bar chart of the tags that appear on the {n_in} {_plural(n_in, 'entries')} tagged {phrase}: none."
    caption = f"How many of the {n_in} {_plural(n_in, 'entries')} tagged {phrase} also carry each other tag"
    caption += " (a tag of this chapter counts when it meets another one)." if len(own) > 1 else "."
    chart = (bars + labels).properties(width=RESPONSIVE)
    title = "Tags on the entries of this chapter"
    return Figure(f"fig-{chapter.slug}-cooccurrence", _finish(chart, title, alt_text), caption, alt_text)


def chapter_figures(
    frame: pd.DataFrame, topics: Topics, chapter: Chapter, months_url: str | None = None
) -> list[Figure]:
    """A chapter's figures, in page order (``months_url``: see :func:`chapter_timeline`)."""
    return [chapter_timeline(frame, topics, chapter, months_url), chapter_cooccurrence(frame, topics, chapter)]


# ---------------------------------------------------------------- HTML and Markdown


def spec(fig: Figure) -> dict[str, Any]:
    """The figure's Vega-Lite spec, with the alt text as its top-level ``description``."""
    result = fig.chart.to_dict(validate=False)  # the tests validate every spec against the schema
    result["description"] = fig.alt
    return result


def script_json(value: Any) -> str:
    """JSON safe inside an HTML ``<script>``: ``<``, ``>``, ``&`` and line separators are ``\\u`` escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def _attribute(text: str) -> str:
    """Text for a double-quoted HTML attribute, on one line: control characters become spaces."""
    text = "".join(" " if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F else c for c in text)
    return html.escape(text, quote=True).replace("\u2028", "&#8232;").replace("\u2029", "&#8233;")


def inline_spec(fig: Figure) -> dict[str, Any]:
    """The figure's spec with the data it loads by URL written in (:attr:`Figure.loaded`), to lay it
    out or draw it offline."""

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: {"values": fig.loaded[v["url"]]} if k == "data" and isinstance(v, dict) and "url" in v else inline(v)
                for k, v in node.items()
            }
        return [inline(v) for v in node] if isinstance(node, list) else node

    return inline(spec(fig))


#: What :func:`layout_spec` lays out in place of the whole list's months (the only data a chart
#: loads by URL): one month of two-digit count.
MONTHS_STAND_IN = [{"month": "2000-01", "entries": 10}]


def layout_spec(fig: Figure) -> dict[str, Any]:
    """The spec :func:`drawn_height` lays out: the data loaded by URL replaced by
    :data:`MONTHS_STAND_IN`. With the count axis's labels flush, the counts do not change the drawn
    height (the tests check it), and a page's reserved height then stays as it was when an entry is
    added to another chapter: that page is not executed again."""
    return inline_spec(Figure(fig.id, fig.chart, fig.caption, fig.alt, dict.fromkeys(fig.loaded, MONTHS_STAND_IN)))


def drawn_height(fig: Figure) -> int:
    """The height in pixels of the drawn chart, which does not depend on its width: laid out
    offline by vl-convert with the light theme, whose sizes the dark one shares."""
    import vl_convert

    scene = vl_convert.vegalite_to_scenegraph(layout_spec(fig), vl_version=VL_VERSION, config=THEMES["light"])
    return math.ceil(scene["height"])


def layout_key(fig: Figure) -> str:
    """A hash of what :func:`drawn_height` depends on: :func:`layout_spec`, the theme, Vega-Lite."""
    text = json.dumps([layout_spec(fig), THEMES["light"], VL_VERSION], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def first_paint_html(fig: Figure, root: str) -> str:
    """The chart as drawn offline (:func:`readinglist.static.draw_web_images`; ``root``: the book
    root relative to the page): one ``<picture>`` per theme (the style sheet shows the one of the
    page's theme), each choosing the phone's width or the wider one by the screen's width.
    Decorative: the chart's div has the alt text."""
    from .static import PHONE_MEDIA, WEB_WIDTHS, web_image_path

    narrow, wide = WEB_WIDTHS
    pictures = []
    for theme in THEMES:
        src = {w: _attribute(root + web_image_path(fig.id, w, theme)) for w in WEB_WIDTHS}
        pictures.append(
            f'<picture class="chart-static chart-static-{theme}"><source media="{PHONE_MEDIA}" srcset="{src[narrow]}">'
            f'<img src="{src[wide]}" alt="" loading="lazy" decoding="async"></picture>'
        )
    return "".join(pictures)


def embed_html(
    fig: Figure, div_id: str | None = None, height: int | None = None, first_paint: str | None = None
) -> str:
    """The chart's div, which :data:`CHART_LOADER` fills, and the spec it draws as JSON data.

    The div keeps the chart's ``height`` (:func:`drawn_height` when not given) from the first
    paint, so nothing moves when the chart is drawn. ``div_id`` defaults to the figure id;
    :func:`figure_markdown` passes another one since Quarto gives the figure id to the figure itself.
    With ``first_paint`` (the book root relative to the page), the div shows the images drawn offline
    (:func:`first_paint_html`) and the live chart is drawn when the reader points at it or touches
    it; without, the div is empty and the chart is drawn when it comes near the view."""
    div_id = div_id or fig.id
    if not SLUG.fullmatch(div_id):
        raise ValueError(f"div id {div_id!r} is not a slug")
    height = drawn_height(fig) if height is None else height
    inside = "" if first_paint is None else first_paint_html(fig, first_paint)
    return (
        f'<div id="{div_id}" class="chart" role="img" aria-label="{_attribute(fig.alt)}"'
        f' style="min-height: {int(height)}px">{inside}</div>\n'
        f'<script type="application/json" id="{div_id}-spec">{script_json(spec(fig))}</script>'
    )


def figure_markdown(
    fig: Figure, image: str | None = None, height: int | None = None, first_paint: str | None = None
) -> str:
    """A Quarto cross-referenceable figure: a ``#fig-`` div holding the raw HTML chart, then the caption.

    With ``image`` (the chart drawn offline, :mod:`readinglist.static`), the raw HTML is shown only
    in HTML with JavaScript (``html:js``, not the EPUB) and the image, with the alt text, in every
    other format, where the caption leaves out what only the browser's chart can do: one Markdown
    for every format. ``height`` and ``first_paint``: as in :func:`embed_html`."""
    if not fig.id.startswith("fig-"):
        raise ValueError(f"a Quarto figure id starts with 'fig-', not {fig.id!r}")
    body = embed_html(fig, f"{fig.id}-chart", height, first_paint)
    longest = max((len(line) - len(line.lstrip("`")) for line in body.split("\n")), default=0)
    fence = "`" * max(3, longest + 1)
    chart, caption = f"{fence}{{=html}}\n{body}\n{fence}", escape(fig.caption)
    if image is not None:
        from .static import paper_text

        alt = " ".join(paper_text(fig.alt).split()).replace("\\", "\\\\").replace('"', '\\"')
        chart = (
            f'::: {{.content-visible when-format="html:js"}}\n\n{chart}\n\n:::\n\n'
            f'::: {{.content-visible unless-format="html:js"}}\n\n![]({image}){{fig-alt="{alt}"}}\n\n:::'
        )
        if paper_text(fig.caption) != fig.caption:
            caption = (
                f'[{caption}]{{.content-visible when-format="html:js"}}'
                f'[{escape(paper_text(fig.caption))}]{{.content-visible unless-format="html:js"}}'
            )
    return f"::: {{#{fig.id}}}\n\n{chart}\n\n{caption}\n\n:::\n"


# vega-tooltip's light theme draws row keys in #808080 (3.9:1 on white; WCAG AA asks 4.5:1). The
# book carries the same rule in styles/book.scss.
TOOLTIP_CSS = "#vg-tooltip-element.light-theme table tr td.key { color: #595959; }"
# A chart is as wide as its container and drawn at its own size (never scaled down). Blocks, not
# vega-embed's inline-block, leave no line gap under it, so the div is exactly the reserved height.
# The book carries the same rules in styles/book.scss.
CHART_CSS = "div.chart { display: block; width: 100%; } div.chart svg { display: block; }"


def _theme(text: str, muted: str, grid: str) -> dict[str, Any]:
    """A Vega config: a transparent background, the page's font and text color, no text under 11 px."""
    font = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
    return {
        "background": "transparent",
        "font": font,
        "axis": {
            "labelColor": text,
            "titleColor": text,
            "labelFontSize": 11,
            "titleFontSize": 12,
            "domainColor": muted,
            "tickColor": muted,
            "gridColor": grid,
        },
        "legend": {"labelColor": text, "titleColor": text, "labelFontSize": 11, "titleFontSize": 12},
        "title": {"color": text, "fontSize": 14, "anchor": "start", "frame": "bounds"},
        "text": {"color": text, "fontSize": 11},
        "view": {"stroke": grid},
    }


#: The charts' Vega configs for the book's two themes (the colors of styles/book.scss and dark.scss).
THEMES: dict[str, dict[str, Any]] = {
    "light": _theme("#212529", "#6c757d", "#dee2e6"),
    "dark": _theme("#e3e3e3", "#a8a8a8", "#444444"),
}

#: Draws the live chart of every chart div of a page (:func:`embed_html`): a div showing the images
#: drawn offline when the reader first points at it, touches it or clicks it (until then the page
#: runs no chart code), an empty div when it comes near the viewport. Loads the Vega bundle
#: (``BUNDLE``) once, for the first chart, after the page's own resources (the ``load`` event) and
#: its next paint, so it never delays the page's first paint, and a page without charts never loads
#: it; draws one chart per task; and draws the live charts again in the other theme when Quarto's
#: toggle switches ``quarto-dark`` on the body (the images follow the theme by the style sheet).
CHART_LOADER = """(function () {
"use strict";
var BUNDLE = __BUNDLE__, THEMES = __THEMES__, OPTIONS = __OPTIONS__;
var loading = null, queue = Promise.resolve();
function afterPaint() {
  return new Promise(function (resolve) {
    requestAnimationFrame(function () { setTimeout(resolve, 0); });
  });
}
function loaded() {
  return new Promise(function (resolve) {
    if (document.readyState === "complete") { resolve(); } else { window.addEventListener("load", resolve); }
  }).then(afterPaint);
}
function loadBundle() {
  if (!loading) {
    loading = loaded().then(function () {
      return new Promise(function (resolve, reject) {
        if (typeof window.vegaEmbed === "function") { resolve(); return; }
        var script = document.createElement("script");
        script.src = BUNDLE;
        script.async = true;
        script.onload = function () { resolve(); };
        script.onerror = function () { reject(new Error("the Vega library did not load from " + BUNDLE)); };
        document.head.appendChild(script);
      });
    });
  }
  return loading;
}
function theme() {
  return document.body.classList.contains("quarto-dark") ? "dark" : "light";
}
function fail(div, error) {
  div.textContent = "This chart could not be drawn: " + error;
  div.classList.add("chart-error");
  console.error(error);
}
function draw(div) {
  var name = theme();
  return loadBundle().then(function () {
    if (typeof window.vegaEmbed !== "function") { throw new Error("the Vega library is not loaded"); }
    var spec = JSON.parse(document.getElementById(div.id + "-spec").textContent);
    var options = Object.assign({}, OPTIONS, {config: THEMES[name], tooltip: {theme: name}});
    if (div.chartView) { div.chartView.finalize(); }
    return window.vegaEmbed(div, spec, options);
  }).then(function (result) {
    div.chartView = result;
    div.setAttribute("data-theme", name);
  });
}
function schedule(div) {
  queue = queue.then(function () {
    return new Promise(function (resolve) { setTimeout(resolve, 0); });
  }).then(function () { return draw(div); }).catch(function (error) { fail(div, error); });
}
function start() {
  var all = Array.prototype.filter.call(document.querySelectorAll("div.chart"), function (div) {
    return document.getElementById(div.id + "-spec") !== null;
  });
  var charts = all.filter(function (div) { return div.querySelector(".chart-static") === null; });
  all.filter(function (div) { return div.querySelector(".chart-static") !== null; }).forEach(function (div) {
    var events = ["pointerover", "touchstart", "focusin", "click"];
    function wake() {
      events.forEach(function (name) { div.removeEventListener(name, wake); });
      schedule(div);
    }
    events.forEach(function (name) { div.addEventListener(name, wake, {passive: true}); });
  });
  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { observer.unobserve(entry.target); schedule(entry.target); }
      });
    }, {rootMargin: "300px 0px"});
    charts.forEach(function (div) { observer.observe(div); });
  } else {
    charts.forEach(schedule);
  }
  new MutationObserver(function () {
    all.forEach(function (div) {
      var drawn = div.getAttribute("data-theme");
      if (drawn && drawn !== theme()) { div.removeAttribute("data-theme"); schedule(div); }
    });
  }).observe(document.body, {attributes: true, attributeFilter: ["class"]});
}
if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();"""


def loader_html(bundle_src: str) -> str:
    """The script that draws a page's charts (:data:`CHART_LOADER`), loading the bundle from ``bundle_src``."""
    code = (
        CHART_LOADER.replace("__BUNDLE__", script_json(bundle_src))
        .replace("__THEMES__", script_json(THEMES))
        .replace("__OPTIONS__", script_json(EMBED_OPTIONS))
    )
    return f"<script>\n{code}\n</script>"


def standalone_page(
    figures: Sequence[Figure], path: str | Path, bundle_src: str = "vega-bundle.js", title: str = "Charts"
) -> Path:
    """Write a self-contained HTML page drawing the figures with the local bundle (no network)."""
    path = Path(path)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{TOOLTIP_CSS} {CHART_CSS} figure {{ margin: 1rem 0; }}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    for fig in figures:
        parts += ["<figure>", embed_html(fig), f"<figcaption>{html.escape(fig.caption)}</figcaption>", "</figure>"]
    parts += ["</main>", loader_html(bundle_src), "</body>", "</html>", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, "\n".join(parts).encode("utf-8"))
    return path


def write_chart_pages(frame: pd.DataFrame, topics: Topics, out_dir: str | Path) -> list[Path]:
    """Write the bundle, ``overview.html`` and one ``<chapter>.html`` per chapter; return their paths."""
    out_dir = Path(out_dir)
    bundle = write_vega_bundle(out_dir / "vega-bundle.js")
    pages = [standalone_page(overview_figures(frame, topics), out_dir / "overview.html", bundle.name, "Overview")]
    for chapter in topics.chapters():
        figures = chapter_figures(frame, topics, chapter)
        pages.append(standalone_page(figures, out_dir / f"{chapter.slug}.html", bundle.name, chapter.title))
    return [bundle, *pages]
