"""A local stand-in for the arXiv API: serves Atom feeds in arXiv's format on 127.0.0.1.

Tests register papers (:class:`FakePaper`), optionally script failures (HTTP errors, malformed
bodies, slowness), point the code at :attr:`AtomServer.url` and then check :attr:`AtomServer.requests`:
how many requests arrived and which ids each asked for. The feed mirrors what
``export.arxiv.org/api/query`` returns for an ``id_list`` query: unknown ids are left out and
``opensearch:totalResults`` counts only the papers found; ``start``/``max_results`` page the answer.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

PATH = "/api/query"


@dataclass
class FakePaper:
    """One arXiv record as the API describes it (``summary`` exactly as served, wraps included)."""

    arxiv_id: str
    title: str
    summary: str
    authors: list[str]
    published: str
    categories: list[str]
    version: int = 1
    updated: str | None = None
    comment: str | None = None
    primary_category: str | None = None  # when it is not the first of ``categories``
    affiliations: dict[str, str] = field(default_factory=dict)

    @property
    def primary(self) -> str:
        return self.primary_category or self.categories[0]

    def entry(self, version: int | None = None) -> str:
        """The ``<entry>`` element, in the layout of the live API."""
        v = version or self.version
        abs_url = f"https://arxiv.org/abs/{self.arxiv_id}v{v}"
        authors = ""
        for name in self.authors:
            affiliation = self.affiliations.get(name)
            extra = f"\n      <arxiv:affiliation>{escape(affiliation)}</arxiv:affiliation>" if affiliation else ""
            authors += f"\n    <author>\n      <name>{escape(name)}</name>{extra}\n    </author>"
        categories = "".join(
            f'\n    <category term={quoteattr(c)} scheme="http://arxiv.org/schemas/atom"/>' for c in self.categories
        )
        comment = f"\n    <arxiv:comment>{escape(self.comment)}</arxiv:comment>" if self.comment else ""
        return (
            f"  <entry>\n    <id>http://arxiv.org/abs/{self.arxiv_id}v{v}</id>"
            f"\n    <title>{escape(self.title)}</title>"
            f"\n    <updated>{self.updated or self.published}</updated>"
            f'\n    <link href="{abs_url}" rel="alternate" type="text/html"/>'
            f'\n    <link href="https://arxiv.org/pdf/{self.arxiv_id}v{v}" rel="related" type="application/pdf"'
            f' title="pdf"/>'
            f"\n    <summary>{escape(self.summary)}</summary>{categories}"
            f"\n    <published>{self.published}</published>{comment}"
            f"\n    <arxiv:primary_category term={quoteattr(self.primary)}/>{authors}\n  </entry>\n"
        )


def feed(entries: list[str], total: int, start: int, per_page: int, query: str = "") -> bytes:
    """A complete Atom feed around the given entries."""
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom"'
        ' xmlns="http://www.w3.org/2005/Atom">\n'
        "  <id>https://arxiv.org/api/local-test-feed</id>\n"
        f"  <title>arXiv Query: {escape(query)}</title>\n"
        "  <updated>2025-10-01T00:00:00Z</updated>\n"
        f"  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>\n"
        f"  <opensearch:totalResults>{total}</opensearch:totalResults>\n"
        f"  <opensearch:startIndex>{start}</opensearch:startIndex>\n" + "".join(entries) + "</feed>\n"
    ).encode("utf-8")


def error_feed(message: str) -> bytes:
    """arXiv's answer to a bad query (served with HTTP 400): one error entry."""
    anchor = message.replace(" ", "_")
    entry = (
        f"  <entry>\n    <id>http://arxiv.org/api/errors#{escape(anchor)}</id>\n    <title>Error</title>\n"
        f"    <summary>{escape(message)}</summary>\n    <updated>2025-10-01T00:00:00Z</updated>\n"
        "    <author>\n      <name>arXiv api core</name>\n    </author>\n  </entry>\n"
    )
    return feed([entry], 1, 0, 1)


@dataclass(frozen=True)
class Reply:
    """A scripted answer instead of the feed."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "application/atom+xml; charset=utf-8"


@dataclass(frozen=True)
class Request:
    """What the server saw: when, and which ids and page were asked for."""

    time: float
    path: str
    ids: list[str]
    start: int
    max_results: int


class AtomServer:
    """A threaded HTTP server on a free port of 127.0.0.1; use as a context manager."""

    def __init__(self) -> None:
        self.papers: dict[str, FakePaper] = {}
        self.requests: list[Request] = []
        self.replies: list[Reply] = []  # one-shot answers, used first, in order
        self.failure: Reply | None = None  # answer to every request once ``replies`` is empty...
        self.failure_after = 0  # ...from this request on (0: from the first)
        self.delay = 0.0  # seconds before answering
        self.page_limit: int | None = None  # entries per response at most (the API may page)
        self.barrier: threading.Barrier | None = None  # hold answers until N requests are in flight
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="atom-server", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{PATH}"

    def add(self, *papers: FakePaper) -> None:
        for paper in papers:
            self.papers[paper.arxiv_id] = paper

    def requested_ids(self) -> list[list[str]]:
        return [r.ids for r in self.requests]

    def __enter__(self) -> AtomServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def answer(self, path: str, query: str) -> Reply:
        """The reply to one GET request (also records the request)."""
        params = parse_qs(query, keep_blank_values=True)
        ids = [i for i in ",".join(params.get("id_list", [""])).split(",") if i]
        start = int(params.get("start", ["0"])[0] or 0)
        max_results = int(params.get("max_results", ["10"])[0] or 10)
        with self._lock:
            self.requests.append(Request(time.monotonic(), path, ids, start, max_results))
            failing = len(self.requests) > self.failure_after
            scripted = self.replies.pop(0) if self.replies else self.failure if failing else None
        if self.barrier is not None:
            self.barrier.wait(timeout=30)
        if self.delay:
            time.sleep(self.delay)
        if scripted is not None:
            return scripted
        if path != PATH:
            return Reply(404, b"<html><body>Not Found</body></html>", content_type="text/html")
        found: list[tuple[FakePaper, int | None]] = []
        for requested in ids:
            paper = self.papers.get(_versionless(requested))
            if paper is not None:
                found.append((paper, _version(requested)))
        # The live API orders an id_list answer by its own criteria, not by the request.
        found.sort(key=lambda item: item[0].published, reverse=True)
        per_page = min(max_results, self.page_limit or max_results)
        page = found[start : start + per_page]
        body = feed([p.entry(v) for p, v in page], len(found), start, per_page, query)
        return Reply(200, body)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                reply = server.answer(parts.path, parts.query)
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(reply.body)))
                    for name, value in reply.headers:
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


def _versionless(arxiv_id: str) -> str:
    head, sep, tail = arxiv_id.rpartition("v")
    return head if sep and tail.isdigit() and head else arxiv_id


def _version(arxiv_id: str) -> int | None:
    head, sep, tail = arxiv_id.rpartition("v")
    return int(tail) if sep and tail.isdigit() and head else None


SUMMARY = (
    "  Large language models trained with reinforcement learning from verifiable rewards\n"
    "often collapse to a few reasoning patterns. We study the entropy of the policy\n"
    "$\\pi_\\theta(a \\mid s)$ during training and show that a simple clipping rule keeps\n"
    "exploration alive.\n"
    "  Across $7$ benchmarks our method improves pass@$k$ by up to 12\\% while using\n"
    "$\\mathcal{O}(n)$ extra memory. Code: https://example.org/code.\n"
)


def make_paper(arxiv_id: str, **overrides: object) -> FakePaper:
    """A realistic record: wrapped two-paragraph abstract with LaTeX, several authors, two categories."""
    values: dict[str, object] = {
        "arxiv_id": arxiv_id,
        "title": f"Entropy-Preserving\n  Policy Optimization for {arxiv_id}",
        "summary": SUMMARY,
        "authors": ["Ada Lovelace", "Alan M. Turing", "Grace Hopper"],
        "published": "2025-09-22T17:59:46Z",
        "updated": "2025-09-30T08:00:00Z",
        "categories": ["cs.LG", "cs.AI", "I.2.6"],
        "version": 2,
        "comment": "21 pages, 7 figures",
    }
    values.update(overrides)
    return FakePaper(**values)  # type: ignore[arg-type]
