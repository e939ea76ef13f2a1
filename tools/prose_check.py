"""Prose that cannot drift from the run: the checks behind ``tests/test_prose.py``.

For every lesson notebook:

* **numbers** — every decimal number in markdown prose (outside code, math, links, HTML tags and the
  ``## References`` section) must equal, after rounding to the prose's own decimals, a number that the lesson
  prints (its committed outputs) or sets in its code; or stand in a sentence that cites its source
  (author–year); or be listed, with its reason, in ``tests/prose_allowlist.yaml``. Signs are ignored ("worse by
  2.6" states ``-2.6``); a percentage may be printed as a fraction and vice versa.
* **citations** — every author–year citation in the text has an entry with that surname and year in the
  lesson's ``## References``.
* **references** — every ``## References`` entry gives authors, ``(year)``, an italic *title* and a venue or
  arXiv id after it.

``python tools/prose_check.py [notebooks/NN_*.ipynb ...]`` prints every finding (default: all lessons).
"""

from __future__ import annotations

import bisect
import math
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
ALLOWLIST = ROOT / "tests" / "prose_allowlist.yaml"
REFERENCES_HEADING = "References"

# capitalised words that precede a year without being an author
NOT_AUTHORS = set(
    """
    ICLR ICML NeurIPS NIPS CVPR ICCV ECCV AAAI ACL EMNLP NAACL CoNLL JMLR UAI AISTATS COLT TPAMI IJCAI KDD WWW
    Interspeech ICASSP BMVC WACV ArXiv In Since From Until By Before After The This Of And Or See Also January
    February March April May June July August September October November December Figure Table Lesson Exercise
    Python TensorFlow Keras MNIST Fashion Debian Ubuntu Windows Step Epoch Seed Appendix Section Eq Chapter
    """.split()
)

_FENCED = re.compile(r"```.*?```|~~~.*?~~~", re.S)
_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(?:\\\$|[^$\n])+?\$")
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_HTML_TAG = re.compile(r"<[^>\n]+>")
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
_BARE_URL = re.compile(r"https?://\S+")
_DECIMAL = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)\.(\d+)(?:[eE]([-+−]?\d+))?(?![\w.]*\d)")
_PRINTED = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?(?:[eE]([-+]?\d+))?")
_YEAR = re.compile(r"\b((?:19[4-9]|20[0-3])\d)[a-z]?\b")
_SENTENCE_END = re.compile(
    r"(?<!\bal\.)(?<!e\.g\.)(?<!i\.e\.)(?<!\bvs\.)(?<!\bcf\.)(?<!\bFig\.)(?<!\bEq\.)(?<!\bNo\.)"
    r"(?<!\bThm\.)(?<!\bSec\.)(?<!\bApp\.)(?<!\bProp\.)"
    r"(?<=[.!?])\s+(?=[\"'*(\[A-Z0-9])|\n\s*\n|\n\s*(?:[*-]|\d+\.)\s"
)


@dataclass(frozen=True)
class Finding:
    lesson: str  # notebook file name
    kind: str  # "number", "citation" or "reference"
    item: str  # the number, the "Surname year" citation or the reference entry's start
    sentence: str

    def __str__(self) -> str:
        return f"{self.lesson}: {self.kind} {self.item!r} in: {self.sentence}"


def fold(text: str) -> str:
    """Lower case without accents: 'Sønderby' and 'Sonderby' compare equal."""
    text = text.replace("ø", "o").replace("Ø", "O").replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


def split_references(markdown: str) -> tuple[str, list[str]]:
    """(the markdown without its ``## References`` section, that section's entries)."""
    match = re.search(rf"^## {REFERENCES_HEADING}[ \t]*\n(.*?)(?=^#{{1,2}} |\Z)", markdown, re.S | re.M)
    if not match:
        return markdown, []
    body = match.group(1).strip()
    entries = [e.strip() for e in re.split(r"\n(?=[*-] )", body) if e.strip().startswith(("* ", "- "))]
    return markdown[: match.start()] + markdown[match.end() :], entries


def plain_prose(markdown: str) -> str:
    """Markdown with code, math, HTML tags and link targets blanked (same length is not kept)."""
    text = _FENCED.sub(" ", markdown)
    text = _DISPLAY_MATH.sub(" ", text)
    text = _CODE_SPAN.sub(" ", text)
    text = _INLINE_MATH.sub(" ", text)
    text = _LINK_TARGET.sub("]", text)
    text = _BARE_URL.sub(" ", text)
    return _HTML_TAG.sub(" ", text)


def sentences(text: str) -> list[str]:
    return [" ".join(s.split()) for s in _SENTENCE_END.split(text) if s and s.strip()]


def _printed_values(nb) -> tuple[list[float], list[float]]:
    """Absolute values of every number in the code cells' sources and their text outputs, sorted; and, apart,
    those printed as percentages (followed by ``%``)."""
    chunks = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        chunks.append(cell.source)
        for out in cell.get("outputs", []):
            if "text" in out:
                chunks.append(out["text"] if isinstance(out["text"], str) else "".join(out["text"]))
            for mime in ("text/plain", "text/html", "text/markdown"):
                data = out.get("data", {}).get(mime)
                if data:
                    chunks.append(data if isinstance(data, str) else "".join(data))
    values, percents = set(), set()
    for chunk in chunks:
        for m in _PRINTED.finditer(chunk):
            whole, frac, exp = m.groups()
            try:
                value = abs(float(f"{whole.replace(',', '')}.{frac or '0'}e{exp or '0'}"))
            except ValueError:
                continue
            if math.isfinite(value):
                values.add(value)
                if chunk[m.end() : m.end() + 2].lstrip().startswith("%"):
                    percents.add(value)
    return sorted(values), sorted(percents)


def _near(target: float, tol: float, printed: list[float]) -> bool:
    i = bisect.bisect_left(printed, target - tol)
    return i < len(printed) and printed[i] <= target + tol


def _matches(value: float, decimals: int, printed: tuple[list[float], list[float]], percent: bool) -> bool:
    """True if a printed value rounds to ``value`` at ``decimals``. A prose percentage may also be printed as a
    fraction (``32 %`` <- ``0.32``); a prose fraction may also be printed as a percentage (``0.32`` <- ``32%``)."""
    values, percents = printed
    tol = 0.5 * 10.0**-decimals * (1 + 1e-9) + 1e-12
    if _near(value, tol, values):
        return True
    if percent:
        return _near(value / 100.0, tol / 100.0, values)
    return _near(value * 100.0, tol * 100.0, percents)


_PARTICLES = r"(?:(?:van|von|der|den|de|da|di|del|le|la|du)\s+)*"
_SURNAME = r"[A-Z][^\W\d_]*(?:[-'’][^\W\d_]+)*"
_AUTHOR_GROUP = re.compile(
    rf"({_PARTICLES}{_SURNAME}(?:\s*(?:,\s*|\s+&\s+|\s+and\s+){_PARTICLES}{_SURNAME})*)"
    r"(?:\s+et\s+al\.?)?(?:['’]s)?,?\s*\(?$"
)


def citations(sentence: str) -> list[tuple[tuple[str, ...], str]]:
    """``[((surname, …), year), …]``: author–year citations in a sentence, with the surnames that must all be
    among one References entry's authors: those joined by '&'/'and' after the group's last comma
    ('Kingma & Welling 2014' -> Kingma, Welling; 'Rezende, Mohamed & Wierstra 2014' -> Mohamed, Wierstra;
    'PacGAN, Lin et al. 2018' -> Lin; 'Mohamed et al. 2020' -> Mohamed)."""
    found = []
    for match in _YEAR.finditer(sentence):
        group = _AUTHOR_GROUP.search(sentence[max(0, match.start() - 120) : match.start()])
        if not group:
            continue
        last_part = re.split(r"\s*,\s*", group.group(1))[-1]
        names = [re.sub(rf"^{_PARTICLES}", "", n) for n in re.split(r"\s+&\s+|\s+and\s+", last_part) if n]
        if not names or any(n in NOT_AUTHORS or n.isupper() for n in names):
            continue  # "ICLR 2016", "in 2014"
        found.append((tuple(names), match.group(1)))
    return found


def _cited(surnames: tuple[str, ...], year: str, references: list[str]) -> bool:
    """True if one References entry of that year lists every surname (whole words) among its authors."""
    for entry in references:
        head = entry.split(f"({year}", 1)
        if len(head) == 2 and all(re.search(rf"\b{re.escape(fold(n))}\b", fold(head[0])) for n in surnames):
            return True
    return False


_REFERENCE = re.compile(
    r"^[*-] (?P<authors>[^*(]+?)\s*\((?P<year>\d{4})[a-z]?\)\.\s*\*(?P<title>.+?)\*(?P<rest>.*)$", re.S
)


def reference_problem(entry: str) -> str | None:
    """Why an entry lacks authors, year, title or venue; None if it has them."""
    m = _REFERENCE.match(entry)
    if not m:
        return "expected '* Authors (YYYY). *Title.* Venue.'"
    venue = re.sub(r"^[\s.,]+", "", m.group("rest"))
    if len(re.sub(r"\W", "", venue.split(" — ")[0])) < 3:
        return "no venue or arXiv id after the title"
    return None


def load_allowlist(path: Path = ALLOWLIST) -> dict[str, dict[str, str]]:
    """``{lesson file: {number: reason}}``; every entry must give a reason."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    data = data or {}
    for lesson, numbers in data.items():
        for number, reason in (numbers or {}).items():
            if not str(reason or "").strip():
                raise ValueError(f"{path.name}: {lesson} {number} has no reason")
    return {lesson: {str(k): str(v) for k, v in (numbers or {}).items()} for lesson, numbers in data.items()}


def check_lesson(path: Path, allowlist: dict[str, dict[str, str]] | None = None) -> list[Finding]:
    nb = nbformat.read(path, as_version=4)
    markdown = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    body, references = split_references(markdown)
    allowed = (load_allowlist() if allowlist is None else allowlist).get(path.name, {})
    printed = _printed_values(nb)
    findings = []
    for entry in references:
        problem = reference_problem(entry)
        if problem:
            findings.append(Finding(path.name, "reference", " ".join(entry.split())[:80], problem))
    for sentence in sentences(plain_prose(body)):
        cited = citations(sentence)
        for surnames, year in cited:
            if not _cited(surnames, year, references):
                findings.append(Finding(path.name, "citation", f"{' & '.join(surnames)} {year}", sentence))
        if cited:
            continue  # a sentence that cites its source may quote the source's numbers
        for m in _DECIMAL.finditer(sentence):
            text = m.group(0)
            value = float(f"{m.group(1).replace(',', '')}.{m.group(2)}e{(m.group(3) or '0').replace('−', '-')}")
            percent = sentence[m.end() : m.end() + 2].lstrip().startswith("%")
            if text in allowed or _matches(abs(value), len(m.group(2)), printed, percent):
                continue
            findings.append(Finding(path.name, "number", text, sentence))
    return findings


def lesson_paths() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or lesson_paths()
    allowlist = load_allowlist()
    total = 0
    for path in paths:
        findings = check_lesson(path, allowlist)
        total += len(findings)
        for finding in findings:
            print(finding)
    print(f"{total} finding(s) in {len(paths)} lesson(s)")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
