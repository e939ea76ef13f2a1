import keras
import numpy as np
import pytest

import vae_helpers as vh
from vae_helpers.gan import GAN, build_gan_discriminator, build_gan_generator


@pytest.fixture
def tiny_gan():
    vh.set_seed(0)
    return GAN(
        build_gan_generator(4, (8, 8, 1), filters=(8,)), build_gan_discriminator((8, 8, 1), filters=(8,)), seed=0
    )


@pytest.fixture
def bar_images():
    """256 copies of one 8x8 image (a bright bar): a distribution a GAN can match in seconds."""
    target = np.zeros((8, 8, 1), np.float32)
    target[2:6, 1:7] = 1.0
    return target, np.repeat(target[None], 256, axis=0)


def test_builder_shapes_and_ranges():
    gen, disc = build_gan_generator(16), build_gan_discriminator()
    z = np.random.default_rng(0).normal(size=(5, 16)).astype(np.float32)
    x = keras.ops.convert_to_numpy(gen(z))
    assert x.shape == (5, 28, 28, 1) and x.min() >= 0.0 and x.max() <= 1.0
    assert disc(x).shape == (5, 1)
    assert build_gan_generator(3, (16, 8, 3), filters=(4, 4))(z[:, :3]).shape == (5, 16, 8, 3)


def test_generator_batch_norm_option():
    plain, bn = (
        build_gan_generator(4, (8, 8, 1), filters=(8,)),
        build_gan_generator(4, (8, 8, 1), filters=(8,), batch_norm=True),
    )
    kinds = [type(layer).__name__ for layer in bn.layers]
    assert kinds.count("BatchNormalization") == 2 and "BatchNormalization" not in [
        type(layer).__name__ for layer in plain.layers
    ]
    x = keras.ops.convert_to_numpy(bn(np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32), training=True))
    assert x.shape == (6, 8, 8, 1) and x.min() >= 0.0 and x.max() <= 1.0
    with pytest.raises(TypeError, match="batch_norm"):
        build_gan_generator(4, (8, 8, 1), filters=(8,), batch_norm=1)


@pytest.mark.parametrize("bad", [0, -2])
def test_builders_reject_non_positive_latent_dim(bad):
    with pytest.raises(ValueError, match="latent_dim"):
        build_gan_generator(bad)


def test_builders_reject_bad_shapes():
    with pytest.raises(TypeError, match="latent_dim"):
        build_gan_generator(2.5)
    with pytest.raises(ValueError, match="divisible"):
        build_gan_generator(4, (30, 30, 1), filters=(8, 8))
    with pytest.raises(TypeError, match="input_shape"):
        build_gan_discriminator(28)
    with pytest.raises(ValueError, match="dropout"):
        build_gan_discriminator(dropout=1.0)


def test_gan_rejects_mismatched_networks(tiny_gan):
    with pytest.raises(TypeError, match="keras.Model"):
        GAN("generator", tiny_gan.discriminator)
    with pytest.raises(ValueError, match="discriminator expects"):
        GAN(tiny_gan.generator, build_gan_discriminator((28, 28, 1)))
    with pytest.raises(ValueError, match="seed"):
        GAN(tiny_gan.generator, tiny_gan.discriminator, seed=-1)
    with pytest.raises(TypeError, match="optimizer"):
        tiny_gan.compile(d_optimizer="adam")


def test_fit_rejects_bad_images(tiny_gan, bar_images):
    _, x = bar_images
    bad = x.copy()
    bad[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        tiny_gan.fit(bad, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        tiny_gan.fit(x * 255.0, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="per-example shape"):
        tiny_gan.fit(np.zeros((4, 28, 28, 1), np.float32), epochs=1, verbose=0)


def test_sample_shapes_and_determinism(tiny_gan):
    a, b = tiny_gan.sample(6, seed=3), tiny_gan.sample(6, seed=3)
    assert a.shape == (6, 8, 8, 1) and np.array_equal(a, b)
    assert not np.array_equal(a, tiny_gan.sample(6, seed=4))
    with pytest.raises(ValueError, match="n"):
        tiny_gan.sample(0)


def test_short_training_learns_the_data(tiny_gan, bar_images):
    """On a one-image distribution the generator must move its samples onto that image, and the
    discriminator loss must end near log 4 (it can no longer tell real from fake)."""
    target, x = bar_images
    before = float(np.abs(tiny_gan.sample(64) - target).mean())
    tiny_gan.compile(keras.optimizers.Adam(1e-2, beta_1=0.5), keras.optimizers.Adam(1e-2, beta_1=0.5))
    hist = tiny_gan.fit(x, epochs=10, batch_size=32, verbose=0).history
    after = float(np.abs(tiny_gan.sample(64) - target).mean())
    assert set(hist) >= {"d_loss", "g_loss"} and len(hist["d_loss"]) == 10
    assert before > 0.3 and after < 0.1 * before, (before, after)
    assert hist["d_loss"][-1] == pytest.approx(np.log(4.0), abs=0.15)


def test_fit_compiles_with_defaults(tiny_gan, bar_images):
    _, x = bar_images
    hist = tiny_gan.fit(x[:64], epochs=1, batch_size=32, verbose=0).history
    assert np.isfinite(hist["d_loss"][0]) and np.isfinite(hist["g_loss"][0])
    assert isinstance(tiny_gan.d_optimizer, keras.optimizers.Adam)


def test_save_load_round_trip(tiny_gan, bar_images, tmp_path):
    _, x = bar_images
    tiny_gan.fit(x[:64], epochs=1, batch_size=32, verbose=0)
    path = tmp_path / "gan.keras"
    tiny_gan.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, GAN) and loaded.latent_dim == tiny_gan.latent_dim and loaded.seed == 0
    z = np.random.default_rng(1).normal(size=(7, 4)).astype(np.float32)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(loaded.generator(z)), keras.ops.convert_to_numpy(tiny_gan.generator(z))
    )
    np.testing.assert_array_equal(loaded.sample(5, seed=2), tiny_gan.sample(5, seed=2))
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(loaded.discriminator(x[:3])),
        keras.ops.convert_to_numpy(tiny_gan.discriminator(x[:3])),
    )
