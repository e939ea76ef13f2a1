"""Compatibility shim: moved to vae_helpers.images.patches, vae_helpers.images.style; removed once the notebooks import from there."""

from vae_helpers.images.patches import TEXTURES, texture_features, texture_patches  # noqa: F401
from vae_helpers.images.style import (  # noqa: F401
    STYLE_KEYS,
    attribute_direction,
    digit_width,
    ink_mass,
    slant,
    stroke_thickness,
    style_statistics,
)
