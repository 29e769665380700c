"""The post-render rewrite of the rendered pages (readinglist.paint), on sample HTML shaped like
Quarto 1.10's book template: deferred head scripts in their order, the dark theme's stylesheets
disabled until a reader shows it, handlers that still run after the libraries', idempotence, and
only the HTML pages of a render touched."""

from __future__ import annotations

import re
from pathlib import Path

from readinglist import paint

BEFORE_BODY = """<script id="quarto-html-before-body" type="application/javascript">
    const toggleColorMode = (alternate) => {};
    const authorPrefersDark = false;
    const darkModeDefault = authorPrefersDark;
      document.querySelector('link#hl.quarto-color-scheme-extra').rel = 'disabled-stylesheet';
      document.querySelector('link#bs.quarto-color-scheme-extra').rel = 'disabled-stylesheet';
  </script>"""

PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Chapter</title>
<script src="../site_libs/quarto-nav/quarto-nav.js"></script>
<script src="../site_libs/quarto-listing/list.min.js"></script>
<script src="../site_libs/quarto-html/quarto.js" type="module"></script>
<script src="../site_libs/quarto-html/tippy.umd.min.js"></script>
<link href="../site_libs/quarto-html/tippy.css" rel="stylesheet">
<link href="../site_libs/quarto-html/hl.css" rel="stylesheet" class="quarto-color-scheme">
<link href="../site_libs/quarto-html/hl-dark.css" rel="stylesheet" class="quarto-color-scheme quarto-color-alternate">
<link href="../site_libs/quarto-html/hl.css" rel="stylesheet" class="quarto-color-scheme-extra">
<script src="../site_libs/bootstrap/bootstrap.min.js"></script>
<link href="../site_libs/bootstrap/bootstrap-icons.css" rel="stylesheet">
<link href="../site_libs/bootstrap/bs.min.css" rel="stylesheet" class="quarto-color-scheme" data-mode="light">
<link href="../bs-dark.min.css" rel="stylesheet" class="quarto-color-scheme quarto-color-alternate" data-mode="dark">
<link href="../site_libs/bootstrap/bs.min.css" rel="stylesheet" class="quarto-color-scheme-extra" data-mode="light">
<script id="quarto-search-options" type="application/json">{{"location": "sidebar"}}</script>
<script>
  window.document.addEventListener("DOMContentLoaded", function (_event) {{ new List('x', {{}}); }});
</script>
</head>
<body class="nav-sidebar">{BEFORE_BODY}
<p>Text</p>
<script type="application/json" id="s">{{"a": "window.document.addEventListener(\\"DOMContentLoaded\\""}}</script>
<script src="../assets/all-entries.js" defer></script>
<script id="quarto-html-after-body" type="application/javascript">
  window.document.addEventListener("DOMContentLoaded", function (event) {{ new window.AnchorJS(); }});
</script>
</body></html>
"""


def scripts(html: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", html)


def links(html: str) -> list[str]:
    return re.findall(r"<link\b[^>]*>", html)


def test_head_scripts_are_deferred_in_their_order() -> None:
    out = paint.paint_faster(PAGE)
    external = [tag for tag in scripts(out) if "src=" in tag]
    assert [re.search(r'src="([^"]+)"', tag).group(1).rsplit("/", 1)[-1] for tag in external] == [
        "quarto-nav.js",
        "list.min.js",
        "quarto.js",
        "tippy.umd.min.js",
        "bootstrap.min.js",
        "all-entries.js",
    ]
    for tag in external:
        if 'type="module"' in tag:
            assert "defer" not in tag  # a module script is deferred already
        else:
            assert tag.endswith(" defer>"), tag
    # Nothing else in the page changed but what the rewrite is for.
    # the head's color-scheme script and the one that runs ready handlers in turn
    assert out.count("<script") == PAGE.count("<script") + 2


def test_ready_handlers_are_split_by_the_heads_first_script() -> None:
    out = paint.paint_faster(PAGE)
    head = out.split("</head>")[0]
    assert head.index('<meta charset="utf-8">') < head.index(paint.READY_SCRIPT) < head.index("<script src=")
    assert out.count(paint.READY_SCRIPT_ID) == 1
    assert out.index('<meta charset="utf-8">') < 1024  # where a browser looks for it


def test_inline_handlers_are_registered_on_window_so_they_run_after_the_libraries() -> None:
    out = paint.paint_faster(PAGE)
    assert out.count('window.addEventListener("DOMContentLoaded"') == 2
    assert 'window.document.addEventListener("DOMContentLoaded", function' not in out
    # JSON data is not code.
    assert '{"a": "window.document.addEventListener(\\"DOMContentLoaded\\""}' in out


def test_the_dark_stylesheets_and_the_light_duplicates_start_disabled() -> None:
    out = paint.paint_faster(PAGE)
    rels = {}
    for tag in links(out):
        attrs = paint.attributes(tag[len("<link") : -1])
        rels[attrs["href"].rsplit("/", 1)[-1], attrs.get("class", "")] = attrs["rel"]
    assert rels == {
        ("tippy.css", ""): "stylesheet",
        ("hl.css", "quarto-color-scheme"): "stylesheet",
        ("hl-dark.css", "quarto-color-scheme quarto-color-alternate"): "disabled-stylesheet",
        ("hl.css", "quarto-color-scheme-extra"): "disabled-stylesheet",
        ("bootstrap-icons.css", ""): "stylesheet",
        ("bs.min.css", "quarto-color-scheme"): "stylesheet",
        ("bs-dark.min.css", "quarto-color-scheme quarto-color-alternate"): "disabled-stylesheet",
        ("bs.min.css", "quarto-color-scheme-extra"): "disabled-stylesheet",
    }


def test_the_head_switches_the_dark_stylesheets_on_for_a_reader_who_chose_them() -> None:
    out = paint.paint_faster(PAGE)
    head = out[: out.index("</head>")]
    script = head[head.index(f'<script id="{paint.SCHEME_SCRIPT_ID}">') :]
    assert "localStorage.getItem('quarto-color-scheme')" in script
    assert "stored === null ? false : stored === 'alternate'" in script
    assert "setAttribute('blocking', 'render')" in script
    # after the links it switches on
    assert head.index("bs-dark.min.css") < head.index(paint.SCHEME_SCRIPT_ID)


def test_a_book_that_respects_the_readers_preference_follows_it_in_the_head() -> None:
    page = PAGE.replace(
        "const darkModeDefault = authorPrefersDark;",
        "const queryPrefersDark = window.matchMedia('(prefers-color-scheme: dark)');\n"
        "    const darkModeDefault = queryPrefersDark.matches;",
    )
    out = paint.paint_faster(page)
    assert "stored === null ? window.matchMedia('(prefers-color-scheme: dark)').matches" in out


def test_the_light_duplicates_stay_when_quartos_script_keeps_them() -> None:
    page = PAGE.replace("quarto-color-scheme-extra').rel = 'disabled-stylesheet'", "")
    out = paint.paint_faster(page)
    assert all('rel="stylesheet"' in tag for tag in links(out) if "quarto-color-scheme-extra" in tag)
    assert all('rel="disabled-stylesheet"' in tag for tag in links(out) if "quarto-color-alternate" in tag)


def test_a_page_without_a_dark_theme_keeps_its_stylesheets() -> None:
    page = PAGE.replace(BEFORE_BODY, "")
    out = paint.paint_faster(page)
    assert links(out) == links(page)
    assert paint.SCHEME_SCRIPT_ID not in out


def test_the_rewrite_is_idempotent() -> None:
    once = paint.paint_faster(PAGE)
    assert paint.paint_faster(once) == once
    assert once.count(paint.SCHEME_SCRIPT_ID) == 1


def test_a_document_without_a_head_is_unchanged() -> None:
    assert paint.paint_faster("<p>fragment</p>") == "<p>fragment</p>"


def test_only_the_html_pages_of_the_render_are_rewritten(tmp_path: Path) -> None:
    book = tmp_path / "_book"
    (book / "chapters").mkdir(parents=True)
    (book / "site_libs").mkdir()
    for name in ("index.html", "chapters/rl.html", "chapters/moe.html", "site_libs/x.html"):
        (book / name).write_text(PAGE, encoding="utf-8")
    for name in ("book.pdf", "book.epub"):
        (book / name).write_bytes(PAGE.encode())
    env = {
        "QUARTO_PROJECT_DIR": str(tmp_path),
        "QUARTO_PROJECT_OUTPUT_DIR": "_book",
        "QUARTO_PROJECT_OUTPUT_FILES": "_book/chapters/rl.html\n_book/book.pdf\n_book/book.epub\nelsewhere.html",
    }
    (tmp_path / "elsewhere.html").write_text(PAGE, encoding="utf-8")
    assert paint.postrender(env) == 0
    assert (book / "chapters/rl.html").read_text(encoding="utf-8") == paint.paint_faster(PAGE)
    for name in ("index.html", "chapters/moe.html", "site_libs/x.html", "book.pdf", "book.epub"):
        assert (book / name).read_bytes() == PAGE.encode(), name
    assert (tmp_path / "elsewhere.html").read_text(encoding="utf-8") == PAGE

    # Without a list of files (an older Quarto), every page of the book but site_libs/.
    del env["QUARTO_PROJECT_OUTPUT_FILES"]
    assert paint.postrender(env) == 0
    for name in ("index.html", "chapters/moe.html"):
        assert (book / name).read_text(encoding="utf-8") == paint.paint_faster(PAGE)
    assert (book / "site_libs/x.html").read_text(encoding="utf-8") == PAGE
    assert (book / "book.pdf").read_bytes() == PAGE.encode()


def test_the_list_of_files_may_come_in_a_file(tmp_path: Path) -> None:
    book = tmp_path / "_book"
    book.mkdir()
    (book / "index.html").write_text(PAGE, encoding="utf-8")
    listing = tmp_path / "files.txt"
    listing.write_text("_book/index.html\n", encoding="utf-8")
    env = {
        "QUARTO_PROJECT_DIR": str(tmp_path),
        "QUARTO_PROJECT_OUTPUT_DIR": str(book),
        "QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES": str(listing),
    }
    assert paint.postrender(env) == 0
    assert (book / "index.html").read_text(encoding="utf-8") == paint.paint_faster(PAGE)


# Quarto 1.10's inline script for a listing with pages, as in all-entries.html.
LISTING_SCRIPT = """<script>

  window.document.addEventListener("DOMContentLoaded", function (_event) {
    const listingTargetEl = window.document.querySelector('#listing-all-entries .list');
    if (!listingTargetEl) {
      // No listing discovered, do not attach.
      return;
    }

    const options = {
      valueNames: ['listing-date','listing-title'],
      page: 50,
    pagination: { item: "<li class='page-item'><a class='page page-link' href='#'></a></li>" },
      searchColumns: ["listing-title"],
    };

    window['quarto-listings'] = window['quarto-listings'] || {};
    window['quarto-listings']['listing-all-entries'] = new List('listing-all-entries', options);

    if (window['quarto-listing-loaded']) {
      window['quarto-listing-loaded']();
    }
  });
  </script>"""


def test_a_listing_starts_on_the_readers_first_move() -> None:
    page = PAGE.replace("</head>", LISTING_SCRIPT + "\n</head>")
    out = paint.paint_faster(page)
    script = out[out.index("const listingTargetEl") : out.index("</script>", out.index("const listingTargetEl"))]
    # list.js starts only in `start`, which the first move, a fragment or quartoListingStart calls
    body = script[script.index("var start = function") :]
    start = body[: body.index("\n    };\n")]
    assert "new List('listing-all-entries', options)" in start and "quarto-listing-loaded" in start
    assert script.count("new List(") == 1
    assert "window.quartoListingStart['listing-all-entries'] = start;" in script
    assert "if (window.location.hash) {\n      start();" in script
    for move in ("pointerover", "touchstart", "focusin", "keydown", "hashchange"):
        assert f"'{move}'" in script
    # until then, the rows past the first page are hidden as list.js hides them
    style = "<style>#listing-all-entries:not(.listing-started) .list > :nth-child(n+51) { display: none; }</style>"
    assert out.count(style) == 1 and out.index(style) < out.index("const listingTargetEl")
    assert paint.paint_faster(out) == out
    # a listing without pages hides nothing
    unpaged = paint.paint_faster(page.replace("      page: 50,\n", ""))
    assert "<style>#listing" not in unpaged and "var start = function" in unpaged
