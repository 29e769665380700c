"""Where the project is: its root folder, data folder, cache and site address.

The root is the project's, never the package's install location, so two checkouts sharing one
environment, or a non-editable install, each read and write their own files:

1. ``$QUARTO_PROJECT_DIR``, set by Quarto for the pre-render step;
2. otherwise the working directory or the nearest parent holding ``_quarto.yml`` (Quarto runs each
   page's cells in the page's folder, so ``chapters/`` finds the project above it).

``$READINGLIST_DATA`` overrides the data folder and ``$READINGLIST_CACHE`` the cache folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

CONFIG = "_quarto.yml"


class ProjectNotFound(RuntimeError):
    """Raised when no folder from the working directory up holds ``_quarto.yml``."""


def find_root(start: str | Path | None = None) -> Path | None:
    """The nearest folder from ``start`` (default: the working directory) up holding ``_quarto.yml``."""
    here = Path(start or Path.cwd()).resolve()
    return next((folder for folder in (here, *here.parents) if (folder / CONFIG).is_file()), None)


def root() -> Path:
    """The project's root folder (see the module docstring); raise :class:`ProjectNotFound`."""
    quarto_dir = os.environ.get("QUARTO_PROJECT_DIR")
    if quarto_dir:
        return Path(quarto_dir).resolve()
    found = find_root()
    if found is None:
        raise ProjectNotFound(
            f"no {CONFIG} in {Path.cwd()} or any folder above it: run this from inside the reading-list "
            "project, or set READINGLIST_DATA to its data folder"
        )
    return found


def data_dir() -> Path:
    """The data folder: ``$READINGLIST_DATA`` if set, else ``data/`` of the project."""
    override = os.environ.get("READINGLIST_DATA")
    return Path(override) if override else root() / "data"


def cache_dir() -> Path:
    """Where computed results are kept between renders: ``$READINGLIST_CACHE`` or ``.cache/``."""
    override = os.environ.get("READINGLIST_CACHE")
    return Path(override) if override else root() / ".cache"


def site_url(project: Path | None = None) -> str:
    """The book's ``site-url`` from ``_quarto.yml``, without a trailing slash ("" when unset)."""
    text = ((project or root()) / CONFIG).read_text(encoding="utf-8")
    match = re.search(r"^\s*site-url:\s*(\S+)", text, re.M)
    return match.group(1).strip("\"'").rstrip("/") if match else ""
