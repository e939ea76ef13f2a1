"""Math for the course site without a network: LaTeX -> MathML at build time, or -> Anki's MathJax syntax.

``tex_to_mathml`` converts one formula with ``latex2mathml`` and maps its ``mathvariant`` letters
(``\\mathcal``, ``\\mathbb``, ``\\mathbf``, …) to the Unicode mathematical alphabets, which is how MathML Core
browsers (Chromium, Firefox, Safari) show them. A formula that does not convert (an exception, a TeX command
left in the output, or output that is not well-formed XML) falls back to its TeX source in ``<code class="tex">``
and is counted in ``FALLBACKS``.

``markdown_to_html(md, math="mathml")`` renders markdown the way the lesson pages do (nbconvert's mistune
parser with its math rules); ``math="anki"`` writes ``\\(…\\)`` / ``\\[…\\]`` for Anki's MathJax instead.
``OfflineMathHTMLExporter`` / ``OfflineMathSlidesExporter`` are nbconvert exporters whose markdown cells get
MathML and whose pages load no MathJax, require.js or jQuery from a CDN (see ``templates/``).
"""

from __future__ import annotations

import html
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import latex2mathml.converter
from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter, SlidesExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

TEMPLATES = Path(__file__).resolve().parent / "templates"  # our templates, and the snippets they include

# every formula that fell back to TeX source since the last reset: {tex: count}
FALLBACKS: Counter[str] = Counter()

_VARIANT_NAMES = {
    "double-struck": "DOUBLE-STRUCK",
    "script": "SCRIPT",
    "fraktur": "FRAKTUR",
    "bold": "BOLD",
    "bold-italic": "BOLD ITALIC",
    "bold-script": "BOLD SCRIPT",
    "bold-fraktur": "BOLD FRAKTUR",
    "sans-serif": "SANS-SERIF",
    "bold-sans-serif": "SANS-SERIF BOLD",
    "monospace": "MONOSPACE",
}
# letters that live in the Letterlike Symbols block instead of the mathematical alphabets (ℝ, ℒ, ℭ, …)
_LETTERLIKE_PREFIX = {"DOUBLE-STRUCK": "DOUBLE-STRUCK", "SCRIPT": "SCRIPT", "FRAKTUR": "BLACK-LETTER"}


def _styled_char(ch: str, style: str) -> str:
    """``ch`` in a Unicode mathematical alphabet ("A", "DOUBLE-STRUCK" -> "𝔸"); unchanged if there is none."""
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return ch
    m = re.fullmatch(r"(?:LATIN|GREEK) (CAPITAL|SMALL) LETTER (\w+)|(DIGIT \w+)", name)
    if not m:
        return ch
    rest = m.group(3) or f"{m.group(1)} {m.group(2)}"
    for candidate in (f"MATHEMATICAL {style} {rest}", f"{_LETTERLIKE_PREFIX.get(style, style)} {rest}"):
        try:
            return unicodedata.lookup(candidate)
        except KeyError:
            continue
    return ch


def _unicode_variants(mathml: str) -> str:
    """Replace ``<mi mathvariant="script">N</mi>`` by ``<mi>𝒩</mi>`` (MathML Core renders only the latter)."""

    def repl(m: re.Match) -> str:
        style = _VARIANT_NAMES.get(m.group(2))
        if style is None:
            return m.group(0)
        text = html.unescape(m.group(3))
        styled = "".join(_styled_char(ch, style) for ch in text)
        attrs = ' mathvariant="normal"' if len(styled) > 1 else ""
        return f"<{m.group(1)}{attrs}>{html.escape(styled, quote=False)}</{m.group(1)}>"

    return re.sub(r'<(mi|mn|mtext)\s+mathvariant="([a-z-]+)"\s*>([^<]*)</\1>', repl, mathml)


# commands latex2mathml does not know, rewritten to ones it does
_REWRITES = ((re.compile(r"\\arg(?![A-Za-z])"), r"\\operatorname{arg}"),)


def _fallback(tex: str, display: bool) -> str:
    FALLBACKS[tex] += 1
    code = f'<code class="tex">{html.escape(tex)}</code>'
    return f'<div class="tex-fallback">{code}</div>' if display else code


def convert(tex: str, display: bool = False) -> tuple[str, bool]:
    """``(html, ok)``: the formula as MathML, or (``ok=False``) its TeX source in ``<code>``."""
    source = tex.strip()
    for pattern, replacement in _REWRITES:
        source = pattern.sub(replacement, source)
    try:
        mathml = latex2mathml.converter.convert(source, display="block" if display else "inline")
    except Exception:  # latex2mathml raises many types on malformed input
        return _fallback(tex, display), False
    if re.search(r">\s*\\[A-Za-z]+", mathml):  # an unknown command copied through as text
        return _fallback(tex, display), False
    try:
        ET.fromstring(mathml)
    except ET.ParseError:  # e.g. \text{a<b}: latex2mathml does not escape text
        return _fallback(tex, display), False
    return _unicode_variants(mathml), True


def tex_to_mathml(tex: str, display: bool = False) -> str:
    """The formula as a ``<math>`` element (see the module docstring for the fallback)."""
    return convert(tex, display)[0]


class MathRenderer(IPythonRenderer):
    """nbconvert's markdown renderer, with math written as MathML (``math="mathml"``) or for Anki (``"anki"``)."""

    def __init__(self, *args, math: str = "mathml", **kwargs):
        if math not in ("mathml", "anki"):
            raise ValueError(f"math must be 'mathml' or 'anki', not {math!r}")
        super().__init__(*args, **kwargs)
        self.math = math

    def block_math(self, body: str) -> str:
        if self.math == "anki":
            return f"\\[{self.escape_html(body.strip())}\\]"
        return tex_to_mathml(body, display=True)

    def inline_math(self, body: str) -> str:
        if self.math == "anki":
            return f"\\({self.escape_html(body.strip())}\\)"
        return tex_to_mathml(body, display=False)

    def latex_environment(self, name: str, body: str) -> str:
        return self.block_math(f"\\begin{{{name}}}{body}\\end{{{name}}}")


def markdown_to_html(markdown: str, math: str = "mathml") -> str:
    """Markdown -> HTML with nbconvert's math-aware parser; math as MathML or in Anki's MathJax delimiters."""
    return MarkdownWithMath(renderer=MathRenderer(escape=False, math=math)).render(markdown)


def formulas(markdown: str) -> list[tuple[str, bool]]:
    """Every formula nbconvert's parser finds in a markdown text: ``[(tex, display), …]``."""
    found: list[tuple[str, bool]] = []

    class _Collect(IPythonRenderer):
        def block_math(self, body: str) -> str:
            found.append((body, True))
            return ""

        def inline_math(self, body: str) -> str:
            found.append((body, False))
            return ""

        def latex_environment(self, name: str, body: str) -> str:
            found.append((f"\\begin{{{name}}}{body}\\end{{{name}}}", True))
            return ""

    MarkdownWithMath(renderer=_Collect(escape=False)).render(markdown)
    return found


class _MathMLMarkdownMixin:
    """Render markdown cells (and markdown outputs) with MathML instead of leaving TeX for MathJax."""

    @pass_context  # jinja hands the filter the template context (the cell, its attachments)
    def markdown2html(self, context, source):
        cell = context.get("cell", {})
        renderer = MathRenderer(
            escape=False,
            attachments=cell.get("attachments", {}),
            embed_images=self.embed_images,
            path=context.get("resources", {}).get("metadata", {}).get("path", ""),
            anchor_link_text=self.anchor_link_text,
            exclude_anchor_links=self.exclude_anchor_links,
            math="mathml",
            **self.lexer_options,
        )
        return MarkdownWithMath(renderer=renderer).render(source)

    def default_filters(self):
        for name, fn in super().default_filters():
            yield name, (self.markdown2html if name == "markdown2html" else fn)


class OfflineMathHTMLExporter(_MathMLMarkdownMixin, HTMLExporter):
    """The lab template with MathML math and no script loaded from the network."""

    def __init__(self, **kwargs):
        kwargs.setdefault("template_name", "course_lab")
        super().__init__(extra_template_basedirs=[str(TEMPLATES)], extra_template_paths=[str(TEMPLATES)], **kwargs)


class OfflineMathSlidesExporter(_MathMLMarkdownMixin, SlidesExporter):
    """reveal.js slides with MathML math; only reveal.js itself is loaded (from ``reveal_url_prefix``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("template_name", "course_reveal")
        super().__init__(extra_template_basedirs=[str(TEMPLATES)], extra_template_paths=[str(TEMPLATES)], **kwargs)
