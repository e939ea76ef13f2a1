"""Test-set ELBO and the importance-weighted (IWAE) log-likelihood estimate."""

from __future__ import annotations

import math

import numpy as np
from keras import ops
from scipy.special import logsumexp

from vae_helpers._checks import (
    as_float_array,
    check_model_type,
    check_non_negative,
    check_positive_int,
    check_unit_interval,
)
from vae_helpers.core.losses import kl_divergence, kl_divergence_per_dim, log_normal_diag
from vae_helpers.core.models import VAE


def evaluate_elbo(
    model: VAE, x, batch_size: int = 500, seed: int = 0, condition=None, kl_samples: int = 10
) -> dict[str, float]:
    """Average reconstruction NLL, KL and ELBO (nats per example) over ``x``.

    Uses one posterior sample per example (the usual unbiased estimate of E_q[log p(x|z)]);
    the KL term is analytic. ``elbo = -(reconstruction + kl)`` regardless of the β used in training.
    ``condition`` is required for conditional models (one row per example). For a model with a
    learned prior (``model.has_standard_prior`` is False) the KL is a Monte-Carlo average of
    log q(z|x) - log p(z) over ``kl_samples`` draws.
    """
    check_model_type(model, VAE)
    x = model.check_inputs(x)
    c = None if condition is None else model.check_condition(condition, len(x))
    batch_size = check_positive_int(batch_size, "batch_size")
    kl_samples = check_positive_int(kl_samples, "kl_samples")
    rng = np.random.default_rng(seed)
    recon, kl = [], []
    for i in range(0, len(x), batch_size):
        xb, cb = x[i : i + batch_size], None if c is None else c[i : i + batch_size]
        z_mean, z_log_var = model.posterior(xb, cb)
        eps = rng.standard_normal(tuple(z_mean.shape)).astype(np.float32)
        z = z_mean + ops.exp(0.5 * z_log_var) * eps
        recon.append(-ops.convert_to_numpy(model.log_likelihood_given_z(xb, z, cb)))
        if model.has_standard_prior:
            kl.append(ops.convert_to_numpy(kl_divergence(z_mean, z_log_var)))
        else:
            eps = rng.standard_normal((kl_samples, *tuple(z_mean.shape))).astype(np.float32)
            zs = z_mean + ops.exp(0.5 * z_log_var) * eps  # (s, b, d)
            kl.append(
                ops.convert_to_numpy(ops.mean(log_normal_diag(zs, z_mean, z_log_var) - model.log_prior(zs), axis=0))
            )
    r, k = float(np.mean(np.concatenate(recon))), float(np.mean(np.concatenate(kl)))
    return {"reconstruction": r, "kl": k, "elbo": -(r + k)}


def sampled_log_likelihoods(model: VAE, xb: np.ndarray, k: int, rng: np.random.Generator, condition=None):
    """Draw ``k`` codes per example from q(z|x) and return ``(log p(x|z), z, z_mean, z_log_var)``.

    ``log p(x|z)`` has shape ``(b, k)`` (float64) and ``z`` shape ``(b, k, d)``; shared by the IWAE
    estimate and the anomaly scores so both use exactly the same sampling.
    """
    b = len(xb)
    z_mean, z_log_var = (ops.convert_to_numpy(t) for t in model.posterior(xb, condition))
    eps = rng.standard_normal((b, k, model.latent_dim)).astype(np.float32)
    z = z_mean[:, None] + np.exp(0.5 * z_log_var)[:, None] * eps  # (b, k, d)
    x_rep = np.repeat(xb, k, axis=0)  # (b*k, ...)
    c_rep = None if condition is None else np.repeat(condition, k, axis=0)
    log_px_z = ops.convert_to_numpy(model.log_likelihood_given_z(x_rep, z.reshape(b * k, -1), c_rep))
    return log_px_z.reshape(b, k).astype(np.float64), z, z_mean, z_log_var


def iwae_log_likelihood(
    model: VAE, x, k: int = 100, batch_size: int | None = None, seed: int = 0, per_example: bool = False, condition=None
):
    r"""Importance-weighted estimate of log p(x) with ``k`` samples from q(z|x).

    .. math:: \log p(x) \approx \log \frac1k \sum_{i=1}^k \frac{p(x|z_i)\,p(z)}{q(z_i|x)}

    A lower bound in expectation that tightens as ``k`` grows (k = 1 is the ELBO). p(z) is the
    model's own prior (``model.log_prior``).
    Returns the mean over examples, or the per-example array when ``per_example=True``.
    ``condition`` is required for conditional models (then it estimates log p(x | c)).
    """
    check_model_type(model, VAE)
    x = model.check_inputs(x)
    c = None if condition is None else model.check_condition(condition, len(x))
    k = check_positive_int(k, "k")
    if batch_size is None:
        batch_size = max(1, 20000 // k)
    batch_size = check_positive_int(batch_size, "batch_size")
    rng = np.random.default_rng(seed)
    out = []
    for i in range(0, len(x), batch_size):
        cb = None if c is None else c[i : i + batch_size]
        log_px_z, z, z_mean, z_log_var = sampled_log_likelihoods(model, x[i : i + batch_size], k, rng, cb)
        log_pz = ops.convert_to_numpy(model.log_prior(z))
        log_qz = ops.convert_to_numpy(log_normal_diag(z, z_mean[:, None], z_log_var[:, None]))
        log_w = log_px_z + log_pz - log_qz
        m = log_w.max(axis=1, keepdims=True)
        out.append(m[:, 0] + np.log(np.exp(log_w - m).sum(axis=1)) - math.log(k))
    values = np.concatenate(out)
    return values if per_example else float(values.mean())


def active_units(model: VAE, x, threshold: float = 0.01) -> int:
    """Number of latent dimensions whose posterior mean varies across ``x`` (Cov_x E_q[z] > threshold).

    Collapsed dimensions (posterior = prior for every input) carry no information.
    """
    check_model_type(model, VAE)
    z_mean, _ = model.encode(x)
    return int(np.sum(np.var(z_mean, axis=0) > threshold))


def independent_pixel_log_likelihood(x_fit, x, eps: float = 1e-3) -> np.ndarray:
    r"""Per-example log p(x) (nats) under independent Bernoulli pixels: the baseline with no latent.

    Each pixel's probability is its mean over ``x_fit`` (the "mean image"), clipped to
    ``[eps, 1 - eps]`` so a pixel that is always 0 in ``x_fit`` costs a finite amount elsewhere:
    :math:`\log p(x) = \sum_i x_i\log p_i + (1-x_i)\log(1-p_i)`. A VAE whose ELBO does not beat this
    has learned nothing a mean image does not know (a collapsed posterior lands close to it).
    ``x_fit`` and ``x`` are images in [0, 1] of the same shape after the first axis.
    """
    x_fit, x = as_float_array(x_fit, "x_fit"), as_float_array(x, "x")
    check_unit_interval(x_fit, "x_fit")
    check_unit_interval(x, "x")
    if x_fit.shape[1:] != x.shape[1:]:
        raise ValueError(f"x_fit has images of shape {x_fit.shape[1:]}, x of {x.shape[1:]}")
    if not 0.0 < float(eps) < 0.5:
        raise ValueError(f"eps must be in (0, 0.5), got {eps}")
    p = np.clip(x_fit.astype(np.float64).mean(axis=0), eps, 1.0 - eps)
    ll = x * np.log(p) + (1.0 - x) * np.log1p(-p)
    return ll.reshape(len(x), -1).sum(axis=1)


def kl_per_dimension(model: VAE, x, batch_size: int = 1000) -> np.ndarray:
    """Mean over ``x`` of KL(q(z_j | x) || N(0, 1)) for each latent dimension j (nats), shape ``(d,)``.

    The values sum to the analytic KL term of :func:`vae_helpers.evaluate_elbo`. A dimension with a
    KL near 0 for every input has collapsed: its posterior is the prior and it carries no information.
    """
    check_model_type(model, VAE)
    x = model.check_inputs(x)
    batch_size = check_positive_int(batch_size, "batch_size")
    total = np.zeros(model.latent_dim, dtype=np.float64)
    for i in range(0, len(x), batch_size):
        z_mean, z_log_var = model.posterior(x[i : i + batch_size])
        total += ops.convert_to_numpy(ops.sum(kl_divergence_per_dim(z_mean, z_log_var), axis=0))
    return total / len(x)


def collapse_report(model: VAE, x, kl_threshold: float = 0.01, variance_threshold: float = 0.01) -> dict:
    """Posterior-collapse summary of ``model`` on ``x``.

    Returns a dict with ``kl`` (total, nats per example), ``kl_per_dim`` (array), ``active_units``
    (dimensions whose posterior mean varies across ``x`` by more than ``variance_threshold``, as in
    :func:`vae_helpers.active_units`) and ``collapsed_dims`` (indices whose mean KL is below
    ``kl_threshold`` nats).
    """
    check_model_type(model, VAE)
    kl_threshold = check_non_negative(kl_threshold, "kl_threshold")
    variance_threshold = check_non_negative(variance_threshold, "variance_threshold")
    per_dim = kl_per_dimension(model, x)
    return {
        "kl": float(per_dim.sum()),
        "kl_per_dim": per_dim,
        "active_units": active_units(model, x, threshold=variance_threshold),
        "collapsed_dims": [int(j) for j in np.flatnonzero(per_dim < kl_threshold)],
    }


def aggregate_posterior_log_density(z, z_mean, z_log_var, batch_size: int = 256) -> np.ndarray:
    r"""``log q(z)`` for each row of ``z`` under the aggregate posterior, a mixture of diagonal Gaussians.

    .. math:: q(z) = \frac1N \sum_{i=1}^N \mathcal N\big(z;\ \mu_i, \operatorname{diag}\sigma_i^2\big)

    ``z_mean``/``z_log_var`` (shape ``(N, d)``) are the encoder's outputs for N data points (e.g. from
    ``model.encode(x_train)``); ``z`` has shape ``(M, d)``. Prior samples with a low value lie in
    *holes*: the prior puts mass there but no training example is encoded there. Returns ``(M,)``.
    Log-variances below -700 (standard deviations under 1e-152) are raised to -700 so that
    ``exp(-log_var)`` stays finite: a point at such a near-delta posterior's mean gets a large finite
    value instead of ``0 * inf = NaN``.
    """
    z = as_float_array(z, "z").astype(np.float64)
    mu = as_float_array(z_mean, "z_mean").astype(np.float64)
    log_var = as_float_array(z_log_var, "z_log_var").astype(np.float64)
    for arr, name in ((z, "z"), (mu, "z_mean"), (log_var, "z_log_var")):
        if arr.ndim != 2:
            raise ValueError(f"{name} must be 2-D (n, latent_dim), got shape {arr.shape}")
    if mu.shape != log_var.shape:
        raise ValueError(f"z_mean and z_log_var must have the same shape, got {mu.shape} and {log_var.shape}")
    if z.shape[1] != mu.shape[1]:
        raise ValueError(f"z has {z.shape[1]} dimensions but the posteriors have {mu.shape[1]}")
    batch_size = check_positive_int(batch_size, "batch_size")
    d = mu.shape[1]
    log_var = np.maximum(log_var, -700.0)  # exp(700) ~ 1e304: no overflow to inf below
    inv_var = np.exp(-log_var)  # (N, d)
    const = -0.5 * (d * math.log(2 * math.pi) + log_var.sum(axis=1))  # (N,)
    out = np.empty(len(z))
    for i in range(0, len(z), batch_size):
        zb = z[i : i + batch_size]
        sq = ((zb[:, None, :] - mu[None]) ** 2 * inv_var[None]).sum(axis=2)  # (b, N)
        log_comp = const[None] - 0.5 * sq
        out[i : i + batch_size] = logsumexp(log_comp, axis=1) - math.log(len(mu))
    return out


def aggregate_posterior_kl(
    model: VAE, x, n_samples: int = 2000, direction: str = "prior_to_aggregate", seed: int = 0
) -> float:
    r"""Monte Carlo KL between the aggregate posterior :math:`q(z)=\frac1N\sum_n q(z\mid x_n)` over ``x``
    and the model's prior :math:`p(z)`, in nats.

    * ``direction="prior_to_aggregate"``: :math:`\mathrm{KL}(p\,\|\,q) = \mathbb E_{z\sim p}[\log p(z)-\log q(z)]`
      — large when the prior puts mass where no data is encoded (**prior holes**: prior samples that
      decode to nothing seen in training).
    * ``direction="aggregate_to_prior"``: :math:`\mathrm{KL}(q\,\|\,p)` — large when encoded data sits where
      the prior has little mass (codes the prior rarely generates).

    :math:`q(z)` is the exact mixture of the N posteriors of ``x``. Both estimates are consistent as N
    grows; for fixed N they are biased (in high dimensions the N-component mixture underestimates q
    between the posteriors), so compare models on the **same** ``x`` and ``n_samples``, and trust the
    numbers most in low dimensions.
    """
    check_model_type(model, VAE, "vae_helpers.VAE (or a priors.PriorVAE)")
    if direction not in ("prior_to_aggregate", "aggregate_to_prior"):
        raise ValueError(f"direction must be 'prior_to_aggregate' or 'aggregate_to_prior', got {direction!r}")
    n_samples = check_positive_int(n_samples, "n_samples")
    z_mean, z_log_var = model.encode(x)
    rng = np.random.default_rng(seed)
    if direction == "prior_to_aggregate":
        z = model.sample_prior(n_samples, seed=seed)
    else:
        rows = rng.integers(0, len(z_mean), n_samples)
        z = z_mean[rows] + np.exp(0.5 * z_log_var[rows]) * rng.standard_normal((n_samples, model.latent_dim))
        z = z.astype(np.float32)
    log_p = ops.convert_to_numpy(model.log_prior(z)).astype(np.float64)
    log_q = aggregate_posterior_log_density(z, z_mean, z_log_var)
    diff = log_p - log_q if direction == "prior_to_aggregate" else log_q - log_p
    return float(np.mean(diff))
