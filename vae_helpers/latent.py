"""Latent-space utilities: interpolation paths and a grid over the prior."""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from vae_helpers._checks import as_float_array, check_positive_int


def interpolate(z_start, z_end, steps: int = 10, spherical: bool = False) -> np.ndarray:
    """Points from ``z_start`` to ``z_end`` inclusive, shape ``(steps, d)``.

    ``spherical=True`` uses slerp, which keeps intermediate norms typical of a Gaussian prior
    (a straight line through the origin passes a low-norm, atypical region in high dimension).
    """
    a = as_float_array(z_start, "z_start", min_ndim=1).ravel()
    b = as_float_array(z_end, "z_end", min_ndim=1).ravel()
    if a.shape != b.shape:
        raise ValueError(f"z_start and z_end differ in shape: {a.shape} vs {b.shape}")
    t = np.linspace(0.0, 1.0, check_positive_int(steps, "steps"))[:, None]
    if not spherical:
        return ((1 - t) * a + t * b).astype(np.float32)
    cos = np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-12)
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    if omega < 1e-6:
        return ((1 - t) * a + t * b).astype(np.float32)
    return ((np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)).astype(np.float32)


def prior_grid(n: int = 15, quantile: float = 0.95) -> np.ndarray:
    """An ``n x n`` grid of 2-D latent points at evenly spaced quantiles of N(0, 1), shape ``(n*n, 2)``.

    Row-major, first row at the *top* (largest z2), ready for :func:`plot_latent_manifold`.
    """
    n = check_positive_int(n, "n")
    if not 0.5 < quantile < 1.0:
        raise ValueError(f"quantile must be in (0.5, 1), got {quantile}")
    axis = norm.ppf(np.linspace(1 - quantile, quantile, n))
    z1, z2 = np.meshgrid(axis, axis[::-1])
    return np.stack([z1.ravel(), z2.ravel()], axis=1).astype(np.float32)
