"""tools/texmath.py: every formula of the course converts to MathML at build time; Anki gets MathJax delimiters."""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import texmath  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_every_formula_in_the_lessons_converts_to_mathml():
    total, failed = 0, []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            for tex, display in texmath.formulas(cell.source):
                total += 1
                html, ok = texmath.convert(tex, display)  # never raises
                if ok:
                    ET.fromstring(html)  # well-formed MathML
                    assert html.startswith("<math") and "\\" not in html.replace("\\\\", ""), (path.name, tex)
                else:
                    failed.append(f"{path.name}: {tex}")
    print(f"{total} formulas in {len(NOTEBOOKS)} lessons, {len(failed)} shown as TeX source (fallback)")
    for line in failed:
        print("   fallback:", line)
    assert total > 1000
    assert not failed, f"{len(failed)} formulas do not convert (add a rewrite to texmath._REWRITES): {failed[:5]}"


def test_a_formula_that_fails_falls_back_to_its_source_and_is_counted():
    texmath.FALLBACKS.clear()
    for bad in (r"\frac{1}{", r"\unknowncommand x", r"\text{a<b}"):
        html, ok = texmath.convert(bad)
        assert not ok
        assert html.startswith('<code class="tex">') and "<math" not in html
    assert sum(texmath.FALLBACKS.values()) == 3
    assert texmath.tex_to_mathml(r"\frac{1}{", display=True).startswith('<div class="tex-fallback">')
    texmath.FALLBACKS.clear()


def test_letter_styles_become_unicode_math_letters():
    # MathML Core browsers ignore mathvariant on most values; the Unicode letters render everywhere
    assert "𝒩" in texmath.tex_to_mathml(r"\mathcal N(0, I)")
    assert "𝔼" in texmath.tex_to_mathml(r"\mathbb E_q[f]")
    assert "ℝ" in texmath.tex_to_mathml(r"\mathbb R^d")  # a letterlike-block letter
    assert "𝐱" in texmath.tex_to_mathml(r"\mathbf x")
    assert "arg" in texmath.tex_to_mathml(r"\arg\max_z f(z)")  # rewritten to \operatorname{arg}


def test_markdown_math_for_the_site_and_for_anki():
    md = "Inline $a^2 < b$ and display\n\n$$\\mathrm{KL} \\ge 0$$\n\nand `code with $dollars$`."
    site = texmath.markdown_to_html(md)
    assert site.count("<math") == 2 and 'display="block"' in site
    assert "$" not in site.replace("$dollars$", "")
    anki = texmath.markdown_to_html(md, math="anki")
    assert "\\(a^2 &lt; b\\)" in anki and "\\[\\mathrm{KL} \\ge 0\\]" in anki
    assert "<math" not in anki and "$$" not in anki
