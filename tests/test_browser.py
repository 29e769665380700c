"""The pages in a real browser (Chromium through Playwright), served from 127.0.0.1 with no network.

The chart pages are written by ``charts.write_chart_pages`` and need no Quarto: every chart draws,
has alt text, shows the entry's title on hover, opens the entry on click, makes no console error and
no outside request, and has no serious accessibility violation. The rendered book (``_book/``, the
``rendered_book`` fixture: skipped with its reason where there is none) is checked the same way,
in the light and the dark theme, plus search and the cards' "also in" and tag links.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pandas as pd
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from readinglist import charts, paint, store, styles
from readinglist.linkcheck import has_fragment, html_pages, page_ids
from readinglist.topics import load_topics

from .browser import (
    ARTIFACTS,
    PageLog,
    RequestGuard,
    StaticServer,
    chromium,
    describe_violations,
    missing_chromium,
    serious_violations,
    wait_for_charts,
)
from .conftest import DATA
from .expected import csv_rows, tags_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(missing_chromium() is not None, reason=missing_chromium() or ""),
]

TOPICS = load_topics(DATA / "topics.csv")
CHAPTERS = [chapter.slug for chapter in TOPICS.chapters()]
CHART_PAGES = ["overview", *CHAPTERS]
VIEWPORT = {"width": 1280, "height": 900}
ENTRY_MARKS = ".mark-symbol path[role='graphics-symbol']"
TOOLTIP = "#vg-tooltip-element"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return store.load(DATA / "papers.csv", TOPICS)


@pytest.fixture(scope="module")
def figures(frame: pd.DataFrame) -> dict[str, list[charts.Figure]]:
    """Each chart page's figures, in page order."""
    result = {"overview": charts.overview_figures(frame, TOPICS)}
    for chapter in TOPICS.chapters():
        result[chapter.slug] = charts.chapter_figures(frame, TOPICS, chapter)
    return result


def dated_entries(frame: pd.DataFrame, slug: str) -> list[tuple[str, str]]:
    """Title (as the charts label it) and URL of the chapter's entries dated by month or day: one dot each."""
    own = set(TOPICS.chapter(slug).tags)
    return [
        (charts.entry_label(row.title, row.id), row.url)
        for row in frame.itertuples()
        if own.intersection(row.tags) and pd.notna(row.date) and row.date_precision in ("month", "day")
    ]


# ---------------------------------------------------------------- the chart pages (no Quarto needed)


@dataclass
class ChartSite:
    """The chart pages, each loaded once in one browser context whose requests are guarded."""

    server: StaticServer
    context: BrowserContext
    guard: RequestGuard
    pages: dict[str, Page]
    logs: dict[str, PageLog]


@pytest.fixture(scope="module")
def chart_site(browser: Browser, frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChartSite]:
    folder = tmp_path_factory.mktemp("chart-pages")
    charts.write_chart_pages(frame, TOPICS, folder)
    with StaticServer(folder) as server:
        context = browser.new_context(viewport=VIEWPORT)
        guard = RequestGuard().install(context)
        pages, logs = {}, {}
        for name in CHART_PAGES:  # start every page, then wait for each: they load side by side
            pages[name] = context.new_page()
            logs[name] = PageLog.attach(pages[name])
            pages[name].goto(server.url(f"{name}.html"), wait_until="commit")
        for page in pages.values():
            page.wait_for_load_state("load")
            wait_for_charts(page)
        yield ChartSite(server, context, guard, pages, logs)
        context.close()


def hide_tooltip(page: Page) -> None:
    """Move the pointer off the charts so vega-tooltip hides its tooltip."""
    page.mouse.move(0, 0)
    if page.locator(TOOLTIP).count():
        expect(page.locator(TOOLTIP)).to_be_hidden()


@pytest.mark.parametrize("name", CHART_PAGES)
def test_every_chart_draws(chart_site: ChartSite, figures: dict[str, list[charts.Figure]], name: str) -> None:
    page = chart_site.pages[name]
    divs = page.locator("div.chart")
    assert [divs.nth(i).get_attribute("id") for i in range(divs.count())] == [fig.id for fig in figures[name]]
    assert page.locator(".chart-error").count() == 0, page.locator(".chart-error").all_inner_texts()
    for i in range(divs.count()):
        svg = divs.nth(i).locator("svg.marks")
        expect(svg).to_have_count(1)
        box = svg.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, (figures[name][i].id, box)
        assert svg.locator("[role='graphics-symbol']").count() > 0, f"{figures[name][i].id} drew no mark"


@pytest.mark.parametrize("name", CHART_PAGES)
def test_every_chart_has_alt_text(chart_site: ChartSite, figures: dict[str, list[charts.Figure]], name: str) -> None:
    divs = chart_site.pages[name].locator("div.chart")
    expect(divs).to_have_count(len(figures[name]))
    for i, fig in enumerate(figures[name]):
        div = divs.nth(i)
        # vegaEmbed turns the div into a "graphics-document" named by the spec's description (the alt text).
        label = div.get_attribute("aria-label") or ""
        assert label.strip() and label == fig.alt, fig.id
        expect(div).to_have_accessible_name(fig.alt)


@pytest.mark.parametrize("name", CHART_PAGES)
def test_pages_load_offline_without_errors(chart_site: ChartSite, name: str) -> None:
    assert chart_site.logs[name].problems == []
    assert chart_site.guard.outside == [], "requests that would have left 127.0.0.1"
    assert chart_site.server.url(f"{name}.html") in chart_site.guard.requests
    assert chart_site.server.url("vega-bundle.js") in chart_site.guard.requests


def test_an_outside_request_is_blocked_and_reported(browser: Browser, chart_site: ChartSite) -> None:
    """The guard the tests above rely on: a page asking for outside resources gets none of them."""
    probe = chart_site.server.root / "outside-probe.html"
    probe.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>probe</title><link rel="icon" href="data:,">'
        '<script src="https://cdn.example.com/lib.js"></script></head>'
        '<body><img src="http://example.org/a.png" alt=""></body></html>',
        encoding="utf-8",
    )
    context = browser.new_context()
    guard = RequestGuard().install(context)
    try:
        page = context.new_page()
        page.goto(chart_site.server.url(probe.name))
        page.wait_for_load_state("networkidle")
        title = page.title()
    finally:
        context.close()
    assert title == "probe", "the page itself was served"
    assert sorted(guard.outside) == ["http://example.org/a.png", "https://cdn.example.com/lib.js"]


@pytest.mark.parametrize("slug", CHAPTERS)
def test_hovering_an_entry_shows_its_title(chart_site: ChartSite, frame: pd.DataFrame, slug: str) -> None:
    page = chart_site.pages[slug]
    expected = dated_entries(frame, slug)
    marks = page.locator(f"#fig-{slug}-timeline {ENTRY_MARKS}")
    expect(marks).to_have_count(len(expected))
    if not expected:
        pytest.skip(f"the chapter {slug} has no entry dated by month, so its timeline has no entry mark")
    mark = marks.last  # dots run oldest to newest; the timeline opens on the recent months
    title = mark.get_attribute("aria-label")
    assert title in dict(expected)
    try:
        mark.hover()
        tooltip = page.locator(TOOLTIP)
        expect(tooltip).to_be_visible()
        expect(tooltip).to_contain_text(title)
        expect(tooltip).to_contain_text("Date")
    finally:
        hide_tooltip(page)


def test_dragging_the_timeline_shows_older_months(chart_site: ChartSite, frame: pd.DataFrame) -> None:
    """The list spans 2016 to 2025; the timeline opens on the recent months and drags back to the rest."""
    page = chart_site.pages["overview"]
    labels = page.locator("#fig-timeline svg .role-axis-label text")

    def earliest_year() -> int:
        return min(int(t[-4:]) for t in labels.all_text_contents() if re.fullmatch(r"[A-Z][a-z]{2} \d{4}", t))

    oldest = int(frame["date"].min().year)
    opening = earliest_year()
    assert opening > oldest, "the timeline opens on the recent months"
    try:
        box = page.locator("#fig-timeline svg").bounding_box()
        assert box
        y = box["y"] + box["height"] / 2
        page.mouse.move(box["x"] + box["width"] * 0.3, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.7, y, steps=10)
        page.mouse.up()
        expect(labels.filter(has_text=str(opening - 1)).first).to_be_visible()
    finally:
        page.reload()
        wait_for_charts(page)


def test_clicking_an_entry_opens_its_url(browser: Browser, chart_site: ChartSite, frame: pd.DataFrame) -> None:
    slug = next((s for s in CHAPTERS if dated_entries(frame, s)), None)
    assert slug, "no chapter has an entry dated by month"
    entries = dict(dated_entries(frame, slug))
    context = browser.new_context(viewport=VIEWPORT)  # its own guard: the stub page may ask for more
    guard = RequestGuard().install(context)
    try:
        page = context.new_page()
        page.goto(chart_site.server.url(f"{slug}.html"))
        wait_for_charts(page)
        mark = page.locator(f"#fig-{slug}-timeline {ENTRY_MARKS}").last  # the newest: in the opening view
        url = entries[mark.get_attribute("aria-label")]
        guard.expect_navigation(url)
        mark.click()
        page.wait_for_url(url)
    finally:
        context.close()
    assert guard.intercepted == [url], "the navigation was intercepted, not fetched"
    assert url not in guard.outside


@pytest.mark.parametrize("name", CHART_PAGES)
def test_chart_pages_have_no_serious_accessibility_violations(chart_site: ChartSite, name: str) -> None:
    page = chart_site.pages[name]
    hide_tooltip(page)
    violations = serious_violations(page)
    assert not violations, describe_violations(violations)


def test_a_shown_tooltip_has_no_serious_accessibility_violations(chart_site: ChartSite, frame: pd.DataFrame) -> None:
    slug = next(s for s in CHAPTERS if dated_entries(frame, s))
    page = chart_site.pages[slug]
    try:
        page.locator(f"#fig-{slug}-timeline {ENTRY_MARKS}").last.hover()
        page.locator(TOOLTIP).wait_for(state="visible")  # a timeout here is an error, not the expected failure
        violations = serious_violations(page, TOOLTIP)
    finally:
        hide_tooltip(page)
    assert not violations, describe_violations(violations)


# ---------------------------------------------------------------- the rendered book (_book/)


@pytest.fixture(scope="module")
def book(rendered_book: Path) -> Iterator[StaticServer]:
    with StaticServer(rendered_book) as server:
        yield server


#: A phone (an iPhone's CSS width) and a laptop.
SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@contextmanager
def book_context(
    browser: Browser, viewport: dict[str, int] = VIEWPORT, theme: str | None = None
) -> Iterator[tuple[BrowserContext, RequestGuard]]:
    """A fresh context on a desktop-wide viewport (so the sidebar shows) unless told otherwise, with no
    stored color scheme, or with ``theme`` (``light``, ``dark``) stored as Quarto's toggle stores it."""
    context = browser.new_context(viewport=viewport, color_scheme="light")
    if theme is not None:
        scheme = "alternate" if theme == "dark" else "default"
        context.add_init_script(f"localStorage.setItem('quarto-color-scheme', '{scheme}')")
    guard = RequestGuard().install(context)
    try:
        yield context, guard
    finally:
        context.close()


def book_pages(root: Path) -> list[str]:
    """The book's pages, site-relative (Quarto's own ``site_libs`` left out)."""
    return [p.relative_to(root).as_posix() for p in html_pages(root) if "site_libs" not in p.relative_to(root).parts]


def open_page(context: BrowserContext, url: str) -> tuple[Page, PageLog]:
    page = context.new_page()
    log = PageLog.attach(page)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    wait_for_charts(page)
    return page, log


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_book_page_loads_offline_without_errors(browser: Browser, book: StaticServer, screen: str) -> None:
    pages = book_pages(book.root)
    assert "index.html" in pages and any(p.startswith("chapters/") for p in pages), pages
    problems = []
    with book_context(browser, SCREENS[screen]) as (context, guard):
        for name in pages:
            page, log = open_page(context, book.url(name))
            problems += [f"{name}: {p}" for p in log.problems]
            problems += [f"{name}: chart not drawn: {t}" for t in page.locator(".chart-error").all_inner_texts()]
            page.close()
    problems += [f"request that would have left 127.0.0.1: {url}" for url in guard.outside]
    assert problems == []


def search_target(frame: pd.DataFrame) -> tuple[str, str, str]:
    """A word of one entry's title found in no other entry and no topic text; the entry id; its page."""
    texts = {
        row.id: " ".join([row.title, row.abstract, row.notes, " ".join(row.authors)]).lower()
        for row in frame.itertuples()
    }
    shared = " ".join(f"{t.tag} {t.description} {t.chapter_title} {t.part}" for t in TOPICS.topics).lower()
    shared += " " + (DATA / "introduction.md").read_text(encoding="utf-8").lower()
    for row in frame.itertuples():
        if not row.tags or "$" in row.title:
            continue
        for word in re.findall(r"[A-Za-z][A-Za-z-]{5,}", row.title):
            key = word.lower()
            if key not in shared and not any(key in text for other, text in texts.items() if other != row.id):
                return word, row.id, TOPICS.home(row.tags)
    raise AssertionError("no entry has a title word found nowhere else")


def test_search_finds_an_entry_by_a_word_of_its_title(
    browser: Browser, book: StaticServer, frame: pd.DataFrame
) -> None:
    word, entry_id, home = search_target(frame)
    index = json.loads((book.root / "search.json").read_text(encoding="utf-8"))
    hits = [
        item["href"]
        for item in index
        if word.lower() in " ".join(str(item.get(k, "")) for k in ("title", "section", "text")).lower()
    ]
    assert f"{home}#{entry_id}" in hits, (word, home, hits)  # the entry's own document (readinglist.search)
    assert sorted(d["entry"] for d in index if "entry" in d) == sorted(frame["id"]), "one document per entry"

    with book_context(browser) as (context, guard):
        page, log = open_page(context, book.url("index.html"))
        # Quarto's search box is an autocomplete: a text box in the sidebar, or (in "overlay" mode and on
        # narrow screens) a button that opens a detached search form.
        box = page.locator("#quarto-search .aa-Autocomplete:visible, #quarto-search .aa-DetachedSearchButton:visible")
        box.first.wait_for()
        detached = page.locator("#quarto-search .aa-DetachedSearchButton:visible")
        if detached.count():
            detached.first.click()
        else:
            page.locator("#quarto-search .aa-Input:visible").first.click()
        page.locator(".aa-Input:visible").first.press_sequentially(word, delay=20)
        result = page.locator(f".aa-Panel a.search-result-link[href*='{home}']").first
        expect(result).to_be_visible()
        result.click()
        page.wait_for_url(lambda url: urlsplit(url).path.endswith("/" + home))
        card = page.locator(f"div.paper-card[id='{entry_id}']")
        expect(card).to_have_count(1)
        expect(card.locator("h3")).to_contain_text(word, ignore_case=True)
        assert log.problems == [] and guard.outside == []


def test_also_in_and_tag_links_resolve(browser: Browser, book: StaticServer, frame: pd.DataFrame) -> None:
    chapter_of = {t.tag: t.chapter_path_html for t in TOPICS.topics}
    pages = [f"chapters/{slug}.html" for slug in CHAPTERS] + ["appendices/data.html"]
    links: list[dict] = []
    with book_context(browser) as (context, _guard):
        for name in pages:
            page = context.new_page()
            page.goto(book.url(name))
            links += [
                {**link, "page": name}
                for link in page.eval_on_selector_all(
                    "span.paper-also-in a, a.paper-tag",
                    """els => els.map(a => ({
                        kind: a.classList.contains('paper-tag') ? 'tag' : 'also-in',
                        href: a.href, text: a.textContent.trim(), card: a.closest('.paper-card')?.id ?? null}))""",
                )
            ]
            page.close()
    problems = []
    ids: dict[Path, set[str]] = {}
    for link in links:
        target = book.path_of(link["href"])
        where = f"{link['page']} (card {link['card']}): {link['kind']} link {link['href']}"
        if target is None:
            problems.append(f"{where}: no such page")
            continue
        relative = target.relative_to(book.root).as_posix()
        fragment = urlsplit(link["href"]).fragment
        if link["kind"] == "tag":
            if relative != chapter_of.get(link["text"]):
                problems.append(f"{where}: the tag {link['text']!r} belongs to {chapter_of.get(link['text'])}")
        else:
            if unquote(fragment) != link["card"]:
                problems.append(f"{where}: points at {fragment!r}, not at its own entry")
            if not has_fragment(ids.setdefault(target, page_ids(target)), fragment):
                problems.append(f"{where}: no element with id {unquote(fragment)!r} in {relative}")
    assert problems == []
    assert any(link["kind"] == "tag" for link in links), "no tag link found on the chapter pages"
    multi_chapter = any(len({TOPICS.by_tag(t).chapter for t in tags}) > 1 for tags in frame["tags"])
    assert any(link["kind"] == "also-in" for link in links) or not multi_chapter, "no 'also in' link found"


def set_theme(page: Page, theme: str) -> None:
    """Light: Quarto's default here. Dark: click Quarto's color-scheme toggle, then reload to check it sticks.

    Quarto keeps the choice in localStorage under ``quarto-color-scheme`` (``alternate`` being the
    theme listed second in _quarto.yml, the dark one) and sets ``quarto-dark`` on the body."""
    body = page.locator("body")
    if theme == "dark":
        toggle = page.locator(".quarto-color-scheme-toggle:visible").first
        expect(toggle).to_be_visible()
        toggle.click()
        expect(body).to_have_class(re.compile(r"\bquarto-dark\b"))
        assert page.evaluate("() => localStorage.getItem('quarto-color-scheme')") == "alternate"
        page.reload()
        page.wait_for_load_state("networkidle")
        wait_for_charts(page)
        expect(body).to_have_class(re.compile(r"\bquarto-dark\b"))
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        channels = [int(c) for c in re.findall(r"\d+", background)[:3]]
        assert sum(channels) < 3 * 80, f"the dark theme's background is {background}"
    else:
        expect(body).not_to_have_class(re.compile(r"\bquarto-dark\b"))


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("name", ["preface", "chapter"])
def test_book_pages_are_accessible_in_both_themes(
    browser: Browser, book: StaticServer, frame: pd.DataFrame, name: str, theme: str
) -> None:
    slug = next((s for s in CHAPTERS if dated_entries(frame, s)), CHAPTERS[0])
    path = "index.html" if name == "preface" else f"chapters/{slug}.html"
    with book_context(browser) as (context, guard):
        page, log = open_page(context, book.url(path))
        set_theme(page, theme)
        violations = serious_violations(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{name}-{theme}.png", full_page=True)
        assert not violations, describe_violations(violations)
        if name == "chapter":
            page.locator(f"{ENTRY_MARKS}").last.hover()
            expect(page.locator(TOOLTIP)).to_be_visible()
            violations = serious_violations(page, TOOLTIP)
            assert not violations, "the entry tooltip: " + describe_violations(violations)
        assert log.problems == [] and guard.outside == []
    assert (ARTIFACTS / f"{name}-{theme}.png").stat().st_size > 0


# ---------------------------------------------------------------- every screen, both themes

#: Every chart of the page as drawn: its div, the drawn SVG, its smallest text as rendered (font size
#: times the SVG's scale on screen) and what is drawn outside the div.
CHART_GEOMETRY = """() => [...document.querySelectorAll('div.chart')].map(div => {
  const box = div.getBoundingClientRect();
  const svg = div.querySelector('svg');
  const out = {id: div.id, theme: div.getAttribute('data-theme'), error: div.classList.contains('chart-error'),
               width: box.width, height: box.height, reserved: parseFloat(div.style.minHeight),
               right: box.right, page: document.documentElement.clientWidth, texts: 0,
               smallest: null, outside: [], labelFill: null};
  if (!svg) return out;
  const s = svg.getBoundingClientRect();
  if (s.left < box.left - 0.5 || s.right > box.right + 0.5 || s.top < box.top - 0.5 || s.bottom > box.bottom + 0.5)
    out.outside.push('the svg ' + JSON.stringify([s.left, s.right, s.top, s.bottom]));
  for (const text of svg.querySelectorAll('text')) {
    if (!text.textContent.trim()) continue;
    const m = text.getScreenCTM();
    const size = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
    out.texts += 1;
    if (out.smallest === null || size < out.smallest[0]) out.smallest = [size, text.textContent];
    const t = text.getBoundingClientRect();
    if (t.left < box.left - 1 || t.right > box.right + 1) out.outside.push(text.textContent);
  }
  const label = svg.querySelector('.role-axis-label text');
  out.labelFill = label ? getComputedStyle(label).fill : null;
  return out;
})"""


def luminance(color: str) -> float:
    """The relative luminance (0 black, 1 white) of a CSS ``rgb(...)`` color."""
    channels = [int(c) / 255 for c in re.findall(r"\d+", color)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_charts_fit_every_screen_and_follow_the_theme(
    browser: Browser, book: StaticServer, figures: dict[str, list[charts.Figure]], screen: str, theme: str
) -> None:
    """On a phone and a laptop, in both themes: every chart of the book is drawn inside its div, as
    wide as the text column, with no text under 10 px, in the theme's text color, at the height its
    div kept for it before it was drawn (nothing below it moves)."""
    pages = {"index.html": "overview", **{f"chapters/{slug}.html": slug for slug in CHAPTERS}}
    problems = []
    with book_context(browser, SCREENS[screen], theme) as (context, guard):
        for name, figs in pages.items():
            page, log = open_page(context, book.url(name))
            drawn = page.evaluate(CHART_GEOMETRY)
            assert [c["id"] for c in drawn] == [f"{fig.id}-chart" for fig in figures[figs]], name
            for chart in drawn:
                where = f"{name} {chart['id']}"
                if chart["error"] or chart["smallest"] is None:
                    problems.append(f"{where}: not drawn")
                    continue
                problems += [f"{where}: drawn outside its div: {what!r}" for what in chart["outside"]]
                if chart["right"] > chart["page"] + 0.5:
                    problems.append(f"{where}: wider than the screen ({chart['right']} > {chart['page']})")
                if chart["smallest"][0] < 10:
                    problems.append(f"{where}: text {chart['smallest'][1]!r} at {chart['smallest'][0]:.1f} px")
                if abs(chart["height"] - chart["reserved"]) > 1:
                    problems.append(f"{where}: drawn {chart['height']} px high in a div that kept {chart['reserved']}")
                if chart["theme"] != theme:
                    problems.append(f"{where}: drawn in the {chart['theme']} theme")
                dark_text = luminance(chart["labelFill"]) < 0.2
                if dark_text != (theme == "light"):
                    problems.append(f"{where}: axis labels in {chart['labelFill']} on the {theme} theme")
            if screen == "phone" and theme == "light" and name == "chapters/rl.html":
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=ARTIFACTS / f"chapter-phone-{theme}.png", full_page=True)
            problems += [f"{name}: {p}" for p in log.problems]
            page.close()
    assert guard.outside == []
    assert problems == []


def test_charts_draw_live_when_the_reader_points_at_them(browser: Browser, book: StaticServer) -> None:
    """The vega bundle is not loaded by pages without charts, nor by a chart page whose charts are in
    view, until the reader points at a chart; then it is loaded once and that chart is drawn live."""
    bundle = book.url("_assets/vega-bundle.js")
    with book_context(browser, SCREENS["desktop"]) as (context, guard):
        for name in ("all-entries.html", "appendices/data.html"):
            page, log = open_page(context, book.url(name))
            page.mouse.wheel(0, 20_000)
            page.wait_for_timeout(300)
            assert log.problems == [] and page.locator("div.chart").count() == 0
            page.close()
        assert bundle not in guard.requests, "a page without charts loaded the vega bundle"
        page = context.new_page()
        log = PageLog.attach(page)
        page.goto(book.url("index.html"))
        page.wait_for_load_state("networkidle")
        charts_div = page.locator("div.chart")
        assert charts_div.count() == 4
        for i in range(4):
            charts_div.nth(i).scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        assert bundle not in guard.requests, "the bundle was loaded before the reader pointed at a chart"
        assert page.locator("div.chart svg").count() == 0
        charts_div.first.hover()
        expect(charts_div.first.locator("svg.marks")).to_have_count(1)
        expect(charts_div.first.locator(".chart-static")).to_have_count(0)
        assert charts_div.nth(1).locator("svg").count() == 0, "a chart the reader did not point at was drawn"
        wait_for_charts(page)
        assert guard.requests.count(bundle) == 1
        assert log.problems == []


#: Every chart's image drawn offline as shown before the reader points at it: how many are shown,
#: the shown one's box, its source, and whether it has loaded.
FIRST_PAINT = """() => [...document.querySelectorAll('div.chart')].map(div => {
  const box = div.getBoundingClientRect();
  const shown = [...div.querySelectorAll('.chart-static img')].filter(img => img.getClientRects().length > 0);
  const img = shown[0];
  const r = img ? img.getBoundingClientRect() : null;
  return {id: div.id, shown: shown.length, src: img ? img.currentSrc : null,
          loaded: img ? img.complete && img.naturalWidth > 0 : false, natural: img ? img.naturalWidth : 0,
          width: r ? r.width : 0,
          inside: r ? r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.bottom <= box.bottom + 0.5 : false};
})"""


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_charts_first_paint_their_images_in_the_theme_and_fit(
    browser: Browser, book: StaticServer, screen: str, theme: str
) -> None:
    """Before the reader points at it, each chart shows one image drawn offline: the theme's, the
    phone's width on a phone, loaded, inside its div, with no text under 10 px as shown; and the
    page has loaded no chart code."""
    pages = ["index.html", *[f"chapters/{slug}.html" for slug in CHAPTERS]]
    problems = []
    with book_context(browser, SCREENS[screen], theme) as (context, guard):
        for name in pages:
            page = context.new_page()
            log = PageLog.attach(page)
            page.goto(book.url(name))
            page.wait_for_load_state("networkidle")
            divs = page.locator("div.chart")
            for i in range(divs.count()):
                divs.nth(i).scroll_into_view_if_needed()
            page.wait_for_function(
                "() => [...document.querySelectorAll('div.chart .chart-static img')]"
                ".filter(i => i.getClientRects().length).every(i => i.complete)"
            )
            width = 340 if screen == "phone" else 580
            for chart in page.evaluate(FIRST_PAINT):
                where = f"{name} {chart['id']}"
                if chart["shown"] != 1 or not chart["loaded"]:
                    problems.append(f"{where}: {chart['shown']} image(s) shown, loaded: {chart['loaded']}")
                    continue
                if not chart["src"].endswith(f"-{width}-{theme}.svg"):
                    problems.append(f"{where}: shows {chart['src']}")
                if not chart["inside"]:
                    problems.append(f"{where}: the image is outside its div")
                svg = page.evaluate("url => fetch(url).then(r => r.text())", chart["src"])
                sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)px"', svg)]
                scale = chart["width"] / chart["natural"]
                if not sizes or min(sizes) * scale < 10:
                    problems.append(f"{where}: smallest text {min(sizes, default=0) * scale:.1f} px")
            if page.locator("div.chart svg").count():
                problems.append(f"{name}: a chart was drawn live before the reader pointed at it")
            problems += [f"{name}: {p}" for p in log.problems]
            page.close()
    assert not any(u.endswith("vega-bundle.js") for u in guard.requests), "the page loaded the chart code"
    assert guard.outside == []
    assert problems == []


def test_the_theme_toggle_redraws_the_charts(browser: Browser, book: StaticServer) -> None:
    with book_context(browser) as (context, _guard):
        page, log = open_page(context, book.url("chapters/rl.html"))
        label = page.locator("#fig-rl-timeline-chart .role-axis-label text").first
        assert luminance(label.evaluate("t => getComputedStyle(t).fill")) < 0.2
        page.locator(".quarto-color-scheme-toggle:visible").first.click()
        expect(page.locator("#fig-rl-timeline-chart")).to_have_attribute("data-theme", "dark")
        label = page.locator("#fig-rl-timeline-chart .role-axis-label text").first
        assert luminance(label.evaluate("t => getComputedStyle(t).fill")) > 0.6
        expect(page.locator("#fig-rl-timeline-chart svg.marks")).to_have_count(1)
        assert log.problems == []


# ---------------------------------------------------------------- the first paint (readinglist.paint)

DARK_SHEETS = "**/*-dark-*.css"


def test_the_dark_theme_loads_only_for_a_dark_reader_and_before_the_first_paint(
    browser: Browser, book: StaticServer
) -> None:
    """The post-render starts the dark stylesheets disabled: a light reader never fetches them; a
    reader who chose the dark theme sees no light page first, even when they are slow to come."""
    for theme in ("light", "dark"):
        with book_context(browser, SCREENS["phone"], theme=theme) as (context, guard):

            def slowly(route: Route) -> None:
                time.sleep(1.0)
                route.continue_()

            context.route(DARK_SHEETS, slowly)
            page, log = open_page(context, book.url("chapters/rl.html"))
            page.wait_for_timeout(300)
            dark = [url for url in guard.requests if re.search(r"-dark-[0-9a-f]+(\.min)?\.css$", url)]
            timing = page.evaluate(
                """() => ({
                    paint: performance.getEntriesByName('first-contentful-paint')[0].startTime,
                    sheets: performance.getEntriesByType('resource')
                        .filter(e => /-dark-[0-9a-f]+(\\.min)?\\.css$/.test(e.name)).map(e => e.responseEnd),
                })"""
            )
            if theme == "light":
                assert dark == [] and timing["sheets"] == []
            else:
                assert len(dark) == 2, dark  # Bootstrap's and the syntax highlighting's
                assert timing["paint"] >= max(timing["sheets"]), timing
                expect(page.locator("body")).to_have_class(re.compile(r"\bquarto-dark\b"))
            assert log.problems == []


def test_the_deferred_libraries_still_do_their_work(browser: Browser, book: StaticServer) -> None:
    """Quarto's scripts run deferred: headings get their anchors (anchor.js), the phone's sidebar
    opens (Bootstrap's collapse), the search box is built (autocomplete), and Quarto's handlers ran
    after the navigation script's (which keeps every link's original address)."""
    with book_context(browser, SCREENS["phone"]) as (context, _guard):
        page, log = open_page(context, book.url("chapters/rl.html"))
        head = (book.root / "chapters/rl.html").read_text(encoding="utf-8").split("</head>")[0]
        classic = [tag for tag in re.findall(r"<script src=[^>]*>", head) if 'type="module"' not in tag]
        assert classic and all(tag.endswith(" defer>") for tag in classic), classic
        expect(page.locator("h2.anchored a.anchorjs-link").first).to_be_attached()
        expect(
            page.locator("#quarto-search .aa-Autocomplete, #quarto-search .aa-DetachedSearchButton")
        ).not_to_have_count(0)
        assert page.locator("a[data-original-href]").count() > 0
        sidebar = page.locator("#quarto-sidebar")
        expect(sidebar).not_to_have_class(re.compile(r"\bshow\b"))
        page.locator(".quarto-btn-toggle:visible").first.click()
        expect(sidebar).to_have_class(re.compile(r"\bshow\b"))
        assert log.problems == []


READY_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">{ready}<title>Ready</title>
<script>
window.order = [];
window.tasks = [];
new PerformanceObserver(list => list.getEntries().forEach(e => window.tasks.push(e.duration)))
  .observe({type: 'longtask'});
function busy(name) { const end = performance.now() + 40; while (performance.now() < end) {} window.order.push(name); }
document.addEventListener('DOMContentLoaded', function () { busy('nav'); });
document.addEventListener('DOMContentLoaded', function () { busy('search'); });
window.addEventListener('load', function () { busy('load'); window.loaded = true; });
window.addEventListener('DOMContentLoaded', function () { busy(this === window ? 'page' : 'wrong this'); });
</script></head><body><p>Ready</p></body></html>"""


@pytest.mark.parametrize("split", [True, False])
def test_ready_handlers_run_in_turn_in_tasks_of_their_own(browser: Browser, tmp_path: Path, split: bool) -> None:
    """paint.READY_SCRIPT: three 40 ms ``DOMContentLoaded`` handlers and a ``load`` one run in their
    order, and no task lasts 100 ms (without it, the three make one task of 120 ms or more)."""
    (tmp_path / "index.html").write_text(
        READY_PAGE.replace("{ready}", paint.READY_SCRIPT if split else ""), encoding="utf-8"
    )
    with StaticServer(tmp_path) as server, book_context(browser) as (context, _guard):
        page = context.new_page()
        page.goto(server.url("index.html"))
        page.wait_for_function("() => window.loaded === true")
        page.wait_for_timeout(200)  # long tasks are reported after they end
        assert page.evaluate("() => window.order") == ["nav", "search", "page", "load"]
        longest = max(page.evaluate("() => window.tasks"), default=0)
        assert (longest < 100) if split else (longest >= 120), longest


#: Every element's computed style, and its ``::before``/``::after`` when they have content, as text.
STYLE_TEXT = """(el) => {
    const describe = (pseudo) => {
        const style = getComputedStyle(el, pseudo);
        const items = [];  // sorted: custom properties come in no fixed order
        for (let i = 0; i < style.length; i++) items.push(`${style[i]}:${style.getPropertyValue(style[i])}`);
        return items.sort().join(';') + ';';
    };
    let text = describe(null);
    for (const pseudo of ['::before', '::after']) {
        const content = getComputedStyle(el, pseudo).content;
        if (content !== 'none' && content !== 'normal') text += `|${pseudo}|` + describe(pseudo);
    }
    return text;
}"""
#: One FNV-1a digest of :data:`STYLE_TEXT` per element of the page, in document order.
STYLE_DIGESTS = f"""() => {{
    const styleText = {STYLE_TEXT};
    const digest = (text) => {{
        let h = 2166136261;
        for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
        return h >>> 0;
    }};
    return [...document.querySelectorAll('*')].map(el => digest(styleText(el)));
}}"""


def element_style(page: Page, index: int) -> tuple[str, dict[str, str]]:
    """The ``index``-th element of the page (tag, id and classes) and its computed style by property."""
    where, text = page.evaluate(
        f"""(index) => {{
            const el = document.querySelectorAll('*')[index];
            return [[el.tagName.toLowerCase() + (el.id ? '#' + el.id : ''), ...el.classList].join('.'),
                    ({STYLE_TEXT})(el)];
        }}""",
        index,
    )
    return where, dict(item.split(":", 1) for item in text.replace("|", ";").split(";") if ":" in item)


def settled_page(context: BrowserContext, url: str) -> tuple[Page, PageLog]:
    """``url`` opened, once the network is idle, with nothing pointed at."""
    page = context.new_page()
    log = PageLog.attach(page)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, log


@pytest.mark.parametrize(("screen", "theme"), [("phone", "light"), ("desktop", "dark")])
def test_trimmed_style_sheets_style_every_page_as_the_originals(
    browser: Browser, book: StaticServer, screen: str, theme: str
) -> None:
    """The post-render cuts Bootstrap's style sheets to the rules the site can use
    (readinglist.styles): every element of these pages has the same computed style as when the
    untouched sheets (kept in the project's .cache) are served instead. Both screen sizes' media
    rules and both themes' sheets are covered."""
    originals = book.root.parent / ".cache" / "bootstrap-css"
    trimmed = sorted((book.root / "site_libs" / "bootstrap").glob("bootstrap-*.min.css"))
    assert trimmed and all(sheet.read_text(encoding="utf-8").startswith(styles.MARK) for sheet in trimmed)
    assert all(sheet.stat().st_size < (originals / sheet.name).stat().st_size / 2 for sheet in trimmed)

    def original(route: Route) -> None:
        name = urlsplit(route.request.url).path.rsplit("/", 1)[-1]
        route.fulfill(path=originals / name, content_type="text/css")

    differences = []
    with (
        book_context(browser, SCREENS[screen], theme=theme) as (as_built, _),
        book_context(browser, SCREENS[screen], theme=theme) as (untouched, _),
    ):
        untouched.route("**/site_libs/bootstrap/bootstrap-*.min.css", original)
        for name in ("index.html", "chapters/rl.html", "all-entries.html", "appendices/data.html"):
            # Charts stay as their images: a live chart's tooltip element comes and goes with the pointer.
            (page, log), (reference, _) = (settled_page(context, book.url(name)) for context in (as_built, untouched))
            digests, expected = page.evaluate(STYLE_DIGESTS), reference.evaluate(STYLE_DIGESTS)
            assert len(digests) == len(expected), f"{name}: {len(digests)} elements, {len(expected)} with the originals"
            for index in [i for i, (a, b) in enumerate(zip(digests, expected, strict=True)) if a != b][:5]:
                where, style = element_style(page, index)
                _, wanted = element_style(reference, index)
                changed = {
                    k: (style.get(k), wanted.get(k))
                    for k in style.keys() | wanted.keys()
                    if style.get(k) != wanted.get(k)
                }
                differences.append(f"{name} {where}: (trimmed, original) {dict(list(changed.items())[:4])}")
            assert log.problems == [], name
            page.close()
            reference.close()
    assert differences == [], differences[:10]


# ---------------------------------------------------------------- cards and the all-entries page

#: A card without notes, folded, on a laptop: title, one line of date, kind and topics, the fold.
FOLDED_CARD_MAX = 150


def test_folded_cards_are_compact_and_notes_stand_out(
    browser: Browser, book: StaticServer, frame: pd.DataFrame
) -> None:
    noted = {row.id for row in frame.itertuples() if row.notes.strip()}
    problems = []
    seen = set()
    with book_context(browser, SCREENS["desktop"]) as (context, _guard):
        for name in [f"chapters/{slug}.html" for slug in CHAPTERS] + ["appendices/data.html"]:
            page = context.new_page()
            page.goto(book.url(name))
            cards = page.eval_on_selector_all(
                "div.paper-card",
                """cards => cards.map(c => ({id: c.id, height: c.getBoundingClientRect().height,
                    open: [...c.querySelectorAll('details')].some(d => d.open),
                    bar: getComputedStyle(c).borderLeftColor, barWidth: getComputedStyle(c).borderLeftWidth,
                    notes: [...c.querySelectorAll('.curator-notes')].map(n => n.checkVisibility())}))""",
            )
            for card in cards:
                seen.add(card["id"])
                where = f"{name}#{card['id']}"
                if card["open"]:
                    problems.append(f"{where}: opens unfolded")
                if card["id"] in noted:
                    if card["notes"] != [True] or luminance(card["bar"]) > 0.5 or card["barWidth"] == "0px":
                        problems.append(f"{where}: notes {card['notes']}, bar {card['bar']} {card['barWidth']}")
                elif card["height"] > FOLDED_CARD_MAX:
                    problems.append(f"{where}: {card['height']:.0f} px high, folded and without notes")
            page.close()
    assert seen == set(frame["id"]), "every entry has a card"
    assert problems == []


#: The rows the listing shows (on its current page): entry id, notes mark, title.
SHOWN_ROWS = """rows => rows.filter(r => r.checkVisibility()).map(r => [
    r.querySelector('a.listing-title').getAttribute('href').split('#').pop(),
    r.querySelector('.listing-notes').textContent.trim(),
    r.querySelector('a.listing-title').textContent.trim()])"""


def listing_state(page: Page) -> tuple[list[list[str]], str]:
    """The rows the listing shows (id, notes mark, title) and its count line."""
    return page.eval_on_selector_all("#listing-all-entries tbody tr", SHOWN_ROWS), page.inner_text("#entries-count")


def test_all_entries_filters_to_the_entries_with_notes(browser: Browser, book: StaticServer) -> None:
    rows = csv_rows()
    noted = {r["id"] for r in rows if r["notes"].strip()}
    rl = {r["id"] for r in rows if "RL" in tags_of(r)}
    everything = f"{len(rows)} entries, 50 on this page." if len(rows) > 50 else f"{len(rows)} entries."
    only_notes = "Only the entries with the curator's notes"
    with book_context(browser, SCREENS["desktop"]) as (context, guard):
        page, log = open_page(context, book.url("all-entries.html"))
        shown, count = listing_state(page)
        assert count == everything and len(shown) == min(50, len(rows))
        assert [mark for _, mark, _ in shown] == ["Notes" if i in noted else "" for i, _, _ in shown]

        page.get_by_label(only_notes).check()
        shown, count = listing_state(page)
        assert sorted(i for i, _, _ in shown) == sorted(noted)
        assert count == f"{len(noted)} of {len(rows)} entries."

        page.locator(".quarto-listing-category .category", has_text="RL").first.click()
        shown, count = listing_state(page)
        assert sorted(i for i, _, _ in shown) == sorted(noted & rl), "the topic and the notes filters together"
        assert count == f"{len(noted & rl)} of {len(rows)} entries."

        page.get_by_label(only_notes).uncheck()
        shown, count = listing_state(page)
        assert sorted(i for i, _, _ in shown) == sorted(rl), "the topic filter stays"
        page.locator(".quarto-listing-category .category", has_text="All").first.click()
        shown, count = listing_state(page)
        assert count == everything

        default_order = [title for _, _, title in shown]
        header = page.locator("#listing-all-entries th a.sort", has_text="Title")
        header.focus()
        page.keyboard.press("Enter")
        titles = [title for _, _, title in listing_state(page)[0]]
        assert titles != default_order and titles == sorted(titles, key=str.casefold), "the keyboard sorts"
        violations = serious_violations(page)
        assert not violations, describe_violations(violations)
        assert log.problems == [] and guard.outside == []


def test_all_entries_starts_its_listing_on_the_readers_first_move(browser: Browser, book: StaticServer) -> None:
    """list.js starts (readinglist.paint) when the reader first moves, not during the load; before,
    the table shows the same first page and count as after. A link to a topic starts it at once."""
    rows = csv_rows()
    listing = "() => Boolean(window['quarto-listings'] && window['quarto-listings']['listing-all-entries'])"
    with book_context(browser, SCREENS["desktop"]) as (context, guard):
        page, log = settled_page(context, book.url("all-entries.html"))  # no pointer moved
        page.wait_for_timeout(300)
        assert page.evaluate(listing) is False, "list.js started during the load"
        before = listing_state(page)
        assert len(before[0]) == min(50, len(rows)) and before[1].startswith(f"{len(rows)} entries")
        page.mouse.move(200, 300)
        page.wait_for_function(listing)
        expect(page.locator("#listing-all-entries")).to_have_class(re.compile(r"\blisting-started\b"))
        assert listing_state(page) == before
        if len(rows) > 50:
            expect(page.locator("#listing-all-entries .pagination .page").first).to_be_visible()

        topic = "RL"
        tagged = sorted(r["id"] for r in rows if topic in tags_of(r))
        page.goto(book.url(f"all-entries.html#category={quote(topic)}"))
        page.wait_for_function(listing)
        expect(page.locator("#entries-count")).to_have_text(f"{len(tagged)} of {len(rows)} entries.")
        assert sorted(i for i, _, _ in listing_state(page)[0]) == tagged
        assert log.problems == [] and guard.outside == []


def test_all_entries_fits_a_phone(browser: Browser, book: StaticServer) -> None:
    """On a phone the table shows date, title and the notes mark without scrolling the page sideways."""
    with book_context(browser, SCREENS["phone"]) as (context, _guard):
        page, log = open_page(context, book.url("all-entries.html"))
        assert page.evaluate("() => document.documentElement.scrollWidth") <= SCREENS["phone"]["width"]
        headers = page.eval_on_selector_all(
            "#listing-all-entries thead th",
            "ths => ths.filter(t => t.checkVisibility()).map(t => t.textContent.trim())",
        )
        assert headers == ["Date", "Title", "Notes"]
        box = page.locator("#listing-all-entries").bounding_box()
        mark = page.locator("#listing-all-entries .notes-mark").first.bounding_box()
        assert box and mark and mark["x"] + mark["width"] <= box["x"] + box["width"] + 0.5, "the notes mark is in view"
        expect(page.get_by_label("Only the entries with the curator's notes")).to_be_visible()
        assert log.problems == []
