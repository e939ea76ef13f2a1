"""Test-set ELBO and the importance-weighted (IWAE) log-likelihood estimate."""

from __future__ import annotations

import math

import numpy as np
from keras import ops

from .losses import kl_divergence, log_normal_diag
from .models import VAE
from .validation import as_float_array, check_model_type, check_positive_int, check_unit_interval


def evaluate_elbo(model: VAE, x, batch_size: int = 500, seed: int = 0, condition=None,
                  kl_samples: int = 10) -> dict[str, float]:
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
        xb, cb = x[i:i + batch_size], None if c is None else c[i:i + batch_size]
        z_mean, z_log_var = model.posterior(xb, cb)
        eps = rng.standard_normal(tuple(z_mean.shape)).astype(np.float32)
        z = z_mean + ops.exp(0.5 * z_log_var) * eps
        recon.append(-ops.convert_to_numpy(model.log_likelihood_given_z(xb, z, cb)))
        if model.has_standard_prior:
            kl.append(ops.convert_to_numpy(kl_divergence(z_mean, z_log_var)))
        else:
            eps = rng.standard_normal((kl_samples, *tuple(z_mean.shape))).astype(np.float32)
            zs = z_mean + ops.exp(0.5 * z_log_var) * eps                                   # (s, b, d)
            kl.append(ops.convert_to_numpy(ops.mean(log_normal_diag(zs, z_mean, z_log_var) - model.log_prior(zs),
                                                    axis=0)))
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
    z = z_mean[:, None] + np.exp(0.5 * z_log_var)[:, None] * eps          # (b, k, d)
    x_rep = np.repeat(xb, k, axis=0)                                       # (b*k, ...)
    c_rep = None if condition is None else np.repeat(condition, k, axis=0)
    log_px_z = ops.convert_to_numpy(model.log_likelihood_given_z(x_rep, z.reshape(b * k, -1), c_rep))
    return log_px_z.reshape(b, k).astype(np.float64), z, z_mean, z_log_var


def iwae_log_likelihood(model: VAE, x, k: int = 100, batch_size: int | None = None,
                        seed: int = 0, per_example: bool = False, condition=None):
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
        cb = None if c is None else c[i:i + batch_size]
        log_px_z, z, z_mean, z_log_var = sampled_log_likelihoods(model, x[i:i + batch_size], k, rng, cb)
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
