"""Compatibility shim: moved to vae_helpers.evaluation.samples; removed once the notebooks import from there."""

from vae_helpers.evaluation.samples import class_coverage, frechet_distance, sharpness  # noqa: F401
