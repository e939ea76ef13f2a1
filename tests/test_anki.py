"""tools/anki.py: the .apkg is a zip holding an SQLite collection with one note per card and stable GUIDs."""

import json
import sqlite3
import sys
import zipfile
from pathlib import Path

import genanki
import pytest
from conftest import lesson_with_followups

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import anki  # noqa: E402
import cards  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _notes(apkg: Path, workdir: Path):
    """``(notes, deck names)`` of an .apkg: notes as ``{guid: (fields, tags)}``."""
    with zipfile.ZipFile(apkg) as archive:
        assert "collection.anki2" in archive.namelist()
        archive.extract("collection.anki2", workdir)
    con = sqlite3.connect(workdir / "collection.anki2")
    try:
        notes = {
            guid: (fields.split("\x1f"), tags.split())
            for guid, fields, tags in con.execute("SELECT guid, flds, tags FROM notes")
        }
        decks = json.loads(con.execute("SELECT decks FROM col").fetchone()[0])
        n_cards = con.execute("SELECT count(*) FROM cards").fetchone()[0]
    finally:
        con.close()
    return notes, {d["name"] for d in decks.values()}, n_cards


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The course's notebooks, with lesson 01 carrying a synthetic follow-up section."""
    tmp = tmp_path_factory.mktemp("lessons")
    first = lesson_with_followups(NOTEBOOKS[0], tmp / NOTEBOOKS[0].name)
    return [first, *NOTEBOOKS[1:]]


def test_deck_holds_one_note_per_card_with_stable_guids(course, tmp_path):
    course_cards = cards.all_cards(course)
    assert cards.counts(course_cards)["followup"] >= 3
    builds = []
    for i in range(2):
        apkg = anki.write_deck(cards.all_cards(course), tmp_path / f"build{i}" / "vae-interview.apkg")
        builds.append(_notes(apkg, tmp_path / f"x{i}"))
    (notes, decks, n_cards), (notes2, decks2, _) = builds
    assert len(notes) == len(course_cards) == n_cards
    assert set(notes) == set(notes2), "GUIDs changed between two builds"
    assert set(notes) == {genanki.guid_for(c.identity) for c in course_cards}
    assert decks == decks2
    lesson_decks = {d for d in decks if d.startswith(anki.PARENT_DECK + "::")}
    assert len(lesson_decks) == len(NOTEBOOKS) and anki.PARENT_DECK in decks
    assert f"{anki.PARENT_DECK}::01 · The VAE principle" in decks


def test_notes_carry_tags_and_anki_math(course, tmp_path):
    course_cards = cards.all_cards(course)
    apkg = anki.write_deck(course_cards, tmp_path / "vae-interview.apkg")
    notes, _, _ = _notes(apkg, tmp_path)
    by_identity = {fields[3]: (fields, tags) for fields, tags in notes.values()}
    for card in course_cards:
        fields, tags = by_identity[card.identity]
        assert f"vae::lesson-{card.lesson:02d}" in tags and anki.KIND_TAGS[card.kind] in tags
    front, back = by_identity["vae-course/01/main"][0][:2]
    assert "题目 1" in front
    assert "\\(" in back and "$" not in back and "<math" not in back
    kl = by_identity["vae-course/01/followup/2"][0][1]
    assert kl.startswith("<p>\\[\\mathrm{KL}")
    assert "<a href" not in by_identity["vae-course/01/followup/1"][0][1], "links to the site are reduced to text"


def test_an_edited_card_keeps_its_guid(course, tmp_path):
    card = cards.all_cards(course)[1]
    edited = cards.Card(**{**card.__dict__, "front": card.front + " (reworded)"})
    assert anki.note_for(edited).guid == anki.note_for(card).guid
