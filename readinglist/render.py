"""Fresh and fast renders: each page's cells computed once per change, and Quarto's freeze kept exact.

The book renders with ``freeze: auto``: Quarto re-executes a page only when its ``.qmd`` changed.
It knows nothing of ``data/``, so the pre-render step (:func:`prerender`) decides the rest:

1. The **inputs key** hashes everything a page's output can depend on: ``papers.csv``,
   ``topics.csv``, ``introduction.md``, the package's own source files and the versions of the
   libraries that shape the output. Reading these files is cheap (no pandas, no Altair).
2. When the key is the one of the last render and the cell store exists, nothing is recomputed and
   no page is executed: the floor of a render.
3. Otherwise every page's cell outputs are computed in this one process and written to the cell
   store, ``.cache/pages-<key>/``, one file per page (:func:`cells_text`). A page's **fingerprint** is the hash of
   its outputs; the frozen results (``_freeze/<page>/``) of every page whose fingerprint changed are
   removed, so Quarto re-executes exactly those pages. The fingerprints are kept in
   ``_freeze/readinglist.json``.
4. A page's cells (``page = page_cells("chapters/rl.qmd")``, then ``print(page.entries())``) read
   their output from the page's file in the cell store of the current key, so a re-executed page
   costs a kernel start and the read of its own cells, not a load of the list. Without a store (a
   notebook, a render with no pre-render) they compute it.

So a frozen page is kept only when its output would be byte-for-byte the same; an edit shows on
every page whose output it changes, and only those pages are executed.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from . import project

if TYPE_CHECKING:
    from .book import Book

PACKAGE = Path(__file__).resolve().parent
DATA_FILES = ("papers.csv", "topics.csv", "introduction.md", "feed.toml")
LIBRARIES = ("pandas", "altair", "vl-convert-python", "numpy", "scipy")
MANIFEST = "readinglist.json"
GENERATED = (
    "_assets/vega-bundle.js",
    "_assets/list-months.json",
    "_assets/charts/charts.json",
    "references.bib",
    "references-biblatex.bib",
    "feed.xml",
    "all-entries.yml",
)


def package_hash() -> str:
    """A hash of the package's own source files and of the libraries that shape its output."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for library in LIBRARIES:
        digest.update(f"{library}=={importlib.metadata.version(library)}\0".encode())
    return digest.hexdigest()[:24]


def inputs_key(data_dir: Path | None = None) -> str:
    """A hash of everything the pages' outputs depend on (see the module docstring)."""
    folder = data_dir or project.data_dir()
    digest = hashlib.sha256()
    for name in DATA_FILES:
        path = folder / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"<missing>") + b"\0")
    digest.update(package_hash().encode())
    return digest.hexdigest()[:24]


def store_path(key: str) -> Path:
    """The cell store of ``key``: a folder holding one JSON file per page."""
    return project.cache_dir() / f"pages-{key}"


STORED = ".cells"


def page_file(store: Path, source: str) -> Path:
    return store / (quote(source, safe="") + STORED)


def read_page(key: str, source: str) -> dict[str, str] | None:
    """The stored cells of one page (a page's kernel reads its own file, not the whole book's)."""
    path = page_file(store_path(key), source)
    return parse_cells(path.read_text(encoding="utf-8")) if path.exists() else None


def read_store(key: str) -> dict[str, dict[str, str]] | None:
    """Every page's stored cells, by source file."""
    store = store_path(key)
    if not store.is_dir():
        return None
    return {unquote(p.name.removesuffix(STORED)): parse_cells(p.read_text(encoding="utf-8")) for p in store.iterdir()}


def write_store(key: str, outputs: dict[str, str]) -> None:
    """Replace every cell store with the one of ``key`` (``outputs``: each page's :func:`cells_text`;
    written aside, then renamed into place)."""
    cache = project.cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    target = store_path(key)
    staging = Path(tempfile.mkdtemp(prefix=".pages-", dir=cache))
    for source, text in outputs.items():
        page_file(staging, source).write_text(text, encoding="utf-8")
    for old in [*cache.glob("pages-*"), target]:
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink(missing_ok=True)
    staging.rename(target)


class PageCells:
    """What a page's cells print: ``page_cells("chapters/rl.qmd").entries()`` is the Markdown of
    ``Book.load().page("chapters/rl.qmd").entries()``, read from the cell store when it holds the
    current inputs' output, computed otherwise."""

    def __init__(self, path: str):
        self.path = path
        self._stored: dict[str, str] | None = None
        self._page: Any = None

    def _cell(self, name: str) -> str:
        if self._stored is None:
            self._stored = read_page(inputs_key(), self.path) or {}
        if name in self._stored:
            return self._stored[name]
        if self._page is None:
            from .book import Book

            self._page = Book.load().page(self.path)
        return getattr(self._page, name)()

    def __getattr__(self, name: str) -> Callable[[], str]:
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda: self._cell(name)


def page_cells(path: str) -> PageCells:
    """The cells of the page whose source is ``path`` (relative to the book root)."""
    return PageCells(path)


def frozen_dir(root: Path, page: str) -> Path:
    """Where Quarto keeps a page's frozen results: ``_freeze/chapters/rl`` for ``chapters/rl.qmd``."""
    return root / "_freeze" / Path(page).with_suffix("")


def cells_text(cells: dict[str, str]) -> str:
    """A page's cells as stored, and as fingerprinted: a JSON line of each cell's name and length
    (in characters), then the cells' text as it is (no escaping: a chapter of 10,000 entries holds
    tens of megabytes of cards)."""
    names = sorted(cells)
    header = json.dumps({name: len(cells[name]) for name in names}, ensure_ascii=False)
    return "\n".join([header, *(cells[name] for name in names)])


def parse_cells(text: str) -> dict[str, str]:
    """The cells of a :func:`cells_text`."""
    header, _, body = text.partition("\n")
    cells, start = {}, 0
    for name, length in json.loads(header).items():
        cells[name] = body[start : start + length]
        start += length + 1
    return cells


def fingerprint(cells: dict[str, str] | str) -> str:
    """A hash of a page's cells (or of their :func:`cells_text`)."""
    text = cells if isinstance(cells, str) else cells_text(cells)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def read_manifest(root: Path) -> dict[str, Any]:
    path = root / "_freeze" / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def refresh(root: Path, generated: tuple[str, ...] = GENERATED, book: Book | None = None) -> list[str]:
    """Bring the cell store and the freeze in step with the inputs; return the pages whose frozen
    results were removed (empty when nothing changed). ``generated`` are files the slow path writes
    (a missing one forces it); ``book`` is the loaded list when the caller has it."""
    from . import files
    from .book import Book

    key = inputs_key()
    manifest = read_manifest(root)
    if manifest.get("key") == key and store_path(key).exists() and all((root / g).exists() for g in generated):
        return []
    book = book or Book.load()
    outputs = {path: cells_text(page.cell_outputs()) for path, page in book.pages().items()}
    write_store(key, outputs)
    fingerprints = {path: fingerprint(text) for path, text in outputs.items()}
    stale = [path for path, fp in fingerprints.items() if manifest.get("pages", {}).get(path) != fp]
    for path in stale:
        shutil.rmtree(frozen_dir(root, path), ignore_errors=True)
    (root / "_freeze").mkdir(exist_ok=True)
    layout = {slug: [[p.period, p.label] for p in pages] for slug, pages in book.layout.items()}
    manifest = {"key": key, "pages": fingerprints, "layout": layout}
    files.write_generated(root / "_freeze" / MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False))
    book.write_generated_files(root)
    return stale


def prerender(root: Path | None = None) -> int:
    """The pre-render step: bring the pages' descriptions in step with the topics file, check the
    chapter list, then :func:`refresh`. Returns an exit status.

    The chapter list depends on the list (the periods of cut chapters): when the inputs are the last
    render's, it is checked against the sub-pages recorded then, without loading the list."""
    from .book import Book
    from .chapters import sync_chapters, sync_descriptions
    from .split import SubPage
    from .topics import load_topics

    start = time.perf_counter()
    root = root or project.root()
    manifest = read_manifest(root)
    book = None
    if manifest.get("key") == inputs_key() and "layout" in manifest:
        layout = {s: [SubPage(s, period, label, ()) for period, label in p] for s, p in manifest["layout"].items()}
    else:
        book = Book.load()
        layout = book.layout
    for change in sync_descriptions(root, load_topics(root / "data" / "topics.csv")):
        print(f"readinglist: {change}: rewritten")
    problems = sync_chapters(root, check=True, layout=layout)
    if problems:
        fix = "run `python -m readinglist chapters` to bring the chapter list and the chapters' pages in step"
        for problem in [*problems, fix]:
            print(problem, file=sys.stderr)
        return 1
    stale = refresh(root, GENERATED, book)
    took = f"({time.perf_counter() - start:.1f} s)"
    if stale:
        print(f"readinglist: {len(stale)} page(s) to execute {took}: {', '.join(stale)}")
    else:
        print(f"readinglist: no page changed; every frozen page is current {took}")
    return 0
