"""vae_helpers: the tested building blocks of the VAE interview course.

The package is laid out by area, and the names a lesson reuses most are exported flat (``vh.VAE``,
``vh.train``, ``vh.evaluate_elbo``, ...):

* ``config`` (fast/full mode, seeds), ``data`` (image loaders with offline fallbacks), ``latent``
  (interpolation, grids), ``plots``, ``explorer`` (the interactive latent explorer, ipywidgets);
* ``core`` — layers, losses, builders, the VAE family (``models``, ``variants``, ``priors``) and ``training``;
* ``evaluation`` — ``likelihood`` (ELBO, IWAE, baselines, posterior diagnostics), ``samples`` (Fréchet
  distance, precision/recall, judges), ``anomaly``, ``seeds`` (comparisons over seeds);
* ``images`` — ``degrade`` (noise, masks, down/up-sampling), ``metrics`` (PSNR/SSIM), ``style``, ``patches``;
* ``text`` — ``corpora``, ``vae`` (``TextVAE``), ``metrics``;  ``graphs`` (VGAE) and ``gan``.

Each area re-exports its public names: ``vh.evaluation.frechet_distance``, ``vh.images.psnr``.
Set ``VAE_VERBOSE=1`` to see TensorFlow's native start-up log (it is silenced by default).
"""

import os

_VERBOSE = os.environ.get("VAE_VERBOSE", "").strip().lower() in {"1", "true", "yes", "on"}
if not _VERBOSE:
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


if _VERBOSE:
    import tensorflow  # noqa: F401  (native log and errors shown)
else:
    _import_tensorflow_quietly()

from . import core, evaluation, gan, graphs, images, plots, text  # noqa: E402,F401  (vh.<area>.NAME)
from .config import is_fast, mode_name, pick, set_seed  # noqa: E402
from .core.builders import build_conv_decoder, build_conv_encoder, build_mlp_decoder, build_mlp_encoder  # noqa: E402
from .core.layers import Sampling  # noqa: E402
from .core.losses import bernoulli_log_likelihood, elbo_per_example, gaussian_log_likelihood, kl_divergence  # noqa: E402
from .core.models import VAE, Autoencoder, LatentModel  # noqa: E402
from .core.training import KLAnnealing, PrintProgress, TrainingRun, train  # noqa: E402
from .data import ImageData, binarize, load_digits, load_fashion_mnist, load_mnist, make_dataset  # noqa: E402
from .evaluation.likelihood import active_units, evaluate_elbo, independent_pixel_log_likelihood, iwae_log_likelihood  # noqa: E402
from .evaluation.seeds import run_over_seeds  # noqa: E402
from .explorer import LatentExplorer, latent_explorer  # noqa: E402  (ipywidgets is imported when one is built)
from .latent import interpolate, latent_slice, prior_grid  # noqa: E402

__all__ = [
    "Autoencoder",
    "ImageData",
    "KLAnnealing",
    "LatentExplorer",
    "LatentModel",
    "PrintProgress",
    "Sampling",
    "TrainingRun",
    "VAE",
    "active_units",
    "bernoulli_log_likelihood",
    "binarize",
    "build_conv_decoder",
    "build_conv_encoder",
    "build_mlp_decoder",
    "build_mlp_encoder",
    "elbo_per_example",
    "evaluate_elbo",
    "gaussian_log_likelihood",
    "independent_pixel_log_likelihood",
    "interpolate",
    "is_fast",
    "iwae_log_likelihood",
    "kl_divergence",
    "latent_explorer",
    "latent_slice",
    "load_digits",
    "load_fashion_mnist",
    "load_mnist",
    "make_dataset",
    "mode_name",
    "pick",
    "prior_grid",
    "run_over_seeds",
    "set_seed",
    "train",
]
__version__ = "0.1.0"
