"""Compatibility shim: moved to vae_helpers.images.degrade, vae_helpers.images.metrics; removed once the notebooks import from there."""

from vae_helpers.images.degrade import (  # noqa: F401
    MASK_KINDS,
    add_gaussian_noise,
    apply_mask,
    median_denoise,
    random_mask,
    salt_and_pepper,
    sample_restorations,
)
from vae_helpers.images.metrics import psnr, region_means, ssim  # noqa: F401
