"""Lighthouse scores of the rendered book (``_book/``), served with gzip as GitHub Pages serves it.

Pages are served over HTTP/1.1 with connections kept open: over HTTP/1.0, a new connection for
each file, Lighthouse's simulated slow network adds a connection setup to every script and style
sheet, which GitHub Pages (HTTP/2) does not.

Serves ``_book/`` on 127.0.0.1 (text files gzip-compressed), runs Lighthouse's default mobile audit
on each page with Debian's Chromium, and prints the four category scores and the first contentful
paint, as the median of ``--runs`` audits. Lighthouse is not a project dependency: install it
anywhere (``npm i lighthouse@12`` in a scratch folder) and pass its path with ``--lighthouse``.

Run: `.venv/bin/python bench/lighthouse.py --lighthouse /path/to/node_modules/.bin/lighthouse`.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["index.html", "chapters/rl.html", "all-entries.html", "appendices/data.html"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync"
)
# Chromium's paint holding keeps showing the previous page after a same-origin navigation until the
# new one is ready to paint. Lighthouse navigates from about:blank, and on this headless Chromium the
# held first frame came 1 to 2 s after the page was ready (main thread idle, every file loaded): the
# observed first paint was 2.2 s where a blank page's is 0.1 s, and Lighthouse's simulation then
# counts every file fetched by then as delaying the first paint. A reader coming from another site
# is not held. ``--paint-holding`` keeps Chromium's default. Chromium keeps the last
# ``--disable-features``, so the list repeats chrome-launcher's own.
NO_PAINT_HOLDING = (
    "--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,CalculateNativeWinOcclusion,"
    "InterestFeedContentSuggestions,CertificateTransparencyComponentUpdater,AutofillServerCommunication,"
    "PrivacySandboxSettings4,RenderDocument,PaintHolding"
)
# Without a display, this headless Chromium (software compositing, --disable-gpu) often produced
# a frame about once a second during the load: in a trace of the RL chapter, the main thread was
# idle from 0.6 s and drew its next frames at 1.2 s and 2.2 s, the first contentful paint. The
# observed first paint then fell on 0.3, 1.2 or 2.2 s from run to run, and Lighthouse's speed
# index and simulated first paint with it. Unthrottled frames, as a screen's 60 Hz refresh gives,
# put it at 0.3 to 0.7 s in every run. ``--frame-limit`` keeps Chromium's default.
NO_FRAME_LIMIT = "--disable-gpu-vsync --disable-frame-rate-limit"


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, text ones gzip-compressed when the client accepts it, over connections kept
    open (HTTP/1.1), as GitHub Pages keeps them (it serves HTTP/2)."""

    protocol_version = "HTTP/1.1"

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        gzip_ok = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (gzip_ok and path.suffix in COMPRESSED and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)

    def log_message(self, *args: object) -> None:
        pass


class _Body:
    """The file-like object ``SimpleHTTPRequestHandler`` copies to the client."""

    def __init__(self, data: bytes):
        self.data = data

    def read(self, *_: object) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def chrome_flags(paint_holding: bool = False, frame_limit: bool = False) -> str:
    """Chromium's command-line flags for an audit (see :data:`NO_PAINT_HOLDING`, :data:`NO_FRAME_LIMIT`)."""
    flags = [CHROME_FLAGS]
    flags += [] if paint_holding else [NO_PAINT_HOLDING]
    flags += [] if frame_limit else [NO_FRAME_LIMIT]
    return " ".join(flags)


def audit(lighthouse: str, url: str, flags: str, save: Path | None = None) -> dict[str, float]:
    """One mobile audit of ``url`` with Chromium ``flags``: the category scores (0-100), the first
    contentful paint and largest contentful paint (s) and the total blocking time (ms); the full
    report is copied to ``save`` when given."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        env = os.environ | {"CHROME_PATH": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")}
        command = [lighthouse, url, "--quiet", "--output=json", f"--output-path={out}"]
        command += [f"--chrome-flags={flags}", f"--only-categories={','.join(CATEGORIES)}"]
        subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)
        report = json.loads(out.read_text(encoding="utf-8"))
        if save is not None:
            save.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out, save)
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    audits = report["audits"]
    scores["fcp"] = audits["first-contentful-paint"]["numericValue"] / 1000
    scores["lcp"] = audits["largest-contentful-paint"]["numericValue"] / 1000
    scores["tbt"] = audits["total-blocking-time"]["numericValue"]
    return scores


def _report_path(folder: Path | None, page: str, run: int) -> Path | None:
    """Where run ``run`` of ``page``'s report is kept, or None when reports are not kept."""
    if folder is None:
        return None
    return folder / f"{page.replace('/', '_').removesuffix('.html')}-{run + 1}.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lighthouse", default=shutil.which("lighthouse") or "lighthouse")
    parser.add_argument("--book", type=Path, default=ROOT / "_book")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--paint-holding", action="store_true", help="keep Chromium's paint holding")
    parser.add_argument("--frame-limit", action="store_true", help="keep Chromium's frame-rate limit")
    parser.add_argument("--save", type=Path, help="keep each run's JSON report in this folder")
    parser.add_argument("pages", nargs="*", default=PAGES)
    args = parser.parse_args()
    if not (args.book / "index.html").exists():
        raise SystemExit(f"{args.book} has no index.html: render the book first")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(GzipHandler, directory=str(args.book)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    flags = chrome_flags(args.paint_holding, args.frame_limit)
    print(f"| page | {' | '.join(CATEGORIES)} | first contentful paint | largest | total blocking time |")
    print("| --- |" + " --- |" * (len(CATEGORIES) + 3))
    try:
        for page in args.pages:
            runs = [
                audit(args.lighthouse, base + page, flags, _report_path(args.save, page, run))
                for run in range(args.runs)
            ]
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            cells = [f"{med[c]:.0f}" for c in CATEGORIES]
            cells += [f"{med['fcp']:.1f} s", f"{med['lcp']:.1f} s", f"{med['tbt']:.0f} ms"]
            print(f"| {page} | {' | '.join(cells)} |", flush=True)
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
