"""Every page's code cells run outside Quarto; pandoc reads what they print; a reader finds every entry.

Expected values are computed from data/papers.csv with the csv module, not with the package.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readinglist import split
from readinglist.book import Book
from readinglist.cards import CardContext, card
from readinglist.chapters import sync_chapters
from readinglist.qmd import run_qmd
from readinglist.topics import load_topics

from .conftest import DATA, ROOT
from .expected import chapter_slugs, csv_rows, csv_topics, tags_of
from .htmlcheck import Element, parse, to_html

TOPICS = csv_topics()
ROWS = csv_rows()
CHAPTERS = chapter_slugs()


def chapter_rows(slug: str) -> list[dict]:
    tags = {t["tag"] for t in TOPICS if t["chapter"] == slug}
    return [r for r in ROWS if tags & set(tags_of(r))]


@pytest.fixture(scope="module")
def pages() -> dict[str, Element]:
    """Every page of the book, executed outside Quarto and converted by pandoc."""
    out = {}
    for path in ["index.qmd", "appendices/data.qmd", *[f"chapters/{c}.qmd" for c in CHAPTERS]]:
        _, markdown = run_qmd(ROOT / path)
        out[path.replace(".qmd", ".html")] = parse(to_html(markdown))
    return out


def cards(page: Element) -> list[Element]:
    return page.find_all("div", "paper-card")


def test_chapter_list_follows_the_topics_file():
    assert sync_chapters(ROOT, check=True) == []
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    parts = [c for c in config["book"]["chapters"] if isinstance(c, dict)]
    listed = [f for p in parts for f in p["chapters"]]
    assert listed == [f"chapters/{c}.qmd" for c in CHAPTERS]
    assert [p["part"] for p in parts] == list(dict.fromkeys(t["part"] for t in TOPICS))
    assert sorted(p.name for p in (ROOT / "chapters").glob("*.qmd")) == sorted(f"{c}.qmd" for c in CHAPTERS)
    for path in ["index.qmd", "all-entries.qmd", *config["book"]["appendices"]]:
        assert (ROOT / path).exists(), path


def test_the_shipped_list_is_not_cut_into_pages():
    """At its size the book keeps one page per chapter (tests/test_split.py cuts a larger list)."""
    book = Book.load(DATA)
    assert book.layout == {}
    assert max(len(f) for f in book.chapter_frames.values()) <= split.MAX_CARDS
    assert not [p for p in (ROOT / "chapters").iterdir() if p.is_dir()]


def test_a_new_topic_gets_a_chapter_and_existing_chapters_are_kept(tmp_path):
    for name in ("_quarto.yml", "chapters", "data"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, tmp_path / name)
    rl_before = (tmp_path / "chapters" / "rl.qmd").read_text(encoding="utf-8")
    with (tmp_path / "data" / "topics.csv").open("a", encoding="utf-8") as fh:
        fh.write("Robotics,robotics,Robot learning.,robotics,Robotics,Models and applications\n")
    problems = sync_chapters(tmp_path, check=True)
    assert any("does not follow" in p for p in problems) and any("robotics.qmd" in p for p in problems)
    sync_chapters(tmp_path)
    assert sync_chapters(tmp_path, check=True) == []
    assert "- chapters/robotics.qmd" in (tmp_path / "_quarto.yml").read_text(encoding="utf-8")
    assert 'page_cells("chapters/robotics.qmd")' in (tmp_path / "chapters" / "robotics.qmd").read_text(encoding="utf-8")
    assert (tmp_path / "chapters" / "rl.qmd").read_text(encoding="utf-8") == rl_before


def test_chapter_files_are_thin():
    """Chapters call the package; they hold no logic of their own."""
    for slug in CHAPTERS:
        text = (ROOT / "chapters" / f"{slug}.qmd").read_text(encoding="utf-8")
        code = "\n".join(re.findall(r"```\{python\}\n(.*?)```", text, re.S))
        statements = [line for line in code.splitlines() if line.strip() and not line.startswith("#|")]
        assert len(statements) <= 6, slug
        assert all(s.startswith(("from readinglist", "page = ", "print(page.")) for s in statements), slug


@pytest.mark.parametrize("slug", CHAPTERS)
def test_every_entry_of_a_topic_is_in_its_chapter_newest_first(slug, pages):
    page = pages[f"chapters/{slug}.html"]
    expected = chapter_rows(slug)
    found = [c.attrs["id"] for c in cards(page)]
    assert sorted(found) == sorted(r["id"] for r in expected)
    dates = {r["id"]: r["date"] for r in expected}
    dated = [dates[i] for i in found if dates[i]]
    assert dated == sorted(dated, key=lambda d: d[:7], reverse=True)
    assert all(dates[i] for i in found[: len(dated)])  # undated entries come last


@pytest.mark.parametrize("slug", CHAPTERS)
def test_cards_show_title_link_notes_and_folded_abstract(slug, pages):
    page = pages[f"chapters/{slug}.html"]
    by_id = {r["id"]: r for r in ROWS}
    for el in cards(page):
        row = by_id[el.attrs["id"]]
        (heading,) = el.find_all("h3")
        links = heading.find_all("a")
        if row["url"]:
            assert links[0].attrs["href"] == row["url"]
        notes = el.find_all("div", "curator-notes")
        assert len(notes) == (1 if row["notes"].strip() else 0), row["id"]
        assert ("has-notes" in el.classes()) == bool(row["notes"].strip())
        (folded,) = el.find_all("details", "paper-more")
        summary = folded.find_all("summary")[0].all_text()
        abstract = folded.find_all("div", "paper-abstract")
        assert len(abstract) == (1 if row["abstract"].strip() else 0)
        assert ("Abstract" in summary) == bool(row["abstract"].strip())
        if abstract:
            assert len(abstract[0].find_all("p")) == len([p for p in row["abstract"].split("\n\n") if p.strip()])
        assert not notes or not folded.find_all("div", "curator-notes"), "notes are never folded"
        tag_links = [a.attrs["href"] for a in el.find_all("a", "paper-tag")]
        assert len(tag_links) == len(tags_of(row))


def test_notes_callouts_exactly_for_entries_with_notes(pages):
    ids_with_notes = {r["id"] for r in ROWS if r["notes"].strip()}
    seen = set()
    for page in pages.values():
        for el in cards(page):
            if el.find_all("div", "curator-notes"):
                seen.add(el.attrs["id"])
    assert seen == ids_with_notes


def test_math_renders_as_math(pages):
    page = pages["chapters/finetuning.html"]
    merge = next(c for c in cards(page) if c.attrs["id"] == "2502.10436")
    heading = merge.find_all("h3")[0]
    assert heading.find_all("math") and heading.all_text().startswith("MERGE")
    pangu = next(c for c in cards(pages["chapters/pretraining.html"]) if c.attrs["id"] == "2104.12369")
    assert "α" in pangu.find_all("h3")[0].find_all("math")[0].all_text()
    collapse = next(c for c in cards(pages["chapters/data.html"]) if c.attrs["id"] == "2406.07515")
    assert [e.all_text() for e in collapse.find_all("em")] == ["model collapse"]


def test_every_entry_is_reachable(pages):
    found = {c.attrs["id"] for page in pages.values() for c in cards(page)}
    assert found == {r["id"] for r in ROWS}
    untagged = [r["id"] for r in ROWS if not tags_of(r)]
    assert untagged and {c.attrs["id"] for c in cards(pages["appendices/data.html"])} == set(untagged)


def test_also_in_and_related_links_resolve(pages):
    anchors = {name: {c.attrs["id"] for c in cards(page)} for name, page in pages.items()}
    checked = 0
    for name, page in pages.items():
        for el in cards(page):
            spans = el.find_all("span", "paper-also-in") + el.find_all("span", "paper-related")
            for a in [a for span in spans for a in span.find_all("a")]:
                href = a.attrs["href"]
                target, anchor = href.split("#", 1)
                resolved = (Path(name).parent / target).as_posix() if target else name
                resolved = re.sub(r"[^/]+/\.\./", "", resolved)
                assert anchor in anchors[resolved], (name, href)
                checked += 1
    assert checked > 50


def test_preface_has_the_introduction_contents_and_overview_charts(pages):
    page = pages["index.html"]
    text = page.all_text()
    assert "highlighted in green on the side" in text
    hrefs = [a.attrs.get("href", "") for a in page.find_all("a")]
    for slug in CHAPTERS:
        assert f"chapters/{slug}.html" in hrefs
    assert len(page.find_all("div", "chart")) == 4


def test_charts_are_drawn_by_one_loader_per_page_from_the_local_bundle(pages):
    """No page loads the bundle up front: each chart is a div and its spec as JSON data, and one
    script per chart page loads the local bundle when a chart comes near the view."""
    for name, page in pages.items():
        scripts = page.find_all("script")
        assert not [s for s in scripts if "src" in s.attrs], name
        charts = page.find_all("div", "chart")
        specs = [s for s in scripts if s.attrs.get("type") == "application/json"]
        assert [s.attrs["id"] for s in specs] == [f"{c.attrs['id']}-spec" for c in charts], name
        loaders = [s for s in scripts if "var BUNDLE = " in s.all_text()]
        assert len(loaders) == (1 if charts else 0), name
        assert len(scripts) == len(specs) + len(loaders), name
        if charts:
            bundle = "../" * name.count("/") + "_assets/vega-bundle.js"
            assert f'var BUNDLE = "{bundle}"' in loaders[0].all_text(), name


def test_page_descriptions_follow_the_topics_and_the_subtitle(tmp_path):
    """Each chapter's front-matter description is its topics' descriptions, the preface's is the book's
    subtitle; an edit of either is written into the page's front matter and nothing else changes."""
    for name in ("_quarto.yml", "index.qmd", "chapters", "data"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, tmp_path / name)
    for slug in CHAPTERS:
        meta = yaml.safe_load((ROOT / "chapters" / f"{slug}.qmd").read_text(encoding="utf-8").split("---")[1])
        wanted = " ".join(t["description"] for t in TOPICS if t["chapter"] == slug)
        assert parse(to_html(meta["description"])).all_text().strip() == wanted, slug
    rl = tmp_path / "chapters" / "rl.qmd"
    before = rl.read_text(encoding="utf-8")
    topics_csv = tmp_path / "data" / "topics.csv"
    old = next(t["description"] for t in TOPICS if t["tag"] == "RL")
    topics_csv.write_text(
        topics_csv.read_text(encoding="utf-8").replace(old, "RL for *LLMs*: $x$, {{< meta title >}}."), encoding="utf-8"
    )
    config = tmp_path / "_quarto.yml"
    config.write_text(config.read_text(encoding="utf-8").replace('subtitle: "', 'subtitle: "New: '), encoding="utf-8")
    problems = sync_chapters(tmp_path, check=True)
    assert [p.split(": ", 1)[0] for p in problems] == [str(rl), str(tmp_path / "index.qmd")], problems
    sync_chapters(tmp_path)
    assert sync_chapters(tmp_path, check=True) == []
    after = rl.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and changed[0][1].startswith("description: "), changed
    meta = yaml.safe_load(after.split("---")[1])
    assert to_html(meta["description"]).strip() == "<p>RL for *LLMs*: $x$, {{&lt; meta title &gt;}}.</p>"
    preface = yaml.safe_load((tmp_path / "index.qmd").read_text(encoding="utf-8").split("---")[1])
    assert to_html(preface["description"]).strip().startswith("<p>New: Papers, reports")


def test_data_appendix_lists_what_needs_review(pages):
    page = pages["appendices/data.html"]
    text = page.all_text()
    for col in ROWS[0]:
        assert col in text
    review = [r for r in ROWS if r["review"]]
    assert f"Entries to review ({len(review)})" in text
    assert f"Entries with no date ({len([r for r in ROWS if not r['date']])})" in text


FIELD = st.lists(
    st.sampled_from([*"<>&\"'`*_[]()#|@{}%$\\!:-. \n", "script", "word", "{{<", ">}}", "\n\n", "$x$", "@cite"]),
    max_size=25,
).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=FIELD, notes=FIELD, abstract=FIELD)
def test_no_field_content_breaks_a_card(title, notes, abstract):
    book = Book.load()
    topics = load_topics(DATA / "topics.csv")
    title = title if title.strip() else "t"
    row = book.frame.iloc[0].to_dict() | {"title": title, "notes": notes, "abstract": abstract}
    ctx = CardContext(topics, "chapters/rl.html")
    doc = parse(to_html(card(row, ctx)))
    (el,) = cards(doc)
    assert el.attrs["id"] == row["id"]
    assert not doc.find_all("script") and not doc.find_all("img") and not doc.find_all("iframe")
    assert len(el.find_all("h3")) == 1
    assert len(el.find_all("div", "curator-notes")) == (1 if notes.strip() else 0)
    if "$" not in title and "\\" not in title:
        assert re.sub(r"\s+", " ", el.find_all("h3")[0].all_text()).strip() == re.sub(r"\s+", " ", title).strip()


def test_every_card_offers_its_citation(pages):
    for page in pages.values():
        for el in cards(page):
            (cite,) = el.find_all("div", "paper-cite")
            entry_id = el.attrs["id"]
            key = f"arXiv:{entry_id}" if re.fullmatch(r"\d{4}\.\d{4,5}", entry_id) else entry_id
            assert cite.find_all("code")[0].all_text() == key
            (block,) = cite.find_all("pre")
            assert block.all_text().startswith("@misc{" + key + ",")


def test_a_hostile_url_stays_one_link():
    """A URL is validated as http(s) without spaces, but may still hold shortcode or HTML characters."""
    book = Book.load()
    url = 'https://example.org/{{< include x >}}/a"b<c>d`e\\f'
    row = book.frame.iloc[0].to_dict() | {"url": url, "links": [url]}
    markdown = card(row, CardContext(book.topics, "chapters/rl.html"))
    assert "{{<" not in markdown
    doc = parse(to_html(markdown))
    (heading,) = doc.find_all("h3")
    (link,) = heading.find_all("a")
    assert link.attrs["href"] == "https://example.org/%7B%7B%3C%20include%20x%20%3E%7D%7D/a%22b%3Cc%3Ed%60e%5Cf"
    assert not doc.find_all("script")


def test_preface_lists_every_entry_with_notes(pages):
    section = pages["index.html"]
    noted = [r for r in ROWS if r["notes"].strip()]
    links = [a.attrs["href"] for a in section.find_all("a") if "#" in a.attrs.get("href", "")]
    for row in noted:
        assert any(href.endswith(f"#{row['id']}") for href in links), row["id"]
    text = re.sub(r"\s+", " ", section.all_text())
    for row in noted:
        assert row["notes"].strip()[:30] in text, row["id"]
