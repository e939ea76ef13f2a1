"""Compatibility shim: moved to vae_helpers.evaluation.anomaly; removed once the notebooks import from there."""

from vae_helpers.evaluation.anomaly import (  # noqa: F401
    ERROR_KINDS,
    REDUCTIONS,
    negative_elbo,
    reconstruction_error,
    reconstruction_probability,
)
