"""An Atom 1.0 feed of the list (RFC 4287), built with ElementTree so no field text can break the XML.

* Entries come newest first by date; undated entries come last, in list order.
* Each entry's ``id`` is a tag URI (RFC 4151), ``tag:<site host>,2025:<entry id>``: it depends on the
  entry id and the site's host only, so it survives edits of the title, the tags (which move the
  card to another chapter) and the site's path.
* ``link rel="alternate"`` is the entry's card in the book, ``{site_url}/{home}#{id}``;
  ``link rel="related"`` is the paper (or post) itself, when it has a URL.
* ``summary`` (plain text) is the curator's notes, or else the abstract; ``category`` terms are the tags.
* ``updated`` and ``published`` are the entry date (the first day of its known period, midnight UTC).
  An undated entry has no ``published`` and its ``updated`` is :data:`UNDATED` (1970-01-01), a fixed
  value: the feed stays the same from one build to the next and readers keep such entries at the end.
* The feed's own ``updated`` is its newest entry date (not the build time), for the same reason.
* Characters XML 1.0 cannot carry (control characters other than tab and newline) are dropped, and
  line ends become ``\\n``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from .cards import title_of
from .entries import newest_first
from .files import write_generated
from .topics import Topics

ATOM = "http://www.w3.org/2005/Atom"
UNDATED = "1970-01-01T00:00:00Z"
TAG_YEAR = "2025"
FEED_TITLE = "ML Reading List"
FEED_AUTHOR = "The ML Reading List curator"
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

ET.register_namespace("", ATOM)


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot represent, line ends as ``\\n`` (what an XML
    parser reads back anyway)."""
    return NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def timestamp(date: pd.Timestamp) -> str:
    """An RFC 3339 timestamp (midnight UTC) for a date, or :data:`UNDATED`."""
    return UNDATED if date is None or pd.isna(date) else date.strftime("%Y-%m-%dT00:00:00Z")


def tag_uri(site_url: str, name: str) -> str:
    """A tag URI (RFC 4151) minted under the site's host."""
    host = urlparse(site_url).hostname or "localhost"
    return f"tag:{host},{TAG_YEAR}:{name}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def atom_feed(
    frame: pd.DataFrame,
    site_url: str,
    topics: Topics,
    *,
    title: str = FEED_TITLE,
    author: str = FEED_AUTHOR,
    feed_path: str = "feed.xml",
) -> str:
    """The Atom feed of the list as an XML document (UTF-8 declaration included)."""
    site = site_url.rstrip("/")
    ordered = newest_first(frame)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", tag_uri(site, "feed"))
    _sub(feed, "title", title, type="text")
    dates = ordered["date"].dropna()
    _sub(feed, "updated", timestamp(dates.max() if len(dates) else None))
    _sub(_sub(feed, "author"), "name", author)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=f"{site}/{feed_path}")
    _sub(feed, "link", rel="alternate", type="text/html", href=f"{site}/")
    for row in ordered.to_dict("records"):
        entry = _sub(feed, "entry")
        _sub(entry, "id", tag_uri(site, row["id"]))
        _sub(entry, "title", title_of(row), type="text")
        _sub(entry, "updated", timestamp(row["date"]))
        if not pd.isna(row["date"]):
            _sub(entry, "published", timestamp(row["date"]))
        for name in row["authors"]:
            _sub(_sub(entry, "author"), "name", name)
        card = f"{site}/{topics.home(list(row['tags']))}#{row['id']}"
        _sub(entry, "link", rel="alternate", type="text/html", href=card)
        if row["url"]:
            _sub(entry, "link", rel="related", href=row["url"])
        summary = row["notes"].strip() or row["abstract"].strip()
        if summary:
            _sub(entry, "summary", summary, type="text")
        for tag in row["tags"]:
            _sub(entry, "category", term=tag)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def write_feed(
    frame: pd.DataFrame,
    site_url: str,
    topics: Topics,
    path: str | Path,
    **options: str,
) -> None:
    """Write :func:`atom_feed` to ``path`` (see :func:`~readinglist.files.write_generated`);
    ``options`` go to :func:`atom_feed`."""
    write_generated(path, atom_feed(frame, site_url, topics, **options))
