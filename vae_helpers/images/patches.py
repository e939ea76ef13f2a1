"""Grey photo patches and textures from scikit-image's bundled images (no download needed).

* :func:`to_grey` — a 2-D grey image in [0, 1] from any ``skimage.data`` image.
* :func:`random_patches` — random square crops of one image (``sklearn``'s ``extract_patches_2d``).
* :func:`texture_patches` — labelled patches from several texture photographs; :func:`texture_features`
  — eight hand-made texture descriptors per patch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import ndimage

from vae_helpers._checks import as_image_batch, check_positive_int, check_seed


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

    Positions are drawn by ``sklearn.feature_extraction.image.extract_patches_2d``. ``min_std`` rejects
    nearly flat patches (sky, background) whose standard deviation is below it: up to ``50 n``
    candidates are drawn, and a ValueError is raised if fewer than ``n`` pass.
    """
    from sklearn.feature_extraction.image import extract_patches_2d

    img = to_grey(image)
    p, n = check_positive_int(patch_size, "patch_size"), check_positive_int(n, "n")
    if p > min(img.shape):
        raise ValueError(f"patch_size {p} exceeds the image size {img.shape}")
    candidates = extract_patches_2d(
        img, (p, p), max_patches=n if min_std <= 0 else 50 * n, random_state=check_seed(seed)
    )
    kept = candidates[candidates.std(axis=(1, 2)) >= min_std]
    if len(kept) < n:
        raise ValueError(f"only {len(kept)} of {n} patches have std >= {min_std}; lower min_std")
    return kept[:n, ..., None].astype(np.float32)


TEXTURES = ("brick", "grass", "gravel")


def texture_patches(
    names: Sequence[str] = TEXTURES,
    patch_size: int = 32,
    n_per_texture: int = 200,
    downscale: int = 2,
    seed: int = 0,
    rows: tuple[float, float] = (0.0, 1.0),
) -> tuple[np.ndarray, np.ndarray]:
    """Random square grey patches cut from scikit-image's bundled photographs (no download needed).

    Each image ``skimage.data.<name>()`` (e.g. ``brick``, ``grass``, ``gravel``) is converted to grey in
    [0, 1] and shrunk by block averaging with factor ``downscale`` (more texture per patch), then
    ``n_per_texture`` crops of ``patch_size`` pixels are drawn at random positions. ``rows = (a, b)``
    restricts the crops to that band of the (shrunk) image's height, as fractions in [0, 1]: disjoint
    bands, e.g. ``(0, 0.7)`` and ``(0.7, 1)``, give training and validation patches that share no
    pixel. Returns ``(patches, labels)``: ``(n, patch_size, patch_size, 1)`` float32 and the index
    into ``names``.
    """
    import skimage.data
    from skimage.transform import downscale_local_mean

    if isinstance(names, str) or not isinstance(names, (tuple, list)) or not names:
        raise TypeError(f"names must be a non-empty tuple/list of skimage.data image names, got {names!r}")
    patch_size = check_positive_int(patch_size, "patch_size")
    n_per_texture = check_positive_int(n_per_texture, "n_per_texture")
    downscale = check_positive_int(downscale, "downscale")
    seed = check_seed(seed)
    if (
        not isinstance(rows, (tuple, list))
        or len(rows) != 2
        or any(isinstance(r, bool) or not isinstance(r, (int, float, np.floating, np.integer)) for r in rows)
    ):
        raise TypeError(f"rows must be a pair of fractions (start, stop), got {rows!r}")
    start, stop = float(rows[0]), float(rows[1])
    if not 0.0 <= start < stop <= 1.0:
        raise ValueError(f"rows must satisfy 0 <= start < stop <= 1, got {rows!r}")
    patches, labels = [], []
    for k, name in enumerate(names):
        loader = getattr(skimage.data, str(name), None)
        if loader is None or not callable(loader):
            raise ValueError(f"skimage.data has no image called {name!r}")
        img = to_grey(loader())
        if downscale > 1:
            img = downscale_local_mean(img, (downscale, downscale))
        height = img.shape[0]
        img = img[int(round(start * height)) : int(round(stop * height))]
        if min(img.shape) < patch_size:
            raise ValueError(
                f"{name}: image {img.shape} after downscale {downscale} and rows {rows} is smaller than "
                f"patch_size {patch_size}"
            )
        patches.append(random_patches(np.clip(img, 0.0, 1.0), patch_size, n_per_texture, seed=seed + k))
        labels += [k] * n_per_texture
    x = np.concatenate(patches)
    return x, np.asarray(labels, dtype=np.int64)


def texture_features(patches) -> np.ndarray:
    """Eight texture descriptors per grey patch, shape ``(n, 8)``.

    Columns: mean, standard deviation, mean |horizontal gradient|, mean |vertical gradient|, variance of
    the Laplacian, and the share of (mean-removed) spectral power in three radial frequency bands
    (low / middle / high). Good enough to tell brick, grass and gravel apart with a linear classifier.
    """
    imgs = as_image_batch(patches, "patches", grey=True, unit_interval=True)[..., 0].astype(np.float64)
    h, w = imgs.shape[1:]
    if min(h, w) < 8:
        raise ValueError(f"patches must be at least 8x8 pixels, got {h}x{w}")
    fy, fx = np.meshgrid(np.fft.fftfreq(h), np.fft.fftfreq(w), indexing="ij")
    radius = np.sqrt(fx**2 + fy**2)
    bands = [(radius > 0) & (radius <= 0.1), (radius > 0.1) & (radius <= 0.25), radius > 0.25]
    feats = np.empty((len(imgs), 8))
    for i, img in enumerate(imgs):
        power = np.abs(np.fft.fft2(img - img.mean())) ** 2
        total = power.sum() or 1.0
        feats[i] = [
            img.mean(),
            img.std(),
            np.abs(np.diff(img, axis=1)).mean(),
            np.abs(np.diff(img, axis=0)).mean(),
            ndimage.laplace(img, mode="reflect").var(),
            *(power[b].sum() / total for b in bands),
        ]
    return feats
