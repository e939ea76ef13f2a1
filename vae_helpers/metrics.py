"""Compatibility shim: moved to vae_helpers.evaluation.likelihood; removed once the notebooks import from there."""

from vae_helpers.evaluation.likelihood import (  # noqa: F401
    active_units,
    evaluate_elbo,
    independent_pixel_log_likelihood,
    iwae_log_likelihood,
    sampled_log_likelihoods,
)
