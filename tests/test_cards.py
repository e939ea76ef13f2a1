"""tools/cards.py: the one card generator behind the flashcards page, the mock interview and the Anki deck."""

import re
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import FOLLOWUPS_HEADINGS, FOLLOWUPS_NUMBERED, lesson_with_followups

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import cards  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def course_cards():
    return cards.all_cards(NOTEBOOKS)


def _tiny_lesson(path: Path, followups: str = "", number: int = 7) -> Path:
    """A minimal lesson notebook in the course's template (no code needed for cards)."""
    cells = [
        f"# {number:02d} · A tiny lesson\n\n> **题目 {number}：VAE 是什么？** (What is a VAE?)\n\nOne line.",
        "## The short answer\n\nA latent-variable model trained by maximising the ELBO, $\\log p(x) \\ge$ ELBO.",
        "## Interview summary\n\n* one bullet",
    ]
    if followups:
        cells.append(followups)
    cells.append("## Exercises\n\n1. Do something.\n\n```python\n# not a heading\nassert True\n```")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(c) for c in cells])
    target = path / f"{number:02d}_tiny.ipynb"
    nbformat.write(nb, target)
    return target


def test_one_main_card_per_lesson_with_the_seed_question_and_the_short_answer(course_cards):
    main = [c for c in course_cards if c.kind == "main"]
    assert [c.lesson for c in main] == [int(nb.name[:2]) for nb in NOTEBOOKS]
    for card in main:
        assert CJK.search(card.front) and f"题目 {card.lesson}" in card.front, card.identity
        assert card.lesson_title in card.front
        assert len(card.back) > 100, f"{card.identity}: short answer missing"
        assert card.identity == f"vae-course/{card.lesson:02d}/main"


def test_english_question_is_on_the_front(course_cards):
    first = next(c for c in course_cards if c.identity == "vae-course/01/main")
    assert "What is the basic principle of a VAE?" in first.front
    assert first.back.startswith("A VAE is a latent-variable generative model")  # the 30-second answer first
    assert "<details><summary>The two-minute answer</summary>" in first.back
    assert "A VAE is a **latent-variable generative model**" in first.back  # the short answer, on demand


def test_spot_the_bug_cards_come_from_lesson_01s_shared_errata(course_cards):
    bugs = [c for c in course_cards if c.kind == "bug"]
    assert len(bugs) >= 5
    assert all(c.lesson == 1 and re.fullmatch(r"E\d+", c.key) for c in bugs)
    assert len({c.key for c in bugs}) == len(bugs)
    for card in bugs:
        assert card.front.startswith("Spot the bug")
        assert "Fix" in card.back, card.identity
        # the snippets on the front are quoted in the erratum on the back
        for snippet in re.findall(r"```python\n(.*?)\n```", card.front, flags=re.S):
            for line in snippet.splitlines():
                assert line in card.back, (card.identity, line)
    e2 = next(c for c in bugs if c.key == "E2")
    assert "z_mean + z_log_var * eps" in e2.front
    assert "exp(0.5 * z_log_var)" not in e2.front, "the front must not give the fix away"


def test_parse_errata_is_robust_to_list_style_and_plain_items():
    body = (
        "Intro paragraph with `code` that is not an item.\n\n"
        "1. **E1 — `foo(x) -> y` is not Python.** Explanation. Fix: write `def`.\n"
        "2. **E2 — a text-only remark.** No code quoted here.\n"
        "- **E3 — squashing.** The copies apply `tanh` and `relu`. Fix: `Dense(2)` linear.\n"
        "* **Unlabelled — `bad[-1]` indexing.** Fix: keep the tensor.\n"
    )
    items = cards.parse_errata(body)
    assert [(label, snippets) for label, _, snippets, _ in items] == [
        ("E1", ["foo(x) -> y"]),
        ("E3", ["tanh", "relu"]),  # only the text before "Fix:" is searched
        ("item4", ["bad[-1]"]),
    ]


def test_followups_as_a_numbered_list(tmp_path):
    lesson = cards.read_lesson_text(_tiny_lesson(tmp_path, FOLLOWUPS_NUMBERED))
    made = cards.lesson_cards(lesson)
    follow = [c for c in made if c.kind == "followup"]
    assert [c.key for c in follow] == ["1", "2", "elbo-gap"]
    assert follow[0].front == "Why not the score-function (REINFORCE) estimator?"
    assert "nested list item" in follow[0].back, "a numbered list inside an answer is not a new question"
    assert "](07_tiny.html#The-math)" in follow[0].back, "in-lesson anchors point at the lesson page"
    assert "# a comment line is not a heading" in follow[1].back
    assert follow[1].back.startswith("$$\\mathrm{KL}")
    assert "<a id" not in follow[2].front and follow[2].front.startswith("What does the gap")
    assert all(c.anchor == "Follow-up-questions" for c in follow)


def test_followups_as_sub_headings(tmp_path):
    lesson = cards.read_lesson_text(_tiny_lesson(tmp_path, FOLLOWUPS_HEADINGS))
    follow = [c for c in cards.lesson_cards(lesson) if c.kind == "followup"]
    assert [(c.key, c.front) for c in follow] == [
        ("1", "Why is the KL term analytic here?"),
        ("2", "What does $\\beta > 1$ do?"),
    ]
    assert follow[1].back.startswith("It weights the KL more")


def test_a_followup_without_an_answer_is_an_error(tmp_path):
    broken = "## Follow-up questions\n\n1. A question with no collapsed answer.\n\n2. Another.\n"
    with pytest.raises(ValueError, match="no <details> answer"):
        cards.all_cards([_tiny_lesson(tmp_path, broken)])


def test_a_followup_section_in_another_format_is_an_error(tmp_path):
    bullets = "## Follow-up questions\n\n* A bullet question?\n  <details><summary>Answer</summary>A.</details>\n"
    with pytest.raises(ValueError, match="no questions found"):
        cards.all_cards([_tiny_lesson(tmp_path, bullets)])


def test_a_lesson_without_followups_has_only_its_main_card(tmp_path):
    made = cards.all_cards([_tiny_lesson(tmp_path)])
    assert [c.identity for c in made] == ["vae-course/07/main"]


def test_identities_are_unique_and_do_not_depend_on_the_text(tmp_path):
    first = cards.all_cards([lesson_with_followups(NOTEBOOKS[0], tmp_path / NOTEBOOKS[0].name)])
    assert len({c.identity for c in first}) == len(first)
    edited = FOLLOWUPS_NUMBERED.replace("Why not the score-function", "Why not use the score-function")
    second = cards.all_cards([lesson_with_followups(NOTEBOOKS[0], tmp_path / NOTEBOOKS[0].name, edited)])
    assert [c.identity for c in first] == [c.identity for c in second]
    assert [c.front for c in first] != [c.front for c in second]


def test_section_ignores_headings_inside_code():
    md = "## A\n\ntext\n\n```python\n# comment\n## also a comment\n```\n\nmore\n\n## B\n\nb"
    assert cards.section(md, "A").endswith("more")
    assert cards.section(md, "B") == "b"
    assert cards.section(md, "C") == ""


def test_counts_of_the_course(course_cards):
    n = cards.counts(course_cards)
    print(f"cards: {n}")
    assert n["main"] == len(NOTEBOOKS)
    assert n["bug"] >= 5
