"""BibTeX: the whole list parses, keys are stable and unique, fields are right, hostile titles stay safe."""

from __future__ import annotations

import re

import bibtexparser
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist import bibtex, store
from readinglist.topics import load_topics

from .conftest import DATA

TOKENS = [*"{}%&$#_~^\\<>|@\"',=() \n\t", "\x00", "\x07", "a", "Z", "LLMs", "FP4", "μP", "x", "{{<", "}}", "%}"]
HOSTILE = st.lists(st.sampled_from(TOKENS), max_size=30).map("".join)
# What each escape in a BibTeX title stands for, for decoding a title back to its text
DECODE = {
    r"\textbraceleft{}": "{",
    r"\textbraceright{}": "}",
    r"\textbackslash{}": "\\",
    r"\textasciitilde{}": "~",
    r"\textasciicircum{}": "^",
    r"\textless{}": "<",
    r"\textgreater{}": ">",
    r"\textbar{}": "|",
    r"\&": "&",
    r"\%": "%",
    r"\#": "#",
    r"\_": "_",
    r"\$": "$",
}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return store.load(DATA / "papers.csv", load_topics(DATA / "topics.csv"))


def row_of(frame: pd.DataFrame, entry_id: str) -> dict:
    return frame[frame["id"] == entry_id].iloc[0].to_dict()


def parse_one(text: str):
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    (entry,) = library.entries
    return entry


def bibtex_balanced(text: str) -> bool:
    """Brace nesting as BibTeX counts it: a backslash does not escape a brace."""
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def decode_title(value: str) -> str:
    """A BibTeX title without math back to plain text: escapes decoded, protecting braces dropped."""
    pattern = "|".join(re.escape(k) for k in sorted(DECODE, key=len, reverse=True))
    parts = re.split(f"({pattern})", value)
    return "".join(DECODE.get(p, p.replace("{", "").replace("}", "")) for p in parts)


def test_the_whole_list_parses_with_one_entry_per_list_entry(frame):
    library = bibtexparser.parse_string(bibtex.bibliography(frame))
    assert library.failed_blocks == []
    assert len(library.entries) == len(frame)
    keys = [e.key for e in library.entries]
    assert len(set(keys)) == len(keys)
    assert keys == [bibtex.citation_key(r) for r in frame.to_dict("records")]
    assert all(re.fullmatch(r"[A-Za-z0-9:._-]+", k) for k in keys)


def test_write_bibliography(frame, tmp_path):
    path = tmp_path / "out" / "references.bib"
    bibtex.write_bibliography(frame, path)
    assert path.read_text(encoding="utf-8") == bibtex.bibliography(frame)


def test_the_key_comes_from_the_id_only(frame):
    row = row_of(frame, "2505.19115")
    key = bibtex.citation_key(row)
    assert key == "arXiv:2505.19115"
    edited = {**row, "title": "FP4 All the Way: Fully Quantised Training of LLMs", "authors": ["Brian Chmiel"]}
    assert bibtex.citation_key(edited) == key
    blog = row_of(frame, "inside-vllm-anatomy-of-a-high-throughput-llm")
    assert bibtex.citation_key(blog) == "inside-vllm-anatomy-of-a-high-throughput-llm"
    old = {**row, "id": "hep-th/9901001", "arxiv_id": "hep-th/9901001"}
    assert bibtex.citation_key(old) == "arXiv:hep-th.9901001"


def test_repeated_ids_are_refused(frame):
    with pytest.raises(ValueError, match=r"arXiv:2505\.19115"):
        bibtex.bibliography(pd.concat([frame, frame[frame["id"] == "2505.19115"]]))


def test_an_arxiv_entry(frame):
    row = row_of(frame, "2505.19115")
    row.update(authors=["Brian Chmiel", "Maxim Fishman", "Ron Banner"], categories=["cs.LG", "cs.AI"])
    entry = parse_one(bibtex.entry(row))
    assert entry.entry_type == "misc"
    assert entry.key == "arXiv:2505.19115"
    fields = {f.key: f.value for f in entry.fields}
    assert fields["eprint"] == "2505.19115"
    assert fields["archivePrefix"] == "arXiv"
    assert fields["primaryClass"] == "cs.LG"
    assert fields["url"] == "https://arxiv.org/abs/2505.19115"
    assert fields["year"] == "2025"
    assert fields["month"] == "may"
    assert fields["author"] == "Brian Chmiel and Maxim Fishman and Ron Banner"
    assert fields["title"] == "{FP4} All the Way: Fully Quantized Training of {LLMs}"
    assert "howpublished" not in fields


def test_an_arxiv_entry_before_enrichment_has_no_author_or_class(frame):
    fields = {f.key: f.value for f in parse_one(bibtex.entry(row_of(frame, "2502.20586"))).fields}
    assert "author" not in fields and "primaryClass" not in fields
    assert fields["eprint"] == "2502.20586"


def test_a_blog_post(frame):
    row = row_of(frame, "inside-vllm-anatomy-of-a-high-throughput-llm")
    fields = {f.key: f.value for f in parse_one(bibtex.entry(row)).fields}
    assert fields["howpublished"] == r"\url{https://www.aleksagordic.com/blog/vllm}"
    assert fields["url"] == "https://www.aleksagordic.com/blog/vllm"
    assert fields["note"] == "Blog post"
    assert fields["title"] == "Inside {vLLM}: Anatomy of a High-Throughput {LLM} Inference System"
    assert not {"eprint", "archivePrefix", "year", "month"} & set(fields)  # undated, not on arXiv


def test_latex_math_in_titles_is_kept(frame):
    fields = {f.key: f.value for f in parse_one(bibtex.entry(row_of(frame, "2104.12369"))).fields}
    assert fields["title"].startswith("{PanGu}-$\\alpha$: Large-scale")
    fields = {f.key: f.value for f in parse_one(bibtex.entry(row_of(frame, "2502.10436"))).fields}
    assert fields["title"].startswith("{MERGE}$^3$: Efficient")


def test_special_characters_in_urls_and_names(frame):
    row = row_of(frame, "inside-vllm-anatomy-of-a-high-throughput-llm")
    row.update(url="https://example.org/a%20b_{c}#part", authors=["Research & Co, Ltd", "Jane Doe"])
    fields = {f.key: f.value for f in parse_one(bibtex.entry(row)).fields}
    assert fields["url"] == "https://example.org/a%20b_%7Bc%7D#part"
    assert fields["howpublished"] == r"\url{https://example.org/a\%20b_\%7Bc\%7D\#part}"
    assert fields["author"] == r"{Research \& Co, Ltd} and Jane Doe"


@settings(max_examples=200, deadline=None)
@given(title=HOSTILE, notes=HOSTILE)
def test_hostile_titles_still_parse_and_stay_balanced(frame, title, notes):
    row = row_of(frame, "2505.19115")
    row.update(title=title or "x", authors=[notes or "A"], tags=["RL"])
    text = bibtex.entry(row)
    entry = parse_one(text)
    assert entry.key == "arXiv:2505.19115"
    fields = {f.key: f.value for f in entry.fields}
    assert fields["eprint"] == "2505.19115"
    assert bibtex_balanced(text)
    for value in fields.values():
        assert bibtex_balanced(value), value
    if "$" not in title and "\\" not in title:
        expected = " ".join((title or "x").replace("\x00", "").replace("\x07", "").split())
        assert decode_title(fields["title"]) == expected
