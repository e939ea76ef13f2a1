"""Image super-resolution utilities shared by lessons 09 and 22.

* :func:`downsample` — the degradation model: block-mean (area) downsampling by an integer factor.
* :func:`upsample_baseline` — classical interpolation baselines (nearest, bilinear, bicubic).
* :func:`psnr_ssim` / :func:`psnr_ssim_table` / :func:`format_metric_table` — distortion metrics
  (``skimage.metrics``) per image and as a results table.
* :func:`consistency_error` — how far ``downsample(estimate)`` is from the low-res input (a good
  super-resolution must explain the observation it was given).
* :func:`sample_spread` — per-pixel standard deviation across several samples per input, split
  into edge and flat pixels of a reference image (where does a conditional model hesitate?).
* :func:`to_grey`, :func:`random_patches` — grey photo patches in [0, 1] from ``skimage.data``.

Image batches are NumPy arrays of shape ``(n, H, W)`` or ``(n, H, W, C)``; outputs keep the
input's layout. No function here trains anything.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from .validation import as_float_array, check_positive_int

UPSAMPLE_ORDERS = {"nearest": 0, "bilinear": 1, "bicubic": 3}


def _batch(images, name: str = "images") -> tuple[np.ndarray, bool]:
    """Return images as float32 ``(n, H, W, C)`` and whether a channel axis was added."""
    arr = as_float_array(images, name, min_ndim=3)
    if arr.ndim == 3:
        return arr[..., None], True
    if arr.ndim != 4:
        raise ValueError(f"{name} must have shape (n, H, W) or (n, H, W, C), got {arr.shape}")
    return arr, False


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
    arr, squeezed = _batch(images)
    factor = _factor(factor)
    n, h, w, c = arr.shape
    if h % factor or w % factor:
        raise ValueError(f"image size {h}x{w} is not divisible by factor {factor}")
    out = arr.reshape(n, h // factor, factor, w // factor, factor, c).mean(axis=(2, 4))
    return out[..., 0] if squeezed else out


def upsample_baseline(images, factor: int = 2, method: str = "bicubic", clip: bool = True) -> np.ndarray:
    """Upsample each image by an integer ``factor`` with ``skimage.transform.resize``.

    ``method`` is ``"nearest"`` (order 0), ``"bilinear"`` (order 1) or ``"bicubic"`` (order 3).
    With ``clip=True`` the result is clipped to the input's value range (bicubic overshoots at edges).
    """
    from skimage.transform import resize

    arr, squeezed = _batch(images)
    factor = _factor(factor)
    if not isinstance(method, str) or method.lower() not in UPSAMPLE_ORDERS:
        raise ValueError(f"method must be one of {tuple(UPSAMPLE_ORDERS)}, got {method!r}")
    order = UPSAMPLE_ORDERS[method.lower()]
    n, h, w, c = arr.shape
    out = np.stack([resize(img, (h * factor, w * factor, c), order=order, mode="edge", clip=clip,
                           anti_aliasing=False, preserve_range=True) for img in arr]).astype(np.float32)
    return out[..., 0] if squeezed else out


def _pair(reference, estimate) -> tuple[np.ndarray, np.ndarray]:
    ref, _ = _batch(reference, "reference")
    est, _ = _batch(estimate, "estimate")
    if ref.shape != est.shape:
        raise ValueError(f"reference {ref.shape} and estimate {est.shape} must have the same shape")
    return ref, est


def psnr_ssim(reference, estimate, data_range: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Per-image PSNR (dB) and SSIM of ``estimate`` against ``reference`` (same shapes).

    Uses ``skimage.metrics.peak_signal_noise_ratio`` and ``structural_similarity`` (7x7 window,
    channels averaged). An exact match has infinite PSNR; it is capped at 100 dB so means stay finite.
    """
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity

    ref, est = _pair(reference, estimate)
    if isinstance(data_range, bool) or not isinstance(data_range, (int, float, np.integer, np.floating)) \
            or not data_range > 0:
        raise ValueError(f"data_range must be a positive number, got {data_range!r}")
    if min(ref.shape[1:3]) < 7:
        raise ValueError(f"SSIM needs images of at least 7x7 pixels, got {ref.shape[1:3]}")
    psnr, ssim = np.empty(len(ref)), np.empty(len(ref))
    for i, (r, e) in enumerate(zip(ref.astype(np.float64), est.astype(np.float64))):
        mse = float(np.mean((r - e) ** 2))
        psnr[i] = 100.0 if mse == 0 else min(100.0, peak_signal_noise_ratio(r, e, data_range=data_range))
        ssim[i] = structural_similarity(r, e, data_range=data_range, channel_axis=-1)
    return psnr, ssim


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
    est, _ = _batch(estimate, "estimate")
    low, _ = _batch(low_res, "low_res")
    down = downsample(est, factor)
    if down.shape != low.shape:
        raise ValueError(f"downsample(estimate) has shape {down.shape} but low_res has {low.shape}")
    return np.sqrt(np.mean((down - low) ** 2, axis=(1, 2, 3)))


def edge_mask(images, fraction: float = 0.2) -> np.ndarray:
    """Boolean mask of the ``fraction`` of pixels with the largest Sobel gradient, per image."""
    from scipy import ndimage

    arr, squeezed = _batch(images)
    if not 0 < float(fraction) < 1:
        raise ValueError(f"fraction must lie in (0, 1), got {fraction}")
    grey = arr.mean(axis=-1).astype(np.float64)
    mag = np.stack([np.hypot(ndimage.sobel(g, 0, mode="reflect"), ndimage.sobel(g, 1, mode="reflect"))
                    for g in grey])
    thresh = np.quantile(mag.reshape(len(mag), -1), 1 - float(fraction), axis=1)
    mask = mag > thresh[:, None, None]
    mask |= (mag >= thresh[:, None, None]) & (mag > 0)  # ties at the threshold count as edges
    return mask if squeezed else mask[..., None]


def sample_spread(samples, reference, fraction: float = 0.2) -> dict:
    """Per-pixel spread of several samples per input, on edge vs flat pixels of ``reference``.

    ``samples`` has shape ``(k, n, H, W[, C])``: ``k >= 2`` samples for each of ``n`` inputs.
    ``reference`` (``(n, H, W[, C])``, e.g. the ground truth or a bicubic upsample) defines the edge
    pixels (:func:`edge_mask`). Returns ``std`` (``(n, H, W, C)``, std over the k samples), ``mean_std``,
    ``edge_std``, ``flat_std`` and ``edge_share`` (share of the total std that sits on edge pixels).
    """
    s = as_float_array(samples, "samples", min_ndim=4)
    if s.ndim == 4:
        s = s[..., None]
    if s.ndim != 5 or s.shape[0] < 2:
        raise ValueError(f"samples must have shape (k>=2, n, H, W[, C]), got {s.shape}")
    ref, _ = _batch(reference, "reference")
    if ref.shape[:3] != s.shape[1:4]:
        raise ValueError(f"reference {ref.shape} does not match the samples' (n, H, W) {s.shape[1:4]}")
    std = s.std(axis=0)
    mask = np.broadcast_to(edge_mask(ref, fraction)[..., :1], std.shape)
    total = float(std.sum())
    return {"std": std, "mean_std": float(std.mean()), "edge_std": float(std[mask].mean()),
            "flat_std": float(std[~mask].mean()), "edge_share": float(std[mask].sum() / total) if total else 0.0}


def to_grey(image) -> np.ndarray:
    """A 2-D float32 grey image in [0, 1] from a uint8/bool/float image (RGB/RGBA are converted)."""
    arr = np.asarray(image)
    if arr.ndim == 3 and arr.shape[-1] in (3, 4):
        from skimage.color import rgb2gray

        arr = rgb2gray(arr[..., :3])
    elif arr.ndim != 2:
        raise ValueError(f"image must be 2-D grey or (H, W, 3|4) colour, got shape {arr.shape}")
    elif arr.dtype == np.uint8:
        arr = arr / 255.0
    arr = np.asarray(arr, dtype=np.float32)
    if arr.dtype.kind == "f" and (arr.min() < 0 or arr.max() > 1):
        raise ValueError("float images must already lie in [0, 1]")
    return arr


def random_patches(image, patch_size: int, n: int, seed: int = 0, min_std: float = 0.0) -> np.ndarray:
    """``n`` random ``patch_size x patch_size`` patches of a 2-D image, shape ``(n, p, p, 1)``.

    ``min_std`` rejects nearly flat patches (sky, background) whose standard deviation is below it;
    a ValueError is raised if too few patches pass after many tries.
    """
    img = to_grey(image)
    p, n = check_positive_int(patch_size, "patch_size"), check_positive_int(n, "n")
    if p > min(img.shape):
        raise ValueError(f"patch_size {p} exceeds the image size {img.shape}")
    rng = np.random.default_rng(seed)
    out, tries = [], 0
    while len(out) < n:
        tries += 1
        if tries > 50 * n:
            raise ValueError(f"only {len(out)} of {n} patches have std >= {min_std}; lower min_std")
        i, j = rng.integers(0, img.shape[0] - p + 1), rng.integers(0, img.shape[1] - p + 1)
        patch = img[i:i + p, j:j + p]
        if patch.std() >= min_std:
            out.append(patch)
    return np.stack(out)[..., None].astype(np.float32)
