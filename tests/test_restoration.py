import numpy as np
import pytest
from scipy import ndimage

import vae_helpers as vh
from vae_helpers.core import ConditionalVAE, build_conditional_conv_decoder, build_conditional_conv_encoder


@pytest.fixture
def smooth():
    """Eight smooth 16x16 images in [0.2, 0.8] (a denoiser has something to recover)."""
    rng = np.random.default_rng(0)
    x = ndimage.gaussian_filter(rng.random((8, 16, 16, 1)), sigma=(0, 2, 2, 0))
    x = (x - x.min()) / (x.max() - x.min())
    return (0.2 + 0.6 * x).astype(np.float32)


def test_gaussian_noise_level_seed_and_clip(smooth):
    noisy = vh.images.add_gaussian_noise(smooth, 0.1, seed=1, clip=False)
    assert noisy.dtype == np.float32 and noisy.shape == smooth.shape
    assert np.std(noisy - smooth) == pytest.approx(0.1, rel=0.1)
    assert np.array_equal(noisy, vh.images.add_gaussian_noise(smooth, 0.1, seed=1, clip=False))
    assert not np.array_equal(noisy, vh.images.add_gaussian_noise(smooth, 0.1, seed=2, clip=False))
    clipped = vh.images.add_gaussian_noise(smooth, 1.0)
    assert clipped.min() >= 0 and clipped.max() <= 1
    assert np.array_equal(vh.images.add_gaussian_noise(smooth, 0.0), smooth)


def test_gaussian_noise_per_image_sigma(smooth):
    sig = np.array([0.0] * 4 + [0.2] * 4)
    noisy = vh.images.add_gaussian_noise(smooth, sig, clip=False)
    assert np.array_equal(noisy[:4], smooth[:4])
    assert np.std(noisy[4:] - smooth[4:]) == pytest.approx(0.2, rel=0.15)
    with pytest.raises(ValueError, match="shape"):
        vh.images.add_gaussian_noise(smooth, np.ones(3))
    with pytest.raises(ValueError):
        vh.images.add_gaussian_noise(smooth, -0.1)
    with pytest.raises(TypeError):
        vh.images.add_gaussian_noise(smooth, 0.1, seed=1.5)


def test_salt_and_pepper(smooth):
    out = vh.images.salt_and_pepper(smooth, 0.3, seed=0)
    changed = out != smooth
    assert changed.mean() == pytest.approx(0.3, abs=0.05)
    assert set(np.unique(out[changed])) <= {0.0, 1.0}
    assert np.all(vh.images.salt_and_pepper(smooth, 1.0, salt_ratio=1.0) == 1.0)
    assert np.array_equal(vh.images.salt_and_pepper(smooth, 0.0), smooth)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        vh.images.salt_and_pepper(smooth, 1.5)


def test_random_mask_kinds():
    sq = vh.images.random_mask(20, (28, 28, 1), "square", size=10, seed=0)
    assert sq.shape == (20, 28, 28, 1) and sq.dtype == np.float32
    assert np.all(sq.sum(axis=(1, 2, 3)) == 100)
    # each hole is one 10x10 square, at positions that vary from image to image and repeat for a seed
    rows, cols = np.nonzero(sq[0, ..., 0])
    assert np.ptp(rows) == np.ptp(cols) == 9
    assert len({m.tobytes() for m in sq}) >= 10
    np.testing.assert_array_equal(sq, vh.images.random_mask(20, (28, 28, 1), "square", size=10, seed=0))
    low = vh.images.random_mask(3, (28, 28), "lower_half")
    assert low[:, 14:].all() and not low[:, :14].any()
    for kind, hole in (
        ("upper_half", (slice(None), slice(0, 3))),
        ("left_half", (slice(None), slice(None), slice(0, 3))),
        ("right_half", (slice(None), slice(None), slice(3, 6))),
    ):
        mask = vh.images.random_mask(2, (6, 6), kind)
        assert mask[hole].all() and mask.sum() == 2 * 18, kind  # the half is masked, nothing else
    with pytest.raises(ValueError, match="unknown mask kind"):
        vh.images.random_mask(2, (6, 6), "circle")
    with pytest.raises(ValueError, match="does not fit"):
        vh.images.random_mask(2, (6, 6), size=7)
    with pytest.raises(TypeError):
        vh.images.random_mask(2, 28)
    with pytest.raises(ValueError):
        vh.images.random_mask(0, (6, 6))


def test_apply_mask_and_region_means(smooth):
    mask = vh.images.random_mask(len(smooth), smooth.shape[1:], size=6, seed=3)
    holed = vh.images.apply_mask(smooth, mask, fill=0.0)
    assert np.all(holed[mask == 1] == 0) and np.array_equal(holed[mask == 0], smooth[mask == 0])
    inside, outside = vh.images.region_means(mask * 2.0 + 1.0, mask)
    assert inside == pytest.approx(3.0) and outside == pytest.approx(1.0)
    with pytest.raises(ValueError, match="0 .observed. and 1"):
        vh.images.apply_mask(smooth, mask * 0.5)
    with pytest.raises(ValueError, match="differs"):
        vh.images.apply_mask(smooth, mask[:, :8])
    with pytest.raises(ValueError, match="both"):
        vh.images.region_means(smooth, np.zeros_like(smooth))


def test_median_denoise_removes_impulses(smooth):
    noisy = vh.images.salt_and_pepper(smooth, 0.05, seed=0)
    den = vh.images.median_denoise(noisy, 3)
    assert den.shape == smooth.shape
    assert vh.images.psnr(smooth, den).mean() > vh.images.psnr(smooth, noisy).mean() + 5
    # images are filtered independently: a constant image stays constant next to a noisy one
    pair = np.stack([np.full((16, 16), 0.3), np.random.default_rng(0).random((16, 16))]).astype(np.float32)
    assert np.allclose(vh.images.median_denoise(pair, 3)[0], 0.3)
    with pytest.raises(TypeError):
        vh.images.median_denoise(smooth, 2.5)


def test_psnr_and_ssim(smooth):
    noisy = vh.images.add_gaussian_noise(smooth, 0.1, clip=False)
    p = vh.images.psnr(smooth, noisy)
    assert p.shape == (8,)
    assert p.mean() == pytest.approx(20.0, abs=1.0)  # MSE = sigma^2 = 0.01 -> 20 dB
    assert np.all(vh.images.psnr(smooth, smooth) == 100.0)
    s_clean, s_noisy = vh.images.ssim(smooth, smooth), vh.images.ssim(smooth, noisy)
    assert np.allclose(s_clean, 1.0) and np.all(s_noisy < 0.9)
    assert np.allclose(vh.images.ssim(smooth[..., 0], noisy[..., 0]), s_noisy)
    with pytest.raises(ValueError, match="same shape"):
        vh.images.psnr(smooth, smooth[:4])
    with pytest.raises(ValueError, match="7x7"):
        vh.images.ssim(smooth[:, :5, :5], smooth[:, :5, :5])
    with pytest.raises(ValueError, match="NaN"):
        vh.images.psnr(smooth, np.full_like(smooth, np.nan))


def test_sample_restorations_shapes_and_spread(smooth):
    vh.set_seed(0)
    cvae = ConditionalVAE(
        build_conditional_conv_encoder((16, 16, 1), (16, 16, 2), 3, filters=(8,), dense_units=16),
        build_conditional_conv_decoder(3, (16, 16, 2), (16, 16, 1), filters=(8,)),
    )
    mask = vh.images.random_mask(len(smooth), (16, 16, 1), size=6)
    cond = np.concatenate([vh.images.apply_mask(smooth, mask), mask], axis=-1)
    samples = vh.images.sample_restorations(cvae, cond, n_samples=5, seed=0)
    assert samples.shape == (5, 8, 16, 16, 1)
    assert np.all((samples >= 0) & (samples <= 1))
    assert np.array_equal(samples, vh.images.sample_restorations(cvae, cond, n_samples=5, seed=0))
    assert samples.std(axis=0).max() > 1e-3  # the samples differ (latent draws), unlike temperature 0 below
    assert np.allclose(
        vh.images.sample_restorations(cvae, cond, n_samples=3, temperature=0.0).std(axis=0), 0.0, atol=1e-6
    )
    with pytest.raises(TypeError, match="ConditionalVAE"):
        vh.images.sample_restorations(
            vh.VAE(vh.build_mlp_encoder((16, 16, 1), 2), vh.build_mlp_decoder(2, (16, 16, 1))), cond
        )
    with pytest.raises(ValueError, match="shape"):
        vh.images.sample_restorations(cvae, cond[..., :1])
