"""Image-quality measures shared by the image lessons (one copy each).

* :func:`psnr`, :func:`ssim` — per-image distortion (SSIM from ``skimage.metrics``, 7x7 window);
  :func:`psnr_ssim` both at once; :func:`psnr_ssim_table` / :func:`format_metric_table` — a results table.
* :func:`consistency_error` — how far ``downsample(estimate)`` is from the low-res input (a good
  super-resolution must explain the observation it was given).
* :func:`edge_mask`, :func:`sample_spread` — where several samples per input disagree (edge vs flat pixels).
* :func:`region_means` — a per-pixel map averaged inside and outside a mask.

Image batches are NumPy arrays of shape ``(n, H, W)`` or ``(n, H, W, C)``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from vae_helpers._checks import as_float_array, as_image_batch, check_non_negative
from vae_helpers.images.degrade import check_mask, downsample


def _pair(reference, estimate) -> tuple[np.ndarray, np.ndarray]:
    ref, est = as_image_batch(reference, "reference"), as_image_batch(estimate, "estimate")
    if ref.shape != est.shape:
        raise ValueError(f"reference {ref.shape} and estimate {est.shape} must have the same shape")
    return ref, est


def _data_range(data_range) -> float:
    data_range = check_non_negative(data_range, "data_range")
    if data_range == 0:
        raise ValueError("data_range must be > 0")
    return data_range


def psnr(reference, estimate, data_range: float = 1.0) -> np.ndarray:
    """Peak signal-to-noise ratio in dB, one value per image: 10 log10(range^2 / MSE).

    A perfect estimate is capped at 100 dB instead of infinity, so means stay finite.
    """
    ref, est = _pair(reference, estimate)
    data_range = _data_range(data_range)
    mse = np.mean((ref.astype(np.float64) - est) ** 2, axis=(1, 2, 3))
    return np.minimum(10.0 * np.log10(data_range**2 / np.maximum(mse, 1e-300)), 100.0)


def ssim(reference, estimate, data_range: float = 1.0) -> np.ndarray:
    """Structural similarity (Wang et al. 2004; skimage defaults, 7x7 window), one value per image;
    colour channels are averaged."""
    from skimage.metrics import structural_similarity

    ref, est = _pair(reference, estimate)
    data_range = _data_range(data_range)
    if min(ref.shape[1:3]) < 7:
        raise ValueError(f"SSIM needs images of at least 7x7 pixels, got {ref.shape[1:3]}")
    return np.array(
        [
            structural_similarity(r, e, data_range=data_range, channel_axis=-1)
            for r, e in zip(ref.astype(np.float64), est.astype(np.float64))
        ]
    )


def psnr_ssim(reference, estimate, data_range: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """``(psnr(...), ssim(...))``: per-image PSNR (dB) and SSIM of ``estimate`` against ``reference``."""
    return psnr(reference, estimate, data_range), ssim(reference, estimate, data_range)


def psnr_ssim_table(reference, estimates: Mapping[str, np.ndarray], data_range: float = 1.0) -> dict:
    """Mean PSNR/SSIM for several methods: ``{name: {"psnr": float, "ssim": float}}`` (insertion order)."""
    if not isinstance(estimates, Mapping) or not estimates:
        raise TypeError("estimates must be a non-empty mapping {method name: images}")
    table = {}
    for name, est in estimates.items():
        psnr, ssim = psnr_ssim(reference, est, data_range)
        table[str(name)] = {"psnr": float(psnr.mean()), "ssim": float(ssim.mean())}
    return table


def format_metric_table(table: Mapping[str, Mapping[str, float]], sort_by: str | None = None) -> str:
    """Render a :func:`psnr_ssim_table`-style dict as aligned text (optionally sorted, best first)."""
    if not isinstance(table, Mapping) or not table:
        raise TypeError("table must be a non-empty mapping {method: {metric: value}}")
    columns = list(next(iter(table.values())).keys())
    rows = list(table.items())
    if sort_by is not None:
        if sort_by not in columns:
            raise ValueError(f"sort_by must be one of {columns}, got {sort_by!r}")
        rows.sort(key=lambda kv: -kv[1][sort_by])
    width = max(len("method"), *(len(k) for k in table))
    lines = [f"{'method':<{width}s} " + " ".join(f"{c:>9s}" for c in columns)]
    lines += [f"{name:<{width}s} " + " ".join(f"{vals[c]:9.3f}" for c in columns) for name, vals in rows]
    return "\n".join(lines)


def consistency_error(estimate, low_res, factor: int = 2) -> np.ndarray:
    """Per-image RMSE between ``downsample(estimate, factor)`` and the low-res input ``low_res``."""
    est, low = as_image_batch(estimate, "estimate"), as_image_batch(low_res, "low_res")
    down = downsample(est, factor)
    if down.shape != low.shape:
        raise ValueError(f"downsample(estimate) has shape {down.shape} but low_res has {low.shape}")
    return np.sqrt(np.mean((down - low) ** 2, axis=(1, 2, 3)))


def edge_mask(images, fraction: float = 0.2) -> np.ndarray:
    """Boolean mask of the ``fraction`` of pixels with the largest Sobel gradient, per image."""
    from scipy import ndimage

    arr = as_image_batch(images)
    if not 0 < float(fraction) < 1:
        raise ValueError(f"fraction must lie in (0, 1), got {fraction}")
    grey = arr.mean(axis=-1).astype(np.float64)
    mag = np.stack([np.hypot(ndimage.sobel(g, 0, mode="reflect"), ndimage.sobel(g, 1, mode="reflect")) for g in grey])
    thresh = np.quantile(mag.reshape(len(mag), -1), 1 - float(fraction), axis=1)
    mask = mag > thresh[:, None, None]
    mask |= (mag >= thresh[:, None, None]) & (mag > 0)  # ties at the threshold count as edges
    return mask if np.ndim(images) == 3 else mask[..., None]


def sample_spread(samples, reference, fraction: float = 0.2) -> dict:
    """Per-pixel spread of several samples per input, on edge vs flat pixels of ``reference``.

    ``samples`` has shape ``(k, n, H, W[, C])``: ``k >= 2`` samples for each of ``n`` inputs.
    ``reference`` (``(n, H, W[, C])``, e.g. the ground truth or a bicubic upsample) defines the edge
    pixels (:func:`edge_mask`). Returns ``std`` (``(n, H, W, C)``, std over the k samples), ``mean_std``,
    ``edge_std``, ``flat_std`` and ``edge_share`` (share of the total std that sits on edge pixels).
    An empty region gives 0.0, never NaN: a constant reference has no edge pixels, and one whose
    gradient magnitude is the same everywhere (ties at the threshold count as edges) has no flat pixels.
    """
    s = as_float_array(samples, "samples", min_ndim=4)
    if s.ndim == 4:
        s = s[..., None]
    if s.ndim != 5 or s.shape[0] < 2:
        raise ValueError(f"samples must have shape (k>=2, n, H, W[, C]), got {s.shape}")
    ref = as_image_batch(reference, "reference")
    if ref.shape[:3] != s.shape[1:4]:
        raise ValueError(f"reference {ref.shape} does not match the samples' (n, H, W) {s.shape[1:4]}")
    std = s.std(axis=0)
    mask = np.broadcast_to(edge_mask(ref, fraction)[..., :1], std.shape)
    total = float(std.sum())

    def region_mean(region: np.ndarray) -> float:
        return float(std[region].mean()) if region.any() else 0.0

    return {
        "std": std,
        "mean_std": float(std.mean()),
        "edge_std": region_mean(mask),
        "flat_std": region_mean(~mask),
        "edge_share": float(std[mask].sum() / total) if total else 0.0,
    }


def region_means(values, mask) -> tuple[float, float]:
    """Mean of a per-pixel map over the missing pixels (mask == 1) and over the observed ones."""
    values = as_image_batch(values, "values")
    mask = check_mask(mask, values)
    inside, outside = mask > 0, mask == 0
    if not inside.any() or not outside.any():
        raise ValueError("mask must contain both missing (1) and observed (0) pixels")
    return float(values[inside].mean()), float(values[outside].mean())
