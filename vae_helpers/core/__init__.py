"""Models and how they train: layers, losses, encoder/decoder builders, the VAE family and the training loop.

Every public name of the area's modules is re-exported here: ``vh.core.NAME``."""

from .builders import (
    build_conv_decoder,
    build_conv_encoder,
    build_mlp_decoder,
    build_mlp_encoder,
    count_parameters,
    residual_block,
)
from .layers import Sampling
from .losses import (
    LOG_2PI,
    bernoulli_log_likelihood,
    categorical_log_likelihood,
    elbo_per_example,
    gaussian_log_likelihood,
    kl_divergence,
    kl_divergence_per_dim,
    log_normal_diag,
    log_standard_normal,
)
from .models import DEFAULT_LOGVAR_RANGE, VAE, Autoencoder, LatentModel
from .optimizers import build_optimizer
from .priors import MixturePriorVAE, PriorVAE, VampPriorVAE, mixture_log_density, prior_log_density_grid
from .training import KLAnnealing, PrintProgress, TimeBudget, TrainingRun, first_nonfinite_epoch, train
from .variants import (
    VQVAE,
    ConditionalVAE,
    FeatureLossVAE,
    LearnedVarianceVAE,
    VectorQuantizer,
    build_conditional_conv_decoder,
    build_conditional_conv_encoder,
    build_vq_decoder,
    build_vq_encoder,
    one_hot,
)
