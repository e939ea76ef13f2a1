"""The fast-mode time budget gate that `make test` runs after the suite (tools/nbval_timing.py)."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("nbval_timing", ROOT / "tools" / "nbval_timing.py")
nbval_timing = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nbval_timing)

# the layout pytest --junitxml writes for nbval cells (class name = notebook path) and for unit tests
REPORT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
<testcase classname="notebooks.01_vae_principle.ipynb" name="Cell 0" time="20.0"/>
<testcase classname="notebooks.01_vae_principle.ipynb" name="Cell 1" time="15.5"/>
<testcase classname="notebooks.02_vae_vs_autoencoder.ipynb" name="Cell 0" time="61.0"/>
<testcase classname="notebooks.03_where_vaes_fit.ipynb" name="Cell 0" time="1.0"/>
<testcase classname="notebooks.04_evaluating_a_vae.ipynb" name="Cell 0" time="2.0"/>
<testcase classname="notebooks.05_improving_a_vae.ipynb" name="Cell 0" time="3.0"/>
<testcase classname="notebooks.06_vae_vs_gan.ipynb" name="Cell 0" time="0.5"/>
<testcase classname="tests.test_losses" name="test_kl" time="99.0"/>
<testcase classname="tests.test_notebook_freshness" name="test_fresh[01_vae_principle.ipynb]" time="70.0"/>
</testsuite></testsuites>"""


def _report(tmp_path, text=REPORT):
    path = tmp_path / "report.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sums_cells_per_notebook_and_ignores_unit_tests(tmp_path):
    fast = nbval_timing.fast_seconds(_report(tmp_path))
    # the unit test whose id names notebook 01 adds nothing to notebook 01
    assert fast == {
        "01_vae_principle.ipynb": 35.5,
        "02_vae_vs_autoencoder.ipynb": 61.0,
        "03_where_vaes_fit.ipynb": 1.0,
        "04_evaluating_a_vae.ipynb": 2.0,
        "05_improving_a_vae.ipynb": 3.0,
        "06_vae_vs_gan.ipynb": 0.5,
    }


def test_xunit1_file_attribute_and_missing_time(tmp_path):
    report = _report(
        tmp_path,
        '<testsuites><testsuite><testcase classname="x.y" file="notebooks/07_vaes_in_nlp.ipynb" name="Cell 0" '
        'time="4.0"/><testcase classname="notebooks.07_vaes_in_nlp.ipynb" name="Cell 1"/></testsuite></testsuites>',
    )
    assert nbval_timing.fast_seconds(report) == {"07_vaes_in_nlp.ipynb": 4.0}


def test_budget_gate_prints_the_five_slowest_and_fails_only_over_budget(tmp_path, capsys):
    path = _report(tmp_path)
    assert nbval_timing.main(["--budget", "60", str(path)]) == 1
    out = capsys.readouterr().out
    listed, failed = out.split("FAILED")
    rows = [line.split()[-1] for line in listed.splitlines()[1:]]
    assert rows == [  # slowest first, five of the six notebooks
        "02_vae_vs_autoencoder.ipynb",
        "01_vae_principle.ipynb",
        "05_improving_a_vae.ipynb",
        "04_evaluating_a_vae.ipynb",
        "03_where_vaes_fit.ipynb",
    ]
    assert "1 notebook(s) over the 60 s" in failed and "02_vae_vs_autoencoder.ipynb" in failed
    assert "01_vae_principle" not in failed
    # exactly at the budget passes; one notebook over it fails
    assert nbval_timing.main(["--budget", "61", str(path)]) == 0
    assert "within the 61 s" in capsys.readouterr().out
    assert nbval_timing.main(["--budget", "35", str(path)]) == 1
    assert "2 notebook(s) over" in capsys.readouterr().out


def test_budget_gate_fails_without_notebook_cases(tmp_path, capsys):
    path = _report(tmp_path, "<testsuites><testsuite/></testsuites>")
    assert nbval_timing.main(["--budget", "60", str(path)]) == 1
    assert "no notebook test cases" in capsys.readouterr().out


@pytest.mark.parametrize("text", [None, "not xml <"])
def test_missing_or_broken_report_fails_with_a_message(tmp_path, capsys, text):
    path = tmp_path / "report.xml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    assert nbval_timing.main(["--budget", "60", str(path)]) == 1
    assert "FAILED" in capsys.readouterr().out
