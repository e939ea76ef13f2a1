import numpy as np
import pytest
from keras import ops
from scipy.stats import norm

import vae_helpers as vh
from vae_helpers.core import kl_divergence_per_dim, log_normal_diag, log_standard_normal


def test_kl_matches_monte_carlo():
    rng = np.random.default_rng(0)
    mu = rng.normal(size=(4, 3)).astype(np.float32)
    lv = rng.normal(scale=0.5, size=(4, 3)).astype(np.float32)
    analytic = ops.convert_to_numpy(vh.kl_divergence(mu, lv))
    z = mu + np.exp(0.5 * lv) * rng.standard_normal((200_000, 4, 3)).astype(np.float32)
    mc = np.mean(ops.convert_to_numpy(log_normal_diag(z, mu, lv) - log_standard_normal(z)), axis=0)
    np.testing.assert_allclose(analytic, mc, rtol=0.03, atol=0.01)


def test_kl_zero_at_prior_and_per_dim_sums():
    mu, lv = np.zeros((2, 5), np.float32), np.zeros((2, 5), np.float32)
    assert np.allclose(ops.convert_to_numpy(vh.kl_divergence(mu, lv)), 0.0)
    mu = np.ones((2, 5), np.float32)
    per_dim = ops.convert_to_numpy(kl_divergence_per_dim(mu, lv))
    np.testing.assert_allclose(per_dim.sum(axis=1), ops.convert_to_numpy(vh.kl_divergence(mu, lv)))
    np.testing.assert_allclose(per_dim, 0.5)


def test_bernoulli_log_likelihood_matches_formula():
    rng = np.random.default_rng(1)
    x = (rng.random((3, 4, 4, 1)) > 0.5).astype(np.float32)
    logits = rng.normal(size=(3, 4, 4, 1)).astype(np.float32)
    p = 1 / (1 + np.exp(-logits))
    expected = np.sum(x * np.log(p) + (1 - x) * np.log(1 - p), axis=(1, 2, 3))
    np.testing.assert_allclose(ops.convert_to_numpy(vh.bernoulli_log_likelihood(x, logits)), expected, rtol=1e-5)


def test_bernoulli_log_likelihood_is_finite_for_extreme_logits():
    x = np.array([[1.0, 0.0]], np.float32)
    logits = np.array([[-200.0, 200.0]], np.float32)
    value = ops.convert_to_numpy(vh.bernoulli_log_likelihood(x, logits))
    assert np.isfinite(value).all() and value[0] == pytest.approx(-400.0)


def test_gaussian_log_likelihood_matches_scipy():
    rng = np.random.default_rng(2)
    x, mean = rng.normal(size=(3, 6)).astype(np.float32), rng.normal(size=(3, 6)).astype(np.float32)
    expected = norm.logpdf(x, mean, 0.3).sum(axis=1)
    got = ops.convert_to_numpy(vh.gaussian_log_likelihood(x, mean, np.log(0.3)))
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_elbo_per_example_combines_terms_and_rejects_unknown_likelihood():
    rng = np.random.default_rng(3)
    x = rng.random((2, 5)).astype(np.float32)
    out = rng.normal(size=(2, 5)).astype(np.float32)
    mu, lv = rng.normal(size=(2, 2)).astype(np.float32), rng.normal(size=(2, 2)).astype(np.float32)
    elbo = ops.convert_to_numpy(vh.elbo_per_example(x, out, mu, lv, "gaussian"))
    expected = ops.convert_to_numpy(vh.gaussian_log_likelihood(x, out) - vh.kl_divergence(mu, lv))
    np.testing.assert_allclose(elbo, expected, rtol=1e-6)
    with pytest.raises(ValueError, match="unknown likelihood"):
        vh.elbo_per_example(x, out, mu, lv, "poisson")
    tokens = np.array([[1, 2, 0]])
    logits = rng.normal(size=(1, 3, 4)).astype(np.float32)
    cat = ops.convert_to_numpy(vh.elbo_per_example(tokens, logits, mu[:1], lv[:1], "categorical"))
    expected_cat = ops.convert_to_numpy(
        vh.core.categorical_log_likelihood(tokens, logits) - vh.kl_divergence(mu[:1], lv[:1])
    )
    np.testing.assert_allclose(cat, expected_cat, rtol=1e-6)  # a categorical likelihood, not a Gaussian
