"""A reading list of machine-learning papers: its data, charts, book pages and curator CLI."""

from .schema import COLUMNS, DataError, Problem
from .store import load, save, validate
from .topics import load_topics

__all__ = ["COLUMNS", "DataError", "Problem", "load", "load_topics", "save", "validate"]
