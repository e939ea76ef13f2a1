"""Compatibility shim: moved to vae_helpers.evaluation.seeds; removed once the notebooks import from there."""

from vae_helpers.evaluation.seeds import SINGLE_METRIC, Comparison, SeedRuns, run_over_seeds  # noqa: F401
