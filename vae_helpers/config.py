"""Run mode (fast vs full) and reproducibility.

``VAE_FAST=1`` in the environment selects *fast mode*: small data and few epochs so a
notebook executes in well under a minute (CI uses it). Anything else is *full mode*,
what learners run and what the committed notebook outputs show.
"""

from __future__ import annotations

import os
import random
from typing import TypeVar

import numpy as np

T = TypeVar("T")


_TRUE = {"1", "true", "yes", "on"}


def is_fast() -> bool:
    """Return True when ``VAE_FAST`` is set to a true value (1/true/yes/on)."""
    return os.environ.get("VAE_FAST", "").strip().lower() in _TRUE


def mode_name() -> str:
    """Return ``"fast"`` or ``"full"`` for printing in notebooks."""
    return "fast" if is_fast() else "full"


def pick(fast: T, full: T) -> T:
    """Return ``fast`` in fast mode and ``full`` otherwise.

    Example: ``epochs = pick(fast=3, full=30)``.
    """
    return fast if is_fast() else full


def is_offline() -> bool:
    """Return True when ``VAE_OFFLINE=1``: loaders skip every download attempt."""
    return os.environ.get("VAE_OFFLINE", "").strip().lower() in _TRUE


def wants_full_mnist() -> bool:
    """Return True when ``VAE_FULL_MNIST`` is set to a true value: ``vh.load_mnist()`` then loads full MNIST
    (70,000 digits) instead of the course's default, the 5,000 digits every committed output was produced with."""
    return os.environ.get("VAE_FULL_MNIST", "").strip().lower() in _TRUE


def set_seed(seed: int = 0) -> None:
    """Seed Python, NumPy, TensorFlow and Keras and make TF ops deterministic.

    Two runs of the same code after ``set_seed(s)`` produce the same weights,
    samples and losses on the same machine.
    """
    from vae_helpers._checks import check_seed

    seed = check_seed(seed)
    import keras
    import tensorflow as tf

    random.seed(int(seed))
    np.random.seed(seed)  # noqa: NPY002  (learners' code may still draw from the legacy global RNG)
    keras.utils.set_random_seed(int(seed))
    try:
        tf.config.experimental.enable_op_determinism()
    except (AttributeError, RuntimeError):  # pragma: no cover - older TF
        pass
