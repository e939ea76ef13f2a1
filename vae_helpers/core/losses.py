"""Log-likelihoods, the analytic KL term and the per-example ELBO (all in nats).

Every function reduces over all non-batch axes and returns one value per example,
so ``ops.mean`` of the result is a batch average. Inputs may be NumPy arrays or tensors.
"""

from __future__ import annotations

import math

from keras import ops

from vae_helpers._checks import check_likelihood

LOG_2PI = math.log(2.0 * math.pi)


def _sum_per_example(t):
    """Sum over every axis but the first."""
    return ops.sum(ops.reshape(t, (ops.shape(t)[0], -1)), axis=1)


def kl_divergence(z_mean, z_log_var):
    r"""KL(N(mu, diag(exp(log_var))) || N(0, I)) per example.

    .. math:: \mathrm{KL} = -\tfrac12 \sum_j (1 + \log\sigma_j^2 - \mu_j^2 - \sigma_j^2)
    """
    return -0.5 * ops.sum(1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)


def kl_divergence_per_dim(z_mean, z_log_var):
    """The KL term split by latent dimension, shape ``(batch, latent_dim)``."""
    return -0.5 * (1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))


def bernoulli_log_likelihood(x, logits):
    r"""log p(x | logits) for Bernoulli pixels, computed stably from logits.

    .. math:: \log p = \sum_i x_i \ell_i - \operatorname{softplus}(\ell_i)
    """
    logits = ops.convert_to_tensor(logits, dtype="float32")
    x = ops.convert_to_tensor(x, dtype="float32")
    return _sum_per_example(x * logits - ops.softplus(logits))


def gaussian_log_likelihood(x, mean, log_sigma=0.0):
    r"""log N(x | mean, sigma^2) summed over pixels; ``log_sigma`` is a scalar or per-pixel tensor.

    .. math:: \log p = \sum_i -\tfrac12 \big((x_i-\mu_i)/\sigma\big)^2 - \log\sigma - \tfrac12\log 2\pi
    """
    mean = ops.convert_to_tensor(mean, dtype="float32")
    x = ops.convert_to_tensor(x, dtype="float32")
    log_sigma = ops.convert_to_tensor(log_sigma, dtype="float32")
    z = (x - mean) * ops.exp(-log_sigma)
    return _sum_per_example(-0.5 * ops.square(z) - log_sigma - 0.5 * LOG_2PI)


def categorical_log_likelihood(targets, logits, pad_id: int = 0):
    r"""log p(tokens | logits) summed over time steps, ignoring padding.

    ``targets`` are integer ids ``(batch, time)``, ``logits`` ``(batch, time, vocab)``:
    :math:`\sum_t [y_t \ne \text{pad}]\, \log\operatorname{softmax}(\ell_t)_{y_t}`.
    """
    logits = ops.convert_to_tensor(logits, dtype="float32")
    targets = ops.cast(ops.convert_to_tensor(targets), "int32")
    log_probs = ops.log_softmax(logits, axis=-1)
    picked = ops.take_along_axis(log_probs, ops.expand_dims(targets, -1), axis=-1)[..., 0]
    mask = ops.cast(ops.not_equal(targets, pad_id), "float32")
    return ops.sum(picked * mask, axis=1)


def log_normal_diag(z, mean, log_var):
    """log N(z | mean, diag(exp(log_var))), summed over the last axis."""
    return ops.sum(-0.5 * (LOG_2PI + log_var + ops.square(z - mean) * ops.exp(-log_var)), axis=-1)


def log_standard_normal(z):
    """log N(z | 0, I), summed over the last axis."""
    return ops.sum(-0.5 * (LOG_2PI + ops.square(z)), axis=-1)


def elbo_per_example(x, decoder_output, z_mean, z_log_var, likelihood: str = "bernoulli", obs_log_sigma: float = 0.0):
    """ELBO = E_q[log p(x|z)] - KL(q(z|x) || N(0, I)), with a one-sample estimate of the first term.

    ``decoder_output`` holds logits (Bernoulli, categorical over the last axis) or means (Gaussian)
    decoded from a sample of q; for ``"categorical"``, ``x`` holds the target token ids.
    """
    kind = check_likelihood(likelihood)
    if kind == "bernoulli":
        log_lik = bernoulli_log_likelihood(x, decoder_output)
    elif kind == "categorical":
        log_lik = categorical_log_likelihood(x, decoder_output)
    else:
        log_lik = gaussian_log_likelihood(x, decoder_output, obs_log_sigma)
    return log_lik - kl_divergence(z_mean, z_log_var)
