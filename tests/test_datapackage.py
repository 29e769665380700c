"""data/datapackage.json: Frictionless reads the list with the right types, and refuses what validate refuses."""

from __future__ import annotations

import calendar
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist import datapackage, store
from readinglist.cli import main
from readinglist.schema import COLUMNS, SLUG, is_arxiv_id
from readinglist.topics import load_topics

from .conftest import DATA
from .expected import csv_rows

frictionless = pytest.importorskip("frictionless", reason="frictionless is in requirements-dev.txt")

GOOD = {
    **dict.fromkeys(COLUMNS, ""),
    "id": "2509.17567",
    "title": "LIMI: Less is More for Agency",
    "kind": "paper",
    "url": "https://arxiv.org/abs/2509.17567",
    "arxiv_id": "2509.17567",
    "date": "2025-09",
    "tags": "Data Eng; RL",
    "added": "2025-10-02",
}
BLOG = {**GOOD, "id": "a-post", "title": "A post", "kind": "blog post", "url": "https://example.org/post"}
BLOG.update(arxiv_id="", date="")


def arxiv(entry_id: str) -> dict[str, str]:
    """The cells of an arXiv entry with this id."""
    return {"id": entry_id, "arxiv_id": entry_id, "url": f"https://arxiv.org/abs/{entry_id}"}


# Rows both must accept, besides GOOD: (what, changes to GOOD or BLOG)
ACCEPTED = {
    "a leap day": (BLOG, {"date": "2024-02-29"}),
    "a year 2000 leap day": (BLOG, {"date": "2000-02-29"}),
    "a year only": (BLOG, {"date": "2025"}),
    "an old-style arXiv id": (GOOD, arxiv("hep-th/9901001")),
    "a four-digit id of 2014": (GOOD, arxiv("1412.6980")),
    "two links": (BLOG, {"links": "https://github.com/x/y https://example.org/blog"}),
    "authors and categories": (GOOD, {**arxiv("2510.00001"), "authors": "Ada L.; Alan T.", "categories": "cs.AI"}),
    "no tag": (BLOG, {"tags": ""}),
    "a lost title flagged": (BLOG, {"title": "", "url": "", "review": "needs-title: lost"}),
}
# Rows both must refuse: (what, base, changes, the column validate names)
REFUSED = {
    "no id": (BLOG, {"id": ""}, "id"),
    "an id that is no slug": (BLOG, {"id": "A Post"}, "id"),
    "a repeated id": (BLOG, {"id": GOOD["id"]}, "id"),
    "an unknown kind": (BLOG, {"kind": "essay"}, "kind"),
    "no kind": (BLOG, {"kind": ""}, "kind"),
    "an ftp url": (BLOG, {"url": "ftp://example.org/post"}, "url"),
    "a url with a space": (BLOG, {"url": "https://example.org/a post"}, "url"),
    "a link that is no URL": (BLOG, {"links": "example.org"}, "links"),
    "links separated by two spaces": (BLOG, {"links": "https://a.org  https://b.org"}, "links"),
    "an arXiv id with a version": (GOOD, arxiv("2509.17567v2"), "arxiv_id"),
    "an arXiv id before April 2007": (GOOD, arxiv("0703.1234"), "arxiv_id"),
    "four digits after 2014": (GOOD, arxiv("1501.1234"), "arxiv_id"),
    "an old id with its subject class": (GOOD, arxiv("math.GT/0309136"), "arxiv_id"),
    "month 13": (BLOG, {"date": "2025-13"}, "date"),
    "29 February of a common year": (BLOG, {"date": "2025-02-29"}, "date"),
    "29 February 1900": (BLOG, {"date": "1900-02-29"}, "date"),
    "31 April": (BLOG, {"date": "2025-04-31"}, "date"),
    "a one-digit month": (BLOG, {"date": "2025-9"}, "date"),
    "year 0": (BLOG, {"date": "0000"}, "date"),
    "digits of another script": (BLOG, {"date": "٢٠٢٥"}, "date"),
    "an unknown tag": (BLOG, {"tags": "Quantisation"}, "tags"),
    "tags without the space": (BLOG, {"tags": "RL;Optimizers"}, "tags"),
    "a trailing tag separator": (BLOG, {"tags": "RL; "}, "tags"),
    "authors without the space": (BLOG, {"authors": "Ada;Alan"}, "authors"),
    "an empty author": (BLOG, {"authors": "Ada; ; Alan"}, "authors"),
    "a category in capitals": (GOOD, {**arxiv("2510.00001"), "categories": "CS.LG"}, "categories"),
    "no added day": (BLOG, {"added": ""}, "added"),
    "an added month": (BLOG, {"added": "2025-10"}, "added"),
    "an added day that does not exist": (BLOG, {"added": "2025-02-30"}, "added"),
}
# Rules of validate that relate several cells, or that the Table Schema date type cannot state:
# validate refuses these rows and the data package, by design, accepts them.
VALIDATE_ONLY = {
    "the id of an arXiv entry is not its arXiv id": (GOOD, {**arxiv("2510.00001"), "id": "limi"}, "id"),
    "an arXiv entry's URL is not its abstract page": (
        GOOD,
        {**arxiv("2510.00001"), "url": "https://arxiv.org/pdf/2510.00001"},
        "url",
    ),
    "an empty title not flagged needs-title": (BLOG, {"title": ""}, "title"),
    "an added day without leading zeros (the date type reads it)": (BLOG, {"added": "2025-10-2"}, "added"),
    "a newline after the last tag (Frictionless anchors with $)": (BLOG, {"tags": "RL\n"}, "tags"),
}


@pytest.fixture(scope="module")
def topics():
    return load_topics(DATA / "topics.csv")


def write_list(folder: Path, rows: list[dict[str, str]], topics) -> None:
    """A data folder with ``rows`` as papers.csv, the shipped topics.csv and a fresh data package."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(DATA / "topics.csv", folder / "topics.csv")
    records = [store.Record(i + 2, row) for i, row in enumerate(rows)]
    (folder / "papers.csv").write_bytes(store.serialize(records))
    datapackage.write_datapackage(folder, topics)


def frictionless_errors(folder: Path) -> list[str]:
    report = frictionless.Package(str(folder / datapackage.FILE_NAME)).validate()
    return [f"{e.type}: {e.message}" for task in report.tasks for e in task.errors] + [
        f"{e.type}: {e.message}" for e in report.errors
    ]


def validate_problems(folder: Path, topics) -> list[str]:
    path = folder / "papers.csv"
    return [str(p) for p in store.check_records(store.read_records(path), topics, str(path))]


def rows_for(base: dict[str, str], changes: dict[str, str]) -> list[dict[str, str]]:
    """A list with the changed row after a good one (so a repeated id repeats GOOD's)."""
    other = BLOG if base is GOOD else GOOD
    return [other, {**base, **changes}]


def test_the_shipped_package_is_current_and_frictionless_finds_the_data_valid(topics):
    assert (DATA / datapackage.FILE_NAME).read_text(encoding="utf-8") == datapackage.render(topics)
    assert frictionless_errors(DATA) == []


def test_arxiv_ids_are_read_as_text(topics):
    rows = frictionless.Package(str(DATA / datapackage.FILE_NAME)).get_resource("papers").read_rows()
    expected = {r["id"]: r["arxiv_id"] for r in csv_rows()}
    assert {r["id"]: r["arxiv_id"] or "" for r in rows} == expected
    assert expected["2507.00310"] == "2507.00310"  # not the number 2507.0031
    package = json.loads((DATA / datapackage.FILE_NAME).read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert [f["name"] for f in package["resources"][0]["schema"]["fields"]] == list(COLUMNS)
    assert fields["arxiv_id"]["type"] == "string" and fields["added"]["type"] == "date"
    assert {name: f.get("delimiter") for name, f in fields.items() if "delimiter" in f} == {
        "links": " ",
        "tags": "; ",
        "authors": "; ",
        "categories": " ",
    }
    assert package["resources"][0]["schema"]["primaryKey"] == ["id"]


@pytest.mark.parametrize("case", ["GOOD", *ACCEPTED])
def test_both_accept(case, topics, tmp_path):
    rows = [GOOD, BLOG] if case == "GOOD" else rows_for(*ACCEPTED[case])
    write_list(tmp_path, rows, topics)
    assert validate_problems(tmp_path, topics) == []
    assert frictionless_errors(tmp_path) == []


@pytest.mark.parametrize("case", list(REFUSED))
def test_both_refuse(case, topics, tmp_path):
    base, changes, column = REFUSED[case]
    write_list(tmp_path, rows_for(base, changes), topics)
    problems = validate_problems(tmp_path, topics)
    assert any(f"column '{column}'" in p for p in problems), problems
    assert frictionless_errors(tmp_path), "the data package accepts a row validate refuses"


@pytest.mark.parametrize("case", list(VALIDATE_ONLY))
def test_rules_only_validate_checks(case, topics, tmp_path):
    base, changes, column = VALIDATE_ONLY[case]
    write_list(tmp_path, rows_for(base, changes), topics)
    assert any(f"column '{column}'" in p for p in validate_problems(tmp_path, topics))
    assert frictionless_errors(tmp_path) == []


def test_the_tag_pattern_follows_the_topics_file(data_copy, capsys):
    topics_csv = data_copy / "topics.csv"
    assert main(["datapackage", "--check"]) == 0
    topics_csv.write_text(
        topics_csv.read_text(encoding="utf-8") + 'Robotics,robotics,Robots.,agents,"Agents, retrieval and '
        'applications",Models and applications\n',
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    assert "datapackage.json" in err and "stale" in err and "python -m readinglist datapackage" in err
    assert main(["datapackage", "--check"]) == 1
    assert main(["datapackage"]) == 0
    assert main(["validate"]) == 0
    package = json.loads((data_copy / datapackage.FILE_NAME).read_text(encoding="utf-8"))
    tags = next(f for f in package["resources"][0]["schema"]["fields"] if f["name"] == "tags")
    assert re.fullmatch(tags["constraints"]["pattern"], "RL; Robotics")


def test_a_missing_package_is_reported(data_copy, capsys):
    (data_copy / datapackage.FILE_NAME).unlink()
    assert main(["validate"]) == 1
    assert "datapackage.json" in capsys.readouterr().err


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.-/abhpt١", max_size=16))
def test_the_id_pattern_is_the_id_rule(value):
    pattern = f"{datapackage.ARXIV_ID}|{datapackage.SLUG}"
    assert bool(re.fullmatch(pattern, value)) == (is_arxiv_id(value) or bool(SLUG.fullmatch(value)))


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", fullmatch=True) | st.text("0123456789-١", max_size=10))
def test_the_date_pattern_is_the_date_rule(value):
    assert bool(re.fullmatch(datapackage.DATE, value)) == (store.parse_date(value) is not None)


def test_the_leap_days_of_every_year():
    for year in range(1, 10000):
        assert bool(re.fullmatch(datapackage.DATE, f"{year:04d}-02-29")) == calendar.isleap(year), year
