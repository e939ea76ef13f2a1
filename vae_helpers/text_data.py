"""Compatibility shim: moved to vae_helpers.text.corpora; removed once the notebooks import from there."""

from vae_helpers.text.corpora import (  # noqa: F401
    DEFAULT_FORTUNE_CATEGORIES,
    FAST_SIZES,
    FORTUNE_DIR,
    CorpusNotFoundError,
    bigram_log_likelihood,
    chatterbot_dir,
    clean_text,
    fortune_categories,
    gensim_test_data_dir,
    load_dialog_pairs,
    load_fortunes,
    load_movie_reviews,
    load_names,
    load_news_articles,
    names_dir,
    novelty,
)
