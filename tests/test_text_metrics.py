import numpy as np
import pytest

from vae_helpers.text import (
    centroid_select,
    distinct_n,
    lead_select,
    longest_select,
    mmr_select,
    ngrams,
    random_select,
    rouge_n,
    split_sentences,
    tokens,
)


def test_tokens_and_ngrams():
    assert tokens("The cat's HAT, 2 times!") == ["the", "cat's", "hat", "2", "times"]
    assert ngrams(["a", "b", "a", "b"], 2) == {("a", "b"): 2, ("b", "a"): 1}
    with pytest.raises(TypeError, match="tokens"):
        ngrams("a b", 1)
    with pytest.raises(TypeError):
        tokens(3)


def test_rouge_by_hand():
    # candidate "the cat sat", reference "the cat sat on the mat": 3 of 3 unigrams, 3 of 6 reference unigrams
    r1 = rouge_n("The cat sat.", "the cat sat on the mat", 1)
    assert r1["precision"] == pytest.approx(1.0) and r1["recall"] == pytest.approx(0.5)
    assert r1["f1"] == pytest.approx(2 / 3)
    r2 = rouge_n("the cat sat", "the cat sat on the mat", 2)  # 2 of 2 cand bigrams, 2 of 5 ref bigrams
    assert r2["precision"] == pytest.approx(1.0) and r2["recall"] == pytest.approx(0.4)
    # clipping: "the the the" matches "the" at most twice
    assert rouge_n("the the the", "the mat the", 1)["precision"] == pytest.approx(2 / 3)
    assert rouge_n("", "abc", 1)["f1"] == 0.0
    assert rouge_n("dog", "cat", 1)["f1"] == 0.0
    assert rouge_n("the cat", "the dog", 1, exclude={"the"})["f1"] == 0.0
    with pytest.raises(TypeError):
        rouge_n(["a"], "a")


def test_distinct_n():
    assert distinct_n(["hi there"] * 5, 1) == pytest.approx(2 / 10)
    assert distinct_n(["a b", "c d"], 2) == pytest.approx(1.0)
    assert distinct_n(["a", "b"], 2) == 0.0
    with pytest.raises(TypeError):
        distinct_n("hi there")
    with pytest.raises(ValueError):
        distinct_n([])


def test_split_sentences():
    text = 'Fires burn. "We left," he said! Is it over? 500 homes were saved.'
    assert split_sentences(text) == ["Fires burn.", '"We left," he said!', "Is it over?", "500 homes were saved."]
    assert split_sentences("no end mark") == ["no end mark"]


def test_selectors():
    v = np.array([[0, 0], [1, 0], [0.1, 0.1], [10, 10], [0.9, 0.1]], float)
    # mean is (2.4, 2.24): Euclidean-closest are rows 1, 4
    assert list(centroid_select(v, 2)) == [1, 4]
    assert len(centroid_select(v, 3, metric="cosine")) == 3
    assert list(mmr_select(np.array([[1, 0], [1, 0.01], [0, 1]]), 2, lam=0.5)) in ([0, 2], [1, 2])
    assert list(lead_select(5, 2)) == [0, 1]
    r = random_select(10, 3, rng=1)
    assert len(set(r)) == 3 and list(r) == sorted(r)
    assert list(longest_select(["a", "a b c", "a b"], 2)) == [1, 2]
    with pytest.raises(ValueError, match="k=4"):
        lead_select(3, 4)
    with pytest.raises(ValueError, match="metric"):
        centroid_select(v, 1, metric="l1")
    with pytest.raises(ValueError, match="lam"):
        mmr_select(v, 1, lam=2)
    with pytest.raises(ValueError, match="NaN"):
        centroid_select(np.array([[np.nan, 0.0]]), 1)
    with pytest.raises(ValueError, match="shape"):
        centroid_select(np.zeros(3), 1)


def test_selectors_break_ties_between_duplicated_sentences_by_position():
    # three copies of sentence 0 (rows 0, n-2, n-1) share the best score exactly; the earliest must win.
    # A matrix product may round identical rows differently, which picked a later copy on some CPUs/BLAS.
    for seed in range(20):
        rng = np.random.default_rng(seed)
        n, d = int(rng.integers(4, 12)), int(rng.integers(3, 200))
        x = rng.random((n, d))
        x[n - 2] = x[n - 1] = x[0]
        assert list(centroid_select(x, 1, metric="cosine")) == [0], seed
        assert list(mmr_select(x, 1, lam=1.0)) == [0], seed
        assert 0 in mmr_select(x, 2, lam=0.5) and not {n - 2, n - 1} & set(mmr_select(x, 2, lam=0.5)), seed
    zero = np.zeros((4, 3))  # all-zero vectors: cosine 0 everywhere, a tie: the first sentences
    assert list(centroid_select(zero, 2, metric="cosine")) == [0, 1] and list(mmr_select(zero, 2)) == [0, 1]


def test_unigram_nll():
    from vae_helpers.text import unigram_nll

    train = np.array([[2, 4, 4, 3, 0], [2, 4, 5, 3, 0]])
    # counts over ids 1..5 after add-one: [1, 1, 3, 4, 2] -> total 11 (id 0 excluded)
    nll = unigram_nll(train, np.array([[2, 4, 3, 0, 0]]), vocab_size=6)
    assert nll[0] == pytest.approx(-np.log(4 / 11) - np.log(3 / 11))
    with pytest.raises(ValueError, match="outside"):
        unigram_nll(train, np.array([[2, 9]]), vocab_size=6)
    with pytest.raises(ValueError, match="2-D"):
        unigram_nll(train, np.array([2, 4]), vocab_size=6)
