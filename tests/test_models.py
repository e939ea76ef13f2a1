import keras
import numpy as np
import pytest

import vae_helpers as vh


def test_builders_shapes():
    x = np.zeros((2, 28, 28, 1), np.float32)
    for enc in (vh.build_mlp_encoder(latent_dim=4), vh.build_conv_encoder(latent_dim=4)):
        mean, log_var = enc(x)
        assert mean.shape == (2, 4) and log_var.shape == (2, 4)
    assert vh.build_conv_encoder(latent_dim=4, variational=False)(x).shape == (2, 4)
    z = np.zeros((2, 4), np.float32)
    for dec in (vh.build_mlp_decoder(4), vh.build_conv_decoder(4)):
        assert dec(z).shape == (2, 28, 28, 1)


@pytest.mark.parametrize("bad", [0, -3])
def test_builders_reject_non_positive_latent_dim(bad):
    with pytest.raises(ValueError, match="latent_dim"):
        vh.build_mlp_encoder(latent_dim=bad)
    with pytest.raises(ValueError, match="latent_dim"):
        vh.build_conv_decoder(latent_dim=bad)


def test_builders_reject_bad_shapes():
    with pytest.raises(TypeError, match="latent_dim"):
        vh.build_mlp_encoder(latent_dim=2.5)
    with pytest.raises(ValueError, match="divisible"):
        vh.build_conv_decoder(2, (30, 30, 1), filters=(32, 16, 8))
    with pytest.raises(TypeError, match="input_shape"):
        vh.build_conv_encoder(input_shape=28)


def test_sampling_layer_statistics_and_gradient_path():
    layer = vh.Sampling(seed=1)
    mu = np.full((20000, 2), 3.0, np.float32)
    lv = np.full((20000, 2), np.log(4.0), np.float32)
    z = keras.ops.convert_to_numpy(layer([mu, lv]))
    assert z.mean() == pytest.approx(3.0, abs=0.05) and z.std() == pytest.approx(2.0, abs=0.05)


def test_vae_rejects_unknown_likelihood_and_bad_beta(tiny_vae):
    with pytest.raises(ValueError, match="unknown likelihood"):
        vh.VAE(tiny_vae.encoder, tiny_vae.decoder, likelihood="laplace")
    with pytest.raises(ValueError, match="beta"):
        vh.VAE(tiny_vae.encoder, tiny_vae.decoder, beta=-1)
    with pytest.raises(ValueError, match="logvar_range"):
        vh.VAE(tiny_vae.encoder, tiny_vae.decoder, logvar_range=(3, -3))
    with pytest.raises(TypeError, match="keras.Model"):
        vh.VAE("encoder", tiny_vae.decoder)


def test_bad_inputs_raise_clear_errors(tiny_vae, images):
    with pytest.raises(ValueError, match="NaN"):
        bad = images.copy()
        bad[3, 2, 2, 0] = np.nan
        vh.train(tiny_vae, bad, epochs=1, print_every=None)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        vh.train(tiny_vae, images * 255.0, epochs=1, print_every=None)
    with pytest.raises(ValueError, match="shape"):
        tiny_vae.encode(np.zeros((4, 28, 28, 1), np.float32))
    with pytest.raises(ValueError, match="shape"):
        tiny_vae.decode(np.zeros((4, 7), np.float32))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        tiny_vae.encode(np.zeros(5, np.float32))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        tiny_vae.fit(images - 0.5, epochs=1, verbose=0)


def test_gaussian_likelihood_accepts_values_outside_unit_interval():
    enc = vh.build_mlp_encoder((6,), latent_dim=2, hidden=(8,))
    dec = vh.build_mlp_decoder(2, (6,), hidden=(8,))
    model = vh.VAE(enc, dec, likelihood="gaussian", obs_sigma=1.0)
    x = np.random.default_rng(0).normal(size=(32, 6)).astype(np.float32) * 3
    run = vh.train(model, x, epochs=2, batch_size=16, print_every=None)
    assert np.isfinite(run.last("loss"))


def test_training_lowers_loss_and_is_finite_at_high_learning_rate(images):
    vh.set_seed(0)
    x = (images > 0.5).astype(np.float32)
    model = vh.VAE(vh.build_mlp_encoder((8, 8, 1), 3, (32,)), vh.build_mlp_decoder(3, (8, 8, 1), (32,)))
    run = vh.train(model, x, x, epochs=15, batch_size=16, learning_rate=1e-2, print_every=None)
    assert all(np.isfinite(v) for v in run.history["loss"])
    assert run.history["loss"][-1] < run.history["loss"][0]
    assert "val_loss" in run.history and run.samples_per_second > 0


def test_logvar_clamp_bounds_posterior(tiny_vae, images):
    tiny_vae.encoder.get_layer("z_log_var").set_weights([np.zeros((16, 3), np.float32), np.full(3, 50.0, np.float32)])
    _, log_var = tiny_vae.encode(images)
    assert log_var.max() == pytest.approx(10.0)


def test_save_load_round_trip_reproduces_outputs(tiny_vae, images, tmp_path):
    vh.train(tiny_vae, images, epochs=1, batch_size=16, print_every=None)
    path = tmp_path / "vae.keras"
    tiny_vae.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, vh.VAE) and loaded.beta == tiny_vae.beta
    np.testing.assert_array_equal(loaded.reconstruct(images), tiny_vae.reconstruct(images))
    np.testing.assert_array_equal(loaded.encode(images)[1], tiny_vae.encode(images)[1])
    np.testing.assert_array_equal(loaded.sample(5, seed=3), tiny_vae.sample(5, seed=3))


def test_autoencoder_train_save_load(images, tmp_path):
    vh.set_seed(0)
    ae = vh.Autoencoder(
        vh.build_mlp_encoder((8, 8, 1), 3, (16,), variational=False), vh.build_mlp_decoder(3, (8, 8, 1), (16,))
    )
    run = vh.train(ae, images, epochs=3, batch_size=16, print_every=None)
    assert run.history["kl_loss"] == [0.0, 0.0, 0.0]
    ae.save(tmp_path / "ae.keras")
    loaded = keras.models.load_model(tmp_path / "ae.keras")
    np.testing.assert_array_equal(loaded.reconstruct(images), ae.reconstruct(images))
    assert ae.encode(images).shape == (64, 3)


def test_seed_makes_training_reproducible(images):
    def run_once():
        vh.set_seed(7)
        model = vh.VAE(vh.build_mlp_encoder((8, 8, 1), 2, (16,)), vh.build_mlp_decoder(2, (8, 8, 1), (16,)))
        vh.train(model, images, epochs=2, batch_size=16, print_every=None)
        return [w.copy() for w in model.get_weights()]

    for a, b in zip(run_once(), run_once()):
        np.testing.assert_array_equal(a, b)


def test_sample_and_decode_shapes(tiny_vae):
    samples = tiny_vae.sample(7, temperature=0.5)
    assert samples.shape == (7, 8, 8, 1) and 0 <= samples.min() and samples.max() <= 1
    with pytest.raises(ValueError, match="n must be > 0"):
        tiny_vae.sample(0)
