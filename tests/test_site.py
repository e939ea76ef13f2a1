"""`make site` builds offline, gives every notebook a page, and no page links to a missing file."""

import html
import importlib.util
import json
import posixpath
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
build_site = importlib.util.module_from_spec(spec)
sys.modules["build_site"] = build_site  # dataclasses look their module up here
spec.loader.exec_module(build_site)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    build_site.build(out, NOTEBOOKS)
    return out


def test_every_notebook_has_a_page(site):
    for nb in NOTEBOOKS:
        page = site / nb.with_suffix(".html").name
        assert page.exists(), page
        assert "data-course-page" in page.read_text(encoding="utf-8")
        assert (site / "slides" / nb.with_suffix(".slides.html").name).exists()
    for name in ("index.html", "errata.html", "flashcards.html", "mock-interview.html", "vae-interview.apkg"):
        assert (site / name).exists()


def _ids(page: Path) -> set[str]:
    text = page.read_text(encoding="utf-8")
    raw = set(re.findall(r'id="([^"]+)"', text)) | set(re.findall(r"id='([^']+)'", text))
    return {html.unescape(i) for i in raw}


def test_no_page_links_to_a_missing_file_or_anchor(site):
    pages = {p.relative_to(site).as_posix(): p for p in site.rglob("*.html")}
    ids = {name: _ids(p) for name, p in pages.items()}
    broken = []
    for name, page in pages.items():
        for link in re.findall(r"""(?:href|src)=["']([^"']+)["']""", page.read_text(encoding="utf-8")):
            if urlparse(link).scheme in ("http", "https", "data", "mailto"):
                continue
            target, anchor = urldefrag(link)
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), target)) if target else name
            if resolved.endswith(".html") and resolved not in ids:
                broken.append(f"{name} -> {link}")
            elif not resolved.endswith(".html") and not (site / resolved).exists():
                broken.append(f"{name} -> {link} (no such file)")
            # a browser matches the fragment as written or percent-decoded (an apostrophe is sent as %27)
            elif anchor and target and resolved in ids and not {anchor, unquote(anchor)} & ids[resolved]:
                broken.append(f"{name} -> {link} (no such anchor)")
    assert not broken, broken[:20]


def test_errata_and_flashcards_cover_every_lesson(site):
    errata = (site / "errata.html").read_text(encoding="utf-8")
    cards = (site / "flashcards.html").read_text(encoding="utf-8")
    for nb in NOTEBOOKS:
        page = nb.with_suffix(".html").name
        assert f"{page}#What-the-original-gets-wrong" in errata, f"{nb.name} has no errata section"
        assert f"{page}#The-30-second-answer" in cards
    assert errata.count("class='card'") == len(NOTEBOOKS)
    # one main card per lesson, its front carrying the Chinese seed question, its back hidden until clicked
    fronts = re.findall(r"data-kind='main'.*?<div class='front'>(.*?)</div><div class='hint'>", cards, flags=re.S)
    assert len(fronts) == len(NOTEBOOKS)
    assert all(re.search(r"题目 \d+：[^<]*[\u4e00-\u9fff]", f) for f in fronts)
    assert cards.count("<div class='back' hidden>") == cards.count("class='flashcard'") > len(NOTEBOOKS)
    assert "data-kind='bug'" in cards


def test_flashcards_page_and_deck_come_from_the_same_cards(site):
    cards_page = (site / "flashcards.html").read_text(encoding="utf-8")
    import topics as topiclib

    all_cards = build_site.cardlib.all_cards(NOTEBOOKS, topics=topiclib.load_topics())
    assert cards_page.count("class='flashcard'") == len(all_cards)
    for card in all_cards:
        assert f"id='{card.dom_id}'" in cards_page
    import zipfile

    with zipfile.ZipFile(site / "vae-interview.apkg") as archive:
        assert "collection.anki2" in archive.namelist()


def test_mock_interview_has_every_lesson(site):
    page = (site / "mock-interview.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="interview-data">(.*?)</script>', page, re.S)[1])
    assert [d["lesson"] for d in data] == [int(nb.name[:2]) for nb in NOTEBOOKS]
    assert all(d["front"] and d["back"] and isinstance(d["followups"], list) for d in data)


def test_pages_load_no_script_from_the_network(site):
    # the slides load reveal.js (tools/slides.py --reveal-prefix); every other page is self-contained
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]*\ssrc=", text), page.name
        assert not re.search(r"<link[^>]*href=[\"']https?:", text), page.name
        assert "mathjax" not in text.lower(), page.name


def test_math_is_rendered_to_mathml_at_build_time(site):
    for nb in NOTEBOOKS:
        page = (site / nb.with_suffix(".html").name).read_text(encoding="utf-8")
        assert "<math" in page, nb.name
        assert "$$" not in page, nb.name
    assert "<math" in (site / "flashcards.html").read_text(encoding="utf-8")
    assert "<math" in (site / "errata.html").read_text(encoding="utf-8")
    print(f"formulas kept as TeX source: {sum(build_site.texmath.FALLBACKS.values())}")
    assert not build_site.texmath.FALLBACKS, list(build_site.texmath.FALLBACKS)[:5]


def test_lesson_pages_show_instructor_notes_and_link_their_slides(site):
    notes = build_site.slidelib.load_instructor_notes()
    for nb in NOTEBOOKS:
        page = (site / nb.with_suffix(".html").name).read_text(encoding="utf-8")
        assert 'id="instructor-notes"' in page, nb.name
        assert f"about {notes[int(nb.name[:2])]['minutes']} minutes" in page
        assert f'href="slides/{nb.with_suffix(".slides.html").name}"' in page


def test_images_are_embedded(site):
    page = (site / NOTEBOOKS[0].with_suffix(".html").name).read_text(encoding="utf-8")
    assert "data:image/png;base64" in page


def test_readme_course_map_lists_every_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [nb.name for nb in NOTEBOOKS if f"(notebooks/{nb.name})" not in readme]
    assert not missing, f"README course map lacks {missing}; regenerate with tools/build_site.py --course-map"


def test_readme_data_table_is_the_generated_one():
    table = build_site.data_table_markdown(NOTEBOOKS)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert table in readme, "README data table is stale; regenerate with tools/build_site.py --data-table"


def test_readme_topic_index_is_the_generated_one():
    import topics as topiclib

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert topiclib.readme_markdown(topiclib.load_topics()) in readme


def test_topics_page_lesson_jump_bars_and_downloads(site):
    import topics as topiclib

    topics = topiclib.load_topics()
    assert topiclib.problems(topics) == []
    page = (site / "topics.html").read_text(encoding="utf-8")
    for topic in topics:
        assert f"id='topic-{topic.id}'" in page and html.escape(topic.title) in page
    for nb in NOTEBOOKS:
        lesson = (site / nb.with_suffix(".html").name).read_text(encoding="utf-8")
        jump = re.search(r'<nav class="jump".*?</nav>', lesson, re.S).group(0)
        for label in ("30-second answer", "short answer", "errata", "experiment", "interview summary", "follow-ups"):
            assert f">{label}</a>" in jump, f"{nb.name}: no '{label}' in the jump bar"
        assert f'href="notebooks/{nb.name}" download' in jump and (site / "notebooks" / nb.name).exists()
        assert re.search(r'id="instructor-notes"[^>]*><details>', lesson), f"{nb.name}: notes not collapsed"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert all(use in index for use in ("Interview tonight", "Self-study", "Teaching"))


def test_cards_show_the_thirty_second_answer_first_and_carry_topics(site):
    import topics as topiclib

    made = build_site.cardlib.all_cards(NOTEBOOKS, topics=topiclib.load_topics())
    for card in (c for c in made if c.kind == "main"):
        assert card.anchor == "The-30-second-answer" and "<summary>The two-minute answer</summary>" in card.back
    assert sum(c.kind == "topic" for c in made) >= 11
    assert any("posterior-collapse" in c.topics for c in made if c.lesson == 13)
    page = (site / "mock-interview.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="interview-data">(.*?)</script>', page, re.S)[1])
    assert all(d["summary"] for d in data) and any(d["topics"] for d in data)
    assert "<option value='posterior-collapse'>" in page
