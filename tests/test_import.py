"""The import from the curator's export loses nothing, and the shipped CSV is what it produced."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from readinglist import store
from readinglist.cli import main
from readinglist.importer import EXPORT_ADDED, LIST_HEADING, import_export, split_export
from readinglist.schema import NEEDS_TITLE
from readinglist.topics import load_topics

from .conftest import DATA, ROOT

EXPORT = DATA / "export.txt"


@pytest.fixture(scope="module")
def frame():
    return store.load(DATA / "papers.csv", load_topics(DATA / "topics.csv"))


def export_lines() -> list[str]:
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    return lines[lines.index(LIST_HEADING) + 1 :]


def test_the_shipped_csv_is_the_import_of_the_export():
    """papers.csv was produced by the import (the curator's later edits would show up here)."""
    topics = load_topics(DATA / "topics.csv")
    _, records = import_export(EXPORT, topics.tags)
    assert store.serialize(records) == (DATA / "papers.csv").read_bytes()


def test_fifty_nine_entries_in_the_curators_order(frame):
    titles = [
        line
        for i, line in enumerate(export_lines())
        if line
        and i + 2 < len(export_lines())
        and not export_lines()[i + 1]
        and export_lines()[i + 2].startswith("http")
    ]
    assert len(frame) == 59
    assert [t for t in frame["title"] if t in titles] == titles
    assert len(titles) == 55  # four entries lost their title in the export


def test_every_line_of_the_export_is_in_the_csv(frame):
    """Every title, URL, abstract paragraph, note paragraph and tag line is found in the CSV."""
    markers = {"Abstract", "Notes", "Paper preview", ""}
    text_cells = "\n".join(frame["title"]) + "\n".join(frame["abstract"]) + "\n".join(frame["notes"])
    arxiv_ids = set(frame["arxiv_id"])
    urls = set(frame["url"]) | {u for links in frame["links"] for u in links}
    tag_lines = {" ".join(tags) for tags in frame["tags"]}
    for line in export_lines():
        line = line.strip()
        if line in markers:
            continue
        if line.startswith("http"):
            for url in line.split():
                found = re.search(r"arxiv\.org/(?:abs|pdf)/([\d.]+)", url)
                assert (found and found.group(1) in arxiv_ids) or url in urls, url
        elif line in tag_lines:
            continue
        else:
            assert line in text_cells, line[:80]


def test_paragraphs_latex_and_unicode_survive(frame):
    by_id = frame.set_index("id")
    assert by_id.loc["1610.02132", "abstract"].count("\n\n") >= 2  # QSGD: several paragraphs
    assert sum(a.count("\n\n") > 0 for a in frame["abstract"]) == 3
    assert by_id.loc["2502.10436", "title"].startswith("MERGE$^3$")
    assert by_id.loc["2104.12369", "title"].startswith("PanGu-$\\alpha$")
    assert any("\\emph{model collapse}" in a for a in frame["abstract"])
    assert "μP" in by_id.loc["2404.05728", "title"]
    assert "’" in by_id.loc["things-im-learning-while-training-superhot", "title"]


def test_irregular_entries(frame):
    by_id = frame.set_index("id")
    assert by_id.loc["2506.06832", "tags"] == []  # Cross-Entropy Games has no tag
    assert by_id.loc["2508.21038", "url"] == "https://arxiv.org/abs/2508.21038"  # was www.arxiv.org/pdf
    assert by_id.loc["2508.10975", "links"] == ["https://blog.datologyai.com/beyondweb/"]
    vllm = by_id.loc["inside-vllm-anatomy-of-a-high-throughput-llm"]
    assert (vllm["kind"], vllm["abstract"], vllm["arxiv_id"]) == ("blog post", "", "")
    assert vllm["notes"].startswith("This is the best introduction to vLLM")


def test_lost_titles_are_identified_or_flagged(frame):
    by_id = frame.set_index("id")
    for ident, title in [
        ("2509.01322", "LongCat-Flash Technical Report"),
        ("2509.05209", "Hunyuan-MT Technical Report"),
    ]:
        row = by_id.loc[ident]
        assert row["title"] == title and row["kind"] == "technical report"
        assert row["review"].startswith("identified-from-notes")
        assert row["authors"] == [] and row["abstract"] == ""  # nothing invented
    forum = by_id.loc["async-tensor-parallelism-pytorch"]
    assert forum["kind"] == "forum post" and forum["url"].startswith("https://discuss.pytorch.org/t/")
    assert forum["date"].strftime("%Y-%m") == "2024-09"
    unknown = frame[frame["review"].str.startswith(NEEDS_TITLE)]
    assert len(unknown) == 1
    row = unknown.iloc[0]
    assert row["title"] == "" and row["url"] == "" and row["tags"] == ["Finetuning", "RL"]
    assert row["notes"] == "This one is really short, if you're interested in RL you should just read it."


def test_dates_come_from_arxiv_ids(frame):
    arxiv = frame[frame["arxiv_id"] != ""]
    assert (arxiv["date"].dt.strftime("%y%m") == arxiv["arxiv_id"].str[:4]).all()
    assert (arxiv["date_precision"] == "month").all()


def test_introduction_is_kept():
    intro, _ = split_export(EXPORT.read_text(encoding="utf-8"), load_topics(DATA / "topics.csv").tags)
    assert (DATA / "introduction.md").read_text(encoding="utf-8") == intro + "\n"
    assert "highlighted in green" in intro


def test_all_nineteen_tags_of_the_export_are_topics(frame):
    topics = load_topics(DATA / "topics.csv")
    used = {t for tags in frame["tags"] for t in tags}
    assert used == set(topics.tags) and len(used) == 19


def test_imported_entries_are_added_the_day_the_import_was_committed(frame):
    """The export has no dates: every imported entry carries the day papers.csv was first committed."""
    assert set(frame["added"].dt.strftime("%Y-%m-%d")) == {EXPORT_ADDED}
    git = ["git", "-C", str(ROOT)]
    probe = subprocess.run([*git, "rev-parse", "--is-shallow-repository"], capture_output=True, text=True)
    if shutil.which("git") is None or probe.returncode != 0 or probe.stdout.strip() != "false":
        pytest.skip("needs the project's full git history (not a git checkout, or a shallow clone)")
    log = subprocess.run(
        [*git, "log", "--diff-filter=A", "--format=%ad", "--date=short", "--", "data/papers.csv"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert log.stdout.split()[-1] == EXPORT_ADDED


def test_import_records_the_added_day_given(data_copy, capsys):
    target = data_copy / "papers.csv"
    assert main(["import", "--force", "--added", "2026-12-01"]) == 0
    assert set(store.load(target)["added"].dt.strftime("%Y-%m-%d")) == {"2026-12-01"}
    before = target.read_bytes()
    assert main(["import", "--force", "--added", "2026-12"]) == 1
    assert "column 'added'" in capsys.readouterr().err
    assert target.read_bytes() == before
