"""Compatibility shim: moved to vae_helpers.core.layers; removed once the notebooks import from there."""

from vae_helpers.core.layers import Sampling  # noqa: F401
