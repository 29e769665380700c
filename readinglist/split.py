"""Big chapters cut into pages a reader can follow: one page per period, newest first.

A chapter with more than :data:`MAX_CARDS` entries keeps its own page (its summary, the charts
over the whole chapter and the list of its periods) and shows its cards on **sub-pages**,
``chapters/<chapter>/<period>.qmd``, generated from the data (``python -m readinglist chapters``):

* one page per year (``2024``), newest first, and the undated entries last (``undated``);
* a year with more than :data:`MAX_CARDS` entries gets one page per month (``2025-09``); its entries
  dated only to the year go on the year's page (``2025``, "month not known");
* a period with still more than :data:`MAX_CARDS` entries is cut, newest first, into parts of
  :data:`MAX_CARDS`: ``2025-09``, ``2025-09-p2``...

So no page holds more than :data:`MAX_CARDS` cards, and a page's address only changes when its
period is cut differently. Old links to a card on the chapter's page (``chapters/rl.html#<id>``)
still reach it: the chapter's page carries a map of its entries to their sub-pages, and a small
script goes to the right one when the address names no element of the page.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from .entries import has_tags, newest_first
from .topics import Topics

MAX_CARDS = 250  # the most cards on a page; a chapter with more is cut into sub-pages
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class SubPage:
    """A page of a cut chapter: the entries of one period (or of one part of it), newest first."""

    chapter: str
    period: str
    label: str
    ids: tuple[str, ...]

    @property
    def path(self) -> str:
        """The page's source file, relative to the book root."""
        return f"chapters/{self.chapter}/{self.period}.qmd"

    @property
    def html(self) -> str:
        return f"chapters/{self.chapter}/{self.period}.html"


def _periods(frame: pd.DataFrame) -> list[tuple[str, str, list[str]]]:
    """``(period, label, ids)`` of a chapter's entries (``frame``, newest first), before cutting parts."""
    dated = frame[frame["date"].notna()]
    years = dated["date"].dt.year
    out: list[tuple[str, str, list[str]]] = []
    for year in dict.fromkeys(years.tolist()):
        entries = dated[years == year]
        if len(entries) <= MAX_CARDS:
            out.append((f"{year}", f"{year}", entries["id"].tolist()))
            continue
        by_month = entries["date_precision"] != "year"
        months = entries["date"].dt.month
        for month in dict.fromkeys(months[by_month].tolist()):
            ids = entries.loc[by_month & (months == month), "id"].tolist()
            out.append((f"{year}-{month:02d}", f"{MONTHS[month - 1]} {year}", ids))
        if (~by_month).any():
            out.append((f"{year}", f"{year}, month not known", entries.loc[~by_month, "id"].tolist()))
    undated = frame.loc[frame["date"].isna(), "id"].tolist()
    if undated:
        out.append(("undated", "Undated", undated))
    return out


def cut(chapter: str, frame: pd.DataFrame) -> list[SubPage]:
    """The sub-pages of the chapter whose entries are ``frame`` (any order), newest first; none when
    the chapter holds at most :data:`MAX_CARDS` entries."""
    if len(frame) <= MAX_CARDS:
        return []
    pages = []
    for period, label, ids in _periods(newest_first(frame)):
        parts = [ids[i : i + MAX_CARDS] for i in range(0, len(ids), MAX_CARDS)]
        for number, part in enumerate(parts, 1):
            suffix, more = ("", "") if number == 1 else (f"-p{number}", f", part {number}")
            pages.append(SubPage(chapter, period + suffix, label + more, tuple(part)))
    return pages


def locations(pages: Sequence[SubPage]) -> dict[str, str]:
    """Entry id -> the sub-page (``.html``, relative to the book root) showing its card."""
    return {entry_id: page.html for page in pages for entry_id in page.ids}


def redirect_map(pages: Sequence[SubPage]) -> str:
    """The JSON the chapter's page carries: each sub-page's file name (relative to the chapter's
    folder) with the ids of its entries."""
    return json.dumps({f"{p.chapter}/{p.period}.html": list(p.ids) for p in pages}, separators=(",", ":"))


# When the address names no element of the page (an old link to a card, from before the chapter was
# cut), look the id up in the map and go to the sub-page holding it, keeping the address's history.
REDIRECT_SCRIPT = """(function () {
  function go() {
    var id;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    if (!id || document.getElementById(id)) return;
    var map = JSON.parse(document.getElementById("card-pages").textContent);
    for (var page in map) {
      if (map[page].indexOf(id) >= 0) { location.replace(page + "#" + encodeURIComponent(id)); return; }
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", go); else go();
  window.addEventListener("hashchange", go);
})();"""


def redirect_html(pages: Sequence[SubPage]) -> str:
    """The map (a JSON script element) and the script that reads it, for the chapter's page."""
    data = redirect_map(pages).replace("</", "<\\/")
    return f'<script type="application/json" id="card-pages">{data}</script>\n<script>\n{REDIRECT_SCRIPT}\n</script>'


def layout(
    frame: pd.DataFrame, topics: Topics, chapter_frames: Mapping[str, pd.DataFrame] | None = None
) -> dict[str, list[SubPage]]:
    """The sub-pages of every chapter that is cut, by chapter slug, in book order (``chapter_frames``:
    each chapter's entries, when already selected)."""
    out = {}
    for chapter in topics.chapters():
        entries = chapter_frames[chapter.slug] if chapter_frames else frame[has_tags(frame, chapter.tags)]
        pages = cut(chapter.slug, entries)
        if pages:
            out[chapter.slug] = pages
    return out
