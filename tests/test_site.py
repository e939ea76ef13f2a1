"""`make site` builds offline, gives every notebook a page, and no page links to a missing file."""

import importlib.util
import re
import sys
from pathlib import Path
from urllib.parse import urldefrag, urlparse

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
    for name in ("index.html", "errata.html", "flashcards.html"):
        assert (site / name).exists()


def test_no_page_links_to_a_missing_file_or_anchor(site):
    ids = {
        p.name: set(re.findall(r'id="([^"]+)"', p.read_text(encoding="utf-8")))
        | set(re.findall(r"id='([^']+)'", p.read_text(encoding="utf-8")))
        for p in site.glob("*.html")
    }
    broken = []
    for page in site.glob("*.html"):
        for link in re.findall(r"""(?:href|src)=["']([^"']+)["']""", page.read_text(encoding="utf-8")):
            if urlparse(link).scheme in ("http", "https", "data", "mailto"):
                continue
            target, anchor = urldefrag(link)
            name = target or page.name
            if name not in ids:
                broken.append(f"{page.name} -> {link}")
            elif anchor and target and anchor not in ids[name]:
                broken.append(f"{page.name} -> {link} (no such anchor)")
    assert not broken, broken[:20]


def test_errata_and_flashcards_cover_every_lesson(site):
    errata = (site / "errata.html").read_text(encoding="utf-8")
    cards = (site / "flashcards.html").read_text(encoding="utf-8")
    for nb in NOTEBOOKS:
        page = nb.with_suffix(".html").name
        assert f"{page}#What-the-original-gets-wrong" in errata, f"{nb.name} has no errata section"
        assert page in cards
    assert errata.count("class='card'") == len(NOTEBOOKS)
    # every card carries its lesson's Chinese seed question (a run of CJK characters in a .zh paragraph)
    zh_questions = re.findall(r"<p class='zh'>([^<]*[\u4e00-\u9fff][^<]*)</p>", cards)
    assert len(zh_questions) == len(NOTEBOOKS), f"{len(zh_questions)} Chinese questions for {len(NOTEBOOKS)} lessons"


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
