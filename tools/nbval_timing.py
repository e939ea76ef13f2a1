"""Per-notebook timing table from a pytest JUnit report: python tools/nbval_timing.py [report.xml]

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


if __name__ == "__main__":
    print(table(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".pytest-report.xml"))
