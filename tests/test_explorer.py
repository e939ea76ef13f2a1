"""The interactive latent explorer (ipywidgets) and its static companion figure."""

import importlib.util
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import vae_helpers as vh  # noqa: E402

pytest.importorskip("ipywidgets")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def trained_vae():
    """A tiny VAE trained for two epochs on 8x8 digits: decodes differ visibly across the latent space."""
    vh.set_seed(0)
    data = vh.load_digits()
    model = vh.VAE(vh.build_mlp_encoder((8, 8, 1), latent_dim=3, hidden=(32,)), vh.build_mlp_decoder(3, (8, 8, 1)))
    vh.train(model, data.x_train, epochs=2, batch_size=64, print_every=None)
    return model


def test_explorer_builds_with_a_slider_per_coordinate_and_a_temperature(tiny_vae):
    ex = vh.latent_explorer(tiny_vae)
    assert [s.description for s in ex.sliders] == ["z[0]", "z[1]", "z[2]"]
    assert all(s.min == -3 and s.max == 3 and s.value == 0 for s in ex.sliders)
    assert ex.temperature is not None and ex.temperature.value == 1.0
    assert ex.decoded.shape == (8, 8) and ex.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    np.testing.assert_array_equal(ex.z, np.zeros(3))
    # the two-slider explorer without temperature; the image is scaled up for the classroom
    small = vh.latent_explorer(tiny_vae, dims=[2, 0], temperature=False, scale=5)
    assert [s.description for s in small.sliders] == ["z[2]", "z[0]"] and small.temperature is None
    from PIL import Image

    assert Image.open(io.BytesIO(small.image.value)).size == (40, 40)


def test_moving_a_slider_redraws_the_image(trained_vae):
    ex = vh.latent_explorer(trained_vae, dims=(0, 1))
    before, png = ex.decoded.copy(), ex.image.value
    ex.sliders[0].value = 2.5  # what the browser does: the observer decodes again
    np.testing.assert_allclose(ex.z, [2.5, 0.0, 0.0])
    assert np.abs(ex.decoded - before).max() > 0.05
    assert ex.image.value != png
    np.testing.assert_allclose(ex.decoded, trained_vae.decode(np.array([[2.5, 0.0, 0.0]]))[0, ..., 0], atol=1e-6)
    assert "z[0] = +2.50" in ex.readout.value


def test_temperature_scales_the_code_and_zero_decodes_the_origin(trained_vae):
    ex = vh.latent_explorer(trained_vae, base=[0.0, 0.0, 1.5])
    ex.set(values=[2.0, -1.0, 1.5], temperature=0.5)
    np.testing.assert_allclose(ex.z, [1.0, -0.5, 0.75])
    origin = trained_vae.decode(np.zeros((1, 3)))[0, ..., 0]
    ex.set(temperature=0.0)
    np.testing.assert_array_equal(ex.z, np.zeros(3))
    np.testing.assert_allclose(ex.decoded, origin, atol=1e-6)
    # coordinates without a slider stay at base (scaled by the temperature like the rest)
    part = vh.latent_explorer(trained_vae, dims=[0], base=[0.0, 0.0, 1.5], temperature=False)
    np.testing.assert_allclose(part.z, [0.0, 0.0, 1.5])


def test_explorer_shows_a_note_where_no_kernel_runs(tiny_vae):
    bundle = vh.latent_explorer(tiny_vae)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "run this cell in JupyterLab" in bundle["text/plain"]


def test_explorer_rejects_bad_input(tiny_vae):
    with pytest.raises(TypeError, match="model must be a vae_helpers.VAE"):
        vh.latent_explorer(tiny_vae.decoder)
    with pytest.raises(TypeError, match="model must be"):
        vh.latent_explorer(vh.Autoencoder(tiny_vae.encoder, tiny_vae.decoder))
    with pytest.raises(ValueError, match="outside the latent space"):
        vh.latent_explorer(tiny_vae, dims=[0, 3])
    with pytest.raises(ValueError, match="repeats"):
        vh.latent_explorer(tiny_vae, dims=[1, 1])
    with pytest.raises(ValueError, match="empty"):
        vh.latent_explorer(tiny_vae, dims=[])
    with pytest.raises(TypeError, match="ints"):
        vh.latent_explorer(tiny_vae, dims=[0.5])
    with pytest.raises(TypeError, match="sequence"):
        vh.latent_explorer(tiny_vae, dims=2)
    with pytest.raises(TypeError, match="True or False"):
        vh.latent_explorer(tiny_vae, temperature=0.5)
    with pytest.raises(ValueError, match="> 0"):
        vh.latent_explorer(tiny_vae, limit=0)
    with pytest.raises(ValueError, match="one value per latent coordinate"):
        vh.latent_explorer(tiny_vae, base=[0.0, 1.0])
    with pytest.raises(ValueError, match="outside -limit"):
        vh.latent_explorer(tiny_vae, base=[5.0, 0.0, 0.0])
    ex = vh.latent_explorer(tiny_vae, temperature=False)
    with pytest.raises(ValueError, match="3 numbers"):
        ex.set(values=[1.0])
    with pytest.raises(ValueError, match="no temperature slider"):
        ex.set(temperature=0.5)


def test_explorer_rejects_conditional_and_learned_prior_models(tiny_vae):
    prior = vh.core.MixturePriorVAE(tiny_vae.encoder, tiny_vae.decoder, n_components=2)
    with pytest.raises(ValueError, match="learned prior"):
        vh.latent_explorer(prior)
    with pytest.raises(ValueError, match="learned prior"):
        vh.plots.plot_latent_slice(prior)


def test_latent_slice_grid_layout():
    z = vh.latent_slice(4, dims=(2, 0), n=3, limit=2.0, base=[0.0, 0.0, 0.0, 1.0])
    assert z.shape == (9, 4)
    np.testing.assert_allclose(z[:3, 2], [-2, 0, 2])  # columns: dims[0] left to right
    np.testing.assert_allclose(z[::3, 0], [2, 0, -2])  # rows: dims[1] top to bottom
    np.testing.assert_allclose(z[:, 1], 0.0)
    np.testing.assert_allclose(z[:, 3], 1.0)  # the other coordinates stay at base
    np.testing.assert_allclose(vh.latent_slice(4, n=3, temperature=0.5), 0.5 * vh.latent_slice(4, n=3))
    np.testing.assert_allclose(vh.latent_slice(4, n=3, temperature=0.0), 0.0)
    with pytest.raises(ValueError, match="two latent coordinates"):
        vh.latent_slice(4, dims=(0, 1, 2))
    with pytest.raises(ValueError, match=">= 2"):
        vh.latent_slice(4, n=1)


def test_static_figure_has_a_panel_per_temperature_with_labels(trained_vae):
    fig = vh.plots.plot_latent_slice(trained_vae, dims=(2, 1), n=5, temperatures=(1.0, 0.5), title="grid")
    assert fig._suptitle.get_text() == "grid"
    assert len(fig.axes) == 2 and [ax.get_title() for ax in fig.axes] == ["τ = 1", "τ = 0.5"]
    for ax, tau in zip(fig.axes, (1.0, 0.5)):
        assert ax.get_xlabel() == "z[2] (prior standard deviations)"
        assert ax.get_ylabel() == "z[1] (prior standard deviations)"
        labels = [t.get_text() for t in ax.get_xticklabels()]
        assert len(labels) == 5 and float(labels[0]) == -3 * tau and float(labels[-1]) == 3 * tau
        canvas = ax.get_images()[0].get_array()
        assert canvas.shape == (40, 40)
    # the grid's centre panel is the decode of z = 0, its top-left corner z[2] = -3, z[1] = +3
    canvas = np.asarray(fig.axes[0].get_images()[0].get_array())
    np.testing.assert_allclose(canvas[16:24, 16:24], trained_vae.decode(np.zeros((1, 3)))[0, ..., 0], atol=1e-6)
    corner = trained_vae.decode(np.array([[0.0, 3.0, -3.0]]))[0, ..., 0]
    np.testing.assert_allclose(canvas[:8, :8], corner, atol=1e-6)
    plt.close(fig)
    one = vh.plots.plot_latent_slice(trained_vae, n=3)
    assert len(one.axes) == 1 and one.axes[0].get_title() == ""
    plt.close(one)


def test_static_figure_rejects_bad_input(tiny_vae):
    with pytest.raises(TypeError, match="model must be"):
        vh.plots.plot_latent_slice(lambda z: z)
    with pytest.raises(ValueError, match="two latent coordinates"):
        vh.plots.plot_latent_slice(tiny_vae, dims=(0,))
    with pytest.raises(ValueError, match="outside the latent space"):
        vh.plots.plot_latent_slice(tiny_vae, dims=(0, 7))
    with pytest.raises(ValueError, match="temperatures is empty"):
        vh.plots.plot_latent_slice(tiny_vae, temperatures=[])
    with pytest.raises(ValueError, match=">= 0"):
        vh.plots.plot_latent_slice(tiny_vae, temperatures=[-1.0])


def test_executed_notebooks_keep_only_the_widget_text_fallback():
    """tools/run_notebooks.py stores no widget state (the site would load a widget manager from a CDN) and keeps
    the explorer's plain-text note instead of a view of a model that no page has."""
    spec = importlib.util.spec_from_file_location("run_notebooks", ROOT / "tools" / "run_notebooks.py")
    run_notebooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_notebooks)
    view = {"version_major": 2, "version_minor": 0, "model_id": "abc"}
    nb = nbformat.v4.new_notebook(metadata={"widgets": {"application/vnd.jupyter.widget-state+json": {}}})
    nb.cells = [
        nbformat.v4.new_code_cell(
            "explorer",
            outputs=[
                nbformat.v4.new_output(
                    "execute_result",
                    {"text/plain": "Latent explorer", run_notebooks.WIDGET_VIEW: view},
                    execution_count=1,
                )
            ],
        ),
        nbformat.v4.new_markdown_cell("text"),
    ]
    assert run_notebooks.drop_widget_views(nb) == 1
    assert nb.cells[0].outputs[0]["data"] == {"text/plain": "Latent explorer"}
    assert "widgets" not in nb.metadata
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        committed = nbformat.read(path, as_version=4)
        assert "widgets" not in committed.metadata, f"{path.name} carries widget state"
        assert not any(
            run_notebooks.WIDGET_VIEW in o.get("data", {})
            for c in committed.cells
            if c.cell_type == "code"
            for o in c.get("outputs", [])
        ), f"{path.name} carries a widget view"
