"""Lesson prose cannot drift from the lesson's run (tools/prose_check.py says what is checked and how)."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import prose_check  # noqa: E402

NOTEBOOKS = prose_check.lesson_paths()
MAX_ALLOWLIST = 20


def test_there_are_thirty_lessons():
    assert len(NOTEBOOKS) == 30


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_prose_numbers_citations_and_references(path):
    findings = prose_check.check_lesson(path)
    assert not findings, f"{len(findings)} prose finding(s):\n" + "\n".join(map(str, findings))


def test_allowlist_is_short_and_every_entry_has_a_reason():
    allowlist = prose_check.load_allowlist()  # raises on an entry without a reason
    assert sum(len(v) for v in allowlist.values()) <= MAX_ALLOWLIST
    names = {p.name for p in NOTEBOOKS}
    assert set(allowlist) <= names, f"allowlist names unknown lessons: {set(allowlist) - names}"


def _lesson(tmp_path, markdown, code="print('ELBO -165.74 nats')", output="ELBO -165.74 nats\n"):
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(code)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=output)]
    nb.cells = [nbformat.v4.new_markdown_cell(markdown), cell]
    path = tmp_path / "07_tiny.ipynb"
    nbformat.write(nb, path)
    return path


REFS = "## References\n\n* D. P. Kingma, M. Welling (2014). *Auto-Encoding Variational Bayes.* ICLR 2014.\n"


def test_a_printed_number_passes_and_an_unprinted_one_fails(tmp_path):
    ok = _lesson(tmp_path, "The test ELBO is −165.7 nats (Kingma & Welling 2014 define it).\n\n" + REFS)
    assert prose_check.check_lesson(ok, allowlist={}) == []
    bad = _lesson(tmp_path, "The test ELBO is −165.8 nats, and `0.123` in code is ignored.\n\n" + REFS)
    findings = prose_check.check_lesson(bad, allowlist={})
    assert [(f.kind, f.item) for f in findings] == [("number", "165.8")]
    assert "07_tiny.ipynb" in str(findings[0]) and "−165.8 nats" in str(findings[0])


def test_percentages_match_fractions_only_when_one_side_is_a_percentage(tmp_path):
    printed = "print(6, '32%', 0.45)"
    ok = _lesson(tmp_path, "Shares 0.32 and 45 % of the digits.\n\n" + REFS, code=printed, output="6 32% 0.45\n")
    assert prose_check.check_lesson(ok, allowlist={}) == []
    bad = _lesson(tmp_path, "Each carries 0.06 nats.\n\n" + REFS, code=printed, output="6 32% 0.45\n")
    assert [f.item for f in prose_check.check_lesson(bad, allowlist={})] == ["0.06"]  # a printed 6 is not 0.06


def test_a_number_in_a_sentence_that_cites_its_source_passes(tmp_path):
    path = _lesson(tmp_path, "A VAE reaches about 86.76 nats (Kingma & Welling 2014).\n\n" + REFS)
    assert prose_check.check_lesson(path, allowlist={}) == []


def test_an_allowlisted_number_passes(tmp_path):
    path = _lesson(tmp_path, "The prior puts 99.7% of its mass within three sd.\n\n" + REFS)
    assert [f.item for f in prose_check.check_lesson(path, allowlist={})] == ["99.7"]
    assert prose_check.check_lesson(path, allowlist={"07_tiny.ipynb": {"99.7": "a property of N(0,1)"}}) == []


def test_a_citation_missing_from_the_references_fails(tmp_path):
    text = "Posterior collapse (Bowman et al. 2016; Kingma & Welling 2014) and VampPrior (Tomczak & Welling 2018).\n\n"
    findings = prose_check.check_lesson(_lesson(tmp_path, text + REFS), allowlist={})
    assert sorted(f.item for f in findings) == ["Bowman 2016", "Tomczak & Welling 2018"]
    assert all(f.kind == "citation" for f in findings)


def test_every_name_of_a_group_must_be_an_author_of_one_entry(tmp_path):
    refs = REFS + "* A. Karras, B. Other (2019). *A Paper.* CVPR 2019.\n* J. He, K. Lee (2019). *Lagging.* ICLR 2019.\n"
    text = "StyleGAN (Karras et al. 2019), lagging (He et al. 2019), a model (PacGAN, Kingma & Welling 2014).\n\n"
    assert prose_check.check_lesson(_lesson(tmp_path, text + refs), allowlist={}) == []
    text = "Co-author only (Other et al. 2014) and Rezende, Mohamed & Wierstra 2014.\n\n"
    findings = prose_check.check_lesson(_lesson(tmp_path, text + refs), allowlist={})
    assert sorted(f.item for f in findings) == ["Mohamed & Wierstra 2014", "Other 2014"]


def test_math_code_and_links_are_not_prose(tmp_path):
    text = "Here $\\sigma = 0.35$ and `lr=0.001` and [v2.21](https://x.org/3.14) are skipped.\n\n" + REFS
    assert prose_check.check_lesson(_lesson(tmp_path, text), allowlist={}) == []


@pytest.mark.parametrize(
    "entry",
    [
        "* Kingma, D. P., & Welling, M. (2014). Auto-Encoding Variational Bayes. *ICLR*.",  # title not italic
        "* D. P. Kingma, M. Welling (2014). *Auto-Encoding Variational Bayes.*",  # no venue
        "* *Auto-Encoding Variational Bayes.* ICLR 2014.",  # no authors, no year
    ],
)
def test_an_incomplete_reference_fails(tmp_path, entry):
    findings = prose_check.check_lesson(_lesson(tmp_path, "Text.\n\n## References\n\n" + entry), allowlist={})
    assert [f.kind for f in findings] == ["reference"]
