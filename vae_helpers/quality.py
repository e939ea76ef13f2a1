"""Sample-quality measures shared by the lessons that compare generators (06/29, 26, 27).

* :func:`frechet_distance` — Fréchet distance between Gaussians fitted to two feature sets (the
  formula behind FID; the features are whatever network the caller chooses).
* :func:`sharpness` — variance of the Laplacian per image (a blur detector: blur removes the
  high frequencies the Laplacian responds to).
* :func:`class_coverage` — which classes a generator produces, judged by some classifier's labels:
  the share of classes present and the entropy of the class histogram.

None of these is a likelihood: they measure *samples*, and each only means something next to a
reference computed the same way (real images, a noise baseline).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from .validation import as_float_array, check_positive_int


def _features(x, name: str) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64) if not isinstance(x, np.ndarray) else x.astype(np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    arr = as_float_array(arr, name).astype(np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (n_samples, n_features), got shape {arr.shape}")
    if len(arr) < 2:
        raise ValueError(f"{name} needs at least 2 rows to estimate a covariance, got {len(arr)}")
    return arr


def _psd_sqrt(cov: np.ndarray) -> np.ndarray:
    """Symmetric square root of a covariance matrix (eigenvalues clipped at 0 against rounding)."""
    eigvals, eigvecs = np.linalg.eigh(cov)
    return (eigvecs * np.sqrt(np.clip(eigvals, 0.0, None))) @ eigvecs.T


def frechet_distance(features_a, features_b) -> float:
    r"""Fréchet (2-Wasserstein) distance² between Gaussians fitted to two sets of feature vectors.

    .. math:: d^2 = \lVert\mu_a-\mu_b\rVert^2 + \operatorname{tr}\Sigma_a + \operatorname{tr}\Sigma_b
              - 2\operatorname{tr}\big(\Sigma_a^{1/2}\Sigma_b\Sigma_a^{1/2}\big)^{1/2}

    ``features_*`` have shape ``(n, d)`` (a 1-D array is read as ``d = 1``); the two sets may have
    different ``n`` but must share ``d``. Covariances use ``ddof=1``.

    The trace term equals :math:`\operatorname{tr}(\Sigma_a\Sigma_b)^{1/2}` (the two matrices are
    similar), but :math:`\Sigma_a^{1/2}\Sigma_b\Sigma_a^{1/2}` is symmetric positive semi-definite, so
    its square-root trace is the sum of the square roots of real eigenvalues clipped at 0. Unlike
    ``scipy.linalg.sqrtm`` of the non-symmetric product, this has no imaginary part whose size
    depends on the CPU and BLAS: zero covariances (identical images), rank-deficient features
    (``n < d``) and duplicated rows all give a finite value. Returns a float >= 0.
    """
    a, b = _features(features_a, "features_a"), _features(features_b, "features_b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"feature dimensions differ: features_a has {a.shape[1]}, features_b has {b.shape[1]}")
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    cov_a = np.atleast_2d(np.cov(a, rowvar=False))
    cov_b = np.atleast_2d(np.cov(b, rowvar=False))
    sqrt_a = _psd_sqrt(cov_a)
    middle = sqrt_a @ cov_b @ sqrt_a
    eigvals = np.linalg.eigvalsh((middle + middle.T) / 2.0)
    trace_sqrt = float(np.sqrt(np.clip(eigvals, 0.0, None)).sum())
    diff = mu_a - mu_b
    value = float(diff @ diff + np.trace(cov_a) + np.trace(cov_b) - 2.0 * trace_sqrt)
    return max(value, 0.0)


def _gray_images(images, name: str = "images") -> np.ndarray:
    arr = as_float_array(images, name)
    if arr.ndim == 3:
        arr = arr[..., None]
    if arr.ndim != 4:
        raise ValueError(f"{name} must have shape (n, H, W) or (n, H, W, C), got {arr.shape}")
    if min(arr.shape[1:3]) < 3:
        raise ValueError(f"{name} must be at least 3x3 pixels for a Laplacian, got {arr.shape[1:3]}")
    return arr


def sharpness(images, per_image: bool = False):
    """Variance of the Laplacian of each image (channels averaged); the mean over images by default.

    Higher means more high-frequency detail (sharper edges); blurring lowers it. Only compare
    images with the same value range (e.g. all in [0, 1]) and size. ``per_image=True`` returns the
    array of per-image values instead of their mean.
    """
    arr = _gray_images(images).astype(np.float64)
    values = np.empty(len(arr))
    for i, img in enumerate(arr):
        values[i] = np.mean([ndimage.laplace(img[..., c], mode="reflect").var() for c in range(img.shape[-1])])
    return values if per_image else float(values.mean())


def class_coverage(predicted_labels, n_classes: int, min_count: int = 1) -> dict:
    """How evenly generated samples spread over classes, from a classifier's predicted labels.

    Returns a dict with ``coverage`` (share of the ``n_classes`` classes predicted at least
    ``min_count`` times), ``entropy`` (nats, of the predicted-class histogram; ``log(n_classes)``
    when perfectly uniform, 0 when one class only), ``normalized_entropy`` (entropy / log n_classes)
    and ``counts`` (an int array of length ``n_classes``).
    """
    n_classes = check_positive_int(n_classes, "n_classes")
    if n_classes < 2:
        raise ValueError(f"n_classes must be >= 2, got {n_classes}")
    min_count = check_positive_int(min_count, "min_count")
    labels = np.asarray(predicted_labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"predicted_labels must be a non-empty 1-D array, got shape {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        if not np.issubdtype(labels.dtype, np.floating) or not np.all(np.isfinite(labels)) \
                or not np.all(labels == np.round(labels)):
            raise TypeError("predicted_labels must be integer class indices (use argmax of the classifier output)")
        labels = labels.astype(np.int64)
    if labels.min() < 0 or labels.max() >= n_classes:
        raise ValueError(f"predicted_labels must lie in [0, {n_classes - 1}], got [{labels.min()}, {labels.max()}]")
    counts = np.bincount(labels, minlength=n_classes)
    p = counts / counts.sum()
    nz = p[p > 0]
    entropy = float(-(nz * np.log(nz)).sum())
    return {"coverage": float(np.mean(counts >= min_count)), "entropy": entropy,
            "normalized_entropy": entropy / float(np.log(n_classes)), "counts": counts}
