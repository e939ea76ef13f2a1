"""The small DDPM of vae_helpers.diffusion: schedule, Keras training, and a sampler that is exact for an
exact denoiser."""

import keras
import numpy as np
import pytest
from keras import ops

import vae_helpers as vh
from vae_helpers.diffusion import DDPM, build_denoiser, cosine_alpha_bar


def test_cosine_schedule_goes_from_signal_to_noise():
    a = cosine_alpha_bar(100)
    assert a.shape == (100,) and np.all(np.diff(a) < 0)
    assert a[0] > 0.99 and a[-1] < 1e-3


def test_denoiser_shapes_and_errors():
    net = build_denoiser((8, 8, 1), filters=(8, 16))
    out = net([np.zeros((3, 8, 8, 1), np.float32), np.full((3, 1), 0.5, np.float32)])
    assert tuple(out.shape) == (3, 8, 8, 1)
    with pytest.raises(ValueError, match="divisible by 4"):
        build_denoiser((10, 10, 1))


def test_ddpm_trains_through_keras_fit_and_samples_in_range(images):
    vh.set_seed(0)
    model = DDPM(build_denoiser((8, 8, 1), filters=(8, 16)), timesteps=10, seed=0)
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    history = model.fit(images, epochs=8, batch_size=16, verbose=0).history["loss"]
    assert history[-1] < history[0]
    assert int(model.optimizer.iterations.numpy()) == 8 * 4
    samples = model.sample(5, seed=1)
    assert samples.shape == (5, 8, 8, 1) and samples.min() >= 0 and samples.max() <= 1
    np.testing.assert_array_equal(samples, model.sample(5, seed=1))
    with pytest.raises(ValueError, match="shape"):
        model.fit(np.zeros((4, 9, 9, 1), np.float32), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        model.fit(images + 2, epochs=1, verbose=0)


class _ExactDenoiser(keras.Model):
    """The optimal noise prediction when the data is one image x*: eps = (x_t - sqrt(a_t) x*) / sqrt(1 - a_t)."""

    def __init__(self, target, alpha_bar, timesteps):
        super().__init__()
        self.target = ops.convert_to_tensor(2 * target - 1)
        self.alpha_bar = ops.convert_to_tensor(alpha_bar.astype(np.float32))
        self.timesteps = timesteps

    def call(self, inputs):
        x_t, t_frac = inputs
        t = ops.cast(ops.round(ops.convert_to_tensor(t_frac)[:, 0] * self.timesteps), "int32") - 1
        a = ops.reshape(ops.take(self.alpha_bar, t), (-1, 1, 1, 1))
        return (x_t - ops.sqrt(a) * self.target) / ops.sqrt(1.0 - a)


def test_the_sampler_recovers_the_data_with_an_exact_denoiser():
    """With the optimal denoiser for a one-image data set, ancestral sampling must return that image: a check of
    the sampler's algebra (schedule indexing, posterior mean and variance) independent of training."""
    target = np.random.default_rng(0).random((8, 8, 1)).astype(np.float32)
    model = DDPM(build_denoiser((8, 8, 1), filters=(8, 16)), timesteps=20, seed=0)
    model.denoiser = _ExactDenoiser(target, model.alpha_bar, model.timesteps)
    samples = model.sample(4, seed=3)
    np.testing.assert_allclose(samples, np.repeat(target[None], 4, 0), atol=1e-4)
