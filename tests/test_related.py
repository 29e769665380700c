"""Related entries: tf-idf cosine neighbours, checked against a brute-force ranking and known pairs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from readinglist import related as related_module
from readinglist import store
from readinglist.related import STOP_WORDS, entry_text, related, tfidf
from readinglist.topics import load_topics

from .conftest import DATA

FP4 = ["2505.19115", "2505.14669", "2502.20586"]  # FP4 All the Way, Quartet, Training LLMs with MXFP4


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return store.load(DATA / "papers.csv", load_topics(DATA / "topics.csv"))


@pytest.fixture(scope="module")
def result(frame) -> dict[str, list[str]]:
    return related(frame, k=3)


def small_frame(texts: list[str], tags: list[list[str]] | None = None) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame(
        {
            "id": [f"e{i}" for i in range(n)],
            "title": texts,
            "abstract": [""] * n,
            "notes": [""] * n,
            "tags": tags or [[] for _ in range(n)],
        }
    )


def test_every_entry_gets_at_most_k_other_existing_entries(frame, result):
    ids = list(frame["id"])
    assert list(result) == ids
    for entry_id, others in result.items():
        assert len(others) <= 3
        assert entry_id not in others
        assert len(set(others)) == len(others)
        assert set(others) <= set(ids)


def test_the_fp4_training_papers_are_related_to_each_other(result):
    for paper in FP4:
        assert set(FP4) - {paper} <= set(result[paper]), (paper, result[paper])


def test_model_merging_papers_are_related_to_each_other(frame, result):
    merging = set(frame.loc[frame["tags"].map(lambda t: "Model Merging" in t), "id"])
    assert len(merging) == 4
    for paper in merging:
        assert len(set(result[paper]) & merging) >= 2, (paper, result[paper])


def test_same_result_on_every_run(frame, result):
    assert related(frame, k=3) == result
    assert related(frame.copy(), k=3) == result


def sklearn_vectors(texts: list[str], max_df: float | int = 1.0):
    return TfidfVectorizer(
        strip_accents="unicode", stop_words=STOP_WORDS, ngram_range=(1, 2), sublinear_tf=True, max_df=max_df
    ).fit_transform(texts)


@pytest.mark.parametrize(("common_min", "block_rows"), [(50, 7), (8, 7), (8, 100), (4, 1)])
def test_matches_a_brute_force_ranking(frame, monkeypatch, common_min, block_rows):
    """Dense cosine similarities of scikit-learn's tf-idf with the same ``max_df``, ranked by (score
    desc, list order), whatever the block size; with the shipped list's 59 entries, a limit of 50
    drops no term and one of 8 or 4 drops many (as 1% of a list of 10,000 would)."""
    monkeypatch.setattr(related_module, "COMMON_MIN", common_min)
    limit = related_module.term_limit(len(frame))
    assert limit == common_min
    text = [f"{t}\n{t}\n{a}\n{n}" for t, a, n in zip(frame["title"], frame["abstract"], frame["notes"], strict=True)]
    vectors = sklearn_vectors(text, max_df=limit)
    sims = cosine_similarity(vectors)
    ids = list(frame["id"])
    expected = {}
    for i, entry_id in enumerate(ids):
        ranked = sorted((j for j in range(len(ids)) if j != i and sims[i, j] > 0), key=lambda j: (-sims[i, j], j))
        expected[entry_id] = [ids[j] for j in ranked[:5]]
    assert vectors.getnnz(axis=1).all()  # every entry keeps a term, so none falls back on its tags
    monkeypatch.setattr(related_module, "BLOCK_CELLS", block_rows * len(ids))
    got = related(frame, k=5)
    for entry_id in ids:
        if got[entry_id] != expected[entry_id]:  # allow only float-rounding swaps of equal scores
            i = ids.index(entry_id)
            got_scores = [sims[i, ids.index(j)] for j in got[entry_id]]
            want_scores = [sims[i, ids.index(j)] for j in expected[entry_id]]
            np.testing.assert_allclose(got_scores, want_scores, rtol=1e-9)


def test_a_low_limit_changes_the_ranking(frame, monkeypatch):
    """The limit is not a no-op: on the shipped list, 4 changes the neighbours of most entries."""
    default = related(frame, k=3)
    monkeypatch.setattr(related_module, "COMMON_MIN", 4)
    low = related(frame, k=3)
    assert sum(default[i] != low[i] for i in default) > len(default) // 2


def test_the_limit_grows_with_the_list():
    assert [related_module.term_limit(n) for n in (0, 59, 5_000, 10_000, 100_000)] == [50, 50, 50, 100, 1_000]


@pytest.mark.parametrize("max_df", [1.0, 0.5, 0.1, 4, 12])
def test_the_weights_are_scikit_learns(frame, max_df):
    """The tf-idf rows are TfidfVectorizer's (uni- and bigrams, sublinear tf, accents stripped, the
    same stop words, the same ``max_df``, as a share or a count): the cosine similarities of every
    pair agree, text with accents and digits included."""
    assert set(STOP_WORDS) == set(ENGLISH_STOP_WORDS) | {"http", "https", "url", "www", "com", "org", "html"}
    texts = [entry_text(r) for r in frame[["title", "abstract", "notes"]].to_dict("records")]
    texts += ["Café naïve façade résumé, the ﬁnal Ångström", "the cafe: naive facade; final angstrom units", ""]
    texts += ["GPT-4o and o3: 2x faster; x_1 __init__ ß", "gpt 4o, O3 and x_1 __INIT__ ss", "Σίσυφος ΣΊΣΥΦΟΣ a_b c"]
    vectors = sklearn_vectors(texts, max_df)
    ours = tfidf(texts, max_df)
    assert ours.shape == vectors.shape
    np.testing.assert_allclose((ours @ ours.T).toarray(), (vectors @ vectors.T).toarray(), rtol=0, atol=1e-12)


def test_an_entry_whose_terms_are_all_too_common_is_related_by_shared_tags(monkeypatch):
    monkeypatch.setattr(related_module, "COMMON_MIN", 2)
    texts = ["fp4 training", "fp4 training", "fp4 training", "model merging", "merging weights"]
    frame = small_frame(texts, [["Q"], ["Q"], ["R"], ["R"], ["M"]])
    out = related(frame, k=3)
    assert out["e0"] == ["e1"]  # "fp4", "training" and "fp4 training" are in 3 entries: only tags are left
    assert out["e2"] == ["e3"]
    assert out["e3"] == ["e4"]  # "merging", in 2 entries, is kept


def test_ties_are_broken_by_list_order():
    texts = ["quantized training with fp4", "unrelated words about cats", *["quantized training with fp4"] * 3]
    assert related(small_frame(texts), k=2)["e0"] == ["e2", "e3"]
    reordered = small_frame(texts[::-1])  # e4 is now the first of the duplicates
    assert related(reordered, k=2)["e4"] == ["e0", "e1"]


def test_entries_with_nothing_in_common_are_not_related():
    out = related(small_frame(["fp4 quantization", "model merging", "fp4 training"]), k=3)
    assert out == {"e0": ["e2"], "e1": [], "e2": ["e0"]}


def test_an_entry_without_text_is_related_by_shared_tags():
    frame = small_frame(
        ["", "fp4 quantization", "model merging", "reinforcement learning", "  ", "the of and"],
        [["RL", "Quantization"], ["Quantization"], ["Model Merging"], ["RL", "Quantization"], [], ["Dataset"]],
    )
    out = related(frame, k=3)
    assert out["e0"] == ["e3", "e1"]  # two shared tags, then one; none with e2
    assert out["e4"] == []  # no text and no tag
    assert out["e5"] == []  # stop words only, and nobody shares its tag


def test_degenerate_inputs():
    assert related(small_frame([]), k=3) == {}
    assert related(small_frame(["a b", "c d"]), k=3) == {"e0": [], "e1": []}  # no usable word at all
    assert related(small_frame(["fp4 training", "fp4 training"]), k=0) == {"e0": [], "e1": []}


def test_the_cache_key_follows_what_related_entries_read(frame):
    """Book.related is cached by text_fingerprint: it changes with the ids, texts and tags, not with
    columns the scores do not read."""
    from readinglist.book import text_fingerprint

    key = text_fingerprint(frame)
    assert text_fingerprint(frame.copy()) == key
    edits = [("notes", "A new note."), ("title", "Another title"), ("tags", ["Quantization", "RL"]), ("id", "x-1")]
    for column, value in edits:
        edited = frame.copy()
        edited.at[edited.index[3], column] = value
        assert text_fingerprint(edited) != key, column
    edited = frame.copy()
    edited.at[edited.index[3], "kind"] = "other"
    assert text_fingerprint(edited) == key
    assert text_fingerprint(frame.iloc[::-1]) != key
