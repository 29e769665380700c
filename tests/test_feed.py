"""The Atom feed: valid Atom that feedparser reads, ordered by the day entries were added, with ids
that do not depend on the site, distinct reproducible dates, no made-up date, and readable text.

The checks at the end are the W3C feed validator's rules that the feed used to break (it warned 41
times: 37 DuplicateUpdated, 3 ImplausibleDate for 1970-01-01, 1 MissingTextualContent)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import feedparser
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist import feed, store
from readinglist.cli import main
from readinglist.plaintext import readable
from readinglist.topics import load_topics

from .conftest import DATA

NS = {"a": "http://www.w3.org/2005/Atom"}
SITE = "https://example.github.io/ml-reading-list"
IDENTITY = feed.FeedIdentity("example.github.io", "2025")
HOSTILE_TITLE = "</title><script>alert('x')</script> & &amp; ]]> \"quoted\" {{< include x >}} $x<y$ \x00\x1b end"
# RFC 4151: tag:<DNS name or e-mail>,<YYYY[-MM[-DD]]>:<specific>
TAG_URI = re.compile(r"tag:[a-z0-9.-]+\.[a-z]+,\d{4}(-\d{2}(-\d{2})?)?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]+")


@pytest.fixture(scope="module")
def topics():
    return load_topics(DATA / "topics.csv")


@pytest.fixture(scope="module")
def frame(topics) -> pd.DataFrame:
    return store.load(DATA / "papers.csv", topics)


@pytest.fixture(scope="module")
def xml(frame, topics) -> str:
    return feed.atom_feed(frame, SITE, topics, identity=feed.load_identity(DATA / "feed.toml"))


def entries(text: str) -> list[ET.Element]:
    root = ET.fromstring(text)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    return root.findall("a:entry", NS)


def entry_id(element: ET.Element) -> str:
    return element.findtext("a:id", namespaces=NS).split(":", 2)[2]


def with_row(frame: pd.DataFrame, entry_id: str, **values) -> pd.DataFrame:
    """``frame`` with one more entry, a copy of ``2505.19115`` with these values."""
    row = frame[frame["id"] == "2505.19115"].copy()
    row["id"] = entry_id
    for column, value in values.items():
        row[column] = pd.Timestamp(value) if column in ("added", "date") else value
    return pd.concat([frame, row], ignore_index=True)


def test_entries_come_by_the_day_they_were_added_newest_first(frame, topics):
    later = with_row(frame, "2301.00001", date="2023-01-01", date_precision="month", added="2026-12-02")
    later = with_row(later, "2301.00002", date="2023-01-01", date_precision="month", added="2026-12-01")
    items = entries(feed.atom_feed(later, SITE, topics, identity=IDENTITY))
    assert len(items) == len(later)
    got = [entry_id(e) for e in items]
    assert got[:2] == ["2301.00001", "2301.00002"]  # 2023 papers added after the rest come first
    rows = list(enumerate(later.to_dict("records")))
    expected = sorted(rows, key=lambda r: (-r[1]["added"].value, -r[0]))
    assert got == [r["id"] for _, r in expected]
    stamps = [e.findtext("a:updated", namespaces=NS) for e in items]
    assert stamps == sorted(stamps, reverse=True) and len(set(stamps)) == len(stamps)


def test_a_long_list_feeds_its_most_recently_added_entries(frame, topics, xml):
    assert len(frame) <= feed.FEED_ENTRIES and len(entries(xml)) == len(frame)
    ten = entries(feed.atom_feed(frame, SITE, topics, identity=feed.load_identity(DATA / "feed.toml"), limit=10))
    assert [(entry_id(e), e.findtext("a:updated", namespaces=NS)) for e in ten] == [
        (entry_id(e), e.findtext("a:updated", namespaces=NS)) for e in entries(xml)[:10]
    ]


def test_updated_is_the_added_day_and_never_moves(frame, topics, xml):
    by_id = {r["id"]: r for r in frame.to_dict("records")}
    before = {entry_id(e): e.findtext("a:updated", namespaces=NS) for e in entries(xml)}
    for key, stamp in before.items():
        assert stamp.startswith(f"{by_id[key]['added']:%Y-%m-%d}T00:")
    same_day = with_row(frame, "2510.00001", added=frame["added"].iloc[0])
    text = feed.atom_feed(same_day, SITE, topics)
    after = {entry_id(e): e.findtext("a:updated", namespaces=NS) for e in entries(text)}
    assert {k: after[k] for k in before} == before  # an addition on the same day changes no other entry
    assert after["2510.00001"] > max(before.values())
    assert feed.atom_feed(frame, SITE, topics) == xml  # same data, same bytes


def test_no_made_up_dates(frame, xml):
    root = ET.fromstring(xml)
    stamps = [e.text for e in root.iter() if e.tag.endswith(("updated", "published"))]
    assert all("1970" not in s for s in stamps)
    newest = frame["added"].max()
    assert root.findtext("a:updated", namespaces=NS) == max(stamps) and max(stamps).startswith(f"{newest:%Y-%m-%d}")
    for element in entries(xml):
        assert element.findtext("a:published", namespaces=NS) == element.findtext("a:updated", namespaces=NS)


def test_ids_are_tag_uris_that_do_not_depend_on_the_site(frame, topics, xml):
    moved = feed.atom_feed(frame, "https://curator.example.org/books/ml/", topics)
    ids = [e.findtext("a:id", namespaces=NS) for e in entries(xml)]
    assert ids == [e.findtext("a:id", namespaces=NS) for e in entries(moved)]
    assert len(set(ids)) == len(ids)
    assert all(TAG_URI.fullmatch(i) for i in ids), ids
    assert ids == [f"tag:example.github.io,2025:{entry_id(e)}" for e in entries(xml)]
    assert ET.fromstring(xml).findtext("a:id", namespaces=NS) == "tag:example.github.io,2025:feed.xml"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('authority = "Example.org"\ndate = "2025"\n', ["authority", "'Example.org'", "domain name"]),
        ('authority = "example.org"\ndate = "2025-13"\n', ["date", "'2025-13'", "YYYY"]),
        ('authority = "example.org"\ndate = 2025\n', ["date", "'2025'", "quoted"]),
        ('authority = "example.org"\n', ["date", "'None'"]),
        ("authority = \n", ["TOML"]),
    ],
)
def test_a_bad_identity_file_is_reported_by_key(text, expected, tmp_path):
    path = tmp_path / "feed.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(feed.FeedIdentityError) as err:
        feed.load_identity(path)
    for fragment in [str(path), *expected]:
        assert fragment in str(err.value), str(err.value)


def test_the_identity_file_is_read_from_the_data_folder(data_copy, frame, topics):
    (data_copy / "feed.toml").write_text('authority = "curator@example.org"\ndate = "2026-11-29"\n', encoding="utf-8")
    first = entries(feed.atom_feed(frame, SITE, topics))[0]
    assert first.findtext("a:id", namespaces=NS).startswith("tag:curator@example.org,2026-11-29:")
    (data_copy / "feed.toml").unlink()
    with pytest.raises(feed.FeedIdentityError, match=r"feed\.toml"):
        feed.atom_feed(frame, SITE, topics)


def test_each_entry_links_to_its_card_and_to_the_paper(frame, topics, xml):
    by_id = {r["id"]: r for r in frame.to_dict("records")}
    for element in entries(xml):
        row = by_id[entry_id(element)]
        links = {link.get("rel"): link.get("href") for link in element.findall("a:link", NS)}
        assert links["alternate"] == f"{SITE}/{topics.home(row['tags'])}#{row['id']}"
        assert links.get("related") == (row["url"] or None)
        assert [c.get("term") for c in element.findall("a:category", NS)] == list(row["tags"])


def test_summaries_are_the_notes_then_the_abstract_with_readable_math(frame, xml):
    by_id = {entry_id(e): e for e in entries(xml)}
    merge = by_id["2502.10436"]
    assert merge.findtext("a:title", namespaces=NS).startswith("MERGE³: Efficient")
    summary = merge.findtext("a:summary", namespaces=NS)
    assert "MERGE³" in summary and "$" not in summary
    pangu = by_id["2104.12369"]
    assert pangu.findtext("a:title", namespaces=NS).startswith("PanGu-α:")
    for row in frame.to_dict("records"):
        text = by_id[row["id"]].findtext("a:summary", namespaces=NS)
        assert text, row["id"]  # every entry has a summary
        notes, abstract = row["notes"].strip(), row["abstract"].strip()
        if notes and abstract:
            assert text.index(notes[:40].split("$")[0]) < text.index(abstract[:40].split("$")[0])
    superhot = by_id["things-im-learning-while-training-superhot"].findtext("a:summary", namespaces=NS)
    assert superhot == "Blog post. Topics: Data Eng, Finetuning. No notes or abstract yet."


def test_feedparser_reads_every_entry(frame, xml):
    parsed = feedparser.parse(xml)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert len(parsed.entries) == len(frame)
    for item in parsed.entries:
        assert item.id and item.title and item.summary and item.updated_parsed and item.published_parsed
        assert item.link.startswith(SITE)
    assert parsed.feed.updated_parsed == max(item.updated_parsed for item in parsed.entries)


def test_the_w3c_validator_rules_the_feed_broke(xml):
    """DuplicateUpdated, ImplausibleDate (before 1990 or after tomorrow), MissingTextualContent."""
    stamps = [e.findtext("a:updated", namespaces=NS) for e in entries(xml)]
    assert len(set(stamps)) == len(stamps)
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    root = ET.fromstring(xml)
    for element in root.iter():
        if element.tag.endswith(("updated", "published")):
            assert "1990-01-01" <= element.text <= tomorrow
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", element.text)
    for element in entries(xml):
        assert element.findtext("a:summary", namespaces=NS) or element.findtext("a:content", namespaces=NS)


def test_a_hostile_title_round_trips_as_text(frame, topics):
    edited = frame.copy()
    edited.loc[0, "title"] = HOSTILE_TITLE
    edited.loc[0, "notes"] = "Notes with <b>tags</b> & entities &lt; and a ]]> too"
    by_id = {entry_id(e): e for e in entries(feed.atom_feed(edited, SITE, topics, identity=IDENTITY))}
    first = by_id[edited.loc[0, "id"]]
    shown = HOSTILE_TITLE.replace("\x00", "").replace("\x1b", "").replace("$x<y$", "x<y")
    assert first.findtext("a:title", namespaces=NS) == shown
    assert first.findtext("a:summary", namespaces=NS).startswith("Notes with <b>tags</b> & entities &lt; and a ]]> too")
    assert list(first.find("a:title", NS)) == []  # text only: no element was injected


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1))
def test_any_title_gives_a_well_formed_feed(frame, topics, title):
    edited = frame.head(3).copy()
    edited.loc[0, "title"] = title
    by_id = {entry_id(e): e for e in entries(feed.atom_feed(edited, SITE, topics, identity=IDENTITY))}
    expected = feed.xml_text(readable(title))
    assert by_id[edited.loc[0, "id"]].findtext("a:title", namespaces=NS) == expected


def test_write_feed(frame, topics, tmp_path, xml):
    path = tmp_path / "site" / "feed.xml"
    feed.write_feed(frame, SITE, topics, path, identity=feed.load_identity(DATA / "feed.toml"))
    assert path.read_text(encoding="utf-8") == xml
    assert main(["validate"]) == 0  # the shipped data folder, feed.toml included, is valid
