"""Internal link check over a rendered site folder (such as ``_book/``), with no network access.

Every relative ``href``/``src`` (and ``srcset`` candidate) of every HTML page must resolve to a file
inside the folder, and every ``#fragment`` to an element id (or ``<a name>``) of the target page,
compared as a browser does: as written, then percent-decoded. Links with a scheme or a host are
external: they are listed, never fetched. A path that starts with ``/`` is taken from the folder's
root. Run it as ``python -m readinglist.linkcheck _book``.
"""

from __future__ import annotations

import argparse
import posixpath
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: Attributes that hold one URL, on any element (``xlink:href`` is SVG's older spelling).
URL_ATTRIBUTES = ("href", "src", "xlink:href", "poster")
#: Schemes that leave the site: listed as external links.
EXTERNAL_SCHEMES = ("http", "https", "ftp", "ftps")
#: Schemes that fetch nothing from the site and are neither checked nor listed.
INERT_SCHEMES = ("mailto", "tel", "javascript", "data", "blob", "about")
HTML_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True)
class Broken:
    """A link that does not resolve, and why."""

    page: str
    link: str
    why: str

    def __str__(self) -> str:
        return f"{self.page}: {self.link}: {self.why}"


@dataclass
class Report:
    """What a check found: pages read, internal links checked, broken links, external links by URL."""

    pages: int = 0
    checked: int = 0
    broken: list[Broken] = field(default_factory=list)
    external: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.broken


class _PageParser(HTMLParser):
    """Collects a page's element ids and the URLs in its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif name in URL_ATTRIBUTES and not (tag == "base" and name == "href"):
                self.urls.append((name, value))
            elif name == "srcset":
                self.urls += [("srcset", url) for url in srcset_urls(value)]


def srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset`` attribute (``a.png 1x, b.png 2x``)."""
    return [part.split()[0] for part in value.split(",") if part.split()]


@dataclass
class _Page:
    ids: set[str]
    urls: list[tuple[str, str]]


def read_page(path: Path) -> _Page:
    """A page's ids and URLs; undecodable bytes are replaced rather than failing the check."""
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return _Page(parser.ids, parser.urls)


def page_ids(path: str | Path) -> set[str]:
    """The element ids (and ``<a name>`` values) of an HTML page."""
    return read_page(Path(path)).ids


def has_fragment(ids: set[str], fragment: str) -> bool:
    """Whether a ``#fragment`` lands on one of ``ids``: as written, then percent-decoded."""
    return fragment in ids or unquote(fragment) in ids


def html_pages(root: Path) -> Iterator[Path]:
    """The site's HTML pages, in a stable order."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in HTML_SUFFIXES:
            yield path


def target_file(root: Path, page: str, path: str) -> tuple[str | None, str]:
    """The site-relative file a link's path points to, or None and why it cannot be."""
    decoded = unquote(path)
    joined = decoded.lstrip("/") if decoded.startswith("/") else posixpath.join(posixpath.dirname(page), decoded)
    relative = posixpath.normpath(joined) if joined else page
    if relative == ".." or relative.startswith("../"):
        return None, "points outside the site folder"
    if relative == ".":
        relative = ""
    candidate = root / relative
    if candidate.is_dir() or path.endswith("/"):
        relative = posixpath.join(relative, "index.html") if relative else "index.html"
        candidate = root / relative
    if not candidate.is_file():
        return None, f"no such file {relative}"
    return relative, ""


def check_link(root: Path, page: str, url: str, ids_of: dict[str, set[str]]) -> str | None:
    """Why an internal link is broken, or None when it resolves. ``ids_of`` caches each page's ids."""
    parts = urlsplit(url.strip())
    if parts.path:
        relative, why = target_file(root, page, parts.path)
        if relative is None:
            return why
    else:
        relative = page
    fragment = parts.fragment
    if not fragment or fragment.startswith(":~:") or not relative.lower().endswith(HTML_SUFFIXES):
        return None
    if relative not in ids_of:
        ids_of[relative] = page_ids(root / relative)
    if has_fragment(ids_of[relative], fragment):
        return None
    where = "this page" if relative == page else relative
    return f"no element with id {unquote(fragment)!r} in {where}"


def classify(url: str) -> str:
    """``internal``, ``external`` or ``inert`` (nothing to check: ``mailto:``, ``data:``, ``javascript:``...)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme in EXTERNAL_SCHEMES or (not scheme and parts.netloc):
        return "external"
    if scheme:
        return "inert" if scheme in INERT_SCHEMES else "external"
    return "internal"


def check_site(root: str | Path) -> Report:
    """Check every internal link of every HTML page under ``root``; list the external ones."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a folder")
    report = Report()
    parsed = {path.relative_to(root).as_posix(): read_page(path) for path in html_pages(root)}
    ids_of = {page: content.ids for page, content in parsed.items()}
    report.pages = len(parsed)
    for page, content in parsed.items():
        for _attribute, url in content.urls:
            kind = classify(url)
            if kind == "external":
                report.external.setdefault(url.strip(), []).append(page)
            elif kind == "internal":
                report.checked += 1
                why = check_link(root, page, url, ids_of)
                if why:
                    report.broken.append(Broken(page, url, why))
    return report


def format_report(report: Report, list_external: bool = False) -> Iterable[str]:
    """The report's lines: one per broken link, then (optionally) one per external URL."""
    yield from map(str, report.broken)
    if list_external:
        for url, pages in sorted(report.external.items()):
            yield f"external: {url} (on {len(set(pages))} page{'s' if len(set(pages)) != 1 else ''}, not fetched)"


def main(argv: Sequence[str] | None = None) -> int:
    """Check a site folder; print one line per broken link; exit 1 when any is broken."""
    parser = argparse.ArgumentParser(
        prog="python -m readinglist.linkcheck",
        description="Check the internal links of a rendered site folder (nothing is fetched).",
    )
    parser.add_argument("folder", type=Path, help="the rendered site, such as _book")
    parser.add_argument("--external", action="store_true", help="also list the external links (not fetched)")
    args = parser.parse_args(argv)
    try:
        report = check_site(args.folder)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 2
    for line in format_report(report, args.external):
        print(line)
    print(
        f"{report.pages} pages, {report.checked} internal links checked, {len(report.broken)} broken, "
        f"{len(report.external)} external URLs (not fetched)",
        file=sys.stderr,
    )
    if report.pages == 0:
        print(f"{args.folder} holds no HTML page", file=sys.stderr)
        return 2
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
