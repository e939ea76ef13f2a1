"""Every lesson ends with 1–3 exercises whose solutions are hidden (collapsed) and checked here.

A solution is a ```python block inside ``<details><summary>Solution …</summary> … </details>`` in the
lesson's "## Exercises" markdown cell. Being markdown, solutions do not change a notebook's code hash;
each runs here in a fresh namespace, in fast mode, and must pass its own asserts.
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
DETAILS = re.compile(r"<details>\s*<summary>\s*Solution[^<]*</summary>(.*?)</details>", re.S | re.I)
CODE = re.compile(r"```python\n(.*?)```", re.S)


def exercises_cell(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "markdown" and c.source.lstrip().startswith("## Exercises")]
    return cells[-1] if cells else ""


def solutions(path: Path) -> list[str]:
    return ["\n".join(CODE.findall(block)) for block in DETAILS.findall(exercises_cell(path))]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_lesson_ends_with_exercises_and_hidden_solutions(path):
    nb = nbformat.read(path, as_version=4)
    last_md = [c.source for c in nb.cells if c.cell_type == "markdown"][-1]
    assert last_md.lstrip().startswith("## Exercises"), f"{path.name}: the last section must be '## Exercises'"
    n_exercises = len(re.findall(r"^\d+\. ", exercises_cell(path), flags=re.M))
    sols = solutions(path)
    assert 1 <= n_exercises <= 3, f"{path.name}: {n_exercises} exercises"
    assert len(sols) == n_exercises and all(s.strip() for s in sols), f"{path.name}: every exercise needs a solution"


CASES = [(p, i, code) for p in NOTEBOOKS for i, code in enumerate(solutions(p), 1)]


@pytest.mark.parametrize("path, number, code", CASES, ids=[f"{p.name[:2]}-{i}" for p, i, _ in CASES])
def test_solution_runs_and_its_checks_pass(path, number, code, monkeypatch, tmp_path):
    monkeypatch.setenv("VAE_FAST", "1")
    monkeypatch.chdir(tmp_path)
    import matplotlib

    matplotlib.use("Agg")
    exec(compile(code, f"{path.name}:solution-{number}", "exec"), {"__name__": "__solution__"})
