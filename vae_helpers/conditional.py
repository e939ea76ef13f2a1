"""Conditional VAE (Sohn et al. 2015): q(z | x, c) and p(x | z, c) with a condition c.

The condition is either a **vector** (a one-hot label, an attribute vector) or an **image**
(a low-resolution or noisy version of x, of any size). Training pairs are ``(x, c)``:
``vh.train(cvae, x, condition=c)``. At test time only c is known: draw z ~ N(0, I) and decode
with c — different z give different plausible x for the same c (several super-resolutions,
several restorations, the same digit in several handwriting styles).
"""

from __future__ import annotations

from typing import Sequence

import keras
import numpy as np
from keras import layers, ops

from .builders import _check_shape, _check_upsampling
from .models import VAE
from .validation import as_float_array, check_non_negative, check_positive_int, check_shape


def _condition_features(cond, height: int, width: int, name: str):
    """Map a condition tensor to an (height, width, k) map: resize images, tile vectors."""
    if len(cond.shape) == 4:
        return layers.Resizing(height, width, interpolation="bilinear", name=f"{name}_resize")(cond)
    h = layers.Dense(height * width, name=f"{name}_dense")(cond)
    return layers.Reshape((height, width, 1))(h)


def build_conditional_conv_encoder(input_shape: Sequence[int] = (28, 28, 1),
                                   condition_shape: Sequence[int] = (10,), latent_dim: int = 2,
                                   filters: Sequence[int] = (32, 64), dense_units: int = 128,
                                   name: str = "cond_conv_encoder") -> keras.Model:
    """q(z | x, c): the condition (resized image or tiled vector) is stacked onto x as channels."""
    input_shape, condition_shape = _check_shape(input_shape, "input_shape"), _check_shape(condition_shape, "condition_shape")
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape}")
    x_in = keras.Input(shape=input_shape, name="x")
    c_in = keras.Input(shape=condition_shape, name="condition")
    h = layers.Concatenate()([x_in, _condition_features(c_in, input_shape[0], input_shape[1], "enc_cond")])
    for f in filters:
        h = layers.Conv2D(check_positive_int(f, "filters"), 3, strides=2, padding="same", activation="relu")(h)
    h = layers.Dense(check_positive_int(dense_units, "dense_units"), activation="relu")(layers.Flatten()(h))
    return keras.Model([x_in, c_in], [layers.Dense(latent_dim, name="z_mean")(h),
                                      layers.Dense(latent_dim, name="z_log_var")(h)], name=name)


def build_conditional_conv_decoder(latent_dim: int = 2, condition_shape: Sequence[int] = (10,),
                                   output_shape: Sequence[int] = (28, 28, 1), filters: Sequence[int] = (64, 32),
                                   output_activation: str | None = None,
                                   name: str = "cond_conv_decoder") -> keras.Model:
    """p(x | z, c): z becomes a small feature map; the condition is injected at every resolution.

    An image condition is resized to each stage's size and concatenated (a skip path that lets the
    decoder copy what c already says, e.g. the coarse structure of a low-res input); a vector
    condition is concatenated with z before the first Dense layer.
    """
    height, width, channels, factor = _check_upsampling(output_shape, filters)
    condition_shape = _check_shape(condition_shape, "condition_shape")
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    image_cond = len(condition_shape) == 3
    z_in = keras.Input(shape=(latent_dim,), name="z")
    c_in = keras.Input(shape=condition_shape, name="condition")
    h = z_in if image_cond else layers.Concatenate()([z_in, c_in])
    first = check_positive_int(filters[0], "filters") if filters else channels
    size_h, size_w = height // factor, width // factor
    h = layers.Reshape((size_h, size_w, first))(layers.Dense(size_h * size_w * first, activation="relu")(h))
    for i, f in enumerate(filters):
        if image_cond:
            h = layers.Concatenate()([h, layers.Resizing(size_h, size_w, name=f"dec_cond_resize_{i}")(c_in)])
        h = layers.Conv2DTranspose(check_positive_int(f, "filters"), 3, strides=2, padding="same",
                                   activation="relu")(h)
        size_h, size_w = size_h * 2, size_w * 2
    if image_cond:
        h = layers.Concatenate()([h, layers.Resizing(height, width, name="dec_cond_resize_out")(c_in)])
    outputs = layers.Conv2D(channels, 3, padding="same", activation=output_activation)(h)
    return keras.Model([z_in, c_in], outputs, name=name)


@keras.saving.register_keras_serializable(package="vae_helpers")
class ConditionalVAE(VAE):
    """A VAE whose encoder sees ``[x, c]`` and whose decoder sees ``[z, c]``.

    Same loss, β, KL annealing, free bits and log-variance clamp as :class:`~vae_helpers.VAE`;
    the prior is N(0, I) (a fixed prior, not a learned p(z | c) network).
    """

    @property
    def condition_shape(self) -> tuple:
        return tuple(self.decoder.inputs[1].shape[1:])

    def check_condition(self, condition, n: int, name: str = "condition") -> np.ndarray:
        arr = as_float_array(condition, name)
        check_shape(arr, self.condition_shape, name)
        if len(arr) != n:
            raise ValueError(f"{name} has {len(arr)} rows but there are {n} examples")
        return arr

    def _need(self, condition):
        if condition is None:
            raise ValueError("ConditionalVAE needs a condition: train(model, x, condition=c) / fit(x, c)")
        return condition

    def encoder_inputs(self, x, condition=None):
        return [x, self._need(condition)]

    def decoder_output(self, z, condition=None, x=None, training: bool = False):
        return self.decoder([z, self._need(condition)], training=training)

    def decode(self, z, condition=None, batch_size: int = 1024) -> np.ndarray:
        """E[x | z, c] for each row of ``z`` and ``condition``."""
        z = as_float_array(z, "z")
        if z.shape[1:] != (self.latent_dim,):
            raise ValueError(f"z must have shape (n, {self.latent_dim}), got {z.shape}")
        c = self.check_condition(self._need(condition), len(z))
        out = [ops.convert_to_numpy(self.output_mean(self.decoder_output(z[i:i + batch_size], c[i:i + batch_size])))
               for i in range(0, len(z), batch_size)]
        return np.concatenate(out)

    def reconstruct(self, x, condition=None, sample: bool = False, seed: int = 0) -> np.ndarray:
        """Decode the posterior mean (or a posterior sample) of ``x`` with its condition."""
        z_mean, z_log_var = self.encode(x, condition)
        if sample:
            z_mean = z_mean + np.exp(0.5 * z_log_var) * np.random.default_rng(seed).standard_normal(z_mean.shape)
        return self.decode(z_mean, condition)

    def generate(self, condition, temperature: float = 1.0, seed: int = 0) -> np.ndarray:
        """One sample per condition row: z ~ N(0, temperature^2 I), x = E[x | z, c]."""
        c = as_float_array(condition, "condition")
        temperature = check_non_negative(temperature, "temperature")
        z = temperature * np.random.default_rng(seed).standard_normal((len(c), self.latent_dim))
        return self.decode(z.astype(np.float32), c)

    def sample(self, n: int, temperature: float = 1.0, seed: int = 0) -> np.ndarray:
        raise TypeError("a ConditionalVAE samples given a condition: use generate(condition)")


def one_hot(labels, n_classes: int) -> np.ndarray:
    """Integer labels -> float32 one-hot rows, with a clear error for out-of-range labels."""
    labels = np.asarray(labels)
    n_classes = check_positive_int(n_classes, "n_classes")
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a 1-D integer array, got shape {labels.shape} dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must lie in [0, {n_classes}), got [{labels.min()}, {labels.max()}]")
    return np.eye(n_classes, dtype=np.float32)[labels]
