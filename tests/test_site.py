"""What the rendered book tells browsers, search engines and link previews: every page's description,
its Open Graph and Twitter card metadata, the favicon, and the site address set once in _quarto.yml.

Expected values come from data/topics.csv (csv module) and _quarto.yml (PyYAML), not from the
package. The tests read _book/ (the ``rendered_book`` fixture: skipped with its reason where there
is none).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml

from .conftest import ROOT
from .expected import chapter_slugs, csv_topics
from .htmlcheck import Element, parse, to_html

CONFIG = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))["book"]
SITE_URL = CONFIG["site-url"].rstrip("/")


def text_of(markdown: str) -> str:
    """What a reader sees of a Markdown string (as pandoc renders it: quotes become typographic)."""
    return re.sub(r"\s+", " ", parse(to_html(markdown)).all_text()).strip()


def expected_descriptions() -> dict[str, str]:
    """Every page's description: the chapters' from their topics, the preface's the book's subtitle,
    the two hand-written pages' from their front matter."""
    topics = csv_topics()
    wanted = {
        f"chapters/{slug}.html": " ".join(t["description"] for t in topics if t["chapter"] == slug)
        for slug in chapter_slugs()
    }
    wanted["index.html"] = CONFIG["subtitle"]
    for source in ("all-entries.qmd", "appendices/data.qmd"):
        front = yaml.safe_load((ROOT / source).read_text(encoding="utf-8").split("---")[1])
        wanted[source.replace(".qmd", ".html")] = front["description"]
    return {page: text_of(text) for page, text in wanted.items()}


def head(book: Path, page: str) -> tuple[dict[str, str], list[Element]]:
    """A page's <meta> values by name or property, and its <link> elements."""
    html = parse((book / page).read_text(encoding="utf-8"))
    meta = {m.attrs.get("name") or m.attrs.get("property"): m.attrs.get("content", "") for m in html.find_all("meta")}
    return meta, html.find_all("link")


@pytest.fixture(scope="module")
def book(rendered_book: Path) -> Path:
    return rendered_book


@pytest.mark.parametrize("page", list(expected_descriptions()))
def test_every_page_describes_itself_to_search_engines_and_link_previews(book: Path, page: str) -> None:
    meta, _ = head(book, page)
    wanted = expected_descriptions()[page]
    assert text_of(meta["description"]) == wanted
    assert meta["og:description"] == meta["twitter:description"] == meta["description"], "previews say the same"
    title = parse((book / page).read_text(encoding="utf-8")).find_all("title")[0].all_text()
    assert meta["og:title"] == meta["twitter:title"] == title
    assert meta["og:site_name"] == CONFIG["title"]
    assert meta["twitter:card"] == "summary"


def test_the_description_is_not_shown_twice_on_the_preface(book: Path) -> None:
    html = parse((book / "index.html").read_text(encoding="utf-8"))
    assert html.find_all("div", "description") == [], "the title block shows the subtitle already"
    assert [p.all_text() for p in html.find_all("p", "subtitle")] == [text_of(CONFIG["subtitle"])]


@pytest.mark.parametrize("page", ["index.html", "chapters/rl.html", "appendices/data.html"])
def test_every_page_names_the_favicon(book: Path, page: str) -> None:
    _, links = head(book, page)
    icons = [link.attrs["href"] for link in links if link.attrs.get("rel") == "icon"]
    assert len(icons) == 1
    target = (book / page).parent / icons[0]
    assert target.resolve() == (book / CONFIG["favicon"]).resolve() and target.is_file()
    assert target.read_text(encoding="utf-8").startswith("<svg")


def test_the_site_address_is_set_once(book: Path) -> None:
    """site-url in _quarto.yml is the address of the sitemap, robots.txt and the feed's links."""
    sitemap = (book / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locations and all(loc.startswith(SITE_URL + "/") for loc in locations)
    assert urljoin(SITE_URL + "/", "index.html") in locations
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in (book / "robots.txt").read_text(encoding="utf-8")
    feed = (book / "feed.xml").read_text(encoding="utf-8")
    assert f'href="{SITE_URL}/' in feed
