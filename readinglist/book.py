"""The book's pages: what each page's code cells print, and the chapter list kept in step with the topics.

A chapter file is thin: a hidden setup cell ``page = Book.load().chapter_page("rl")``, then cells with
``#| output: asis`` that ``print(page.summary())``, ``print(page.charts())``, ``print(page.entries())``.
Everything they print is Markdown built from documented Quarto/pandoc syntax; charts are raw HTML
blocks drawn by a vega bundle served from the book (no CDN, no ``text/html`` display output).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import bibtex, feed, listing, project, split, static, store
from .bundle import write_vega_bundle
from .cards import CardContext, card, fixed_parts, html_only, raw_html, root_of, title_of
from .entries import columns_hash, has_notes, has_tags, newest_first
from .files import atomic_write, write_generated
from .render import package_hash
from .schema import COLUMNS
from .split import SubPage
from .text import blocks, escape, inline
from .topics import UNTAGGED_PAGE, Chapter, Topics, load_topics

if TYPE_CHECKING:
    from .charts import Figure

BUNDLE = "_assets/vega-bundle.js"
#: The whole list's dated entries per month (``charts.list_months``), which every chapter's timeline
#: loads when drawn: an entry added to one chapter then changes no other chapter's page.
LIST_MONTHS = "_assets/list-months.json"
CHART_COLUMNS = ("id", "title", "url", "date", "date_precision", "tags", "notes")
DATA_SOURCE = UNTAGGED_PAGE.replace(".html", ".qmd")


def text_fingerprint(frame: pd.DataFrame) -> str:
    """A hash of what related entries depend on: ids, their title, abstract and notes, and their tags
    (an entry without text is related by its tags)."""
    return columns_hash(frame[["id", "title", "abstract", "notes"]].assign(tags=frame["tags"].map("\x1f".join)))


@dataclass
class Book:
    """The loaded list and topics, with what every page shares (related entries, homes, titles)."""

    frame: pd.DataFrame
    topics: Topics
    cache_dir: Path | None = field(default_factory=project.cache_dir)
    #: Each page's figures once built (:meth:`Page.figures`), by output path.
    built_figures: dict[str, list[Figure]] = field(default_factory=dict, init=False, repr=False)
    _heights: dict[str, int] | None = field(default=None, init=False, repr=False)
    _heights_used: set[str] = field(default_factory=set, init=False, repr=False)

    @classmethod
    def load(cls, data_dir: str | Path | None = None) -> Book:
        """Load ``papers.csv`` and ``topics.csv`` (default: the project's data folder)."""
        folder = Path(data_dir) if data_dir else project.data_dir()
        topics = load_topics(folder / "topics.csv")
        return cls(store.load(folder / "papers.csv", topics), topics)

    def cached(self, name: str, key: str, compute: Callable[[], Any], text: bool = False) -> Any:
        """``compute()``, kept as ``<cache>/<name>-<key>.json`` so a later render with the same key
        reads it back; older versions of ``name`` are removed when a new one is written. With
        ``text``, ``compute()`` returns text, kept as it is in ``<name>-<key>.txt``."""
        path = self.cache_dir / f"{name}-{key}.{'txt' if text else 'json'}" if self.cache_dir else None
        if path and path.exists():
            stored = path.read_text(encoding="utf-8")
            return stored if text else json.loads(stored)
        result = compute()
        if path:
            self._keep(path, name, result)
        return result

    @staticmethod
    def _keep(path: Path, name: str, result: Any) -> None:
        """Write ``result`` as ``path`` (text as it is in a ``.txt``, JSON otherwise), removing the
        other versions of ``name``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(f"{name}-*{path.suffix}"):
            if old != path and old.stem.removeprefix(f"{name}-").isalnum():
                old.unlink()
        text = result if path.suffix == ".txt" else json.dumps(result, ensure_ascii=False)
        atomic_write(path, text.encode("utf-8"))

    @cached_property
    def row_keys(self) -> list[str]:
        """A hash of each entry's row (every column), in list order."""
        text = self.frame.astype(str)  # lists as their repr, dates as ISO text, NaT as "NaT"
        hashes = pd.util.hash_pandas_object(text, index=False).to_numpy()
        return [f"{h:016x}" for h in hashes.tolist()]

    def records(self, positions: Sequence[int]) -> list[dict[str, Any]]:
        """The entries at ``positions`` (places in the list) as dicts."""
        return self.frame.iloc[list(positions)].to_dict("records")

    @cached_property
    def newest_rank(self) -> np.ndarray:
        """Each entry's place in the whole list newest first (:func:`newest_first`), by its place in
        the list: sorting a part of the list by it gives that part newest first."""
        order = self.frame.index.get_indexer(newest_first(self.frame).index)
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        return rank

    def per_entry(self, name: str, compute: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
        """``compute(row)`` for every entry, by id, kept by a hash of each row's content in
        ``<cache>/<name>-<code hash>/``, 16 files by the hash's first digit: a later render
        recomputes only the entries an edit changed, and rewrites only their files."""
        folder = self.cache_dir / f"{name}-{package_hash()[:16]}" if self.cache_dir else None
        stored: dict[str, dict[str, Any]] = {}
        if folder and folder.is_dir():
            stored = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in folder.glob("?.json")}
        keys = self.row_keys
        missing = [i for i, key in enumerate(keys) if key not in stored.get(key[0], {})]
        computed = dict(zip(missing, map(compute, self.records(missing)), strict=True))
        kept: dict[str, dict[str, Any]] = {}
        out = {}
        for i, (entry_id, key) in enumerate(zip(self.frame["id"], keys, strict=True)):
            value = computed[i] if i in computed else stored[key[0]][key]
            kept.setdefault(key[0], {})[key] = out[entry_id] = value
        if folder:
            self._keep_shards(folder, name, stored, kept)
        return out

    @staticmethod
    def _keep_shards(folder: Path, name: str, stored: dict[str, Any], kept: dict[str, Any]) -> None:
        """Write the files of ``kept`` whose keys changed, remove the others and the other versions
        of ``name``."""
        folder.mkdir(parents=True, exist_ok=True)
        for shard, values in kept.items():
            if values.keys() != stored.get(shard, {}).keys():
                atomic_write(folder / f"{shard}.json", json.dumps(values, ensure_ascii=False).encode("utf-8"))
        for shard in stored.keys() - kept.keys():
            (folder / f"{shard}.json").unlink()
        for old in folder.parent.glob(f"{name}-*"):
            if old != folder and old.stem.removeprefix(f"{name}-").isalnum():
                shutil.rmtree(old) if old.is_dir() else old.unlink()

    @cached_property
    def entry_parts(self) -> dict[str, dict[str, str]]:
        """Each entry's card parts that every page shares (:func:`~readinglist.cards.fixed_parts`) and
        its two BibTeX entries (``bib``, ``biblatex``): the costly per-entry work, done once per edit."""

        def compute(row: dict[str, Any]) -> dict[str, str]:
            bib = bibtex.entry(row)
            parts = fixed_parts(row, (bibtex.citation_key(row), bib))
            return parts | {"bib": bib, "biblatex": bibtex.biblatex_entry(row)}

        return self.per_entry("entries", compute)

    @cached_property
    def related(self) -> dict[str, list[str]]:
        """The three most similar entries of each entry; cached on disk by the text they depend on."""
        return self.cached("related", text_fingerprint(self.frame) + package_hash()[:8], self._related)

    def _related(self) -> dict[str, list[str]]:
        from .related import related

        return related(self.frame, k=3)

    @cached_property
    def chart_frame(self) -> pd.DataFrame:
        """What the charts read: the entries' ids, titles, links, dates and tags, and whether they
        have notes (``notes`` is ``"yes"`` or ``""``), so editing a note's text leaves every chart as it was."""
        frame = self.frame[list(CHART_COLUMNS)].copy()
        frame["notes"] = has_notes(frame).map({True: "yes", False: ""})
        return frame

    @cached_property
    def chart_key(self) -> str:
        """A hash of everything the charts depend on: :attr:`chart_frame`, the topics and the code."""
        digest = hashlib.sha256(self.chart_frame.to_json(orient="split", date_format="iso").encode())
        digest.update(repr(self.topics).encode())
        digest.update(package_hash().encode())
        return digest.hexdigest()[:24]

    @cached_property
    def chapter_frames(self) -> dict[str, pd.DataFrame]:
        """Each chapter's entries, by chapter slug (selected once for all the pages that show them)."""
        return {ch.slug: self.frame[has_tags(self.frame, ch.tags)] for ch in self.topics.chapters()}

    @cached_property
    def layout(self) -> dict[str, list[SubPage]]:
        """The sub-pages of every chapter cut into pages (:mod:`readinglist.split`), by chapter slug."""
        return split.layout(self.frame, self.topics, self.chapter_frames)

    @cached_property
    def card_pages(self) -> dict[str, dict[str, str]]:
        """For each cut chapter, entry id -> the sub-page showing its card."""
        return {slug: split.locations(pages) for slug, pages in self.layout.items()}

    def location(self, chapter: str, entry_id: str) -> str:
        """The page showing ``entry_id``'s card in ``chapter``: its sub-page when the chapter is cut."""
        pages = self.card_pages.get(chapter)
        return pages[entry_id] if pages else f"chapters/{chapter}.html"

    @cached_property
    def homes(self) -> dict[str, str]:
        """Entry id -> the page holding its main card: in the chapter of its first tag (the right
        sub-page of a cut chapter), or the data appendix for an entry with no tag."""
        return {
            row.id: self.location(self.topics.by_tag(row.tags[0]).chapter, row.id) if len(row.tags) else UNTAGGED_PAGE
            for row in self.frame[["id", "tags"]].itertuples()
        }

    @cached_property
    def titles(self) -> dict[str, str]:
        return dict(zip(self.frame["id"], self.frame["title"], strict=True))

    @cached_property
    def card_keys(self) -> dict[str, str]:
        """Entry id -> a hash of everything its card shows besides the page it is on: its row, its
        related entries with their titles and homes, and the pages showing it in each of its chapters."""
        out = {}
        related, titles, homes = self.related, self.titles, self.homes
        for entry_id, tags, key in zip(self.frame["id"], self.frame["tags"], self.row_keys, strict=True):
            shown = [(r, titles.get(r), homes.get(r)) for r in related.get(entry_id, [])]
            chapters = dict.fromkeys(self.topics.by_tag(t).chapter for t in tags)
            places = [self.location(slug, entry_id) for slug in chapters]
            out[entry_id] = hashlib.sha256(repr((key, shown, places)).encode()).hexdigest()[:16]
        return out

    @cached_property
    def cards_key(self) -> str:
        """A hash of what every card depends on besides its own :attr:`card_keys`: the topics and the code."""
        return hashlib.sha256((repr(self.topics) + package_hash()).encode()).hexdigest()[:16]

    def context(self, page: str) -> CardContext:
        return CardContext(
            self.topics, page, self.related, self.titles, self.homes, bibtex, self.location, self.entry_parts
        )

    def page(self, source: str) -> Page:
        """The page whose source file is ``source``: ``index.qmd``, ``chapters/<slug>.qmd`` or
        ``appendices/data.qmd``."""
        if source == "index.qmd":
            return self.preface_page()
        if source == DATA_SOURCE:
            return self.data_page()
        match = re.fullmatch(r"chapters/([^/]+)\.qmd", source)
        if match:
            return self.chapter_page(match.group(1))
        match = re.fullmatch(r"chapters/([^/]+)/([^/]+)\.qmd", source)
        sub = next((p for p in self.layout.get(match.group(1), ()) if p.path == source), None) if match else None
        if sub is None:
            raise KeyError(
                f"no page of the book is made from {source!r}"
                + (" (run `python -m readinglist chapters` to bring the chapter's pages in step)" if match else "")
            )
        return SubChapterPage(self, self.topics.chapter(sub.chapter), sub)

    def pages(self) -> dict[str, Page]:
        """Every page with code cells, by source file: the preface, each chapter followed by its
        sub-pages (when it is cut), the data appendix."""
        sources = ["index.qmd"]
        for ch in self.topics.chapters():
            sources += [ch.path, *[p.path for p in self.layout.get(ch.slug, ())]]
        sources.append(DATA_SOURCE)
        return {source: self.page(source) for source in sources}

    def write_generated_files(self, root: Path) -> None:
        """What the pages link to besides themselves: the vega bundle, the plan of the charts' images
        for the PDF and the EPUB (drawn on demand, :mod:`readinglist.static`), the charts' images
        for the web book's first paint (those that changed), BibTeX, the feed, the listing."""
        write_vega_bundle(root / BUNDLE)
        months = self.cached("list-months", self.chart_key, self._list_months)
        write_generated(root / LIST_MONTHS, json.dumps(months, separators=(",", ":")) + "\n")
        plan = self.cached("chart-plan", self.chart_key, self._chart_plan)
        static.write_chart_plan(plan, root)
        static.draw_web_images(plan, root)
        parts = self.entry_parts
        bibtex.write_bibliography(self.frame, root / "references.bib", {i: p["bib"] for i, p in parts.items()})
        biblatex = {i: p["biblatex"] for i, p in parts.items()}
        bibtex.write_biblatex(self.frame, root / "references-biblatex.bib", biblatex)
        feed.write_feed(self.frame, project.site_url(root), self.topics, root / "feed.xml")
        key = listing.listing_key(self.frame, self.homes) + package_hash()[:8]
        text = self.cached("listing", key, lambda: listing.listing_text(self.frame, self.topics, self.homes), text=True)
        write_generated(root / "all-entries.yml", text)

    def _list_months(self) -> list[dict[str, Any]]:
        from .charts import list_months

        return list_months(self.chart_frame)

    def _chart_plan(self) -> dict[str, Any]:
        plan = static.chart_plan(self.figures())
        self.prune_heights()  # every chart was laid out
        return plan

    def figures(self) -> list[Figure]:
        """Every chart of the book, in page order."""
        return [fig for page in self.pages().values() for fig in page.figures()]

    def drawn_heights(self, figures: list[Figure]) -> list[int]:
        """Each figure's :func:`~readinglist.charts.drawn_height`, kept in ``<cache>/heights-<code
        hash>.json`` by a hash of its laid-out spec: a render lays out only the charts an edit changed."""
        from .charts import drawn_height, layout_key

        path = self._heights_path()
        if self._heights is None:
            self._heights = json.loads(path.read_text(encoding="utf-8")) if path and path.exists() else {}
        keys = [layout_key(fig) for fig in figures]
        new = {k: drawn_height(fig) for k, fig in zip(keys, figures, strict=True) if k not in self._heights}
        self._heights |= new
        self._heights_used.update(keys)
        if path and new:
            self._keep(path, "heights", self._heights)
        return [self._heights[k] for k in keys]

    def _heights_path(self) -> Path | None:
        return self.cache_dir / f"heights-{package_hash()[:16]}.json" if self.cache_dir else None

    def prune_heights(self) -> None:
        """Keep in the heights cache only the charts laid out since the list was loaded (called once
        every page's charts are built)."""
        path = self._heights_path()
        if path and self._heights is not None and self._heights.keys() - self._heights_used:
            self._keep(path, "heights", {k: v for k, v in self._heights.items() if k in self._heights_used})

    def chapter_page(self, slug: str) -> ChapterPage:
        return ChapterPage(self, self.topics.chapter(slug))

    def preface_page(self) -> PrefacePage:
        return PrefacePage(self)

    def data_page(self) -> DataPage:
        return DataPage(self)


class Page:
    """A page of the book; ``path`` is its output path relative to the book root, ``CELLS`` the
    methods its code cells print."""

    CELLS: tuple[str, ...] = ()
    #: The id of the section holding the page's cards (None when it has none), which the search
    #: index replaces by one document per entry (:mod:`readinglist.search`).
    cards_section: str | None = None

    def __init__(self, book: Book, path: str):
        self.book = book
        self.path = path

    @property
    def root(self) -> str:
        return root_of(self.path)

    def cell_outputs(self) -> dict[str, str]:
        """What each of the page's cells prints."""
        return {name: getattr(self, name)() for name in self.CELLS}

    def figure_list(self) -> list[Figure]:
        """The page's charts (none by default)."""
        return []

    def _chart_plan(self) -> dict[str, Any]:
        plan = static.chart_plan(self.figures())
        self.prune_heights()  # every chart was laid out
        return plan

    def figures(self) -> list[Figure]:
        """:meth:`figure_list`, built once per loaded list (the page's cells and the chart images
        both use it)."""
        built = self.book.built_figures
        if self.path not in built:
            built[self.path] = self.figure_list()
        return built[self.path]

    def charts(self) -> str:
        """The page's charts as Quarto figures, then the script that draws them as they come near
        the viewport and loads the vega bundle for the first one (cached by :attr:`Book.chart_key`,
        so a render that changes no chart does not load Altair)."""
        name = "charts-" + re.sub(r"[^A-Za-z0-9]+", "-", self.path.removesuffix(".html"))
        return "\n\n".join(self.book.cached(name, self.book.chart_key, self._figures_markdown)) + "\n"

    def _figures_markdown(self) -> list[str]:
        from .charts import figure_markdown, loader_html

        figs = self.figures()
        images = [self.root + static.image_path(f.id) for f in figs]
        heights = self.book.drawn_heights(figs)
        figures = [
            figure_markdown(f, i, h, first_paint=self.root) for f, i, h in zip(figs, images, heights, strict=True)
        ]
        return [*figures, html_only(raw_html(loader_html(f"{self.root}{BUNDLE}")))] if figures else []

    def cards(self, frame: pd.DataFrame) -> str:
        """The cards of ``frame``'s entries, newest first (cached by the page, the cards' :attr:`Book.card_keys`
        and :attr:`Book.cards_key`, so an edit assembles again only the pages whose cards it changes)."""
        book = self.book
        positions = book.frame.index.get_indexer(frame.index)
        positions = positions[np.argsort(book.newest_rank[positions], kind="stable")]
        keys = book.card_keys
        digest = hashlib.sha256(f"{self.path}\0{book.cards_key}".encode())
        digest.update("".join(keys[i] for i in book.frame["id"].to_numpy()[positions]).encode())
        name = "cards-" + re.sub(r"[^A-Za-z0-9]+", "-", self.path.removesuffix(".html"))
        return book.cached(name, digest.hexdigest()[:24], lambda: self._cards(positions), text=True)

    def _cards(self, positions: Sequence[int]) -> str:
        ctx = self.book.context(self.path)
        return "\n\n".join(card(row, ctx) for row in self.book.records(positions)) + "\n"

    def link(self, entry_id: str, text: str) -> str:
        page = self.book.homes[entry_id]
        target = "" if page == self.path else self.root + page
        return f"[{inline(text)}]({target}#{entry_id})"


class ChapterPage(Page):
    """A topic chapter: a summary, two charts and the cards of its entries."""

    CELLS = ("summary", "charts", "entries")

    def __init__(self, book: Book, chapter: Chapter):
        super().__init__(book, f"chapters/{chapter.slug}.html")
        self.chapter = chapter

    @property
    def frame(self) -> pd.DataFrame:
        return self.book.chapter_frames[self.chapter.slug]

    @property
    def cards_section(self) -> str | None:  # type: ignore[override]
        return None if self.sub_pages else "entries"

    @property
    def sub_pages(self) -> list[SubPage]:
        """The chapter's sub-pages, newest first (none when it is not cut)."""
        return self.book.layout.get(self.chapter.slug, [])

    def summary(self) -> str:
        """Counts, the date range, and each topic's description."""
        frame = self.frame
        dated = frame["date"].dropna()
        span = f", from {dated.min():%b %Y} to {dated.max():%b %Y}" if len(dated) else ""
        noted = int((frame["notes"].str.strip() != "").sum())
        order = (
            f"The cards are on {len(self.sub_pages)} pages by period, newest first (see *Entries*)."
            if self.sub_pages
            else 'Newest first[; expand *Abstract* to read it]{.content-visible when-format="html:js"}.'
        )
        lines = [f"{len(frame)} entries{escape(span)}; {noted} with the curator's notes (marked in green). {order}"]
        lines += [""] + [
            f"- **{escape(t.tag)}** ({int(has_tags(frame, [t.tag]).sum())}): {escape(t.description)}"
            for t in self.chapter.topics
        ]
        return "\n".join(lines) + "\n"

    def figure_list(self) -> list[Figure]:
        from .charts import chapter_figures

        return chapter_figures(self.book.chart_frame, self.book.topics, self.chapter, f"{self.root}{LIST_MONTHS}")

    def entries(self) -> str:
        """The cards, or for a cut chapter the list of its sub-pages and the map that sends an old
        link to a card (``chapters/rl.html#<id>``) to the sub-page showing it."""
        if not self.sub_pages:
            return self.cards(self.frame)
        lines = [f"{len(self.frame)} entries, newest first, on {len(self.sub_pages)} pages:", ""]
        lines += [
            f"- [{escape(p.label)}]({self.chapter.slug}/{p.period}.html): {len(p.ids)} "
            + ("entry" if len(p.ids) == 1 else "entries")
            for p in self.sub_pages
        ]
        return "\n".join(lines) + "\n\n" + html_only(raw_html(split.redirect_html(self.sub_pages))) + "\n"


class SubChapterPage(Page):
    """A page of a cut chapter: the cards of one period, with links to the chapter and the periods
    before and after."""

    CELLS = ("summary", "entries")
    cards_section = "entries"

    def __init__(self, book: Book, chapter: Chapter, sub: SubPage):
        super().__init__(book, sub.html)
        self.chapter = chapter
        self.sub = sub

    def summary(self) -> str:
        """Where the page sits: its chapter, its period, the pages before and after it."""
        pages = self.book.layout[self.chapter.slug]
        i = pages.index(self.sub)
        total = len(self.book.chapter_frames[self.chapter.slug])
        chapter = f"[{escape(self.chapter.title)}](../{self.chapter.slug}.html)"
        near = [f"Newer: [{escape(pages[i - 1].label)}]({pages[i - 1].period}.html)"] if i else []
        if i + 1 < len(pages):
            near.append(f"Older: [{escape(pages[i + 1].label)}]({pages[i + 1].period}.html)")
        return (
            f"{len(self.sub.ids)} of the {total} entries of {chapter}, {escape(self.sub.label)}; "
            f"page {i + 1} of {len(pages)}, newest first." + (f" {' · '.join(near)}." if near else "") + "\n"
        )

    def entries(self) -> str:
        frame = self.book.chapter_frames[self.chapter.slug]
        return self.cards(frame[frame["id"].isin(self.sub.ids)])


class PrefacePage(Page):
    """The preface: the curator's introduction, how to read the book, the overview charts."""

    CELLS = ("introduction", "noted", "contents", "charts")

    def __init__(self, book: Book):
        super().__init__(book, "index.html")

    def introduction(self) -> str:
        text = (project.data_dir() / "introduction.md").read_text(encoding="utf-8")
        return f"::: {{.curator-introduction}}\n{blocks(text)}\n:::\n"

    def contents(self) -> str:
        """Parts and chapters with their entry counts and topics."""
        frame = self.book.frame
        lines = []
        for part, chapters in self.book.topics.parts().items():
            lines += [f"**{escape(part)}**", ""]
            for ch in chapters:
                n = int(has_tags(frame, ch.tags).sum())
                tags = ", ".join(escape(t) for t in ch.tags)
                lines.append(f"- [{escape(ch.title)}]({self.root}chapters/{ch.slug}.html) ({n}): {tags}")
            lines.append("")
        untagged = int((frame["tags"].str.len() == 0).sum())
        noted = int((frame["notes"].str.strip() != "").sum())
        lines.append(
            f"{len(frame)} entries in all, {noted} with the curator's notes. "
            f"[All entries]({self.root}all-entries.html) lists every one, with search and sorting"
            + (
                f"; {'the entry' if untagged == 1 else f'the {untagged} entries'} without a topic"
                f" {'is' if untagged == 1 else 'are'} in [the data appendix]({self.root}{UNTAGGED_PAGE})."
                if untagged
                else "."
            )
        )
        return "\n".join(lines) + "\n"

    def noted(self) -> str:
        """Every entry with the curator's notes, newest first: a link to its card and the notes'
        first sentence, so a returning reader finds them in one place."""
        frame = self.book.frame
        lines = []
        for row in newest_first(frame[frame["notes"].str.strip() != ""]).to_dict("records"):
            first = re.split(r"(?<=[.!?])\s", row["notes"].strip(), maxsplit=1)[0]
            lines.append(f"- {self.link(row['id'], title_of(row))}: {inline(first)}")
        return "\n".join(lines) + "\n" if lines else "None yet.\n"

    def figure_list(self) -> list[Figure]:
        from .charts import overview_figures

        return overview_figures(self.book.chart_frame, self.book.topics)


SCHEMA_DOC = {
    "id": "the arXiv id (`2509.17567`), or a readable slug for other entries",
    "title": "plain text; `$...$` is LaTeX math",
    "kind": "paper, technical report, blog post, forum post, repository, video, other",
    "url": "the canonical link; `https://arxiv.org/abs/<id>` for arXiv entries",
    "links": "extra links (code, blog), separated by spaces",
    "arxiv_id": "the arXiv id without version, or empty",
    "date": "`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; empty when unknown",
    "tags": "tags of the topics file, separated by `;`",
    "authors": "names separated by `;`, filled by `enrich`",
    "categories": "arXiv categories separated by spaces, the primary first",
    "abstract": "paragraphs separated by a blank line; `$...$` is math",
    "notes": "the curator's notes, paragraphs separated by a blank line",
    "review": "what the curator should check, or empty",
    "added": "the day the curator added the entry, `YYYY-MM-DD`",
}


class DataPage(Page):
    """The data appendix: schema, data quality, and the cards of entries without a topic."""

    CELLS = ("schema", "quality", "untagged")
    cards_section = "entries-without-a-topic"  # the id of its heading in appendices/data.qmd

    def __init__(self, book: Book):
        super().__init__(book, UNTAGGED_PAGE)

    def schema(self) -> str:
        rows = [f"| `{col}` | {SCHEMA_DOC[col]} |" for col in COLUMNS]
        return "\n".join(["| column | content |", "| --- | --- |", *rows]) + "\n"

    def quality(self) -> str:
        """Entries that need the curator's review, entries with no date and entries with no tag."""
        frame = self.book.frame
        sections = [
            ("Entries to review", frame[frame["review"] != ""], lambda r: r["review"]),
            ("Entries with no date", frame[frame["date"].isna()], lambda r: r["kind"]),
            ("Entries with no tag", frame[frame["tags"].str.len() == 0], lambda r: r["kind"]),
        ]
        out = []
        for heading, rows, detail in sections:
            out += [f"### {heading} ({len(rows)}) {{.unnumbered}}", ""]
            if rows.empty:
                out += ["None.", ""]
            for row in rows.to_dict("records"):
                out.append(f"- {self.link(row['id'], title_of(row))}: {escape(detail(row))}")
            out.append("")
        return "\n".join(out)

    def untagged(self) -> str:
        frame = self.book.frame
        return self.cards(frame[frame["tags"].str.len() == 0]) if (frame["tags"].str.len() == 0).any() else "None.\n"
