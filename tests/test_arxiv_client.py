"""The arXiv client against a local Atom server: ids, clean text, batching, paging, retries, errors."""

from __future__ import annotations

import datetime as dt
import socket

import pytest

from readinglist.arxiv_client import (
    ArxivError,
    ArxivIdError,
    ArxivRef,
    ArxivSettings,
    UnknownIdsError,
    clean_paragraphs,
    fetch_papers,
    parse_arxiv_ref,
    retry_wait,
)

from .atom_server import AtomServer, Reply, error_feed, make_paper

ID_FORMS = {
    "2509.17567": ArxivRef("2509.17567"),
    "  2509.17567\n": ArxivRef("2509.17567"),
    "2509.17567v2": ArxivRef("2509.17567", 2),
    "arXiv:2509.17567": ArxivRef("2509.17567"),
    "arxiv: 2509.17567v12": ArxivRef("2509.17567", 12),
    "ARXIV:2509.17567": ArxivRef("2509.17567"),
    "arxiv.org/abs/2509.17567": ArxivRef("2509.17567"),
    "https://arxiv.org/abs/2509.17567v3": ArxivRef("2509.17567", 3),
    "http://export.arxiv.org/abs/2509.17567": ArxivRef("2509.17567"),
    "https://www.arxiv.org/pdf/2509.17567v1.pdf": ArxivRef("2509.17567", 1),
    "https://arxiv.org/pdf/2509.17567": ArxivRef("2509.17567"),
    "https://arxiv.org/html/2509.17567v2/": ArxivRef("2509.17567", 2),
    "https://arxiv.org/abs/2509.17567?context=cs.LG#S2": ArxivRef("2509.17567"),
    "0704.0001": ArxivRef("0704.0001"),
    "1412.6980v9": ArxivRef("1412.6980", 9),
    "hep-th/9901001": ArxivRef("hep-th/9901001"),
    "hep-th/9901001v1": ArxivRef("hep-th/9901001", 1),
    "arXiv:hep-th/9901001": ArxivRef("hep-th/9901001"),
    "https://arxiv.org/abs/hep-th/9901001v2": ArxivRef("hep-th/9901001", 2),
    "https://arxiv.org/pdf/cond-mat/0102536v1.pdf": ArxivRef("cond-mat/0102536", 1),
    "math.GT/0309136": ArxivRef("math/0309136"),  # arXiv answers with the archive only
}


@pytest.mark.parametrize("text", list(ID_FORMS))
def test_every_id_form_parses(text):
    assert parse_arxiv_ref(text) == ID_FORMS[text]


NOT_IDS = {
    "2509.1756": "an arXiv id",
    "2513.17567": "an arXiv id",  # month 13
    "1412.16980": "an arXiv id",  # five digits before 2015
    "2509.17567v0": "an arXiv id",
    "hep-th/99010011": "an arXiv id",
    "LIMI: Less is More": "an arXiv id",
    "": "an arXiv id",
    "https://example.org/abs/2509.17567": "for other links use 'add-link'",
    "https://arxiv.org/list/cs.LG/recent": "a link to a paper on arxiv.org",
    "ftp://arxiv.org/abs/2509.17567": "for other links use 'add-link'",
}


@pytest.mark.parametrize("text", list(NOT_IDS))
def test_other_text_is_refused_with_what_was_expected(text):
    with pytest.raises(ArxivIdError) as err:
        parse_arxiv_ref(text)
    assert NOT_IDS[text] in err.value.expected
    assert repr(text) in str(err.value)


def test_wrapped_text_is_unwrapped_into_paragraphs_and_latex_is_kept():
    wrapped = (
        "  We bound $\\|x\\|_2 \\le\n1$ for every\n  \tsolution.\r\n"
        "This line was wrapped.\n\n\nThird paragraph with\n$\\frac{a}{b}$.\n"
    )
    assert clean_paragraphs(wrapped) == (
        "We bound $\\|x\\|_2 \\le 1$ for every\n\n"
        "solution. This line was wrapped.\n\n"
        "Third paragraph with $\\frac{a}{b}$."
    )
    assert clean_paragraphs("") == ""


def test_settings_come_from_options_then_environment_then_defaults():
    env = {"READINGLIST_ARXIV_URL": "http://env.example/api", "READINGLIST_ARXIV_DELAY": "0.5"}
    assert ArxivSettings.resolve(env={}) == ArxivSettings()
    assert ArxivSettings().delay == 3.0 and ArxivSettings().batch_size == 100
    from_env = ArxivSettings.resolve(env=env)
    assert (from_env.url, from_env.delay, from_env.retries) == ("http://env.example/api", 0.5, 3)
    explicit = ArxivSettings.resolve(url="http://option.example/api", delay=0, retries=1, env=env)
    assert (explicit.url, explicit.delay, explicit.retries) == ("http://option.example/api", 0, 1)
    with pytest.raises(ArxivError, match="READINGLIST_ARXIV_RETRIES='two' is not a whole number"):
        ArxivSettings.resolve(env={"READINGLIST_ARXIV_RETRIES": "two"})
    with pytest.raises(ArxivError, match="not an http"):
        ArxivSettings.resolve(url="export.arxiv.org/api/query", env={})


def test_retry_waits_double_and_honour_retry_after():
    assert [retry_wait(a, 3.0) for a in range(3)] == [3.0, 6.0, 12.0]
    assert retry_wait(0, 3.0, "20") == 20.0
    assert retry_wait(2, 3.0, "5") == 12.0
    assert retry_wait(0, 3.0, "86400") == 120.0
    assert retry_wait(0, 3.0, "Wed, 21 Oct 2015 07:28:00 GMT") == 3.0


@pytest.fixture
def atom(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with AtomServer() as server:
        yield server


def settings(server: AtomServer, **kw) -> ArxivSettings:
    values = {"url": server.url, "delay": 0.0, "retries": 2, "timeout": 5.0}
    values.update(kw)
    return ArxivSettings.resolve(**values, env={})


def test_fetch_maps_every_field(atom):
    atom.add(
        make_paper(
            "2509.17567",
            title="LIMI: Less is More\n   for Agency",
            authors=["Yang  Xiao", "Mohan Jiang"],
            categories=["cs.AI", "cs.CL", "cs.LG", "68T05"],
            primary_category="cs.CL",
            published="2025-09-22T23:59:59Z",
            version=3,
        )
    )
    papers = fetch_papers(["2509.17567"], settings(atom))
    paper = papers["2509.17567"]
    assert paper.title == "LIMI: Less is More for Agency"
    assert paper.abstract.startswith(
        "Large language models trained with reinforcement learning from verifiable rewards often"
    )
    assert "\n\nAcross $7$ benchmarks" in paper.abstract and "$\\pi_\\theta(a \\mid s)$" in paper.abstract
    assert paper.authors == ("Yang Xiao", "Mohan Jiang")
    assert paper.submitted == dt.date(2025, 9, 22)
    assert paper.categories == ("cs.CL", "cs.AI", "cs.LG")  # primary first; MSC class 68T05 dropped
    assert paper.version == 3 and paper.pdf_url == "https://arxiv.org/pdf/2509.17567v3"
    assert atom.requested_ids() == [["2509.17567"]]


def test_old_style_ids_round_trip(atom):
    atom.add(make_paper("hep-th/9901001", published="1999-01-04T10:00:00Z", categories=["hep-th"]))
    paper = fetch_papers(["hep-th/9901001"], settings(atom))["hep-th/9901001"]
    assert (paper.submitted, paper.categories) == (dt.date(1999, 1, 4), ("hep-th",))


def test_ids_are_batched_by_one_hundred_and_spaced(atom):
    ids = [f"2509.{n:05d}" for n in range(1, 251)]
    atom.add(*(make_paper(i) for i in ids))
    papers = fetch_papers(ids, settings(atom, delay=0.1))
    assert sorted(papers) == ids
    assert [len(batch) for batch in atom.requested_ids()] == [100, 100, 50]
    gaps = [b.time - a.time for a, b in zip(atom.requests, atom.requests[1:], strict=False)]
    assert all(gap >= 0.09 for gap in gaps), gaps


def test_a_batch_answered_in_several_pages_is_complete(atom):
    ids = [f"2509.{n:05d}" for n in range(1, 101)]
    atom.add(*(make_paper(i) for i in ids))
    atom.page_limit = 40  # the API may answer with fewer entries than asked; the client pages on
    papers = fetch_papers(ids, settings(atom))
    assert sorted(papers) == ids
    assert [(r.start, len(r.ids)) for r in atom.requests] == [(0, 100), (40, 100), (80, 100)]


def test_503_then_success(atom):
    atom.add(make_paper("2509.17567"))
    atom.replies.append(Reply(503, b"Service Unavailable", content_type="text/plain"))
    assert list(fetch_papers(["2509.17567"], settings(atom))) == ["2509.17567"]
    assert len(atom.requests) == 2


def test_500_every_time_gives_up_with_backoff(atom):
    atom.add(make_paper("2509.17567"))
    atom.failure = Reply(500, b"<html><body>Internal Server Error</body></html>", content_type="text/html")
    with pytest.raises(ArxivError) as err:
        fetch_papers(["2509.17567"], settings(atom, delay=0.05, retries=2))
    message = str(err.value)
    assert "\n" not in message
    for fragment in ("2509.17567", atom.url, "after 3 attempts", "HTTP 500", "try again later"):
        assert fragment in message
    times = [r.time for r in atom.requests]
    assert len(times) == 3
    assert times[1] - times[0] >= 0.05 and times[2] - times[1] >= 0.1  # delay * 2**attempt


def test_an_arxiv_error_answer_is_not_retried(atom):
    atom.failure = Reply(400, error_feed("incorrect id format for 2509.17567"))
    with pytest.raises(ArxivError, match=r"HTTP 400: incorrect id format for 2509\.17567; check the endpoint"):
        fetch_papers(["2509.17567"], settings(atom))
    assert len(atom.requests) == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry><id>http://arxiv.org/abs/2", "XML"),
        (b"<html><body>Rate exceeded.</body></html>", "not an Atom feed"),
        (b"", "an empty body"),
    ],
)
def test_malformed_answers_fail_clearly(atom, body, expected):
    atom.add(make_paper("2509.17567"))
    atom.failure = Reply(200, body)
    with pytest.raises(ArxivError) as err:
        fetch_papers(["2509.17567"], settings(atom, retries=1))
    assert "malformed response" in str(err.value) and expected in str(err.value)
    assert "Atom format" in str(err.value)
    assert len(atom.requests) == 2  # a truncated answer is worth one more try


def test_an_unknown_id_is_named(atom):
    atom.add(make_paper("2509.17567"))
    with pytest.raises(UnknownIdsError) as err:
        fetch_papers(["2509.17567", "2509.99999"], settings(atom))
    assert err.value.missing == ["2509.99999"]
    assert "arXiv has no paper with id 2509.99999 (1 of 2 ids asked for)" in str(err.value)
    assert len(atom.requests) == 1


def test_a_versioned_entry_is_stored_without_its_version(atom):
    atom.add(make_paper("2509.17567", version=4))
    paper = fetch_papers(["2509.17567"], settings(atom))["2509.17567"]
    assert (paper.arxiv_id, paper.version) == ("2509.17567", 4)


def test_a_slow_server_times_out(atom):
    atom.add(make_paper("2509.17567"))
    atom.delay = 1.0
    with pytest.raises(ArxivError, match=r"failed on the first attempt: no answer within 0\.2 s"):
        fetch_papers(["2509.17567"], settings(atom, timeout=0.2, retries=0))


def test_no_server_at_all():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before the request: nothing listens there
    url = f"http://127.0.0.1:{port}/api/query"
    with pytest.raises(ArxivError, match=r"no connection \(\[Errno \d+\] Connection refused\)"):
        fetch_papers(["2509.17567"], ArxivSettings.resolve(url=url, delay=0, retries=1, env={}))


def test_a_failing_second_batch_returns_nothing(atom):
    ids = [f"2509.{n:05d}" for n in range(1, 151)]
    atom.add(*(make_paper(i) for i in ids))
    atom.failure, atom.failure_after = Reply(502, b"Bad Gateway"), 1
    with pytest.raises(
        ArxivError, match=r"2509\.00101, 2509\.00102, 2509\.00103, 2509\.00104, 2509\.00105 and 45 more"
    ):
        fetch_papers(ids, settings(atom, retries=1))
    assert [len(b) for b in atom.requested_ids()] == [100, 50, 50]
