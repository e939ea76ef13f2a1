"""tools/slides.py: slideshow metadata (idempotent, metadata only), reveal.js decks, instructor notes."""

import copy
import re
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import lesson_with_followups

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import slides  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _first_cell(nb, prefix):
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith(prefix))


def test_apply_sets_metadata_only_and_is_idempotent(tmp_path, capsys):
    copy = tmp_path / NOTEBOOKS[0].name
    before = nbformat.read(NOTEBOOKS[0], as_version=4)
    for cell in before.cells:
        cell.metadata.pop("slideshow", None)
    nbformat.write(before, copy)
    assert slides.main(["apply", str(copy)]) == 0
    after = nbformat.read(copy, as_version=4)
    assert f"{len(after.cells)} cells changed" in capsys.readouterr().out
    assert [c.source for c in after.cells] == [c.source for c in before.cells]
    assert [c.get("outputs") for c in after.cells] == [c.get("outputs") for c in before.cells]
    assert after.metadata == before.metadata  # the run stamp (code hash) is untouched
    assert all(c.metadata["slideshow"]["slide_type"] in ("slide", "subslide", "-", "skip") for c in after.cells)
    text = copy.read_text(encoding="utf-8")
    assert slides.main(["apply", str(copy)]) == 0
    assert "0 cells changed" in capsys.readouterr().out
    assert copy.read_text(encoding="utf-8") == text


def test_apply_keeps_a_teachers_choice_unless_reset(tmp_path):
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    nb.cells[1].metadata["slideshow"] = {"slide_type": "fragment"}
    nb.cells[2].metadata.pop("slideshow", None)
    assert slides.apply_slideshow(nb) == 1  # only the cell without metadata
    assert nb.cells[1].metadata["slideshow"] == {"slide_type": "fragment"}
    assert slides.apply_slideshow(nb, reset=True) >= 1
    assert nb.cells[1].metadata["slideshow"] == {"slide_type": slides.slide_types(nb)[1]}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_key_cells_become_slides(path):
    nb = nbformat.read(path, as_version=4)
    missing = [i for i, c in enumerate(nb.cells) if "slideshow" not in c.metadata]
    assert not missing, f"{path.name}: cells {missing} have no slide type; run `python tools/slides.py apply {path}`"
    types = [c.metadata["slideshow"]["slide_type"] for c in nb.cells]  # what RISE presents
    assert set(types) <= {"slide", "subslide", "fragment", "-", "skip", "notes"}, set(types)
    assert types[0] == "slide"
    for heading in ("## The short answer", "## What the original gets wrong", "## Interview summary"):
        cell = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and heading in c.source)
        assert types[cell] == "slide", heading
    figure = slides.key_figure(nb)
    assert figure is not None and types[figure] == "slide"
    assert any(k.startswith("image/") for o in nb.cells[figure].outputs for k in o.get("data", {}))
    for cell, kind in zip(nb.cells, types):
        if kind == "skip":
            assert cell.cell_type == "code" and len(cell.source.splitlines()) > slides.LONG_CODE


def test_key_figure_follows_the_experiment_heading():
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    experiment = _first_cell(nb, "## Experiment")
    figure = slides.key_figure(nb)
    assert figure > experiment
    assert not any(c.cell_type == "code" and slides._has_image(c) for c in nb.cells[experiment + 1 : figure]), (
        "the key figure is the first figure after the heading"
    )


def test_existing_metadata_is_kept_in_the_deck():
    nb = nbformat.read(NOTEBOOKS[1], as_version=4)
    slides.apply_slideshow(nb)
    errata = _first_cell(nb, "## What the original gets wrong")
    nb.cells[errata].metadata["slideshow"] = {"slide_type": "fragment"}  # a teacher's own choice
    deck = slides.deck_notebook(nb)
    assert deck.cells[_first_cell(deck, "## What the original gets wrong")].metadata["slideshow"] == {
        "slide_type": "fragment"
    }


def test_deck_splits_sections_and_adds_the_instructor_notes():
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    note = slides.load_instructor_notes()[1]
    before = copy.deepcopy(nb)
    deck = slides.deck_notebook(nb, note)
    assert nb == before, "the lesson itself is not modified"
    heads = [c.source.splitlines()[0] for c in deck.cells if c.cell_type == "markdown" and c.source]
    assert "## Intuition" in heads and "## The math" in heads  # one cell in the lesson, two slides in the deck
    speaker = deck.cells[1]
    assert speaker.metadata["slideshow"] == {"slide_type": "notes"} and note["ask"][0] in speaker.source
    assert deck.cells[-1].source.startswith("## For the room")
    long_code = [c for c in deck.cells if c.cell_type == "code" and len(c.source.splitlines()) > slides.LONG_CODE]
    assert long_code and all(c.metadata["transient"]["remove_source"] for c in long_code)


def test_export_writes_reveal_decks_with_mathml(tmp_path):
    lesson = lesson_with_followups(NOTEBOOKS[0], tmp_path / NOTEBOOKS[0].name)
    [deck] = slides.export([lesson], tmp_path / "slides")
    assert deck.name == "01_vae_principle.slides.html"
    page = deck.read_text(encoding="utf-8")
    assert page.count("<section") > 20
    assert "<math" in page and "$$" not in page
    assert '<aside class="notes">' in page and "For the room" in page
    assert 'href="../02_vae_vs_autoencoder.html"' in page and ".ipynb" not in re.sub(r"<pre.*?</pre>", "", page)
    scripts = re.findall(r"<script[^>]*src=['\"]([^'\"]+)", page)
    assert scripts and all(s.startswith(slides.REVEAL_PREFIX) for s in scripts), scripts
    assert "mathjax" not in page.lower() and "require.js" not in page


def test_instructor_notes_cover_every_lesson():
    notes = slides.load_instructor_notes()
    assert sorted(notes) == [int(p.name[:2]) for p in NOTEBOOKS]
    for number, note in notes.items():
        assert isinstance(note["minutes"], int) and 15 <= note["minutes"] <= 90, number
        assert note["figure"].startswith("Figure"), number
        assert len(note["ask"]) == 2 and all(q.strip().endswith("?") for q in note["ask"]), number
        # the figure named in the note exists in the lesson's captions
        nb = nbformat.read(NOTEBOOKS[number - 1], as_version=4)
        label = re.match(r"Figures? [\d and]+", note["figure"]).group(0).strip()
        assert any(label in c.source for c in nb.cells if c.cell_type == "markdown"), (number, label)
