"""The ``VAE`` and a plain ``Autoencoder`` as ``keras.Model`` subclasses.

Both train through Keras's own loop via :meth:`LatentModel.compute_loss`: a model only says how to
compute its loss terms. Losses are in nats per example (summed over pixels, averaged over
the batch), so numbers are comparable across notebooks.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from vae_helpers._checks import (
    as_float_array,
    check_likelihood,
    check_non_negative,
    check_positive_int,
    check_shape,
    check_unit_interval,
    deserialize_parts,
    serialize_parts,
    validate_fit_arrays,
)
from vae_helpers.core.layers import Sampling
from vae_helpers.core.losses import (
    bernoulli_log_likelihood,
    categorical_log_likelihood,
    gaussian_log_likelihood,
    kl_divergence,
    kl_divergence_per_dim,
    log_normal_diag,
    log_standard_normal,
)
from vae_helpers.core.optimizers import build_optimizer

DEFAULT_LOGVAR_RANGE = (-10.0, 10.0)


class LatentModel(keras.Model):
    """Shared machinery: likelihood, the Keras loss hook, metric trackers, input checks.

    Subclasses implement :meth:`loss_terms` returning a dict with ``loss``,
    ``reconstruction_loss`` and ``kl_loss`` (batch means); Keras's own ``train_step`` trains on it
    through :meth:`compute_loss`.
    """

    def __init__(
        self,
        encoder: keras.Model,
        decoder: keras.Model,
        likelihood: str = "bernoulli",
        obs_sigma: float = 0.1,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        if not isinstance(encoder, keras.Model) or not isinstance(decoder, keras.Model):
            raise TypeError("encoder and decoder must be keras.Model instances")
        self.encoder = encoder
        self.decoder = decoder
        self.likelihood = check_likelihood(likelihood)
        self.obs_sigma = check_non_negative(obs_sigma, "obs_sigma")
        if self.obs_sigma == 0:
            raise ValueError("obs_sigma must be > 0")
        self.latent_dim = int(decoder.inputs[0].shape[-1])
        self.recon_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_tracker = keras.metrics.Mean(name="kl_loss")

    def build(self, input_shape=None) -> None:
        """Encoder and decoder are functional models, built at construction."""
        self.built = True

    # ---- likelihood -------------------------------------------------------------------------
    def log_likelihood(self, x, decoder_output):
        """log p(x | z) per example from the decoder's raw output."""
        if self.likelihood == "bernoulli":
            return bernoulli_log_likelihood(x, decoder_output)
        if self.likelihood == "categorical":  # x: target token ids aligned with the logits
            return categorical_log_likelihood(x, decoder_output)
        return gaussian_log_likelihood(x, decoder_output, float(np.log(self.obs_sigma)))

    def output_mean(self, decoder_output):
        """E[x | z]: sigmoid of the logits (Bernoulli), softmax (categorical) or the mean (Gaussian)."""
        if self.likelihood == "categorical":
            return ops.softmax(decoder_output, axis=-1)
        return ops.sigmoid(decoder_output) if self.likelihood == "bernoulli" else decoder_output

    # ---- training ---------------------------------------------------------------------------
    def loss_terms(self, x, training: bool = False, condition=None) -> dict:
        raise NotImplementedError

    def call(self, inputs, training: bool = False):
        """The forward pass on ``x`` or ``(x, condition)``.

        In training mode (Keras's ``train_step`` calls ``self(x, training=True)``) it returns the dict of
        :meth:`loss_terms`, which :meth:`compute_loss` receives as ``y_pred``: the encoder and decoder run
        once per step. Otherwise it returns :meth:`reconstruction` (what ``model(x)`` and ``predict`` give).
        """
        x, condition = self.split_inputs(inputs)
        if training:
            return self.loss_terms(x, training=True, condition=condition)
        return self.reconstruction(x, condition)

    def reconstruction(self, x, condition=None):
        """Deterministic reconstruction E[x | code of x] as a tensor (subclasses implement it)."""
        raise NotImplementedError

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training: bool = True):
        """Keras's training hook: the model's :meth:`loss_terms` plus any weight penalties.

        Keras's own ``train_step``/``test_step`` call this, so loss scaling under mixed precision,
        distribution strategies and the ``loss`` metric come from Keras. In training ``y_pred`` already
        holds the loss terms (see :meth:`call`); in evaluation they are computed here. ``y`` is the
        condition of a conditional model when a dataset yields ``(x, condition)`` pairs.
        """
        if isinstance(y_pred, dict) and y is None:
            terms = y_pred
        else:
            x, condition = self.split_inputs(x)
            terms = self.loss_terms(x, training=training, condition=condition if y is None else y)
        for metric in self.metrics:  # reconstruction_loss, kl_loss and any term a subclass tracks
            if metric.name in terms and metric is not self._loss_tracker:
                metric.update_state(terms[metric.name])
        loss = ops.cast(terms["loss"], "float32")
        if self.losses:  # weight penalties (kernel_regularizer, add_loss)
            loss = loss + ops.sum([ops.cast(penalty, "float32") for penalty in self.losses])
        return loss

    # ---- input checks -----------------------------------------------------------------------
    def check_inputs(self, x, name: str = "x") -> np.ndarray:
        """Validate a NumPy batch: finite, right shape, in [0, 1] for Bernoulli."""
        arr = as_float_array(x, name)
        check_shape(arr, tuple(self.encoder.inputs[0].shape[1:]), name)
        if self.likelihood == "bernoulli":
            check_unit_interval(arr, name)
        return arr

    def check_condition(self, condition, n: int, name: str = "condition") -> np.ndarray:
        """Validate a conditioning array (finite, one row per example); models without one reject it."""
        raise TypeError(f"{type(self).__name__} takes no condition; use vae_helpers.core.ConditionalVAE")

    def fit(self, x=None, y=None, *args, validation_data=None, **kwargs):
        """``keras.Model.fit`` that validates NumPy inputs first (clear errors, no NaN losses).

        ``y``, when given, is the *condition* of a conditional model (not a target): it travels with
        ``x`` as the model input ``(x, condition)``, so Keras's forward pass sees both.
        """
        x, validation_data = validate_fit_arrays(self, x, validation_data)
        if isinstance(x, np.ndarray) and y is not None:
            x, y = (x, self.check_condition(y, len(x), "condition")), None
        if isinstance(validation_data, tuple) and len(validation_data) == 2 and validation_data[1] is not None:
            x_val = self.check_inputs(validation_data[0], "validation_data")
            validation_data = ((x_val, self.check_condition(validation_data[1], len(x_val), "val_condition")),)
        if self.compiled:  # an uncompiled model gets Keras's own error from fit
            build_optimizer(self.optimizer, self.trainable_variables)
        return super().fit(x, y, *args, validation_data=validation_data, **kwargs)

    @staticmethod
    def split_inputs(inputs):
        """``(x, condition)`` from a model input: a pair for conditional models, else ``(inputs, None)``."""
        if isinstance(inputs, (tuple, list)) and len(inputs) == 2:
            return inputs[0], inputs[1]
        return inputs, None

    # ---- inference helpers ------------------------------------------------------------------
    def decoder_output(self, z, condition=None, x=None, training: bool = False):
        """Raw decoder output for codes ``z`` (logits or means); ``x`` is for teacher-forced decoders,
        ``condition`` for conditional models (which override this)."""
        return self.decoder(z, training=training)

    def decode(self, z, condition=None, batch_size: int = 1024) -> np.ndarray:
        """Decode latent codes to E[x | z] (pixel probabilities for Bernoulli), given the condition of a
        conditional model (one row per code)."""
        z = as_float_array(z, "z")
        if z.shape[1:] != (self.latent_dim,):
            raise ValueError(f"z must have shape (n, {self.latent_dim}), got {z.shape}")
        c = None if condition is None else self.check_condition(condition, len(z))
        out = [
            ops.convert_to_numpy(
                self.output_mean(
                    self.decoder_output(z[i : i + batch_size], None if c is None else c[i : i + batch_size])
                )
            )
            for i in range(0, len(z), batch_size)
        ]
        return np.concatenate(out)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            **serialize_parts(self, "encoder", "decoder"),
            "likelihood": self.likelihood,
            "obs_sigma": self.obs_sigma,
        }

    @classmethod
    def from_config(cls, config: dict):
        return cls(**deserialize_parts(config, "encoder", "decoder"))


@keras.saving.register_keras_serializable(package="vae_helpers")
class VAE(LatentModel):
    r"""Variational autoencoder trained on the negative (β-weighted) ELBO.

    loss = -E_q[log p(x|z)] + kl_weight * KL(q(z|x) || N(0, I))

    ``beta`` is the target KL weight; ``kl_weight`` (a non-trainable variable) is what the
    loss uses and what :class:`~vae_helpers.core.KLAnnealing` ramps up. The encoder's
    log-variance is clamped to ``logvar_range`` (``None`` disables the clamp, as in the
    training-instability notebook). ``free_bits`` (nats per latent dimension) stops the
    optimiser from pushing a dimension's batch-average KL below that floor.
    """

    def __init__(
        self,
        encoder: keras.Model,
        decoder: keras.Model,
        likelihood: str = "bernoulli",
        beta: float = 1.0,
        obs_sigma: float = 0.1,
        logvar_range: tuple[float, float] | None = DEFAULT_LOGVAR_RANGE,
        free_bits: float = 0.0,
        seed: int | None = None,
        **kwargs,
    ) -> None:
        super().__init__(encoder, decoder, likelihood=likelihood, obs_sigma=obs_sigma, **kwargs)
        self.beta = check_non_negative(beta, "beta")
        self.free_bits = check_non_negative(free_bits, "free_bits")
        if logvar_range is not None:
            lo, hi = (float(v) for v in logvar_range)
            if not lo < hi:
                raise ValueError(f"logvar_range must be (low, high) with low < high, got {logvar_range}")
            logvar_range = (lo, hi)
        self.logvar_range = logvar_range
        self.seed = seed
        self.kl_weight = keras.Variable(self.beta, trainable=False, name="kl_weight", dtype="float32")
        self.sampling = Sampling(seed=seed, name="sampling")
        self.built = True  # encoder and decoder are built functional models

    def encoder_inputs(self, x, condition=None):
        """What the encoder is called on: ``x`` (conditional models add the condition)."""
        return x

    def posterior(self, x, condition=None, training: bool = False):
        """q(z|x) parameters ``(z_mean, z_log_var)`` with the log-variance clamp applied."""
        z_mean, z_log_var = self.encoder(self.encoder_inputs(x, condition), training=training)
        if self.logvar_range is not None:
            z_log_var = ops.clip(z_log_var, *self.logvar_range)
        return z_mean, z_log_var

    def log_prior(self, z):
        """log p(z) summed over the last axis: N(0, I). Models with a learned prior override this, and
        the metrics then estimate the KL by Monte Carlo instead of the analytic formula."""
        return log_standard_normal(z)

    @property
    def has_standard_prior(self) -> bool:
        """True when :meth:`log_prior` is the N(0, I) of this class (the analytic KL applies)."""
        return type(self).log_prior is VAE.log_prior

    def log_likelihood_given_z(self, x, z, condition=None, training: bool = False):
        """log p(x | z [, c]) per example — the one place the metrics and the loss decode."""
        return self.log_likelihood(x, self.decoder_output(z, condition, x=x, training=training))

    def reconstruction(self, x, condition=None):
        """E[x | z = mu(x)] (given the condition, if any), deterministic."""
        z_mean, _ = self.posterior(x, condition)
        return self.output_mean(self.decoder_output(z_mean, condition, x=x))

    def loss_terms(self, x, training: bool = False, condition=None) -> dict:
        z_mean, z_log_var = self.posterior(x, condition, training=training)
        z = self.sampling([z_mean, z_log_var])
        decoder_output = self.decoder_output(z, condition, x=x, training=training)
        recon = -ops.mean(self.log_likelihood(x, decoder_output))
        terms = self._combine(recon, z, z_mean, z_log_var)
        for name, (value, weight) in self.extra_loss_terms(x, decoder_output).items():
            terms["loss"] = terms["loss"] + ops.cast(weight, terms["loss"].dtype) * ops.cast(value, terms["loss"].dtype)
            terms[name] = value
        return terms

    def extra_loss_terms(self, x, decoder_output) -> dict:
        """Hook for terms added to the loss: ``{name: (value, weight)}``, each ``value`` a batch mean.

        The loss adds ``weight * value`` and the history reports ``value`` under ``name`` (a subclass
        creates a ``keras.metrics.Mean(name=name)`` attribute for it). The plain VAE adds nothing.
        """
        return {}

    def kl_estimate(self, z, z_mean, z_log_var):
        """Per-example KL(q(z|x) || p(z)): analytic for N(0, I), one-sample Monte Carlo
        ``log q(z|x) - log p(z)`` for a learned prior (:meth:`log_prior` overridden)."""
        if self.has_standard_prior:
            return kl_divergence(z_mean, z_log_var)
        return log_normal_diag(ops.cast(z, "float32"), z_mean, z_log_var) - self.log_prior(ops.cast(z, "float32"))

    def _combine(self, recon, z, z_mean, z_log_var) -> dict:
        """loss = reconstruction + kl_weight * KL (with the free-bits floor when set), in float32."""
        z_mean, z_log_var = ops.cast(z_mean, "float32"), ops.cast(z_log_var, "float32")  # mixed precision
        recon = ops.cast(recon, "float32")
        kl = ops.mean(self.kl_estimate(z, z_mean, z_log_var))
        kl_for_loss = kl
        if self.free_bits > 0:
            per_dim = ops.mean(kl_divergence_per_dim(z_mean, z_log_var), axis=0)
            kl_for_loss = ops.sum(ops.maximum(per_dim, self.free_bits))
        loss = recon + self.kl_weight * kl_for_loss
        return {"loss": loss, "reconstruction_loss": recon, "kl_loss": kl}

    def encode(self, x, condition=None, batch_size: int = 1024) -> tuple[np.ndarray, np.ndarray]:
        """Return the posterior means and log-variances of ``x`` (given its condition, if any)."""
        x = self.check_inputs(x)
        c = None if condition is None else self.check_condition(condition, len(x))
        parts = [
            self.posterior(x[i : i + batch_size], None if c is None else c[i : i + batch_size])
            for i in range(0, len(x), batch_size)
        ]
        return (
            np.concatenate([ops.convert_to_numpy(m) for m, _ in parts]),
            np.concatenate([ops.convert_to_numpy(v) for _, v in parts]),
        )

    def reconstruct(self, x, condition=None, sample: bool = False, seed: int = 0) -> np.ndarray:
        """Decode the posterior mean of ``x`` (or one posterior sample when ``sample=True``), with its
        condition for a conditional model."""
        z_mean, z_log_var = self.encode(x, condition)
        if sample:
            z_mean = z_mean + np.exp(0.5 * z_log_var) * np.random.default_rng(seed).standard_normal(z_mean.shape)
        return self.decode(z_mean, condition)

    def sample_prior(self, n: int, temperature: float = 1.0, seed: int = 0) -> np.ndarray:
        """``n`` codes from the prior, its spread scaled by ``temperature``: here N(0, temperature^2 I)
        (models with a learned prior override this together with :meth:`log_prior`)."""
        n = check_positive_int(n, "n")
        temperature = check_non_negative(temperature, "temperature")
        return (temperature * np.random.default_rng(seed).standard_normal((n, self.latent_dim))).astype(np.float32)

    def sample(self, n: int, temperature: float = 1.0, seed: int = 0) -> np.ndarray:
        """Generate ``n`` new examples: z from :meth:`sample_prior`, x = E[x | z]."""
        return self.decode(self.sample_prior(n, temperature=temperature, seed=seed))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "beta": self.beta,
            "logvar_range": self.logvar_range,
            "free_bits": self.free_bits,
            "seed": self.seed,
        }


@keras.saving.register_keras_serializable(package="vae_helpers")
class Autoencoder(LatentModel):
    """A deterministic autoencoder with the same likelihood as the VAE, for comparisons.

    Its encoder outputs one code tensor (``build_*_encoder(..., variational=False)``).
    There is no KL term: ``kl_loss`` is reported as 0.
    """

    def __init__(
        self,
        encoder: keras.Model,
        decoder: keras.Model,
        likelihood: str = "bernoulli",
        obs_sigma: float = 0.1,
        **kwargs,
    ) -> None:
        super().__init__(encoder, decoder, likelihood=likelihood, obs_sigma=obs_sigma, **kwargs)
        self.built = True  # encoder and decoder are built functional models

    def reconstruction(self, x, condition=None):
        return self.output_mean(self.decoder(self.encoder(x)))

    def loss_terms(self, x, training: bool = False, condition=None) -> dict:
        recon = -ops.mean(self.log_likelihood(x, self.decoder(self.encoder(x, training=training), training=training)))
        return {"loss": recon, "reconstruction_loss": recon, "kl_loss": ops.zeros_like(recon)}

    def encode(self, x, batch_size: int = 1024) -> np.ndarray:
        """Return the codes of ``x``."""
        x = self.check_inputs(x)
        return np.concatenate(
            [
                ops.convert_to_numpy(self.encoder(x[i : i + batch_size], training=False))
                for i in range(0, len(x), batch_size)
            ]
        )

    def reconstruct(self, x) -> np.ndarray:
        """Decode the code of ``x``."""
        return self.decode(self.encode(x))
