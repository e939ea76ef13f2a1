"""Style statistics of handwritten digits, attribute directions in latent space, texture patches.

Used by the image-application lessons (08, 11, 24) to *measure* style instead of eyeballing it:

* :func:`slant`, :func:`stroke_thickness`, :func:`digit_width`, :func:`ink_mass` and
  :func:`style_statistics` — one number per image, computed from the ink distribution of grey
  images in [0, 1] (shape ``(n, H, W)`` or ``(n, H, W, 1)``).
* :func:`attribute_direction` — "mean code of images with much of an attribute minus mean code of
  images with little of it", optionally within groups (classes) so the class is not part of the
  direction.
* :func:`texture_patches` — grey patches cut from scikit-image's bundled texture photographs
  (brick, grass, gravel, ...), available offline; :func:`texture_features` — a few hand-made texture
  descriptors (contrast, gradient energy per direction, spectral band energies) for judging patches.
"""

from __future__ import annotations

import numpy as np

from vae_helpers._checks import as_float_array, as_image_batch

STYLE_KEYS = ("slant", "thickness", "width", "ink")


def _gray(images, name: str = "images") -> np.ndarray:
    """``(n, H, W)`` float64 grey images in [0, 1], or a clear error."""
    return as_image_batch(images, name, grey=True, unit_interval=True)[..., 0].astype(np.float64)


def _moments(imgs: np.ndarray) -> tuple[np.ndarray, ...]:
    """Ink-weighted centroid and second central moments per image (empty images give zeros)."""
    n, h, w = imgs.shape
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float64)
    mass = imgs.sum(axis=(1, 2))
    safe = np.where(mass > 0, mass, 1.0)
    cy = (imgs * rows).sum(axis=(1, 2)) / safe
    cx = (imgs * cols).sum(axis=(1, 2)) / safe
    dy = rows[None] - cy[:, None, None]
    dx = cols[None] - cx[:, None, None]
    var_y = (imgs * dy**2).sum(axis=(1, 2)) / safe
    var_x = (imgs * dx**2).sum(axis=(1, 2)) / safe
    cov = (imgs * dx * dy).sum(axis=(1, 2)) / safe
    return mass, var_x, var_y, cov


def ink_mass(images) -> np.ndarray:
    """Total ink per image: the sum of pixel values, shape ``(n,)``."""
    return _gray(images).sum(axis=(1, 2))


def slant(images) -> np.ndarray:
    """Shear of the ink per image (pixels of horizontal shift per pixel of height), shape ``(n,)``.

    ``slant = -cov(x, y) / var(y)`` with ink-weighted moments, image rows growing downward: positive
    means the top of the digit leans **right** (italic), 0 upright. Empty images get 0.
    """
    _, _, var_y, cov = _moments(_gray(images))
    return np.where(var_y > 0, -cov / np.where(var_y > 0, var_y, 1.0), 0.0)


def digit_width(images) -> np.ndarray:
    """Horizontal spread of the ink after removing slant, in pixels, shape ``(n,)``.

    Twice the ink-weighted standard deviation of the column coordinate of the de-slanted ink
    (``var_x - cov^2 / var_y``), so a slanted "1" is not counted as wide.
    """
    _, var_x, var_y, cov = _moments(_gray(images))
    resid = var_x - np.where(var_y > 0, cov**2 / np.where(var_y > 0, var_y, 1.0), 0.0)
    return 2.0 * np.sqrt(np.maximum(resid, 0.0))


def stroke_thickness(images, threshold: float = 0.5) -> np.ndarray:
    """Mean stroke thickness in pixels per image: ink mass / skeleton length, shape ``(n,)``.

    The skeleton (``skimage.morphology.skeletonize``) is the one-pixel-wide centre line of the pixels
    above ``threshold`` times the image's own maximum (relative, so faint or blurry decoder outputs
    still have a skeleton); the ink mass (sum of grey values) divided by its length is the average
    width of the stroke. Images with no ink get 0.
    """
    from skimage.morphology import skeletonize

    imgs = _gray(images)
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float, np.floating))
        or not 0.0 < float(threshold) < 1.0
    ):
        raise ValueError(f"threshold must be a number in (0, 1), got {threshold!r}")
    out = np.zeros(len(imgs))
    for i, img in enumerate(imgs):
        peak = img.max()
        if peak <= 0:
            continue
        length = int(skeletonize(img > threshold * peak).sum())
        out[i] = img.sum() / length if length else 0.0
    return out


def style_statistics(images, threshold: float = 0.5) -> dict[str, np.ndarray]:
    """All four style numbers at once: ``{"slant", "thickness", "width", "ink"}``, each shape ``(n,)``."""
    imgs = _gray(images)
    return {
        "slant": slant(imgs),
        "thickness": stroke_thickness(imgs, threshold),
        "width": digit_width(imgs),
        "ink": imgs.sum(axis=(1, 2)),
    }


def attribute_direction(codes, values, groups=None, quantile: float = 0.25) -> np.ndarray:
    """Latent direction of an attribute: mean code of the top ``quantile`` minus mean of the bottom one.

    ``codes`` ``(n, d)`` are e.g. posterior means, ``values`` ``(n,)`` the attribute of each image. With
    ``groups`` (e.g. class labels) the difference is taken **within** each group that has at least 4
    members and the group differences are averaged, so an attribute that differs between classes
    (a "1" is thinner than an "8") does not leak the class into the direction. When one value fills
    both quantiles (ties, e.g. a 0/1 attribute present in only 10% of a group) the group is split at
    that value instead: the images above it against those at it (or those at it against those below).
    Returns shape ``(d,)``.
    """
    z = as_float_array(codes, "codes").astype(np.float64)
    if z.ndim != 2:
        raise ValueError(f"codes must have shape (n, d), got {z.shape}")
    v = np.asarray(values, dtype=np.float64)
    if v.shape != (len(z),):
        raise ValueError(f"values must have shape ({len(z)},), got {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError("values contain NaN or infinite entries")
    if (
        isinstance(quantile, bool)
        or not isinstance(quantile, (int, float, np.floating))
        or not 0.0 < float(quantile) <= 0.5
    ):
        raise ValueError(f"quantile must be in (0, 0.5], got {quantile!r}")
    g = np.zeros(len(z), dtype=np.int64) if groups is None else np.asarray(groups)
    if g.shape != (len(z),):
        raise ValueError(f"groups must have shape ({len(z)},), got {g.shape}")
    diffs, weights = [], []
    for label in np.unique(g):
        idx = np.flatnonzero(g == label)
        if len(idx) < 4:
            continue
        vi = v[idx]
        lo, hi = np.quantile(vi, [quantile, 1.0 - quantile])
        if hi > lo:
            top, bottom = idx[vi >= hi], idx[vi <= lo]
        else:  # one value fills both quantiles (e.g. a 0/1 attribute that is 1 for 10%): split at it
            top, bottom = idx[vi > lo], idx[vi < lo]
            if len(top) == 0:
                top = idx[vi == lo]
            elif len(bottom) == 0:
                bottom = idx[vi == lo]
        if len(top) == 0 or len(bottom) == 0:
            continue
        diffs.append(z[top].mean(axis=0) - z[bottom].mean(axis=0))
        weights.append(len(idx))
    if not diffs:
        raise ValueError("no group has enough examples with differing attribute values")
    return np.average(np.stack(diffs), axis=0, weights=np.asarray(weights, dtype=np.float64))
