"""The internal link checker: each kind of broken link on a small made-up site, then the rendered book."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from readinglist.linkcheck import check_site, classify, main

from .conftest import ROOT

INDEX = """<!DOCTYPE html>
<html lang="en"><head><title>Home</title>
<link href="site_libs/style.css" rel="stylesheet">
<script src="site_libs/app.js"></script>
<script src="site_libs/missing.js"></script>
</head><body>
<a href="">this page</a> <a href="#">top</a> <a href="#intro">intro</a> <a href="#nowhere">gone</a>
<p id="intro">Intro</p>
<a href="chapters/rl.html">good page</a>
<a href="chapters/rl.html#2509.17567">good anchor with dots</a>
<a href="chapters/rl.html#2509%2E17567">good percent-encoded anchor</a>
<a href="chapters/rl.html#caf%C3%A9">good percent-encoded non-ASCII anchor</a>
<a href="chapters/rl.html#2509.99999">missing anchor with dots</a>
<a href="chapters/missing.html">missing page</a>
<a href="my%20notes.html">page with a space</a>
<a href="chapters/">folder with an index</a>
<img src="img/figure.png" srcset="img/figure.png 1x, img/figure@2x.png 2x" alt="">
<a href="https://arxiv.org/abs/2509.17567">external</a> <a href="//cdn.example.com/x.js">external too</a>
<a href="mailto:someone@example.com">mail</a> <a href="data:,">data</a> <a href="javascript:void(0)">js</a>
</body></html>
"""
CHAPTER = """<!DOCTYPE html>
<html lang="en"><head><title>RL</title></head><body>
<div id="2509.17567" class="paper-card"><h3 id="card-2509-17567">LIMI</h3>
<span class="paper-also-in">Also in: <a href="../chapters/data.html#2509.17567">Data</a></span>
<a class="paper-tag" href="../chapters/rl.html">RL</a> <a class="paper-tag" href="../chapters/agents.html">Agents</a>
</div>
<a name="caf\u00e9">named anchor</a>
<a href="../index.html#intro">back</a> <a href="../../outside.html">outside</a>
</body></html>
"""
DATA_CHAPTER = '<!DOCTYPE html><html lang="en"><title>Data</title><body><div id="other"></div></body></html>'


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A made-up site with one good link of each kind and one broken link of each kind."""
    (tmp_path / "chapters").mkdir()
    (tmp_path / "site_libs").mkdir()
    (tmp_path / "img").mkdir()
    (tmp_path / "index.html").write_text(INDEX, encoding="utf-8")
    (tmp_path / "chapters" / "rl.html").write_text(CHAPTER, encoding="utf-8")
    (tmp_path / "chapters" / "data.html").write_text(DATA_CHAPTER, encoding="utf-8")
    (tmp_path / "chapters" / "index.html").write_text("<!DOCTYPE html><title>Chapters</title>", encoding="utf-8")
    (tmp_path / "my notes.html").write_text("<!DOCTYPE html><title>Notes</title>", encoding="utf-8")
    (tmp_path / "site_libs" / "style.css").write_text("body {}", encoding="utf-8")
    (tmp_path / "site_libs" / "app.js").write_text("", encoding="utf-8")
    (tmp_path / "img" / "figure.png").write_bytes(b"\x89PNG")
    return tmp_path


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"the link checker opened a connection: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_finds_each_broken_link_and_nothing_else(site: Path, no_network: None) -> None:
    report = check_site(site)
    found = {(b.page, b.link): b.why for b in report.broken}
    assert found == {
        ("chapters/rl.html", "../chapters/data.html#2509.17567"): (
            "no element with id '2509.17567' in chapters/data.html"
        ),
        ("chapters/rl.html", "../chapters/agents.html"): "no such file chapters/agents.html",
        ("chapters/rl.html", "../../outside.html"): "points outside the site folder",
        ("index.html", "#nowhere"): "no element with id 'nowhere' in this page",
        ("index.html", "chapters/rl.html#2509.99999"): "no element with id '2509.99999' in chapters/rl.html",
        ("index.html", "chapters/missing.html"): "no such file chapters/missing.html",
        ("index.html", "site_libs/missing.js"): "no such file site_libs/missing.js",
        ("index.html", "img/figure@2x.png"): "no such file img/figure@2x.png",
    }
    assert report.pages == 5
    assert not report.ok


def test_good_links_pass(site: Path) -> None:
    """Dotted and percent-encoded anchors, encoded paths, folders and same-page links all resolve."""
    report = check_site(site)
    broken_links = {b.link for b in report.broken}
    for good in (
        "",
        "#",
        "#intro",
        "chapters/rl.html",
        "chapters/rl.html#2509.17567",
        "chapters/rl.html#2509%2E17567",
        "chapters/rl.html#caf%C3%A9",
        "my%20notes.html",
        "chapters/",
        "site_libs/style.css",
        "site_libs/app.js",
        "img/figure.png",
        "../index.html#intro",
    ):
        assert good not in broken_links, good
    # Every relative URL was checked: 18 on index.html (an img's src and its 2 srcset URLs), 5 on rl.html.
    assert report.checked == 23


def test_external_links_are_listed_not_fetched(site: Path, no_network: None) -> None:
    report = check_site(site)
    assert report.external == {
        "https://arxiv.org/abs/2509.17567": ["index.html"],
        "//cdn.example.com/x.js": ["index.html"],
    }


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("chapters/rl.html#x", "internal"),
        ("#2509.17567", "internal"),
        ("/index.html", "internal"),
        ("https://arxiv.org/abs/1", "external"),
        ("HTTP://example.com", "external"),
        ("//example.com/x", "external"),
        ("mailto:a@b.c", "inert"),
        ("data:,", "inert"),
        ("javascript:void(0)", "inert"),
    ],
)
def test_classify(url: str, kind: str) -> None:
    assert classify(url) == kind


def test_main_prints_one_line_per_broken_link_and_fails(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(site)]) == 1
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert len(lines) == 8
    assert "index.html: chapters/missing.html: no such file chapters/missing.html" in lines
    assert "8 broken" in out.err


def test_main_passes_a_clean_site_and_lists_external_links_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "index.html").write_text(
        '<a href="#top" id="top">top</a> <a href="b.html#2509.17567">b</a> <a href="https://arxiv.org/abs/1">x</a>',
        encoding="utf-8",
    )
    (tmp_path / "b.html").write_text('<div id="2509.17567"></div><a href="index.html">home</a>', encoding="utf-8")
    assert main([str(tmp_path), "--external"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == ["external: https://arxiv.org/abs/1 (on 1 page, not fetched)"]
    assert "2 pages, 3 internal links checked, 0 broken, 1 external URLs" in captured.err


def test_main_rejects_a_missing_or_empty_folder(tmp_path: Path) -> None:
    assert main([str(tmp_path / "nope")]) == 2
    assert main([str(tmp_path)]) == 2


def test_runs_as_a_module(site: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "readinglist.linkcheck", str(site)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 1
    assert "index.html: site_libs/missing.js: no such file site_libs/missing.js" in result.stdout.splitlines()


def test_the_rendered_book_has_no_broken_internal_link(rendered_book: Path) -> None:
    report = check_site(rendered_book)
    assert report.pages > len(list((ROOT / "chapters").glob("*.qmd"))), "the book has fewer pages than chapters"
    assert report.checked > 0
    assert report.broken == [], "\n".join(map(str, report.broken))
