"""The topics interviewers ask (``course/topics.yaml``): entry points into the lessons.

Each topic has a question, a 30-second answer and the lesson sections that prove it. The site shows them on
``topics.html``; the README's "Topics interviewers ask" list is generated here (``--readme``); the flashcards and
the Anki deck get one ``topic`` card per topic, and every card of a topic's lessons carries the topic's tag, so
the mock interview and Anki can draw by topic.

``python tools/topics.py`` checks every topic (answer length, links to existing sections) and prints them.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cards as cardlib  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TOPICS = ROOT / "course" / "topics.yaml"
MAX_WORDS = 80
MIN_TOPICS = 11


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    question: str
    answer: str
    lessons: tuple[tuple[int, str], ...]  # (lesson number, section heading)

    @property
    def lesson_numbers(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(n for n, _ in self.lessons))


def load_topics(path: Path = TOPICS) -> list[Topic]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    topics = []
    for entry in raw:
        missing = [k for k in ("id", "title", "question", "answer", "lessons") if not entry.get(k)]
        if missing:
            raise ValueError(f"{path.name}: topic {entry.get('id', '?')!r} lacks {missing}")
        topics.append(
            Topic(
                entry["id"],
                entry["title"],
                entry["question"],
                " ".join(entry["answer"].split()),
                tuple((int(n), str(h)) for n, h in entry["lessons"]),
            )
        )
    ids = [t.id for t in topics]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path.name}: duplicate topic ids")
    return topics


def lesson_paths() -> dict[int, Path]:
    return {int(p.name[:2]): p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))}


def lesson_headings(path: Path) -> set[str]:
    """The ``##``/``###`` headings of a lesson's markdown (outside code fences and ``<details>``)."""
    markdown = cardlib.read_lesson_text(path).markdown
    return {
        line.lstrip("#").strip()
        for line, top in cardlib._top_level_lines(markdown)
        if top and re.match(r"^#{2,3} ", line)
    }


def problems(topics: list[Topic], paths: dict[int, Path] | None = None, min_topics: int = MIN_TOPICS) -> list[str]:
    """Why the topics are not ready: fewer than ``min_topics``, an answer too long or quoting a decimal, a link to
    no section."""
    paths = lesson_paths() if paths is None else paths
    found = [] if len(topics) >= min_topics else [f"{len(topics)} topics (at least {min_topics})"]
    headings = {n: lesson_headings(p) for n, p in paths.items()}
    for topic in topics:
        words = len(topic.answer.split())
        if words > MAX_WORDS:
            found.append(f"{topic.id}: the 30-second answer has {words} words (at most {MAX_WORDS})")
        if re.search(r"\d\.\d", topic.answer):
            found.append(f"{topic.id}: the 30-second answer quotes a decimal number")
        for number, heading in topic.lessons:
            if number not in headings:
                found.append(f"{topic.id}: lesson {number:02d} does not exist")
            elif heading not in headings[number]:
                found.append(f"{topic.id}: lesson {number:02d} has no section {heading!r}")
    return found


def section_link(number: int, heading: str, paths: dict[int, Path], suffix: str = ".html") -> str:
    """The link to a lesson section; the anchor is URL-encoded as nbconvert encodes its heading ids (an em dash
    becomes ``%E2%80%94``), which JupyterLab and GitHub also resolve."""
    anchor = quote(cardlib.heading_anchor(heading), safe="?/:@!$&()*+,;=")
    return f"{paths[number].stem}{suffix}#{anchor}"


def topic_cards(topics: list[Topic], paths: dict[int, Path] | None = None) -> list[cardlib.Card]:
    """One ``topic`` card per topic: front = the question, back = the 30-second answer and where it is proved."""
    paths = lesson_paths() if paths is None else paths
    made = []
    for topic in topics:
        links = "\n".join(
            f"* [{number:02d} · {heading}]({section_link(number, heading, paths)})" for number, heading in topic.lessons
        )
        made.append(
            cardlib.Card(
                lesson=0,
                kind="topic",
                key=topic.id,
                front=f"**{topic.question}**\n\n*Topic: {topic.title}*",
                back=f"{topic.answer}\n\nWhere the course proves it:\n\n{links}",
                lesson_title=topic.title,
                page="topics.html",
                anchor=f"topic-{topic.id}",
            )
        )
    return made


def topic_tags(topics: list[Topic]) -> dict[int, list[str]]:
    """``{lesson number: [topic id, …]}``: the topics each lesson's cards belong to."""
    tags: dict[int, list[str]] = {}
    for topic in topics:
        for number in topic.lesson_numbers:
            tags.setdefault(number, []).append(topic.id)
    return tags


def readme_markdown(topics: list[Topic], paths: dict[int, Path] | None = None) -> str:
    """The README's topic index: one line per topic, its question and links to the proving sections."""
    paths = lesson_paths() if paths is None else paths
    lines = []
    for topic in topics:
        links = ", ".join(
            f"[{number:02d}](notebooks/{section_link(number, heading, paths, '.ipynb')})"
            for number, heading in topic.lessons
        )
        lines.append(f"* **{topic.title}** — {topic.question} Lessons {links}.")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    topics = load_topics()
    if "--readme" in argv:
        print(readme_markdown(topics))
        return 0
    found = problems(topics)
    for line in found:
        print(line)
    print(f"{len(topics)} topics, {len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
