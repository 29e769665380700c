"""Shared fixtures: a private copy of the data folder for every test that writes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs a fixed set of examples (HYPOTHESIS_PROFILE=ci in .ci/run), so a landing run is
# reproducible; local runs draw new examples every time.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of data/ in a temporary folder, used by the package through $READINGLIST_DATA."""
    target = tmp_path / "data"
    target.mkdir()
    for name in ("papers.csv", "topics.csv", "introduction.md", "export.txt", "datapackage.json", "feed.toml"):
        shutil.copy2(DATA / name, target / name)
    monkeypatch.setenv("READINGLIST_DATA", str(target))
    return target


@pytest.fixture(scope="session")
def rendered_book() -> Path:
    """_book/ rendered by `quarto render` (once per session) where quarto is on PATH; otherwise an
    existing _book/; otherwise the test is skipped, saying why."""
    quarto = shutil.which("quarto")
    if quarto is None:
        if (ROOT / "_book" / "index.html").exists():
            return ROOT / "_book"
        pytest.skip("quarto is not on PATH and there is no _book/ (render the book to run this test)")
    env = os.environ | {"QUARTO_PYTHON": sys.executable}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    result = subprocess.run([quarto, "render"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-4000:]
    return ROOT / "_book"
