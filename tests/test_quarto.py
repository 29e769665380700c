"""The real render: `quarto render` builds _book/ with every chapter, every entry and a working search.

These tests need the `quarto` command; where it is not on PATH they are skipped with that reason.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .bookcheck import book_problems, files_containing
from .conftest import ROOT
from .expected import chapter_slugs, csv_rows, edit_csv, set_field, tags_of
from .htmlcheck import parse

QUARTO = shutil.which("quarto")
pytestmark = [
    pytest.mark.quarto,
    pytest.mark.skipif(QUARTO is None, reason="quarto is not on PATH (install Quarto >= 1.6 to run the render tests)"),
]
ROWS = csv_rows()
CHAPTERS = chapter_slugs()


@pytest.fixture(scope="module")
def book(rendered_book: Path) -> Path:
    return rendered_book


def test_every_chapter_and_every_entry_is_rendered(book):
    ids = set()
    for slug in CHAPTERS:
        page = book / "chapters" / f"{slug}.html"
        assert page.exists(), page
        ids |= {el.attrs["id"] for el in parse(page.read_text(encoding="utf-8")).find_all("div", "paper-card")}
    ids |= {
        el.attrs["id"]
        for el in parse((book / "appendices" / "data.html").read_text(encoding="utf-8")).find_all("div", "paper-card")
    }
    assert ids == {r["id"] for r in ROWS}
    for name in ("index.html", "all-entries.html", "references.bib", "feed.xml", "_assets/vega-bundle.js"):
        assert (book / name).exists(), name
    rl = (book / "chapters" / "rl.html").read_text(encoding="utf-8")
    assert "paper-related" in rl and "arXiv:2509.07558" in rl  # related entries and citations
    listing = (book / "all-entries.html").read_text(encoding="utf-8")
    assert all(f"#{r['id']}" in listing for r in ROWS)


def test_pages_make_no_third_party_requests(book):
    for page in book.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for src in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html):
            assert not src.startswith(("http://", "https://", "//")), (page.name, src)


def test_search_finds_an_entry_by_a_word_of_its_title(book):
    index = json.loads((book / "search.json").read_text(encoding="utf-8"))
    superhot = "things-im-learning-while-training-superhot"
    for word, entry_id in [("Quartet", "2505.14669"), ("TorchTitan", "2410.06511"), ("SuperHOT", superhot)]:
        hits = [
            i for i in index if word.lower() in " ".join(i.get(k, "") for k in ("title", "section", "text")).lower()
        ]
        # the entry's own document (readinglist.search), at its card in a chapter
        own = [i for i in hits if i.get("entry") == entry_id]
        assert len(own) == 1, (word, hits)
        assert own[0]["href"].startswith("chapters/") and own[0]["href"].endswith("#" + entry_id), own


# ------------------------------------------------------------------ fresh after every kind of edit


def render(project: Path) -> tuple[list[str], dict[str, str]]:
    """``quarto render --to html`` in ``project`` with its own copy of the package; returns the pages
    the pre-render sent to execution, and every page's HTML (the PDF and the EPUB are
    tests/test_formats.py's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("READINGLIST_", "QUARTO_PROJECT"))}
    env |= {"QUARTO_PYTHON": sys.executable, "PYTHONPATH": str(project)}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    command = [QUARTO, "render", "--to", "html"]
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-4000:]
    summary = ("page(s) to execute", "no page changed")  # the pre-render's last line
    line = next(
        line
        for line in result.stdout.splitlines()
        if line.startswith("readinglist:") and any(s in line for s in summary)
    )
    executed = line.split(": ", 2)[2].split(", ") if "to execute" in line else []
    pages = {
        p.relative_to(project / "_book").as_posix(): p.read_text(encoding="utf-8")
        for p in (project / "_book").rglob("*.html")
    }
    return executed, pages


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's tracked files (package included), rendered once."""
    target = tmp_path_factory.mktemp("book") / "project"
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    render(target)
    return target


def first_plain(rows: list[dict[str, str]], test) -> dict[str, str]:
    return next(r for r in rows if test(r) and "$" not in r["title"] and "\\" not in r["title"] and r["title"])


EDITS = ["note", "title", "tag", "date", "added", "removed", "topics", "code"]


@pytest.mark.parametrize("kind", EDITS)
def test_every_page_shows_an_edit_and_none_is_stale(project: Path, kind: str) -> None:
    data = project / "data"
    rows = csv_rows(data)
    before = {
        p.relative_to(project / "_book").as_posix(): p.read_text(encoding="utf-8")
        for p in (project / "_book").rglob("*.html")
    }
    gone: list[str] = []  # text that must appear nowhere in the book afterwards
    shown: list[str] = []  # text that must appear in the book afterwards
    if kind == "note":
        row = first_plain(rows, lambda r: r["notes"].strip() and len(tags_of(r)) > 1)
        gone.append(row["notes"].strip()[:40])
        new = f"Edited note for {row['id']}: read the appendix on warmup first."
        shown.append(new)
        edit_csv(data / "papers.csv", set_field(row["id"], notes=new))
    elif kind == "title":
        row = first_plain(rows, lambda r: len(r["title"]) > 20 and r["title"].isascii())
        gone.append(row["title"])
        shown.append(f"Retitled entry {row['id']}")
        edit_csv(data / "papers.csv", set_field(row["id"], title=shown[0]))
    elif kind == "tag":
        row = first_plain(rows, lambda r: tags_of(r) == ["RL"])
        edit_csv(data / "papers.csv", set_field(row["id"], tags="Inference"))
    elif kind == "date":
        row = first_plain(rows, lambda r: "RL" in tags_of(r) and r["date"] and r["date"] < "2025-06")
        edit_csv(data / "papers.csv", set_field(row["id"], date="2026-11-28"))
    elif kind == "added":
        new = dict.fromkeys(rows[0], "") | {
            "id": "a-new-blog-post",
            "title": "A freshly added post on attention sinks",
            "kind": "blog post",
            "url": "https://example.org/attention-sinks",
            "date": "2026-11",
            "added": "2026-11-28",
            "tags": "Attention; Inference",
            "notes": "Added this week: short and clear.",
        }
        shown.append(new["title"])
        edit_csv(data / "papers.csv", lambda rs: [new, *rs])
    elif kind == "removed":
        row = first_plain(
            rows, lambda r: len(r["title"]) > 20 and r["title"].isascii() and r["id"] != "a-new-blog-post"
        )
        gone.append(row["title"])
        edit_csv(data / "papers.csv", lambda rs: [r for r in rs if r["id"] != row["id"]])
    elif kind == "topics":
        shown.append("Policy optimization, rewards and exploration for language models, as of this edit.")
        edit_csv(data / "topics.csv", lambda ts: [t | {"description": shown[0]} if t["tag"] == "RL" else t for t in ts])
    elif kind == "code":
        cards_py = project / "readinglist" / "cards.py"
        text = cards_py.read_text(encoding="utf-8")
        assert '"Cite as"' in text
        cards_py.write_text(text.replace('"Cite as"', '"Cite this entry"'), encoding="utf-8")
        shown.append("Cite this entry")
    executed, after = render(project)
    problems = book_problems(project / "_book", data)
    problems += [
        f"{text!r} still in {files_containing(project / '_book', text)}"
        for text in gone
        if files_containing(project / "_book", text)
    ]
    problems += [f"{text!r} is in no page" for text in shown if not files_containing(project / "_book", text)]
    needless = [p for p in executed if before.get(p.replace(".qmd", ".html")) == after.get(p.replace(".qmd", ".html"))]
    problems += [f"executed although its page did not change: {p}" for p in needless]
    if kind == "code":
        problems += [
            f"{p}: not re-rendered by the code change"
            for p in after
            if p.startswith("chapters/") and "Cite this entry" not in after[p]
        ]
    assert problems == [], problems
    assert executed, "an edit that changes pages executes them"
    if kind in ("note", "title", "tag", "date"):
        assert len(executed) < len(after) - 1, f"a one-entry edit executed every page: {executed}"


def test_a_render_with_nothing_changed_executes_no_page(project: Path) -> None:
    before = {p: (project / "_book" / p).read_bytes() for p in ("index.html", "chapters/rl.html")}
    executed, _ = render(project)
    assert executed == []
    assert {p: (project / "_book" / p).read_bytes() for p in before} == before
    assert book_problems(project / "_book", project / "data") == []


# ------------------------------------------------------------------ the Nu HTML Checker

VNU = ROOT / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# What Quarto 1.10's own light/dark HTML template writes into the <head> of every page: a second
# stylesheet <link> with the same id for the dark theme, and its non-standard `append-hash`
# attribute. The project emits none of these; the test fails on any other error.
QUARTO_TEMPLATE_ERRORS = (
    "Attribute “append-hash” not allowed on element “link” at this point.",
    "Duplicate ID “quarto-bootstrap”.",
    "Duplicate ID “quarto-text-highlighting-styles”.",
)


def test_the_nu_html_checker_finds_no_error_in_the_projects_markup(book):
    java = shutil.which("java")
    if java is None or not VNU.exists():
        pytest.skip(f"the Nu HTML Checker needs java and {VNU} (npm ci --prefix tools)")
    pages = [str(p) for p in book.rglob("*.html") if "site_libs" not in p.parts]
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *pages], capture_output=True, text=True
    )
    messages = json.loads(result.stderr)["messages"]
    ours = [
        f"{m['url'].rsplit('/', 1)[-1]}: {m['message']} {m.get('extract', '')!r}"
        for m in messages
        if m["message"] not in QUARTO_TEMPLATE_ERRORS
    ]
    assert ours == []
    assert all("<link" in m.get("extract", "") for m in messages), "Quarto's template errors are all on <link>"
