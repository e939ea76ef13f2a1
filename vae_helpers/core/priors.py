r"""Richer priors for the VAE: a learned mixture of Gaussians and the VampPrior.

Both models subclass :class:`vae_helpers.VAE` and only replace the prior :math:`p(z)`. The KL term
has no closed form against a mixture, so :meth:`VAE.kl_estimate` estimates it by Monte Carlo
with the same reparameterized sample that feeds the decoder:

.. math:: \mathrm{KL}\big(q(z\mid x)\,\|\,p(z)\big) \approx \log q(z\mid x) - \log p(z),
          \qquad z \sim q(z\mid x).

Training goes through Keras's own loop via ``LatentModel.compute_loss`` (``vh.train``); a subclass only
overrides ``log_prior``.

* :class:`MixturePriorVAE` — :math:`p(z) = \sum_k \pi_k \mathcal N(z; m_k, \operatorname{diag} s_k^2)` with
  learned means, variances and (optionally) weights.
* :class:`VampPriorVAE` — Tomczak & Welling (2018): :math:`p(z) = \frac1K \sum_k q(z\mid u_k)`, the encoder
  applied to ``K`` learned *pseudo-inputs* :math:`u_k`.

``vh.evaluate_elbo`` and ``vh.iwae_log_likelihood`` assume :math:`p(z)=\mathcal N(0, I)`; for these models
use :func:`evaluate_elbo_any_prior` and :func:`iwae_log_likelihood_any_prior` (they also accept a plain
``VAE``). :func:`aggregate_posterior_kl` measures how well the aggregate posterior
:math:`q(z) = \frac1N\sum_n q(z\mid x_n)` matches the prior (the "prior hole" problem).
"""

from __future__ import annotations

import math

import keras
import numpy as np
from keras import ops

from vae_helpers._checks import check_model_type, check_non_negative, check_positive_int
from vae_helpers.core.losses import LOG_2PI
from vae_helpers.core.models import DEFAULT_LOGVAR_RANGE, VAE

_MIN_LOG_VAR = -80.0  # exp(80) ~ 5.5e34 is still finite in float32


def mixture_log_density(z, means, log_vars, log_weights):
    r"""log of :math:`\sum_k w_k \mathcal N(z; m_k, \operatorname{diag} e^{v_k})` over the last axis of ``z``.

    ``z`` has shape ``(..., d)``; ``means`` and ``log_vars`` ``(K, d)``; ``log_weights`` ``(K,)`` (normalised
    log-weights). Returns shape ``z.shape[:-1]``. Computed stably with ``logsumexp``. Log-variances below
    -80 (a component collapsed to a point, standard deviation under 4e-18) count as -80: ``exp(-log_var)``
    overflows float32 from about 89, and ``0 * inf`` at the component's mean was NaN.
    """
    z = ops.convert_to_tensor(z, dtype="float32")
    zz = ops.expand_dims(z, -2)  # (..., 1, d)
    log_vars = ops.maximum(ops.convert_to_tensor(log_vars, dtype="float32"), _MIN_LOG_VAR)
    comp = ops.sum(-0.5 * (LOG_2PI + log_vars + ops.square(zz - means) * ops.exp(-log_vars)), axis=-1)
    return ops.logsumexp(comp + log_weights, axis=-1)


class PriorVAE(VAE):
    """A VAE with a non-standard prior: subclasses implement :meth:`prior_parameters`.

    ``prior_parameters()`` returns ``(means (K, d), log_vars (K, d), log_weights (K,))`` of a Gaussian
    mixture; everything else (Monte Carlo KL, prior sampling, log p(z)) is shared. ``free_bits`` is not
    supported (the per-dimension KL is not defined for a mixture prior).
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
        if check_non_negative(free_bits, "free_bits") > 0:
            raise ValueError(
                f"{type(self).__name__} does not support free_bits (the KL to a mixture prior "
                "has no per-dimension split); use KL warm-up instead"
            )
        super().__init__(
            encoder,
            decoder,
            likelihood=likelihood,
            beta=beta,
            obs_sigma=obs_sigma,
            logvar_range=logvar_range,
            free_bits=0.0,
            seed=seed,
            **kwargs,
        )

    # ---- the prior ----------------------------------------------------------------------------
    def prior_parameters(self):
        """``(means, log_vars, log_weights)`` of the prior mixture, shapes (K, d), (K, d), (K,)."""
        raise NotImplementedError

    def log_prior(self, z):
        """log p(z) for ``z`` of shape ``(..., latent_dim)``."""
        means, log_vars, log_weights = self.prior_parameters()
        return mixture_log_density(z, means, log_vars, log_weights)

    def sample_prior(self, n: int, temperature: float = 1.0, seed: int = 0) -> np.ndarray:
        """Draw ``n`` codes from the prior: pick a component by its weight, then a Gaussian sample
        (its standard deviation scaled by ``temperature``)."""
        n = check_positive_int(n, "n")
        temperature = check_non_negative(temperature, "temperature")
        means, log_vars, log_weights = (ops.convert_to_numpy(t).astype(np.float64) for t in self.prior_parameters())
        rng = np.random.default_rng(seed)
        weights = np.exp(log_weights - log_weights.max())
        comp = rng.choice(len(weights), size=n, p=weights / weights.sum())
        eps = rng.standard_normal((n, self.latent_dim))
        return (means[comp] + temperature * np.exp(0.5 * log_vars[comp]) * eps).astype(np.float32)


@keras.saving.register_keras_serializable(package="vae_helpers")
class MixturePriorVAE(PriorVAE):
    r"""VAE with a learned mixture-of-Gaussians prior :math:`\sum_k \pi_k \mathcal N(m_k, \operatorname{diag} s_k^2)`.

    ``n_components`` K; the means start at ``init_scale`` times standard-normal draws (seeded by
    ``seed``), the variances at 1 and the weights uniform. ``learn_weights=False`` keeps :math:`\pi`
    uniform. With K = 1, a zero mean and unit variance it is the standard VAE (tested).
    """

    def __init__(
        self,
        encoder: keras.Model,
        decoder: keras.Model,
        n_components: int = 10,
        init_scale: float = 1.0,
        learn_weights: bool = True,
        **kwargs,
    ) -> None:
        super().__init__(encoder, decoder, **kwargs)
        self.n_components = check_positive_int(n_components, "n_components")
        self.init_scale = check_non_negative(init_scale, "init_scale")
        if not isinstance(learn_weights, bool):
            raise TypeError(f"learn_weights must be a bool, got {learn_weights!r}")
        self.learn_weights = learn_weights
        rng = np.random.default_rng(0 if self.seed is None else self.seed)
        init_means = (self.init_scale * rng.standard_normal((self.n_components, self.latent_dim))).astype(np.float32)
        self.prior_means = self.add_weight(
            shape=(self.n_components, self.latent_dim),
            name="prior_means",
            initializer=keras.initializers.Constant(init_means),
        )
        self.prior_log_vars = self.add_weight(
            shape=(self.n_components, self.latent_dim), name="prior_log_vars", initializer="zeros"
        )
        self.prior_logits = self.add_weight(
            shape=(self.n_components,), name="prior_logits", initializer="zeros", trainable=learn_weights
        )

    def prior_parameters(self):
        log_vars = self.prior_log_vars
        if self.logvar_range is not None:
            log_vars = ops.clip(log_vars, *self.logvar_range)
        return self.prior_means, log_vars, ops.log_softmax(self.prior_logits)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "n_components": self.n_components,
            "init_scale": self.init_scale,
            "learn_weights": self.learn_weights,
        }


@keras.saving.register_keras_serializable(package="vae_helpers")
class VampPriorVAE(PriorVAE):
    r"""VAE with the VampPrior (Tomczak & Welling 2018): :math:`p(z) = \frac1K\sum_k q_\phi(z\mid u_k)`.

    The ``n_pseudo`` pseudo-inputs :math:`u_k` are learned and shaped like the data. For a Bernoulli
    likelihood they are stored as logits and passed through a sigmoid so the encoder always sees
    values in [0, 1]. Initialise them from training images with :meth:`init_pseudo_inputs` (otherwise
    they start as small random logits, i.e. grey images).
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, n_pseudo: int = 50, **kwargs) -> None:
        super().__init__(encoder, decoder, **kwargs)
        self.n_pseudo = check_positive_int(n_pseudo, "n_pseudo")
        self.input_shape_ = tuple(int(s) for s in encoder.inputs[0].shape[1:])
        self.pseudo_params = self.add_weight(
            shape=(self.n_pseudo, *self.input_shape_),
            name="pseudo_inputs",
            initializer=keras.initializers.RandomNormal(0.0, 0.01, seed=self.seed),
        )

    def pseudo_inputs(self):
        """The pseudo-inputs as the encoder sees them (in [0, 1] for a Bernoulli likelihood)."""
        return ops.sigmoid(self.pseudo_params) if self.likelihood == "bernoulli" else self.pseudo_params

    def init_pseudo_inputs(self, x, seed: int = 0, smoothing: float = 0.05) -> None:
        """Set the pseudo-inputs to ``n_pseudo`` random rows of ``x`` (pulled ``smoothing`` towards 0.5
        for a Bernoulli likelihood so that their logits stay finite)."""
        x = self.check_inputs(x, "x")
        if len(x) < self.n_pseudo:
            raise ValueError(f"need at least n_pseudo={self.n_pseudo} examples to initialise from, got {len(x)}")
        smoothing = check_non_negative(smoothing, "smoothing")
        if self.likelihood == "bernoulli" and not 0 < smoothing < 1:
            raise ValueError(f"smoothing must be in (0, 1) for a Bernoulli likelihood, got {smoothing}")
        rows = x[np.random.default_rng(seed).choice(len(x), self.n_pseudo, replace=False)]
        if self.likelihood == "bernoulli":
            p = (1 - smoothing) * rows + smoothing * 0.5
            rows = np.log(p) - np.log1p(-p)
        self.pseudo_params.assign(rows.astype(np.float32))

    def prior_parameters(self):
        means, log_vars = self.posterior(self.pseudo_inputs(), training=False)
        return means, log_vars, ops.full((self.n_pseudo,), -math.log(self.n_pseudo))

    def get_config(self) -> dict:
        return {**super().get_config(), "n_pseudo": self.n_pseudo}


def prior_log_density_grid(model: VAE, lim: float = 4.0, n: int = 100) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """log p(z) of a **2-D** model's prior on an ``n x n`` grid over ``[-lim, lim]^2``: returns ``(xs, ys, logp)``
    with ``logp`` of shape ``(n, n)`` (rows = y), ready for ``plt.contour``."""
    check_model_type(model, VAE, "vae_helpers.VAE (or a priors.PriorVAE)")
    if model.latent_dim != 2:
        raise ValueError(f"prior_log_density_grid needs a 2-D latent, the model has {model.latent_dim}")
    n = check_positive_int(n, "n")
    lim = check_non_negative(lim, "lim")
    if lim == 0:
        raise ValueError("lim must be > 0")
    xs = np.linspace(-lim, lim, n)
    gx, gy = np.meshgrid(xs, xs)
    z = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    logp = ops.convert_to_numpy(model.log_prior(z)).reshape(n, n)
    return xs, xs.copy(), logp
