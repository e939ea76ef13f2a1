"""Text metrics for the NLP lessons: ROUGE-n overlap, distinct-n diversity, extractive sentence selection.

* :func:`rouge_n` — ROUGE-N precision / recall / F1 (Lin 2004): clipped n-gram overlap between a candidate and
  a reference, lower-cased word tokens, no stemming (so numbers are close to, not identical with, the
  ``rouge-score`` package's).
* :func:`distinct_n` — distinct-n (Li et al. 2016): unique n-grams / all n-grams over a set of texts, the usual
  diversity measure for dialog responses.
* :func:`split_sentences`, :func:`centroid_select`, :func:`mmr_select`, :func:`lead_select`,
  :func:`random_select`, :func:`longest_select` — pick ``k`` sentences of a document for an *extractive* summary
  from any sentence vectors (VAE posterior means, TF-IDF rows) or from simple positional rules.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from vae_helpers._checks import check_positive_int

_WORD = re.compile(r"[\w']+")
_WORD_OR_PUNCTUATION = re.compile(r"[\w']+|[^\w\s]")


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")


def tokens(text: str, lowercase: bool = True, punctuation: bool = False) -> list[str]:
    """Word tokens (letters, digits, apostrophes), lower-cased unless ``lowercase=False``; punctuation marks
    are dropped, or kept as tokens of their own with ``punctuation=True`` (the text VAE's vocabulary).
    The one word tokenizer of the package: metrics and :class:`~vae_helpers.text.vae.TextTokenizer` use it."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    text = text.lower() if lowercase else text
    return (_WORD_OR_PUNCTUATION if punctuation else _WORD).findall(text)


def ngrams(words: Sequence[str], n: int) -> Counter:
    """Multiset of the ``n``-grams (tuples) of a token list."""
    n = check_positive_int(n, "n")
    if isinstance(words, str):
        raise TypeError("ngrams takes a list of tokens, not a string: use tokens(text) first")
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def rouge_n(candidate: str, reference: str, n: int = 1, exclude: set[str] | None = None) -> dict[str, float]:
    """ROUGE-N of ``candidate`` against ``reference``: ``{"precision", "recall", "f1"}`` in [0, 1].

    overlap = Σ_g min(count_cand(g), count_ref(g)); precision = overlap / #cand n-grams, recall = overlap /
    #ref n-grams, F1 their harmonic mean. ``exclude`` drops those words (e.g. stop words) before counting.
    Empty candidate or reference n-grams give 0.
    """
    if not isinstance(candidate, str) or not isinstance(reference, str):
        raise TypeError("candidate and reference must be strings")
    cand, ref = tokens(candidate), tokens(reference)
    if exclude:
        cand, ref = [w for w in cand if w not in exclude], [w for w in ref if w not in exclude]
    c, r = ngrams(cand, n), ngrams(ref, n)
    total_c, total_r = sum(c.values()), sum(r.values())
    if total_c == 0 or total_r == 0:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    overlap = sum(min(count, r[g]) for g, count in c.items())
    p, rec = overlap / total_c, overlap / total_r
    return {"precision": p, "recall": rec, "f1": 0.0 if overlap == 0 else 2 * p * rec / (p + rec)}


def distinct_n(texts: Sequence[str], n: int = 1) -> float:
    """Distinct-n: number of unique n-grams divided by the number of n-grams over all ``texts`` (0..1).

    Five copies of one reply score at most 1/5; five replies with no shared n-gram score 1.
    Returns 0 when the texts hold no n-gram at all.
    """
    if isinstance(texts, str):
        raise TypeError("distinct_n takes a list of strings, not one string")
    texts = list(texts)
    if not texts:
        raise ValueError("texts is empty")
    counts: Counter = Counter()
    for t in texts:
        counts.update(ngrams(tokens(t), n))
    total = sum(counts.values())
    return 0.0 if total == 0 else len(counts) / total


def split_sentences(text: str) -> list[str]:
    """Split running text after ``.``, ``!`` or ``?`` followed by space and a capital letter or digit.

    A heuristic (no abbreviation list): "Mr. Smith" is split, which is fine for news sentence selection.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def _check_k(k: int, n_sentences: int) -> int:
    k = check_positive_int(k, "k")
    if k > n_sentences:
        raise ValueError(f"cannot pick k={k} sentences from a document of {n_sentences}")
    return k


def _as_vectors(vectors) -> np.ndarray:
    if hasattr(vectors, "toarray"):  # scipy sparse (TF-IDF)
        vectors = vectors.toarray()
    try:
        arr = np.asarray(vectors, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"vectors must be a numeric 2-D array, got {type(vectors).__name__}") from err
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(f"vectors must have shape (n_sentences, dim) with n_sentences > 0, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("vectors contain NaN or infinite values")
    return arr


def _unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (all-zero rows stay zero: cosine 0 with everything)."""
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def _cosine_to(unit_rows: np.ndarray, unit_vector: np.ndarray) -> np.ndarray:
    """Cosine of each unit row with one unit vector, computed row by row (product, then a sum per row).

    Identical rows give identical bits, so duplicated sentences tie exactly and the earliest one wins.
    A matrix product (BLAS) may round identical rows differently, which let the CPU pick among duplicates.
    """
    return (unit_rows * unit_vector).sum(axis=-1)


def centroid_select(vectors, k: int, metric: str = "euclidean") -> np.ndarray:
    """Indices (sorted, document order) of the ``k`` sentences closest to the document's mean vector.

    ``metric``: ``"euclidean"`` (distance to the mean) or ``"cosine"`` (similarity to the mean).
    Ties (duplicated sentences) go to the earliest sentence.
    """
    x = _as_vectors(vectors)
    k = _check_k(k, len(x))
    centre = x.mean(axis=0, keepdims=True)
    if metric == "euclidean":
        score = -np.linalg.norm(x - centre, axis=1)
    elif metric == "cosine":
        score = _cosine_to(_unit_rows(x), _unit_rows(centre)[0])
    else:
        raise ValueError(f"metric must be 'euclidean' or 'cosine', got {metric!r}")
    return np.sort(np.argsort(-score, kind="stable")[:k])


def mmr_select(vectors, k: int, lam: float = 0.7) -> np.ndarray:
    """Maximal marginal relevance (Carbonell & Goldstein 1998) with cosine similarity.

    Greedily adds the sentence maximising ``lam * sim(s, centroid) - (1 - lam) * max_{t chosen} sim(s, t)``:
    close to the document's mean, far from what is already chosen. ``lam = 1`` is cosine centroid selection.
    Ties (duplicated sentences) go to the earliest sentence. Returns sorted indices.
    """
    x = _as_vectors(vectors)
    k = _check_k(k, len(x))
    if isinstance(lam, bool) or not isinstance(lam, (int, float)) or not 0.0 <= lam <= 1.0:
        raise ValueError(f"lam must be a number in [0, 1], got {lam!r}")
    unit = _unit_rows(x)
    relevance = _cosine_to(unit, _unit_rows(x.mean(axis=0)))
    redundancy = np.full(len(x), -np.inf)  # max cosine with a chosen sentence (none chosen yet)
    chosen: list[int] = []
    for _ in range(k):
        score = lam * relevance - (1 - lam) * (redundancy if chosen else 0.0)
        score[chosen] = -np.inf
        chosen.append(int(np.argmax(score)))
        redundancy = np.maximum(redundancy, _cosine_to(unit, unit[chosen[-1]]))
    return np.sort(np.array(chosen))


def lead_select(n_sentences: int, k: int) -> np.ndarray:
    """The first ``k`` sentences (the lead-k baseline of news summarisation)."""
    n_sentences = check_positive_int(n_sentences, "n_sentences")
    return np.arange(_check_k(k, n_sentences))


def random_select(n_sentences: int, k: int, rng: np.random.Generator | int = 0) -> np.ndarray:
    """``k`` sentences drawn uniformly without replacement (sorted)."""
    n_sentences = check_positive_int(n_sentences, "n_sentences")
    k = _check_k(k, n_sentences)
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    return np.sort(rng.choice(n_sentences, size=k, replace=False))


def longest_select(sentences: Sequence[str], k: int) -> np.ndarray:
    """The ``k`` sentences with the most word tokens (a length baseline: long sentences overlap more)."""
    if isinstance(sentences, str):
        raise TypeError("longest_select takes a list of sentences, not one string")
    lengths = np.array([len(tokens(s)) for s in sentences])
    k = _check_k(k, len(lengths))
    return np.sort(np.argsort(-lengths, kind="stable")[:k])


def unigram_nll(train_ids, ids, vocab_size: int) -> np.ndarray:
    """Per-sequence NLL (nats) of ``ids[:, 1:]`` under a unigram model fitted on ``train_ids[:, 1:]``.

    The baseline a text VAE's reconstruction term must beat: it knows word frequencies and nothing else.
    Padding (id 0) is ignored; add-one smoothing over ids ``1 .. vocab_size - 1`` keeps unseen ids finite.
    Sequences use the :class:`~vae_helpers.text.TextTokenizer` layout (``<s>`` first, so it is skipped).
    """
    vocab_size = check_positive_int(vocab_size, "vocab_size")
    train, test = np.asarray(train_ids), np.asarray(ids)
    for name, arr in (("train_ids", train), ("ids", test)):
        if arr.ndim != 2 or not np.issubdtype(arr.dtype, np.integer):
            raise ValueError(f"{name} must be a 2-D integer array of token ids, got {arr.dtype} {arr.shape}")
        if arr.size and (arr.min() < 0 or arr.max() >= vocab_size):
            raise ValueError(f"{name} has ids outside [0, {vocab_size})")
    counts = np.bincount(train[:, 1:].ravel(), minlength=vocab_size).astype(np.float64)
    counts[0] = 0.0
    counts[1:] += 1.0
    logp = np.zeros(vocab_size)
    logp[1:] = np.log(counts[1:] / counts.sum())
    target = test[:, 1:]
    return np.where(target > 0, -logp[target], 0.0).sum(axis=1)
