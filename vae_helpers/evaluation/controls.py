"""Degenerate controls: the broken models a lesson's self-check must reject.

A self-check that an untrained network fails proves little: a collapsed posterior, a mean image or a decoder
that ignores its code often pass it. The pattern (CONTRIBUTING.md, "Self-checks"): write the check as a function
of a model, apply it to the trained model, then to the controls built here, and print that each control fails::

    def check(model):                       # returns True when the model passes
        return vh.evaluate_elbo(model, x_test)["elbo"] > floor + 20

    assert check(vae)
    for name, control in vh.evaluation.degenerate_controls(vae, x_train).items():
        print(name, "passes" if check(control) else "fails")   # every line should say "fails"

Controls (each a new model; the trained model is never modified):

* ``untrained``: the same architecture with freshly initialised weights;
* ``mean_image``: encoder outputs the prior for every input, decoder outputs the training mean image for every
  code — its ELBO equals the independent-pixel baseline (:func:`elbo_floor`);
* ``collapsed_encoder``: the trained decoder behind an encoder that outputs the prior N(0, I) for every input
  (posterior collapse: KL = 0, reconstructions ignore x);
* ``decoder_ignores_z``: the trained encoder and a decoder that decodes the same code (zero) whatever z is;
* ``standard_normal_prior``: for a learned-prior model, the same networks sampling N(0, I) (the prior silently
  ignored at generation time);
* ``training_copier``: a "generator" whose samples are training images (memorisation), with ``sample`` only.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from vae_helpers._checks import as_float_array, check_positive_int, check_unit_interval
from vae_helpers.core.models import VAE
from vae_helpers.core.variants import ConditionalVAE
from vae_helpers.evaluation.likelihood import independent_pixel_log_likelihood

MEAN_IMAGE_EPS = 1e-3  # the clip of independent_pixel_log_likelihood, so the two agree exactly
CONTROL_KINDS = (
    "untrained",
    "mean_image",
    "collapsed_encoder",
    "decoder_ignores_z",
    "standard_normal_prior",
    "training_copier",
)


def _check_vae(model) -> VAE:
    if not isinstance(model, VAE):
        raise TypeError(f"degenerate controls are built from a vae_helpers VAE, got {type(model).__name__}")
    return model


def _standard_kind(model: VAE) -> type[VAE]:
    """The N(0, I) class with the model's input signature: ConditionalVAE for conditional models, else VAE."""
    return ConditionalVAE if isinstance(model, ConditionalVAE) else VAE


def _rebuild(model: VAE, encoder: keras.Model, decoder: keras.Model) -> VAE:
    """A model of the standard-prior kind with the trained model's likelihood, σ, β and log-variance clamp."""
    return _standard_kind(model)(
        encoder,
        decoder,
        likelihood=model.likelihood,
        beta=model.beta,
        obs_sigma=model.obs_sigma,
        logvar_range=model.logvar_range,
        name=f"{model.name}_control",
    )


def _one_or_list(inputs: list):
    """A functional model's inputs as Keras expects them to be called: one tensor, or a list of several."""
    return inputs[0] if len(inputs) == 1 else list(inputs)


def _prior_encoder(encoder: keras.Model, latent_dim: int) -> keras.Model:
    """Same inputs as ``encoder``; outputs mean 0 and log-variance 0 (q(z|x) = N(0, I)) for every input."""
    flat = keras.layers.Flatten()(encoder.inputs[0])
    zeros = {"kernel_initializer": "zeros", "bias_initializer": "zeros", "trainable": False}
    z_mean = keras.layers.Dense(latent_dim, name="prior_mean", **zeros)(flat)
    z_log_var = keras.layers.Dense(latent_dim, name="prior_log_var", **zeros)(flat)
    return keras.Model(_one_or_list(encoder.inputs), [z_mean, z_log_var], name="prior_encoder")


def _constant_decoder(decoder: keras.Model, output: np.ndarray) -> keras.Model:
    """Same inputs as ``decoder``; outputs ``output`` (one image's raw decoder output) for every code."""
    flat = keras.layers.Flatten()(decoder.inputs[0])
    values = keras.layers.Dense(
        int(np.prod(output.shape)),
        kernel_initializer="zeros",
        bias_initializer=keras.initializers.Constant(output.reshape(-1).astype(np.float32)),
        trainable=False,
        name="constant_output",
    )(flat)
    image = keras.layers.Reshape(output.shape, name="constant_image")(values)
    return keras.Model(_one_or_list(decoder.inputs), image, name="constant_decoder")


def mean_image_output(model: VAE, x_train) -> np.ndarray:
    """The decoder output that decodes to the training mean image: logits of the (clipped) mean for a
    Bernoulli decoder, the mean itself for a Gaussian one."""
    x_train = model.check_inputs(x_train, "x_train")
    mean = x_train.astype(np.float64).mean(axis=0)
    if model.likelihood == "bernoulli":
        p = np.clip(mean, MEAN_IMAGE_EPS, 1.0 - MEAN_IMAGE_EPS)
        return np.log(p) - np.log1p(-p)
    if model.likelihood == "gaussian":
        return mean
    raise ValueError(f"a mean-image control needs an image likelihood, not {model.likelihood!r}")


def untrained(model: VAE) -> VAE:
    """The same architecture with freshly initialised weights."""
    model = _check_vae(model)
    encoder = keras.models.clone_model(model.encoder)
    decoder = keras.models.clone_model(model.decoder)
    return _rebuild(model, encoder, decoder)


def mean_image(model: VAE, x_train) -> VAE:
    """Prior encoder + a decoder that outputs the training mean image: the independent-pixel model."""
    model = _check_vae(model)
    output = mean_image_output(model, x_train)
    return _rebuild(model, _prior_encoder(model.encoder, model.latent_dim), _constant_decoder(model.decoder, output))


def collapsed_encoder(model: VAE) -> VAE:
    """The trained decoder behind an encoder whose posterior is the prior N(0, I) for every input."""
    model = _check_vae(model)
    return _rebuild(model, _prior_encoder(model.encoder, model.latent_dim), model.decoder)


def decoder_ignores_z(model: VAE) -> VAE:
    """The trained encoder and the trained decoder fed a zero code whatever z is (plus its condition)."""
    model = _check_vae(model)
    inputs = [keras.Input(tuple(t.shape[1:]), name=f"control_input_{i}") for i, t in enumerate(model.decoder.inputs)]
    code = keras.layers.Lambda(lambda z: ops.zeros_like(z), name="drop_z")(inputs[0])
    outputs = model.decoder([code, *inputs[1:]] if len(inputs) > 1 else code)
    return _rebuild(model, model.encoder, keras.Model(_one_or_list(inputs), outputs, name="decoder_ignoring_z"))


def standard_normal_prior(model: VAE) -> VAE:
    """A learned-prior model's networks with the N(0, I) prior: what silently ignoring the prior samples."""
    model = _check_vae(model)
    if model.has_standard_prior:
        raise ValueError(f"{type(model).__name__} already has the N(0, I) prior: this control needs a learned prior")
    return _rebuild(model, model.encoder, model.decoder)


class TrainingCopier:
    """A "generator" that memorised the data: ``sample(n)`` returns ``n`` training images drawn at random."""

    def __init__(self, x_train) -> None:
        x_train = as_float_array(x_train, "x_train")
        if len(x_train) == 0:
            raise ValueError("x_train is empty")
        check_unit_interval(x_train, "x_train")
        self.x_train = x_train

    def sample(self, n: int, temperature: float = 1.0, seed: int = 0) -> np.ndarray:
        n = check_positive_int(n, "n")
        return self.x_train[np.random.default_rng(seed).integers(0, len(self.x_train), size=n)]


def degenerate_controls(model: VAE, x_train, kinds: tuple[str, ...] | None = None) -> dict:
    """``{kind: control}`` for ``model``: every applicable kind of :data:`CONTROL_KINDS` by default
    (``standard_normal_prior`` only for learned-prior models), or exactly ``kinds``."""
    model = _check_vae(model)
    if kinds is None:
        kinds = tuple(k for k in CONTROL_KINDS if k != "standard_normal_prior" or not model.has_standard_prior)
    unknown = [k for k in kinds if k not in CONTROL_KINDS]
    if unknown:
        raise ValueError(f"unknown control kind(s) {unknown}; choose from {CONTROL_KINDS}")
    builders = {
        "untrained": lambda: untrained(model),
        "mean_image": lambda: mean_image(model, x_train),
        "collapsed_encoder": lambda: collapsed_encoder(model),
        "decoder_ignores_z": lambda: decoder_ignores_z(model),
        "standard_normal_prior": lambda: standard_normal_prior(model),
        "training_copier": lambda: TrainingCopier(x_train),
    }
    return {kind: builders[kind]() for kind in kinds}


def elbo_floor(x_train, x) -> float:
    """The MNIST ELBO floor: mean log-likelihood (nats per image) of ``x`` under independent Bernoulli pixels
    fitted to ``x_train`` (the mean image). A collapsed model reaches it; every reported ELBO should beat it by
    an asserted margin (CONTRIBUTING.md)."""
    return float(np.mean(independent_pixel_log_likelihood(x_train, x, eps=MEAN_IMAGE_EPS)))


def elbo_margin_over_floor(elbo: float, x_train, x, margin: float = 10.0) -> float:
    """``elbo - elbo_floor(x_train, x)``, printed and checked: raises ``AssertionError`` naming both numbers
    when the ELBO does not beat the floor by ``margin`` nats."""
    elbo = float(elbo)
    if not np.isfinite(elbo):
        raise ValueError(f"elbo must be finite, got {elbo}")
    floor = elbo_floor(x_train, x)
    gain = elbo - floor
    print(f"ELBO {elbo:.1f} vs independent-pixel floor {floor:.1f} nats: {gain:+.1f} (margin asked {margin:g})")
    if gain <= margin:
        raise AssertionError(f"ELBO {elbo:.1f} beats the mean-image floor {floor:.1f} by {gain:.1f} <= {margin:g} nats")
    return gain
