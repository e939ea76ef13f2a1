"""Compatibility shim: moved to vae_helpers.core.variants; removed once the notebooks import from there."""

from vae_helpers.core.variants import (  # noqa: F401
    VQVAE,
    FeatureLossVAE,
    LearnedVarianceVAE,
    VectorQuantizer,
    build_vq_decoder,
    build_vq_encoder,
)
