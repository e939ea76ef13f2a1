"""The course's interview cards as an Anki deck: ``make anki`` -> ``_site/vae-interview.apkg``.

Built with ``genanki`` from the same cards as the site's flashcards (``tools/cards.py``): a parent deck
"VAE interview course" with one sub-deck per lesson, one note per card. Each note's GUID is
``genanki.guid_for(card.identity)``, so re-importing an updated deck changes the existing notes instead of adding
duplicates. Formulas use Anki's MathJax delimiters ``\\(…\\)`` and ``\\[…\\]``; every note is tagged with its lesson
(``vae::lesson-01``), its kind (``vae::main``, ``vae::followup``, ``vae::spot-the-bug``, ``vae::topic``) and
the interview topics its lesson proves (``vae::topic::posterior-collapse``, from ``course/topics.yaml``), so a
filtered deck (search ``tag:vae::topic::posterior-collapse``) drills one topic. The topic cards themselves sit in
their own sub-deck, "Topics interviewers ask".
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import genanki

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cards as cardlib  # noqa: E402
import texmath  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PARENT_DECK = "VAE interview course"
KIND_TAGS = {"main": "vae::main", "followup": "vae::followup", "bug": "vae::spot-the-bug", "topic": "vae::topic"}
TOPIC_DECK = "Topics interviewers ask"


def _stable_id(name: str) -> int:
    """A deck or model id derived from its name, in the range genanki recommends ([2**30, 2**31))."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big") % (1 << 30) + (1 << 30)


MODEL = genanki.Model(
    _stable_id("vae-course card model v1"),
    "VAE course card",
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Lesson"}, {"name": "Identity"}],
    templates=[
        {
            "name": "Card",
            "qfmt": "<div class='lesson'>{{Lesson}}</div>{{Front}}",
            "afmt": "{{FrontSide}}<hr id='answer'>{{Back}}",
        }
    ],
    css=(
        ".card{font-family:system-ui,sans-serif;font-size:18px;text-align:left;color:#111;background:#fff}"
        ".lesson{color:#777;font-size:14px} pre{background:#f6f6f6;padding:.5em;white-space:pre-wrap}"
        " code{font-family:monospace}"
    ),
    sort_field_index=3,
)


def _anki_html(markdown: str) -> str:
    """Markdown -> HTML for Anki: math in MathJax delimiters; links to the site's pages reduced to their text."""
    body = texmath.markdown_to_html(markdown, math="anki")
    return re.sub(r'<a href="(?!https?:)[^"]*">(.*?)</a>', r"\1", body, flags=re.S)


def note_for(card: cardlib.Card) -> genanki.Note:
    return genanki.Note(
        model=MODEL,
        fields=[
            _anki_html(card.front),
            _anki_html(card.back),
            _label(card),
            card.identity,
        ],
        guid=genanki.guid_for(card.identity),
        tags=([f"vae::lesson-{card.lesson:02d}"] if card.lesson else [])
        + [KIND_TAGS[card.kind]]
        + [f"vae::topic::{topic}" for topic in card.topics],
    )


def _label(card: cardlib.Card) -> str:
    if card.kind == "topic":
        return f"Topic · {card.lesson_title}"
    return f"{card.lesson:02d} · {card.lesson_title} — {cardlib.KIND_LABELS[card.kind]}"


def build_package(cards: list[cardlib.Card]) -> genanki.Package:
    """One sub-deck per lesson under the parent deck (the parent itself holds no notes)."""
    decks: dict[int, genanki.Deck] = {}
    for card in cards:
        if card.lesson not in decks:
            title = TOPIC_DECK if card.kind == "topic" else f"{card.lesson:02d} · {card.lesson_title}"
            name = f"{PARENT_DECK}::{title}"
            decks[card.lesson] = genanki.Deck(_stable_id(f"vae-course deck {card.lesson:02d}"), name)
        decks[card.lesson].add_note(note_for(card))
    parent = genanki.Deck(_stable_id("vae-course deck parent"), PARENT_DECK)
    return genanki.Package([parent, *(decks[n] for n in sorted(decks))])


def write_deck(cards: list[cardlib.Card], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    build_package(cards).write_to_file(str(path))
    return path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "_site" / "vae-interview.apkg"))
    parser.add_argument("notebooks", nargs="*", help="default: every lesson in notebooks/")
    args = parser.parse_args(argv)
    notebooks = [Path(p) for p in args.notebooks] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    import topics as topiclib

    cards = cardlib.all_cards(notebooks, topics=topiclib.load_topics())
    write_deck(cards, Path(args.out))
    n = cardlib.counts(cards)
    print(
        f"wrote {args.out}: {len(cards)} notes ({n['main']} main, {n['followup']} follow-up, "
        f"{n['bug']} spot-the-bug, {n['topic']} topic) in {len({c.lesson for c in cards})} decks"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
