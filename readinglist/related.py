"""Related entries: the most similar other entries of the list, by tf-idf cosine similarity.

An entry's text is its title (counted twice: it is short and says the most), abstract and notes.
Words are lowercased, accents stripped, English stop words and link boilerplate (``https``, ``url``)
dropped; term frequencies are sublinear, and uni- and bigrams are used. Rows are L2-normalised, so
the dot product of two rows is their cosine similarity. The weights are scikit-learn's
``TfidfVectorizer(strip_accents="unicode", stop_words=STOP_WORDS, ngram_range=(1, 2),
sublinear_tf=True)`` (the tests check it), computed here with numpy and scipy: importing
scikit-learn alone took about 2 s.

* Only entries with a positive similarity are related, so an entry may get fewer than ``k``.
* An entry whose text has no usable word (empty, or stop words only) is related instead to the
  entries sharing most of its tags (ties by list order); it gets none when no entry shares a tag.
* Ties are broken by list order (the earlier entry first); an entry is never related to itself.
* The similarity matrix is never held whole: rows are scored in blocks of about
  :data:`BLOCK_CELLS` similarities (16 MB), each block against the rows from its own on only (the
  matrix is symmetric), and only each row's ``k`` best are kept. Terms of a single entry are left
  out of the products (they add nothing to a pair).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
from scipy import sparse

BLOCK_CELLS = 2_000_000
# scikit-learn's ENGLISH_STOP_WORDS (the Glasgow Information Retrieval Group's list), plus link words
ENGLISH = """
    a about above across after afterwards again against all almost alone along already also
    although always am among amongst amoungst amount an and another any anyhow anyone anything
    anyway anywhere are around as at back be became because become becomes becoming been before
    beforehand behind being below beside besides between beyond bill both bottom but by call can
    cannot cant co con could couldnt cry de describe detail do done down due during each eg
    eight either eleven else elsewhere empty enough etc even ever every everyone everything
    everywhere except few fifteen fifty fill find fire first five for former formerly forty
    found four from front full further get give go had has hasnt have he hence her here
    hereafter hereby herein hereupon hers herself him himself his how however hundred i ie if in
    inc indeed interest into is it its itself keep last latter latterly least less ltd made many
    may me meanwhile might mill mine more moreover most mostly move much must my myself name
    namely neither never nevertheless next nine no nobody none noone nor not nothing now nowhere
    of off often on once one only onto or other others otherwise our ours ourselves out over own
    part per perhaps please put rather re same see seem seemed seeming seems serious several she
    should show side since sincere six sixty so some somehow someone something sometime
    sometimes somewhere still such system take ten than that the their them themselves then
    thence there thereafter thereby therefore therein thereupon these they thick thin third this
    those though three through throughout thru thus to together too top toward towards twelve
    twenty two un under until up upon us very via was we well were what whatever when whence
    whenever where whereafter whereas whereby wherein whereupon wherever whether which while
    whither who whoever whole whom whose why will with within without would yet you your yours
    yourself yourselves
"""
STOP_WORDS = sorted(frozenset(ENGLISH.split()) | {"http", "https", "url", "www", "com", "org", "html"})
STOP = frozenset(STOP_WORDS)
TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's token_pattern


def entry_text(row: dict) -> str:
    """The text an entry is compared on: title (twice), abstract and notes."""
    title = row["title"] or ""
    return "\n".join([title, title, row["abstract"] or "", row["notes"] or ""])


def strip_accents(text: str) -> str:
    """``text`` decomposed (NFKD) without its combining marks; ASCII text as it is."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def tfidf(texts: list[str]) -> sparse.csr_matrix:
    """L2-normalised tf-idf rows of ``texts`` (an ``n x 0`` matrix when no text has a usable word).

    A text's terms are its words (lowercased, accents stripped, stop words dropped) and the pairs of
    consecutive ones. Words are numbered by :func:`pandas.factorize` and the pair ``(v, w)`` of ``U``
    words is the number ``U + v * U + w``, so terms are counted with numpy, never as strings.
    """
    n = len(texts)
    tokens = [TOKEN.findall(strip_accents(text.lower())) for text in texts]
    lengths = np.fromiter(map(len, tokens), np.int64, n)
    codes, words = pd.factorize(pd.Series([w for ts in tokens for w in ts], dtype=object))
    stop = np.fromiter((w in STOP for w in words), bool, len(words))
    kept = ~stop[codes] if len(codes) else np.zeros(0, bool)
    if not kept.any():  # no text has a usable word
        return sparse.csr_matrix((n, 0), dtype=np.float64)
    size = len(words)
    word = codes[kept].astype(np.int64)
    doc = np.repeat(np.arange(n, dtype=np.int64), lengths)[kept]
    pair = doc[1:] == doc[:-1]  # consecutive usable words of one text
    terms = np.concatenate([word, size + word[:-1][pair] * size + word[1:][pair]])
    docs = np.concatenate([doc, doc[:-1][pair]])
    span = size + size * size
    keys, counts = np.unique(docs * span + terms, return_counts=True)  # sorted by text, then term
    rows = keys // span
    columns, column = np.unique(keys % span, return_inverse=True)
    df = np.bincount(column, minlength=len(columns))
    idf = np.log((n + 1) / (df + 1)) + 1.0
    data = (np.log(counts) + 1.0) * idf[column]
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=n))
    data /= norms[rows]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))])
    return sparse.csr_matrix((data, column, indptr), shape=(n, len(columns)))


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


def top_k_of(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, k: int) -> tuple[np.ndarray, ...]:
    """The ``k`` best ``(row, column, value)`` triples of each row: highest value, then lower column."""
    order = np.lexsort((cols, -values, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    within = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left") < k
    return rows[within], cols[within], values[within]


def top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``k`` highest positive scores of each row of ``scores`` as ``(rows, columns, scores)``,
    row by row, highest first, ties by lower column."""
    n = scores.shape[1]
    if n > k:
        kth = np.partition(scores, n - k, axis=1)[:, n - k]
        keep = (scores >= kth[:, None]) & (scores > 0)
    else:
        keep = scores > 0
    rows, cols = np.nonzero(keep)
    return top_k_of(rows, cols, scores[rows, cols], k)


def _grouped(rows: np.ndarray, cols: np.ndarray, n: int) -> list[list[int]]:
    """``cols`` grouped by ``rows`` (sorted) into one list per row ``0..n-1``."""
    bounds = np.searchsorted(rows, np.arange(n + 1)).tolist()
    listed = cols.tolist()
    return [listed[bounds[i] : bounds[i + 1]] for i in range(n)]


def _best_pairs(matrix: sparse.csr_matrix, k: int) -> list[list[int]]:
    """For every row of ``matrix``, its ``k`` best other rows by dot product (positive ones only).

    The product is symmetric, so each block of rows is multiplied by the rows from its own on only;
    a block's scores give its rows' best among those and, read by column, the best of the block for
    every later row. A row's ``k`` best are the best of these candidates (exactly the same scores:
    both ways a pair's terms are summed in the same order)."""
    n = matrix.shape[0]
    shared = np.flatnonzero(np.bincount(matrix.indices, minlength=matrix.shape[1]) > 1)
    matrix = sparse.csr_matrix(matrix[:, shared])  # a term of one row only adds nothing to a pair
    block = max(1, BLOCK_CELLS // max(n, 1))
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for start in range(0, n, block):
        end = min(n, start + block)
        scores = (matrix[start:] @ matrix[start:end].T.tocsr()).toarray().T  # block x later rows
        scores[np.arange(end - start), np.arange(end - start)] = 0.0  # never its own
        rows, cols, values = top_k(scores, k)
        found.append((rows + start, cols + start, values))
        if end < n:
            rows, cols, values = top_k(scores[:, end - start :].T, k)  # later rows' best of the block
            found.append((rows + end, cols + start, values))
    rows, cols, values = (np.concatenate(parts) for parts in zip(*found, strict=True))
    rows, cols, _ = top_k_of(rows, cols, values, k)
    return _grouped(rows, cols, n)


def _best_of(matrix: sparse.csr_matrix, chosen: np.ndarray, k: int) -> dict[int, list[int]]:
    """For each of the ``chosen`` rows, its ``k`` best other rows by dot product with every row."""
    n = matrix.shape[0]
    block = max(1, BLOCK_CELLS // max(n, 1))
    transposed = matrix.T.tocsr()
    best: dict[int, list[int]] = {}
    for start in range(0, len(chosen), block):
        chunk = chosen[start : start + block]
        scores = (matrix[chunk] @ transposed).toarray()
        scores[np.arange(len(chunk)), chunk] = 0.0  # never its own
        rows, cols, _ = top_k(scores, k)
        best.update(zip(chunk.tolist(), _grouped(rows, cols, len(chunk)), strict=True))
    return best


def related(frame: pd.DataFrame, k: int = 3) -> dict[str, list[str]]:
    """For each entry id, the ids of its ``k`` most similar other entries, most similar first."""
    ids = frame["id"].tolist()
    if k <= 0 or not ids:
        return {entry_id: [] for entry_id in ids}
    records = frame[["title", "abstract", "notes"]].to_dict("records")
    matrix = tfidf([entry_text(r) for r in records])
    best = dict(enumerate(_best_pairs(matrix, k))) if matrix.shape[1] else {}  # rows without text score 0
    without_text = np.flatnonzero(np.diff(matrix.indptr) == 0)
    if len(without_text):
        best.update(_best_of(tag_matrix([list(t) for t in frame["tags"]]), without_text, k))
    return {entry_id: [ids[j] for j in best.get(i, [])] for i, entry_id in enumerate(ids)}
