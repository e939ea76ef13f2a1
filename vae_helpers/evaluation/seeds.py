"""Seed-to-seed noise before a margin: run each arm of a comparison over several seeds, then
report mean ± sd per arm and a verdict for each pair that is backed by a paired test.

A lesson's verdict ("the AE reconstructs better") is only worth repeating in an interview when the
margin is clearly larger than what a different seed alone would change. The rule used here:

* every arm is run with the **same seeds** (seed ``s`` fixes data order, initialisation and noise
  for all arms alike), so differences are *paired*;
* a pair is "clearly" different when a two-sided paired t-test (``scipy.stats.ttest_rel``) gives
  ``p < alpha`` (0.05 by default) — with 3 seeds that needs a margin of about 4.3 standard errors;
* with one seed there is no noise estimate, and the verdict says so instead of naming a winner.

Usage::

    runs = run_over_seeds({"AE": train_ae, "VAE": train_vae}, seeds=pick(fast=[0, 1], full=[0, 1, 2]))
    cmp = runs.compare("test NLL", higher_is_better=False)   # prints the table and the verdicts
    assert cmp.clearly_better("AE", "VAE")

Each arm is a function ``seed -> {metric: value}`` (or ``seed -> value`` for a single metric).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

SINGLE_METRIC = "value"


def _check_seeds(seeds) -> list[int]:
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or len(seeds) == 0:
        raise ValueError(f"seeds must be a non-empty sequence of ints, got {seeds!r}")
    out = []
    for s in seeds:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0:
            raise ValueError(f"each seed must be a non-negative int, got {s!r}")
        out.append(int(s))
    if len(set(out)) != len(out):
        raise ValueError(f"seeds must be distinct, got {out}")
    return out


def _is_constant(values: np.ndarray) -> bool:
    """True when ``values`` agree up to floating-point rounding (relative 1e-9)."""
    return bool(np.allclose(values, values[0], rtol=1e-9, atol=0.0))


def _as_metrics(result, arm: str, seed: int) -> dict[str, float]:
    if isinstance(result, Mapping):
        items = dict(result)
    elif isinstance(result, (int, float, np.integer, np.floating)) and not isinstance(result, bool):
        items = {SINGLE_METRIC: result}
    else:
        raise TypeError(f"arm {arm!r} must return a number or a dict of numbers, got {type(result).__name__}")
    metrics = {}
    for name, value in items.items():
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"arm {arm!r} returned a non-finite {name!r} ({value}) for seed {seed}")
        metrics[str(name)] = value
    return metrics


@dataclass
class Comparison:
    """One metric compared across arms: per-arm values (one per seed) and pairwise verdicts."""

    metric: str
    higher_is_better: bool
    values: dict[str, np.ndarray]
    alpha: float = 0.05
    verdicts: dict[tuple[str, str], str] = field(default_factory=dict)

    def mean(self, arm: str) -> float:
        return float(np.mean(self._arm(arm)))

    def sd(self, arm: str) -> float:
        """Sample standard deviation across seeds (``ddof=1``); 0 with a single seed."""
        v = self._arm(arm)
        return float(np.std(v, ddof=1)) if len(v) > 1 else 0.0

    def difference(self, a: str, b: str) -> tuple[float, float]:
        """Mean and sd (across seeds) of the paired difference ``a - b`` (sd 0 when it is constant)."""
        d = self._arm(a) - self._arm(b)
        constant = len(d) < 2 or _is_constant(d)
        return float(d.mean()), 0.0 if constant else float(d.std(ddof=1))

    def p_value(self, a: str, b: str) -> float:
        """Two-sided paired t-test p-value of ``a`` vs ``b``; 1.0 when it cannot be computed (one seed,
        or identical differences with zero spread and zero mean); 0.0 for a constant non-zero difference."""
        d = self._arm(a) - self._arm(b)
        if len(d) < 2:
            return 1.0
        if _is_constant(d):  # the t statistic is undefined; rounding would make it arbitrary
            return 0.0 if d[0] != 0.0 else 1.0
        return float(stats.ttest_rel(self._arm(a), self._arm(b)).pvalue)

    def clearly_better(self, a: str, b: str) -> bool:
        """True when ``a`` beats ``b`` in the better direction with paired ``p < alpha``."""
        diff, _ = self.difference(a, b)
        better = diff > 0 if self.higher_is_better else diff < 0
        return bool(better and self.p_value(a, b) < self.alpha)

    def verdict(self, a: str, b: str) -> str:
        """``"a better than b by X ± Y (metric, paired p=…, n seeds)"`` or ``"no clear difference"``."""
        n = len(self._arm(a))
        diff, sd = self.difference(a, b)
        if n < 2:
            return f"{a} vs {b}: {self.metric} differs by {diff:+.4g} on a single seed: noise not measured, no verdict"
        for winner, loser in ((a, b), (b, a)):
            if self.clearly_better(winner, loser):
                return (
                    f"{winner} better than {loser} by {abs(diff):.4g} ± {sd:.2g} {self.metric} "
                    f"(paired p={self.p_value(a, b):.2g}, {n} seeds)"
                )
        return (
            f"{a} vs {b}: no clear difference in {self.metric} ({diff:+.4g} ± {sd:.2g}, "
            f"paired p={self.p_value(a, b):.2g}, {n} seeds)"
        )

    def best(self) -> str:
        """The arm with the best mean (highest or lowest per ``higher_is_better``)."""
        pick = max if self.higher_is_better else min
        return pick(self.values, key=self.mean)

    def table(self) -> str:
        width = max(len(a) for a in self.values)
        n = len(next(iter(self.values.values())))
        lines = [
            f"{self.metric} ({'higher' if self.higher_is_better else 'lower'} is better), "
            f"mean ± sd over {n} seed{'s' if n > 1 else ''}:"
        ]
        lines += [f"  {arm:<{width}}  {self.mean(arm):10.4g} ± {self.sd(arm):.2g}" for arm in self.values]
        return "\n".join(lines)

    def report(self) -> str:
        """The table, then the best arm against every other arm."""
        best = self.best()
        lines = [self.table()]
        lines += [f"  -> {self.verdict(best, other)}" for other in self.values if other != best]
        return "\n".join(lines)

    def _arm(self, arm: str) -> np.ndarray:
        if arm not in self.values:
            raise KeyError(f"no arm {arm!r}; have {sorted(self.values)}")
        return self.values[arm]


@dataclass
class SeedRuns:
    """What :func:`run_over_seeds` returns: ``values[arm][metric]`` arrays, one entry per seed."""

    seeds: list[int]
    values: dict[str, dict[str, np.ndarray]]

    def metrics(self) -> list[str]:
        return list(next(iter(self.values.values())))

    def compare(
        self,
        metric: str = SINGLE_METRIC,
        higher_is_better: bool = True,
        alpha: float = 0.05,
        arms: Sequence[str] | None = None,
        verbose: bool = True,
    ) -> Comparison:
        """Compare ``arms`` (default: all) on ``metric``; print the report unless ``verbose=False``."""
        if not isinstance(higher_is_better, bool):
            raise TypeError("higher_is_better must be True or False")
        if not 0.0 < float(alpha) < 1.0:
            raise ValueError(f"alpha must be in (0, 1), got {alpha}")
        names = list(arms) if arms is not None else list(self.values)
        for arm in names:
            if arm not in self.values:
                raise KeyError(f"no arm {arm!r}; have {sorted(self.values)}")
            if metric not in self.values[arm]:
                raise KeyError(f"arm {arm!r} has no metric {metric!r}; have {sorted(self.values[arm])}")
        cmp = Comparison(metric, higher_is_better, {a: self.values[a][metric] for a in names}, float(alpha))
        if verbose:
            print(cmp.report())
        return cmp


def run_over_seeds(arms: Mapping[str, Callable[[int], object]], seeds: Sequence[int], verbose: bool = True) -> SeedRuns:
    """Run every arm once per seed (seed-major order) and collect its metrics.

    ``arms`` maps a name to ``seed -> {metric: value}`` (or ``seed -> value``); every arm must return
    the same metric names. The arm itself calls ``set_seed(seed)`` or passes the seed on, so that one
    seed means the same data order and noise for every arm. Prints one line per run when ``verbose``.
    """
    if not isinstance(arms, Mapping) or len(arms) == 0:
        raise ValueError("arms must be a non-empty dict of name -> function(seed)")
    for name, fn in arms.items():
        if not callable(fn):
            raise TypeError(f"arm {name!r} is not callable")
    seeds = _check_seeds(seeds)
    collected: dict[str, list[dict[str, float]]] = {name: [] for name in arms}
    for seed in seeds:
        for name, fn in arms.items():
            metrics = _as_metrics(fn(seed), name, seed)
            if collected[name] and set(metrics) != set(collected[name][0]):
                raise ValueError(
                    f"arm {name!r} returned metrics {sorted(metrics)} for seed {seed}, "
                    f"but {sorted(collected[name][0])} before"
                )
            collected[name].append(metrics)
            if verbose:
                print(f"seed {seed} {name}: " + "  ".join(f"{k}={v:.4g}" for k, v in metrics.items()))
    keys = {name: set(runs[0]) for name, runs in collected.items()}
    if len({frozenset(k) for k in keys.values()}) != 1:
        raise ValueError(f"arms return different metrics: { {n: sorted(k) for n, k in keys.items()} }")
    values = {name: {m: np.array([r[m] for r in runs]) for m in runs[0]} for name, runs in collected.items()}
    return SeedRuns(seeds, values)
