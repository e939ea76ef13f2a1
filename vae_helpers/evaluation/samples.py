"""Sample-quality measures shared by the lessons that compare generators (06/29, 26, 27).

* :func:`frechet_distance` — Fréchet distance between Gaussians fitted to two feature sets (the
  formula behind FID; the features are whatever network the caller chooses).
* :func:`sharpness` — variance of the Laplacian per image (a blur detector: blur removes the
  high frequencies the Laplacian responds to).
* :func:`class_coverage` — which classes a generator produces, judged by some classifier's labels:
  the share of classes present and the entropy of the class histogram.
* :func:`nearest_training_distances` — the memorisation check: how far samples lie from their nearest
  training image, next to the distance between two different training images.

None of these is a likelihood: they measure *samples*, and each only means something next to a
reference computed the same way (real images, a noise baseline).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from keras import ops
from scipy import ndimage

from vae_helpers._checks import as_float_array, as_image_batch, check_positive_int
from vae_helpers.core.optimizers import build_optimizer


def _features(x, name: str) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64) if not isinstance(x, np.ndarray) else x.astype(np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    arr = as_float_array(arr, name).astype(np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (n_samples, n_features), got shape {arr.shape}")
    if len(arr) < 2:
        raise ValueError(f"{name} needs at least 2 rows to estimate a covariance, got {len(arr)}")
    return arr


def _psd_sqrt(cov: np.ndarray) -> np.ndarray:
    """Symmetric square root of a covariance matrix (eigenvalues clipped at 0 against rounding)."""
    eigvals, eigvecs = np.linalg.eigh(cov)
    return (eigvecs * np.sqrt(np.clip(eigvals, 0.0, None))) @ eigvecs.T


def frechet_distance(features_a, features_b) -> float:
    r"""Fréchet (2-Wasserstein) distance² between Gaussians fitted to two sets of feature vectors.

    .. math:: d^2 = \lVert\mu_a-\mu_b\rVert^2 + \operatorname{tr}\Sigma_a + \operatorname{tr}\Sigma_b
              - 2\operatorname{tr}\big(\Sigma_a^{1/2}\Sigma_b\Sigma_a^{1/2}\big)^{1/2}

    ``features_*`` have shape ``(n, d)`` (a 1-D array is read as ``d = 1``); the two sets may have
    different ``n`` but must share ``d``. Covariances use ``ddof=1``.

    The trace term equals :math:`\operatorname{tr}(\Sigma_a\Sigma_b)^{1/2}` (the two matrices are
    similar), but :math:`\Sigma_a^{1/2}\Sigma_b\Sigma_a^{1/2}` is symmetric positive semi-definite, so
    its square-root trace is the sum of the square roots of real eigenvalues clipped at 0. Unlike
    ``scipy.linalg.sqrtm`` of the non-symmetric product, this has no imaginary part whose size
    depends on the CPU and BLAS: zero covariances (identical images), rank-deficient features
    (``n < d``) and duplicated rows all give a finite value. Returns a float >= 0.
    """
    a, b = _features(features_a, "features_a"), _features(features_b, "features_b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"feature dimensions differ: features_a has {a.shape[1]}, features_b has {b.shape[1]}")
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    cov_a = np.atleast_2d(np.cov(a, rowvar=False))
    cov_b = np.atleast_2d(np.cov(b, rowvar=False))
    sqrt_a = _psd_sqrt(cov_a)
    middle = sqrt_a @ cov_b @ sqrt_a
    eigvals = np.linalg.eigvalsh((middle + middle.T) / 2.0)
    trace_sqrt = float(np.sqrt(np.clip(eigvals, 0.0, None)).sum())
    diff = mu_a - mu_b
    value = float(diff @ diff + np.trace(cov_a) + np.trace(cov_b) - 2.0 * trace_sqrt)
    return max(value, 0.0)


def sharpness(images, per_image: bool = False):
    """Variance of the Laplacian of each image (channels averaged); the mean over images by default.

    Higher means more high-frequency detail (sharper edges); blurring lowers it. Only compare
    images with the same value range (e.g. all in [0, 1]) and size. ``per_image=True`` returns the
    array of per-image values instead of their mean.
    """
    arr = as_image_batch(images, min_size=3).astype(np.float64)  # the Laplacian needs 3x3
    values = np.empty(len(arr))
    for i, img in enumerate(arr):
        values[i] = np.mean([ndimage.laplace(img[..., c], mode="reflect").var() for c in range(img.shape[-1])])
    return values if per_image else float(values.mean())


def class_coverage(predicted_labels, n_classes: int, min_count: int = 1) -> dict:
    """How evenly generated samples spread over classes, from a classifier's predicted labels.

    Returns a dict with ``coverage`` (share of the ``n_classes`` classes predicted at least
    ``min_count`` times), ``entropy`` (nats, of the predicted-class histogram; ``log(n_classes)``
    when perfectly uniform, 0 when one class only), ``normalized_entropy`` (entropy / log n_classes)
    and ``counts`` (an int array of length ``n_classes``).
    """
    n_classes = check_positive_int(n_classes, "n_classes")
    if n_classes < 2:
        raise ValueError(f"n_classes must be >= 2, got {n_classes}")
    min_count = check_positive_int(min_count, "min_count")
    labels = np.asarray(predicted_labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"predicted_labels must be a non-empty 1-D array, got shape {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        if (
            not np.issubdtype(labels.dtype, np.floating)
            or not np.all(np.isfinite(labels))
            or not np.all(labels == np.round(labels))
        ):
            raise TypeError("predicted_labels must be integer class indices (use argmax of the classifier output)")
        labels = labels.astype(np.int64)
    if labels.min() < 0 or labels.max() >= n_classes:
        raise ValueError(f"predicted_labels must lie in [0, {n_classes - 1}], got [{labels.min()}, {labels.max()}]")
    counts = np.bincount(labels, minlength=n_classes)
    p = counts / counts.sum()
    nz = p[p > 0]
    entropy = float(-(nz * np.log(nz)).sum())
    return {
        "coverage": float(np.mean(counts >= min_count)),
        "entropy": entropy,
        "normalized_entropy": entropy / float(np.log(n_classes)),
        "counts": counts,
    }


def _check_probs(probs, atol: float = 1e-3) -> np.ndarray:
    p = np.asarray(as_float_array(probs, "probs"), dtype=np.float64)
    if p.ndim != 2:
        raise ValueError(f"probs must be a 2-D array (n_samples, n_classes), got shape {p.shape}")
    if p.shape[1] < 2:
        raise ValueError(f"probs needs at least 2 classes, got {p.shape[1]}")
    if p.min() < 0:
        raise ValueError("probs must be non-negative (pass softmax probabilities, not logits)")
    sums = p.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=atol):
        raise ValueError(
            f"each row of probs must sum to 1 (got sums in [{sums.min():.3g}, {sums.max():.3g}]); "
            "apply a softmax to logits first"
        )
    return p / sums[:, None]


def inception_style_score(probs, eps: float = 1e-12) -> float:
    r"""Inception-style score :math:`\exp\big(\tfrac1n\sum_i \mathrm{KL}(p(y\mid x_i)\,\|\,\hat p(y))\big)`.

    ``probs`` has shape ``(n, C)``: one row of class probabilities per generated sample (rows sum to
    1). :math:`\hat p(y)` is the mean row. The score is 1 when every sample gets the same prediction
    (or every prediction is uniform) and reaches ``C`` when predictions are confident *and* spread
    evenly over the classes. It never looks at real data: it rewards confident, diverse predictions,
    not closeness to the data distribution.
    """
    p = _check_probs(probs)
    marginal = p.mean(axis=0)
    kl = np.sum(p * (np.log(p + eps) - np.log(marginal + eps)[None, :]), axis=1)
    return float(np.exp(max(float(kl.mean()), 0.0)))


# Both the radii and the query distances are sqrt(sum of squared coordinate differences), computed by
# sklearn's DistanceMetric (the ball tree uses the same code): a duplicated row is at distance exactly 0
# and the same pair gives the same bits in both places. The brute-force expansion |a|^2 + |b|^2 - 2 a.b
# (sklearn's default for d > 15, and pairwise_distances) leaves rounding of order 1e-8 |a| (after the
# square root) that depends on the CPU and BLAS, so whether a sample lay in a radius-0 ball (duplicated
# rows, collapsed samples) or exactly on a ball's boundary was decided by that rounding.
_TIE_RTOL = 1e-9  # a point on the boundary is inside (the papers use <=), whatever the last bit says


def _knn_radii(feats: np.ndarray, k: int) -> np.ndarray:
    """Euclidean distance from each row to its k-th nearest *other* row (``sklearn`` k-NN, ball tree).

    ``kneighbors()`` without a query leaves each row itself out (by index), so a row with ``k`` exact
    duplicates gets radius exactly 0.
    """
    from sklearn.neighbors import NearestNeighbors

    distances, _ = NearestNeighbors(n_neighbors=k, algorithm="ball_tree").fit(feats).kneighbors()
    return distances[:, k - 1]


def _within_radii(queries: np.ndarray, support: np.ndarray, radii: np.ndarray, chunk: int) -> np.ndarray:
    """Boolean ``(len(queries), len(support))``: query j lies in the (closed) ball of support point i."""
    from sklearn.metrics import DistanceMetric

    euclidean = DistanceMetric.get_metric("euclidean")
    bound = radii[None, :] * (1.0 + _TIE_RTOL)
    return np.concatenate(
        [euclidean.pairwise(queries[i : i + chunk], support) <= bound for i in range(0, len(queries), chunk)]
    )


def _two_sets(real_feats, fake_feats, k, chunk) -> tuple[np.ndarray, np.ndarray, int, int]:
    real, fake = _features(real_feats, "real_feats"), _features(fake_feats, "fake_feats")
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"feature dimensions differ: real_feats has {real.shape[1]}, fake_feats has {fake.shape[1]}")
    k, chunk = check_positive_int(k, "k"), check_positive_int(chunk, "chunk")
    if k >= min(len(real), len(fake)):
        raise ValueError(f"k={k} must be smaller than both set sizes ({len(real)} real, {len(fake)} generated)")
    return real, fake, k, chunk


def precision_recall(real_feats, fake_feats, k: int = 3, chunk: int = 1024) -> dict[str, float]:
    """k-NN manifold precision and recall (Kynkäänniemi et al., 2019).

    The real manifold is the union of balls around each real feature vector with radius equal to its
    distance to its ``k``-th nearest real neighbour; the generated manifold likewise.
    ``precision`` = share of generated samples inside the real manifold (are samples realistic?),
    ``recall`` = share of real samples inside the generated manifold (is all of the data covered?).
    Both lie in [0, 1]. Use the same number of real and generated samples when comparing models.
    Points on a ball's boundary count as inside; a sample equal to a real point with ``k`` duplicates
    lies in that point's radius-0 ball (distances are exact, see ``_within_radii``).
    Known weakness: real outliers inflate the real balls, so precision can rank blurred or collapsed
    samples above real ones; :func:`density_coverage` (Naeem et al., 2020) is more robust.
    Returns ``{"precision": ..., "recall": ...}``.
    """
    real, fake, k, chunk = _two_sets(real_feats, fake_feats, k, chunk)
    precision = _within_radii(fake, real, _knn_radii(real, k), chunk).any(axis=1).mean()
    recall = _within_radii(real, fake, _knn_radii(fake, k), chunk).any(axis=1).mean()
    return {"precision": float(precision), "recall": float(recall)}


def density_coverage(real_feats, fake_feats, k: int = 5, chunk: int = 1024) -> dict[str, float]:
    r"""Density and coverage (Naeem et al., 2020, "Reliable Fidelity and Diversity Metrics for
    Generative Models", ICML), using balls around the **real** samples only.

    With :math:`B_i` the ball around real sample :math:`x_i` of radius its distance to its ``k``-th
    nearest real neighbour, for M generated samples :math:`y_j` and N real ones:

    .. math:: \mathrm{density} = \frac{1}{kM}\sum_j\sum_i \mathbb 1[y_j\in B_i],\qquad
              \mathrm{coverage} = \frac1N\sum_i \mathbb 1[\exists j: y_j\in B_i].

    Density is about 1 when the generated samples follow the real distribution (it can exceed 1 when
    they crowd into dense real regions) and falls for outliers; coverage is the share of real
    neighbourhoods that contain a sample: it falls when modes are dropped or samples collapse.
    Neither uses balls around generated samples, so generated outliers and duplicates cannot inflate
    them. Returns ``{"density": ..., "coverage": ...}``.
    """
    real, fake, k, chunk = _two_sets(real_feats, fake_feats, k, chunk)
    inside = _within_radii(fake, real, _knn_radii(real, k), chunk)
    return {"density": float(inside.sum() / (k * len(fake))), "coverage": float(inside.any(axis=0).mean())}


def _call_in_batches(model, x: np.ndarray, batch_size: int) -> np.ndarray:
    """``model(x)`` in inference mode, batch by batch: the same numbers as ``model.predict`` without building a
    ``tf.data`` pipeline on every call (a third of the time for a few hundred images)."""
    batch_size = check_positive_int(batch_size, "batch_size")
    return np.concatenate(
        [ops.convert_to_numpy(model(x[i : i + batch_size], training=False)) for i in range(0, len(x), batch_size)]
    )


@dataclass
class Judge:
    """A classifier trained on real data, used as an offline stand-in for Inception-v3.

    ``classifier`` maps images to logits; ``feature_net`` maps them to the penultimate layer
    (the features for Fréchet distance and precision/recall). ``accuracy`` is measured on the
    held-out set given to :func:`train_judge` (``nan`` when none was given).
    """

    classifier: object
    feature_net: object
    accuracy: float = float("nan")

    def features(self, x, batch_size: int = 500) -> np.ndarray:
        """Penultimate-layer features, shape ``(n, feature_dim)``."""
        return _call_in_batches(self.feature_net, as_float_array(x, "x"), batch_size)

    def probs(self, x, batch_size: int = 500) -> np.ndarray:
        """Class probabilities (softmax of the logits), shape ``(n, n_classes)``."""
        logits = _call_in_batches(self.classifier, as_float_array(x, "x"), batch_size).astype(np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def labels(self, x) -> np.ndarray:
        """Predicted class indices."""
        return self.probs(x).argmax(axis=1)


def train_judge(
    x,
    y,
    n_classes: int = 10,
    epochs: int = 3,
    x_test=None,
    y_test=None,
    seed: int = 0,
    filters: tuple[int, int] = (32, 64),
    feature_dim: int = 64,
    batch_size: int = 128,
) -> Judge:
    """Train a small CNN (two strided convolutions, a ``feature_dim`` ReLU layer, logits) on ``(x, y)``.

    ``x`` has shape ``(n, H, W, C)``; ``y`` integer labels in ``[0, n_classes)``. When ``x_test`` and
    ``y_test`` are given, the returned :class:`Judge` carries its accuracy on them.
    """
    import keras
    from keras import layers

    x = as_float_array(x, "x")
    if x.ndim != 4:
        raise ValueError(f"x must have shape (n, H, W, C), got {x.shape}")
    y = np.asarray(y)
    n_classes = check_positive_int(n_classes, "n_classes")
    if y.shape != (len(x),) or not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"y must be integer labels of shape ({len(x)},), got dtype {y.dtype} shape {y.shape}")
    if y.min() < 0 or y.max() >= n_classes:
        raise ValueError(f"labels must lie in [0, {n_classes - 1}], got [{y.min()}, {y.max()}]")
    epochs = check_positive_int(epochs, "epochs")
    keras.utils.set_random_seed(int(seed))
    inputs = keras.Input(shape=x.shape[1:])
    h = inputs
    for f in filters:
        h = layers.Conv2D(check_positive_int(f, "filters"), 3, strides=2, padding="same", activation="relu")(h)
    feats = layers.Dense(check_positive_int(feature_dim, "feature_dim"), activation="relu", name="features")(
        layers.Flatten()(h)
    )
    classifier = keras.Model(inputs, layers.Dense(n_classes, name="logits")(feats), name="judge")
    classifier.compile(
        keras.optimizers.Adam(1e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"]
    )
    build_optimizer(classifier.optimizer, classifier.trainable_variables)
    classifier.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
    judge = Judge(classifier, keras.Model(inputs, feats, name="judge_features"))
    if x_test is not None and y_test is not None:
        judge.accuracy = float(np.mean(judge.labels(x_test) == np.asarray(y_test)))
    return judge


def nearest_training_distances(
    training_images, image_sets: dict, in_training: tuple[str, ...] = (), verbose: bool = True
) -> dict[str, np.ndarray]:
    """The memorisation check: pixel (L2) distance from every image of each set to its nearest training image.

    ``image_sets`` maps a name to a batch of images shaped like ``training_images`` (``(n, H, W[, C])``).
    Sets named in ``in_training`` are rows of ``training_images`` themselves: their own row is left out, so
    they measure the distance between two *different* training images, the scale a copy is judged on.
    A generator that copies training images sits near 0; new images sit near that scale.
    With ``verbose`` a table (median and 10th percentile per set) is printed. Returns ``{name: distances}``.
    """
    from sklearn.neighbors import NearestNeighbors

    train = as_image_batch(training_images, "training_images")
    if not isinstance(image_sets, dict) or not image_sets:
        raise TypeError("image_sets must be a non-empty dict {name: images}")
    unknown = set(in_training) - set(image_sets)
    if unknown:
        raise ValueError(f"in_training names sets that image_sets lacks: {sorted(unknown)}")
    if len(train) < 2:
        raise ValueError(f"training_images needs at least 2 images, got {len(train)}")
    flat = train.reshape(len(train), -1)
    nearest = NearestNeighbors(n_neighbors=2).fit(flat)
    distances = {}
    for name, images in image_sets.items():
        batch = as_image_batch(images, f"image_sets[{name!r}]")
        if batch.shape[1:] != train.shape[1:]:
            raise ValueError(f"image_sets[{name!r}] has images of shape {batch.shape[1:]}, training {train.shape[1:]}")
        d = nearest.kneighbors(batch.reshape(len(batch), -1))[0]
        if name in in_training:
            if not np.allclose(d[:, 0], 0.0, atol=1e-5):
                raise ValueError(f"image_sets[{name!r}] is in in_training but not every image is a training image")
            distances[name] = d[:, 1]
        else:
            distances[name] = d[:, 0]
    if verbose:
        width = max(len(name) for name in distances)
        print(f"{'distance to the nearest training image':{width}s} {'median':>7s} {'10th pct':>8s}")
        for name, d in distances.items():
            print(f"{name:{width}s} {np.median(d):7.2f} {np.quantile(d, 0.1):8.2f}")
    return distances
