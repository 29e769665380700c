"""Loading, validating and saving papers.csv: typed frame, every problem at once, atomic writes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from readinglist import store
from readinglist.cli import main
from readinglist.schema import COLUMNS, DataError

from .conftest import ROOT


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_load_gives_a_typed_frame(data_copy):
    frame = store.load()
    assert list(frame.columns[: len(COLUMNS)]) == list(COLUMNS)
    assert frame["date"].dtype.kind == "M" and frame["added"].dtype.kind == "M"
    assert frame["added"].notna().all()
    assert isinstance(frame.loc[0, "tags"], list)
    assert frame.set_index("id").loc["1610.02132", "arxiv_id"] == "1610.02132"


def test_arxiv_ids_stay_text(data_copy):
    """An id such as 1412.6980 must not become the float 1412.698."""
    path = data_copy / "papers.csv"
    text = path.read_text(encoding="utf-8").replace("1610.02132", "1412.6980")
    path.write_text(text, encoding="utf-8")
    frame = store.load()
    assert "1412.6980" in set(frame["arxiv_id"]) and "1412.6980" in set(frame["id"])


def test_round_trip_is_byte_identical(data_copy):
    path = data_copy / "papers.csv"
    before = path.read_bytes()
    frame = store.load()
    assert store.save(frame) is False  # nothing changed: nothing written
    store.atomic_write(path, store.serialize(store.to_records(frame)))
    assert path.read_bytes() == before


def test_save_writes_an_edit_and_keeps_everything_else(data_copy):
    path = data_copy / "papers.csv"
    frame = store.load()
    frame.loc[frame["id"] == "2509.17567", "notes"] = 'First paragraph.\n\nSecond, with "quotes", commas.'
    assert store.save(frame) is True
    again = store.load()
    pd.testing.assert_frame_equal(again, frame)
    before = [r.values for r in store.read_records(ROOT / "data" / "papers.csv")]
    after = [r.values for r in store.read_records(path)]
    changed = [(b["id"], col) for b, a in zip(before, after, strict=True) for col in COLUMNS if a[col] != b[col]]
    assert changed == [("2509.17567", "notes")]


def test_save_refuses_invalid_data_and_writes_nothing(data_copy):
    path = data_copy / "papers.csv"
    before = digest(path)
    frame = store.load()
    frame.loc[0, "tags"] = ["Quantisation"]
    with pytest.raises(DataError) as err:
        store.save(frame)
    assert "did you mean 'Quantization'" in str(err.value)
    assert digest(path) == before


def test_atomic_write_leaves_the_old_file_when_interrupted(tmp_path, monkeypatch):
    path = tmp_path / "papers.csv"
    path.write_bytes(b"old\n")

    def boom(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        store.atomic_write(path, b"new\n")
    assert path.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["papers.csv"]  # no temporary file left behind


HEADER = ",".join(COLUMNS)
GOOD = "2509.17567,LIMI: Less is More for Agency,paper,https://arxiv.org/abs/2509.17567,,2509.17567,2025-09,RL,,,,,,2025-10-02"


def body(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


BAD_INPUTS = {
    "missing column": (
        body(GOOD).replace(",review", "").replace(",,,,,,", ",,,,,"),
        ["papers.csv:1", "missing review"],
    ),
    "no added day": (body(GOOD.replace(",2025-10-02", ",")), ["papers.csv:2", "column 'added'", "YYYY-MM-DD"]),
    "added day not a real day": (
        body(GOOD.replace(",2025-10-02", ",2025-02-30")),
        ["papers.csv:2", "column 'added'", "'2025-02-30'", "a real calendar date"],
    ),
    "added month only": (body(GOOD.replace(",2025-10-02", ",2025-10")), ["column 'added'", "'2025-10'", "YYYY-MM-DD"]),
    "tags not in the canonical spelling": (
        body(GOOD.replace(",RL,", ",RL;Optimizers,")),
        ["papers.csv:2", "column 'tags'", "'RL;Optimizers'", "separated by '; '", "'RL; Optimizers'"],
    ),
    "links with two spaces": (
        body(GOOD.replace(",,2509.17567,", ",https://a.org  https://b.org,2509.17567,")),
        ["column 'links'", "separated by single spaces", "'https://a.org https://b.org'"],
    ),
    "duplicate id": (body(GOOD, GOOD.replace("LIMI", "Again")), ["papers.csv:3", "column 'id'", "also on line 2"]),
    "malformed arXiv id": (
        body(GOOD.replace("2509.17567", "2509.1756x")),
        ["papers.csv:2", "column 'arxiv_id'", "'2509.1756x'", "an arXiv id without version"],
    ),
    "unknown tag": (body(GOOD.replace(",RL,", ",Quantisation; RL,")), ["column 'tags'", "did you mean 'Quantization'"]),
    "bad date": (body(GOOD.replace("2025-09", "2025-13")), ["papers.csv:2", "column 'date'", "'2025-13'", "YYYY-MM"]),
    "unclosed quote": (body(GOOD, GOOD.replace("LIMI: Less", '"LIMI: Less')), ["papers.csv:3", "unclosed quote"]),
    "truncated file": (body(GOOD)[:-40], ["papers.csv:2", "fields, found"]),
    "empty file": ("", ["papers.csv:1", "the file is empty"]),
    "UTF-8 BOM": ("\ufeff" + body(GOOD), ["papers.csv:1", "byte-order mark"]),
    "CRLF line endings": (body(GOOD).replace("\n", "\r\n"), ["papers.csv:1", "CRLF"]),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_reported_clearly_and_changes_nothing(case, data_copy, capsys):
    text, expected = BAD_INPUTS[case]
    path = data_copy / "papers.csv"
    path.write_bytes(text.encode("utf-8"))
    before = {p.name: digest(p) for p in data_copy.iterdir()}
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    for fragment in expected:
        assert fragment in err, (fragment, err)
    with pytest.raises(DataError):
        store.load()
    assert main(["tags"]) == 1  # every command refuses to work on a bad file
    assert {p.name: digest(p) for p in data_copy.iterdir()} == before


def test_non_utf8_bytes(data_copy, capsys):
    path = data_copy / "papers.csv"
    path.write_bytes(body(GOOD, GOOD.replace("LIMI", "Caf\xe9").replace("2509.17567", "2509.17568")).encode("latin-1"))
    before = digest(path)
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    assert "papers.csv:3" in err and "UTF-8" in err and "\\xe9" in err
    assert digest(path) == before


def test_validate_reports_every_problem_at_once(data_copy, capsys):
    path = data_copy / "papers.csv"
    rows = [GOOD.replace(",RL,", ",Quantisation,"), GOOD.replace("2509.17567", "2509.17568").replace("2025-09", "Sept")]
    path.write_text(body(*rows), encoding="utf-8")
    problems = store.validate()
    assert {(p.line, p.column) for p in problems} == {(2, "tags"), (3, "date")}
    assert main(["validate"]) == 1
    assert "2 problem(s)" in capsys.readouterr().err


def test_validate_passes_on_the_shipped_data(capsys):
    assert main(["--file", str(ROOT / "data" / "papers.csv"), "validate"]) == 0
    assert "59 entries, all valid" in capsys.readouterr().out


def test_tags_counts_entries_per_tag(data_copy, capsys):
    assert main(["tags"]) == 0
    out = dict(line.rsplit(None, 1) for line in capsys.readouterr().out.splitlines())
    frame = store.load()
    assert int(out["RL"]) == sum("RL" in tags for tags in frame["tags"])
    assert int(out["(no tag)"]) == 1


def test_help_runs_as_a_module():
    result = subprocess.run([sys.executable, "-m", "readinglist", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0
    for command in ("validate", "tags", "import"):
        assert command in result.stdout


def test_import_refuses_to_overwrite_the_source_of_truth(data_copy, capsys):
    before = digest(data_copy / "papers.csv")
    assert main(["import"]) == 1
    assert "source of truth" in capsys.readouterr().err
    assert digest(data_copy / "papers.csv") == before
