"""Compatibility shim: moved to vae_helpers.core.priors, vae_helpers.evaluation.likelihood; removed once the notebooks import from there."""

from vae_helpers.core.priors import MixturePriorVAE, PriorVAE, VampPriorVAE, mixture_log_density, prior_log_density_grid  # noqa: F401
from vae_helpers.evaluation.likelihood import aggregate_posterior_kl  # noqa: F401
