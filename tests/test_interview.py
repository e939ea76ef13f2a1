"""The interview layer of every lesson: a 30-second answer first, interview follow-ups apart from experiment ones."""

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import cards  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
THIRTY_SECONDS = "The 30-second answer"
EXPERIMENT_HEADING = "Questions about this experiment"
MAX_WORDS = 80
MIN_INTERVIEW_FOLLOWUPS = 4


def _markdown(path):
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lesson_opens_with_a_thirty_second_answer(path):
    cells = _markdown(path)
    assert "题目" in cells[0], f"{path.name}: the first cell should quote the seed question"
    assert cells[1].startswith(f"## {THIRTY_SECONDS}\n"), (
        f"{path.name}: the cell right under the quoted question must be '## {THIRTY_SECONDS}'"
    )
    body = cards.section(cells[1], THIRTY_SECONDS)
    words = len(re.sub(r"\$[^$]*\$", "x", body).split())
    assert 15 <= words <= MAX_WORDS, f"{path.name}: the 30-second answer has {words} words (at most {MAX_WORDS})"
    assert not re.search(r"\d\.\d|\d\s*%", body), f"{path.name}: the 30-second answer quotes a measured number"
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", body.strip()) if s]
    assert 2 <= len(sentences) <= 4, f"{path.name}: the 30-second answer has {len(sentences)} sentences (2 to 4)"
    assert cards.section("\n\n".join(cells), "The short answer"), f"{path.name}: the two-minute answer is missing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_interview_followups_are_apart_from_experiment_questions(path):
    markdown = "\n\n".join(_markdown(path))
    interview = cards.parse_followups(cards.section(markdown, cards.FOLLOWUP_HEADING))
    assert len(interview) >= MIN_INTERVIEW_FOLLOWUPS, (
        f"{path.name}: {len(interview)} interview follow-ups (at least {MIN_INTERVIEW_FOLLOWUPS})"
    )
    experiment = cards.section(markdown, EXPERIMENT_HEADING)
    if experiment:
        assert cards.parse_followups(experiment), f"{path.name}: '## {EXPERIMENT_HEADING}' has no questions"
