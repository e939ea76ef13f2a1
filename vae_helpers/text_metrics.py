"""Compatibility shim: moved to vae_helpers.text.metrics; removed once the notebooks import from there."""

from vae_helpers.text.metrics import (  # noqa: F401
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
    unigram_nll,
)
