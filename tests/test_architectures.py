"""Tests for the residual option of the convolutional encoder/decoder builders (lesson 12)."""

import keras
import numpy as np
import pytest

import vae_helpers as vh
from vae_helpers.core import build_conv_decoder, build_conv_encoder, count_parameters, residual_block


def _pair(latent_dim=3, blocks=1):
    enc = build_conv_encoder((8, 8, 1), latent_dim, filters=(4, 8), residual_blocks=blocks, dense_units=16)
    dec = build_conv_decoder(latent_dim, (8, 8, 1), filters=(8, 4), residual_blocks=blocks)
    return enc, dec


def test_shapes_and_variational_heads():
    enc, dec = _pair(latent_dim=5, blocks=2)
    mean, log_var = enc(np.zeros((3, 8, 8, 1), np.float32))
    assert mean.shape == (3, 5) and log_var.shape == (3, 5)
    assert dec(np.zeros((3, 5), np.float32)).shape == (3, 8, 8, 1)
    code = build_conv_encoder((8, 8, 1), 4, filters=(4,), variational=False, residual_blocks=1)
    assert code(np.zeros((2, 8, 8, 1), np.float32)).shape == (2, 4)
    rgb = build_conv_decoder(2, (16, 12, 3), filters=(8, 4), residual_blocks=1)
    assert rgb(np.zeros((1, 2), np.float32)).shape == (1, 16, 12, 3)


def test_blocks_add_depth_and_parameters():
    plain_enc, plain_dec = _pair(blocks=0)
    res_enc, res_dec = _pair(blocks=1)
    n_conv = lambda m: sum(isinstance(layer, keras.layers.Conv2D) for layer in m.layers)
    assert n_conv(res_enc) == n_conv(plain_enc) + 4 and n_conv(res_dec) == n_conv(plain_dec) + 4
    assert count_parameters(res_enc, res_dec) > count_parameters(plain_enc, plain_dec)
    assert any(isinstance(layer, keras.layers.Add) for layer in res_enc.layers)


def test_residual_block_is_identity_when_branch_is_zero():
    inp = keras.Input((4, 4, 3))
    model = keras.Model(inp, residual_block(inp, 3, "b"))
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
    x = np.random.default_rng(0).random((2, 4, 4, 3)).astype(np.float32)
    np.testing.assert_allclose(model(x), x, atol=1e-6)


def test_short_training_lowers_the_loss():
    digits = vh.load_digits().x_train[:256]  # real 8x8 digits: structure to learn
    vh.set_seed(0)
    enc, dec = _pair()
    model = vh.VAE(enc, dec, seed=0)
    before = vh.evaluate_elbo(model, digits)["elbo"]
    run = vh.train(model, digits, epochs=10, batch_size=32, learning_rate=3e-3, print_every=None)
    assert run.history["loss"][-1] < run.history["loss"][0]
    assert vh.evaluate_elbo(model, digits)["elbo"] > before + 1.0


def test_save_load_round_trip(images, tmp_path):
    vh.set_seed(0)
    enc, dec = _pair()
    model = vh.VAE(enc, dec, seed=0)
    vh.train(model, images, epochs=1, batch_size=32, print_every=None)
    model.save(tmp_path / "res.keras")
    loaded = keras.models.load_model(tmp_path / "res.keras")
    np.testing.assert_allclose(loaded.reconstruct(images[:4]), model.reconstruct(images[:4]), atol=1e-5)


def test_bad_inputs():
    with pytest.raises(ValueError, match="divisible"):
        build_conv_decoder(2, (10, 10, 1), filters=(8, 4), residual_blocks=1)
    with pytest.raises(ValueError, match="residual_blocks"):
        build_conv_decoder(residual_blocks=-1)
    with pytest.raises(ValueError, match="residual_blocks"):
        build_conv_encoder(residual_blocks=1.5)
    with pytest.raises(ValueError, match="latent_dim"):
        build_conv_encoder(latent_dim=0, residual_blocks=1)
    with pytest.raises(ValueError, match="channels"):
        residual_block(keras.Input((4, 4, 2)), 3, "x")
    with pytest.raises(TypeError, match="keras.Model"):
        count_parameters("model")
    with pytest.raises(ValueError, match="at least one"):
        count_parameters()
