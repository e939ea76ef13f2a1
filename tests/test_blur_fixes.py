import keras
import numpy as np
import pytest

import vae_helpers as vh
from vae_helpers.core import (
    VQVAE,
    FeatureLossVAE,
    LearnedVarianceVAE,
    VectorQuantizer,
    build_vq_decoder,
    build_vq_encoder,
)


@pytest.fixture
def bars():
    """Binary 8x8 images of one horizontal or vertical bar: structured, learnable fast."""
    rng = np.random.default_rng(0)
    x = np.zeros((128, 8, 8, 1), np.float32)
    for i in range(len(x)):
        k = rng.integers(8)
        if i % 2:
            x[i, k, :, 0] = 1
        else:
            x[i, :, k, 0] = 1
    return x


def _mlp(latent=3):
    return (
        vh.build_mlp_encoder((8, 8, 1), latent_dim=latent, hidden=(32,)),
        vh.build_mlp_decoder(latent, (8, 8, 1), hidden=(32,)),
    )


def _features_net():
    inp = keras.Input((8, 8, 1))
    return keras.Model(inp, keras.layers.Conv2D(4, 3, padding="same", activation="relu")(inp))


def test_learned_variance_vae_learns_sigma(bars):
    vh.set_seed(0)
    assert LearnedVarianceVAE(*_mlp()).sigma == pytest.approx(0.3, rel=1e-4)
    model = LearnedVarianceVAE(*_mlp(), init_log_sigma=0.0)  # sigma = 1: far too noisy for [0, 1] pixels
    assert model.likelihood == "gaussian"
    run = vh.train(model, bars, epochs=15, batch_size=8, learning_rate=3e-3, print_every=None)
    assert run.history["loss"][-1] < run.history["loss"][0]
    assert model.sigma < 0.7  # the optimum sigma^2 is the mean squared error
    assert any("log_sigma" in w.name for w in model.trainable_weights)
    elbo = vh.evaluate_elbo(model, bars)
    assert np.isfinite(elbo["elbo"])


def test_learned_variance_bad_input():
    with pytest.raises(ValueError, match="below min_log_sigma"):
        LearnedVarianceVAE(*_mlp(), init_log_sigma=-8.0, min_log_sigma=-6.0)
    with pytest.raises(ValueError, match="finite"):
        LearnedVarianceVAE(*_mlp(), init_log_sigma=float("nan"))


def test_feature_loss_vae_trains_and_reports_feature_loss(bars):
    vh.set_seed(0)
    model = FeatureLossVAE(*_mlp(), feature_net=_features_net(), feature_weight=0.5)
    n_frozen = len(model.feature_net.weights)
    run = vh.train(model, bars, epochs=10, batch_size=32, learning_rate=3e-3, print_every=None)
    assert run.history["loss"][-1] < run.history["loss"][0]
    assert run.history["feature_loss"][-1] < run.history["feature_loss"][0]
    # the feature network is frozen: none of its weights are trainable
    assert n_frozen > 0 and not any(w is v for w in model.trainable_weights for v in model.feature_net.weights)
    assert np.isfinite(vh.evaluate_elbo(model, bars)["elbo"])


def test_feature_loss_bad_input():
    with pytest.raises(TypeError, match="keras.Model"):
        FeatureLossVAE(*_mlp(), feature_net="vgg")
    inp = keras.Input((4, 4, 1))
    with pytest.raises(ValueError, match="expects inputs"):
        FeatureLossVAE(*_mlp(), feature_net=keras.Model(inp, inp))
    with pytest.raises(ValueError, match=">= 0"):
        FeatureLossVAE(*_mlp(), feature_net=_features_net(), feature_weight=-1.0)


def test_vector_quantizer_straight_through():
    import tensorflow as tf

    vq = VectorQuantizer(num_codes=4, code_dim=2)
    z = tf.constant(np.random.default_rng(0).normal(size=(3, 5, 5, 2)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(z)
        z_q, idx, cb, cm = vq.quantize_codes(z)
        loss = tf.reduce_sum(z_q)
    grad = tape.gradient(loss, z)
    assert z_q.shape == z.shape and idx.shape == (3, 5, 5)
    np.testing.assert_allclose(grad.numpy(), 1.0)  # straight-through: identity gradient
    np.testing.assert_allclose(z_q.numpy(), vq.lookup(idx).numpy(), atol=1e-6)  # values are codebook vectors
    assert float(cb) == pytest.approx(float(cm)) and float(cb) > 0
    with pytest.raises(ValueError, match="code_dim=2"):
        vq.indices(np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match="> 0"):
        VectorQuantizer(num_codes=0)


def test_vqvae_trains_samples_and_round_trips(bars, tmp_path):
    vh.set_seed(0)
    enc = build_vq_encoder((8, 8, 1), code_dim=4, filters=(16, 16))
    dec = build_vq_decoder((2, 2), code_dim=4, filters=(16, 16))
    model = VQVAE(enc, dec, num_codes=8)
    run = vh.train(model, bars, epochs=15, batch_size=32, learning_rate=3e-3, print_every=None)
    assert run.history["reconstruction_loss"][-1] < run.history["reconstruction_loss"][0]
    assert model.encode_indices(bars[:5]).shape == (5, 2, 2)
    assert model.reconstruct(bars[:5]).shape == (5, 8, 8, 1)
    # code_usage counts the distinct codes used; a collapsed codebook (1 code for every bar) must fail here
    idx = model.encode_indices(bars)
    assert model.code_usage(bars) == len(np.unique(idx)) >= 3
    assert len({grid.tobytes() for grid in idx}) >= 6  # different bars get different code grids
    with pytest.raises(RuntimeError, match="fit_code_prior"):
        model.sample(3)
    prior = model.fit_code_prior(bars)
    assert prior.shape == (2, 2, 8) and np.allclose(prior.sum(-1), 1.0)
    s = model.sample(6, seed=1)
    assert s.shape == (6, 8, 8, 1) and s.min() >= 0 and s.max() <= 1
    with pytest.raises(ValueError, match="indices must"):
        model.decode_indices(np.full((2, 2, 2), 99))
    path = tmp_path / "vq.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.reconstruct(bars[:4]), model.reconstruct(bars[:4]), atol=1e-5)


def test_vqvae_bad_wiring():
    enc = build_vq_encoder((8, 8, 1), code_dim=4, filters=(16, 16))
    with pytest.raises(ValueError, match="code grid"):
        VQVAE(enc, build_vq_decoder((4, 4), code_dim=4, filters=(16,)))


def test_save_load_round_trip_vae_variants(bars, tmp_path):
    vh.set_seed(0)
    lv = LearnedVarianceVAE(*_mlp(), init_log_sigma=-1.0)
    vh.train(lv, bars, epochs=2, batch_size=32, print_every=None)
    lv.save(tmp_path / "lv.keras")
    lv2 = keras.models.load_model(tmp_path / "lv.keras")
    assert lv2.sigma == pytest.approx(lv.sigma, rel=1e-5)
    np.testing.assert_allclose(
        lv2.decode(np.zeros((2, 3), np.float32)), lv.decode(np.zeros((2, 3), np.float32)), atol=1e-5
    )
    fl = FeatureLossVAE(*_mlp(), feature_net=_features_net(), feature_weight=0.3)
    vh.train(fl, bars, epochs=1, batch_size=32, print_every=None)
    fl.save(tmp_path / "fl.keras")
    fl2 = keras.models.load_model(tmp_path / "fl.keras")
    assert fl2.feature_weight == pytest.approx(0.3)
    np.testing.assert_allclose(
        fl2.decode(np.ones((2, 3), np.float32)), fl.decode(np.ones((2, 3), np.float32)), atol=1e-5
    )
