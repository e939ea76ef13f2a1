"""Training and latent-space diagnostics for the weakness / instability / optimisation lessons (13, 14, 28).

* :func:`kl_per_dimension` and :func:`collapse_report` — how much KL each latent dimension carries
  and which dimensions have collapsed onto the prior (posterior collapse, "KL vanishing").
* :func:`aggregate_posterior_log_density` — ``log q(z)`` of the aggregate posterior
  ``q(z) = 1/N sum_i q(z | x_i)``, to find the *holes*: regions the prior covers but no data uses.
* :func:`first_nonfinite_epoch` — where a training history went NaN/Inf (``None`` if never).
* :class:`TimeBudget` — a Keras callback that stops ``fit`` after a wall-clock budget and records
  how much work was done, so runs can be compared at equal time instead of equal epochs.
"""

from __future__ import annotations

import math
import time
from typing import Mapping, Sequence

import keras
import numpy as np
from keras import ops

from .losses import kl_divergence_per_dim
from .models import VAE
from .validation import as_float_array, check_model_type, check_non_negative, check_positive_int


def kl_per_dimension(model: VAE, x, batch_size: int = 1000) -> np.ndarray:
    """Mean over ``x`` of KL(q(z_j | x) || N(0, 1)) for each latent dimension j (nats), shape ``(d,)``.

    The values sum to the analytic KL term of :func:`vae_helpers.evaluate_elbo`. A dimension with a
    KL near 0 for every input has collapsed: its posterior is the prior and it carries no information.
    """
    check_model_type(model, VAE)
    x = model.check_inputs(x)
    batch_size = check_positive_int(batch_size, "batch_size")
    total = np.zeros(model.latent_dim, dtype=np.float64)
    for i in range(0, len(x), batch_size):
        z_mean, z_log_var = model.posterior(x[i:i + batch_size])
        total += ops.convert_to_numpy(ops.sum(kl_divergence_per_dim(z_mean, z_log_var), axis=0))
    return total / len(x)


def collapse_report(model: VAE, x, kl_threshold: float = 0.01, variance_threshold: float = 0.01) -> dict:
    """Posterior-collapse summary of ``model`` on ``x``.

    Returns a dict with ``kl`` (total, nats per example), ``kl_per_dim`` (array), ``active_units``
    (dimensions whose posterior mean varies across ``x`` by more than ``variance_threshold``, as in
    :func:`vae_helpers.active_units`) and ``collapsed_dims`` (indices whose mean KL is below
    ``kl_threshold`` nats).
    """
    check_model_type(model, VAE)
    kl_threshold = check_non_negative(kl_threshold, "kl_threshold")
    variance_threshold = check_non_negative(variance_threshold, "variance_threshold")
    per_dim = kl_per_dimension(model, x)
    z_mean, _ = model.encode(x)
    return {"kl": float(per_dim.sum()), "kl_per_dim": per_dim,
            "active_units": int(np.sum(np.var(z_mean, axis=0) > variance_threshold)),
            "collapsed_dims": [int(j) for j in np.flatnonzero(per_dim < kl_threshold)]}


def aggregate_posterior_log_density(z, z_mean, z_log_var, batch_size: int = 256) -> np.ndarray:
    r"""``log q(z)`` for each row of ``z`` under the aggregate posterior, a mixture of diagonal Gaussians.

    .. math:: q(z) = \frac1N \sum_{i=1}^N \mathcal N\big(z;\ \mu_i, \operatorname{diag}\sigma_i^2\big)

    ``z_mean``/``z_log_var`` (shape ``(N, d)``) are the encoder's outputs for N data points (e.g. from
    ``model.encode(x_train)``); ``z`` has shape ``(M, d)``. Prior samples with a low value lie in
    *holes*: the prior puts mass there but no training example is encoded there. Returns ``(M,)``.
    """
    z = as_float_array(z, "z").astype(np.float64)
    mu = as_float_array(z_mean, "z_mean").astype(np.float64)
    log_var = as_float_array(z_log_var, "z_log_var").astype(np.float64)
    for arr, name in ((z, "z"), (mu, "z_mean"), (log_var, "z_log_var")):
        if arr.ndim != 2:
            raise ValueError(f"{name} must be 2-D (n, latent_dim), got shape {arr.shape}")
    if mu.shape != log_var.shape:
        raise ValueError(f"z_mean and z_log_var must have the same shape, got {mu.shape} and {log_var.shape}")
    if z.shape[1] != mu.shape[1]:
        raise ValueError(f"z has {z.shape[1]} dimensions but the posteriors have {mu.shape[1]}")
    batch_size = check_positive_int(batch_size, "batch_size")
    d = mu.shape[1]
    inv_var = np.exp(-log_var)                                         # (N, d)
    const = -0.5 * (d * math.log(2 * math.pi) + log_var.sum(axis=1))  # (N,)
    out = np.empty(len(z))
    for i in range(0, len(z), batch_size):
        zb = z[i:i + batch_size]
        sq = ((zb[:, None, :] - mu[None]) ** 2 * inv_var[None]).sum(axis=2)  # (b, N)
        log_comp = const[None] - 0.5 * sq
        m = log_comp.max(axis=1, keepdims=True)
        out[i:i + batch_size] = m[:, 0] + np.log(np.exp(log_comp - m).sum(axis=1)) - math.log(len(mu))
    return out


def first_nonfinite_epoch(history: Mapping[str, Sequence[float]], key: str = "loss") -> int | None:
    """Index (0-based) of the first epoch whose ``history[key]`` is NaN or infinite; ``None`` if all are finite.

    ``history`` is ``TrainingRun.history`` or ``keras.callbacks.History.history``. With
    ``keras.callbacks.TerminateOnNaN`` the run stops in that epoch, so it is usually the last one.
    """
    if not isinstance(history, Mapping):
        raise TypeError(f"history must be a mapping of metric name -> per-epoch values, got {type(history).__name__}")
    if key not in history:
        raise KeyError(f"{key!r} not in history; have {sorted(history)}")
    values = np.asarray(history[key], dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(values))
    return int(bad[0]) if bad.size else None


class TimeBudget(keras.callbacks.Callback):
    """Stop ``fit`` once ``seconds`` of wall-clock training time have passed (checked after every batch).

    Records ``steps_run`` (training batches), ``epochs_completed``, ``seconds_used`` and
    ``stopped_early``. Pass it to ``vh.train(..., epochs=<an upper bound>, callbacks=[budget])`` to compare
    settings (batch size, learning rate) at equal time rather than equal epochs. Validation passes at
    the end of an epoch are included in the time.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__()
        seconds = check_non_negative(seconds, "seconds")
        if seconds == 0:
            raise ValueError("seconds must be > 0")
        self.seconds = seconds
        self.steps_run = 0
        self.epochs_completed = 0
        self.seconds_used = 0.0
        self.stopped_early = False
        self._start: float | None = None

    def on_train_begin(self, logs=None) -> None:
        self._start = time.perf_counter()
        self.steps_run, self.epochs_completed, self.seconds_used, self.stopped_early = 0, 0, 0.0, False

    def on_train_batch_end(self, batch: int, logs=None) -> None:
        self.steps_run += 1
        self.seconds_used = time.perf_counter() - self._start
        if self.seconds_used >= self.seconds:
            self.stopped_early = True
            self.model.stop_training = True

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        self.epochs_completed = epoch + 1
        self.seconds_used = time.perf_counter() - self._start

    def examples_seen(self, batch_size: int) -> int:
        """Training examples processed: ``steps_run * batch_size`` (an upper bound when the last batch is short)."""
        return self.steps_run * check_positive_int(batch_size, "batch_size")
