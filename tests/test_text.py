"""Field text renders as written: plain text stays text, $...$ becomes math, nothing injects markup."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.text import blocks, inline

from .htmlcheck import parse, to_html

TOKENS = [*"<>/&\"'`*_[]()#|@{}%!~^:;.,-+=?\\$ \n", "script", "a", "1", "x", "μ", "{{<", ">}}", "\\emph{", "http://"]
HOSTILE = st.lists(st.sampled_from(TOKENS), max_size=30).map("".join)


def rendered(markdown: str):
    return parse(to_html(markdown))


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@settings(max_examples=60, deadline=None)
@given(HOSTILE.filter(lambda t: "$" not in t and "\\" not in t and "http" not in t))
def test_plain_text_renders_exactly_as_written(text):
    """Without math or TeX, what a reader sees is the field's text, whatever characters it holds."""
    doc = rendered(inline(text))
    tags = {e.tag for e in doc.iter()} - {"root", "#text"}
    assert tags <= {"p"}, tags
    assert norm(doc.all_text()) == norm(text)


@settings(max_examples=60, deadline=None)
@given(HOSTILE)
def test_any_field_text_cannot_inject_markup(text):
    doc = rendered(blocks(text))
    allowed = {
        "root",
        "#text",
        "p",
        "em",
        "strong",
        "code",
        "a",
        "math",
        "semantics",
        "annotation",
        "mrow",
        "mi",
        "mo",
        "mn",
        "msup",
        "msub",
        "msubsup",
        "mtext",
        "mspace",
        "mfrac",
        "msqrt",
        "mstyle",
        "mover",
        "munder",
        "munderover",
        "mpadded",
        "mphantom",
        "menclose",
        "mtable",
        "mtr",
        "mtd",
        "mroot",
        "ms",
        "merror",
    }
    # TeX that texmath cannot convert stays visible as TeX in pandoc's <span class="math inline">.
    tags = {e.tag for e in doc.iter() if not (e.tag == "span" and e.classes() == ["math", "inline"])}
    assert tags <= allowed, tags - allowed
    for el in doc.iter():
        assert not any(name.startswith("on") for name in el.attrs)
        if el.tag == "a":
            assert el.attrs["href"].startswith(("http://", "https://"))
    assert "{{<" not in blocks(text)


def test_latex_math_renders_as_math():
    for source, symbol in [("MERGE$^3$: Efficient", "3"), ("PanGu-$\\alpha$: Large-scale", "α")]:
        doc = rendered(inline(source))
        (math,) = doc.find_all("math")
        assert symbol in math.all_text()
        assert doc.all_text().startswith(source.split("$")[0])


def test_dollars_in_plain_text_stay_text():
    doc = rendered(inline("It costs between $5 and $10 per hour."))
    assert not doc.find_all("math")
    assert norm(doc.all_text()) == "It costs between $5 and $10 per hour."


def test_latex_text_commands_do_not_vanish():
    doc = rendered(
        inline("This raises concerns about \\emph{model collapse}, \\textbf{bold}, 22\\% and \\texttt{x_y}.")
    )
    (em,) = doc.find_all("em")
    assert em.all_text() == "model collapse"
    assert doc.find_all("strong")[0].all_text() == "bold"
    assert doc.find_all("code")[0].all_text() == "x_y"
    assert "22%" in doc.all_text()


def test_paragraphs_stay_paragraphs():
    doc = rendered(blocks("First paragraph\nwrapped.\n\nSecond.\n\n\nThird."))
    assert [norm(p.all_text()) for p in doc.find_all("p")] == ["First paragraph wrapped.", "Second.", "Third."]


def test_markdown_and_html_in_a_field_are_text():
    source = "<script>alert(1)</script> # not a heading *not em* [not](link) | a | b | @cite {{< include x >}}"
    doc = rendered(blocks(source))
    assert not doc.find_all("script") and not doc.find_all("em") and not doc.find_all("a")
    assert norm(doc.all_text()) == source
    assert "{{<" not in blocks(source)  # Quarto's shortcode syntax never reaches the page intact


def test_urls_become_links():
    doc = rendered(inline("Code at https://github.com/pytorch/torchtitan."))
    (a,) = doc.find_all("a")
    assert a.attrs["href"] == "https://github.com/pytorch/torchtitan"


def test_math_pandoc_cannot_convert_stays_visible_as_tex():
    doc = rendered(inline("a $x&y$ b"))
    (span,) = doc.find_all("span", "math")
    assert span.all_text() == "$x&y$" and not doc.find_all("math")
