"""The fast-mode time budget gate that `make test` runs after the suite (tools/nbval_timing.py)."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("nbval_timing", ROOT / "tools" / "nbval_timing.py")
nbval_timing = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nbval_timing)

REPORT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
<testcase classname="notebooks.01_vae_principle.ipynb" name="Cell 0" time="20.0"/>
<testcase classname="notebooks.01_vae_principle.ipynb" name="Cell 1" time="15.5"/>
<testcase classname="notebooks.02_vae_vs_autoencoder.ipynb" name="Cell 0" time="61.0"/>
<testcase classname="tests.test_losses" name="test_kl" time="99.0"/>
</testsuite></testsuites>"""


def _report(tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(REPORT, encoding="utf-8")
    return path


def test_sums_cells_per_notebook_and_ignores_unit_tests(tmp_path):
    fast = nbval_timing.fast_seconds(_report(tmp_path))
    assert fast == {"01_vae_principle.ipynb": 35.5, "02_vae_vs_autoencoder.ipynb": 61.0}


def test_budget_gate_fails_only_for_notebooks_over_budget(tmp_path, capsys):
    path = _report(tmp_path)
    assert nbval_timing.main(["--budget", "60", str(path)]) == 1
    out = capsys.readouterr().out
    assert "02_vae_vs_autoencoder.ipynb" in out.split("FAILED")[1]
    assert "01_vae_principle" not in out.split("FAILED")[1]
    assert out.index("61.0 s") < out.index("35.5 s")  # slowest first
    assert nbval_timing.main(["--budget", "62", str(path)]) == 0


def test_budget_gate_fails_without_notebook_cases(tmp_path):
    path = tmp_path / "empty.xml"
    path.write_text("<testsuites><testsuite/></testsuites>", encoding="utf-8")
    assert nbval_timing.main(["--budget", "60", str(path)]) == 1
