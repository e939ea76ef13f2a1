"""An interactive latent explorer for the classroom: ipywidgets sliders over latent coordinates (and a
temperature) that redraw the decoded image live in JupyterLab.

``ipywidgets`` comes with the ``lab`` extra (``make lab`` / ``make test`` install it). It is imported when an
explorer is built, not with the package, so ``import vae_helpers`` works without it; building an explorer without
it raises an ``ImportError`` that says what to install. A widget shows nothing on a static page (the course site,
GitHub): pair it with :func:`vae_helpers.plots.plot_latent_slice`, the same decodes drawn as a grid.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np

from vae_helpers._checks import check_latent_dims, check_non_negative, check_positive_int, check_standard_prior_vae
from vae_helpers.latent import latent_base

MAX_SLIDERS = 10  # the default explores every coordinate of a latent space up to this size
STATIC_NOTE = (
    "Latent explorer (interactive): run this cell in JupyterLab to get the sliders; "
    "the static grid above shows the same decodes."
)


def _import_ipywidgets():
    try:
        import ipywidgets
    except ImportError as err:  # pragma: no cover - exercised only without the lab extra
        raise ImportError(
            "the latent explorer needs ipywidgets: pip install -e '.[lab]' (or make lab), "
            "then restart the kernel; vh.plots.plot_latent_slice draws the same decodes as a static figure"
        ) from err
    return ipywidgets


def _png(image: np.ndarray, scale: int) -> bytes:
    """A decoded image in [0, 1] ((H, W), (H, W, 1) or (H, W, 3)) as PNG bytes, each pixel a scale x scale block."""
    from PIL import Image  # Pillow: a matplotlib dependency

    img = np.clip(image, 0.0, 1.0)
    if img.ndim == 3 and img.shape[-1] == 1:
        img = img[..., 0]
    img = np.repeat(np.repeat(img, scale, axis=0), scale, axis=1)
    buf = io.BytesIO()
    Image.fromarray(np.round(255 * img).astype(np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


class LatentExplorer:
    """Sliders over latent coordinates and a temperature, and the image decoded from them.

    Build it with :func:`latent_explorer`. Displaying it (the last line of a cell, or ``display(...)``) shows
    :attr:`widget`; on a page without a kernel only a one-line note is shown. Moving a slider calls
    :meth:`update`, which decodes ``z = temperature * s`` (``s``: the slider values, in prior standard deviations,
    the other coordinates at ``base``) and redraws :attr:`image`. :attr:`z` and :attr:`decoded` hold the current
    code and decoded image (``(H, W)`` for grey images).
    """

    def __init__(
        self,
        model,
        dims: tuple[int, ...],
        temperature: bool,
        limit: float,
        step: float,
        base: np.ndarray,
        scale: int,
        max_temperature: float,
    ) -> None:
        widgets = _import_ipywidgets()
        self.model, self.dims, self.base, self.scale = model, dims, base, scale
        self.sliders = tuple(
            widgets.FloatSlider(
                value=float(base[d]),
                min=-limit,
                max=limit,
                step=step,
                description=f"z[{d}]",
                readout_format="+.2f",
                continuous_update=True,
            )
            for d in dims
        )
        self.temperature = (
            widgets.FloatSlider(value=1.0, min=0.0, max=max_temperature, step=0.05, description="τ")
            if temperature
            else None
        )
        self.image = widgets.Image(format="png")
        self.readout = widgets.HTML()
        controls = list(self.sliders) + ([self.temperature] if self.temperature is not None else [])
        note = widgets.HTML(
            "<small>sliders in prior standard deviations; decoded z = τ · s"
            + ("" if len(dims) == model.latent_dim else ", other coordinates fixed")
            + "</small>"
        )
        self.widget = widgets.HBox(
            [widgets.VBox([*controls, note, self.readout]), self.image], layout=widgets.Layout(align_items="center")
        )
        self.widget.add_class("vae-latent-explorer")
        self.z = np.zeros(model.latent_dim, np.float32)
        self.decoded = np.zeros((0,), np.float32)
        for control in controls:
            control.observe(self._on_change, names="value")
        self.update()

    @property
    def tau(self) -> float:
        """The current temperature (1 when the explorer has no temperature slider)."""
        return 1.0 if self.temperature is None else float(self.temperature.value)

    def _on_change(self, change: dict[str, Any]) -> None:
        self.update()

    def update(self) -> np.ndarray:
        """Decode the code the sliders describe, redraw the image and return the decoded image."""
        s = self.base.copy()
        for d, slider in zip(self.dims, self.sliders):
            s[d] = slider.value
        self.z = (self.tau * s).astype(np.float32)
        decoded = self.model.decode(self.z[None])[0]
        self.decoded = decoded[..., 0] if decoded.ndim == 3 and decoded.shape[-1] == 1 else decoded
        self.image.value = _png(self.decoded, self.scale)
        shown = ", ".join(f"z[{d}] = {self.z[d]:+.2f}" for d in self.dims)
        self.readout.value = f"<code>τ = {self.tau:.2f}: {shown}</code>"
        return self.decoded

    def set(self, values: Sequence[float] | None = None, temperature: float | None = None) -> np.ndarray:
        """Move the sliders (``values``: one per explored coordinate, in prior standard deviations) and the
        temperature, as a learner would; returns the decoded image."""
        if values is not None:
            values = list(values)
            if len(values) != len(self.sliders):
                raise ValueError(f"values must hold {len(self.sliders)} numbers (one per slider), got {len(values)}")
            for slider, v in zip(self.sliders, values):
                slider.value = float(v)
        if temperature is not None:
            if self.temperature is None:
                raise ValueError("this explorer has no temperature slider (built with temperature=False)")
            self.temperature.value = check_non_negative(temperature, "temperature")
        return self.decoded

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if bundle:  # where no kernel is connected (the site, GitHub) the plain-text fallback is shown
            bundle["text/plain"] = STATIC_NOTE
        return bundle


def latent_explorer(
    model,
    dims: Sequence[int] | None = None,
    temperature: bool = True,
    limit: float = 3.0,
    step: float = 0.1,
    base=None,
    scale: int = 6,
    max_temperature: float = 2.0,
) -> LatentExplorer:
    """An interactive explorer of a trained VAE's latent space, for JupyterLab.

    One slider per latent coordinate in ``dims`` (default: every coordinate, up to the first ten), each from
    ``-limit`` to ``+limit`` prior standard deviations; with ``temperature=True`` a slider τ in
    ``[0, max_temperature]`` scales the whole code (``z = τ s``; τ = 0 decodes ``z = 0``, the prior's centre).
    Coordinates without a slider stay at ``base`` (default 0; e.g. an encoded digit's mean). The decoded image is
    redrawn on every change, ``scale`` screen pixels per image pixel.

    ``model`` must be an unconditional :class:`vae_helpers.VAE` with the standard N(0, I) prior (TypeError for
    anything else that is not a VAE, ValueError for a conditional or learned-prior one). Needs ``ipywidgets`` (the
    ``lab`` extra). For the lesson's static copy draw :func:`vae_helpers.plots.plot_latent_slice`.
    """
    check_standard_prior_vae(model)
    dims = tuple(range(min(model.latent_dim, MAX_SLIDERS))) if dims is None else dims
    dims = check_latent_dims(dims, model.latent_dim)
    limit = check_non_negative(limit, "limit")
    step = check_non_negative(step, "step")
    max_temperature = check_non_negative(max_temperature, "max_temperature")
    if limit == 0 or step == 0 or max_temperature == 0:
        raise ValueError("limit, step and max_temperature must be > 0")
    if not isinstance(temperature, bool):
        raise TypeError(f"temperature must be True or False (show a temperature slider), got {temperature!r}")
    base = latent_base(model.latent_dim, base)
    if np.any(np.abs(base[list(dims)]) > limit):
        raise ValueError(f"base puts a slider outside -limit..+limit (limit={limit:g})")
    return LatentExplorer(
        model, dims, temperature, limit, step, base, check_positive_int(scale, "scale"), max_temperature
    )
