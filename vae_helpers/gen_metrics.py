"""Compatibility shim: moved to vae_helpers.evaluation.samples; removed once the notebooks import from there."""

from vae_helpers.evaluation.samples import train_judge  # noqa: F401
