import numpy as np
import pytest

from vae_helpers.evaluation import run_over_seeds


def _noisy(offset, noise=0.1):
    return lambda seed: {"score": offset + noise * np.random.default_rng(seed).standard_normal(), "n": 1.0}


def test_clear_margin_is_reported_with_mean_and_sd(capsys):
    runs = run_over_seeds({"A": _noisy(1.0), "B": _noisy(0.0)}, seeds=[0, 1, 2])
    cmp = runs.compare("score", higher_is_better=True)
    out = capsys.readouterr().out
    assert cmp.clearly_better("A", "B") and not cmp.clearly_better("B", "A")
    assert cmp.best() == "A"
    assert "A better than B by 1 ± 0" in out  # same seeds -> identical noise -> the paired sd is 0
    assert cmp.values["A"].shape == (3,)


def test_margin_within_noise_is_no_clear_difference():
    # independent noise per arm (seed offset), margin 0.02 against noise sd 1
    arms = {
        "A": lambda s: float(np.random.default_rng(s).normal(0.02, 1.0)),
        "B": lambda s: float(np.random.default_rng(100 + s).normal(0.0, 1.0)),
    }
    cmp = run_over_seeds(arms, seeds=[0, 1, 2], verbose=False).compare(verbose=False)
    assert not cmp.clearly_better("A", "B") and not cmp.clearly_better("B", "A")
    assert "no clear difference" in cmp.verdict("A", "B")


def test_lower_is_better_direction():
    cmp = run_over_seeds(
        {"lo": lambda s: 1.0 + 0.01 * s, "hi": lambda s: 5.0 + 0.02 * s}, [0, 1, 2], verbose=False
    ).compare(higher_is_better=False, verbose=False)
    assert cmp.best() == "lo" and cmp.clearly_better("lo", "hi")
    assert cmp.verdict("hi", "lo").startswith("lo better than hi by 4")


def test_single_seed_gives_no_verdict():
    cmp = run_over_seeds({"A": lambda s: 2.0, "B": lambda s: 1.0}, [0], verbose=False).compare(verbose=False)
    assert not cmp.clearly_better("A", "B")
    assert "noise not measured" in cmp.verdict("A", "B")
    assert cmp.sd("A") == 0.0


def test_identical_arms_are_not_different():
    cmp = run_over_seeds({"A": lambda s: float(s), "B": lambda s: float(s)}, [0, 1, 2], verbose=False).compare(
        verbose=False
    )
    assert cmp.p_value("A", "B") == 1.0 and "no clear difference" in cmp.verdict("A", "B")


def test_bad_input():
    with pytest.raises(ValueError, match="non-empty"):
        run_over_seeds({}, [0])
    with pytest.raises(ValueError, match="seeds"):
        run_over_seeds({"A": lambda s: 1.0}, [])
    with pytest.raises(ValueError, match="distinct"):
        run_over_seeds({"A": lambda s: 1.0}, [1, 1])
    with pytest.raises(TypeError, match="not callable"):
        run_over_seeds({"A": 3}, [0])
    with pytest.raises(ValueError, match="non-finite"):
        run_over_seeds({"A": lambda s: float("nan")}, [0], verbose=False)
    with pytest.raises(TypeError, match="number or a dict"):
        run_over_seeds({"A": lambda s: "x"}, [0], verbose=False)
    with pytest.raises(ValueError, match="different metrics"):
        run_over_seeds({"A": lambda s: {"a": 1.0}, "B": lambda s: {"b": 1.0}}, [0], verbose=False)
    runs = run_over_seeds({"A": lambda s: 1.0}, [0, 1], verbose=False)
    with pytest.raises(KeyError, match="no metric"):
        runs.compare("nope")
    with pytest.raises(KeyError, match="no arm"):
        runs.compare(arms=["Z"])
    with pytest.raises(ValueError, match="alpha"):
        runs.compare(alpha=2.0)
