"""Per-notebook fast-mode times from a pytest JUnit report.

    python tools/nbval_timing.py [report.xml]                 the README's timing table
    python tools/nbval_timing.py --budget 60 [report.xml]     the five slowest notebooks; exit 1 if one
                                                              took longer than 60 s (``make test`` runs this)

``make test`` writes ``.pytest-report.xml``; this sums the nbval cell times of each notebook (fast mode,
as run by the test suite on its 2 workers) and prints them next to the full-mode run time stamped
in the notebook by ``tools/run_notebooks.py``.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def notebook_of(case: ET.Element) -> str | None:
    """The notebook file name an nbval test case belongs to, or None for any other test case.

    nbval reports one test case per cell; the JUnit class name is the notebook's path with ``/`` read as
    ``.`` (``notebooks.01_vae_principle.ipynb``), and the xunit1 family also writes it as ``file``. A unit
    test whose parameter id names a notebook (``test_outputs_are_fresh[01_vae_principle.ipynb]``) is not
    notebook time: only the class name or file counts, never the test name.
    """
    file = case.get("file") or ""
    if file.endswith(".ipynb"):
        return Path(file).name
    classname = case.get("classname") or ""
    if classname.endswith(".ipynb"):
        return classname[: -len(".ipynb")].rsplit(".", 1)[-1] + ".ipynb"
    return None


def fast_seconds(report: Path) -> dict[str, float]:
    """Sum of the nbval cell times of each notebook file, from a pytest JUnit report."""
    totals: dict[str, float] = defaultdict(float)
    for case in ET.parse(report).iter("testcase"):
        name = notebook_of(case)
        if name is not None:
            totals[name] += float(case.get("time") or 0)
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", nargs="?", type=Path, default=ROOT / ".pytest-report.xml")
    parser.add_argument("--budget", type=float, help="fail (exit 1) if a notebook took longer, in seconds")
    parser.add_argument("--show", type=int, default=5, help="how many of the slowest notebooks to print")
    args = parser.parse_args(argv)
    try:
        fast = fast_seconds(args.report)
    except FileNotFoundError:
        print(f"FAILED: no JUnit report at {args.report} (make test writes it; did pytest run?)")
        return 1
    except ET.ParseError as err:
        print(f"FAILED: {args.report} is not a JUnit XML report ({err})")
        return 1
    if args.budget is None:
        print(table(args.report))
        return 0
    if not fast:
        print(f"FAILED: no notebook test cases in {args.report}, so the time budget cannot be checked")
        return 1
    text, over = check_budget(fast, args.budget, args.show)
    print(text)
    if over:
        print(
            f"FAILED: {len(over)} notebook(s) over the {args.budget:.0f} s fast-mode budget: {', '.join(over)} "
            "(make fast mode cheaper there; see the README's fast-mode section)"
        )
        return 1
    print(f"all {len(fast)} notebooks within the {args.budget:.0f} s fast-mode budget")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
