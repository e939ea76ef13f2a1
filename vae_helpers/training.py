"""Compatibility shim: moved to vae_helpers.core.training; removed once the notebooks import from there."""

from vae_helpers.core.training import KLAnnealing, PrintProgress, TrainingRun, train  # noqa: F401
