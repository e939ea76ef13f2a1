import numpy as np
import pytest

from vae_helpers.images import (
    consistency_error,
    downsample,
    edge_mask,
    format_metric_table,
    psnr_ssim,
    psnr_ssim_table,
    random_patches,
    sample_spread,
    to_grey,
    upsample_baseline,
)


@pytest.fixture
def images():
    rng = np.random.default_rng(0)
    return rng.random((6, 16, 16, 1)).astype(np.float32)


def test_downsample_is_block_mean_and_keeps_layout(images):
    low = downsample(images, 2)
    assert low.shape == (6, 8, 8, 1)
    np.testing.assert_allclose(low[0, 0, 0, 0], images[0, :2, :2, 0].mean(), rtol=1e-6)
    assert downsample(images[..., 0], 4).shape == (6, 4, 4)
    const = np.full((2, 8, 8, 1), 0.3, np.float32)
    np.testing.assert_allclose(downsample(const, 4), 0.3, rtol=1e-6)


def test_downsample_rejects_bad_input(images):
    with pytest.raises(ValueError, match="divisible"):
        downsample(images, 3)
    with pytest.raises(ValueError, match=">= 2"):
        downsample(images, 1)
    with pytest.raises(TypeError):
        downsample(images, 2.0)
    with pytest.raises(ValueError, match="shape"):
        downsample(images[0, 0], 2)
    with pytest.raises(ValueError, match="NaN"):
        downsample(np.full((1, 4, 4), np.nan), 2)


def test_upsample_baselines(images):
    low = downsample(images, 2)
    for method in ("nearest", "bilinear", "bicubic"):
        up = upsample_baseline(low, 2, method)
        assert up.shape == images.shape and up.dtype == np.float32
        assert up.min() >= low.min() - 1e-6 and up.max() <= low.max() + 1e-6  # clipped to the input range
    # nearest upsampling of a block mean is exactly consistent with it
    np.testing.assert_allclose(downsample(upsample_baseline(low, 2, "nearest"), 2), low, atol=1e-6)
    assert upsample_baseline(low[..., 0], 2).shape == (6, 16, 16)
    with pytest.raises(ValueError, match="method"):
        upsample_baseline(low, 2, "lanczos")


def test_psnr_ssim_values(images):
    psnr, ssim = psnr_ssim(images, images)
    assert np.all(psnr == 100.0) and np.allclose(ssim, 1.0)
    noisy = np.clip(images + 0.1, 0, 1)
    psnr, ssim = psnr_ssim(images, noisy)
    mse = np.mean((images - noisy) ** 2, axis=(1, 2, 3))
    np.testing.assert_allclose(psnr, 10 * np.log10(1 / mse), rtol=1e-4)
    assert np.all(ssim < 1)
    with pytest.raises(ValueError, match="same shape"):
        psnr_ssim(images, images[:2])
    with pytest.raises(ValueError, match="data_range"):
        psnr_ssim(images, images, data_range=0)
    with pytest.raises(ValueError, match="7x7"):
        psnr_ssim(images[:, :4, :4], images[:, :4, :4])


def test_table_orders_methods_and_formats(images):
    low = downsample(images, 2)
    table = psnr_ssim_table(images, {"nearest": upsample_baseline(low, 2, "nearest"), "exact": images})
    assert list(table) == ["nearest", "exact"] and table["exact"]["psnr"] > table["nearest"]["psnr"]
    text = format_metric_table(table, sort_by="psnr")
    assert text.splitlines()[1].startswith("exact") and "ssim" in text.splitlines()[0]
    with pytest.raises(TypeError):
        psnr_ssim_table(images, {})
    with pytest.raises(ValueError, match="sort_by"):
        format_metric_table(table, sort_by="fid")


def test_consistency_error(images):
    low = downsample(images, 2)
    assert np.allclose(consistency_error(images, low, 2), 0, atol=1e-6)
    err = consistency_error(np.zeros_like(images), low, 2)
    np.testing.assert_allclose(err, np.sqrt(np.mean(low**2, axis=(1, 2, 3))), rtol=1e-5)
    with pytest.raises(ValueError, match="low_res"):
        consistency_error(images, low[:, :4, :4], 2)


def test_edge_mask_and_sample_spread():
    img = np.zeros((1, 16, 16, 1), np.float32)
    img[:, :, 8:] = 1.0  # one vertical edge
    mask = edge_mask(img, 0.2)
    assert mask.shape == img.shape and mask[0, :, 7:9, 0].all() and not mask[0, :, :4, 0].any()
    rng = np.random.default_rng(1)
    samples = np.repeat(img[None], 5, axis=0) + 0.0
    samples[:, 0, :, 7:9, 0] += rng.normal(0, 0.2, (5, 16, 2))  # samples disagree only on the edge
    spread = sample_spread(samples, img, 0.2)
    assert spread["std"].shape == img.shape
    assert spread["edge_std"] > 0.05 and spread["flat_std"] == 0 and spread["edge_share"] == pytest.approx(1.0)
    same = sample_spread(np.repeat(img[None], 3, axis=0), img)
    assert same["mean_std"] == 0 and same["edge_share"] == 0
    with pytest.raises(ValueError, match="k>=2"):
        sample_spread(img[None], img)
    with pytest.raises(ValueError, match="does not match"):
        sample_spread(samples, img[:, :8, :8])
    with pytest.raises(ValueError, match="fraction"):
        edge_mask(img, 1.5)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_sample_spread_is_finite_when_a_region_is_empty():
    flat = np.full((2, 16, 16), 0.5, np.float32)  # constant reference: no edge pixels at all
    spread = sample_spread(np.stack([flat, flat + 0.1]), flat)
    assert not edge_mask(flat).any()
    assert spread["edge_std"] == 0.0 and spread["edge_share"] == 0.0
    assert spread["flat_std"] == pytest.approx(0.05) == spread["mean_std"]
    # stripes 0,1,1,0,...: the Sobel magnitude is the same at every pixel, so every pixel ties as an edge
    stripes = np.tile(np.array([0, 1, 1, 0] * 4, np.float32), (2, 16, 1))
    spread = sample_spread(np.stack([stripes, 0.5 * stripes]), stripes)
    assert edge_mask(stripes).all()
    assert spread["flat_std"] == 0.0 and spread["edge_share"] == 1.0
    assert spread["edge_std"] == pytest.approx(0.125) == spread["mean_std"]


def test_to_grey_and_random_patches():
    rgb = np.zeros((20, 30, 3), np.uint8)
    rgb[:, 15:] = 255
    grey = to_grey(rgb)
    assert grey.shape == (20, 30) and grey.dtype == np.float32 and grey.max() == pytest.approx(1.0)
    assert to_grey(np.full((4, 4), 255, np.uint8)).max() == pytest.approx(1.0)
    patches = random_patches(rgb, 8, 12, seed=0)
    assert patches.shape == (12, 8, 8, 1) and 0 <= patches.min() and patches.max() <= 1
    np.testing.assert_array_equal(patches, random_patches(rgb, 8, 12, seed=0))
    textured = random_patches(rgb, 8, 5, seed=0, min_std=0.1)
    assert all(p.std() >= 0.1 for p in textured)
    with pytest.raises(ValueError, match="exceeds"):
        random_patches(rgb, 40, 2)
    with pytest.raises(ValueError, match="lower min_std"):
        random_patches(np.zeros((20, 20), np.uint8), 8, 3, min_std=0.1)
    with pytest.raises(ValueError, match="2-D grey"):
        to_grey(np.zeros((2, 3, 4, 5)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        to_grey(np.full((4, 4), 3.0))
