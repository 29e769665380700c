"""Selections and orderings of the loaded list that every output shares (pages, listing, feed, BibTeX)."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd


def newest_first(frame: pd.DataFrame) -> pd.DataFrame:
    """Entries by date, newest first; undated last; ties keep the curator's order."""
    return (
        frame.assign(_order=range(len(frame)))
        .sort_values(["date", "_order"], ascending=[False, True], na_position="last", kind="stable")
        .drop(columns="_order")
    )


def recently_added(frame: pd.DataFrame) -> pd.DataFrame:
    """Entries by the day they were added, newest first; entries of one day newest row first (``add``
    appends, so a later row was added later)."""
    return (
        frame.assign(_order=range(len(frame)))
        .sort_values(["added", "_order"], ascending=[False, False], na_position="last", kind="stable")
        .drop(columns="_order")
    )


def has_tags(frame: pd.DataFrame, tags: tuple[str, ...] | list[str]) -> pd.Series:
    """Mask of the entries carrying any of ``tags``."""
    lists = frame["tags"].tolist()
    owner = np.repeat(np.arange(len(lists)), [len(ts) for ts in lists])
    hits = pd.Series([t for ts in lists for t in ts], dtype=object).isin(list(tags)).to_numpy()
    mask = np.zeros(len(lists), dtype=bool)
    mask[owner[hits]] = True
    return pd.Series(mask, index=frame.index, name="tags")


def columns_hash(columns: pd.DataFrame) -> str:
    """A hash of the values of ``columns`` (text, dates, numbers; lists joined beforehand) and of
    their number of rows, for caches kept by what they read."""
    hashes = pd.util.hash_pandas_object(columns, index=False).to_numpy()
    return hashlib.sha256(hashes.tobytes() + str(len(columns)).encode()).hexdigest()[:24]


def has_notes(frame: pd.DataFrame) -> pd.Series:
    """Mask of the entries with the curator's notes."""
    return frame["notes"].str.strip() != ""
