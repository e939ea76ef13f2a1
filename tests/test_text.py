import keras
import numpy as np
import pytest

import vae_helpers as vh
from vae_helpers.core import categorical_log_likelihood
from vae_helpers.text import (
    BOS,
    EOS,
    PAD,
    TextTokenizer,
    TextVAE,
    build_text_decoder,
    build_text_encoder,
    token_accuracy,
)

NAMES = ["anna", "bob", "carla", "dave", "eve", "frank", "gina", "hal", "ivy", "jon"] * 8


@pytest.fixture
def tok():
    return TextTokenizer("char", max_length=8).fit(NAMES)


def _model(tok, condition_length=None, word_dropout=0.0):
    vh.set_seed(0)
    args = (tok.vocab_size, tok.sequence_length, 3, 8, 16)
    return TextVAE(
        build_text_encoder(*args, condition_length=condition_length),
        build_text_decoder(*args, condition_length=condition_length),
        word_dropout=word_dropout,
    )


def test_tokenizer_round_trip_and_layout(tok):
    ids = tok.encode(["anna", "gina"])
    assert ids.shape == (2, 10) and ids[0, 0] == BOS and ids[0, 5] == EOS and ids[0, 6] == PAD
    assert tok.decode(ids) == ["anna", "gina"]
    assert tok.decode(tok.encode(["zoq"]))[0] == "[UNK]o[UNK]"
    words = TextTokenizer("word", max_length=5).fit(["hello there world", "hello world"])
    assert words.decode(words.encode(["hello world !"])) == ["hello world [UNK]"]
    again = TextTokenizer.from_config(tok.get_config())
    np.testing.assert_array_equal(again.encode(NAMES[:5]), tok.encode(NAMES[:5]))


def test_tokenizer_bad_input(tok):
    with pytest.raises(ValueError, match="fit"):
        TextTokenizer().encode(["a"])
    with pytest.raises(ValueError, match="level"):
        TextTokenizer(level="byte")
    with pytest.raises(TypeError, match="list of strings"):
        tok.encode("anna")
    with pytest.raises(ValueError, match="token ids must lie"):
        tok.decode(np.full((1, 10), 999))


def test_categorical_log_likelihood_masks_padding():
    logits = np.log(np.array([[[0.5, 0.25, 0.25], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]]], np.float32))
    value = keras.ops.convert_to_numpy(categorical_log_likelihood(np.array([[1, 1, 0]]), logits))
    assert value[0] == pytest.approx(np.log(0.25) + np.log(0.8), rel=1e-5)


def test_text_vae_trains_saves_and_generates(tok, tmp_path):
    x = tok.encode(NAMES)
    model = _model(tok, word_dropout=0.2)
    run = vh.train(model, x, x, epochs=12, batch_size=16, learning_rate=3e-3, print_every=None)
    assert run.history["loss"][-1] < run.history["loss"][0]
    assert token_accuracy(model, x) > 0.3
    res = vh.evaluate_elbo(model, x[:20])
    assert res["elbo"] == pytest.approx(-(res["reconstruction"] + res["kl"]))
    ids = model.sample_ids(4, temperature=1.0)
    assert ids.shape == (4, tok.sequence_length) and (ids[:, 0] == BOS).all()
    assert len(tok.decode(ids)) == 4
    model.save(tmp_path / "text.keras")
    loaded = keras.models.load_model(tmp_path / "text.keras")
    z = model.encode(x[:6])[0]
    np.testing.assert_array_equal(loaded.generate_ids(z), model.generate_ids(z))
    assert loaded.word_dropout == 0.2


def test_conditional_text_vae(tok):
    x = tok.encode(NAMES)
    prompts = tok.encode(NAMES[1:] + NAMES[:1])
    model = _model(tok, condition_length=tok.sequence_length)
    vh.train(model, x, epochs=1, batch_size=16, condition=prompts, print_every=None)
    assert model.generate_ids(np.zeros((3, 3)), condition=prompts[:3]).shape == (3, tok.sequence_length)
    with pytest.raises(ValueError, match="conditional"):
        model.encode(x[:3])


def test_text_vae_bad_input(tok):
    model = _model(tok)
    with pytest.raises(ValueError, match="sequence length"):
        model.encode(np.zeros((2, 4), np.int32))
    with pytest.raises(ValueError, match="token ids must lie"):
        vh.train(model, np.full((4, tok.sequence_length), 500), epochs=1, print_every=None)
    with pytest.raises(ValueError, match="word_dropout"):
        TextVAE(model.encoder, model.decoder, word_dropout=1.0)
    with pytest.raises(TypeError, match="sample_ids"):
        model.sample(3)
    with pytest.raises(ValueError, match="z must have shape"):
        model.generate_ids(np.zeros((2, 7)))
