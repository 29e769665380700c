"""The two bibliography files in the tools people use: pdflatex with BibTeX (plain, unsrt, natbib's
abbrvnat), pdflatex with biblatex and biber (data model checked), and pandoc's citeproc.

The TeX tests skip, saying so, where the TeX Live programs are missing (Debian: texlive-latex-base,
texlive-latex-recommended, texlive-bibtex-extra, biber; ``.ci/run`` installs them).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pypandoc
import pytest

from readinglist import bibtex, store
from readinglist.topics import load_topics

from .conftest import DATA

STYLES = ("plain", "unsrt", "abbrvnat")


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return store.load(DATA / "papers.csv", load_topics(DATA / "topics.csv"))


@pytest.fixture(scope="module")
def bib_files(frame, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bib")
    bibtex.write_bibliography(frame, folder / "references.bib")
    bibtex.write_biblatex(frame, folder / "references-biblatex.bib")
    return {"references.bib": folder / "references.bib", "references-biblatex.bib": folder / "references-biblatex.bib"}


def need(*programs: str) -> None:
    missing = [p for p in programs if shutil.which(p) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not on PATH (Debian: texlive-latex-base, texlive-bibtex-extra, biber)")


def run(folder: Path, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120)


def latex_errors(folder: Path) -> list[str]:
    return [line for line in (folder / "doc.log").read_text(encoding="latin-1").splitlines() if line.startswith("!")]


def compile_document(folder: Path, preamble: list[str], bib: Path, backend: list[str]) -> None:
    """pdflatex, the bibliography program, pdflatex twice: a document citing every entry."""
    shutil.copy2(bib, folder / "refs.bib")
    body = ["\\begin{document}", "\\nocite{*}"]
    (folder / "doc.tex").write_text(
        "\n".join(["\\documentclass{article}", "\\usepackage[T1]{fontenc}", "\\usepackage[utf8]{inputenc}"])
        + "\n"
        + "\n".join([*preamble, *body, *backend[1:], "\\end{document}"])
        + "\n",
        encoding="utf-8",
    )
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc"]
    first = run(folder, *latex)
    assert first.returncode == 0, latex_errors(folder)
    assert run(folder, *backend[0].split(), "doc").returncode == 0, (folder / "doc.blg").read_text(encoding="latin-1")
    for _ in range(2):
        result = run(folder, *latex)
        assert result.returncode == 0 and latex_errors(folder) == [], latex_errors(folder)


@pytest.mark.parametrize("style", STYLES)
def test_bibtex_styles_compile_and_show_every_arxiv_id(style, frame, bib_files, tmp_path):
    need("pdflatex", "bibtex")
    preamble = ["\\usepackage{url}", "\\usepackage{natbib}" if style == "abbrvnat" else ""]
    backend = ["bibtex", f"\\bibliographystyle{{{style}}}", "\\bibliography{refs}"]
    compile_document(tmp_path, preamble, bib_files["references.bib"], backend)
    blg = (tmp_path / "doc.blg").read_text(encoding="latin-1")
    warnings = sorted(re.findall(r"^Warning--(.*)$", blg, re.M))
    undated = sorted(f"empty year in {bibtex.citation_key(r)}" for r in frame.to_dict("records") if pd.isna(r["date"]))
    # plain warned 'to sort, need author or key' for all 59 entries; abbrvnat must say when a year is missing
    assert warnings == (undated if style == "abbrvnat" else [])
    assert "error message" not in blg
    bbl = (tmp_path / "doc.bbl").read_text(encoding="latin-1")
    items = re.split(r"\\bibitem", bbl)[1:]
    assert len(items) == len(frame)
    for row in frame.to_dict("records"):
        key = re.escape(bibtex.citation_key(row))
        (item,) = [i[m.end() :] for i in items if (m := re.match(rf"(\[.*?\])?\{{{key}\}}", i, re.S))]
        if row["arxiv_id"]:
            assert item.count(f"arXiv:{row['arxiv_id']}") == 1, item  # the identifier, once
        if row["url"] and style == "abbrvnat":
            assert item.count(f"\\url{{{row['url']}}}") == 1, item  # natbib styles print url, once


@pytest.mark.parametrize("name", ["references.bib", "references-biblatex.bib"])
def test_biblatex_and_biber_with_the_data_model_checked(name, bib_files, tmp_path):
    need("pdflatex", "biber")
    preamble = ["\\usepackage[backend=biber]{biblatex}", "\\addbibresource{refs.bib}"]
    backend = ["biber --validate-datamodel", "\\printbibliography"]
    compile_document(tmp_path, preamble, bib_files[name], backend)
    blg = (tmp_path / "doc.blg").read_text(encoding="utf-8")
    assert not re.findall(r"^(WARN|ERROR) - .*$", blg, re.M)
    log = (tmp_path / "doc.log").read_text(encoding="latin-1")
    assert "Package biblatex Warning" not in log and "There were undefined references" not in log


def references(bib: Path) -> dict[str, str]:
    """Every entry as pandoc's citeproc prints it (Chicago author-date, its default), by citation key."""
    out = pypandoc.convert_text(
        '---\nnocite: "@*"\n---\n',
        "html",
        format="markdown",
        extra_args=["--citeproc", f"--bibliography={bib}"],
    )
    entries = re.findall(r'<div id="ref-([^"]+)"\s+class="csl-entry"[^>]*>(.*?)</div>', out, re.S)
    return {html.unescape(key): " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split()) for key, text in entries}


@pytest.mark.parametrize("name", ["references.bib", "references-biblatex.bib"])
def test_citeproc_prints_each_url_once_and_keeps_titles_cased(name, frame, bib_files):
    printed = references(bib_files[name])
    assert len(printed) == len(frame)
    for row in frame.to_dict("records"):
        text = printed[bibtex.citation_key(row)]
        if row["url"]:
            assert text.lower().count(row["url"].lower()) == 1, text  # was twice, first as "Https://..."
        assert "Https://" not in text
        if row["arxiv_id"] and name == "references.bib":
            assert f"arXiv:{row['arxiv_id']}" in text, text  # pandoc reads no eprint: howpublished shows it
    mu = printed["arXiv:2508.09752"]
    assert mu.lstrip("“").startswith("μ-Parametrization") and "Μ" not in mu  # not title-cased to a capital mu
    assert "Bayesian Surprise" in printed["arXiv:2507.00310"]
