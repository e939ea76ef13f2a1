"""Models that attack VAE blur (lesson 26), all trained through Keras's own loop (``LatentModel.compute_loss``).

* :class:`LearnedVarianceVAE` — Gaussian likelihood with a *learned* observation noise
  :math:`\\sigma` (one scalar). A fixed large :math:`\\sigma` is what makes a Gaussian VAE average
  heavily; learning it lets the reconstruction term sharpen as the fit improves.
* :class:`FeatureLossVAE` — the Bernoulli ELBO plus a perceptual term: squared distance between
  the features of ``x`` and of the reconstruction under a frozen, separately trained network.
  The decoder (and so :func:`~vae_helpers.metrics.evaluate_elbo`) is unchanged.
* :class:`VectorQuantizer` and :class:`VQVAE` — a discrete latent grid (van den Oord et al., 2017):
  nearest-codebook quantisation with the straight-through estimator, codebook and commitment
  losses. There is no Gaussian posterior, so no ELBO; sampling needs a prior over code grids
  (:meth:`VQVAE.fit_code_prior` fits the simplest one: independent categorical per position).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops

from .losses import bernoulli_log_likelihood, gaussian_log_likelihood
from .models import LatentModel, VAE
from .serialization import deserialize_parts, serialize_parts
from .validation import as_float_array, check_non_negative, check_positive_int


@keras.saving.register_keras_serializable(package="vae_helpers")
class LearnedVarianceVAE(VAE):
    r"""A Gaussian-likelihood VAE whose observation noise :math:`\sigma` is a trainable scalar.

    :math:`\log p(x\mid z)=\sum_i \log\mathcal N(x_i\mid\mu_i(z),\sigma^2)`; the optimum is
    :math:`\sigma^2=` the mean squared reconstruction error, so a good fit shrinks :math:`\sigma`,
    which up-weights the reconstruction term against the KL. ``init_log_sigma`` is the start value;
    ``min_log_sigma`` is a floor that keeps the density bounded.
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, init_log_sigma: float = float(np.log(0.3)),
                 min_log_sigma: float = -6.0, **kwargs) -> None:
        kwargs.pop("likelihood", None)
        super().__init__(encoder, decoder, likelihood="gaussian", **kwargs)
        if not np.isfinite(init_log_sigma) or not np.isfinite(min_log_sigma):
            raise ValueError("init_log_sigma and min_log_sigma must be finite")
        if init_log_sigma < min_log_sigma:
            raise ValueError(f"init_log_sigma ({init_log_sigma}) is below min_log_sigma ({min_log_sigma})")
        self.init_log_sigma = float(init_log_sigma)
        self.min_log_sigma = float(min_log_sigma)
        self.log_sigma = self.add_weight(shape=(), initializer=keras.initializers.Constant(self.init_log_sigma),
                                         trainable=True, name="log_sigma")

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

    def __init__(self, encoder: keras.Model, decoder: keras.Model, feature_net: keras.Model,
                 feature_weight: float = 1.0, **kwargs) -> None:
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
        self.codebook = self.add_weight(shape=(self.num_codes, self.code_dim), name="codebook",
                                        initializer=keras.initializers.RandomUniform(-1.0 / self.num_codes,
                                                                                     1.0 / self.num_codes))

    def _check(self, z_e):
        if z_e.shape[-1] is not None and int(z_e.shape[-1]) != self.code_dim:
            raise ValueError(f"last axis must have size code_dim={self.code_dim}, got {z_e.shape[-1]}")

    def indices(self, z_e):
        """Index of the nearest code for every vector of ``z_e`` (shape ``z_e.shape[:-1]``)."""
        z_e = ops.convert_to_tensor(z_e, dtype="float32")
        self._check(z_e)
        flat = ops.reshape(z_e, (-1, self.code_dim))
        d = (ops.sum(ops.square(flat), axis=1, keepdims=True) - 2.0 * ops.matmul(flat, ops.transpose(self.codebook))
             + ops.sum(ops.square(self.codebook), axis=1)[None, :])
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


def build_vq_encoder(input_shape=(28, 28, 1), code_dim: int = 16, filters=(32, 64),
                     name: str = "vq_encoder") -> keras.Model:
    """Strided Conv2D blocks -> 1x1 Conv2D to ``code_dim`` channels: a grid of continuous codes z_e."""
    inputs = keras.Input(shape=tuple(input_shape), name="x")
    h = inputs
    for f in filters:
        h = layers.Conv2D(check_positive_int(f, "filters"), 3, strides=2, padding="same", activation="relu")(h)
    return keras.Model(inputs, layers.Conv2D(check_positive_int(code_dim, "code_dim"), 1, name="z_e")(h), name=name)


def build_vq_decoder(grid_shape=(7, 7), code_dim: int = 16, channels: int = 1, filters=(64, 32),
                     name: str = "vq_decoder") -> keras.Model:
    """A code grid -> Conv2DTranspose(stride 2) blocks -> Conv2D to ``channels`` logits."""
    h0, w0 = (check_positive_int(s, "grid_shape entry") for s in grid_shape)
    inputs = keras.Input(shape=(h0, w0, check_positive_int(code_dim, "code_dim")), name="z_q")
    h = inputs
    for f in filters:
        h = layers.Conv2DTranspose(check_positive_int(f, "filters"), 3, strides=2, padding="same",
                                   activation="relu")(h)
    return keras.Model(inputs, layers.Conv2D(check_positive_int(channels, "channels"), 3, padding="same")(h),
                       name=name)


@keras.saving.register_keras_serializable(package="vae_helpers")
class VQVAE(LatentModel):
    r"""VQ-VAE: encoder grid -> :class:`VectorQuantizer` -> decoder, Bernoulli likelihood on pixels.

    loss = :math:`-\log p(x\mid z_q)` + codebook_loss + ``commitment`` × commitment_loss.
    The shared trackers report the reconstruction term as ``reconstruction_loss`` and the two
    quantiser terms (codebook + commitment) in the ``kl_loss`` slot: with a uniform prior over codes
    the true KL is the constant :math:`HW\log K` and does not train anything.
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, num_codes: int = 32,
                 commitment: float = 0.25, **kwargs) -> None:
        kwargs.pop("likelihood", None)
        super().__init__(encoder, decoder, likelihood="bernoulli", **kwargs)
        enc_out = tuple(encoder.outputs[0].shape[1:]) if len(encoder.outputs) == 1 else None
        dec_in = tuple(decoder.inputs[0].shape[1:])
        if enc_out is None or enc_out != dec_in:
            raise ValueError(f"the encoder must output one code grid matching the decoder input {dec_in}, "
                             f"got {enc_out if enc_out is not None else len(encoder.outputs)} outputs")
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
        return np.concatenate([ops.convert_to_numpy(self.quantizer.indices(self.encoder(x[i:i + batch_size])))
                               for i in range(0, len(x), batch_size)]).astype(np.int64)

    def decode_indices(self, indices, batch_size: int = 1000) -> np.ndarray:
        """Pixel probabilities for grids of code indices, shape ``(n, *grid_shape)``."""
        idx = np.asarray(indices)
        if idx.ndim != 1 + len(self.grid_shape) or tuple(idx.shape[1:]) != tuple(self.grid_shape):
            raise ValueError(f"indices must have shape (n, {', '.join(map(str, self.grid_shape))}), got {idx.shape}")
        if not np.issubdtype(idx.dtype, np.integer) or idx.min() < 0 or idx.max() >= self.num_codes:
            raise ValueError(f"indices must be integers in [0, {self.num_codes})")
        return np.concatenate([ops.convert_to_numpy(ops.sigmoid(self.decoder(self.quantizer.lookup(idx[i:i + batch_size]))))
                               for i in range(0, len(idx), batch_size)])

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
        counts = np.stack([np.bincount(col, minlength=self.num_codes)
                           for col in idx.reshape(len(idx), -1).T]).astype(np.float64) + smoothing
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

    def decode(self, z, batch_size: int = 1024) -> np.ndarray:
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
