"""Text VAE (Bowman et al. 2016): tokenizer, GRU encoder/decoder builders and the ``TextVAE`` model.

Sequences are integer ids of fixed length ``T = max_length + 2``: ``<s> tokens… </s>`` then padding
(id 0). The encoder reads the whole sequence; the decoder is trained with **teacher forcing**
(input ``ids[:, :-1]``, target ``ids[:, 1:]``) and conditioned on z at every step. Word dropout
(replacing decoder inputs by ``[UNK]``) and KL annealing (``vh.KLAnnealing``) fight posterior
collapse; the KL term is reported by the loss trackers so collapse is visible. An optional
**condition** (the ids of a prompt) turns it into a conditional VAE for dialog (Zhao et al. 2017).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import keras
import numpy as np
from keras import layers, ops

from vae_helpers._checks import as_token_ids, check_non_negative, check_positive_int
from vae_helpers.core.models import DEFAULT_LOGVAR_RANGE, VAE
from vae_helpers.text.metrics import tokens

PAD, UNK, BOS, EOS = 0, 1, 2, 3


class TextTokenizer:
    """Character- or word-level vocabulary backed by ``keras.layers.StringLookup``.

    ids: 0 = padding, 1 = ``[UNK]``, 2 = ``<s>``, 3 = ``</s>``, then tokens by frequency.
    """

    def __init__(
        self,
        level: str = "char",
        max_length: int = 20,
        max_tokens: int | None = None,
        lowercase: bool = True,
        vocabulary: Sequence[str] | None = None,
    ) -> None:
        if level not in ("char", "word"):
            raise ValueError(f"level must be 'char' or 'word', got {level!r}")
        self.level = level
        self.max_length = check_positive_int(max_length, "max_length")
        self.max_tokens = None if max_tokens is None else check_positive_int(max_tokens, "max_tokens")
        self.lowercase = lowercase
        self.vocabulary: list[str] = []
        self._lookup = None
        if vocabulary is not None:
            self._set_vocabulary(list(vocabulary))

    @property
    def sequence_length(self) -> int:
        """Length of encoded sequences: max_length tokens plus ``<s>`` and ``</s>``."""
        return self.max_length + 2

    @property
    def vocab_size(self) -> int:
        self._check_fitted()
        return len(self.vocabulary) + 4

    def tokenize(self, text: str) -> list[str]:
        """Split one string into characters or words (punctuation kept as tokens)."""
        if not isinstance(text, str):
            raise TypeError(f"texts must be strings, got {type(text).__name__}")
        if self.level == "word":
            return tokens(text, lowercase=self.lowercase, punctuation=True)
        return list(text.lower() if self.lowercase else text)

    def fit(self, texts: Iterable[str]) -> TextTokenizer:
        """Build the vocabulary from ``texts`` (most frequent first, at most ``max_tokens``)."""
        counts = Counter(tok for t in texts for tok in self.tokenize(t))
        if not counts:
            raise ValueError("cannot fit a tokenizer on empty texts")
        vocab = [tok for tok, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        self._set_vocabulary(vocab[: self.max_tokens])
        return self

    def _set_vocabulary(self, vocab: list[str]) -> None:
        self.vocabulary = vocab
        self._lookup = layers.StringLookup(vocabulary=["<s>", "</s>"] + vocab, mask_token="", oov_token="[UNK]")

    def _check_fitted(self) -> None:
        if self._lookup is None:
            raise ValueError("the tokenizer has no vocabulary yet: call fit(texts) first")

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Strings -> int32 ids ``(n, sequence_length)``: ``<s>``, up to max_length tokens, ``</s>``, padding."""
        self._check_fitted()
        if isinstance(texts, str):
            raise TypeError("encode takes a list of strings, not one string")
        out = np.zeros((len(texts), self.sequence_length), dtype=np.int32)
        for row, text in enumerate(texts):
            toks = self.tokenize(text)[: self.max_length]
            ids = ops.convert_to_numpy(self._lookup(toks)) if toks else np.zeros(0, np.int64)
            out[row, 0], out[row, 1 : len(ids) + 1], out[row, len(ids) + 1] = BOS, ids, EOS
        return out

    def decode(self, ids) -> list[str]:
        """ids -> strings, stopping at ``</s>`` and skipping ``<s>`` and padding."""
        self._check_fitted()
        ids = as_token_ids(ids, self.vocab_size, name="ids")
        words = ["", "[UNK]", "<s>", "</s>"] + self.vocabulary
        joiner = "" if self.level == "char" else " "
        texts = []
        for row in ids:
            toks = []
            for i in row:
                if i == EOS:
                    break
                if i not in (PAD, BOS):
                    toks.append(words[i])
            texts.append(joiner.join(toks))
        return texts

    def get_config(self) -> dict:
        return {
            "level": self.level,
            "max_length": self.max_length,
            "max_tokens": self.max_tokens,
            "lowercase": self.lowercase,
            "vocabulary": list(self.vocabulary),
        }

    @classmethod
    def from_config(cls, config: dict) -> TextTokenizer:
        return cls(**config)


def _condition_vector(cond_in, vocab_size: int, embed_dim: int, hidden: int, name: str):
    h = layers.Embedding(vocab_size, embed_dim, mask_zero=True, name=f"{name}_embedding")(cond_in)
    return layers.GRU(hidden, name=f"{name}_gru")(h)


def build_text_encoder(
    vocab_size: int,
    sequence_length: int,
    latent_dim: int = 16,
    embed_dim: int = 64,
    hidden: int = 128,
    condition_length: int | None = None,
    name: str = "text_encoder",
) -> keras.Model:
    """Embedding -> bidirectional GRU -> linear ``[z_mean, z_log_var]`` (plus a prompt GRU if conditional)."""
    vocab_size, sequence_length = (
        check_positive_int(vocab_size, "vocab_size"),
        check_positive_int(sequence_length, "sequence_length"),
    )
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    ids = keras.Input((sequence_length,), dtype="int32", name="ids")
    h = layers.Embedding(vocab_size, check_positive_int(embed_dim, "embed_dim"), mask_zero=True)(ids)
    h = layers.Bidirectional(layers.GRU(check_positive_int(hidden, "hidden")))(h)
    inputs = [ids]
    if condition_length is not None:
        cond = keras.Input((check_positive_int(condition_length, "condition_length"),), dtype="int32", name="condition")
        h = layers.Concatenate()([h, _condition_vector(cond, vocab_size, embed_dim, hidden, "enc_cond")])
        inputs.append(cond)
    return keras.Model(
        inputs if len(inputs) > 1 else ids,
        [layers.Dense(latent_dim, name="z_mean")(h), layers.Dense(latent_dim, name="z_log_var")(h)],
        name=name,
    )


def build_text_decoder(
    vocab_size: int,
    sequence_length: int,
    latent_dim: int = 16,
    embed_dim: int = 64,
    hidden: int = 128,
    condition_length: int | None = None,
    name: str = "text_decoder",
) -> keras.Model:
    """``[z, input_ids(, condition)]`` -> next-token logits ``(batch, sequence_length - 1, vocab)``.

    z sets the GRU's initial state *and* is concatenated to every input embedding, so the
    decoder cannot easily ignore it.
    """
    vocab_size, sequence_length = (
        check_positive_int(vocab_size, "vocab_size"),
        check_positive_int(sequence_length, "sequence_length"),
    )
    latent_dim, hidden = check_positive_int(latent_dim, "latent_dim"), check_positive_int(hidden, "hidden")
    z = keras.Input((latent_dim,), name="z")
    dec_in = keras.Input((sequence_length - 1,), dtype="int32", name="decoder_input")
    inputs, code = [z, dec_in], z
    if condition_length is not None:
        cond = keras.Input((check_positive_int(condition_length, "condition_length"),), dtype="int32", name="condition")
        code = layers.Concatenate()([z, _condition_vector(cond, vocab_size, embed_dim, hidden, "dec_cond")])
        inputs.append(cond)
    emb = layers.Embedding(vocab_size, check_positive_int(embed_dim, "embed_dim"))(dec_in)
    h = layers.Concatenate()([emb, layers.RepeatVector(sequence_length - 1)(code)])
    state = layers.Dense(hidden, activation="tanh")(code)
    h = layers.GRU(hidden, return_sequences=True)(h, initial_state=state)
    return keras.Model(inputs, layers.Dense(vocab_size, name="logits")(h), name=name)


@keras.saving.register_keras_serializable(package="vae_helpers")
class TextVAE(VAE):
    """Sequence VAE with a categorical likelihood, word dropout and an optional prompt condition."""

    def __init__(
        self,
        encoder: keras.Model,
        decoder: keras.Model,
        word_dropout: float = 0.0,
        beta: float = 1.0,
        logvar_range: tuple[float, float] | None = DEFAULT_LOGVAR_RANGE,
        free_bits: float = 0.0,
        seed: int | None = None,
        likelihood: str = "categorical",
        **kwargs,
    ) -> None:
        if likelihood != "categorical":
            raise ValueError("a TextVAE always uses likelihood='categorical'")
        super().__init__(
            encoder,
            decoder,
            likelihood="categorical",
            beta=beta,
            logvar_range=logvar_range,
            free_bits=free_bits,
            seed=seed,
            **kwargs,
        )
        self.word_dropout = check_non_negative(word_dropout, "word_dropout")
        if self.word_dropout >= 1:
            raise ValueError(f"word_dropout must be < 1, got {word_dropout}")
        self.vocab_size = int(decoder.outputs[0].shape[-1])
        self.sequence_length = int(decoder.inputs[1].shape[1]) + 1
        self.conditional = len(decoder.inputs) == 3
        self.dropout_seed = keras.random.SeedGenerator(seed)

    # ---- input checks -------------------------------------------------------------------------
    def check_inputs(self, x, name: str = "x") -> np.ndarray:
        return as_token_ids(x, self.vocab_size, self.sequence_length, name)

    def check_condition(self, condition, n: int, name: str = "condition") -> np.ndarray:
        if not self.conditional:
            return super().check_condition(condition, n, name)
        arr = as_token_ids(condition, self.vocab_size, int(self.decoder.inputs[2].shape[1]), name)
        if len(arr) != n:
            raise ValueError(f"{name} has {len(arr)} rows but there are {n} examples")
        return arr

    def _cond(self, condition):
        if self.conditional and condition is None:
            raise ValueError("this TextVAE is conditional: pass condition= (prompt ids)")
        return [condition] if self.conditional else []

    # ---- model hooks ----------------------------------------------------------------------------
    def encoder_inputs(self, x, condition=None):
        return [x] + self._cond(condition) if self.conditional else x

    def decoder_output(self, z, condition=None, x=None, training: bool = False):
        dec_in = ops.cast(ops.convert_to_tensor(x)[:, :-1], "int32")
        z = ops.convert_to_tensor(z, dtype="float32")
        condition = None if condition is None else ops.cast(ops.convert_to_tensor(condition), "int32")
        if training and self.word_dropout > 0:
            drop = keras.random.uniform(ops.shape(dec_in), seed=self.dropout_seed) < self.word_dropout
            drop = ops.logical_and(drop, ops.greater(dec_in, BOS))  # keep <s> and padding
            dec_in = ops.where(drop, ops.full_like(dec_in, UNK), dec_in)
        return self.decoder([z, dec_in] + self._cond(condition), training=training)

    def log_likelihood(self, x, decoder_output):
        """log p(x | z) per sentence: the decoder's logits predict ``x`` shifted by one token."""
        return super().log_likelihood(x[:, 1:], decoder_output)

    # ---- generation ------------------------------------------------------------------------------
    def generate_ids(self, z, condition=None, temperature: float = 0.0, seed: int = 0) -> np.ndarray:
        """Decode codes ``z`` token by token: greedy when ``temperature == 0``, else sampling.

        Returns ids ``(n, sequence_length)`` starting with ``<s>``; use ``TextTokenizer.decode``.
        """
        z = np.asarray(z, dtype=np.float32)
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must have shape (n, {self.latent_dim}), got {z.shape}")
        temperature = check_non_negative(temperature, "temperature")
        cond = self._cond(None if condition is None else self.check_condition(condition, len(z)))
        rng = np.random.default_rng(seed)
        seq = np.zeros((len(z), self.sequence_length), dtype=np.int32)
        seq[:, 0] = BOS
        done = np.zeros(len(z), dtype=bool)
        for t in range(self.sequence_length - 1):
            logits = ops.convert_to_numpy(self.decoder([z, seq[:, :-1]] + cond, training=False))[:, t]
            logits[:, [PAD, UNK, BOS]] = -np.inf  # never emit padding, unknown or a second <s>
            if temperature == 0:
                nxt = logits.argmax(axis=1)
            else:
                p = np.exp((logits - logits.max(axis=1, keepdims=True)) / temperature)
                p /= p.sum(axis=1, keepdims=True)
                nxt = np.array([rng.choice(len(row), p=row) for row in p])
            seq[:, t + 1] = np.where(done, PAD, nxt)
            done |= nxt == EOS
            if done.all():
                break
        return seq

    def sample_ids(self, n: int, temperature: float = 0.0, condition=None, seed: int = 0) -> np.ndarray:
        """Generate from the prior: z ~ N(0, I), then :meth:`generate_ids`."""
        z = np.random.default_rng(seed).standard_normal((check_positive_int(n, "n"), self.latent_dim))
        return self.generate_ids(z, condition, temperature, seed)

    def sample(self, n: int, temperature: float = 1.0, seed: int = 0) -> np.ndarray:
        raise TypeError("a TextVAE generates token ids: use sample_ids(n) and TextTokenizer.decode")

    def decode(self, z, batch_size: int = 1024) -> np.ndarray:
        raise TypeError("a TextVAE decodes step by step: use generate_ids(z) and TextTokenizer.decode")

    def reconstruct(self, x, sample: bool = False, seed: int = 0) -> np.ndarray:
        raise TypeError("use generate_ids(encode(x)[0]) to reconstruct text")

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("likelihood", None)
        config.pop("obs_sigma", None)
        return {**config, "word_dropout": self.word_dropout}


def token_accuracy(model: TextVAE, x, condition=None) -> float:
    """Share of non-padding target tokens predicted correctly (argmax, teacher forcing, z = posterior mean)."""
    if not isinstance(model, TextVAE):
        raise TypeError(f"model must be a TextVAE, got {type(model).__name__}")
    x = model.check_inputs(x)
    z_mean, _ = model.encode(x, condition)
    c = None if condition is None else model.check_condition(condition, len(x))
    logits = ops.convert_to_numpy(model.decoder_output(z_mean, c, x=x))
    target, mask = x[:, 1:], x[:, 1:] != PAD
    return float(((logits.argmax(-1) == target) & mask).sum() / mask.sum())
