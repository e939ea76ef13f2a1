"""Training utilities: one ``train`` entry point, KL annealing and a compact progress printer."""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import keras
import numpy as np

from vae_helpers._checks import check_non_negative, check_positive_int
from vae_helpers.core.models import VAE, LatentModel


@dataclass
class TrainingRun:
    """What :func:`train` returns: per-epoch history, wall time and throughput."""

    history: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0
    samples_per_second: float = 0.0

    def last(self, key: str) -> float:
        """The final epoch's value of ``key`` (e.g. ``"val_loss"``)."""
        if key not in self.history:
            raise KeyError(f"{key!r} not recorded; have {sorted(self.history)}")
        return float(self.history[key][-1])


class KLAnnealing(keras.callbacks.Callback):
    """Linear KL warm-up: the KL weight grows from 0 to ``model.beta`` over ``warmup_epochs``.

    Epoch e (0-based) uses weight ``beta * min(1, e / warmup_epochs)``, so epoch 0 trains
    a plain autoencoder and the full ELBO is reached at epoch ``warmup_epochs``.
    """

    def __init__(self, warmup_epochs: int) -> None:
        super().__init__()
        self.warmup_epochs = check_positive_int(warmup_epochs, "warmup_epochs")
        self.weights_used: list[float] = []

    def on_epoch_begin(self, epoch: int, logs=None) -> None:
        if not isinstance(self.model, VAE):
            raise TypeError("KLAnnealing needs a vae_helpers.VAE")
        weight = self.model.beta * min(1.0, epoch / self.warmup_epochs)
        self.model.kl_weight.assign(weight)
        self.weights_used.append(weight)


class PrintProgress(keras.callbacks.Callback):
    """Print one short line every ``every`` epochs (and at the last epoch)."""

    def __init__(self, every: int = 5, keys: tuple[str, ...] = ("loss", "val_loss", "kl_loss")) -> None:
        super().__init__()
        self.every = check_positive_int(every, "every")
        self.keys = keys

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        logs = logs or {}
        last = epoch + 1 == self.params.get("epochs")
        if (epoch + 1) % self.every == 0 or last or epoch == 0:
            parts = [f"{k}={logs[k]:.2f}" for k in self.keys if k in logs]
            print(f"epoch {epoch + 1:3d}: " + "  ".join(parts))


def train(
    model: LatentModel,
    x_train,
    x_val=None,
    epochs: int = 10,
    batch_size: int = 128,
    learning_rate: float = 1e-3,
    callbacks: list | None = None,
    print_every: int | None = 5,
    clipnorm: float | None = None,
    dataset=None,
    condition=None,
    val_condition=None,
) -> TrainingRun:
    """Compile (Adam) if needed and fit ``model`` on ``x_train``; return a :class:`TrainingRun`.

    ``x_val`` adds ``val_*`` entries to the history. ``dataset`` (a ``tf.data.Dataset``, e.g.
    from :func:`vae_helpers.data.make_dataset`) replaces ``x_train`` batches when given.
    ``condition``/``val_condition`` are the conditioning arrays of a conditional model
    (:class:`vae_helpers.core.ConditionalVAE`), one row per example.
    ``epochs=0`` is allowed and returns an untrained model (useful to show that the
    notebooks' self-checks fail without training).
    """
    if not isinstance(model, LatentModel):
        raise TypeError(f"model must be a vae_helpers VAE or Autoencoder, got {type(model).__name__}")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"epochs must be an int >= 0, got {epochs!r}")
    batch_size = check_positive_int(batch_size, "batch_size")
    learning_rate = check_non_negative(learning_rate, "learning_rate")
    x_train = model.check_inputs(x_train, "x_train")
    if condition is not None:
        condition = model.check_condition(condition, len(x_train), "condition")
    if not model.compiled:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate, clipnorm=clipnorm))
    elif learning_rate != 1e-3 or clipnorm is not None:
        warnings.warn(
            f"{type(model).__name__} is already compiled: learning_rate={learning_rate} and "
            f"clipnorm={clipnorm} are ignored (its optimizer is kept); recompile to change them",
            UserWarning,
            stacklevel=2,
        )
    cbs = list(callbacks or [])
    if print_every:
        cbs.append(PrintProgress(print_every))
    if epochs == 0:
        return TrainingRun()
    val = None
    if x_val is not None:
        val = (model.check_inputs(x_val, "x_val"),)
        if val_condition is not None:
            val += (model.check_condition(val_condition, len(val[0]), "val_condition"),)
    start = time.perf_counter()
    hist = model.fit(
        dataset if dataset is not None else x_train,
        condition,
        epochs=epochs,
        batch_size=None if dataset is not None else batch_size,
        shuffle=dataset is None,
        validation_data=val,
        callbacks=cbs,
        verbose=0,
    )
    seconds = time.perf_counter() - start
    history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
    epochs_run = len(history.get("loss", [])) or epochs  # early stopping / TerminateOnNaN may end sooner
    return TrainingRun(history, seconds, epochs_run * len(x_train) / seconds)


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
