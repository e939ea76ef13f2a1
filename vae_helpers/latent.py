"""Latent-space utilities: interpolation paths, a grid over the prior, and a grid along two chosen coordinates."""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from vae_helpers._checks import as_float_array, check_latent_dims, check_non_negative, check_positive_int


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


def latent_base(latent_dim: int, base=None) -> np.ndarray:
    """The latent point the coordinates not being varied stay at: ``base`` (shape ``(latent_dim,)``, in prior
    standard deviations) or the prior's centre, zeros."""
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    if base is None:
        return np.zeros(latent_dim, np.float32)
    out = as_float_array(base, "base", min_ndim=1).ravel()
    if out.shape != (latent_dim,):
        raise ValueError(f"base must hold one value per latent coordinate ({latent_dim}), got shape {out.shape}")
    return out


def latent_slice(
    latent_dim: int,
    dims: tuple[int, int] = (0, 1),
    n: int = 7,
    limit: float = 3.0,
    temperature: float = 1.0,
    base=None,
) -> np.ndarray:
    """An ``n x n`` grid that varies two latent coordinates, shape ``(n*n, latent_dim)``.

    Coordinate ``dims[0]`` runs over ``n`` evenly spaced values from ``-limit`` to ``+limit`` prior standard
    deviations left to right, ``dims[1]`` from ``+limit`` (top row) to ``-limit``; every other coordinate stays
    at ``base`` (default 0). The whole point is then scaled by ``temperature`` (``z = temperature * s``), as the
    sliders of :func:`vae_helpers.latent_explorer` do, so ``temperature=0`` gives ``z = 0`` everywhere.
    Row-major, first row at the top, ready for :func:`vae_helpers.plots.plot_latent_slice`.
    """
    dims = check_latent_dims(dims, check_positive_int(latent_dim, "latent_dim"))
    if len(dims) != 2:
        raise ValueError(f"dims must name two latent coordinates (the grid's columns and rows), got {dims}")
    n = check_positive_int(n, "n")
    if n < 2:
        raise ValueError(f"n must be >= 2 (values from -limit to +limit), got {n}")
    limit = check_non_negative(limit, "limit")
    if limit == 0:
        raise ValueError("limit must be > 0 (the grid spans -limit..+limit prior standard deviations)")
    temperature = check_non_negative(temperature, "temperature")
    axis = np.linspace(-limit, limit, n)
    s1, s2 = np.meshgrid(axis, axis[::-1])
    z = np.repeat(latent_base(latent_dim, base)[None], n * n, axis=0)
    z[:, dims[0]], z[:, dims[1]] = s1.ravel(), s2.ravel()
    return (temperature * z).astype(np.float32)
