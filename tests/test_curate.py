"""The curator's commands end to end: add, add-link and enrich against a local Atom server.

Every failure case checks what the curator would: a one-line message on stderr, a non-zero exit,
no request when the command line itself is wrong, and a byte-identical papers.csv.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from readinglist import store
from readinglist.cli import main
from readinglist.schema import COLUMNS

from .atom_server import AtomServer, Reply, make_paper
from .conftest import ROOT

NEW = "2510.01234"  # not in the shipped list
OTHER = "2510.05678"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(path: Path) -> dict[str, dict[str, str]]:
    return {r.values["id"]: r.values for r in store.read_records(path)}


@pytest.fixture
def atom(data_copy, monkeypatch):
    """A local arXiv with the two new papers and every arXiv paper of the shipped list."""
    with AtomServer() as server:
        server.add(make_paper(NEW), make_paper(OTHER, title="Another\n  Paper", published="2025-10-02T09:00:00Z"))
        server.add(make_paper("hep-th/9901001", published="1999-01-04T10:00:00Z", categories=["hep-th"]))
        for rec in store.read_records(data_copy / "papers.csv"):
            aid = rec.values["arxiv_id"]
            if aid:
                server.add(make_paper(aid, published=f"20{aid[:2]}-{aid[2:4]}-11T12:00:00Z"))
        monkeypatch.setenv("READINGLIST_ARXIV_URL", server.url)
        monkeypatch.setenv("READINGLIST_ARXIV_DELAY", "0")
        monkeypatch.setenv("READINGLIST_ARXIV_RETRIES", "1")
        monkeypatch.setenv("READINGLIST_ARXIV_TIMEOUT", "5")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        yield server


# --- add ---------------------------------------------------------------------------------------


def test_add_appends_one_complete_row(atom, data_copy, tmp_path, capsys):
    path = data_copy / "papers.csv"
    before = rows(path)
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"Read section 3 first.  \r\n\r\n\r\nThe ablation in $\\S 5$ is the point.\r\n")
    url = f"https://www.arxiv.org/pdf/{NEW}v1.pdf"
    assert main(["add", url, "--tags", "Data Eng", "RL", "--notes-file", str(notes)]) == 0
    out = capsys.readouterr().out
    assert f"Added 1 entry to {path} (now 60 entries)" in out and f"{NEW}  2025-09-22" in out
    after = rows(path)
    assert {k: v for k, v in after.items() if k != NEW} == before  # every other row as it was
    assert list(after)[-1] == NEW  # appended
    assert after[NEW] == {
        "id": NEW,
        "title": f"Entropy-Preserving Policy Optimization for {NEW}",
        "kind": "paper",
        "url": f"https://arxiv.org/abs/{NEW}",
        "links": "",
        "arxiv_id": NEW,
        "date": "2025-09-22",
        "tags": "Data Eng; RL",
        "authors": "Ada Lovelace; Alan M. Turing; Grace Hopper",
        "categories": "cs.LG cs.AI",
        "abstract": (
            "Large language models trained with reinforcement learning from verifiable rewards often collapse to a "
            "few reasoning patterns. We study the entropy of the policy $\\pi_\\theta(a \\mid s)$ during training "
            "and show that a simple clipping rule keeps exploration alive.\n\nAcross $7$ benchmarks our method "
            "improves pass@$k$ by up to 12\\% while using $\\mathcal{O}(n)$ extra memory. Code: "
            "https://example.org/code."
        ),
        "notes": "Read section 3 first.\n\nThe ablation in $\\S 5$ is the point.",
        "review": "",
        "added": dt.date.today().isoformat(),
    }
    assert atom.requested_ids() == [[NEW]]
    assert store.validate(path) == []


def test_add_several_forms_in_one_request(atom, data_copy, capsys):
    args = ["add", f"arXiv:{OTHER}v2", "https://arxiv.org/abs/hep-th/9901001v1", f"{NEW}", "--tags", "Data Eng; RL"]
    assert main(args) == 0
    assert atom.requested_ids() == [[OTHER, "hep-th/9901001", NEW]]  # one batched request, versionless
    after = list(rows(data_copy / "papers.csv").values())
    assert [r["id"] for r in after[-3:]] == [OTHER, "hep-th/9901001", NEW]  # command-line order
    assert after[-3]["title"] == "Another Paper" and after[-3]["date"] == "2025-10-02"
    assert after[-2]["url"] == "https://arxiv.org/abs/hep-th/9901001" and after[-2]["date"] == "1999-01-04"
    out = capsys.readouterr().out
    assert "Added 3 entries" in out
    # hep-th/9901001v1 was given while arXiv's latest is v2; OTHER was given as its latest, v2
    assert out.count("(you gave") == 1
    assert "(you gave v1; the entry is the paper, described as in its latest version, v2)" in out


REFUSED = {
    "already in the list, other form": (
        ["https://arxiv.org/pdf/2509.17567v2.pdf", "--tags", "RL"],
        ["'https://arxiv.org/pdf/2509.17567v2.pdf'", "a paper not already in the list", "papers.csv:2", "LIMI"],
    ),
    "twice on the command line": (
        [NEW, f"arXiv:{NEW}v3", "--tags", "RL"],
        [f"'arXiv:{NEW}v3'", f"each paper once (the same paper as '{NEW}')"],
    ),
    "unknown tag": ([NEW, "--tags", "RL", "Quantisation"], ["--tags", "'Quantisation'", "did you mean 'Quantization'"]),
    "not an id": ([NEW, "2509.1756x", "--tags", "RL"], ["'2509.1756x'", "an arXiv id or an arxiv.org link"]),
    "not arXiv": (["https://example.org/post", "--tags", "RL"], ["for other links use 'add-link'"]),
    "notes file missing": (
        [NEW, "--tags", "RL", "--notes-file", "/nonexistent/notes.txt"],
        ["--notes-file", "No such"],
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_add_refuses_before_any_request(case, atom, data_copy, capsys):
    args, expected = REFUSED[case]
    before = digest(data_copy / "papers.csv")
    assert main(["add", *args]) == 1
    err = capsys.readouterr().err
    for fragment in expected:
        assert fragment in err, (fragment, err)
    assert "Nothing was changed." in err and "Traceback" not in err
    assert atom.requests == []  # nothing reached the server
    assert digest(data_copy / "papers.csv") == before


def dead_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/api/query"


FAILURES = {
    "HTTP 500 every time": (
        lambda s: setattr(s, "failure", Reply(500, b"Internal Server Error", content_type="text/plain")),
        [NEW],
        ["HTTP 500", "after 2 attempts", NEW, "try again later"],
    ),
    "malformed XML": (
        lambda s: setattr(s, "failure", Reply(200, b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'>")),
        [NEW],
        ["malformed response", "not well-formed XML", "--arxiv-url"],
    ),
    "unknown id": (lambda s: None, [NEW, "2510.99999"], ["arXiv has no paper with id 2510.99999", "typo"]),
    "timeout": (
        lambda s: setattr(s, "delay", 2.0),
        [NEW, "--timeout", "0.3", "--retries", "0"],
        ["no answer within 0.3 s"],
    ),
    "no server": (lambda s: None, [NEW, "--arxiv-url", dead_url()], ["no connection", "Connection refused"]),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_add_failure_is_one_line_and_changes_nothing(case, atom, data_copy, capsys):
    setup, args, expected = FAILURES[case]
    setup(atom)
    before = {p.name: digest(p) for p in data_copy.iterdir()}
    assert main(["add", *args, "--tags", "RL"]) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and lines[0].endswith("Nothing was changed.")
    for fragment in expected:
        assert fragment in lines[0], (fragment, lines[0])
    assert captured.out == ""
    after = {p.name: digest(p) for p in data_copy.iterdir() if not p.name.endswith(".lock")}
    assert after == before


def test_add_retries_after_503(atom, data_copy):
    atom.replies.append(Reply(503, b"Service Unavailable", headers=(("Retry-After", "0"),), content_type="text/plain"))
    assert main(["add", NEW, "--tags", "RL"]) == 0
    assert len(atom.requests) == 2
    assert NEW in rows(data_copy / "papers.csv")


def test_arxiv_url_option_wins_over_the_environment(atom, data_copy, monkeypatch):
    monkeypatch.setenv("READINGLIST_ARXIV_URL", dead_url())
    assert main(["add", NEW, "--tags", "RL", "--arxiv-url", atom.url]) == 0
    assert len(atom.requests) == 1


def test_help_states_the_all_or_nothing_policy():
    for command in ("add", "enrich"):
        result = subprocess.run(
            [sys.executable, "-m", "readinglist", command, "--help"], capture_output=True, text=True, cwd=ROOT
        )
        assert result.returncode == 0
        text = " ".join(result.stdout.split())
        assert "All or nothing: papers.csv is written only if every arXiv request succeeded" in text
        assert "--arxiv-url" in text and "READINGLIST_ARXIV_URL" in text


# --- add-link ----------------------------------------------------------------------------------


def test_add_link_makes_a_readable_unique_id(data_copy, capsys):
    path = data_copy / "papers.csv"
    title = "Inside vLLM: Anatomy of a High-Throughput LLM Inference System"
    args = ["--kind", "blog post", "--date", "2025-09", "--tags", "Inference", "--notes", "Part two."]
    assert main(["add-link", "https://example.org/vllm-2", "--title", title, *args]) == 0
    after = rows(path)
    slug = "inside-vllm-anatomy-of-a-high-throughput-llm-2"  # the plain slug is taken
    assert list(after)[-1] == slug
    assert after[slug] == {
        **dict.fromkeys(COLUMNS, ""),
        "id": slug,
        "title": title,
        "kind": "blog post",
        "url": "https://example.org/vllm-2",
        "date": "2025-09",
        "tags": "Inference",
        "notes": "Part two.",
        "added": dt.date.today().isoformat(),
    }
    assert store.validate(path) == []
    assert slug in capsys.readouterr().out


@pytest.mark.parametrize(
    ("url", "extra", "expected"),
    [
        ("http://aleksagordic.com/blog/vllm/", [], "a link not already in the list (it is papers.csv:"),
        ("https://arxiv.org/abs/2509.17567v1", [], "a link that is not on arXiv (use: add 2509.17567v1)"),
        ("not a url", [], "an http(s) URL"),
        ("https://example.org/x", ["--date", "2025-02-30"], "a date YYYY, YYYY-MM or YYYY-MM-DD"),
        ("https://example.org/x", ["--tags", "Agents"], "'Agents'"),
    ],
)
def test_add_link_refusals(url, extra, expected, data_copy, capsys):
    before = digest(data_copy / "papers.csv")
    args = ["add-link", url, "--title", "A post", "--kind", "blog post", "--tags", "RL", *extra]
    assert main(args) == 1
    assert expected in capsys.readouterr().err
    assert digest(data_copy / "papers.csv") == before


# --- enrich ------------------------------------------------------------------------------------


def test_enrich_fills_only_what_is_empty(atom, data_copy, capsys):
    path = data_copy / "papers.csv"
    frame = store.load(path)
    at = frame.index[frame["id"] == "2509.07558"][0]
    frame.at[at, "date"], frame.at[at, "date_precision"] = frame.at[at, "date"].replace(day=3), "day"
    at2 = frame.index[frame["id"] == "2509.02046"][0]
    frame.at[at2, "authors"] = ["Curator Chosen"]
    store.save(frame, path)
    before = rows(path)
    assert main(["enrich"]) == 0
    after = rows(path)
    assert list(after) == list(before)
    arxiv_ids = [i for i, v in before.items() if v["arxiv_id"]]
    assert atom.requested_ids() == [arxiv_ids]  # 55 ids: one request
    for entry_id, old in before.items():
        new = after[entry_id]
        for col in ("id", "title", "kind", "url", "links", "arxiv_id", "tags", "notes", "review", "added"):
            assert new[col] == old[col], (entry_id, col)
        if not old["arxiv_id"]:
            assert new == old
            continue
        if old["abstract"]:
            assert new["abstract"] == old["abstract"]  # never replaced, even though arXiv's differs
        else:
            assert new["abstract"].startswith("Large language models trained with reinforcement learning")
        assert new["authors"] == (old["authors"] or "Ada Lovelace; Alan M. Turing; Grace Hopper")
        assert new["categories"] == "cs.LG cs.AI"
        assert len(new["date"]) == 10 and new["date"].startswith(old["date"])
    assert after["2509.07558"]["date"] == "2025-09-03"  # an exact date is never replaced
    assert after["2509.02046"]["authors"] == "Curator Chosen"
    captured = capsys.readouterr()
    assert f"Enriched {len(arxiv_ids)} entries of {path}" in captured.out
    assert "arXiv:" in captured.err  # the progress bar
    assert store.validate(path) == []
    assert main(["enrich"]) == 0  # a second run has nothing left to ask arXiv
    assert "Nothing to enrich" in capsys.readouterr().out and len(atom.requests) == 1


def test_enrich_keeps_a_date_that_disagrees(atom, data_copy, capsys):
    atom.add(make_paper("2509.17567", published="2025-08-31T23:00:00Z"))
    assert main(["enrich", "--ids", "https://arxiv.org/abs/2509.17567"]) == 0
    assert rows(data_copy / "papers.csv")["2509.17567"]["date"] == "2025-09"
    assert "date kept as 2025-09 (arXiv's submission day is 2025-08-31)" in capsys.readouterr().out


def test_enrich_dry_run_writes_nothing(atom, data_copy, capsys):
    before = {p.name: digest(p) for p in data_copy.iterdir()}
    assert main(["enrich", "--dry-run", "--ids", "2509.17567", "arXiv:2509.07558v1"]) == 0
    out = capsys.readouterr().out
    assert f"Would enrich 2 entries of {data_copy / 'papers.csv'}" in out
    assert (
        "2509.17567: authors (3), date 2025-09 -> 2025-09-11, categories cs.LG cs.AI" in out
        and "Dry run: nothing was written." in out
    )
    assert atom.requested_ids() == [["2509.17567", "2509.07558"]]
    assert {p.name: digest(p) for p in data_copy.iterdir()} == before  # not even a lock file


def test_enrich_refuses_ids_outside_the_list_before_any_request(atom, data_copy, capsys):
    assert main(["enrich", "--ids", "2509.17567", NEW, "inside-vllm"]) == 1
    err = capsys.readouterr().err
    assert f"--ids: value '{NEW}': expected the id of an arXiv entry of the list" in err
    assert "--ids: value 'inside-vllm': expected an arXiv id" in err
    assert atom.requests == []


def test_an_old_style_id_with_subject_class_is_the_same_paper(atom, data_copy, capsys):
    path = data_copy / "papers.csv"
    text = path.read_text(encoding="utf-8")
    line = text.count("\n") + 1  # the file line of the new row (abstracts span several lines)
    with_class = "math.GT/0309136,Knots,paper,https://arxiv.org/abs/math.GT/0309136,,math.GT/0309136,2003-09,Application,,,,,,2025-10-02\n"
    path.write_text(text + with_class, encoding="utf-8")
    assert main(["validate"]) == 1  # the list keeps the form arXiv answers with
    assert "the canonical form 'math/0309136'" in capsys.readouterr().err
    old = "math/0309136"
    path.write_text(text + with_class.replace("math.GT/", "math/"), encoding="utf-8")
    atom.add(make_paper(old, published="2003-09-10T00:00:00Z", categories=["math.GT"]))
    assert main(["add", "arXiv:math.GT/0309136v1", "--tags", "Application"]) == 1
    err = capsys.readouterr().err
    assert f"a paper not already in the list (math/0309136 is papers.csv:{line}, 'Knots')" in err
    assert main(["enrich", "--ids", old]) == 0
    assert atom.requested_ids() == [["math/0309136"]]
    enriched = rows(path)[old]
    assert (enriched["date"], enriched["categories"], enriched["title"]) == ("2003-09-10", "math.GT", "Knots")


def write_big_list(path: Path, n: int) -> list[str]:
    """A valid list of ``n`` arXiv entries with nothing enriched yet."""
    header = ",".join(COLUMNS)
    ids = [f"2509.{i:05d}" for i in range(1, n + 1)]
    lines = [f"{i},Paper {i},paper,https://arxiv.org/abs/{i},,{i},2025-09,RL,,,,,,2025-10-02" for i in ids]
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return ids


def test_enrich_batches_and_is_all_or_nothing(atom, data_copy, capsys):
    path = data_copy / "papers.csv"
    ids = write_big_list(path, 150)
    atom.add(*(make_paper(i) for i in ids[:149]))  # the last one is unknown to arXiv
    before = digest(path)
    assert main(["enrich"]) == 1
    err = capsys.readouterr().err
    assert "arXiv has no paper with id 2509.00150 (papers.csv:151)" in err and "--ids" in err
    assert [len(b) for b in atom.requested_ids()] == [100, 50]
    assert digest(path) == before  # the first batch's answers were not written
    atom.add(make_paper(ids[-1]))
    assert main(["enrich"]) == 0
    assert all(v["authors"] for v in rows(path).values())


# --- several processes -------------------------------------------------------------------------


def cli_env(atom: AtomServer) -> dict[str, str]:
    return {**os.environ, "READINGLIST_ARXIV_URL": atom.url, "PYTHONPATH": str(ROOT)}


@pytest.mark.timeout(120)
def test_two_adds_at_once_both_land(atom, data_copy):
    """Both requests are held until both are in flight, so the two writes race; the lock serialises them."""
    atom.barrier = threading.Barrier(2)
    atom.delay = 0.3
    commands = [[sys.executable, "-m", "readinglist", "add", paper, "--tags", "RL"] for paper in (NEW, OTHER)]
    procs = [
        subprocess.Popen(c, env=cli_env(atom), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for c in commands
    ]
    results = [(p.wait(timeout=60), p.stderr.read().decode()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert [code for code, _ in results] == [0, 0], results
    frame = store.load(data_copy / "papers.csv")
    assert len(frame) == 61 and {NEW, OTHER} <= set(frame["id"])
    assert len(atom.requests) == 2


# A real process whose write stops halfway: store.atomic_write writes the new file through
# os.fdopen(...).write(data); this wrapper makes that write put the first half of the bytes on
# disk (flushed and fsynced), report the temporary file, then sleep until the test signals it.
PAUSE_MID_WRITE = r"""
import os, signal, sys, time
from pathlib import Path

signal.signal(signal.SIGINT, signal.default_int_handler)  # a terminal's Ctrl-C, even if started ignored
marker = Path(sys.argv[1])
real_fdopen = os.fdopen


class HalfThenPause:
    def __init__(self, fh, target):
        self.fh, self.target = fh, target

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.fh.__exit__(*exc)

    def __getattr__(self, name):
        return getattr(self.fh, name)

    def write(self, data):
        half = len(data) // 2
        self.fh.write(data[:half])
        self.fh.flush()
        os.fsync(self.fh.fileno())
        Path(str(marker) + ".part").write_text(f"{self.target}\n{half}\n{len(data)}\n")
        os.replace(str(marker) + ".part", marker)
        time.sleep(60)
        return half + self.fh.write(data[half:])


def fdopen(fd, mode="r", *args, **kwargs):
    fh = real_fdopen(fd, mode, *args, **kwargs)
    target = os.readlink(f"/proc/self/fd/{fd}")
    return HalfThenPause(fh, target) if "w" in mode and target.endswith(".tmp") else fh


os.fdopen = fdopen
from readinglist.cli import main

sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.timeout(120)
@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc to see the temporary file")
@pytest.mark.parametrize("how", ["SIGINT", "SIGKILL"])
def test_interrupted_write_leaves_the_old_file(how, atom, data_copy, tmp_path, capsys):
    path = data_copy / "papers.csv"
    before = path.read_bytes()
    marker = tmp_path / "paused"
    command = [sys.executable, "-c", PAUSE_MID_WRITE, str(marker), "add", NEW, "--tags", "RL"]
    proc = subprocess.Popen(command, env=cli_env(atom), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the write never started"
            time.sleep(0.02)
        temp, half, total = marker.read_text().split()
        temp = Path(temp)
        # The middle of the write: half of the new file is on disk, the old file is untouched.
        assert temp.parent == data_copy and temp.stat().st_size == int(half) < int(total)
        assert path.read_bytes() == before
        proc.send_signal(signal.SIGINT if how == "SIGINT" else signal.SIGKILL)
        code = proc.wait(timeout=20)
        err = proc.stderr.read().decode()
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert path.read_bytes() == before
    assert store.validate(path) == []
    if how == "SIGINT":
        assert code == 130 and "Interrupted" in err and "Traceback" not in err
        assert not temp.exists()  # cleaned up on the way out
    else:
        assert code == -signal.SIGKILL
        assert temp.exists()  # nobody could clean up; the list ignores it
    # The lock died with the process: the next command works at once.
    assert main(["add", NEW, "--tags", "RL"]) == 0
    assert NEW in rows(path)
    capsys.readouterr()
