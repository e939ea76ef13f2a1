"""Measuring models: likelihood bounds and posterior diagnostics, sample quality, anomaly scores, seed comparisons.

Every public name of the area's modules is re-exported here: ``vh.evaluation.NAME``."""

from .anomaly import ERROR_KINDS, REDUCTIONS, negative_elbo, reconstruction_error, reconstruction_probability
from .controls import (
    CONTROL_KINDS,
    TrainingCopier,
    collapsed_encoder,
    decoder_ignores_z,
    degenerate_controls,
    elbo_floor,
    elbo_margin_over_floor,
    mean_image,
    standard_normal_prior,
    untrained,
)
from .likelihood import (
    active_units,
    aggregate_posterior_kl,
    aggregate_posterior_log_density,
    collapse_report,
    evaluate_elbo,
    independent_pixel_log_likelihood,
    iwae_log_likelihood,
    kl_per_dimension,
    sampled_log_likelihoods,
)
from .samples import (
    Judge,
    class_coverage,
    density_coverage,
    frechet_distance,
    inception_style_score,
    nearest_training_distances,
    precision_recall,
    sharpness,
    train_judge,
)
from .seeds import SINGLE_METRIC, Comparison, SeedRuns, run_over_seeds
