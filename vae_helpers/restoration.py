"""Image restoration helpers for the denoising and inpainting lessons (10 and 23).

* Corruptions: :func:`add_gaussian_noise`, :func:`salt_and_pepper`, :func:`random_mask` +
  :func:`apply_mask` (a hole of missing pixels), each reproducible from a ``seed``.
* Classical baseline: :func:`median_denoise` (a per-image median filter).
* Quality: :func:`psnr` and :func:`ssim`, one value per image (``skimage.metrics`` underneath).
* Uncertainty from a conditional VAE: :func:`sample_restorations` draws several restorations for
  the same corrupted input (z ~ N(0, I), decoded with the condition) and :func:`region_means`
  averages a per-pixel map (e.g. the std across samples) inside and outside a mask.

Images are arrays of shape ``(n, H, W)`` or ``(n, H, W, C)`` with values in [0, 1]; masks use
**1 = missing** (inside the hole) and 0 = observed.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .validation import as_float_array, check_non_negative, check_positive_int

MASK_KINDS = ("square", "lower_half", "upper_half", "left_half", "right_half")


def _images(x, name: str = "x") -> np.ndarray:
    arr = as_float_array(x, name, min_ndim=3)
    if arr.ndim > 4:
        raise ValueError(f"{name} must be (n, H, W) or (n, H, W, C), got shape {arr.shape}")
    return arr


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {seed!r}")
    return int(seed)


def add_gaussian_noise(x, sigma, seed: int = 0, clip: bool = True) -> np.ndarray:
    """Add i.i.d. N(0, sigma^2) noise to every pixel (then clip to [0, 1] unless ``clip=False``).

    ``sigma`` is a number or one value per image (shape ``(n,)``), for training on a range of levels.
    """
    x = _images(x)
    sig = np.asarray(sigma, dtype=np.float32)
    if sig.ndim == 0:
        check_non_negative(float(sig), "sigma")
    elif sig.shape != (len(x),):
        raise ValueError(f"sigma must be a number or have shape ({len(x)},), got shape {sig.shape}")
    if not np.all(np.isfinite(sig)) or np.any(sig < 0):
        raise ValueError("sigma must be finite and >= 0")
    sig = sig.reshape((-1,) + (1,) * (x.ndim - 1)) if sig.ndim else sig
    noisy = x + sig * np.random.default_rng(_check_seed(seed)).standard_normal(x.shape).astype(np.float32)
    return (np.clip(noisy, 0.0, 1.0) if clip else noisy).astype(np.float32)


def salt_and_pepper(x, amount: float, seed: int = 0, salt_ratio: float = 0.5) -> np.ndarray:
    """Set a fraction ``amount`` of pixels to 0 or 1 (a share ``salt_ratio`` of them to 1)."""
    x = _images(x)
    amount, salt_ratio = check_non_negative(amount, "amount"), check_non_negative(salt_ratio, "salt_ratio")
    if amount > 1 or salt_ratio > 1:
        raise ValueError(f"amount and salt_ratio must lie in [0, 1], got {amount} and {salt_ratio}")
    rng = np.random.default_rng(_check_seed(seed))
    hit = rng.random(x.shape) < amount
    salt = rng.random(x.shape) < salt_ratio
    out = x.copy()
    out[hit & salt] = 1.0
    out[hit & ~salt] = 0.0
    return out


def random_mask(n: int, image_shape: Sequence[int], kind: str = "square", size: int = 12,
                seed: int = 0) -> np.ndarray:
    """Float32 masks of shape ``(n, *image_shape)`` with 1 = missing pixel.

    ``kind="square"`` places a ``size`` x ``size`` hole uniformly at random inside each image;
    ``"lower_half"``/``"upper_half"``/``"left_half"``/``"right_half"`` remove that half (``size`` unused).
    """
    n = check_positive_int(n, "n")
    if not isinstance(image_shape, (tuple, list)) or len(image_shape) not in (2, 3):
        raise TypeError(f"image_shape must be (H, W) or (H, W, C), got {image_shape!r}")
    image_shape = tuple(check_positive_int(s, "image_shape entry") for s in image_shape)
    if kind not in MASK_KINDS:
        raise ValueError(f"unknown mask kind {kind!r}; choose one of {MASK_KINDS}")
    height, width = image_shape[:2]
    mask = np.zeros((n,) + image_shape, dtype=np.float32)
    if kind == "square":
        size = check_positive_int(size, "size")
        if size > min(height, width):
            raise ValueError(f"size {size} does not fit in a {height}x{width} image")
        rng = np.random.default_rng(_check_seed(seed))
        top = rng.integers(0, height - size + 1, n)
        left = rng.integers(0, width - size + 1, n)
        for i in range(n):
            mask[i, top[i]:top[i] + size, left[i]:left[i] + size] = 1.0
    elif kind == "lower_half":
        mask[:, height // 2:] = 1.0
    elif kind == "upper_half":
        mask[:, :height // 2] = 1.0
    elif kind == "left_half":
        mask[:, :, :width // 2] = 1.0
    else:
        mask[:, :, width // 2:] = 1.0
    return mask


def _check_mask(mask, x: np.ndarray) -> np.ndarray:
    mask = _images(mask, "mask")
    if mask.shape != x.shape:
        raise ValueError(f"mask shape {mask.shape} differs from image shape {x.shape}")
    if not np.all((mask == 0) | (mask == 1)):
        raise ValueError("mask must contain only 0 (observed) and 1 (missing)")
    return mask


def apply_mask(x, mask, fill: float = 0.0) -> np.ndarray:
    """Replace the missing pixels (mask == 1) by ``fill``."""
    x = _images(x)
    mask = _check_mask(mask, x)
    fill = float(fill)
    return np.where(mask > 0, np.float32(fill), x).astype(np.float32)


def median_denoise(x, size: int = 3) -> np.ndarray:
    """Median filter each image with a ``size`` x ``size`` window (channels and images kept apart)."""
    from scipy import ndimage

    x = _images(x)
    size = check_positive_int(size, "size")
    window = (1, size, size) + ((1,) if x.ndim == 4 else ())
    return ndimage.median_filter(x, size=window, mode="reflect").astype(np.float32)


def _pair(clean, estimate) -> tuple[np.ndarray, np.ndarray]:
    a, b = _images(clean, "clean"), _images(estimate, "estimate")
    if a.shape != b.shape:
        raise ValueError(f"clean and estimate differ in shape: {a.shape} vs {b.shape}")
    return a, b


def psnr(clean, estimate, data_range: float = 1.0) -> np.ndarray:
    """Peak signal-to-noise ratio in dB, one value per image: 10 log10(range^2 / MSE).

    A perfect estimate is capped at 100 dB instead of infinity.
    """
    a, b = _pair(clean, estimate)
    data_range = check_non_negative(data_range, "data_range")
    if data_range == 0:
        raise ValueError("data_range must be > 0")
    mse = np.mean((a.astype(np.float64) - b) ** 2, axis=tuple(range(1, a.ndim)))
    return np.minimum(10.0 * np.log10(data_range ** 2 / np.maximum(mse, 1e-300)), 100.0)


def ssim(clean, estimate, data_range: float = 1.0) -> np.ndarray:
    """Structural similarity (Wang et al. 2004, skimage defaults: 7x7 window), one value per image."""
    from skimage.metrics import structural_similarity

    a, b = _pair(clean, estimate)
    data_range = check_non_negative(data_range, "data_range")
    if data_range == 0:
        raise ValueError("data_range must be > 0")
    if min(a.shape[1:3]) < 7:
        raise ValueError(f"ssim needs images of at least 7x7 pixels, got {a.shape[1:3]}")
    channel_axis = -1 if a.ndim == 4 and a.shape[-1] > 1 else None
    if a.ndim == 4 and a.shape[-1] == 1:
        a, b = a[..., 0], b[..., 0]
    return np.array([structural_similarity(p, q, data_range=data_range, channel_axis=channel_axis)
                     for p, q in zip(a, b)])


def sample_restorations(model, condition, n_samples: int = 16, temperature: float = 1.0,
                        seed: int = 0) -> np.ndarray:
    """Several restorations per corrupted input from a conditional VAE.

    For each row of ``condition`` draw ``n_samples`` codes z ~ N(0, temperature^2 I) and decode
    E[x | z, c]. Returns shape ``(n_samples, n, H, W, C)``; the mean over axis 0 approximates the
    posterior-mean restoration and the std over axis 0 is a per-pixel uncertainty map.
    """
    from .conditional import ConditionalVAE

    if not isinstance(model, ConditionalVAE):
        raise TypeError(f"model must be a vae_helpers.conditional.ConditionalVAE, got {type(model).__name__}")
    n_samples = check_positive_int(n_samples, "n_samples")
    temperature = check_non_negative(temperature, "temperature")
    c = model.check_condition(condition, len(np.asarray(condition)))
    rng = np.random.default_rng(_check_seed(seed))
    z = (temperature * rng.standard_normal((n_samples * len(c), model.latent_dim))).astype(np.float32)
    out = model.decode(z, np.concatenate([c] * n_samples))
    return out.reshape((n_samples, len(c)) + out.shape[1:])


def region_means(values, mask) -> tuple[float, float]:
    """Mean of a per-pixel map over the missing pixels (mask == 1) and over the observed ones."""
    values = _images(values, "values")
    mask = _check_mask(mask, values)
    inside, outside = mask > 0, mask == 0
    if not inside.any() or not outside.any():
        raise ValueError("mask must contain both missing (1) and observed (0) pixels")
    return float(values[inside].mean()), float(values[outside].mean())


__all__ = ["MASK_KINDS", "add_gaussian_noise", "apply_mask", "median_denoise", "psnr", "random_mask",
           "region_means", "salt_and_pepper", "sample_restorations", "ssim"]
