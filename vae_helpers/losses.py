"""Compatibility shim: moved to vae_helpers.core.losses; removed once the notebooks import from there."""

from vae_helpers.core.losses import (  # noqa: F401
    LOG_2PI,
    bernoulli_log_likelihood,
    categorical_log_likelihood,
    elbo_per_example,
    gaussian_log_likelihood,
    kl_divergence,
    kl_divergence_per_dim,
    log_normal_diag,
    log_standard_normal,
)
