"""Compatibility shim: moved to vae_helpers.images.degrade, vae_helpers.images.metrics, vae_helpers.images.patches; removed once the notebooks import from there."""

from vae_helpers.images.degrade import UPSAMPLE_ORDERS, downsample, upsample_baseline  # noqa: F401
from vae_helpers.images.metrics import (  # noqa: F401
    consistency_error,
    edge_mask,
    format_metric_table,
    psnr_ssim,
    psnr_ssim_table,
    sample_spread,
)
from vae_helpers.images.patches import random_patches, to_grey  # noqa: F401
