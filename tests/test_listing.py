"""The all-entries listing items: one per entry, links to existing card anchors, exact YAML round trip."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import yaml

from readinglist import listing, store
from readinglist.book import Book
from readinglist.topics import UNTAGGED_PAGE, Topic, Topics, load_topics

from .conftest import DATA
from .expected import csv_rows
from .htmlcheck import parse, to_html

HOSTILE = [
    "{{< include secrets.qmd >}} and {{< meta title >}}",
    "<script>alert('x')</script>",
    "Quotes \"double\" and 'single' and `back`",
    "Colons: a: b: c",
    "# not a heading #hashtag",
    "- not a list",
    "1. not a list either",
    "*not em* _not em_ [not](a link) @not-a-citation",
    "yes",
    "1e3",
    "2025-09-01",
    "null ~ &amp; %s {x} \\ | > tail",
]


@pytest.fixture(scope="module")
def topics() -> Topics:
    return load_topics(DATA / "topics.csv")


@pytest.fixture(scope="module")
def frame(topics) -> pd.DataFrame:
    return store.load(DATA / "papers.csv", topics)


def rendered_text(markdown: str) -> str:
    """What a reader sees of a Markdown field, as pandoc (Quarto's engine) renders it."""
    return re.sub(r"\s+", " ", parse(to_html(markdown)).all_text()).strip()


def test_one_item_per_entry_newest_first_undated_last(frame, topics):
    items = listing.listing_items(frame, topics)
    assert len(items) == len(frame)
    rows = list(enumerate(frame.to_dict("records")))
    dated = sorted((r for r in rows if not pd.isna(r[1]["date"])), key=lambda r: (-r[1]["date"].value, r[0]))
    undated = [r for r in rows if pd.isna(r[1]["date"])]
    assert [i["id"] for i in items] == [r["id"] for _, r in dated + undated]


def test_item_fields(frame, topics):
    rows = {r["id"]: r for r in frame.to_dict("records")}
    for item in listing.listing_items(frame, topics):
        row = rows[item["id"]]
        assert item["path"] == f"{topics.home(row['tags'])}#{row['id']}"
        assert item["categories"] == list(row["tags"])
        assert item["kind"] == row["kind"]
        assert item["title"]
        if pd.isna(row["date"]):
            assert "date" not in item
        else:
            assert item["date"] == row["date"].strftime("%Y-%m-%d")
        assert ("author" in item) == bool(row["authors"])
        assert bool(item["notes"]) == bool(row["notes"].strip()), "the notes column and its filter read it"
    by_id = {i["id"]: i for i in listing.listing_items(frame, topics)}
    noted = [r["id"] for r in csv_rows() if r["notes"].strip()]
    assert sorted(i for i, item in by_id.items() if item["notes"]) == sorted(noted)
    mark = parse(to_html(by_id[noted[0]]["notes"])).find_all("span", "notes-mark")
    assert len(mark) == 1 and mark[0].all_text() == "Notes"
    assert rendered_text(by_id["2505.19115"]["title"]) == "FP4 All the Way: Fully Quantized Training of LLMs"
    untitled = by_id["untitled-this-one-is-really-short-if"]
    assert "Untitled" in rendered_text(untitled["title"])
    assert untitled["path"] == "chapters/finetuning.html#untitled-this-one-is-really-short-if"


def test_the_math_of_a_title_stays_math(frame, topics):
    by_id = {i["id"]: i for i in listing.listing_items(frame, topics)}
    html = parse(to_html(by_id["2104.12369"]["title"]))
    assert len(html.find_all("math")) == 1


def test_links_point_at_existing_card_anchors(frame, topics):
    """Every item's path is a page of the book holding a card whose id is the entry id."""
    book = Book(frame, topics, cache_dir=None)
    pages = {f"chapters/{ch.slug}.html": book.chapter_page(ch.slug).entries() for ch in topics.chapters()}
    pages[UNTAGGED_PAGE] = book.data_page().untagged()
    anchors = {page: set(re.findall(r'^::: \{id="([^"]+)"', text, re.M)) for page, text in pages.items()}
    for item in listing.listing_items(frame, topics):
        page, _, anchor = item["path"].partition("#")
        assert anchor == item["id"]
        assert anchor in anchors[page], item["path"]


def test_an_entry_without_a_tag_is_listed_with_a_link_to_the_data_appendix(frame, topics):
    edited = frame.copy()
    edited.at[0, "tags"] = []
    item = next(i for i in listing.listing_items(edited, topics) if i["id"] == edited.loc[0, "id"])
    assert item["path"] == f"appendices/data.html#{edited.loc[0, 'id']}"
    assert item["categories"] == []


def test_the_yaml_file_reads_back_exactly(frame, topics, tmp_path):
    path = tmp_path / "generated" / "entries.yml"
    listing.write_listing(frame, topics, path)
    text = path.read_text(encoding="utf-8")
    assert path.stat().st_mode & 0o777 == 0o644  # readable by whatever serves or copies the site
    assert yaml.safe_load(text) == listing.listing_items(frame, topics)
    # every value is a quoted string: a reader that types nothing reads the same data
    assert yaml.load(text, Loader=yaml.BaseLoader) == yaml.safe_load(text)


def test_hostile_strings_survive_the_yaml_round_trip_and_render_as_written(frame, tmp_path):
    hostile_topics = Topics(tuple(Topic(tag, f"t{i}", "d", f"c{i}", "C", "P") for i, tag in enumerate(HOSTILE)))
    edited = frame.head(len(HOSTILE)).copy()
    edited["title"] = HOSTILE
    edited["tags"] = [[tag] for tag in HOSTILE]
    edited["authors"] = [[f"{tag} Jr."] for tag in HOSTILE]
    items = listing.listing_items(edited, hostile_topics)
    path = tmp_path / "entries.yml"
    listing.write_listing(edited, hostile_topics, path)
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert loaded == items
    assert yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) == loaded
    by_id = {i["id"]: i for i in loaded}
    for row in edited.to_dict("records"):
        item = by_id[row["id"]]
        assert item["categories"] == row["tags"]  # tags exactly as written
        assert "{{<" not in item["title"]  # no Quarto shortcode can survive
        assert rendered_text(item["title"]) == re.sub(r"\s+", " ", row["title"]).strip()
        assert rendered_text(item["author"][0]) == row["authors"][0]
        assert not parse(to_html(item["title"])).find_all("script")


@pytest.mark.parametrize("value", ["plain", 'q"uote\\', "\x00\x1f", "del\x7f", "\x85 \u2028 \ufeff", "ünïcode"])
def test_quoted_is_json_with_yaml_escapes(value: str) -> None:
    assert listing._quoted(value) == json.dumps(value, ensure_ascii=False).translate(listing.YAML_ESCAPES)
    assert yaml.safe_load(listing._quoted(value)) == value


def test_a_long_list_keeps_its_newest_entries_in_the_listing_and_says_so(
    frame, topics, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "all-entries.yml"
    listing.write_listing(frame, topics, path)
    everything = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert len(everything) == len(frame)
    monkeypatch.setattr(listing, "MAX_ITEMS", 10)
    listing.write_listing(frame, topics, path)
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == everything[:10]
    monkeypatch.undo()
    page = " ".join((DATA.parent / "all-entries.qmd").read_text(encoding="utf-8").split())
    assert f"Past {listing.MAX_ITEMS:,} entries, the table keeps the newest {listing.MAX_ITEMS:,}" in page
