"""Degradations and the classical baselines that undo them, shared by the image lessons.

* :func:`downsample` — block-mean (area) downsampling by an integer factor
  (``skimage.transform.downscale_local_mean``); :func:`upsample_baseline` — nearest, bilinear, bicubic.
* :func:`add_gaussian_noise`, :func:`salt_and_pepper` — pixel noise; :func:`random_mask`,
  :func:`apply_mask` — missing regions; :func:`median_denoise` — the classical denoising baseline.
* :func:`sample_restorations` — several restorations per input from a conditional VAE.

Image batches are NumPy arrays of shape ``(n, H, W)`` or ``(n, H, W, C)``; outputs keep the input's layout.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from vae_helpers._checks import (
    as_image_batch,
    check_divisible,
    check_non_negative,
    check_positive_int,
    check_seed,
    like_input,
)

UPSAMPLE_ORDERS = {"nearest": 0, "bilinear": 1, "bicubic": 3}


def _factor(factor) -> int:
    factor = check_positive_int(factor, "factor")
    if factor < 2:
        raise ValueError(f"factor must be >= 2, got {factor}")
    return factor


def downsample(images, factor: int = 2) -> np.ndarray:
    """Block-mean downsampling: each ``factor x factor`` block becomes its mean.

    This is the degradation ``c = D(x)`` the lessons assume (area averaging, as a camera sensor with
    larger pixels would record). Height and width must be divisible by ``factor``.
    """
    from skimage.transform import downscale_local_mean

    arr = as_image_batch(images)
    factor = _factor(factor)
    check_divisible(arr.shape[1], arr.shape[2], factor, f"downsample by {factor}")
    out = downscale_local_mean(arr, (1, factor, factor, 1)).astype(np.float32)
    return like_input(out, images)


def upsample_baseline(images, factor: int = 2, method: str = "bicubic", clip: bool = True) -> np.ndarray:
    """Upsample each image by an integer ``factor`` with ``skimage.transform.resize``.

    ``method`` is ``"nearest"`` (order 0), ``"bilinear"`` (order 1) or ``"bicubic"`` (order 3).
    With ``clip=True`` the result is clipped to the input's value range (bicubic overshoots at edges).
    """
    from skimage.transform import resize

    arr = as_image_batch(images)
    factor = _factor(factor)
    if not isinstance(method, str) or method.lower() not in UPSAMPLE_ORDERS:
        raise ValueError(f"method must be one of {tuple(UPSAMPLE_ORDERS)}, got {method!r}")
    order = UPSAMPLE_ORDERS[method.lower()]
    n, h, w, c = arr.shape
    out = np.stack(
        [
            resize(
                img,
                (h * factor, w * factor, c),
                order=order,
                mode="edge",
                clip=clip,
                anti_aliasing=False,
                preserve_range=True,
            )
            for img in arr
        ]
    ).astype(np.float32)
    return like_input(out, images)


MASK_KINDS = ("square", "lower_half", "upper_half", "left_half", "right_half")


def add_gaussian_noise(x, sigma, seed: int = 0, clip: bool = True) -> np.ndarray:
    """Add i.i.d. N(0, sigma^2) noise to every pixel (then clip to [0, 1] unless ``clip=False``).

    ``sigma`` is a number or one value per image (shape ``(n,)``), for training on a range of levels.
    """
    original, x = x, as_image_batch(x, "x")
    sig = np.asarray(sigma, dtype=np.float32)
    if sig.ndim == 0:
        check_non_negative(float(sig), "sigma")
    elif sig.shape != (len(x),):
        raise ValueError(f"sigma must be a number or have shape ({len(x)},), got shape {sig.shape}")
    if not np.all(np.isfinite(sig)) or np.any(sig < 0):
        raise ValueError("sigma must be finite and >= 0")
    sig = sig.reshape((-1,) + (1,) * (x.ndim - 1)) if sig.ndim else sig
    noisy = x + sig * np.random.default_rng(check_seed(seed)).standard_normal(x.shape).astype(np.float32)
    return like_input((np.clip(noisy, 0.0, 1.0) if clip else noisy).astype(np.float32), original)


def salt_and_pepper(x, amount: float, seed: int = 0, salt_ratio: float = 0.5) -> np.ndarray:
    """Set a fraction ``amount`` of pixels to 0 or 1 (a share ``salt_ratio`` of them to 1)."""
    original, x = x, as_image_batch(x, "x")
    amount, salt_ratio = check_non_negative(amount, "amount"), check_non_negative(salt_ratio, "salt_ratio")
    if amount > 1 or salt_ratio > 1:
        raise ValueError(f"amount and salt_ratio must lie in [0, 1], got {amount} and {salt_ratio}")
    rng = np.random.default_rng(check_seed(seed))
    hit = rng.random(x.shape) < amount
    salt = rng.random(x.shape) < salt_ratio
    out = x.copy()
    out[hit & salt] = 1.0
    out[hit & ~salt] = 0.0
    return like_input(out, original)


def random_mask(n: int, image_shape: Sequence[int], kind: str = "square", size: int = 12, seed: int = 0) -> np.ndarray:
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
        rng = np.random.default_rng(check_seed(seed))
        top = rng.integers(0, height - size + 1, n)
        left = rng.integers(0, width - size + 1, n)
        for i in range(n):
            mask[i, top[i] : top[i] + size, left[i] : left[i] + size] = 1.0
    elif kind == "lower_half":
        mask[:, height // 2 :] = 1.0
    elif kind == "upper_half":
        mask[:, : height // 2] = 1.0
    elif kind == "left_half":
        mask[:, :, : width // 2] = 1.0
    else:
        mask[:, :, width // 2 :] = 1.0
    return mask


def check_mask(mask, x: np.ndarray) -> np.ndarray:
    """``mask`` as a 0/1 batch of the same ``(n, H, W, C)`` shape as ``x`` (1 = missing), else ValueError."""
    mask = as_image_batch(mask, "mask")
    if mask.shape != x.shape:
        raise ValueError(f"mask shape {mask.shape} differs from image shape {x.shape}")
    if not np.all((mask == 0) | (mask == 1)):
        raise ValueError("mask must contain only 0 (observed) and 1 (missing)")
    return mask


def apply_mask(x, mask, fill: float = 0.0) -> np.ndarray:
    """Replace the missing pixels (mask == 1) by ``fill``."""
    original, x = x, as_image_batch(x, "x")
    mask = check_mask(mask, x)
    return like_input(np.where(mask > 0, np.float32(float(fill)), x).astype(np.float32), original)


def median_denoise(x, size: int = 3) -> np.ndarray:
    """Median filter each image with a ``size`` x ``size`` window (channels and images kept apart)."""
    from scipy import ndimage

    original, x = x, as_image_batch(x, "x")
    size = check_positive_int(size, "size")
    return like_input(ndimage.median_filter(x, size=(1, size, size, 1), mode="reflect").astype(np.float32), original)


def sample_restorations(model, condition, n_samples: int = 16, temperature: float = 1.0, seed: int = 0) -> np.ndarray:
    """Several restorations per corrupted input from a conditional VAE.

    For each row of ``condition`` draw ``n_samples`` codes z ~ N(0, temperature^2 I) and decode
    E[x | z, c]. Returns shape ``(n_samples, n, H, W, C)``; the mean over axis 0 approximates the
    posterior-mean restoration and the std over axis 0 is a per-pixel uncertainty map.
    """
    from vae_helpers.core.variants import ConditionalVAE

    if not isinstance(model, ConditionalVAE):
        raise TypeError(f"model must be a vae_helpers.core.ConditionalVAE, got {type(model).__name__}")
    n_samples = check_positive_int(n_samples, "n_samples")
    temperature = check_non_negative(temperature, "temperature")
    c = model.check_condition(condition, len(np.asarray(condition)))
    rng = np.random.default_rng(check_seed(seed))
    z = (temperature * rng.standard_normal((n_samples * len(c), model.latent_dim))).astype(np.float32)
    out = model.decode(z, np.concatenate([c] * n_samples))
    return out.reshape((n_samples, len(c)) + out.shape[1:])
