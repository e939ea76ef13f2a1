"""Compatibility shim: moved to vae_helpers.core.variants; removed once the notebooks import from there."""

from vae_helpers.core.variants import (  # noqa: F401
    ConditionalVAE,
    build_conditional_conv_decoder,
    build_conditional_conv_encoder,
    one_hot,
)
