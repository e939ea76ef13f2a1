"""IWAE and ELBO checked against probabilistic PCA, whose marginal likelihood is closed-form."""

import numpy as np
import pytest
from scipy.stats import multivariate_normal

import vae_helpers as vh

D, d, SIGMA = 5, 2, 0.5


def _ppca_vae(mean_shift: float = 0.0, logvar_shift: float = 0.0):
    """A linear-Gaussian VAE whose encoder is the exact posterior (plus optional perturbation)."""
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.normal(size=(D, D)))
    w = q[:, :d] * np.array([2.0, 1.0])  # orthogonal columns -> diagonal posterior
    b = rng.normal(size=D)
    m_diag = (w**2).sum(axis=0) + SIGMA**2  # M = W^T W + sigma^2 I (diagonal)
    enc = vh.build_mlp_encoder((D,), latent_dim=d, hidden=())
    dec = vh.build_mlp_decoder(d, (D,), hidden=())
    post_kernel = w / m_diag  # (D, d): M^-1 W^T, transposed
    enc.get_layer("z_mean").set_weights([post_kernel, -(b @ post_kernel) + mean_shift])
    enc.get_layer("z_log_var").set_weights([np.zeros((D, d)), np.log(SIGMA**2 / m_diag) + logvar_shift])
    dec.layers[1].set_weights([w.T, b])
    model = vh.VAE(enc, dec, likelihood="gaussian", obs_sigma=SIGMA)
    x = multivariate_normal(b, w @ w.T + SIGMA**2 * np.eye(D)).rvs(300, random_state=1).astype(np.float32)
    exact = multivariate_normal(b, w @ w.T + SIGMA**2 * np.eye(D)).logpdf(x)
    return model, x, exact


def test_iwae_is_exact_with_the_true_posterior():
    model, x, exact = _ppca_vae()
    est = vh.iwae_log_likelihood(model, x, k=1, per_example=True)
    np.testing.assert_allclose(est, exact, atol=2e-3)


def test_iwae_converges_to_the_exact_likelihood_as_k_grows():
    model, x, exact = _ppca_vae(mean_shift=0.5, logvar_shift=1.0)
    gaps = [exact.mean() - vh.iwae_log_likelihood(model, x, k=k) for k in (1, 10, 1000)]
    assert gaps[0] > gaps[1] > gaps[2] >= -0.02
    assert gaps[0] > 0.5 and gaps[2] < 0.05


def test_evaluate_elbo_matches_log_likelihood_with_true_posterior():
    model, x, exact = _ppca_vae()
    res = vh.evaluate_elbo(model, x)
    assert res["elbo"] == pytest.approx(-(res["reconstruction"] + res["kl"]))
    assert res["elbo"] == pytest.approx(exact.mean(), abs=0.15)


def test_metrics_reject_bad_input(tiny_vae, images):
    with pytest.raises(ValueError, match="k must be > 0"):
        vh.iwae_log_likelihood(tiny_vae, images, k=0)
    with pytest.raises(TypeError, match="vae_helpers.VAE"):
        vh.evaluate_elbo(object(), images)
    bad = images.copy()
    bad[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        vh.evaluate_elbo(tiny_vae, bad)


def test_active_units_counts_informative_dimensions():
    model, x, _ = _ppca_vae()
    assert vh.active_units(model, x) == d
    model.encoder.get_layer("z_mean").set_weights([np.zeros((D, d)), np.zeros(d)])
    assert vh.active_units(model, x) == 0


def test_independent_pixel_log_likelihood_matches_formula_and_beats_a_wrong_mean():
    from vae_helpers.evaluation import independent_pixel_log_likelihood

    rng = np.random.default_rng(0)
    p_true = rng.uniform(0.05, 0.95, size=(4, 4, 1))
    x_fit = (rng.random((2000, 4, 4, 1)) < p_true).astype(np.float32)
    x = (rng.random((500, 4, 4, 1)) < p_true).astype(np.float32)
    ll = independent_pixel_log_likelihood(x_fit, x)
    p = np.clip(x_fit.mean(0), 1e-3, 1 - 1e-3)
    expected = (x * np.log(p) + (1 - x) * np.log(1 - p)).reshape(500, -1).sum(1)
    np.testing.assert_allclose(ll, expected, rtol=1e-5)
    assert ll.mean() > independent_pixel_log_likelihood(1 - x_fit, x).mean()


def test_independent_pixel_log_likelihood_finite_for_constant_pixels_and_bad_input():
    from vae_helpers.evaluation import independent_pixel_log_likelihood

    zeros = np.zeros((10, 3, 3, 1), np.float32)
    ones = np.ones((2, 3, 3, 1), np.float32)
    ll = independent_pixel_log_likelihood(zeros, ones)  # a pixel never on in x_fit, on in x
    assert np.all(np.isfinite(ll)) and np.allclose(ll, 9 * np.log(1e-3))
    with pytest.raises(ValueError, match="shape"):
        independent_pixel_log_likelihood(zeros, np.zeros((2, 4, 4, 1)))
    with pytest.raises(ValueError):
        independent_pixel_log_likelihood(zeros, ones * 2)
    with pytest.raises(ValueError, match="eps"):
        independent_pixel_log_likelihood(zeros, ones, eps=0.0)
