"""Offline text corpora for the NLP lessons, each loader saying which corpus and how much of it is used.

Sources (all installed locally, no network):

* :func:`load_names` — US census first names (the ``names`` PyPI package: ``dist.male.first``,
  ``dist.female.first``), lower-cased and de-duplicated; short strings for character-level models.
* :func:`load_fortunes` — Debian ``fortunes`` quotes (``/usr/share/games/fortunes/<category>``,
  quotes separated by lines holding only ``%``), with their category as the label.
* :func:`load_dialog_pairs` — ``(prompt, reply)`` pairs from the ``chatterbot_corpus`` English YAML files
  (every consecutive pair of turns of every conversation).
* :func:`load_news_articles` — gensim's bundled Lee corpus (``lee_background.cor``), ~300 news articles.

Fast mode (``VAE_FAST=1``) subsamples every corpus unless an explicit ``n`` is passed (pass a large ``n``
to get everything). A missing corpus raises :class:`CorpusNotFoundError` naming the pip or apt command.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from vae_helpers._checks import check_positive_int, check_seed
from vae_helpers.config import is_fast

FORTUNE_DIR = Path("/usr/share/games/fortunes")


DEFAULT_FORTUNE_CATEGORIES = ("computers", "food", "love", "science", "sports")


FAST_SIZES = {"names": 1500, "fortunes": 1200, "dialog": 800, "news": 120}


_SPACE = re.compile(r"\s+")


class CorpusNotFoundError(FileNotFoundError):
    """A text corpus is not installed; the message says how to install it."""


def _report(corpus: str, used: int, total: int, unit: str) -> None:
    extra = "" if used == total else f" (subsampled from {total})"
    print(f"[vae_helpers] text data: {corpus} | {used} {unit}{extra}")


def _check_n(n: int | None, key: str) -> int | None:
    """``n`` as given (validated), or the fast-mode cap when ``n`` is None (None = everything in full mode)."""
    if n is not None:
        return check_positive_int(n, "n")
    return FAST_SIZES[key] if is_fast() else None


def _subsample_indices(total: int, n: int | None, seed: int) -> np.ndarray:
    """Sorted random indices (order of the corpus kept) or all of them."""
    if n is None or n >= total:
        return np.arange(total)
    return np.sort(np.random.default_rng(seed).permutation(total)[:n])


def _package_dir(package: str, install: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise CorpusNotFoundError(f"the {package!r} corpus is not installed: run `{install}`")
    return Path(list(spec.submodule_search_locations)[0])


def names_dir() -> Path:
    """Folder of the ``names`` package's census files."""
    return _package_dir("names", "pip install names")


def chatterbot_dir() -> Path:
    """Folder of the English chatterbot YAML conversations."""
    return _package_dir("chatterbot_corpus", "pip install chatterbot-corpus") / "data" / "english"


def gensim_test_data_dir() -> Path:
    """gensim's bundled ``test/test_data`` folder."""
    return _package_dir("gensim", "pip install gensim") / "test" / "test_data"


def _require_file(path: Path, install: str) -> Path:
    if not path.is_file():
        raise CorpusNotFoundError(f"{path} not found: run `{install}`")
    return path


def clean_text(text: str) -> str:
    """Collapse runs of whitespace (tabs, newlines) into single spaces and strip the ends."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    return _SPACE.sub(" ", text).strip()


def load_names(n: int | None = None, seed: int = 0, min_length: int = 2, max_length: int | None = None) -> list[str]:
    """Census first names (male and female lists), lower-case, unique, shuffled with ``seed``.

    ``n`` keeps a random subset (fast mode keeps ``FAST_SIZES['names']`` when ``n`` is None);
    ``min_length``/``max_length`` (characters) filter before subsampling.
    """
    seed = check_seed(seed)
    min_length = check_positive_int(min_length, "min_length")
    if max_length is not None and check_positive_int(max_length, "max_length") < min_length:
        raise ValueError(f"max_length ({max_length}) must be >= min_length ({min_length})")
    n = _check_n(n, "names")
    folder = names_dir()
    seen: dict[str, None] = {}
    for fname in ("dist.male.first", "dist.female.first"):
        path = _require_file(folder / fname, "pip install --force-reinstall names")
        for line in path.read_text(encoding="ascii", errors="replace").splitlines():
            parts = line.split()
            if parts and parts[0].isalpha():
                seen.setdefault(parts[0].lower(), None)
    names = [s for s in seen if len(s) >= min_length and (max_length is None or len(s) <= max_length)]
    if not names:
        raise ValueError("no names left after the length filter")
    order = np.random.default_rng(seed).permutation(len(names))
    keep = order if n is None else order[:n]
    out = [names[i] for i in keep]
    _report("US census first names (names package)", len(out), len(names), "names")
    return out


def fortune_categories() -> list[str]:
    """Installed fortune categories (files without an extension in ``FORTUNE_DIR``)."""
    if not FORTUNE_DIR.is_dir():
        raise CorpusNotFoundError(f"{FORTUNE_DIR} not found: run `apt-get install fortunes`")
    return sorted(p.name for p in FORTUNE_DIR.iterdir() if p.is_file() and "." not in p.name)


def load_fortunes(
    categories: Sequence[str] | None = None, max_chars: int | None = None, n: int | None = None, seed: int = 0
) -> tuple[list[str], list[str]]:
    """Fortune quotes and their category: ``(texts, labels)``, two lists of the same length.

    ``categories`` defaults to ``DEFAULT_FORTUNE_CATEGORIES``; whitespace is collapsed (see
    :func:`clean_text`); ``max_chars`` keeps only quotes of at most that many characters. ``n`` keeps a
    random subset (corpus order kept; fast mode keeps ``FAST_SIZES['fortunes']`` when ``n`` is None).
    """
    seed = check_seed(seed)
    if categories is None:
        categories = DEFAULT_FORTUNE_CATEGORIES
    if isinstance(categories, str) or not isinstance(categories, (list, tuple)):
        raise TypeError("categories must be a list or tuple of category names, e.g. ['food', 'love']")
    if not categories:
        raise ValueError("categories is empty")
    if max_chars is not None:
        max_chars = check_positive_int(max_chars, "max_chars")
    n = _check_n(n, "fortunes")
    available = fortune_categories()
    unknown = [c for c in categories if c not in available]
    if unknown:
        raise ValueError(f"unknown fortune categories {unknown}; installed: {available}")
    texts, labels = [], []
    for cat in categories:
        raw = (FORTUNE_DIR / cat).read_text(encoding="utf-8", errors="replace")
        for quote in re.split(r"^%\s*$", raw, flags=re.MULTILINE):
            quote = clean_text(quote)
            if quote and (max_chars is None or len(quote) <= max_chars):
                texts.append(quote)
                labels.append(cat)
    if not texts:
        raise ValueError(f"no fortunes of at most {max_chars} characters in {list(categories)}")
    idx = _subsample_indices(len(texts), n, seed)
    texts, labels, total = [texts[i] for i in idx], [labels[i] for i in idx], len(texts)
    _report(f"Debian fortunes {list(categories)}", len(texts), total, "quotes")
    return texts, labels


def load_dialog_pairs(n: int | None = None, seed: int = 0) -> list[tuple[str, str]]:
    """``(prompt, reply)`` pairs from every consecutive pair of turns in the chatterbot English corpus.

    The same prompt often has several replies (e.g. "Hello" -> "Hi" / "Greetings!"), the one-to-many
    mapping that conditional VAEs for dialog model. Fast mode keeps ``FAST_SIZES['dialog']`` pairs.
    """
    import yaml

    seed = check_seed(seed)
    n = _check_n(n, "dialog")
    folder = chatterbot_dir()
    files = sorted(glob.glob(os.fspath(folder / "*.yml")))
    if not files:
        raise CorpusNotFoundError(f"no YAML files in {folder}: run `pip install chatterbot-corpus`")
    pairs = []
    for path in files:
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh) or {}
        for conv in doc.get("conversations", []) or []:
            if not isinstance(conv, (list, tuple)):  # a malformed entry (a bare string) is not a dialog
                continue
            turns = [clean_text(str(t)) for t in conv if t is not None]
            pairs.extend((a, b) for a, b in zip(turns, turns[1:]) if a and b)
    idx = _subsample_indices(len(pairs), n, seed)
    out = [pairs[i] for i in idx]
    _report(f"chatterbot English conversations ({len(files)} files)", len(out), len(pairs), "prompt/reply pairs")
    return out


def load_news_articles(n: int | None = None, seed: int = 0) -> list[str]:
    """News articles of gensim's Lee background corpus, one string per article (corpus order kept)."""
    seed = check_seed(seed)
    n = _check_n(n, "news")
    path = _require_file(gensim_test_data_dir() / "lee_background.cor", "pip install gensim")
    docs = [clean_text(line) for line in path.read_text(encoding="utf-8", errors="replace").splitlines()]
    docs = [d for d in docs if d]
    idx = _subsample_indices(len(docs), n, seed)
    out = [docs[i] for i in idx]
    _report("Lee news corpus (gensim lee_background.cor)", len(out), len(docs), "articles")
    return out


def novelty(generated: Sequence[str], training: Sequence[str]) -> float:
    """Share of ``generated`` strings that are *not* exact copies of a ``training`` string (0..1)."""
    if isinstance(generated, str) or isinstance(training, str):
        raise TypeError("generated and training must be lists of strings, not one string")
    generated = list(generated)
    if not generated:
        raise ValueError("generated is empty")
    seen = set(training)
    return float(np.mean([g not in seen for g in generated]))


def bigram_log_likelihood(texts: Sequence[str], reference: Sequence[str], alpha: float = 1.0) -> float:
    """Mean log-probability per character of ``texts`` under a character bigram model of ``reference``.

    The bigram model (add-``alpha`` smoothing, start and end markers) is a cheap plausibility judge for
    generated short strings: text that looks like the reference scores higher than random characters.
    Returned in nats per character (end marker included), so strings of different lengths compare.
    """
    if isinstance(texts, str) or isinstance(reference, str):
        raise TypeError("texts and reference must be lists of strings, not one string")
    texts, reference = list(texts), list(reference)
    if not texts or not reference:
        raise ValueError("texts and reference must be non-empty")
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not alpha > 0:
        raise ValueError(f"alpha must be a number > 0, got {alpha!r}")
    start, end = "\x02", "\x03"
    chars = sorted({c for t in reference for c in t} | {end})
    index = {c: i for i, c in enumerate(chars)}
    rows = {c: i for i, c in enumerate([start] + chars)}
    counts = np.full((len(rows), len(chars)), float(alpha))
    for t in reference:
        seq = start + t + end
        for a, b in zip(seq, seq[1:]):
            counts[rows[a], index[b]] += 1
    log_p = np.log(counts / counts.sum(axis=1, keepdims=True))
    unseen = float(np.log(alpha / (counts.sum(axis=1).max() + alpha)))  # characters never seen in reference
    total, n_chars = 0.0, 0
    for t in texts:
        seq = start + t + end
        for a, b in zip(seq, seq[1:]):
            total += log_p[rows[a], index[b]] if a in rows and b in index else unseen
            n_chars += 1
    return total / n_chars
