"""Compatibility shim: moved to vae_helpers.evaluation.samples; removed once the notebooks import from there."""

from vae_helpers.evaluation.samples import Judge, inception_style_score, precision_recall, train_judge  # noqa: F401
