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

from .losses import LOG_2PI
from .models import DEFAULT_LOGVAR_RANGE, VAE
from .metrics import evaluate_elbo, iwae_log_likelihood
from .validation import check_model_type, check_non_negative, check_positive_int


def mixture_log_density(z, means, log_vars, log_weights):
    r"""log of :math:`\sum_k w_k \mathcal N(z; m_k, \operatorname{diag} e^{v_k})` over the last axis of ``z``.

    ``z`` has shape ``(..., d)``; ``means`` and ``log_vars`` ``(K, d)``; ``log_weights`` ``(K,)`` (normalised
    log-weights). Returns shape ``z.shape[:-1]``. Computed stably with ``logsumexp``.
    """
    z = ops.convert_to_tensor(z, dtype="float32")
    zz = ops.expand_dims(z, -2)                                                   # (..., 1, d)
    comp = ops.sum(-0.5 * (LOG_2PI + log_vars + ops.square(zz - means) * ops.exp(-log_vars)), axis=-1)
    return ops.logsumexp(comp + log_weights, axis=-1)


class PriorVAE(VAE):
    """A VAE with a non-standard prior: subclasses implement :meth:`prior_parameters`.

    ``prior_parameters()`` returns ``(means (K, d), log_vars (K, d), log_weights (K,))`` of a Gaussian
    mixture; everything else (Monte Carlo KL, prior sampling, log p(z)) is shared. ``free_bits`` is not
    supported (the per-dimension KL is not defined for a mixture prior).
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, likelihood: str = "bernoulli",
                 beta: float = 1.0, obs_sigma: float = 0.1,
                 logvar_range: tuple[float, float] | None = DEFAULT_LOGVAR_RANGE,
                 free_bits: float = 0.0, seed: int | None = None, **kwargs) -> None:
        if check_non_negative(free_bits, "free_bits") > 0:
            raise ValueError(f"{type(self).__name__} does not support free_bits (the KL to a mixture prior "
                             "has no per-dimension split); use KL warm-up instead")
        super().__init__(encoder, decoder, likelihood=likelihood, beta=beta, obs_sigma=obs_sigma,
                         logvar_range=logvar_range, free_bits=0.0, seed=seed, **kwargs)

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

    def sample(self, n: int, temperature: float = 1.0, seed: int = 0) -> np.ndarray:
        """Generate ``n`` new examples: z ~ p(z) (this model's prior), x = E[x | z]."""
        return self.decode(self.sample_prior(n, temperature=temperature, seed=seed))


@keras.saving.register_keras_serializable(package="vae_helpers")
class MixturePriorVAE(PriorVAE):
    r"""VAE with a learned mixture-of-Gaussians prior :math:`\sum_k \pi_k \mathcal N(m_k, \operatorname{diag} s_k^2)`.

    ``n_components`` K; the means start at ``init_scale`` times standard-normal draws (seeded by
    ``seed``), the variances at 1 and the weights uniform. ``learn_weights=False`` keeps :math:`\pi`
    uniform. With K = 1, a zero mean and unit variance it is the standard VAE (tested).
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, n_components: int = 10,
                 init_scale: float = 1.0, learn_weights: bool = True, **kwargs) -> None:
        super().__init__(encoder, decoder, **kwargs)
        self.n_components = check_positive_int(n_components, "n_components")
        self.init_scale = check_non_negative(init_scale, "init_scale")
        if not isinstance(learn_weights, bool):
            raise TypeError(f"learn_weights must be a bool, got {learn_weights!r}")
        self.learn_weights = learn_weights
        rng = np.random.default_rng(0 if self.seed is None else self.seed)
        init_means = (self.init_scale * rng.standard_normal((self.n_components, self.latent_dim))).astype(np.float32)
        self.prior_means = self.add_weight(shape=(self.n_components, self.latent_dim), name="prior_means",
                                           initializer=keras.initializers.Constant(init_means))
        self.prior_log_vars = self.add_weight(shape=(self.n_components, self.latent_dim), name="prior_log_vars",
                                              initializer="zeros")
        self.prior_logits = self.add_weight(shape=(self.n_components,), name="prior_logits", initializer="zeros",
                                            trainable=learn_weights)

    def prior_parameters(self):
        log_vars = self.prior_log_vars
        if self.logvar_range is not None:
            log_vars = ops.clip(log_vars, *self.logvar_range)
        return self.prior_means, log_vars, ops.log_softmax(self.prior_logits)

    def get_config(self) -> dict:
        return {**super().get_config(), "n_components": self.n_components, "init_scale": self.init_scale,
                "learn_weights": self.learn_weights}


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
        self.pseudo_params = self.add_weight(shape=(self.n_pseudo, *self.input_shape_), name="pseudo_inputs",
                                             initializer=keras.initializers.RandomNormal(0.0, 0.01, seed=self.seed))

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


# ---- evaluation for any prior -------------------------------------------------------------------
def log_prior(model: VAE, z):
    """log p(z) under ``model``'s prior: its mixture for a :class:`PriorVAE`, N(0, I) for a plain VAE."""
    check_model_type(model, VAE, "vae_helpers.VAE (or a priors.PriorVAE)")
    return model.log_prior(z)


def sample_prior(model: VAE, n: int, seed: int = 0) -> np.ndarray:
    """``n`` codes from ``model``'s prior (N(0, I) for a plain VAE)."""
    check_model_type(model, VAE, "vae_helpers.VAE (or a priors.PriorVAE)")
    if isinstance(model, PriorVAE):
        return model.sample_prior(n, seed=seed)
    n = check_positive_int(n, "n")
    return np.random.default_rng(seed).standard_normal((n, model.latent_dim)).astype(np.float32)


def evaluate_elbo_any_prior(model: VAE, x, n_samples: int = 10, batch_size: int = 500,
                            seed: int = 0) -> dict[str, float]:
    """Test ELBO for any prior: ``vh.evaluate_elbo`` with ``kl_samples=n_samples`` (the shared metric
    estimates the KL by Monte Carlo whenever the model's prior is not N(0, I))."""
    check_model_type(model, VAE, "vae_helpers.VAE (or a priors.PriorVAE)")
    return evaluate_elbo(model, x, batch_size=batch_size, seed=seed, kl_samples=n_samples)


def iwae_log_likelihood_any_prior(model: VAE, x, k: int = 100, batch_size: int | None = None,
                                  seed: int = 0, per_example: bool = False):
    """IWAE estimate with the model's own prior: ``vh.iwae_log_likelihood``, which uses ``model.log_prior``."""
    check_model_type(model, VAE, "vae_helpers.VAE (or a priors.PriorVAE)")
    return iwae_log_likelihood(model, x, k=k, batch_size=batch_size, seed=seed, per_example=per_example)


def _log_aggregate_posterior(z: np.ndarray, z_mean: np.ndarray, z_log_var: np.ndarray,
                             chunk: int = 512) -> np.ndarray:
    """log q(z) = log (1/N) sum_n N(z; mu_n, sigma_n^2) for each row of ``z`` (NumPy, float64)."""
    n = len(z_mean)
    log_w = np.full((n,), -math.log(n))
    out = [ops.convert_to_numpy(mixture_log_density(z[i:i + chunk], z_mean, z_log_var, log_w))
           for i in range(0, len(z), chunk)]
    return np.concatenate(out).astype(np.float64)


def aggregate_posterior_kl(model: VAE, x, n_samples: int = 2000, direction: str = "prior_to_aggregate",
                           seed: int = 0) -> float:
    r"""Monte Carlo KL between the aggregate posterior :math:`q(z)=\frac1N\sum_n q(z\mid x_n)` over ``x``
    and the model's prior :math:`p(z)`, in nats.

    * ``direction="prior_to_aggregate"``: :math:`\mathrm{KL}(p\,\|\,q) = \mathbb E_{z\sim p}[\log p(z)-\log q(z)]`
      — large when the prior puts mass where no data is encoded (**prior holes**: prior samples that
      decode to nothing seen in training).
    * ``direction="aggregate_to_prior"``: :math:`\mathrm{KL}(q\,\|\,p)` — large when encoded data sits where
      the prior has little mass (codes the prior rarely generates).

    :math:`q(z)` is the exact mixture of the N posteriors of ``x``. Both estimates are consistent as N
    grows; for fixed N they are biased (in high dimensions the N-component mixture underestimates q
    between the posteriors), so compare models on the **same** ``x`` and ``n_samples``, and trust the
    numbers most in low dimensions.
    """
    check_model_type(model, VAE, "vae_helpers.VAE (or a priors.PriorVAE)")
    if direction not in ("prior_to_aggregate", "aggregate_to_prior"):
        raise ValueError(f"direction must be 'prior_to_aggregate' or 'aggregate_to_prior', got {direction!r}")
    n_samples = check_positive_int(n_samples, "n_samples")
    z_mean, z_log_var = model.encode(x)
    rng = np.random.default_rng(seed)
    if direction == "prior_to_aggregate":
        z = sample_prior(model, n_samples, seed=seed)
    else:
        rows = rng.integers(0, len(z_mean), n_samples)
        z = (z_mean[rows] + np.exp(0.5 * z_log_var[rows]) * rng.standard_normal((n_samples, model.latent_dim)))
        z = z.astype(np.float32)
    log_p = ops.convert_to_numpy(log_prior(model, z)).astype(np.float64)
    log_q = _log_aggregate_posterior(z, z_mean, z_log_var)
    diff = log_p - log_q if direction == "prior_to_aggregate" else log_q - log_p
    return float(np.mean(diff))


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
    logp = ops.convert_to_numpy(log_prior(model, z)).reshape(n, n)
    return xs, xs.copy(), logp


__all__ = ["MixturePriorVAE", "PriorVAE", "VampPriorVAE", "aggregate_posterior_kl", "evaluate_elbo_any_prior",
           "iwae_log_likelihood_any_prior", "log_prior", "mixture_log_density", "prior_log_density_grid",
           "sample_prior"]
