"""Deeper encoder/decoder builders: residual convolutional networks for image VAEs.

``build_residual_conv_encoder`` / ``build_residual_conv_decoder`` have the same interface as
``vae_helpers.build_conv_encoder`` / ``build_conv_decoder`` (functional Keras models, encoder
outputs ``[z_mean, z_log_var]``, decoder outputs raw logits/means) but add ``blocks`` residual
blocks after every down- or up-sampling stage:

    h -> h + Conv3x3(ReLU(Conv3x3(ReLU(h))))

Identity skips keep a deeper network as easy to optimise as a shallow one (He et al. 2016), which
is what "增加层数" needs to mean in practice. They are plain functional models, so they save and load
with ``model.save`` without custom layers.
"""

from __future__ import annotations

from typing import Sequence

import keras
from keras import layers

from .validation import check_positive_int


def _check_image_shape(shape: Sequence[int], name: str) -> tuple[int, int, int]:
    if not isinstance(shape, (tuple, list)) or len(shape) != 3:
        raise TypeError(f"{name} must be a (height, width, channels) tuple of ints, got {shape!r}")
    return tuple(check_positive_int(s, f"{name} entry") for s in shape)  # type: ignore[return-value]


def _check_filters(filters: Sequence[int]) -> tuple[int, ...]:
    if not isinstance(filters, (tuple, list)) or not filters:
        raise TypeError(f"filters must be a non-empty tuple of ints, got {filters!r}")
    return tuple(check_positive_int(f, "filters entry") for f in filters)


def _check_blocks(blocks: int) -> int:
    if isinstance(blocks, bool) or not isinstance(blocks, int):
        raise TypeError(f"blocks must be an int >= 0, got {blocks!r}")
    if blocks < 0:
        raise ValueError(f"blocks must be >= 0, got {blocks}")
    return blocks


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


def build_residual_conv_encoder(input_shape: Sequence[int] = (28, 28, 1), latent_dim: int = 2,
                                filters: Sequence[int] = (32, 64), blocks: int = 1, dense_units: int = 128,
                                variational: bool = True, name: str = "resconv_encoder") -> keras.Model:
    """Strided Conv2D (3x3, stride 2) stages, each followed by ``blocks`` residual blocks,
    then Dense(ReLU) -> ``[z_mean, z_log_var]`` (one code when ``variational=False``).

    With ``blocks=0`` this is the plain ``build_conv_encoder`` network.
    """
    shape = _check_image_shape(input_shape, "input_shape")
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    filters = _check_filters(filters)
    blocks = _check_blocks(blocks)
    dense_units = check_positive_int(dense_units, "dense_units")
    inputs = keras.Input(shape=shape, name="x")
    h = inputs
    for s, f in enumerate(filters):
        h = layers.Conv2D(f, 3, strides=2, padding="same", activation="relu", name=f"down{s}")(h)
        for b in range(blocks):
            h = residual_block(h, f, name=f"enc{s}_res{b}")
    h = layers.Activation("relu", name="enc_out_relu")(h) if blocks else h
    h = layers.Flatten()(h)
    h = layers.Dense(dense_units, activation="relu")(h)
    if variational:
        outputs = [layers.Dense(latent_dim, name="z_mean")(h), layers.Dense(latent_dim, name="z_log_var")(h)]
    else:
        outputs = layers.Dense(latent_dim, name="code")(h)
    return keras.Model(inputs, outputs, name=name)


def build_residual_conv_decoder(latent_dim: int = 2, output_shape: Sequence[int] = (28, 28, 1),
                                filters: Sequence[int] = (64, 32), blocks: int = 1,
                                output_activation: str | None = None,
                                name: str = "resconv_decoder") -> keras.Model:
    """Dense -> Reshape to a small map -> Conv2DTranspose (stride 2) stages, each followed by
    ``blocks`` residual blocks -> Conv2D(3x3) to the output channels (raw logits or means).

    Height and width must be divisible by ``2 ** len(filters)``. With ``blocks=0`` this is the
    plain ``build_conv_decoder`` network.
    """
    height, width, channels = _check_image_shape(output_shape, "output_shape")
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    filters = _check_filters(filters)
    blocks = _check_blocks(blocks)
    factor = 2 ** len(filters)
    if height % factor or width % factor:
        raise ValueError(f"output height/width {height}x{width} must be divisible by {factor} "
                         f"for {len(filters)} upsampling stages")
    inputs = keras.Input(shape=(latent_dim,), name="z")
    h = layers.Dense((height // factor) * (width // factor) * filters[0], activation="relu")(inputs)
    h = layers.Reshape((height // factor, width // factor, filters[0]))(h)
    for s, f in enumerate(filters):
        h = layers.Conv2DTranspose(f, 3, strides=2, padding="same", activation="relu", name=f"up{s}")(h)
        for b in range(blocks):
            h = residual_block(h, f, name=f"dec{s}_res{b}")
    h = layers.Activation("relu", name="dec_out_relu")(h) if blocks else h
    outputs = layers.Conv2D(channels, 3, padding="same", activation=output_activation, name="x_out")(h)
    return keras.Model(inputs, outputs, name=name)


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
