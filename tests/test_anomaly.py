"""Tests for vae_helpers.anomaly: per-example anomaly scores."""

import math

import numpy as np
import pytest
from keras import ops

import vae_helpers as vh
from vae_helpers.core import kl_divergence
from vae_helpers.evaluation import negative_elbo, reconstruction_error, reconstruction_probability


@pytest.fixture
def tiny_ae():
    vh.set_seed(0)
    enc = vh.build_mlp_encoder((8, 8, 1), latent_dim=3, hidden=(16,), variational=False)
    dec = vh.build_mlp_decoder(3, (8, 8, 1), hidden=(16,))
    return vh.Autoencoder(enc, dec)


def test_shapes_and_finiteness(tiny_vae, tiny_ae, images):
    for score in (
        reconstruction_probability(tiny_vae, images, n_samples=3),
        reconstruction_probability(tiny_vae, images, n_samples=3, reduction="log_mean"),
        negative_elbo(tiny_vae, images, n_samples=3),
        reconstruction_error(tiny_vae, images),
        reconstruction_error(tiny_ae, images, kind="squared"),
    ):
        assert score.shape == (len(images),)
        assert np.all(np.isfinite(score))


def test_reconstruction_probability_matches_hand_computation(tiny_vae, images):
    n_samples, seed = 4, 3
    got = reconstruction_probability(tiny_vae, images, n_samples=n_samples, seed=seed, batch_size=len(images))
    z_mean, z_log_var = (ops.convert_to_numpy(t) for t in tiny_vae.posterior(images))
    eps = np.random.default_rng(seed).standard_normal((len(images), n_samples, 3)).astype(np.float32)
    logs = []
    for sample in range(n_samples):
        z = z_mean + np.exp(0.5 * z_log_var) * eps[:, sample]
        logs.append(ops.convert_to_numpy(tiny_vae.log_likelihood(images, tiny_vae.decoder(z))))
    np.testing.assert_allclose(got, -np.mean(logs, axis=0), rtol=1e-5, atol=1e-3)


def test_log_mean_is_at_least_mean_log(tiny_vae, images):
    # Jensen: log of the average probability >= average log-probability, so its score is lower
    mean_log = reconstruction_probability(tiny_vae, images, n_samples=5, reduction="mean_log")
    log_mean = reconstruction_probability(tiny_vae, images, n_samples=5, reduction="log_mean")
    assert np.all(log_mean <= mean_log + 1e-6)


def test_single_sample_log_mean_equals_mean_log(tiny_vae, images):
    a = reconstruction_probability(tiny_vae, images, n_samples=1, reduction="mean_log")
    b = reconstruction_probability(tiny_vae, images, n_samples=1, reduction="log_mean")
    np.testing.assert_allclose(a, b, rtol=1e-6)


def test_negative_elbo_is_recon_score_plus_kl(tiny_vae, images):
    rp = reconstruction_probability(tiny_vae, images, n_samples=3, seed=1)
    nelbo = negative_elbo(tiny_vae, images, n_samples=3, seed=1)
    kl = ops.convert_to_numpy(kl_divergence(*tiny_vae.posterior(images)))
    np.testing.assert_allclose(nelbo, rp + kl, rtol=1e-5, atol=1e-4)


def test_scores_are_reproducible_and_batch_independent_for_deterministic_error(tiny_vae, images):
    a = reconstruction_probability(tiny_vae, images, n_samples=2, seed=5)
    b = reconstruction_probability(tiny_vae, images, n_samples=2, seed=5)
    np.testing.assert_array_equal(a, b)
    e1 = reconstruction_error(tiny_vae, images, batch_size=7)
    e2 = reconstruction_error(tiny_vae, images, batch_size=64)
    np.testing.assert_allclose(e1, e2, rtol=1e-5)


def test_reconstruction_error_values(tiny_ae, images):
    recon = tiny_ae.reconstruct(images)
    sq = reconstruction_error(tiny_ae, images, kind="squared")
    np.testing.assert_allclose(sq, ((images - recon) ** 2).reshape(len(images), -1).sum(1), rtol=1e-4)
    nll = reconstruction_error(tiny_ae, images, kind="nll")
    p = np.clip(recon, 1e-7, 1 - 1e-7)
    bce = -(images * np.log(p) + (1 - images) * np.log(1 - p)).reshape(len(images), -1).sum(1)
    np.testing.assert_allclose(nll, bce, rtol=1e-3)


def test_higher_score_for_images_far_from_training_data(tiny_vae):
    # a few epochs on near-empty images: a full white image must look anomalous
    vh.set_seed(0)
    rng = np.random.default_rng(0)
    x = (rng.random((256, 8, 8, 1)) * 0.05).astype(np.float32)
    vh.train(tiny_vae, x, epochs=20, batch_size=64, print_every=None, learning_rate=1e-2)
    test = np.concatenate([x[:8], np.ones((8, 8, 8, 1), np.float32)])
    for score in (
        reconstruction_probability(tiny_vae, test),
        negative_elbo(tiny_vae, test),
        reconstruction_error(tiny_vae, test),
    ):
        assert score[8:].min() > score[:8].max()


def test_untrained_score_scale(tiny_vae, images):
    # with logits near 0 every pixel costs about log 2 nats
    rp = reconstruction_probability(tiny_vae, images, n_samples=2)
    assert np.all(rp > 0) and np.all(rp < 64 * math.log(2) * 3)


def test_bad_inputs(tiny_vae, tiny_ae, images):
    with pytest.raises(TypeError):
        reconstruction_probability(tiny_ae, images)
    with pytest.raises(TypeError):
        negative_elbo(tiny_ae, images)
    with pytest.raises(TypeError):
        reconstruction_error("not a model", images)
    with pytest.raises(ValueError, match="reduction"):
        reconstruction_probability(tiny_vae, images, reduction="median")
    with pytest.raises(ValueError, match="kind"):
        reconstruction_error(tiny_ae, images, kind="l1")
    with pytest.raises(ValueError):
        reconstruction_probability(tiny_vae, images, n_samples=0)
    with pytest.raises(TypeError):
        negative_elbo(tiny_vae, images, n_samples=2.5)
    with pytest.raises(ValueError, match="shape"):
        reconstruction_error(tiny_vae, np.zeros((4, 9, 9, 1), np.float32))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        reconstruction_probability(tiny_vae, images * 3)
    bad = images.copy()
    bad[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        negative_elbo(tiny_vae, bad)
