"""Compatibility shim: moved to vae_helpers.core.builders; removed once the notebooks import from there."""

from vae_helpers.core.builders import (  # noqa: F401
    count_parameters,
    residual_block,
)
