"""Encoder and decoder builders (Keras functional models).

Variational encoders output ``[z_mean, z_log_var]`` (both linear: a log-variance may be
negative, so no ReLU there). Decoders output *raw* values: logits for a Bernoulli
likelihood, means for a Gaussian one (``output_activation`` can add e.g. a sigmoid).
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import layers

from vae_helpers._checks import check_divisible, check_positive_int


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
    check_divisible(height, width, factor, f"{len(filters)} stride-2 upsampling blocks")
    return height, width, channels, factor


def _heads(h, latent_dim: int, variational: bool):
    if variational:
        return [layers.Dense(latent_dim, name="z_mean")(h), layers.Dense(latent_dim, name="z_log_var")(h)]
    return layers.Dense(latent_dim, name="code")(h)


def build_mlp_encoder(
    input_shape: Sequence[int] = (28, 28, 1),
    latent_dim: int = 2,
    hidden: Sequence[int] = (256, 128),
    variational: bool = True,
    name: str = "mlp_encoder",
) -> keras.Model:
    """Flatten -> Dense(ReLU) stack -> ``[z_mean, z_log_var]`` (or one code if not variational)."""
    input_shape = _check_shape(input_shape, "input_shape")
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    inputs = keras.Input(shape=input_shape, name="x")
    h = layers.Flatten()(inputs)
    for units in hidden:
        h = layers.Dense(check_positive_int(units, "hidden units"), activation="relu")(h)
    return keras.Model(inputs, _heads(h, latent_dim, variational), name=name)


def build_mlp_decoder(
    latent_dim: int = 2,
    output_shape: Sequence[int] = (28, 28, 1),
    hidden: Sequence[int] = (128, 256),
    output_activation: str | None = None,
    name: str = "mlp_decoder",
) -> keras.Model:
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


def _residual_blocks(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"residual_blocks must be an int >= 0, got {value!r}")
    return int(value)


def build_conv_encoder(
    input_shape: Sequence[int] = (28, 28, 1),
    latent_dim: int = 2,
    filters: Sequence[int] = (32, 64),
    dense_units: int = 128,
    variational: bool = True,
    residual_blocks: int = 0,
    name: str = "conv_encoder",
) -> keras.Model:
    """Strided Conv2D(3x3, stride 2) blocks -> Dense -> ``[z_mean, z_log_var]``.

    ``residual_blocks`` adds that many :func:`residual_block` after each strided convolution
    (and a final ReLU), the deeper architecture of lesson 12; 0 gives the plain network.
    """
    input_shape = _check_shape(input_shape, "input_shape")
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    residual_blocks = _residual_blocks(residual_blocks)
    inputs = keras.Input(shape=input_shape, name="x")
    h = inputs
    for s, f in enumerate(filters):
        f = check_positive_int(f, "filters")
        h = layers.Conv2D(f, 3, strides=2, padding="same", activation="relu")(h)
        for b in range(residual_blocks):
            h = residual_block(h, f, name=f"enc{s}_res{b}")
    if residual_blocks:
        h = layers.Activation("relu", name="enc_out_relu")(h)
    h = layers.Flatten()(h)
    h = layers.Dense(check_positive_int(dense_units, "dense_units"), activation="relu")(h)
    return keras.Model(inputs, _heads(h, latent_dim, variational), name=name)


def build_conv_decoder(
    latent_dim: int = 2,
    output_shape: Sequence[int] = (28, 28, 1),
    filters: Sequence[int] = (64, 32),
    output_activation: str | None = None,
    residual_blocks: int = 0,
    name: str = "conv_decoder",
) -> keras.Model:
    """Dense -> Reshape to a small map -> Conv2DTranspose(stride 2) blocks -> Conv2D to channels.

    Height and width must be divisible by ``2 ** len(filters)``. ``residual_blocks`` adds that many
    :func:`residual_block` after each upsampling block (and a final ReLU); 0 gives the plain network.
    """
    height, width, channels, factor = _check_upsampling(output_shape, filters)
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    residual_blocks = _residual_blocks(residual_blocks)
    inputs = keras.Input(shape=(latent_dim,), name="z")
    first = check_positive_int(filters[0], "filters") if filters else channels
    h = layers.Dense((height // factor) * (width // factor) * first, activation="relu")(inputs)
    h = layers.Reshape((height // factor, width // factor, first))(h)
    for s, f in enumerate(filters):
        f = check_positive_int(f, "filters")
        h = layers.Conv2DTranspose(f, 3, strides=2, padding="same", activation="relu")(h)
        for b in range(residual_blocks):
            h = residual_block(h, f, name=f"dec{s}_res{b}")
    if residual_blocks:
        h = layers.Activation("relu", name="dec_out_relu")(h)
    outputs = layers.Conv2D(channels, 3, padding="same", activation=output_activation)(h)
    return keras.Model(inputs, outputs, name=name)


def residual_block(h, filters: int, name: str):
    """Apply one pre-activation residual block ``h + Conv(ReLU(Conv(ReLU(h))))`` to a 4-D tensor.

    ``h`` must already have ``filters`` channels (the skip is an identity). Used by the builders
    below; exposed so that notebooks can show it.
    """
    filters = check_positive_int(filters, "filters")
    if h.shape[-1] != filters:
        raise ValueError(f"residual_block needs {filters} input channels for the identity skip, got {h.shape[-1]}")
    r = layers.Activation("relu", name=f"{name}_relu1")(h)
    r = layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv1")(r)
    r = layers.Activation("relu", name=f"{name}_relu2")(r)
    r = layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv2")(r)
    return layers.Add(name=f"{name}_add")([h, r])


def count_parameters(*models: keras.Model) -> int:
    """Total number of trainable parameters of one or more Keras models (e.g. encoder and decoder)."""
    if not models:
        raise ValueError("count_parameters needs at least one model")
    total = 0
    for m in models:
        if not isinstance(m, keras.Model):
            raise TypeError(f"count_parameters expects keras.Model instances, got {type(m).__name__}")
        total += int(sum(int(w.numpy().size) for w in m.trainable_weights))
    return total
