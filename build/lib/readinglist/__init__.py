"""A reading list of machine-learning papers: its data, charts, book pages and curator CLI.

Importing the package is light (no pandas): a page's cells read their output from the render's cell
store (see :mod:`readinglist.render`). ``load``, ``save`` and ``validate`` come from :mod:`.store`.
"""

from typing import Any

from .schema import COLUMNS, DataError, Problem
from .topics import load_topics

__all__ = ["COLUMNS", "DataError", "Problem", "load", "load_topics", "save", "validate"]


def __getattr__(name: str) -> Any:
    if name in ("load", "save", "validate"):
        from . import store

        return getattr(store, name)
    raise AttributeError(f"module 'readinglist' has no attribute {name!r}")
