"""Input checks shared by the public helpers (clear errors instead of silent NaNs), and the
(de)serialisation of nested Keras objects. Private: the public API lives in the areas."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

LIKELIHOODS = ("bernoulli", "gaussian", "categorical")


def as_float_array(x: Any, name: str = "x", min_ndim: int = 2) -> np.ndarray:
    """Convert ``x`` to a float32 array and check it is finite with at least ``min_ndim`` dims."""
    try:
        arr = np.asarray(x, dtype=np.float32)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be numeric array-like, got {type(x).__name__}") from err
    if arr.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimensions (batch first), got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} contains {bad} NaN or infinite values")
    return arr


def check_unit_interval(x: np.ndarray, name: str = "x") -> None:
    """Raise ValueError unless every value of ``x`` lies in [0, 1] (Bernoulli targets)."""
    lo, hi = float(np.min(x)), float(np.max(x))
    if lo < 0.0 or hi > 1.0:
        raise ValueError(
            f"{name} must lie in [0, 1] for a Bernoulli likelihood, got values in [{lo:.3g}, {hi:.3g}]; "
            "scale images by 1/255 or use likelihood='gaussian'"
        )


def as_image_batch(
    images: Any, name: str = "images", grey: bool = False, unit_interval: bool = False, min_size: int = 1
) -> np.ndarray:
    """A batch of images as a finite float32 array ``(n, H, W, C)``; ``(n, H, W)`` gains a channel axis.

    ``grey`` requires one channel, ``unit_interval`` values in [0, 1], ``min_size`` at least that many
    pixels in height and width. Helpers that return images restore the caller's layout with
    :func:`like_input`.
    """
    arr = as_float_array(images, name, min_ndim=3)
    if arr.ndim == 3:
        arr = arr[..., None]
    if arr.ndim != 4:
        raise ValueError(f"{name} must have shape (n, H, W) or (n, H, W, C), got {arr.shape}")
    if grey and arr.shape[-1] != 1:
        raise ValueError(f"{name} must be grey images (n, H, W) or (n, H, W, 1), got {arr.shape}")
    if min(arr.shape[1:3]) < min_size:
        raise ValueError(f"{name} must be at least {min_size}x{min_size} pixels, got {arr.shape[1:3]}")
    if unit_interval:
        check_unit_interval(arr, name)
    return arr


def like_input(out: np.ndarray, original: Any) -> np.ndarray:
    """Drop the channel axis that :func:`as_image_batch` added when ``original`` was ``(n, H, W)``."""
    return out[..., 0] if np.ndim(original) == 3 else out


def check_seed(seed: Any, name: str = "seed") -> int:
    """A non-negative int seed (NumPy integers accepted), else TypeError / ValueError."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {seed!r}")
    if seed < 0:
        raise ValueError(f"{name} must be non-negative, got {seed}")
    return int(seed)


def check_divisible(height: int, width: int, factor: int, what: str) -> None:
    """Raise ValueError unless ``height`` and ``width`` are divisible by ``factor`` (strided layers)."""
    if height % factor or width % factor:
        raise ValueError(f"{what}: height/width {height}x{width} must be divisible by {factor}")


def check_shape(x: np.ndarray, expected: tuple[int | None, ...], name: str = "x") -> None:
    """Raise ValueError unless ``x.shape[1:]`` matches ``expected`` (None matches any size)."""
    got = tuple(x.shape[1:])
    if len(got) != len(expected) or any(e is not None and e != g for e, g in zip(expected, got)):
        raise ValueError(f"{name} has per-example shape {got}, expected {tuple(expected)}")


def check_model_type(model: Any, cls: type, what: str | None = None) -> None:
    """Raise TypeError unless ``model`` is an instance of ``cls`` (``what`` names it in the message)."""
    if not isinstance(model, cls):
        raise TypeError(f"model must be a {what or 'vae_helpers.' + cls.__name__}, got {type(model).__name__}")


def check_likelihood(name: str) -> str:
    """Return the normalised likelihood name or raise ValueError listing the valid ones."""
    if not isinstance(name, str):
        raise TypeError(f"likelihood must be a string, got {type(name).__name__}")
    key = name.strip().lower()
    if key not in LIKELIHOODS:
        raise ValueError(f"unknown likelihood {name!r}; choose one of {LIKELIHOODS}")
    return key


def check_positive_int(value: Any, name: str) -> int:
    """Return ``value`` as int, raising TypeError/ValueError unless it is a positive integer."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a positive int, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return int(value)


def check_non_negative(value: Any, name: str) -> float:
    """Return ``value`` as float, raising unless it is a finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be finite and >= 0, got {value}")
    return value


def as_token_ids(x, vocab_size: int, length: int | None = None, name: str = "x") -> np.ndarray:
    """Validate a batch of token ids: 2-D integers in [0, vocab_size), optional fixed length."""
    arr = np.asarray(x)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of token ids (batch, time), got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if not np.issubdtype(arr.dtype, np.integer):
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise ValueError(f"{name} must hold integer token ids, got dtype {arr.dtype} with non-integer values")
    if length is not None and arr.shape[1] != length:
        raise ValueError(f"{name} has sequence length {arr.shape[1]}, expected {length}")
    if arr.min() < 0 or arr.max() >= vocab_size:
        raise ValueError(f"{name} token ids must lie in [0, {vocab_size}), got [{arr.min()}, {arr.max()}]")
    return arr.astype(np.int32)


def validate_fit_arrays(model, x, validation_data):
    """Run ``model.check_inputs`` on NumPy training / validation arrays before ``keras.Model.fit``.

    Shared by every model's ``fit`` so bad data fails with a clear message instead of a NaN loss.
    """
    if isinstance(x, np.ndarray):
        x = model.check_inputs(x, "x")
    if isinstance(validation_data, np.ndarray):
        validation_data = (model.check_inputs(validation_data, "validation_data"),)
    return x, validation_data


def serialize_parts(owner, *names: str) -> dict:
    """``{name: serialized getattr(owner, name)}`` for each attribute name."""
    return {name: keras.saving.serialize_keras_object(getattr(owner, name)) for name in names}


def deserialize_parts(config: dict, *names: str) -> dict:
    """A copy of ``config`` with the named entries turned back into Keras objects."""
    config = dict(config)
    for name in names:
        config[name] = keras.saving.deserialize_keras_object(config[name])
    return config


def check_latent_dims(dims: Any, latent_dim: int, name: str = "dims") -> tuple[int, ...]:
    """A non-empty sequence of distinct latent coordinates in ``[0, latent_dim)`` as a tuple of ints."""
    if isinstance(dims, (str, bytes)) or not hasattr(dims, "__iter__"):
        raise TypeError(f"{name} must be a sequence of latent coordinates (ints), got {dims!r}")
    out = []
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)):
            raise TypeError(f"{name} must hold ints (latent coordinates), got {d!r}")
        if not 0 <= d < latent_dim:
            raise ValueError(f"{name}: coordinate {int(d)} is outside the latent space [0, {latent_dim})")
        out.append(int(d))
    if not out:
        raise ValueError(f"{name} is empty: choose at least one latent coordinate")
    if len(set(out)) != len(out):
        raise ValueError(f"{name} repeats a coordinate: {out}")
    return tuple(out)


def check_standard_prior_vae(model: Any) -> None:
    """Raise unless ``model`` is an unconditional :class:`vae_helpers.VAE` with the N(0, I) prior, whose latent
    coordinates are measured in prior standard deviations (TypeError for other objects, ValueError otherwise)."""
    from vae_helpers.core.models import VAE  # here, not at the top: core imports this module
    from vae_helpers.core.variants import ConditionalVAE

    check_model_type(model, VAE)
    if isinstance(model, ConditionalVAE):
        raise ValueError("a conditional VAE decodes z together with a condition; explore an unconditional VAE")
    if not model.has_standard_prior:
        raise ValueError(
            f"{type(model).__name__} has a learned prior: its latent coordinates are not in units of a N(0, 1) "
            "standard deviation; explore a VAE with the standard prior"
        )
