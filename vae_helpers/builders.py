"""Compatibility shim: moved to vae_helpers.core.builders; removed once the notebooks import from there."""

from vae_helpers.core.builders import build_conv_decoder, build_conv_encoder, build_mlp_decoder, build_mlp_encoder  # noqa: F401
