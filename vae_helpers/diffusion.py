"""A small DDPM-style diffusion model, for measuring a diffusion model beside a VAE and a GAN (lesson 29).

* :func:`build_denoiser` — a time-conditioned convolutional network ``eps_hat = f(x_t, t)``: two resolutions
  with one skip connection (a minimal U-Net), the time step entering as a sinusoidal embedding added to each
  block's features.
* :class:`DDPM` — Ho et al. (2020): a fixed forward process ``x_t = sqrt(a_t) x_0 + sqrt(1 - a_t) eps`` over
  ``timesteps`` steps with the cosine schedule of Nichol & Dhariwal (2021) (``a_t`` is the cumulative product of
  ``1 - beta``), trained through Keras's own loop on the simple noise-prediction loss
  ``E ||eps - eps_hat(x_t, t)||^2`` (a reweighted ELBO), and ancestral sampling from ``x_T ~ N(0, I)``.

Images are in [0, 1]; the model works on ``2x - 1`` and its samples are mapped back and clipped to [0, 1].
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import keras
import numpy as np
from keras import layers, ops

from vae_helpers._checks import as_float_array, check_positive_int, check_unit_interval
from vae_helpers.core.optimizers import build_optimizer


@keras.saving.register_keras_serializable(package="vae_helpers")
class SinusoidalEmbedding(layers.Layer):
    """``t`` in [0, 1], shape ``(n, 1)`` -> ``(n, dim)`` sines and cosines at geometric frequencies."""

    def __init__(self, dim: int = 32, **kwargs) -> None:
        super().__init__(**kwargs)
        if dim % 2:
            raise ValueError(f"dim must be even, got {dim}")
        self.dim = dim

    def call(self, t):
        half = self.dim // 2
        freqs = ops.exp(-math.log(10_000.0) * ops.arange(half, dtype="float32") / half)
        angles = ops.cast(t, "float32") * 1000.0 * freqs[None, :]
        return ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=-1)

    def get_config(self) -> dict:
        return {**super().get_config(), "dim": self.dim}


def build_denoiser(
    image_shape: Sequence[int] = (28, 28, 1),
    filters: Sequence[int] = (32, 64),
    time_dim: int = 32,
    name: str = "denoiser",
) -> keras.Model:
    """``[x_t, t] -> eps_hat``, a minimal U-Net that works at half and quarter resolution (cheap on a CPU):
    a strided block down to ``H/2`` (``filters[0]``), another to ``H/4`` (``filters[1]``), a transposed conv back
    to ``H/2`` concatenated with the first block (skip), a 3x3 conv, and a linear transposed conv to full size and
    the image's channels. ``t`` (the step divided by the number of steps, shape ``(n, 1)``) enters each block as
    a learned projection of its sinusoidal embedding. Height and width must be divisible by 4."""
    h, w, c = (check_positive_int(s, "image_shape entry") for s in image_shape)
    if h % 4 or w % 4:
        raise ValueError(f"image height and width must be divisible by 4, got {image_shape}")
    f1, f2 = (check_positive_int(f, "filters entry") for f in filters)
    x_in = keras.Input((h, w, c), name="x_t")
    t_in = keras.Input((1,), name="t")
    emb = layers.Dense(2 * time_dim, activation="swish")(SinusoidalEmbedding(time_dim)(t_in))

    def block(x, units):
        x = layers.Conv2D(units, 3, strides=2, padding="same")(x)
        x = x + layers.Reshape((1, 1, units))(layers.Dense(units)(emb))
        x = layers.Activation("swish")(x)
        return layers.Conv2D(units, 3, padding="same", activation="swish")(x)

    half = block(x_in, f1)
    quarter = block(half, f2)
    up = layers.Conv2DTranspose(f1, 3, strides=2, padding="same", activation="swish")(quarter)
    x = layers.Conv2D(f1, 3, padding="same", activation="swish")(layers.Concatenate()([up, half]))
    eps = layers.Conv2DTranspose(c, 3, strides=2, padding="same", name="eps_hat")(x)  # linear, full size
    return keras.Model([x_in, t_in], eps, name=name)


def cosine_alpha_bar(timesteps: int, s: float = 0.008, max_beta: float = 0.999) -> np.ndarray:
    """Cumulative signal fractions ``a_1 … a_T`` of the cosine schedule (Nichol & Dhariwal 2021), with each
    step's ``beta`` clipped to ``max_beta`` as in the paper."""
    timesteps = check_positive_int(timesteps, "timesteps")
    f = np.cos((np.arange(timesteps + 1) / timesteps + s) / (1 + s) * np.pi / 2) ** 2
    betas = np.clip(1.0 - f[1:] / f[:-1], 0.0, max_beta)
    return np.cumprod(1.0 - betas)


@keras.saving.register_keras_serializable(package="vae_helpers")
class DDPM(keras.Model):
    """Denoising diffusion probabilistic model around a denoiser from :func:`build_denoiser`.

    ``fit(x)`` trains through Keras's own ``train_step``: :meth:`call` in training mode draws a time step and
    noise per image and returns the noise-prediction loss, which :meth:`compute_loss` hands to Keras. The
    history's ``loss`` is that mean squared error (per pixel, in the [-1, 1] scale).
    """

    def __init__(self, denoiser: keras.Model, timesteps: int = 100, seed: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        if not isinstance(denoiser, keras.Model):
            raise TypeError("denoiser must be a keras.Model")
        self.denoiser = denoiser
        self.timesteps = check_positive_int(timesteps, "timesteps")
        self.seed = seed
        self.image_shape = tuple(int(s) for s in denoiser.inputs[0].shape[1:])
        self.alpha_bar = cosine_alpha_bar(self.timesteps)
        self._alpha_bar_t = ops.convert_to_tensor(self.alpha_bar.astype(np.float32))
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.built = True

    def call(self, x, training: bool = False):
        """The noise-prediction loss of a batch of images ``x`` in [0, 1] (a random step per image)."""
        x0 = 2.0 * ops.cast(x, "float32") - 1.0
        n = ops.shape(x0)[0]
        t = keras.random.randint((n,), 0, self.timesteps, seed=self.seed_generator)
        eps = keras.random.normal(ops.shape(x0), seed=self.seed_generator)
        a = ops.reshape(ops.take(self._alpha_bar_t, t), (-1, 1, 1, 1))
        x_t = ops.sqrt(a) * x0 + ops.sqrt(1.0 - a) * eps
        t_frac = ops.reshape(ops.cast(t, "float32") + 1.0, (-1, 1)) / self.timesteps
        eps_hat = ops.cast(self.denoiser([x_t, t_frac], training=training), "float32")
        return ops.mean(ops.square(eps_hat - eps))

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training: bool = True):
        loss = y_pred if y_pred is not None else self(x, training=training)
        return ops.cast(loss, "float32")

    def check_inputs(self, x, name: str = "x") -> np.ndarray:
        arr = as_float_array(x, name)
        if arr.shape[1:] != self.image_shape:
            raise ValueError(f"{name} must have images of shape {self.image_shape}, got {arr.shape[1:]}")
        check_unit_interval(arr, name)
        return arr

    def fit(self, x=None, y=None, *args, **kwargs):
        """Keras's fit, after checking the images and creating the optimizer's state (one trace, not two)."""
        x = self.check_inputs(x)
        if self.optimizer is not None:
            build_optimizer(self.optimizer, self.trainable_variables)
        return super().fit(x, y, *args, **kwargs)

    def sample(self, n: int, seed: int = 0, batch_size: int = 1000) -> np.ndarray:
        """``n`` images by ancestral sampling (Ho et al. 2020): ``x_T ~ N(0, I)``, then at each step the predicted
        clean image ``x_0 = (x_t - sqrt(1 - a_t) eps_hat) / sqrt(a_t)``, clipped to the data range [-1, 1] as in
        the paper's code, and a draw from the forward process's posterior q(x_{t-1} | x_t, x_0); in [0, 1]."""
        n = check_positive_int(n, "n")
        batch_size = check_positive_int(batch_size, "batch_size")
        rng = np.random.default_rng(seed)
        a_bar = self.alpha_bar
        a_prev = np.concatenate([[1.0], a_bar[:-1]])
        betas = 1.0 - a_bar / a_prev
        out = []
        for start in range(0, n, batch_size):
            m = min(batch_size, n - start)
            x = rng.standard_normal((m, *self.image_shape)).astype(np.float32)
            for t in range(self.timesteps - 1, -1, -1):
                t_frac = np.full((m, 1), (t + 1) / self.timesteps, np.float32)
                eps_hat = ops.convert_to_numpy(self.denoiser([x, t_frac], training=False)).astype(np.float64)
                x0 = np.clip((x - np.sqrt(1.0 - a_bar[t]) * eps_hat) / np.sqrt(a_bar[t]), -1.0, 1.0)
                mean = (np.sqrt(a_prev[t]) * betas[t] * x0 + np.sqrt(1.0 - betas[t]) * (1.0 - a_prev[t]) * x) / (
                    1.0 - a_bar[t]
                )
                if t > 0:
                    var = betas[t] * (1.0 - a_prev[t]) / (1.0 - a_bar[t])
                    x = (mean + np.sqrt(var) * rng.standard_normal(x.shape)).astype(np.float32)
                else:
                    x = mean.astype(np.float32)
            out.append(np.clip((x + 1.0) / 2.0, 0.0, 1.0))
        return np.concatenate(out)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "denoiser": keras.saving.serialize_keras_object(self.denoiser),
            "timesteps": self.timesteps,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        config["denoiser"] = keras.saving.deserialize_keras_object(config["denoiser"])
        return cls(**config)
