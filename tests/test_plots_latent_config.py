import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import vae_helpers as vh  # noqa: E402
from vae_helpers import plots  # noqa: E402


def test_every_plot_returns_a_titled_figure(images):
    z = np.random.default_rng(0).normal(size=(64, 2))
    figs = {
        "grid": plots.plot_image_grid(images[:12], ncols=6, title="grid"),
        "recon": plots.plot_reconstructions(images[:5], images[:5], title="recon"),
        "scatter": plots.plot_latent_scatter(
            z, np.arange(64) % 10, title="scatter", class_names=[str(i) for i in range(10)]
        ),
        "manifold": plots.plot_latent_manifold(lambda zz: np.zeros((len(zz), 8, 8, 1)), n=4, title="manifold"),
        "interp": plots.plot_interpolation([images[:4], images[4:8]], row_labels=["a", "b"], title="interp"),
        "curves": plots.plot_training_curves({"loss": [3, 2, 1], "val_loss": [3, 2.5, 2]}, title="curves"),
    }
    for expected, fig in figs.items():
        assert isinstance(fig, plt.Figure)
        title = fig._suptitle.get_text() if fig._suptitle is not None else fig.axes[0].get_title()
        assert title == expected  # the title passed in, not just any text
        plt.close(fig)


def test_plots_reject_bad_input(images):
    with pytest.raises(ValueError, match="differ in shape"):
        plots.plot_reconstructions(images[:4], images[:3])
    with pytest.raises(ValueError, match="labels"):
        plots.plot_latent_scatter(np.zeros((5, 2)), [1, 2])
    with pytest.raises(KeyError, match="kl_loss"):
        plots.plot_training_curves({"loss": [1.0]}, keys=["kl_loss"])
    with pytest.raises(ValueError, match="must be"):
        plots.plot_image_grid(np.zeros((2, 3, 3, 2)))
    with pytest.raises(ValueError, match="NaN"):
        plots.plot_image_grid(np.full((2, 3, 3), np.nan))


def test_interpolate_linear_and_spherical():
    a, b = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    lin = vh.interpolate(a, b, steps=5)
    assert lin.shape == (5, 2)
    np.testing.assert_allclose(lin[0], a)
    np.testing.assert_allclose(lin[-1], b)
    np.testing.assert_allclose(lin[2], [0.5, 0.5])  # a straight line: the midpoint is inside the unit circle
    sph = vh.interpolate(a, b, steps=5, spherical=True)
    assert sph.shape == (5, 2)
    np.testing.assert_allclose(sph[0], a, atol=1e-6)
    np.testing.assert_allclose(sph[-1], b, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(sph, axis=1), 1.0, atol=1e-6)  # along the arc
    np.testing.assert_allclose(sph[2], [np.sqrt(0.5), np.sqrt(0.5)], atol=1e-6)
    with pytest.raises(ValueError, match="differ in shape"):
        vh.interpolate(a, np.zeros(3))


def test_prior_grid():
    g = vh.prior_grid(5)
    assert g.shape == (25, 2) and g[0, 1] > 0 and g[0, 0] < 0
    with pytest.raises(ValueError, match="quantile"):
        vh.prior_grid(5, quantile=1.5)


def test_mode_switch_and_seed_validation(monkeypatch):
    monkeypatch.setenv("VAE_FAST", "1")
    assert vh.is_fast() and vh.pick(1, 2) == 1 and vh.mode_name() == "fast"
    monkeypatch.setenv("VAE_FAST", "0")
    assert not vh.is_fast() and vh.pick(1, 2) == 2
    with pytest.raises(ValueError, match="non-negative"):
        vh.set_seed(-1)
    with pytest.raises(TypeError, match="int"):
        vh.set_seed("1")
