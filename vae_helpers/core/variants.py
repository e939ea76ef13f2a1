"""Conditional VAE (Sohn et al. 2015): q(z | x, c) and p(x | z, c) with a condition c.

The condition is either a **vector** (a one-hot label, an attribute vector) or an **image**
(a low-resolution or noisy version of x, of any size). Training pairs are ``(x, c)``:
``vh.train(cvae, x, condition=c)``. At test time only c is known: draw z ~ N(0, I) and decode
with c — different z give different plausible x for the same c (several super-resolutions,
several restorations, the same digit in several handwriting styles).
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import layers, ops

from vae_helpers._checks import (
    as_float_array,
    check_non_negative,
    check_positive_int,
    check_shape,
    deserialize_parts,
    serialize_parts,
)
from vae_helpers.core.builders import _check_shape, _check_upsampling
from vae_helpers.core.losses import bernoulli_log_likelihood, gaussian_log_likelihood
from vae_helpers.core.models import VAE, LatentModel


def _condition_features(cond, height: int, width: int, name: str):
    """Map a condition tensor to an (height, width, k) map: resize images, tile vectors."""
    if len(cond.shape) == 4:
        return layers.Resizing(height, width, interpolation="bilinear", name=f"{name}_resize")(cond)
    h = layers.Dense(height * width, name=f"{name}_dense")(cond)
    return layers.Reshape((height, width, 1))(h)


def build_conditional_conv_encoder(
    input_shape: Sequence[int] = (28, 28, 1),
    condition_shape: Sequence[int] = (10,),
    latent_dim: int = 2,
    filters: Sequence[int] = (32, 64),
    dense_units: int = 128,
    name: str = "cond_conv_encoder",
) -> keras.Model:
    """q(z | x, c): the condition (resized image or tiled vector) is stacked onto x as channels."""
    input_shape, condition_shape = (
        _check_shape(input_shape, "input_shape"),
        _check_shape(condition_shape, "condition_shape"),
    )
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape}")
    x_in = keras.Input(shape=input_shape, name="x")
    c_in = keras.Input(shape=condition_shape, name="condition")
    h = layers.Concatenate()([x_in, _condition_features(c_in, input_shape[0], input_shape[1], "enc_cond")])
    for f in filters:
        h = layers.Conv2D(check_positive_int(f, "filters"), 3, strides=2, padding="same", activation="relu")(h)
    h = layers.Dense(check_positive_int(dense_units, "dense_units"), activation="relu")(layers.Flatten()(h))
    return keras.Model(
        [x_in, c_in],
        [layers.Dense(latent_dim, name="z_mean")(h), layers.Dense(latent_dim, name="z_log_var")(h)],
        name=name,
    )


def build_conditional_conv_decoder(
    latent_dim: int = 2,
    condition_shape: Sequence[int] = (10,),
    output_shape: Sequence[int] = (28, 28, 1),
    filters: Sequence[int] = (64, 32),
    output_activation: str | None = None,
    name: str = "cond_conv_decoder",
) -> keras.Model:
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
        h = layers.Conv2DTranspose(check_positive_int(f, "filters"), 3, strides=2, padding="same", activation="relu")(h)
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
        # both as tensors: Keras refuses a call that mixes a tensor (a sampled z) with a NumPy condition
        return self.decoder([ops.convert_to_tensor(z), ops.convert_to_tensor(self._need(condition))], training=training)

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


@keras.saving.register_keras_serializable(package="vae_helpers")
class LearnedVarianceVAE(VAE):
    r"""A Gaussian-likelihood VAE whose observation noise :math:`\sigma` is a trainable scalar.

    :math:`\log p(x\mid z)=\sum_i \log\mathcal N(x_i\mid\mu_i(z),\sigma^2)`; the optimum is
    :math:`\sigma^2=` the mean squared reconstruction error, so a good fit shrinks :math:`\sigma`,
    which up-weights the reconstruction term against the KL. ``init_log_sigma`` is the start value;
    ``min_log_sigma`` is a floor that keeps the density bounded.
    """

    def __init__(
        self,
        encoder: keras.Model,
        decoder: keras.Model,
        init_log_sigma: float = float(np.log(0.3)),
        min_log_sigma: float = -6.0,
        **kwargs,
    ) -> None:
        kwargs.pop("likelihood", None)
        super().__init__(encoder, decoder, likelihood="gaussian", **kwargs)
        if not np.isfinite(init_log_sigma) or not np.isfinite(min_log_sigma):
            raise ValueError("init_log_sigma and min_log_sigma must be finite")
        if init_log_sigma < min_log_sigma:
            raise ValueError(f"init_log_sigma ({init_log_sigma}) is below min_log_sigma ({min_log_sigma})")
        self.init_log_sigma = float(init_log_sigma)
        self.min_log_sigma = float(min_log_sigma)
        self.log_sigma = self.add_weight(
            shape=(), initializer=keras.initializers.Constant(self.init_log_sigma), trainable=True, name="log_sigma"
        )

    @property
    def sigma(self) -> float:
        """The current observation noise :math:`\\sigma`."""
        return float(np.exp(max(float(ops.convert_to_numpy(self.log_sigma)), self.min_log_sigma)))

    def log_likelihood(self, x, decoder_output):
        return gaussian_log_likelihood(x, decoder_output, ops.maximum(self.log_sigma, self.min_log_sigma))

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("likelihood", None)
        return {**config, "init_log_sigma": self.init_log_sigma, "min_log_sigma": self.min_log_sigma}


@keras.saving.register_keras_serializable(package="vae_helpers")
class FeatureLossVAE(VAE):
    r"""Bernoulli VAE trained on the negative ELBO plus a feature-space reconstruction term.

    .. math:: \mathcal L = -\mathbb E_q\log p(x\mid z) + \beta\,\mathrm{KL}
              + \lambda\,\lVert\phi(x)-\phi(\hat x)\rVert^2,\qquad \hat x=\mathbb E[x\mid z]

    ``feature_net`` (:math:`\phi`) is a trained Keras model mapping images to feature maps or vectors;
    it is frozen here. ``feature_weight`` is :math:`\lambda`. The likelihood and hence the ELBO are
    the plain Bernoulli ones, so test ELBOs remain comparable with a plain VAE.
    """

    def __init__(
        self,
        encoder: keras.Model,
        decoder: keras.Model,
        feature_net: keras.Model,
        feature_weight: float = 1.0,
        **kwargs,
    ) -> None:
        kwargs.pop("likelihood", None)
        super().__init__(encoder, decoder, likelihood="bernoulli", **kwargs)
        if not isinstance(feature_net, keras.Model):
            raise TypeError(f"feature_net must be a keras.Model, got {type(feature_net).__name__}")
        in_shape, enc_shape = tuple(feature_net.inputs[0].shape[1:]), tuple(encoder.inputs[0].shape[1:])
        if in_shape != enc_shape:
            raise ValueError(f"feature_net expects inputs of shape {in_shape}, the encoder {enc_shape}")
        self.feature_net = feature_net
        self.feature_net.trainable = False
        self.feature_weight = check_non_negative(feature_weight, "feature_weight")
        self.feature_tracker = keras.metrics.Mean(name="feature_loss")

    def feature_distance(self, x, x_hat):
        """Per-example squared feature distance :math:`\\lVert\\phi(x)-\\phi(\\hat x)\\rVert^2`."""
        fx, fh = self.feature_net(x, training=False), self.feature_net(x_hat, training=False)
        diff = ops.reshape(fx - fh, (ops.shape(fx)[0], -1))
        return ops.sum(ops.square(diff), axis=1)

    def extra_loss_terms(self, x, decoder_output) -> dict:
        """The feature term, reported unweighted as ``feature_loss`` and weighted by ``feature_weight``."""
        return {"feature_loss": (ops.mean(self.feature_distance(x, ops.sigmoid(decoder_output))), self.feature_weight)}

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("likelihood", None)
        return {**config, **serialize_parts(self, "feature_net"), "feature_weight": self.feature_weight}

    @classmethod
    def from_config(cls, config: dict):
        return super().from_config(deserialize_parts(config, "feature_net"))


@keras.saving.register_keras_serializable(package="vae_helpers")
class VectorQuantizer(layers.Layer):
    r"""Nearest-neighbour quantisation onto a learned codebook of ``num_codes`` vectors.

    Input: any tensor whose last axis has size ``code_dim``. :meth:`quantize_codes` returns
    ``(z_q, indices, codebook_loss, commitment_loss)`` where ``z_q`` passes gradients straight
    through to the input (:math:`z_e + \mathrm{sg}[e_k - z_e]`),
    ``codebook_loss`` :math:`=\lVert \mathrm{sg}[z_e]-e_k\rVert^2` moves the codes and
    ``commitment_loss`` :math:`=\lVert z_e-\mathrm{sg}[e_k]\rVert^2` keeps the encoder close to them
    (both summed over the code vector and positions, averaged over the batch). ``call`` returns ``z_q``.
    """

    def __init__(self, num_codes: int = 32, code_dim: int = 16, **kwargs) -> None:
        super().__init__(**kwargs)
        self.num_codes = check_positive_int(num_codes, "num_codes")
        self.code_dim = check_positive_int(code_dim, "code_dim")
        self.codebook = self.add_weight(
            shape=(self.num_codes, self.code_dim),
            name="codebook",
            initializer=keras.initializers.RandomUniform(-1.0 / self.num_codes, 1.0 / self.num_codes),
        )

    def _check(self, z_e):
        if z_e.shape[-1] is not None and int(z_e.shape[-1]) != self.code_dim:
            raise ValueError(f"last axis must have size code_dim={self.code_dim}, got {z_e.shape[-1]}")

    def indices(self, z_e):
        """Index of the nearest code for every vector of ``z_e`` (shape ``z_e.shape[:-1]``)."""
        z_e = ops.convert_to_tensor(z_e, dtype="float32")
        self._check(z_e)
        flat = ops.reshape(z_e, (-1, self.code_dim))
        d = (
            ops.sum(ops.square(flat), axis=1, keepdims=True)
            - 2.0 * ops.matmul(flat, ops.transpose(self.codebook))
            + ops.sum(ops.square(self.codebook), axis=1)[None, :]
        )
        return ops.reshape(ops.argmin(d, axis=1), ops.shape(z_e)[:-1])

    def lookup(self, indices):
        """Code vectors for integer ``indices`` (any shape); output shape ``indices.shape + (code_dim,)``."""
        return ops.take(self.codebook, ops.cast(indices, "int32"), axis=0)

    def quantize_codes(self, z_e):
        z_e = ops.convert_to_tensor(z_e, dtype="float32")
        idx = self.indices(z_e)
        e = self.lookup(idx)
        per_example = lambda t: ops.mean(ops.sum(ops.reshape(t, (ops.shape(t)[0], -1)), axis=1))  # noqa: E731
        codebook_loss = per_example(ops.square(ops.stop_gradient(z_e) - e))
        commitment_loss = per_example(ops.square(z_e - ops.stop_gradient(e)))
        z_q = z_e + ops.stop_gradient(e - z_e)
        return z_q, idx, codebook_loss, commitment_loss

    def call(self, z_e):
        return self.quantize_codes(z_e)[0]

    def get_config(self) -> dict:
        return {**super().get_config(), "num_codes": self.num_codes, "code_dim": self.code_dim}


def build_vq_encoder(
    input_shape=(28, 28, 1), code_dim: int = 16, filters=(32, 64), name: str = "vq_encoder"
) -> keras.Model:
    """Strided Conv2D blocks -> 1x1 Conv2D to ``code_dim`` channels: a grid of continuous codes z_e."""
    inputs = keras.Input(shape=tuple(input_shape), name="x")
    h = inputs
    for f in filters:
        h = layers.Conv2D(check_positive_int(f, "filters"), 3, strides=2, padding="same", activation="relu")(h)
    return keras.Model(inputs, layers.Conv2D(check_positive_int(code_dim, "code_dim"), 1, name="z_e")(h), name=name)


def build_vq_decoder(
    grid_shape=(7, 7), code_dim: int = 16, channels: int = 1, filters=(64, 32), name: str = "vq_decoder"
) -> keras.Model:
    """A code grid -> Conv2DTranspose(stride 2) blocks -> Conv2D to ``channels`` logits."""
    h0, w0 = (check_positive_int(s, "grid_shape entry") for s in grid_shape)
    inputs = keras.Input(shape=(h0, w0, check_positive_int(code_dim, "code_dim")), name="z_q")
    h = inputs
    for f in filters:
        h = layers.Conv2DTranspose(check_positive_int(f, "filters"), 3, strides=2, padding="same", activation="relu")(h)
    return keras.Model(inputs, layers.Conv2D(check_positive_int(channels, "channels"), 3, padding="same")(h), name=name)


@keras.saving.register_keras_serializable(package="vae_helpers")
class VQVAE(LatentModel):
    r"""VQ-VAE: encoder grid -> :class:`VectorQuantizer` -> decoder, Bernoulli likelihood on pixels.

    loss = :math:`-\log p(x\mid z_q)` + codebook_loss + ``commitment`` × commitment_loss.
    The shared trackers report the reconstruction term as ``reconstruction_loss`` and the two
    quantiser terms (codebook + commitment) in the ``kl_loss`` slot: with a uniform prior over codes
    the true KL is the constant :math:`HW\log K` and does not train anything.
    """

    def __init__(
        self, encoder: keras.Model, decoder: keras.Model, num_codes: int = 32, commitment: float = 0.25, **kwargs
    ) -> None:
        kwargs.pop("likelihood", None)
        super().__init__(encoder, decoder, likelihood="bernoulli", **kwargs)
        enc_out = tuple(encoder.outputs[0].shape[1:]) if len(encoder.outputs) == 1 else None
        dec_in = tuple(decoder.inputs[0].shape[1:])
        if enc_out is None or enc_out != dec_in:
            raise ValueError(
                f"the encoder must output one code grid matching the decoder input {dec_in}, "
                f"got {enc_out if enc_out is not None else len(encoder.outputs)} outputs"
            )
        self.grid_shape = dec_in[:-1]
        self.num_codes = check_positive_int(num_codes, "num_codes")
        self.commitment = check_non_negative(commitment, "commitment")
        self.quantizer = VectorQuantizer(self.num_codes, self.latent_dim, name="quantizer")
        self.code_prior: np.ndarray | None = None
        self.built = True

    def loss_terms(self, x, training: bool = False, condition=None) -> dict:
        z_q, _, cb, cm = self.quantizer.quantize_codes(self.encoder(x, training=training))
        recon = -ops.mean(bernoulli_log_likelihood(x, self.decoder(z_q, training=training)))
        vq = cb + ops.cast(self.commitment, cb.dtype) * cm
        return {"loss": recon + vq, "reconstruction_loss": recon, "kl_loss": vq}

    def reconstruction(self, x, condition=None):
        return ops.sigmoid(self.decoder(self.quantizer(self.encoder(x))))

    def encode_indices(self, x, batch_size: int = 1000) -> np.ndarray:
        """Code indices of ``x``, shape ``(n, *grid_shape)``."""
        x = self.check_inputs(x)
        return np.concatenate(
            [
                ops.convert_to_numpy(self.quantizer.indices(self.encoder(x[i : i + batch_size])))
                for i in range(0, len(x), batch_size)
            ]
        ).astype(np.int64)

    def decode_indices(self, indices, batch_size: int = 1000) -> np.ndarray:
        """Pixel probabilities for grids of code indices, shape ``(n, *grid_shape)``."""
        idx = np.asarray(indices)
        if idx.ndim != 1 + len(self.grid_shape) or tuple(idx.shape[1:]) != tuple(self.grid_shape):
            raise ValueError(f"indices must have shape (n, {', '.join(map(str, self.grid_shape))}), got {idx.shape}")
        if not np.issubdtype(idx.dtype, np.integer) or idx.min() < 0 or idx.max() >= self.num_codes:
            raise ValueError(f"indices must be integers in [0, {self.num_codes})")
        return np.concatenate(
            [
                ops.convert_to_numpy(ops.sigmoid(self.decoder(self.quantizer.lookup(idx[i : i + batch_size]))))
                for i in range(0, len(idx), batch_size)
            ]
        )

    def reconstruct(self, x) -> np.ndarray:
        """Decode the quantised code grid of ``x`` (deterministic)."""
        return self.decode_indices(self.encode_indices(x))

    def code_usage(self, x) -> int:
        """How many of the ``num_codes`` codes are used by ``x``."""
        return int(len(np.unique(self.encode_indices(x))))

    def fit_code_prior(self, x, smoothing: float = 1.0) -> np.ndarray:
        """Fit independent categorical distributions per grid position to the codes of ``x``.

        The crudest prior over code grids (real VQ-VAEs fit a PixelCNN or transformer): it ignores
        how positions depend on each other. Returns and stores probabilities ``(*grid_shape, num_codes)``.
        """
        smoothing = check_non_negative(smoothing, "smoothing")
        idx = self.encode_indices(x)
        counts = (
            np.stack([np.bincount(col, minlength=self.num_codes) for col in idx.reshape(len(idx), -1).T]).astype(
                np.float64
            )
            + smoothing
        )
        self.code_prior = (counts / counts.sum(axis=1, keepdims=True)).reshape(*self.grid_shape, self.num_codes)
        return self.code_prior

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """Decode ``n`` code grids drawn from the fitted per-position prior (call :meth:`fit_code_prior` first)."""
        n = check_positive_int(n, "n")
        if self.code_prior is None:
            raise RuntimeError("no code prior: call fit_code_prior(x_train) first")
        flat = self.code_prior.reshape(-1, self.num_codes)
        rng = np.random.default_rng(seed)
        cum = np.cumsum(flat, axis=1)
        u = rng.random((n, len(flat), 1))
        idx = np.minimum((u > cum[None]).sum(axis=2), self.num_codes - 1)
        return self.decode_indices(idx.reshape(n, *self.grid_shape))

    def decode(self, z, condition=None, batch_size: int = 1024) -> np.ndarray:
        """Decode continuous code grids ``(n, *grid_shape, code_dim)`` after quantising them."""
        z = as_float_array(z, "z")
        return self.decode_indices(ops.convert_to_numpy(self.quantizer.indices(z)).astype(np.int64), batch_size)

    def get_config(self) -> dict:
        return {**super().get_config(), "num_codes": self.num_codes, "commitment": self.commitment}

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        config.pop("likelihood", None)
        config.pop("obs_sigma", None)
        return super().from_config(config)
