"""Helpers for the browser tests: a local static server, Chromium through Playwright, and recorders.

Nothing here downloads a browser: Chromium is the one at ``$CHROMIUM_PATH`` (default Debian's
``/usr/bin/chromium``). Every request a page makes goes through :class:`RequestGuard`, which lets
127.0.0.1 through and aborts (and records) anything else, so a test can fail on an outside request
without the request ever leaving the machine.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, Response, Route, sync_playwright

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOST = "127.0.0.1"
#: URL schemes that never leave the machine.
LOCAL_SCHEMES = ("data", "blob", "about")
#: axe impact levels a test fails on.
SERIOUS = ("serious", "critical")
#: Resolves once every ``div.chart`` of the page holds vega's SVG or the page's own error message.
CHARTS_SETTLED = (
    "() => [...document.querySelectorAll('div.chart')]"
    ".every(d => d.querySelector('svg') || d.classList.contains('chart-error'))"
)
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def missing_chromium() -> str | None:
    """Why the browser tests cannot run (no Chromium executable), or None when they can."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return None
    return f"no Chromium executable at {CHROMIUM} (set CHROMIUM_PATH to a Chromium or Chrome binary)"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging every request to stderr."""

    extensions_map = {  # noqa: RUF012 - the base class defines it as a plain class attribute
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".svg": "image/svg+xml",
        ".woff2": "font/woff2",
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass


class StaticServer:
    """A static file server for ``root`` on 127.0.0.1 (a free port), in a daemon thread."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        handler = functools.partial(_QuietHandler, directory=str(self.root))
        self._server = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://{LOCAL_HOST}:{self._server.server_address[1]}"

    def url(self, path: str = "") -> str:
        """The URL of a site-relative path."""
        return f"{self.origin}/{path.lstrip('/')}"

    def path_of(self, url: str) -> Path | None:
        """The served file a URL of this server maps to (``index.html`` for a folder), or None."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None
        path = self.root / unquote(parts.path).lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        return path if path.is_file() else None

    def __enter__(self) -> StaticServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Chromium launched through Playwright, closed on exit."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def is_local(url: str) -> bool:
    """Whether a request stays on this machine: 127.0.0.1, or a ``data:``/``blob:``/``about:`` URL."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname == LOCAL_HOST


@dataclass
class RequestGuard:
    """Records every request of a browser context; aborts and records those leaving 127.0.0.1.

    A URL added with :meth:`expect_navigation` is not fetched either: a top-level navigation to it
    gets a stub page, so a test can follow a link to an outside site without going there."""

    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    intercepted: list[str] = field(default_factory=list)
    _expected: set[str] = field(default_factory=set)

    def install(self, context: BrowserContext) -> RequestGuard:
        context.on("request", self._record)
        context.route(lambda _url: True, self._route)
        return self

    def expect_navigation(self, url: str) -> None:
        self._expected.add(url)

    def _record(self, request: Request) -> None:
        self.requests.append(request.url)

    def _route(self, route: Route) -> None:
        request = route.request
        if is_local(request.url):
            route.continue_()
        elif request.url in self._expected and request.is_navigation_request():
            self.intercepted.append(request.url)
            route.fulfill(status=200, content_type="text/html", body="<!DOCTYPE html><title>Intercepted</title>")
        else:
            self.outside.append(request.url)
            route.abort("blockedbyclient")


@dataclass
class PageLog:
    """A page's console errors, uncaught exceptions, and failed or 4xx/5xx local requests."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    @classmethod
    def attach(cls, page: Page) -> PageLog:
        log = cls()
        page.on("console", log._console)
        page.on("pageerror", lambda error: log.page_errors.append(str(error)))
        page.on("requestfailed", log._failed)
        page.on("response", log._response)
        return log

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def _failed(self, request: Request) -> None:
        # ERR_ABORTED is the page cancelling its own request (a reload, a stylesheet switched on and off).
        if is_local(request.url) and request.failure != "net::ERR_ABORTED":
            self.failed_requests.append(f"{request.url}: {request.failure}")

    def _response(self, response: Response) -> None:
        # Every page names its icon (the book's favicon, or data: on the chart pages), so a browser
        # never asks for /favicon.ico: a 404 there is a page without its icon.
        if response.status >= 400:
            self.failed_requests.append(f"{response.url}: HTTP {response.status}")

    @property
    def problems(self) -> list[str]:
        return (
            [f"console error: {e}" for e in self.console_errors]
            + [f"uncaught exception: {e}" for e in self.page_errors]
            + [f"failed request: {e}" for e in self.failed_requests]
        )


def wait_for_charts(page: Page, timeout: float = 15_000) -> None:
    """Bring every chart of the page into view and point at it (a chart showing its images drawn
    offline is drawn live when the reader points at it, an empty one when it comes near the view),
    wait until each is drawn (or has given up with its error message), then move the pointer away
    and scroll back to the top."""
    charts = page.locator("div.chart")
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()
        charts.nth(i).hover()
    page.wait_for_function(CHARTS_SETTLED, timeout=timeout)
    page.mouse.move(0, 0)
    page.evaluate("() => window.scrollTo(0, 0)")


def serious_violations(page: Page, context: str | None = None) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page (or within the ``context`` selector)."""
    results = Axe().run(page, context=context)
    return [v for v in results.response["violations"] if v.get("impact") in SERIOUS]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One line per violation and element: rule, impact, target and axe's summary of the failure."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"{violation['id']} ({violation['impact']}) at {node['target']}: {summary}")
    return "\n".join(lines)
