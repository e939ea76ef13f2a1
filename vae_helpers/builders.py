"""Encoder and decoder builders (Keras functional models).

Variational encoders output ``[z_mean, z_log_var]`` (both linear: a log-variance may be
negative, so no ReLU there). Decoders output *raw* values: logits for a Bernoulli
likelihood, means for a Gaussian one (``output_activation`` can add e.g. a sigmoid).
"""

from __future__ import annotations

from typing import Sequence

import keras
from keras import layers

from .validation import check_positive_int


def _check_shape(shape: Sequence[int], name: str) -> tuple[int, ...]:
    if not isinstance(shape, (tuple, list)) or not shape:
        raise TypeError(f"{name} must be a non-empty tuple of ints, got {shape!r}")
    return tuple(check_positive_int(s, f"{name} entry") for s in shape)


def _check_upsampling(output_shape: Sequence[int], filters: Sequence[int]) -> tuple[int, int, int, int]:
    """Validate an image output shape for ``len(filters)`` stride-2 upsampling blocks.

    Returns ``(height, width, channels, factor)`` with ``factor = 2 ** len(filters)``.
    """
    output_shape = _check_shape(output_shape, "output_shape")
    if len(output_shape) != 3:
        raise ValueError(f"output_shape must be (height, width, channels), got {output_shape}")
    height, width, channels = output_shape
    factor = 2 ** len(filters)
    if height % factor or width % factor:
        raise ValueError(f"output height/width {height}x{width} must be divisible by {factor} "
                         f"for {len(filters)} upsampling blocks")
    return height, width, channels, factor


def _heads(h, latent_dim: int, variational: bool):
    if variational:
        return [layers.Dense(latent_dim, name="z_mean")(h), layers.Dense(latent_dim, name="z_log_var")(h)]
    return layers.Dense(latent_dim, name="code")(h)


def build_mlp_encoder(input_shape: Sequence[int] = (28, 28, 1), latent_dim: int = 2,
                      hidden: Sequence[int] = (256, 128), variational: bool = True,
                      name: str = "mlp_encoder") -> keras.Model:
    """Flatten -> Dense(ReLU) stack -> ``[z_mean, z_log_var]`` (or one code if not variational)."""
    input_shape = _check_shape(input_shape, "input_shape")
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    inputs = keras.Input(shape=input_shape, name="x")
    h = layers.Flatten()(inputs)
    for units in hidden:
        h = layers.Dense(check_positive_int(units, "hidden units"), activation="relu")(h)
    return keras.Model(inputs, _heads(h, latent_dim, variational), name=name)


def build_mlp_decoder(latent_dim: int = 2, output_shape: Sequence[int] = (28, 28, 1),
                      hidden: Sequence[int] = (128, 256), output_activation: str | None = None,
                      name: str = "mlp_decoder") -> keras.Model:
    """z -> Dense(ReLU) stack -> Dense(prod(output_shape)) -> Reshape(output_shape)."""
    output_shape = _check_shape(output_shape, "output_shape")
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    inputs = keras.Input(shape=(latent_dim,), name="z")
    h = inputs
    for units in hidden:
        h = layers.Dense(check_positive_int(units, "hidden units"), activation="relu")(h)
    size = 1
    for s in output_shape:
        size *= s
    h = layers.Dense(size, activation=output_activation)(h)
    return keras.Model(inputs, layers.Reshape(output_shape)(h), name=name)


def build_conv_encoder(input_shape: Sequence[int] = (28, 28, 1), latent_dim: int = 2,
                       filters: Sequence[int] = (32, 64), dense_units: int = 128,
                       variational: bool = True, name: str = "conv_encoder") -> keras.Model:
    """Strided Conv2D(3x3, stride 2) blocks -> Dense -> ``[z_mean, z_log_var]``."""
    input_shape = _check_shape(input_shape, "input_shape")
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    inputs = keras.Input(shape=input_shape, name="x")
    h = inputs
    for f in filters:
        h = layers.Conv2D(check_positive_int(f, "filters"), 3, strides=2, padding="same", activation="relu")(h)
    h = layers.Flatten()(h)
    h = layers.Dense(check_positive_int(dense_units, "dense_units"), activation="relu")(h)
    return keras.Model(inputs, _heads(h, latent_dim, variational), name=name)


def build_conv_decoder(latent_dim: int = 2, output_shape: Sequence[int] = (28, 28, 1),
                       filters: Sequence[int] = (64, 32), output_activation: str | None = None,
                       name: str = "conv_decoder") -> keras.Model:
    """Dense -> Reshape to a small map -> Conv2DTranspose(stride 2) blocks -> Conv2D to channels.

    Height and width must be divisible by ``2 ** len(filters)``.
    """
    height, width, channels, factor = _check_upsampling(output_shape, filters)
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    inputs = keras.Input(shape=(latent_dim,), name="z")
    first = check_positive_int(filters[0], "filters") if filters else channels
    h = layers.Dense((height // factor) * (width // factor) * first, activation="relu")(inputs)
    h = layers.Reshape((height // factor, width // factor, first))(h)
    for f in filters:
        h = layers.Conv2DTranspose(check_positive_int(f, "filters"), 3, strides=2, padding="same",
                                   activation="relu")(h)
    outputs = layers.Conv2D(channels, 3, padding="same", activation=output_activation)(h)
    return keras.Model(inputs, outputs, name=name)
