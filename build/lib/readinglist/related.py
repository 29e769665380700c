"""Related entries: the most similar other entries of the list, by tf-idf cosine similarity.

An entry's text is its title (counted twice: it is short and says the most), abstract and notes.
Words are lowercased, accents stripped, English stop words and link boilerplate (``https``, ``url``)
dropped; term frequencies are sublinear, and uni- and bigrams are used. Rows are L2-normalised, so
the dot product of two rows is their cosine similarity.

* Only entries with a positive similarity are related, so an entry may get fewer than ``k``.
* An entry whose text has no usable word (empty, or stop words only) is related instead to the
  entries sharing most of its tags (ties by list order); it gets none when no entry shares a tag.
* Ties are broken by list order (the earlier entry first); an entry is never related to itself.
* The similarity matrix is never held whole: rows are scored in blocks of about
  :data:`BLOCK_CELLS` similarities (16 MB), so 10,000 entries need ~50 sparse products.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

BLOCK_CELLS = 2_000_000
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | {"http", "https", "url", "www", "com", "org", "html"})


def entry_text(row: dict) -> str:
    """The text an entry is compared on: title (twice), abstract and notes."""
    title = row["title"] or ""
    return "\n".join([title, title, row["abstract"] or "", row["notes"] or ""])


def tfidf(texts: list[str]) -> sparse.csr_matrix:
    """L2-normalised tf-idf rows of ``texts`` (an ``n x 0`` matrix when no text has a usable word)."""
    vectorizer = TfidfVectorizer(
        lowercase=True,
        strip_accents="unicode",
        stop_words=STOP_WORDS,
        ngram_range=(1, 2),
        sublinear_tf=True,
        dtype=np.float64,
    )
    try:
        return sparse.csr_matrix(vectorizer.fit_transform(texts))
    except ValueError:  # empty vocabulary: no document has a usable word
        return sparse.csr_matrix((len(texts), 0), dtype=np.float64)


def tag_matrix(tag_lists: list[list[str]]) -> sparse.csr_matrix:
    """A 0/1 entries-by-tags matrix."""
    index: dict[str, int] = {}
    rows, cols = [], []
    for i, tags in enumerate(tag_lists):
        for tag in dict.fromkeys(tags):
            rows.append(i)
            cols.append(index.setdefault(tag, len(index)))
    data = np.ones(len(rows), dtype=np.float64)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(tag_lists), len(index)))


def top_k(scores: np.ndarray, own: int, k: int) -> list[int]:
    """Indices of the ``k`` highest positive scores, excluding ``own``; ties by lower index."""
    scores = scores.copy()
    scores[own] = 0.0
    candidates = np.flatnonzero(scores > 0)
    if len(candidates) > k:
        threshold = np.partition(scores[candidates], len(candidates) - k)[len(candidates) - k]
        candidates = candidates[scores[candidates] >= threshold]
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order][:k].tolist()


def _best(matrix: sparse.csr_matrix, rows: np.ndarray, k: int) -> dict[int, list[int]]:
    """For each of ``rows``, its ``k`` best other rows by dot product with every row of ``matrix``."""
    n = matrix.shape[0]
    block = max(1, BLOCK_CELLS // max(n, 1))
    transposed = matrix.T.tocsc()
    best: dict[int, list[int]] = {}
    for start in range(0, len(rows), block):
        chunk = rows[start : start + block]
        scores = (matrix[chunk] @ transposed).toarray()
        for offset, row in enumerate(chunk):
            best[int(row)] = top_k(scores[offset], int(row), k)
    return best


def related(frame: pd.DataFrame, k: int = 3) -> dict[str, list[str]]:
    """For each entry id, the ids of its ``k`` most similar other entries, most similar first."""
    ids = frame["id"].tolist()
    if k <= 0 or not ids:
        return {entry_id: [] for entry_id in ids}
    records = frame[["title", "abstract", "notes"]].to_dict("records")
    matrix = tfidf([entry_text(r) for r in records])
    has_text = np.asarray(matrix.getnnz(axis=1) > 0)
    best = _best(matrix, np.flatnonzero(has_text), k) if matrix.shape[1] else {}
    without_text = np.flatnonzero(~has_text)
    if len(without_text):
        best.update(_best(tag_matrix([list(t) for t in frame["tags"]]), without_text, k))
    return {entry_id: [ids[j] for j in best.get(i, [])] for i, entry_id in enumerate(ids)}
