"""Image tasks: degradations and baselines, PSNR/SSIM and friends, digit style statistics, patches and textures.

Every public name of the area's modules is re-exported here: ``vh.images.NAME``."""

from .degrade import (
    MASK_KINDS,
    UPSAMPLE_ORDERS,
    add_gaussian_noise,
    apply_mask,
    downsample,
    median_denoise,
    random_mask,
    salt_and_pepper,
    sample_restorations,
    upsample_baseline,
)
from .metrics import (
    consistency_error,
    edge_mask,
    format_metric_table,
    psnr,
    psnr_ssim,
    psnr_ssim_table,
    region_means,
    sample_spread,
    ssim,
)
from .patches import TEXTURES, random_patches, texture_features, texture_patches, to_grey
from .style import STYLE_KEYS, attribute_direction, digit_width, ink_mass, slant, stroke_thickness, style_statistics
