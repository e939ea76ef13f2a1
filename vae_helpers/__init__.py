"""vae_helpers: the tested building blocks of the VAE interview course.

Modules, one concern each: ``config`` (fast/full mode, seeds), ``data`` (loaders with
offline fallbacks), ``layers`` (``Sampling``), ``builders`` (encoders/decoders), ``models``
(``VAE``, ``Autoencoder``), ``losses``, ``metrics`` (ELBO, IWAE), ``training``
(``train``, ``KLAnnealing``), ``latent`` (interpolation, grids) and ``plots``.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # hide TF C++ start-up chatter (no GPU etc.)
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def _import_tensorflow_quietly() -> None:
    """Import TensorFlow with the C-level stderr silenced: its native start-up log lines
    (oneDNN notice, "no CUDA drivers") ignore TF_CPP_MIN_LOG_LEVEL and clutter notebook outputs.
    Python exceptions are unaffected: they are raised after stderr is restored."""
    try:
        saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    except OSError:  # pragma: no cover - no real file descriptor 2
        import tensorflow  # noqa: F401
        return
    os.dup2(devnull, 2)
    try:
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


_import_tensorflow_quietly()

from . import plots  # noqa: E402,F401  (vh.plots.plot_*)
from .builders import build_conv_decoder, build_conv_encoder, build_mlp_decoder, build_mlp_encoder  # noqa: E402
from .config import is_fast, mode_name, pick, set_seed  # noqa: E402
from .data import ImageData, binarize, load_digits, load_fashion_mnist, load_mnist, make_dataset  # noqa: E402
from .latent import interpolate, prior_grid  # noqa: E402
from .layers import Sampling  # noqa: E402
from .losses import (bernoulli_log_likelihood, elbo_per_example, gaussian_log_likelihood,  # noqa: E402
                     kl_divergence)
from .metrics import active_units, evaluate_elbo, independent_pixel_log_likelihood, iwae_log_likelihood  # noqa: E402
from .models import VAE, Autoencoder, LatentModel  # noqa: E402
from .seeds import run_over_seeds  # noqa: E402
from .training import KLAnnealing, PrintProgress, TrainingRun, train  # noqa: E402

__all__ = [
    "Autoencoder", "ImageData", "KLAnnealing", "LatentModel", "PrintProgress", "Sampling", "TrainingRun", "VAE",
    "active_units", "bernoulli_log_likelihood", "binarize", "build_conv_decoder", "build_conv_encoder",
    "build_mlp_decoder", "build_mlp_encoder", "elbo_per_example", "evaluate_elbo", "gaussian_log_likelihood",
    "independent_pixel_log_likelihood", "interpolate", "is_fast", "iwae_log_likelihood", "kl_divergence", "load_digits", "load_fashion_mnist",
    "load_mnist", "make_dataset", "mode_name", "pick", "prior_grid", "run_over_seeds", "set_seed", "train",
]
__version__ = "0.1.0"
