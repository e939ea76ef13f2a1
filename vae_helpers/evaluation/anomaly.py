"""Per-example anomaly scores from a trained VAE or autoencoder.

Every function returns one number per example (a NumPy array of shape ``(n,)``) with the
convention **higher = more anomalous**, so the result can be passed straight to
``sklearn.metrics.roc_auc_score(is_anomaly, score)``.

* :func:`reconstruction_probability` — An & Cho (2015): how probable is ``x`` under the decoder
  when ``z`` is drawn from the encoder's posterior ``q(z|x)``, averaged over ``n_samples`` draws.
* :func:`negative_elbo` — the same average minus the analytic KL term, i.e. ``-ELBO(x)``.
* :func:`reconstruction_error` — a deterministic reconstruction error (autoencoder code or the VAE's
  posterior mean), as negative log-likelihood under the model's own likelihood or as squared error.

The importance-weighted estimate ``-log p(x)`` is already available as
``-vae_helpers.iwae_log_likelihood(model, x, k, per_example=True)``.
"""

from __future__ import annotations

import math

import numpy as np
from keras import ops

from vae_helpers._checks import check_model_type, check_positive_int
from vae_helpers.core.losses import kl_divergence
from vae_helpers.core.models import VAE, LatentModel
from vae_helpers.evaluation.likelihood import sampled_log_likelihoods

REDUCTIONS = ("mean_log", "log_mean")


ERROR_KINDS = ("nll", "squared")


def reconstruction_probability(
    model: VAE, x, n_samples: int = 10, batch_size: int = 250, seed: int = 0, reduction: str = "mean_log"
) -> np.ndarray:
    r"""Anomaly score ``-RP(x)`` from the reconstruction probability of An & Cho (2015).

    With ``z_l ~ q(z|x)``, ``l = 1..L`` (``L = n_samples``):

    * ``reduction="mean_log"`` (default): ``RP(x) = (1/L) \sum_l \log p(x|z_l)``, the Monte Carlo
      estimate of the ELBO's reconstruction term ``E_q[\log p(x|z)]``.
    * ``reduction="log_mean"``: ``RP(x) = \log (1/L) \sum_l p(x|z_l)``, the log of An & Cho's average
      probability, computed stably with log-sum-exp (the probabilities themselves underflow for
      784 pixels). By Jensen's inequality it is ``>=`` the ``mean_log`` value.

    Returns ``-RP(x)`` in nats per example (higher = more anomalous), shape ``(n,)``.
    """
    check_model_type(model, VAE, "vae_helpers.VAE (reconstruction probability needs q(z|x))")
    x = model.check_inputs(x)
    n_samples = check_positive_int(n_samples, "n_samples")
    batch_size = check_positive_int(batch_size, "batch_size")
    if reduction not in REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}; choose one of {REDUCTIONS}")
    rng = np.random.default_rng(seed)
    out = []
    for i in range(0, len(x), batch_size):
        log_px_z = sampled_log_likelihoods(model, x[i : i + batch_size], n_samples, rng)[0]
        if reduction == "mean_log":
            out.append(log_px_z.mean(axis=1))
        else:
            m = log_px_z.max(axis=1, keepdims=True)
            out.append(m[:, 0] + np.log(np.exp(log_px_z - m).sum(axis=1)) - math.log(n_samples))
    return -np.concatenate(out)


def negative_elbo(model: VAE, x, n_samples: int = 10, batch_size: int = 250, seed: int = 0) -> np.ndarray:
    r"""Anomaly score ``-ELBO(x) = -(1/L) \sum_l \log p(x|z_l) + KL(q(z|x) || p(z))`` per example.

    The reconstruction term uses ``n_samples`` posterior draws, the KL term is analytic. Same
    samples as :func:`reconstruction_probability` for the same ``seed`` and ``batch_size``.
    Returns nats per example, shape ``(n,)``; higher = more anomalous.
    """
    check_model_type(model, VAE, "vae_helpers.VAE")
    x = model.check_inputs(x)
    n_samples = check_positive_int(n_samples, "n_samples")
    batch_size = check_positive_int(batch_size, "batch_size")
    rng = np.random.default_rng(seed)
    out = []
    for i in range(0, len(x), batch_size):
        log_px_z, _, z_mean, z_log_var = sampled_log_likelihoods(model, x[i : i + batch_size], n_samples, rng)
        kl = ops.convert_to_numpy(kl_divergence(z_mean, z_log_var)).astype(np.float64)
        out.append(kl - log_px_z.mean(axis=1))
    return np.concatenate(out)


def reconstruction_error(model: LatentModel, x, kind: str = "nll", batch_size: int = 1000) -> np.ndarray:
    """Deterministic reconstruction error per example (higher = more anomalous), shape ``(n,)``.

    The reconstruction decodes the autoencoder's code, or the VAE's posterior *mean* (no sampling).
    ``kind="nll"``: ``-log p(x | x_hat)`` under the model's likelihood (binary cross-entropy summed
    over pixels for a Bernoulli model). ``kind="squared"``: ``sum (x - E[x|z])^2`` over pixels.
    """
    check_model_type(model, LatentModel, "vae_helpers VAE or Autoencoder")
    if kind not in ERROR_KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose one of {ERROR_KINDS}")
    x = model.check_inputs(x)
    batch_size = check_positive_int(batch_size, "batch_size")
    out = []
    for i in range(0, len(x), batch_size):
        xb = x[i : i + batch_size]
        if isinstance(model, VAE):
            dec = model.decoder_output(model.posterior(xb)[0], x=xb)
        else:
            dec = model.decoder(model.encoder(xb, training=False), training=False)
        if kind == "nll":
            err = -ops.convert_to_numpy(model.log_likelihood(xb, dec))
        else:
            diff = xb - ops.convert_to_numpy(model.output_mean(dec))
            err = np.sum(diff.reshape(len(xb), -1) ** 2, axis=1)
        out.append(np.asarray(err, dtype=np.float64))
    return np.concatenate(out)
