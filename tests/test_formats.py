"""The PDF (Typst) and EPUB downloads of the rendered book: every entry, every note, every chart.

These tests need the `quarto` command (they read the book `quarto render` builds in every format);
where it is not on PATH they are skipped with that reason. epubcheck (Debian's package, run with
Java), pdffonts and pdftoppm (poppler-utils) are used where installed; each test that needs one
says so when it is not.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from readinglist.book import Book
from readinglist.plaintext import readable
from readinglist.static import paper_text

from .conftest import ROOT
from .expected import csv_rows
from .htmlcheck import parse

QUARTO = shutil.which("quarto")
pytestmark = [
    pytest.mark.quarto,
    pytest.mark.skipif(QUARTO is None, reason="quarto is not on PATH (install Quarto >= 1.6 to run the format tests)"),
]
ROWS = csv_rows()
UNTITLED = "Untitled entry (its title was lost; see the notes)"
ARTIFACTS = ROOT / "test-artifacts" / "pdf"
EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")  # Debian's epubcheck package


def words(text: str) -> str:
    """Text reduced to its letters and digits, lowercase, with Unicode's compatibility forms folded
    (math italic 𝛼 is α, a superscript 3 is 3): what survives a PDF's line breaks and hyphenation."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).lower() if c.isalnum())


@pytest.fixture(scope="module")
def figures() -> list:
    return Book.load().figures()


@pytest.fixture(scope="module")
def pdf(rendered_book: Path) -> Path:
    (path,) = rendered_book.glob("*.pdf")
    return path


@pytest.fixture(scope="module")
def epub(rendered_book: Path) -> Path:
    (path,) = rendered_book.glob("*.epub")
    return path


def page_body(text: str) -> str:
    """A PDF page's text without its running head (``16 Chapter 2. Pretraining``) and page number."""
    lines = text.splitlines()
    if lines and lines[-1].strip().isdigit():
        number = lines.pop().strip()
        if lines and lines[0].startswith(f"{number} "):
            lines.pop(0)
    return "\n".join(lines)


@pytest.fixture(scope="module")
def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of the PDF, without running heads and page numbers."""
    pypdf = pytest.importorskip("pypdf")
    return [page_body(page.extract_text()) for page in pypdf.PdfReader(pdf).pages]


def pdf_images(pdf: Path) -> list[tuple[int, int]]:
    """The width and height of every image the PDF's pages draw (soft masks, which belong to an
    image, are not listed in a page's resources)."""
    pypdf = pytest.importorskip("pypdf")
    found = []
    for page in pypdf.PdfReader(pdf).pages:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        for ref in xobjects.get_object().values() if xobjects is not None else ():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                found.append((int(obj["/Width"]), int(obj["/Height"])))
    return found


@pytest.fixture(scope="module")
def epub_texts(epub: Path) -> dict[str, str]:
    """The EPUB's XHTML documents, by name."""
    with zipfile.ZipFile(epub) as archive:
        return {n: archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xhtml")}


def test_the_navigation_offers_both_downloads(rendered_book: Path, pdf: Path, epub: Path) -> None:
    html = (rendered_book / "index.html").read_text(encoding="utf-8")
    for download in (pdf, epub):
        assert f'href="./{download.name}"' in html or f'href="{download.name}"' in html, download.name
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert zipfile.is_zipfile(epub)


def test_the_pdf_holds_every_title_and_every_note(pdf_pages: list[str]) -> None:
    text = words("\n".join(pdf_pages))
    missing = [r["id"] for r in ROWS if words(readable(r["title"] or UNTITLED)) not in text]
    assert missing == []
    notes = [(r["id"], p) for r in ROWS for p in r["notes"].split("\n\n") if p.strip()]
    assert len(notes) >= 12
    missing = [entry for entry, paragraph in notes if words(readable(paragraph)) not in text]
    assert missing == []
    abstracts = [r for r in ROWS if r["abstract"].strip()]
    # the abstract's end, as TeX made readable (math) or as typed (`\\url{...}` stays text)
    unfolded = [
        r["id"] for r in abstracts if any(words(a)[-200:] in text for a in (readable(r["abstract"]), r["abstract"]))
    ]
    assert len(unfolded) == len(abstracts), "every abstract is printed in full"


def test_the_pdf_renders_math_and_keeps_unicode(pdf_pages: list[str]) -> None:
    text = unicodedata.normalize("NFKC", "\n".join(pdf_pages))
    assert "MERGE3: Efficient" in text  # MERGE$^3$ as math, not as TeX
    assert "PanGu-α: Large-scale" in text
    assert "μP" in text
    headings = [line for line in text.splitlines() if line.startswith(("MERGE", "PanGu"))]
    assert headings and not any("$" in line for line in headings)


def test_every_chart_is_an_image_in_the_pdf(pdf: Path, pdf_pages: list[str], figures: list) -> None:
    images = pdf_images(pdf)
    assert len(images) == len(figures) == 4 + 2 * len(Book.load().topics.chapters())
    assert all(width >= 900 for width, _ in images), "drawn at print resolution"
    text = words("\n".join(pdf_pages))
    assert all(words(paper_text(fig.caption)) in text for fig in figures), "every caption, for paper"
    assert "drag the chart" not in "\n".join(pdf_pages) and "click a dot" not in "\n".join(pdf_pages)


def test_the_pdfs_fonts_are_embedded(pdf: Path) -> None:
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts is not installed (Debian package poppler-utils)")
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    fonts = lines[2:]
    assert fonts, "the PDF lists fonts"
    # columns: name type encoding emb sub uni object ID; the type may hold spaces
    not_embedded = [line for line in fonts if line.split()[-5] != "yes"]
    assert not_embedded == []


def test_the_pdfs_links_are_internal_or_absolute(pdf: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    internal, external = 0, []
    for page in pypdf.PdfReader(pdf).pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if action is not None and action.get_object().get("/S") == "/URI":
                external.append(str(action.get_object()["/URI"]))
            elif action is not None or annotation.get("/Dest") is not None:
                internal += 1
    assert [u for u in external if not u.startswith(("https://", "http://"))] == []
    assert not [u for u in external if re.search(r"/chapters/[^/]+\.html", u)], "links between pages stay inside"
    # every card links its chapter's tags, its other chapters and its related entries inside the PDF
    assert internal > 2 * len(ROWS)


def test_pdf_screenshots_of_a_chapter(pdf: Path, pdf_pages: list[str]) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed (Debian package poppler-utils)")
    start = next(i for i, text in enumerate(pdf_pages) if "Entries tagged RL per month" in text)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("rl-*.png"):
        old.unlink()
    first, last = start + 1, start + 3
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", "-f", str(first), "-l", str(last), str(pdf), str(ARTIFACTS / "rl")],
        check=True,
    )
    shots = sorted(ARTIFACTS.glob("rl-*.png"))
    assert len(shots) == 3 and all(s.stat().st_size > 10_000 for s in shots)


def test_epubcheck_finds_no_error(epub: Path) -> None:
    java = shutil.which("java")
    if java is not None and EPUBCHECK_JAR.exists():
        command = [java, "-jar", str(EPUBCHECK_JAR)]
    elif shutil.which("epubcheck"):
        command = ["epubcheck"]
    else:
        pytest.skip("epubcheck is not installed (Debian package epubcheck)")
    result = subprocess.run([*command, str(epub)], capture_output=True, text=True)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-4000:]
    assert re.search(r"\b0 fatals / 0 errors\b", report), report[-4000:]


def test_the_epub_has_every_chart_as_an_image_and_no_script(epub_texts: dict[str, str], figures: list) -> None:
    html = "\n".join(epub_texts.values())
    assert "<script" not in html and "vegaEmbed" not in html and "vega-bundle" not in html
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == len(figures)
    alts = sorted(parse(img).find_all("img")[0].attrs.get("alt", "") for img in images)
    assert alts == sorted(" ".join(paper_text(fig.alt).split()) for fig in figures)
    assert "<details" not in html, "nothing is folded in the EPUB"


def test_the_epub_has_every_entry_once_per_chapter_with_unique_labels(epub_texts: dict[str, str]) -> None:
    ids = [i for text in epub_texts.values() for i in re.findall(r'\sid="([^"]+)"', text)]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    cards = [i for i in ids if "--" in i and not i.split("--", 1)[1].startswith("card-")]
    assert {c.split("--", 1)[1] for c in cards} == {r["id"] for r in ROWS}
    html = "\n".join(epub_texts.values())
    targets = re.findall(r'<a [^>]*href="([^"]+)"', html)
    inside = [t for t in targets if not re.match(r"[a-z]+:", t)]
    assert inside and all(re.fullmatch(r"((text/)?[\w-]+\.xhtml)?(#[^#]+)?", t) for t in inside), "no link leaves"
    text = words(re.sub(r"<[^>]+>", " ", re.sub(r"<annotation .*?</annotation>", "", html)))  # MathML's TeX
    assert [r["id"] for r in ROWS if words(readable(r["title"] or UNTITLED)) not in text] == []


def test_the_html_book_keeps_its_anchors_and_folds(rendered_book: Path) -> None:
    page = parse((rendered_book / "chapters" / "rl.html").read_text(encoding="utf-8"))
    cards = page.find_all("div", "paper-card")
    assert cards and all("--" not in c.attrs["id"] for c in cards)
    assert len(page.find_all("details", "paper-more")) == len(cards)
    # The HTML shows no print image (PNG) of its charts: only each chart's first-paint SVGs.
    images = [img.attrs["src"] for img in page.find_all("img")]
    first_paint = [img.attrs["src"] for pic in page.find_all("picture", "chart-static") for img in pic.find_all("img")]
    assert images == first_paint and images and all(src.endswith(".svg") for src in images)


def test_the_epub_marks_the_notes_in_green(epub: Path, epub_texts: dict[str, str]) -> None:
    with zipfile.ZipFile(epub) as archive:
        css = "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".css"))
    assert re.search(r"\.curator-notes\s*\{[^}]*border-left:[^;]*#2e7d32", css)
    html = "\n".join(epub_texts.values())
    noted = {r["id"] for r in ROWS if r["notes"].strip()}
    boxes = len(re.findall(r'<div class="curator-notes">', html))
    cards = re.findall(r'<div id="[^"]+--([^"]+)" class="paper-card has-notes">', html)
    assert set(cards) == noted and boxes == len(cards), "each noted card, in each of its chapters"
