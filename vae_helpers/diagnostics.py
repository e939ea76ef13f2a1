"""Compatibility shim: moved to vae_helpers.core.training, vae_helpers.evaluation.likelihood; removed once the notebooks import from there."""

from vae_helpers.core.training import TimeBudget, first_nonfinite_epoch  # noqa: F401
from vae_helpers.evaluation.likelihood import aggregate_posterior_log_density, collapse_report, kl_per_dimension  # noqa: F401
