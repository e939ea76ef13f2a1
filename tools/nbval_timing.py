"""Per-notebook fast-mode times from a pytest JUnit report.

    python tools/nbval_timing.py [report.xml]                 the README's timing table
    python tools/nbval_timing.py --budget 60 [report.xml]     the five slowest notebooks; exit 1 if one
                                                              took longer than 60 s (``make test`` runs this)

``make test`` writes ``.pytest-report.xml``; this sums the nbval cell times of each notebook (fast mode,
as run by the test suite on its 2 workers) and prints them next to the full-mode run time stamped
in the notebook by ``tools/run_notebooks.py``.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def fast_seconds(report: Path) -> dict[str, float]:
    """Sum of test times per notebook file name (nbval reports one test case per cell)."""
    totals: dict[str, float] = defaultdict(float)
    for case in ET.parse(report).iter("testcase"):
        where = " ".join(case.get(k, "") for k in ("classname", "file", "name"))
        match = re.search(r"(\d\d_[\w-]+)(?:\.ipynb|\b)", where)
        if match and "ipynb" in where:
            totals[match.group(1) + ".ipynb"] += float(case.get("time", 0))
    return dict(totals)


def table(report: Path) -> str:
    fast = fast_seconds(report)
    rows = ["| Notebook | fast mode, `make test` (s) | full mode, committed run (s) |", "|---|---:|---:|"]
    for nb_path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        full = nbformat.read(nb_path, as_version=4).metadata.get("vae_course", {}).get("seconds", "–")
        rows.append(f"| {nb_path.stem} | {fast.get(nb_path.name, float('nan')):.0f} | {full} |")
    rows.append(f"| **all notebooks** | **{sum(fast.values()):.0f}** (2 workers in parallel) | |")
    return "\n".join(rows)


def check_budget(fast: dict[str, float], budget: float, show: int = 5) -> tuple[str, list[str]]:
    """The ``show`` slowest notebooks as text, and the names of those over ``budget`` seconds."""
    slowest = sorted(fast.items(), key=lambda kv: -kv[1])
    lines = [f"slowest notebooks in fast mode (budget {budget:.0f} s each):"]
    lines += [f"  {seconds:6.1f} s  {name}" for name, seconds in slowest[:show]]
    return "\n".join(lines), [name for name, seconds in slowest if seconds > budget]


def main(argv: list[str]) -> int:
    budget = None
    if "--budget" in argv:
        i = argv.index("--budget")
        budget = float(argv[i + 1])
        argv = argv[:i] + argv[i + 2 :]
    report = Path(argv[0]) if argv else ROOT / ".pytest-report.xml"
    if budget is None:
        print(table(report))
        return 0
    fast = fast_seconds(report)
    if not fast:
        print(f"no notebook test cases in {report}")
        return 1
    text, over = check_budget(fast, budget)
    print(text)
    if over:
        print(f"FAILED: {len(over)} notebook(s) over the {budget:.0f} s fast-mode budget: {', '.join(over)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
