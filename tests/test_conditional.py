import keras
import numpy as np
import pytest

import vae_helpers as vh
from vae_helpers.core import ConditionalVAE, build_conditional_conv_decoder, build_conditional_conv_encoder, one_hot


@pytest.fixture
def digits():
    rng = np.random.default_rng(0)
    x = rng.random((48, 8, 8, 1)).astype(np.float32)
    return x, rng.integers(0, 4, 48)


def _label_cvae(latent=2):
    vh.set_seed(0)
    return ConditionalVAE(
        build_conditional_conv_encoder((8, 8, 1), (4,), latent, filters=(8,), dense_units=16),
        build_conditional_conv_decoder(latent, (4,), (8, 8, 1), filters=(8,)),
    )


def _image_cvae(latent=2):
    vh.set_seed(0)
    return ConditionalVAE(
        build_conditional_conv_encoder((8, 8, 1), (4, 4, 1), latent, filters=(8,), dense_units=16),
        build_conditional_conv_decoder(latent, (4, 4, 1), (8, 8, 1), filters=(8, 8)),
    )


def test_shapes_for_vector_and_image_conditions(digits):
    x, y = digits
    for model, c in ((_label_cvae(), one_hot(y, 4)), (_image_cvae(), x[:, ::2, ::2])):
        mean, log_var = model.encode(x, c)
        assert mean.shape == (48, 2) and log_var.shape == (48, 2)
        assert model.decode(mean, c).shape == (48, 8, 8, 1)
        assert model.generate(c[:5]).shape == (5, 8, 8, 1)
        assert model.reconstruct(x, c).shape == x.shape


def test_training_lowers_loss_and_uses_validation(digits):
    x, y = digits
    model = _image_cvae()
    run = vh.train(
        model, x, x, epochs=8, batch_size=16, condition=x[:, ::2, ::2], val_condition=x[:, ::2, ::2], print_every=None
    )
    assert run.history["loss"][-1] < run.history["loss"][0] and "val_loss" in run.history


def test_save_load_round_trip(digits, tmp_path):
    x, y = digits
    model = _label_cvae()
    c = one_hot(y, 4)
    vh.train(model, x, epochs=1, batch_size=16, condition=c, print_every=None)
    model.save(tmp_path / "cvae.keras")
    loaded = keras.models.load_model(tmp_path / "cvae.keras")
    assert isinstance(loaded, ConditionalVAE)
    np.testing.assert_array_equal(loaded.reconstruct(x, c), model.reconstruct(x, c))
    np.testing.assert_array_equal(loaded.generate(c, seed=2), model.generate(c, seed=2))


def test_bad_inputs(digits):
    x, y = digits
    model = _label_cvae()
    with pytest.raises(ValueError, match="needs a condition"):
        model.encode(x)
    with pytest.raises(ValueError, match="rows"):
        vh.train(model, x, epochs=1, condition=one_hot(y[:10], 4), print_every=None)
    with pytest.raises(ValueError, match="shape"):
        model.decode(np.zeros((3, 2), np.float32), np.zeros((3, 5), np.float32))
    bad = one_hot(y, 4)
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        vh.train(model, x, epochs=1, condition=bad, print_every=None)
    with pytest.raises(TypeError, match="generate"):
        model.sample(3)
    with pytest.raises(ValueError, match="latent_dim"):
        build_conditional_conv_encoder(latent_dim=0)
    with pytest.raises(ValueError, match="labels must lie"):
        one_hot([0, 5], 4)
    plain = vh.VAE(vh.build_mlp_encoder((8, 8, 1), 2, (8,)), vh.build_mlp_decoder(2, (8, 8, 1), (8,)))
    with pytest.raises(TypeError, match="takes no condition"):
        vh.train(plain, x, epochs=1, condition=one_hot(y, 4), print_every=None)


def test_likelihood_bounds_take_the_condition(digits):
    # evaluate_elbo samples z as a tensor and passes the condition as NumPy: the model must accept the mix
    x, y = digits
    model, c = _label_cvae(), one_hot(y, 4)
    res = vh.evaluate_elbo(model, x, condition=c)
    assert np.isfinite(res["elbo"]) and res["elbo"] == pytest.approx(-(res["reconstruction"] + res["kl"]))
    assert np.isfinite(vh.iwae_log_likelihood(model, x[:8], k=4, condition=c[:8]))
    with pytest.raises(ValueError, match="condition"):
        vh.evaluate_elbo(model, x)
