"""Committed notebooks must carry outputs from a full-mode run of their current code."""

import importlib.util
import warnings
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
spec = importlib.util.spec_from_file_location("run_notebooks", ROOT / "tools" / "run_notebooks.py")
run_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_notebooks)


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found under notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_are_fresh_and_from_full_mode(path):
    nb = nbformat.read(path, as_version=4)
    stamp = nb.metadata.get("vae_course")
    assert stamp, f"{path.name} was never executed by tools/run_notebooks.py (make outputs)"
    assert stamp["code_sha256"] == run_notebooks.code_hash(nb), (
        f"{path.name}: code changed since its outputs were produced; run `make outputs NB={path}`"
    )
    assert stamp["mode"] == "full", f"{path.name}: committed outputs come from fast mode"
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code_cells), f"{path.name}: some code cells never ran"
    errors = [o for c in code_cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{path.name}: stored outputs contain an error"


def test_warns_about_notebooks_run_with_other_helper_code():
    """Never fails, by design: a helper change may or may not change a notebook's outputs. It warns with
    the notebooks whose committed outputs came from other ``vae_helpers`` code (refresh with ``make outputs``);
    ``test_outputs_are_fresh_and_from_full_mode`` is the check that fails."""
    current = run_notebooks.helpers_hash()
    stale = [
        p.name
        for p in NOTEBOOKS
        if nbformat.read(p, as_version=4).metadata.get("vae_course", {}).get("helpers_sha256") != current
    ]
    if stale:
        warnings.warn(
            f"{len(stale)} notebook(s) ran with other vae_helpers code: {', '.join(stale)}; "
            "run `make outputs NB=...` if their outputs should change",
            UserWarning,
            stacklevel=1,
        )
