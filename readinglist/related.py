"""Related entries: the most similar other entries of the list, by tf-idf cosine similarity.

An entry's text is its title (counted twice: it is short and says the most), abstract and notes.
Words are lowercased, accents stripped, English stop words and link boilerplate (``https``, ``url``)
dropped; term frequencies are sublinear, and uni- and bigrams are used. Terms in more than
:func:`term_limit` entries (1% of the list, and at least 50) are dropped as too common to tell
which few entries are the closest. Rows are L2-normalised, so the dot product of two rows is their
cosine similarity. The weights are scikit-learn's ``TfidfVectorizer(strip_accents="unicode",
stop_words=STOP_WORDS, ngram_range=(1, 2), sublinear_tf=True, max_df=term_limit(n))`` (the tests
check it), computed here with numpy and scipy: importing scikit-learn alone took about 2 s.

* Only entries with a positive similarity are related, so an entry may get fewer than ``k``.
* An entry with no term left (no text, stop words only, or only terms too common) is related
  instead to the entries sharing most of its tags (ties by list order); it gets none when no entry
  shares a tag.
* Ties are broken by list order (the earlier entry first); an entry is never related to itself.
* The similarity matrix is never held whole: it is computed as a sparse product, in blocks of rows
  of at most :data:`BLOCK_CELLS` similarities (16 MB when dense), and only each row's ``k`` best are
  kept. Terms of a single entry are left out of the products (they add nothing to a pair). Without
  the limit, the synthetic 10,000-entry lists of ``bench/`` (whose texts reuse a few hundred
  sentences) share a term in 98% of all pairs; with it, in under 1%.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
from scipy import sparse

BLOCK_CELLS = 2_000_000
# A term in more than 1% of the entries, and in more than 50, is too common to tell which few
# entries are the closest: it is dropped (scikit-learn's max_df), which keeps the products sparse.
COMMON_SHARE = 0.01
COMMON_MIN = 50
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
# scikit-learn's token_pattern is (?u)\b\w\w+\b; a greedy match of two or more word characters never
# starts or ends inside a run of them, so the boundaries are implied (and cost a fifth of the time).
TOKEN = re.compile(r"\w\w+")


def term_limit(n: int) -> int:
    """The most entries of an ``n``-entry list a term may occur in (``max_df``, as a count)."""
    return max(COMMON_MIN, int(COMMON_SHARE * n))


def entry_text(row: dict) -> str:
    """The text an entry is compared on: title (twice), abstract and notes."""
    title = row["title"] or ""
    return "\n".join([title, title, row["abstract"] or "", row["notes"] or ""])


class _Fold(dict):
    """``str.translate`` table dropping combining marks (each code point looked up once)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        self[code] = out = "" if unicodedata.combining(char) else char
        return out


_FOLD = _Fold()


def strip_accents(text: str) -> str:
    """``text`` decomposed (NFKD) without its combining marks; ASCII text as it is."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return text if text.isascii() else text.translate(_FOLD)


def max_count(max_df: float | int, n: int) -> int:
    """The most texts a term may occur in, as scikit-learn reads ``max_df`` (a share when a float)."""
    return int(max_df) if isinstance(max_df, int) else int(max_df * n)


def tfidf(texts: list[str], max_df: float | int = 1.0) -> sparse.csr_matrix:
    """L2-normalised tf-idf rows of ``texts`` (an ``n x 0`` matrix when no term is left).

    A text's terms are its words (lowercased, accents stripped, stop words dropped) and the pairs of
    consecutive ones; terms in more than ``max_df`` texts (a share of them when a float, as in
    scikit-learn) are dropped. Words are numbered by :func:`pandas.factorize` and the pair
    ``(v, w)`` of ``U`` words is the number ``U + v * U + w``, so terms are counted with numpy and
    scipy, never as strings; columns are in term order.
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
    column, numbers = pd.factorize(terms)  # numbered as met; put in term order below
    order = np.argsort(numbers)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    counts = sparse.csr_matrix((np.ones(len(docs)), (docs, rank[column])), shape=(n, len(numbers)))
    counts.sum_duplicates()  # each text's terms in term order, with their counts
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    common = df > max_count(max_df, n)
    if common.any():
        counts = sparse.csr_matrix(counts[:, np.flatnonzero(~common)])
        df = df[~common]
    idf = np.log((n + 1) / (df + 1)) + 1.0
    counts.data = (np.log(counts.data) + 1.0) * idf[counts.indices]
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0  # a text with no term left keeps an empty row
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ counts)


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

    The product is computed sparse, a block of rows at a time, and only each row's ``k`` best are
    kept. A pair's terms are summed in term order whichever row comes first, so the scores are
    symmetric to the last bit and ties are broken the same way from both sides."""
    n = matrix.shape[0]
    shared = np.flatnonzero(np.bincount(matrix.indices, minlength=matrix.shape[1]) > 1)
    matrix = sparse.csr_matrix(matrix[:, shared])  # a term of one row only adds nothing to a pair
    matrix.sort_indices()
    transposed = matrix.T.tocsr()
    block = max(1, BLOCK_CELLS // max(n, 1))
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for start in range(0, n, block):
        product = matrix[start : start + block] @ transposed
        if product.nnz > product.shape[0] * n // 4:  # mostly filled: partition each dense row
            scores = product.toarray()
            scores[np.arange(scores.shape[0]), np.arange(start, start + scores.shape[0])] = 0.0  # never its own
            rows, cols, values = top_k(scores, k)
        else:
            coo = product.tocoo()
            other = (coo.row + start != coo.col) & (coo.data > 0)  # never its own
            rows, cols, values = top_k_of(coo.row[other], coo.col[other], coo.data[other], k)
        found.append((rows + start, cols, values))
    rows = np.concatenate([f[0] for f in found])
    cols = np.concatenate([f[1] for f in found])
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
    columns = zip(frame["title"], frame["abstract"], frame["notes"], strict=True)
    texts = [entry_text({"title": t, "abstract": a, "notes": n}) for t, a, n in columns]
    matrix = tfidf(texts, max_df=term_limit(len(ids)))
    best = dict(enumerate(_best_pairs(matrix, k))) if matrix.shape[1] else {}  # rows without text score 0
    without_text = np.flatnonzero(np.diff(matrix.indptr) == 0)
    if len(without_text):
        best.update(_best_of(tag_matrix([list(t) for t in frame["tags"]]), without_text, k))
    return {entry_id: [ids[j] for j in best.get(i, [])] for i, entry_id in enumerate(ids)}
