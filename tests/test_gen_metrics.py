import numpy as np
import pytest

import vae_helpers as vh


def _onehot(labels, n=10, sharp=1.0):
    p = np.full((len(labels), n), (1 - sharp) / n)
    p[np.arange(len(labels)), labels] += sharp
    return p


def test_inception_style_score_bounds():
    labels = np.arange(1000) % 10
    assert vh.evaluation.inception_style_score(_onehot(labels)) == pytest.approx(10.0, rel=1e-6)
    assert vh.evaluation.inception_style_score(_onehot(np.full(100, 3))) == pytest.approx(1.0)
    assert vh.evaluation.inception_style_score(np.full((50, 10), 0.1)) == pytest.approx(1.0)
    # five classes, confident: score 5; softer predictions score lower
    five = _onehot(np.arange(1000) % 5)
    assert vh.evaluation.inception_style_score(five) == pytest.approx(5.0, rel=1e-6)
    assert vh.evaluation.inception_style_score(_onehot(labels, sharp=0.5)) < 10.0


def test_inception_style_score_bad_input():
    with pytest.raises(ValueError, match="sum to 1"):
        vh.evaluation.inception_style_score(np.ones((4, 3)))
    with pytest.raises(ValueError, match="non-negative"):
        vh.evaluation.inception_style_score(np.array([[1.5, -0.5], [0.5, 0.5]]))
    with pytest.raises(ValueError, match="2-D"):
        vh.evaluation.inception_style_score(np.ones((2, 2, 2)) / 2)
    with pytest.raises(ValueError, match="NaN"):
        vh.evaluation.inception_style_score(np.array([[np.nan, 1.0], [0.5, 0.5]]))
    with pytest.raises(ValueError, match="at least 2 classes"):
        vh.evaluation.inception_style_score(np.ones((3, 1)))


def test_precision_recall_identical_and_disjoint():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(300, 4))
    b = rng.normal(size=(300, 4))
    same = vh.evaluation.precision_recall(a, b, k=3)
    assert same["precision"] > 0.8 and same["recall"] > 0.8
    far = vh.evaluation.precision_recall(a, b + 20.0, k=3)
    assert far == {"precision": 0.0, "recall": 0.0}


def test_precision_recall_mode_dropping():
    rng = np.random.default_rng(0)
    centers = rng.normal(scale=10, size=(10, 5))
    lab = np.arange(1000) % 10
    real = centers[lab] + rng.normal(size=(1000, 5))
    half = centers[lab % 5] + rng.normal(size=(1000, 5))  # only 5 of 10 modes
    r = vh.evaluation.precision_recall(real, half, k=3)
    assert r["precision"] > 0.8 and r["recall"] < 0.6, r
    blob = real.mean(0) + rng.normal(size=(1000, 5))  # mass between the modes
    assert vh.evaluation.precision_recall(real, blob, k=3)["precision"] < r["precision"]


def test_precision_recall_bad_input():
    a = np.zeros((10, 3))
    with pytest.raises(ValueError, match="feature dimensions"):
        vh.evaluation.precision_recall(a, np.zeros((10, 4)))
    with pytest.raises(ValueError, match="smaller than"):
        vh.evaluation.precision_recall(a, a, k=10)
    with pytest.raises(TypeError, match="positive int"):
        vh.evaluation.precision_recall(a, a, k=1.5)
    with pytest.raises(ValueError, match="2-D"):
        vh.evaluation.precision_recall(np.zeros((10, 3, 1)), a)


def test_train_judge_learns_and_validates():
    rng = np.random.default_rng(0)
    y = np.arange(200) % 2
    x = rng.random((200, 8, 8, 1)).astype(np.float32) * 0.3
    x[y == 1, :, :4] += 0.6  # class 1: bright left half
    judge = vh.evaluation.train_judge(x, y, n_classes=2, epochs=15, x_test=x, y_test=y, filters=(8, 8), feature_dim=8)
    assert judge.accuracy > 0.9
    assert judge.features(x[:5]).shape == (5, 8)
    p = judge.probs(x[:5])
    assert p.shape == (5, 2) and np.allclose(p.sum(1), 1.0)
    with pytest.raises(ValueError, match="labels must lie"):
        vh.evaluation.train_judge(x, y + 5, n_classes=2)
    with pytest.raises(TypeError, match="integer labels"):
        vh.evaluation.train_judge(x, y.astype(float), n_classes=2)
    with pytest.raises(ValueError, match=r"\(n, H, W, C\)"):
        vh.evaluation.train_judge(x[..., 0], y, n_classes=2)


def test_density_coverage_ranks_real_above_degraded():
    from vae_helpers.evaluation import density_coverage

    rng = np.random.default_rng(0)
    centres = rng.normal(0, 6, size=(5, 4))
    real = np.concatenate([c + rng.normal(size=(200, 4)) for c in centres])
    same = np.concatenate([c + rng.normal(size=(200, 4)) for c in centres])
    dropped = np.concatenate([c + rng.normal(size=(500, 4)) for c in centres[:2]])  # 3 of 5 modes dropped
    collapsed = np.tile(real.mean(0), (1000, 1))  # every sample identical
    outliers = same + rng.normal(0, 8, size=same.shape)
    dc = {
        name: density_coverage(real, f, k=5)
        for name, f in {"same": same, "dropped": dropped, "collapsed": collapsed, "outliers": outliers}.items()
    }
    assert 0.8 < dc["same"]["density"] < 1.2 and dc["same"]["coverage"] > 0.9
    assert dc["dropped"]["coverage"] < 0.5 < dc["same"]["coverage"]
    assert dc["collapsed"]["coverage"] < 0.05
    assert dc["outliers"]["density"] < 0.3 * dc["same"]["density"]


def test_precision_recall_duplicates_and_bad_input():
    from vae_helpers.evaluation import density_coverage, precision_recall

    rng = np.random.default_rng(1)
    real = rng.normal(size=(300, 3))
    dup = np.repeat(real[:10], 30, axis=0)  # duplicated rows: radius 0 balls, finite results
    pr = precision_recall(real, dup, k=3)
    assert pr["precision"] == 1.0 and pr["recall"] < 0.2  # duplicates of real points are "real" but cover little
    assert np.isfinite(list(density_coverage(real, dup).values())).all()
    with pytest.raises(ValueError, match="smaller than both"):
        density_coverage(real[:4], real, k=5)
    with pytest.raises(ValueError, match="feature dimensions"):
        density_coverage(real, real[:, :2])


def test_knn_radius_leaves_the_point_itself_out_and_boundary_counts():
    # 1-D features (read as d = 1); k = 1: radii are the distance to the nearest *other* point, [1, 1, 2, 4]
    real = np.array([0.0, 1.0, 3.0, 7.0])
    fake = np.array([0.5, 2.0, 5.5, 11.5])  # 2.0 lies exactly on the boundary of the ball around 1.0
    pr = vh.evaluation.precision_recall(real, fake, k=1)
    assert pr == {"precision": 0.75, "recall": 1.0}  # 11.5 is outside every real ball
    # balls holding each fake: 2, 2, 1, 0 -> density 5 / (k M) = 1.25; every real ball holds a fake
    assert vh.evaluation.density_coverage(real, fake, k=1) == {"density": 1.25, "coverage": 1.0}


def test_knn_metrics_exact_on_duplicated_rows_in_high_dimension():
    # each real point has 3 exact duplicates, so with k = 3 every real ball has radius exactly 0; a copy
    # of the real set must lie in those balls. Distances from |a|^2 + |b|^2 - 2ab put ~1e-6 of rounding
    # noise where 0 belongs (CPU/BLAS dependent), which dropped precision to 0.9 here.
    rng = np.random.default_rng(0)
    real = np.repeat(rng.normal(5.0, 3.0, size=(50, 64)), 4, axis=0)
    assert vh.evaluation.precision_recall(real, real.copy(), k=3) == {"precision": 1.0, "recall": 1.0}
    dc = vh.evaluation.density_coverage(real, real.copy(), k=3)
    assert dc["coverage"] == 1.0 and dc["density"] == pytest.approx(4 / 3)  # each sample is in its 4 copies' balls


def test_knn_metrics_all_identical_rows_and_fewer_rows_than_dimensions():
    same = np.ones((10, 3))
    assert vh.evaluation.precision_recall(same, same.copy(), k=2) == {"precision": 1.0, "recall": 1.0}
    assert vh.evaluation.density_coverage(same, same.copy(), k=2) == {"density": 5.0, "coverage": 1.0}
    other = vh.evaluation.density_coverage(same, same + 1.0, k=2)
    assert other == {"density": 0.0, "coverage": 0.0}
    rng = np.random.default_rng(2)
    wide_real, wide_fake = rng.normal(size=(6, 50)), rng.normal(size=(6, 50))  # n < d
    values = [
        *vh.evaluation.precision_recall(wide_real, wide_fake, k=2).values(),
        *vh.evaluation.density_coverage(wide_real, wide_fake, k=2).values(),
    ]
    assert np.all(np.isfinite(values)) and min(values) >= 0.0


@pytest.mark.parametrize("d", [2, 8, 64])
def test_density_of_the_real_set_against_itself_is_exact(d):
    # every real ball holds its centre and its k nearest neighbours, the k-th one exactly on the boundary:
    # density = (k + 1) / k. Boundary ties decided by rounding (radii from a k-NN search, query
    # distances from another formula) gave 1.28-1.33 depending on d and the BLAS.
    real = np.random.default_rng(0).normal(5.0, 3.0, size=(500, d))
    dc = vh.evaluation.density_coverage(real, real.copy(), k=3)
    assert dc == {"density": pytest.approx(4 / 3, abs=1e-12), "coverage": 1.0}


def test_precision_recall_rejects_small_mismatched_and_nan_inputs():
    from vae_helpers.evaluation import precision_recall

    real = np.random.default_rng(2).normal(size=(50, 3))
    with pytest.raises(ValueError, match="smaller than both"):
        precision_recall(real[:3], real, k=3)
    with pytest.raises(ValueError, match="feature dimensions"):
        precision_recall(real, real[:, :2])
    with pytest.raises(ValueError, match="NaN"):
        precision_recall(np.full_like(real, np.nan), real)


def test_nearest_training_distances_flags_copies_and_leaves_own_row_out(capsys):
    rng = np.random.default_rng(0)
    train = rng.random((60, 6, 6))
    copies = train[:10] + 1e-4  # a memorising generator: near-copies of training images
    new = rng.random((10, 6, 6))  # images the training set does not contain
    d = vh.evaluation.nearest_training_distances(
        train, {"copies": copies, "new": new, "training": train[:10]}, in_training=("training",)
    )
    assert np.median(d["copies"]) < 0.01
    # new images and other training images are at the same scale; a training image is never at 0 from itself
    assert np.median(d["new"]) > 100 * np.median(d["copies"])
    assert d["training"].min() > 0.5 * np.median(d["new"])
    assert "median" in capsys.readouterr().out
    # an exact duplicate in the training set is a distance-0 neighbour, not the row itself
    dup = np.concatenate([train, train[:1]])
    assert vh.evaluation.nearest_training_distances(dup, {"t": dup[:1]}, ("t",), verbose=False)["t"][0] == 0.0


def test_nearest_training_distances_bad_input():
    train = np.zeros((5, 4, 4))
    with pytest.raises(TypeError, match="non-empty dict"):
        vh.evaluation.nearest_training_distances(train, [train])
    with pytest.raises(ValueError, match="lacks"):
        vh.evaluation.nearest_training_distances(train, {"a": train}, in_training=("b",))
    with pytest.raises(ValueError, match="shape"):
        vh.evaluation.nearest_training_distances(train, {"a": np.zeros((2, 3, 3))})
    with pytest.raises(ValueError, match="not every image is a training image"):
        vh.evaluation.nearest_training_distances(train, {"a": np.ones((2, 4, 4))}, in_training=("a",))
    with pytest.raises(ValueError, match="finite|NaN"):
        vh.evaluation.nearest_training_distances(train, {"a": np.full((2, 4, 4), np.nan)})
