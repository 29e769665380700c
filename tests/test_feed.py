"""The Atom feed: valid XML in the Atom namespace, one entry per list entry, newest first, safe text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist import feed, store
from readinglist.topics import load_topics

from .conftest import DATA

NS = {"a": "http://www.w3.org/2005/Atom"}
SITE = "https://example.github.io/ml-reading-list"
HOSTILE_TITLE = "</title><script>alert('x')</script> & &amp; ]]> \"quoted\" {{< include x >}} $x<y$ \x00\x1b end"


@pytest.fixture(scope="module")
def topics():
    return load_topics(DATA / "topics.csv")


@pytest.fixture(scope="module")
def frame(topics) -> pd.DataFrame:
    return store.load(DATA / "papers.csv", topics)


def entries(xml: str) -> list[ET.Element]:
    root = ET.fromstring(xml)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    return root.findall("a:entry", NS)


def entry_id(element: ET.Element) -> str:
    return element.findtext("a:id", namespaces=NS).rsplit(":", 1)[1]


def test_one_entry_per_list_entry_newest_first_undated_last(frame, topics):
    items = entries(feed.atom_feed(frame, SITE, topics))
    assert len(items) == len(frame)
    got = [entry_id(e) for e in items]
    rows = list(enumerate(frame.to_dict("records")))
    dated = sorted((r for r in rows if not pd.isna(r[1]["date"])), key=lambda r: (-r[1]["date"].value, r[0]))
    undated = [r for r in rows if pd.isna(r[1]["date"])]
    assert got == [r["id"] for _, r in dated + undated]
    stamps = [e.findtext("a:updated", namespaces=NS) for e in items]
    assert stamps[: len(dated)] == sorted(stamps[: len(dated)], reverse=True)
    assert stamps[len(dated) :] == [feed.UNDATED] * len(undated)


def test_feed_metadata(frame, topics):
    root = ET.fromstring(feed.atom_feed(frame, SITE + "/", topics))
    assert root.findtext("a:title", namespaces=NS) == feed.FEED_TITLE
    assert root.findtext("a:updated", namespaces=NS) == f"{frame['date'].max():%Y-%m-%d}T00:00:00Z"
    assert root.findtext("a:author/a:name", namespaces=NS)
    links = {link.get("rel"): link.get("href") for link in root.findall("a:link", NS)}
    assert links == {"self": f"{SITE}/feed.xml", "alternate": f"{SITE}/"}


def test_each_entry_links_to_its_card_and_to_the_paper(frame, topics):
    by_id = {r["id"]: r for r in frame.to_dict("records")}
    for element in entries(feed.atom_feed(frame, SITE, topics)):
        row = by_id[entry_id(element)]
        links = {link.get("rel"): link.get("href") for link in element.findall("a:link", NS)}
        assert links["alternate"] == f"{SITE}/{topics.home(row['tags'])}#{row['id']}"
        assert links.get("related") == (row["url"] or None)
        assert element.findtext("a:id", namespaces=NS) == f"tag:example.github.io,2025:{row['id']}"
        assert [c.get("term") for c in element.findall("a:category", NS)] == list(row["tags"])
        summary = element.findtext("a:summary", namespaces=NS)
        assert summary == ((row["notes"].strip() or row["abstract"].strip()) or None)
        if not pd.isna(row["date"]):
            assert element.findtext("a:published", namespaces=NS) == f"{row['date']:%Y-%m-%d}T00:00:00Z"
        else:
            assert element.find("a:published", NS) is None


def test_an_entry_keeps_its_id_when_its_title_and_tags_change(frame, topics):
    edited = frame.copy()
    mask = edited["id"] == "2505.19115"
    edited.loc[mask, "title"] = "A new title"
    edited.loc[mask, "tags"] = pd.Series([["RL"]], index=edited.index[mask])
    before = {entry_id(e): e for e in entries(feed.atom_feed(frame, SITE, topics))}["2505.19115"]
    after = {entry_id(e): e for e in entries(feed.atom_feed(edited, SITE, topics))}["2505.19115"]
    assert before.findtext("a:id", namespaces=NS) == after.findtext("a:id", namespaces=NS)
    assert after.find("a:link[@rel='alternate']", NS).get("href") == f"{SITE}/chapters/rl.html#2505.19115"


def test_a_hostile_title_round_trips_as_text(frame, topics):
    edited = frame.copy()
    edited.loc[0, "title"] = HOSTILE_TITLE
    edited.loc[0, "notes"] = "Notes with <b>tags</b> & entities &lt; and a ]]> too"
    first = entries(feed.atom_feed(edited, SITE, topics))[0]
    assert first.findtext("a:title", namespaces=NS) == HOSTILE_TITLE.replace("\x00", "").replace("\x1b", "")
    assert first.findtext("a:summary", namespaces=NS) == "Notes with <b>tags</b> & entities &lt; and a ]]> too"
    assert list(first.find("a:title", NS)) == []  # text only: no element was injected


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1))
def test_any_title_gives_a_well_formed_feed(frame, topics, title):
    edited = frame.head(3).copy()
    edited.loc[0, "title"] = title
    first = entries(feed.atom_feed(edited, SITE, topics))[0]
    assert first.findtext("a:title", namespaces=NS) == feed.xml_text(title)


def test_write_feed(frame, topics, tmp_path):
    path = tmp_path / "site" / "feed.xml"
    feed.write_feed(frame, SITE, topics, path)
    assert path.read_text(encoding="utf-8") == feed.atom_feed(frame, SITE, topics)
    assert len(entries(path.read_text(encoding="utf-8"))) == len(frame)
