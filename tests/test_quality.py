from pathlib import Path

import numpy as np
import pytest
from scipy import linalg, ndimage

import vae_helpers as vh

DATA = Path(__file__).parent / "data"


def test_frechet_distance_zero_for_identical_sets():
    a = np.random.default_rng(0).normal(size=(500, 4))
    assert vh.evaluation.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_grows_with_mean_shift():
    a = np.random.default_rng(0).normal(size=(1000, 3))
    b = np.random.default_rng(1).normal(size=(1000, 3))
    d = [vh.evaluation.frechet_distance(a, b + shift) for shift in (0.0, 0.5, 1.0, 2.0)]
    assert all(x < y for x, y in zip(d, d[1:])), d
    # a pure mean shift of s in each of 3 dimensions adds about 3 s^2
    assert d[-1] - d[0] == pytest.approx(3 * 4.0, rel=0.1)


def test_frechet_distance_matches_1d_closed_form():
    rng = np.random.default_rng(0)
    a, b = rng.normal(1.0, 2.0, 2000), rng.normal(-0.5, 0.5, 3000)
    expected = (a.mean() - b.mean()) ** 2 + (a.std(ddof=1) - b.std(ddof=1)) ** 2
    assert vh.evaluation.frechet_distance(a, b) == pytest.approx(expected, rel=1e-6)
    assert vh.evaluation.frechet_distance(a[:, None], b[:, None]) == pytest.approx(expected, rel=1e-6)


def test_frechet_distance_handles_singular_covariance():
    a = np.random.default_rng(0).normal(size=(50, 2))
    a[:, 1] = 0.0  # rank-deficient
    d = vh.evaluation.frechet_distance(a, a + 1.0)
    assert np.isfinite(d) and d == pytest.approx(2.0, rel=1e-3)


def _frechet_by_sqrtm(a, b):
    """The textbook formula with scipy's sqrtm of the non-symmetric product (fine when well conditioned)."""
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = linalg.sqrtm(cov_a @ cov_b).real
    diff = a.mean(0) - b.mean(0)
    return float(diff @ diff + np.trace(cov_a + cov_b - 2 * covmean))


def test_frechet_distance_agrees_with_sqrtm_formula_when_well_conditioned():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(2000, 8)) @ rng.normal(size=(8, 8))
    b = rng.normal(0.3, 1.5, size=(1500, 8))
    assert vh.evaluation.frechet_distance(a, b) == pytest.approx(_frechet_by_sqrtm(a, b), rel=1e-6)


def test_frechet_distance_saved_singular_case_from_lesson_29():
    """N identical 'mean images' (zero covariance) against real features: sqrtm raised here on some CPUs."""
    case = np.load(DATA / "frechet_singular_case.npz")
    d = vh.evaluation.frechet_distance(case["mean_image"], case["real"])
    real = case["real"].astype(np.float64)
    diff = case["mean_image"][0] - real.mean(0)
    # zero covariance on one side: the trace term vanishes, d = |mu_a - mu_b|^2 + tr(cov_real)
    expected = float(diff @ diff + np.trace(np.cov(real, rowvar=False)))
    assert np.isfinite(d) and d == pytest.approx(expected, rel=1e-6)
    assert d == pytest.approx(151, rel=0.05)


def test_frechet_distance_identical_images_both_sides():
    a = np.tile(np.linspace(0, 1, 16), (100, 1))
    assert vh.evaluation.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    assert vh.evaluation.frechet_distance(a, a + 0.5) == pytest.approx(16 * 0.25, rel=1e-6)


def test_frechet_distance_fewer_samples_than_dimensions():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(20, 64)), rng.normal(size=(30, 64))  # both covariances rank-deficient
    d = vh.evaluation.frechet_distance(a, b)
    assert np.isfinite(d) and d > 0
    assert vh.evaluation.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_duplicated_rows():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(5, 32))
    dup = np.repeat(base, 40, axis=0)  # 200 rows, rank 4 covariance
    d = vh.evaluation.frechet_distance(dup, rng.normal(size=(300, 32)))
    assert np.isfinite(d) and d > 0
    assert vh.evaluation.frechet_distance(dup, dup[::-1]) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_bad_input():
    a = np.zeros((10, 3))
    with pytest.raises(ValueError, match="feature dimensions differ"):
        vh.evaluation.frechet_distance(a, np.zeros((10, 4)))
    with pytest.raises(ValueError, match="at least 2 rows"):
        vh.evaluation.frechet_distance(np.zeros((1, 3)), a)
    with pytest.raises(ValueError, match="NaN"):
        vh.evaluation.frechet_distance(np.full((10, 3), np.nan), a)
    with pytest.raises(ValueError, match="2-D"):
        vh.evaluation.frechet_distance(np.zeros((10, 3, 2)), a)


def test_sharpness_sharp_beats_blurred():
    rng = np.random.default_rng(0)
    sharp = (rng.random((8, 28, 28, 1)) > 0.5).astype(np.float32)
    blurred = np.stack([ndimage.gaussian_filter(img, sigma=(1.5, 1.5, 0)) for img in sharp])
    assert vh.evaluation.sharpness(sharp) > 5 * vh.evaluation.sharpness(blurred)
    per = vh.evaluation.sharpness(sharp, per_image=True)
    assert per.shape == (8,) and vh.evaluation.sharpness(sharp) == pytest.approx(per.mean())
    assert vh.evaluation.sharpness(np.full((3, 10, 10), 0.5)) == pytest.approx(0.0)
    assert vh.evaluation.sharpness(sharp[..., 0]) == pytest.approx(vh.evaluation.sharpness(sharp))


def test_sharpness_bad_input():
    with pytest.raises(ValueError, match="NaN"):
        vh.evaluation.sharpness(np.full((2, 8, 8), np.nan))
    with pytest.raises(ValueError, match="3x3"):
        vh.evaluation.sharpness(np.zeros((2, 2, 8)))
    with pytest.raises(ValueError, match="shape"):
        vh.evaluation.sharpness(np.zeros((2, 8)))


def test_class_coverage():
    uniform = vh.evaluation.class_coverage(np.arange(100) % 10, 10)
    assert uniform["coverage"] == 1.0 and uniform["normalized_entropy"] == pytest.approx(1.0)
    assert uniform["entropy"] == pytest.approx(np.log(10))
    collapsed = vh.evaluation.class_coverage(np.full(100, 3), 10)
    assert collapsed["coverage"] == pytest.approx(0.1) and collapsed["entropy"] == 0.0
    assert collapsed["counts"][3] == 100 and collapsed["counts"].sum() == 100
    half = vh.evaluation.class_coverage(np.array([0, 1, 2, 3, 4] * 20 + [5]), 10, min_count=2)
    assert half["coverage"] == pytest.approx(0.5)
    assert vh.evaluation.class_coverage(np.array([0.0, 1.0]), 2)["coverage"] == 1.0


def test_class_coverage_bad_input():
    with pytest.raises(ValueError, match=r"\[0, 9\]"):
        vh.evaluation.class_coverage(np.array([0, 10]), 10)
    with pytest.raises(ValueError, match="n_classes"):
        vh.evaluation.class_coverage(np.array([0]), 1)
    with pytest.raises(TypeError, match="integer class"):
        vh.evaluation.class_coverage(np.array([0.5, 1.0]), 10)
    with pytest.raises(ValueError, match="non-empty"):
        vh.evaluation.class_coverage(np.array([], dtype=int), 10)
