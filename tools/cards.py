"""Interview cards from the lessons: the one source of the site's flashcards, its mock interview and the Anki deck.

Three kinds of card, each with a stable identity (``Card.identity``, e.g. ``vae-course/01/main``):

* ``main`` — one per lesson: front = the Chinese seed question quoted in the lesson, its English translation and
  the lesson's title; back = the lesson's ``## The 30-second answer``, then its ``## The short answer`` (the
  two-minute version) collapsed in ``<details>``.
* ``followup`` — one per question of a lesson's ``## Follow-up questions`` section. Each question is a numbered
  list item or a ``### `` sub-heading, followed by its model answer collapsed in
  ``<details><summary>Answer</summary> … </details>``. Identity: the question's explicit anchor
  (``<a id="…">`` or ``<a name="…">`` in the question) if it has one, else its position (1, 2, …).
* ``topic`` — one per topic of ``course/topics.yaml`` (``tools/topics.py``; ``all_cards(..., topics=...)``):
  front = the topic's question, back = its 30-second answer and links to the lessons that prove it. Every card of
  a topic's lessons carries the topic's id in ``Card.topics`` (tags in Anki, a filter in the mock interview).
* ``bug`` — "spot the bug": one per item of lesson 01's ``## Seed code errata shared by all lessons`` that quotes
  seed code: front = the quoted snippet(s), back = the error and its fix. Identity: the item's label (``E1``…).

``python tools/cards.py`` prints the counts per kind.
"""

from __future__ import annotations

import re
import sys
import textwrap
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("main", "followup", "bug", "topic")
KIND_LABELS = {"main": "Seed question", "followup": "Follow-up", "bug": "Spot the bug", "topic": "Topic"}
THIRTY_SECONDS_HEADING = "The 30-second answer"
ERRATA_LESSON = 1
ERRATA_HEADING = "Seed code errata shared by all lessons"
FOLLOWUP_HEADING = "Follow-up questions"


@dataclass(frozen=True)
class Card:
    lesson: int
    kind: str  # one of KINDS
    key: str  # "" for the main card; the follow-up's anchor or position; the erratum's label
    front: str  # markdown
    back: str  # markdown
    lesson_title: str  # "The VAE principle"
    page: str  # the lesson's site page, "01_vae_principle.html"
    anchor: str = ""  # the section of the lesson page the card comes from
    topics: tuple[str, ...] = ()  # ids of the course/topics.yaml topics whose lessons include this card's

    @property
    def identity(self) -> str:
        """Stable across builds and text edits: lesson, kind and key (Anki GUIDs are derived from it)."""
        return f"vae-course/{self.lesson:02d}/{self.kind}" + (f"/{self.key}" if self.key else "")

    @property
    def dom_id(self) -> str:
        return "card-" + re.sub(r"[^A-Za-z0-9]+", "-", self.identity.removeprefix("vae-course/")).strip("-")


@dataclass
class LessonText:
    number: int
    path: Path
    title: str  # "01 · The VAE principle"
    question_zh: str  # "VAE 的基本原理是什么？"
    question_en: str  # "What is the basic principle of a VAE?"
    markdown: str  # all markdown cells, joined

    @property
    def short_title(self) -> str:
        return self.title.split("·", 1)[-1].strip()

    @property
    def page(self) -> str:
        return self.path.with_suffix(".html").name


_FENCE = re.compile(r"^\s*(```|~~~)")


def _top_level_lines(markdown: str):
    """``(line, top)`` pairs: ``top`` is False inside fenced code and inside ``<details>`` blocks."""
    in_fence, depth = False, 0
    for line in markdown.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            yield line, False
            continue
        top = not in_fence and depth == 0
        if not in_fence:
            depth += len(re.findall(r"<details\b", line, flags=re.I)) - len(re.findall(r"</details>", line, flags=re.I))
            depth = max(depth, 0)
        yield line, top


def section(markdown: str, heading: str) -> str:
    """The body of the ``## heading`` section of a markdown text, up to the next ``## `` or ``# `` heading
    (headings inside fenced code, such as Python comments, do not count)."""
    body: list[str] | None = None
    for line, top in _top_level_lines(markdown):
        if top and re.match(r"^#{1,2} ", line):
            if body is not None:
                break
            if re.match(rf"^## {re.escape(heading)}", line, flags=re.I):
                body = []
                continue
        if body is not None:
            body.append(line)
    return "\n".join(body).strip() if body is not None else ""


def _split_items(body: str, marker: str) -> list[str]:
    """Split a section at lines matching ``marker`` outside code fences and ``<details>``; drop the text before
    the first item. The marker itself is removed from each item's first line."""
    items: list[list[str]] = []
    for line, top in _top_level_lines(body):
        m = re.match(marker, line) if top else None
        if m:
            items.append([line[m.end() :]])
        elif items:
            items[-1].append(line)
    return ["\n".join(item) for item in items]


def heading_anchor(heading: str) -> str:
    """The id nbconvert gives a heading: spaces -> '-', markdown emphasis and code marks dropped."""
    text = re.sub(r"[`*_]", "", heading).strip()
    return text.replace(" ", "-")


def _markdown_cells(nb) -> str:
    """All markdown cells; lines inside fenced code blocks are kept but cannot start a section (indented)."""
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def read_lesson_text(path: Path) -> LessonText:
    nb = nbformat.read(path, as_version=4)
    md = _markdown_cells(nb)
    title = re.search(r"^# (.+)$", md, flags=re.M)
    quote = " ".join(line.lstrip("> ").strip() for line in md.splitlines() if line.startswith(">") and line.strip())
    m = re.search(r"题目\s*\d+\s*[:：]\s*([^*\n]+?)\s*\*\*\s*(?:\((.+?)\)\s*(?:$|\s))?", quote + " ")
    return LessonText(
        number=int(path.name[:2]),
        path=path,
        title=title.group(1).strip() if title else path.stem,
        question_zh=m.group(1).strip() if m else "",
        question_en=(m.group(2) or "").strip() if m else "",
        markdown=md,
    )


_DETAILS = re.compile(r"<details>\s*<summary>(.*?)</summary>(.*?)</details>", flags=re.S | re.I)
_ANCHOR = re.compile(r"""<a\s+(?:id|name)=["']([^"']+)["']\s*>\s*</a>""", flags=re.I)


def _dedent_block(text: str) -> str:
    """Dedent a list item's continuation lines (its first line is already stripped of the marker)."""
    lines = text.splitlines()
    if len(lines) <= 1:
        return text.strip()
    return (lines[0].strip() + "\n" + textwrap.dedent("\n".join(lines[1:]))).strip()


def parse_followups(body: str) -> list[tuple[str, str, str]]:
    """``[(key, question, answer), …]`` from a ``## Follow-up questions`` section body (markdown).

    Questions are ``### `` sub-headings or numbered list items (``1.`` / ``1)``); the text before the first one
    is an introduction and is ignored. Each question needs a ``<details>`` block holding its answer.
    """
    chunks = _split_items(body, r"^###\s+")
    if not chunks:
        chunks = _split_items(body, r"^\d+[.)]\s+")
    if not chunks and body.strip():
        raise ValueError("no questions found: write them as numbered list items or '### ' sub-headings")
    items = []
    for i, chunk in enumerate(chunks, start=1):
        chunk = _dedent_block(chunk)
        m = _DETAILS.search(chunk)
        if not m:
            first = chunk.splitlines()[0] if chunk else ""
            raise ValueError(f"follow-up question {i} has no <details> answer: {first[:80]!r}")
        question = chunk[: m.start()].strip()
        answer = textwrap.dedent(m.group(2)).strip()
        after = chunk[m.end() :].strip()  # e.g. a "Shown in …" line after the answer
        if after:
            answer = f"{answer}\n\n{after}"
        anchor = _ANCHOR.search(question)
        key = anchor.group(1) if anchor else str(i)
        question = _ANCHOR.sub("", question).strip()
        if not question or not answer:
            raise ValueError(f"follow-up question {i} has an empty question or answer")
        items.append((key, question, answer))
    return items


_ERRATUM_LABEL = re.compile(r"^\*\*\s*(?:([A-Z]\d+)\s*[—–:-]+\s*)?(.*?)\*\*", flags=re.S)
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", flags=re.S)


def _looks_like_code(span: str) -> bool:
    """A call, an expression or an assignment — not a bare name or a shape like ``(64, 64, 2)``."""
    return bool(re.search(r"[A-Za-z_]", span) and re.search(r"[(\[=*+.]", span))


def parse_errata(body: str) -> list[tuple[str, str, list[str], str]]:
    """``[(label, title, snippets, item_markdown), …]`` from the shared seed-code errata section.

    Items are top-level bullet (``*``/``-``) or numbered list items whose bold lead names the error,
    ``**E1 — title.**``. The snippets are the code spans of the bold lead, else the code-like spans of the
    body before its ``Fix:``, else all of that text's code spans; an item without any is not code and is skipped.
    """
    chunks = _split_items(body, r"^(?:[*-]|\d+[.)])\s+")
    items = []
    for i, chunk in enumerate(chunks, start=1):
        chunk = _dedent_block(chunk)
        m = _ERRATUM_LABEL.match(chunk)
        if not m:
            continue
        label = m.group(1) or f"item{i}"
        title = m.group(2).strip().rstrip(".")
        snippets = [s.strip() for _, s in _CODE_SPAN.findall(m.group(0))]
        if not snippets:
            rest = chunk[m.end() :].split("Fix:", 1)[0]
            spans = [s.strip() for _, s in _CODE_SPAN.findall(rest)]
            snippets = [s for s in spans if _looks_like_code(s)] or spans
        snippets = list(dict.fromkeys(snippets))  # unique, in order
        if snippets:
            items.append((label, title, snippets, chunk))
    return items


def _rewrite_links(markdown: str, page: str) -> str:
    """Links written for the notebooks -> links that work from any page of the site."""
    markdown = re.sub(r"\]\((\d\d_[\w-]+)\.ipynb", r"](\1.html", markdown)
    markdown = re.sub(r"\]\(#", f"]({page}#", markdown)
    return markdown.replace("](../README.md#course-map)", "](index.html#course-map)")


def lesson_cards(lesson: LessonText) -> list[Card]:
    """The main card and the follow-up cards of one lesson (in this order)."""
    page = lesson.page
    common = {"lesson": lesson.number, "lesson_title": lesson.short_title, "page": page}
    front = f"**题目 {lesson.number}：{lesson.question_zh}**"
    if lesson.question_en:
        front += f"\n\n{lesson.question_en}"
    front += f"\n\n*{lesson.short_title}*"
    short = section(lesson.markdown, "The short answer")
    if not short:
        raise ValueError(f"{lesson.path.name} has no '## The short answer' section")
    spoken = section(lesson.markdown, THIRTY_SECONDS_HEADING)
    if spoken:  # the 30-second answer first, the two-minute one on demand
        back = f"{spoken}\n\n<details><summary>The two-minute answer</summary>\n\n{short}\n\n</details>"
        anchor = heading_anchor(THIRTY_SECONDS_HEADING)
    else:
        back, anchor = short, "The-short-answer"
    main = Card(kind="main", key="", front=front, back=_rewrite_links(back, page), anchor=anchor, **common)
    cards = [main]
    body = section(lesson.markdown, FOLLOWUP_HEADING)
    if body:
        try:
            followups = parse_followups(body)
        except ValueError as err:
            raise ValueError(f"{lesson.path.name}: {err}") from None
        for key, question, answer in followups:
            cards.append(
                Card(
                    kind="followup",
                    key=key,
                    front=_rewrite_links(question, page),
                    back=_rewrite_links(answer, page),
                    anchor=heading_anchor(FOLLOWUP_HEADING),
                    **common,
                )
            )
    return cards


def bug_cards(lesson: LessonText) -> list[Card]:
    """The "spot the bug" cards of lesson 01's shared seed-code errata (none for other lessons)."""
    body = section(lesson.markdown, ERRATA_HEADING)
    cards = []
    for label, _title, snippets, item in parse_errata(body):
        where = re.search(r"\((questions?\s[^)]*)\)", item.split("Fix:", 1)[0])
        source = "the seed article's VAE boilerplate" + (f" ({where.group(1)})" if where else "")
        if any(_looks_like_code(s) for s in snippets):
            front = f"Spot the bug — from {source}:\n\n```python\n" + "\n".join(snippets) + "\n```"
        else:  # bare names: ask how the boilerplate uses them
            names = ", ".join(f"`{s}`" for s in snippets)
            front = f"Spot the bug — how does {source} use {names}, and what is wrong with it?"
        cards.append(
            Card(
                lesson=lesson.number,
                kind="bug",
                key=label,
                front=front,
                back=_rewrite_links(item, lesson.page),
                lesson_title=lesson.short_title,
                page=lesson.page,
                anchor=heading_anchor(ERRATA_HEADING),
            )
        )
    return cards


def all_cards(notebooks: list[Path], topics: list | None = None) -> list[Card]:
    """Every card of the course, by lesson: main, follow-ups, then (lesson 01) spot-the-bug cards; with
    ``topics`` (``tools/topics.py``), every card tagged with its lesson's topics and one card per topic at the end."""
    cards: list[Card] = []
    for path in sorted(notebooks, key=lambda p: p.name):
        lesson = read_lesson_text(path)
        cards += lesson_cards(lesson)
        cards += bug_cards(lesson)
    if topics:
        import dataclasses

        import topics as topiclib

        tags = topiclib.topic_tags(topics)
        cards = [dataclasses.replace(c, topics=tuple(tags.get(c.lesson, ()))) for c in cards]
        cards += [dataclasses.replace(c, topics=(c.key,)) for c in topiclib.topic_cards(topics)]
    identities = Counter(card.identity for card in cards)
    duplicates = [identity for identity, n in identities.items() if n > 1]
    if duplicates:
        raise ValueError(f"two cards share an identity: {duplicates}")
    return cards


def counts(cards: list[Card]) -> dict[str, int]:
    by_kind = Counter(card.kind for card in cards)
    return {kind: by_kind.get(kind, 0) for kind in KINDS}


def main(argv: list[str]) -> int:
    notebooks = [Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    import topics as topiclib

    cards = all_cards(notebooks, topics=topiclib.load_topics())
    n = counts(cards)
    print(
        f"{len(cards)} cards: {n['main']} main, {n['followup']} follow-up, {n['bug']} spot-the-bug, {n['topic']} topic "
        f"from {len(notebooks)} lessons"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
