"""Shared fixtures: a private copy of the data folder for every test that writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of data/ in a temporary folder, used by the package through $READINGLIST_DATA."""
    target = tmp_path / "data"
    target.mkdir()
    for name in ("papers.csv", "topics.csv", "introduction.md", "export.txt"):
        shutil.copy2(DATA / name, target / name)
    monkeypatch.setenv("READINGLIST_DATA", str(target))
    return target
