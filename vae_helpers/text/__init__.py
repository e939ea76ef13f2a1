"""Text: offline corpora, the sequence VAE and its tokenizer, text metrics.

Every public name of the area's modules is re-exported here: ``vh.text.NAME``."""

from .corpora import (
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
    load_names,
    load_news_articles,
    names_dir,
    novelty,
)
from .metrics import (
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
from .vae import BOS, EOS, PAD, UNK, TextTokenizer, TextVAE, build_text_decoder, build_text_encoder, token_accuracy
