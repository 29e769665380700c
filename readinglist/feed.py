"""An Atom 1.0 feed of the list (RFC 4287), built with ElementTree so no field text can break the XML.

* Entries come by the day the curator added them (the ``added`` column), newest first, so a 2023
  paper added today is at the top; entries added on one day come newest row first (``add`` appends).
  The feed holds the :data:`FEED_ENTRIES` most recently added (a feed reader polls it: at 10,000
  entries the whole list made a 21 MB file); the BibTeX files and the listing hold every entry.
* Each entry's ``id`` is a tag URI (RFC 4151), ``tag:<authority>,<date>:<entry id>``, with the
  authority and date set once in ``data/feed.toml`` (:class:`FeedIdentity`): it depends on nothing
  but the entry id, so it survives edits of the title and tags and a move of the site. The feed's
  own id is ``tag:<authority>,<date>:feed.xml`` (no entry id contains a dot and no slash-free
  ``.xml``, so no entry can take it).
* ``updated`` is when the entry last changed, as far as the data records it: the list records the
  day an entry was added, not its later edits, so it is the ``added`` day, midnight UTC, plus one
  second for each earlier row added the same day. That keeps every ``updated`` distinct (feed readers
  and the W3C validator want that) and the feed reproducible: the same data gives the same bytes.
  ``published`` is the same instant, the entry's first appearance in the list. No date is made up:
  the paper's own date, known only to the month or not at all, is not an Atom date.
* The feed's own ``updated`` is its newest entry's, not the build time, for the same reason.
* ``link rel="alternate"`` is the entry's card in the book, ``{site_url}/{home}#{id}``;
  ``link rel="related"`` is the paper (or post) itself, when it has a URL.
* ``title`` and ``summary`` are plain text with their TeX made readable (:mod:`readinglist.plaintext`:
  ``MERGE$^3$`` is ``MERGE³``). The summary is the curator's notes, then the abstract; an entry with
  neither is summarised by its kind, authors, date and topics, so every entry has a summary.
  ``category`` terms are the tags.
* Characters XML 1.0 cannot carry (control characters other than tab and newline) are dropped, and
  line ends become ``\\n``.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import project
from .cards import title_of
from .entries import recently_added
from .files import write_generated
from .plaintext import readable
from .schema import Problem
from .store import format_date
from .topics import Topics

ATOM = "http://www.w3.org/2005/Atom"
FEED_TITLE = "ML Reading List"
FEED_AUTHOR = "The ML Reading List curator"
FEED_ENTRIES = 200
IDENTITY_FILE = "feed.toml"
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
DNS_NAME = re.compile(r"(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+", re.ASCII)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@" + DNS_NAME.pattern[len("(?=.{1,253}$)") :], re.ASCII)
TAG_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?", re.ASCII)

ET.register_namespace("", ATOM)


class FeedIdentityError(ValueError):
    """Raised when ``data/feed.toml`` is missing or does not say what the feed ids need."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class FeedIdentity:
    """The fixed part of every id in the feed: ``tag:<authority>,<date>:``."""

    authority: str
    date: str

    def tag(self, name: str) -> str:
        """The tag URI (RFC 4151) of ``name`` (an entry id, or ``feed.xml`` for the feed)."""
        return f"tag:{self.authority},{self.date}:{name}"


def load_identity(path: str | Path | None = None) -> FeedIdentity:
    """Read ``data/feed.toml``; :class:`FeedIdentityError` says what is wrong, by file and key."""
    path = Path(path) if path else project.data_dir() / IDENTITY_FILE
    name = str(path)
    try:
        values: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FeedIdentityError([Problem(name, None, None, None, "the feed's identity: authority and date")]) from None
    except tomllib.TOMLDecodeError as err:
        raise FeedIdentityError([Problem(name, None, None, None, f"TOML ({err})")]) from None
    problems = []
    authority, date = values.get("authority"), values.get("date")
    if not isinstance(authority, str) or not (DNS_NAME.fullmatch(authority) or EMAIL.fullmatch(authority)):
        expected = "a lowercase domain name or an e-mail address the curator controlled on the date"
        problems.append(Problem(name, None, "authority", str(authority), expected))
    if not isinstance(date, str) or not TAG_DATE.fullmatch(date) or not _real(date):
        problems.append(Problem(name, None, "date", str(date), "a quoted date YYYY, YYYY-MM or YYYY-MM-DD"))
    if problems:
        raise FeedIdentityError(problems)
    return FeedIdentity(authority, date)


def _real(date: str) -> bool:
    parts = [int(p) for p in date.split("-")] + [1, 1]
    try:
        dt.date(*parts[:3])
    except ValueError:
        return False
    return True


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot represent, line ends as ``\\n`` (what an XML
    parser reads back anyway)."""
    return NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def timestamp(instant: pd.Timestamp) -> str:
    """An RFC 3339 timestamp in UTC."""
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def updated_times(frame: pd.DataFrame) -> pd.Series:
    """Each entry's ``updated`` instant: its ``added`` day at midnight UTC plus one second per earlier
    row added the same day (distinct, reproducible, unchanged by later additions)."""
    earlier = frame.groupby("added").cumcount()
    return frame["added"] + pd.to_timedelta(earlier, unit="s")


def summary_of(row: dict[str, Any]) -> str:
    """The notes, then the abstract, TeX made readable; else what the data says of the entry."""
    parts = [readable(row[c].strip()) for c in ("notes", "abstract") if row[c].strip()]
    if parts:
        return "\n\n".join(parts)
    said = str(row["kind"]).capitalize()
    if len(row["authors"]):
        said += " by " + ", ".join(row["authors"])
    if not pd.isna(row["date"]):
        said += f", {format_date(row['date'], row['date_precision'])}"
    topics = f" Topics: {', '.join(row['tags'])}." if len(row["tags"]) else ""
    return f"{said}.{topics} No notes or abstract yet."


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
    identity: FeedIdentity | None = None,
    title: str = FEED_TITLE,
    author: str = FEED_AUTHOR,
    feed_path: str = "feed.xml",
    limit: int = FEED_ENTRIES,
) -> str:
    """The Atom feed of the list as an XML document (UTF-8 declaration included); ``identity``
    defaults to ``data/feed.toml``."""
    identity = identity or load_identity()
    site = site_url.rstrip("/")
    frame = frame.assign(_updated=updated_times(frame))
    ordered = recently_added(frame).head(limit)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", identity.tag("feed.xml"))
    _sub(feed, "title", title, type="text")
    _sub(feed, "updated", timestamp(frame["_updated"].max() if len(frame) else pd.Timestamp(identity.date)))
    _sub(_sub(feed, "author"), "name", author)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=f"{site}/{feed_path}")
    _sub(feed, "link", rel="alternate", type="text/html", href=f"{site}/")
    for row in ordered.to_dict("records"):
        entry = _sub(feed, "entry")
        _sub(entry, "id", identity.tag(row["id"]))
        _sub(entry, "title", readable(title_of(row)), type="text")
        _sub(entry, "updated", timestamp(row["_updated"]))
        _sub(entry, "published", timestamp(row["_updated"]))
        for name in row["authors"]:
            _sub(_sub(entry, "author"), "name", name)
        card = f"{site}/{topics.home(list(row['tags']))}#{row['id']}"
        _sub(entry, "link", rel="alternate", type="text/html", href=card)
        if row["url"]:
            _sub(entry, "link", rel="related", href=row["url"])
        _sub(entry, "summary", summary_of(row), type="text")
        for tag in row["tags"]:
            _sub(entry, "category", term=tag)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def write_feed(
    frame: pd.DataFrame,
    site_url: str,
    topics: Topics,
    path: str | Path,
    **options: Any,
) -> None:
    """Write :func:`atom_feed` to ``path`` (see :func:`~readinglist.files.write_generated`);
    ``options`` go to :func:`atom_feed`."""
    write_generated(path, atom_feed(frame, site_url, topics, **options))
