"""Tests for vae_helpers.priors (mixture-of-Gaussians prior, VampPrior, prior-aware evaluation)."""

import keras
import numpy as np
import pytest
from keras import ops

import vae_helpers as vh
from vae_helpers.core import (
    MixturePriorVAE,
    VampPriorVAE,
    log_standard_normal,
    mixture_log_density,
    prior_log_density_grid,
)
from vae_helpers.evaluation import aggregate_posterior_kl


@pytest.fixture
def binary_images(images):
    return (images > 0.5).astype(np.float32)


def _nets(latent_dim=3):
    return (
        vh.build_mlp_encoder((8, 8, 1), latent_dim, hidden=(16,)),
        vh.build_mlp_decoder(latent_dim, (8, 8, 1), hidden=(16,)),
    )


def _models(latent_dim=3):
    vh.set_seed(0)
    mog = MixturePriorVAE(*_nets(latent_dim), n_components=4, seed=0)
    vh.set_seed(0)
    vamp = VampPriorVAE(*_nets(latent_dim), n_pseudo=5, seed=0)
    return mog, vamp


def test_mixture_log_density_matches_scipy_and_standard_normal():
    from scipy.stats import multivariate_normal

    rng = np.random.default_rng(0)
    z = rng.standard_normal((7, 2)).astype(np.float32)
    means = rng.standard_normal((3, 2)).astype(np.float32)
    log_vars = rng.normal(0, 0.3, (3, 2)).astype(np.float32)
    w = np.array([0.2, 0.5, 0.3])
    expected = np.log(sum(w[k] * multivariate_normal(means[k], np.diag(np.exp(log_vars[k]))).pdf(z) for k in range(3)))
    got = ops.convert_to_numpy(mixture_log_density(z, means, log_vars, np.log(w).astype(np.float32)))
    np.testing.assert_allclose(got, expected, rtol=1e-4)
    one = mixture_log_density(z, np.zeros((1, 2), np.float32), np.zeros((1, 2), np.float32), np.zeros(1, np.float32))
    np.testing.assert_allclose(ops.convert_to_numpy(one), ops.convert_to_numpy(log_standard_normal(z)), rtol=1e-5)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_mixture_log_density_with_a_component_collapsed_to_a_point():
    # log-variance -100: exp(100) overflows float32 and 0 * inf at the component's mean was NaN
    means = np.zeros((2, 3), np.float32)
    log_vars = np.stack([np.full(3, -100.0), np.zeros(3)]).astype(np.float32)
    log_w = np.log(np.full(2, 0.5)).astype(np.float32)
    z = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]], np.float32)
    got = ops.convert_to_numpy(mixture_log_density(z, means, log_vars, log_w))
    assert np.all(np.isfinite(got))
    assert got[0] > 100.0  # the point mass: -0.5 * 3 * (log 2pi - 80) + log 0.5 = 116.6
    expected = np.log(0.5) + ops.convert_to_numpy(log_standard_normal(z[1:]))[0]  # only the N(0, I) half
    assert got[1] == pytest.approx(expected, rel=1e-5)
    # above the floor nothing changes: -80 is the exact Gaussian
    at_floor = np.full((1, 3), -80.0, np.float32)
    exact = -0.5 * 3 * (np.log(2 * np.pi) - 80.0)
    assert ops.convert_to_numpy(mixture_log_density(z[:1], means[:1], at_floor, np.zeros(1, np.float32)))[0] == (
        pytest.approx(exact, rel=1e-5)
    )


def test_shapes_samples_and_prior(binary_images):
    for model in _models():
        assert model.sample(6).shape == (6, 8, 8, 1)
        assert model.sample_prior(6).shape == (6, 3)
        assert ops.convert_to_numpy(model.log_prior(np.zeros((4, 2, 3), np.float32))).shape == (4, 2)
        assert model.reconstruct(binary_images[:5]).shape == (5, 8, 8, 1)
    mog, vamp = _models()
    means, log_vars, log_w = vamp.prior_parameters()
    assert tuple(means.shape) == (5, 3) and tuple(log_w.shape) == (5,)
    assert len(mog.trainable_weights) == len(vh.VAE(*_nets()).trainable_weights) + 3


def test_single_standard_component_reproduces_the_standard_vae(binary_images):
    vh.set_seed(0)
    enc, dec = _nets()
    mog = MixturePriorVAE(enc, dec, n_components=1, init_scale=0.0)
    plain = vh.VAE(enc, dec)
    mc = vh.evaluate_elbo(mog, binary_images, kl_samples=400)
    exact = vh.evaluate_elbo(plain, binary_images)
    assert mc["kl"] == pytest.approx(exact["kl"], rel=0.05, abs=0.05)
    np.testing.assert_allclose(
        vh.iwae_log_likelihood(mog, binary_images[:8], k=5, per_example=True),
        vh.iwae_log_likelihood(plain, binary_images[:8], k=5, per_example=True),
        rtol=1e-5,
    )


def test_plain_vae_uses_the_analytic_kl_and_a_standard_normal_prior(tiny_vae, binary_images):
    """A plain VAE's KL is the closed form: evaluate_elbo ignores kl_samples (a Monte-Carlo KL would vary)."""
    assert tiny_vae.has_standard_prior
    few, many = (vh.evaluate_elbo(tiny_vae, binary_images, kl_samples=n)["kl"] for n in (1, 50))
    assert few == pytest.approx(many, rel=1e-6)
    np.testing.assert_allclose(
        ops.convert_to_numpy(tiny_vae.log_prior(np.ones((2, 3), np.float32))),
        ops.convert_to_numpy(log_standard_normal(np.ones((2, 3), np.float32))),
    )


def test_short_training_lowers_the_loss_and_moves_the_prior(binary_images):
    for model in _models():
        if isinstance(model, VampPriorVAE):
            model.init_pseudo_inputs(binary_images, seed=0)
        before = vh.evaluate_elbo(model, binary_images)["elbo"]
        prior_before = [ops.convert_to_numpy(t).copy() for t in model.prior_parameters()[:2]]
        run = vh.train(
            model, binary_images, binary_images[:16], epochs=15, batch_size=16, learning_rate=3e-3, print_every=None
        )
        assert run.history["loss"][-1] < run.history["loss"][0]
        assert vh.evaluate_elbo(model, binary_images)["elbo"] > before + 1.0
        prior_after = [ops.convert_to_numpy(t) for t in model.prior_parameters()[:2]]
        assert not np.allclose(prior_before[0], prior_after[0])


def test_save_load_round_trip(binary_images, tmp_path):
    for model in _models():
        vh.train(model, binary_images, epochs=2, batch_size=16, print_every=None)
        path = tmp_path / f"{type(model).__name__}.keras"
        model.save(path)
        loaded = keras.models.load_model(path)
        assert type(loaded) is type(model)
        for a, b in zip(model.prior_parameters(), loaded.prior_parameters()):
            np.testing.assert_allclose(ops.convert_to_numpy(a), ops.convert_to_numpy(b), atol=1e-6)
        np.testing.assert_allclose(loaded.sample(4, seed=2), model.sample(4, seed=2), atol=1e-5)


def test_aggregate_posterior_kl_and_grid(tiny_vae, binary_images):
    mog, _ = _models(latent_dim=2)
    for direction in ("prior_to_aggregate", "aggregate_to_prior"):
        value = aggregate_posterior_kl(tiny_vae, binary_images, n_samples=200, direction=direction)
        assert np.isfinite(value)
    xs, ys, logp = prior_log_density_grid(mog, lim=3.0, n=20)
    assert logp.shape == (20, 20) and xs[0] == -3.0 and np.all(np.isfinite(logp))
    # a prior that equals the aggregate posterior has (almost) zero KL: a VampPrior whose pseudo-inputs are the data
    vh.set_seed(0)
    vamp = VampPriorVAE(*_nets(2), n_pseudo=len(binary_images), seed=0)
    vamp.init_pseudo_inputs(binary_images, smoothing=1e-6)
    assert abs(aggregate_posterior_kl(vamp, binary_images, n_samples=500)) < 0.05


def test_bad_inputs(tiny_vae, binary_images):
    enc, dec = _nets()
    with pytest.raises(ValueError, match="free_bits"):
        MixturePriorVAE(enc, dec, free_bits=0.5)
    with pytest.raises(ValueError, match="n_components"):
        MixturePriorVAE(enc, dec, n_components=0)
    with pytest.raises(TypeError, match="learn_weights"):
        MixturePriorVAE(enc, dec, learn_weights="yes")
    with pytest.raises(TypeError, match="n_pseudo"):
        VampPriorVAE(enc, dec, n_pseudo=2.5)
    vamp = VampPriorVAE(enc, dec, n_pseudo=5)
    with pytest.raises(ValueError, match="at least n_pseudo"):
        vamp.init_pseudo_inputs(binary_images[:3])
    with pytest.raises(ValueError, match="smoothing"):
        vamp.init_pseudo_inputs(binary_images, smoothing=1.0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        vamp.init_pseudo_inputs(binary_images * 3)
    with pytest.raises(TypeError, match="vae_helpers.VAE"):
        vh.evaluate_elbo("model", binary_images)
    with pytest.raises(ValueError, match="direction"):
        aggregate_posterior_kl(tiny_vae, binary_images, direction="sideways")
    with pytest.raises(ValueError, match="2-D latent"):
        prior_log_density_grid(tiny_vae)
    with pytest.raises(ValueError, match="k must be"):
        vh.iwae_log_likelihood(tiny_vae, binary_images, k=0)


def test_shared_metrics_use_a_learned_prior():
    import numpy as np

    import vae_helpers as vh
    from vae_helpers.core import MixturePriorVAE

    vh.set_seed(0)
    model = MixturePriorVAE(
        vh.build_mlp_encoder((8, 8, 1), 2, (8,)), vh.build_mlp_decoder(2, (8, 8, 1), (8,)), n_components=3
    )
    assert not model.has_standard_prior and vh.VAE(model.encoder, model.decoder).has_standard_prior
    x = np.random.default_rng(0).random((20, 8, 8, 1)).astype(np.float32)
    z = np.random.default_rng(1).standard_normal((5, 2)).astype(np.float32)
    plain = vh.VAE(model.encoder, model.decoder)
    assert not np.allclose(np.asarray(model.log_prior(z)), np.asarray(plain.log_prior(z)))
    assert np.isfinite(vh.evaluate_elbo(model, x)["kl"]) and np.isfinite(vh.iwae_log_likelihood(model, x, k=5))
