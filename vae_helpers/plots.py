"""Figures used across the course. Every function returns the matplotlib ``Figure``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np

from vae_helpers._checks import as_float_array, check_latent_dims, check_non_negative, check_standard_prior_vae
from vae_helpers.latent import latent_slice, prior_grid


def _as_images(images, name: str = "images") -> np.ndarray:
    arr = as_float_array(images, name)
    if arr.ndim == 4 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim != 3 and not (arr.ndim == 4 and arr.shape[-1] == 3):
        raise ValueError(f"{name} must be (n, H, W), (n, H, W, 1) or (n, H, W, 3), got {arr.shape}")
    return arr


def _show(ax, img) -> None:
    ax.imshow(np.clip(img, 0, 1), cmap="gray" if img.ndim == 2 else None, vmin=0, vmax=1)
    ax.set_xticks([])
    ax.set_yticks([])


def plot_image_grid(
    images, ncols: int = 10, title: str = "", row_labels: Sequence[str] | None = None, scale: float = 1.0
):
    """Show images in a grid of ``ncols`` columns; ``row_labels`` names each row."""
    imgs = _as_images(images)
    nrows = int(np.ceil(len(imgs) / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(scale * ncols, scale * nrows + (0.5 if title else 0)), squeeze=False
    )
    for i, ax in enumerate(axes.flat):
        if i < len(imgs):
            _show(ax, imgs[i])
        else:
            ax.axis("off")
    if row_labels is not None:
        for r, label in enumerate(row_labels[:nrows]):
            axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_reconstructions(
    originals,
    reconstructions,
    n: int = 10,
    title: str = "Reconstructions",
    labels: Sequence[str] = ("input", "reconstruction"),
):
    """Two rows: ``n`` inputs above their reconstructions."""
    a, b = _as_images(originals, "originals")[:n], _as_images(reconstructions, "reconstructions")[:n]
    if a.shape != b.shape:
        raise ValueError(f"originals and reconstructions differ in shape: {a.shape} vs {b.shape}")
    return plot_image_grid(np.concatenate([a, b]), ncols=len(a), title=title, row_labels=list(labels))


def plot_latent_scatter(
    z, labels, title: str = "Latent space", class_names: Sequence[str] | None = None, dims: tuple[int, int] = (0, 1)
):
    """Scatter of two latent dimensions coloured by label (use t-SNE/PCA first for d > 2)."""
    z = as_float_array(z, "z")
    labels = np.asarray(labels)
    if len(labels) != len(z):
        raise ValueError(f"z has {len(z)} rows but labels has {len(labels)}")
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    sc = ax.scatter(z[:, dims[0]], z[:, dims[1]], c=labels, cmap="tab10", s=6, alpha=0.8)
    ticks = np.unique(labels)
    cbar = fig.colorbar(sc, ax=ax, ticks=ticks)
    if class_names is not None:
        cbar.ax.set_yticklabels([class_names[int(t)] for t in ticks])
    cbar.set_label("class")
    ax.set_xlabel(f"z[{dims[0]}]")
    ax.set_ylabel(f"z[{dims[1]}]")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_latent_manifold(
    decode: Callable[[np.ndarray], np.ndarray], n: int = 15, quantile: float = 0.95, title: str = "Decoded latent grid"
):
    """Decode an ``n x n`` grid over a 2-D prior (quantiles of N(0,1)) into one big image."""
    z = prior_grid(n, quantile)
    imgs = _as_images(decode(z), "decoded")
    h, w = imgs.shape[1:3]
    canvas = imgs.reshape(n, n, h, w).transpose(0, 2, 1, 3).reshape(n * h, n * w)
    fig, ax = plt.subplots(figsize=(7, 7))
    lo, hi = float(z[:, 0].min()), float(z[:, 0].max())
    ax.imshow(canvas, cmap="gray", extent=(lo, hi, lo, hi))
    ax.set_xlabel("z[0]")
    ax.set_ylabel("z[1]")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_latent_slice(
    model,
    dims: tuple[int, int] = (0, 1),
    n: int = 7,
    limit: float = 3.0,
    temperatures: float | Sequence[float] = 1.0,
    base=None,
    title: str = "Decoded latent grid",
):
    """Decode an ``n x n`` grid along two latent coordinates of a VAE: the static companion of
    :func:`vae_helpers.latent_explorer` (what its two sliders for ``dims`` show, laid out as a grid).

    Coordinate ``dims[0]`` runs from ``-limit`` to ``+limit`` prior standard deviations left to right, ``dims[1]``
    bottom to top; the other coordinates stay at ``base`` (default 0, the prior's centre). One panel per temperature
    τ in ``temperatures``: the whole point is scaled by τ (``z = τ s``), so the tick labels show the decoded ``z``.
    """
    check_standard_prior_vae(model)
    dims = check_latent_dims(dims, model.latent_dim)
    if len(dims) != 2:
        raise ValueError(f"dims must name two latent coordinates (the grid's columns and rows), got {dims}")
    temps = [temperatures] if np.ndim(temperatures) == 0 else list(temperatures)
    if not temps:
        raise ValueError("temperatures is empty: give at least one temperature")
    temps = [check_non_negative(t, "temperature") for t in temps]
    fig, axes = plt.subplots(1, len(temps), figsize=(5.6 * len(temps), 5.9), squeeze=False)
    for ax, t in zip(axes[0], temps):
        z = latent_slice(model.latent_dim, dims, n=n, limit=limit, temperature=t, base=base)
        imgs = _as_images(model.decode(z), "decoded")
        h, w = imgs.shape[1:3]
        canvas = imgs.reshape(n, n, h, w, *imgs.shape[3:]).swapaxes(1, 2).reshape(n * h, n * w, *imgs.shape[3:])
        ax.imshow(np.clip(canvas, 0, 1), cmap="gray", vmin=0, vmax=1, extent=(-0.5, n - 0.5, -0.5, n - 0.5))
        ticks = np.linspace(-limit, limit, n) * t
        ax.set_xticks(range(n), [f"{v:+.2g}" for v in ticks])
        ax.set_yticks(range(n), [f"{v:+.2g}" for v in ticks])
        ax.set_xlabel(f"z[{dims[0]}] (prior standard deviations)")
        ax.set_ylabel(f"z[{dims[1]}] (prior standard deviations)")
        ax.set_title(f"τ = {t:g}" if len(temps) > 1 or t != 1 else "")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_interpolation(rows, row_labels: Sequence[str] | None = None, title: str = "Latent interpolation"):
    """Each entry of ``rows`` is a strip of images ``(steps, H, W[, 1])`` shown left to right."""
    strips = [_as_images(r, "rows") for r in rows]
    steps = len(strips[0])
    if any(len(s) != steps for s in strips):
        raise ValueError("every interpolation strip must have the same number of steps")
    return plot_image_grid(np.concatenate(strips), ncols=steps, title=title, row_labels=row_labels)


def plot_training_curves(
    history: dict[str, list[float]],
    keys: Sequence[str] | None = None,
    title: str = "Training curves",
    ylabel: str = "nats per example",
):
    """Plot per-epoch values from a history dict (``TrainingRun.history`` or ``History.history``)."""
    keys = list(keys or [k for k in history if not k.startswith("val_")])
    missing = [k for k in keys if k not in history]
    if missing:
        raise KeyError(f"history has no {missing}; available: {sorted(history)}")
    fig, axes = plt.subplots(1, len(keys), figsize=(4.2 * len(keys), 3.4), squeeze=False)
    for ax, key in zip(axes[0], keys):
        epochs = np.arange(1, len(history[key]) + 1)
        ax.plot(epochs, history[key], label="train")
        if f"val_{key}" in history:
            ax.plot(epochs, history[f"val_{key}"], label="validation")
        ax.set_title(key)
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    return fig
