"""Classroom slides: slideshow metadata for RISE / nbconvert, and reveal.js decks for the site.

``python tools/slides.py apply notebooks/NN_x.ipynb …`` writes ``cell.metadata.slideshow`` into the cells that have
none, in place and idempotently (only metadata changes; outputs and the code hash stay as they are; ``--reset``
re-derives every cell's type, overwriting a teacher's choices). ``make outputs`` does the same after each run, so
the committed lessons carry the metadata and RISE (``jupyterlab-rise``) presents them as they are. The rules:

* ``slide``: the title cell, the sections "The short answer", "What the original gets wrong" (and lesson 01's
  "Seed code errata shared by all lessons"), "Follow-up questions" and "Interview summary", and the lesson's key
  figure — the first code cell with an image output after the first "Experiment" (or "Demo", "Weakness") heading;
* ``skip``: code cells longer than ``LONG_CODE`` lines that draw no figure;
* ``subslide``: every other markdown cell and every other cell with a figure;
* ``-`` (continue the current slide): the remaining short code cells, shown with their printed output.

``python tools/slides.py export --out _site/slides [notebooks…]`` (``make slides``) writes one reveal.js deck per
lesson, ``NN_x.slides.html``. A notebook without slideshow metadata is exported from a copy with the rules
above applied, so the decks exist whether or not ``apply`` has been run. Each deck gets the lesson's instructor
notes (``course/instructor_notes.yaml``) as speaker notes after the title and as a last slide, formulas as
MathML, and long code cells' inputs hidden. reveal.js itself is loaded from ``--reveal-prefix`` (default: the
CDN nbconvert uses; point it at a local copy of reveal.js 4 to present offline); without it a deck reads as one
long page.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import texmath  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTES_FILE = ROOT / "course" / "instructor_notes.yaml"
LONG_CODE = 15  # lines
REVEAL_PREFIX = "https://unpkg.com/reveal.js@4.0.2"  # nbconvert's default
KEY_SECTIONS = (
    "The short answer",
    "What the original gets wrong",
    "Seed code errata shared by all lessons",
    "Follow-up questions",
    "Interview summary",
)
EXPERIMENT_HEADINGS = ("Experiment", "Demo", "Weakness")


def _headings(source: str) -> list[str]:
    """The ``#``/``##`` heading texts of a markdown cell, outside fenced code."""
    found, in_fence = [], False
    for line in source.splitlines():
        if re.match(r"^\s*(```|~~~)", line):
            in_fence = not in_fence
        elif not in_fence and (m := re.match(r"^#{1,3} (.+)$", line)):
            found.append(m.group(1).strip())
    return found


def _has_image(cell) -> bool:
    return any(any(key.startswith("image/") for key in output.get("data", {})) for output in cell.get("outputs", []))


def key_figure(nb) -> int | None:
    """Index of the lesson's key figure: the first image after the first experiment heading (else after the
    corrected code, else the first image of the lesson)."""
    starts = []
    for prefixes in (EXPERIMENT_HEADINGS, ("Corrected code",), ("",)):
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "markdown" and any(h.startswith(prefixes) for h in _headings(cell.source)):
                starts.append(i)
                break
    starts.append(0)
    for start in starts:
        for i in range(start, len(nb.cells)):
            cell = nb.cells[i]
            if cell.cell_type == "code" and _has_image(cell):
                return i
    return None


def slide_types(nb) -> list[str]:
    """The slide type of every cell, by the rules in the module docstring."""
    figure = key_figure(nb)
    types = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            heads = _headings(cell.source)
            key = i == 0 or any(h.startswith(KEY_SECTIONS) for h in heads)
            types.append("slide" if key else "subslide")
        elif cell.cell_type == "code":
            if i == figure:
                types.append("slide")
            elif _has_image(cell):
                types.append("subslide")
            elif len(cell.source.splitlines()) > LONG_CODE:
                types.append("skip")
            else:
                types.append("-")
        else:
            types.append("skip")
    return types


def has_slideshow(nb) -> bool:
    return any("slideshow" in cell.metadata for cell in nb.cells)


def apply_slideshow(nb, reset: bool = False) -> int:
    """Set ``metadata.slideshow.slide_type`` on every cell that has none (on every cell with ``reset``); returns how
    many cells changed (0 on a rerun)."""
    changed = 0
    for cell, kind in zip(nb.cells, slide_types(nb)):
        if "slideshow" in cell.metadata and not reset:
            continue
        if cell.metadata.get("slideshow") != {"slide_type": kind}:
            cell.metadata["slideshow"] = {"slide_type": kind}
            changed += 1
    return changed


def load_instructor_notes(path: Path = NOTES_FILE) -> dict[int, dict]:
    """``{lesson: {"minutes": int, "figure": str, "ask": [str, str]}}`` from the YAML file."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {int(k): v for k, v in data.items()}


def notes_markdown(note: dict) -> str:
    """The instructor note of one lesson as markdown (site page, speaker notes, last slide)."""
    ask = "\n".join(f"{i}. {q}" for i, q in enumerate(note.get("ask", []), start=1))
    return (
        f"**Time:** about {note['minutes']} minutes in class.\n\n"
        f"**The figure to discuss:** {note['figure']}\n\n"
        f"**Ask the room:**\n\n{ask}"
    )


def split_sections(nb) -> None:
    """Split markdown cells that hold several ``## `` sections into one cell per section (for the exported deck;
    the first part keeps the cell's metadata, the others get their slide type by the rules above)."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            cells.append(cell)
            continue
        parts, in_fence = [[]], False
        for line in cell.source.splitlines():
            if re.match(r"^\s*(```|~~~)", line):
                in_fence = not in_fence
            if not in_fence and line.startswith("## ") and any(x.strip() for x in parts[-1]):
                parts.append([])
            parts[-1].append(line)
        cell.source = "\n".join(parts[0]).strip()
        cells.append(cell)
        for part in parts[1:]:
            new = nbformat.v4.new_markdown_cell("\n".join(part).strip())
            if "slideshow" in cell.metadata:
                key = any(h.startswith(KEY_SECTIONS) for h in _headings(new.source))
                new.metadata["slideshow"] = {"slide_type": "slide" if key else "subslide"}
            cells.append(new)
    nb.cells = cells


def deck_notebook(nb, note: dict | None = None):
    """A copy of a lesson ready to export as slides: one section per markdown cell, slideshow metadata applied if
    the lesson has none, long code inputs hidden, instructor notes added."""
    nb = copy.deepcopy(nb)
    split_sections(nb)
    if not has_slideshow(nb):
        apply_slideshow(nb)
    for cell in nb.cells:
        if cell.cell_type == "code" and len(cell.source.splitlines()) > LONG_CODE:
            cell.metadata.setdefault("transient", {})["remove_source"] = True
    if note:
        speaker = nbformat.v4.new_markdown_cell(notes_markdown(note))
        speaker.metadata["slideshow"] = {"slide_type": "notes"}
        room = nbformat.v4.new_markdown_cell(
            "## For the room\n\n" + "\n".join(f"{i}. {q}" for i, q in enumerate(note["ask"], start=1))
        )
        room.metadata["slideshow"] = {"slide_type": "slide"}
        nb.cells = [nb.cells[0], speaker, *nb.cells[1:], room]
    return nb


def deck_name(path: Path) -> str:
    return path.with_suffix(".slides.html").name


def _rewrite_links(body: str) -> str:
    """Links between lessons go to the site's lesson pages (one folder up), not to notebooks."""
    body = re.sub(r'href="(\d\d_[\w-]+)\.ipynb', r'href="../\1.html', body)
    return body.replace('href="../README.md#course-map"', 'href="../index.html#course-map"')


def export(
    notebooks: list[Path], out: Path, notes: dict[int, dict] | None = None, reveal_prefix: str = REVEAL_PREFIX
) -> list[Path]:
    """Write one reveal.js deck per notebook into ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    notes = load_instructor_notes() if notes is None else notes
    exporter = texmath.OfflineMathSlidesExporter(reveal_url_prefix=reveal_prefix, reveal_theme="simple")
    written = []
    for path in notebooks:
        nb = deck_notebook(nbformat.read(path, as_version=4), notes.get(int(path.name[:2])))
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem, "path": str(path.parent)}})
        target = out / deck_name(path)
        target.write_text(_rewrite_links(body), encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    apply_p = sub.add_parser("apply", help="write slideshow metadata into notebooks, in place")
    apply_p.add_argument("--reset", action="store_true", help="re-derive every cell's type, not only missing ones")
    apply_p.add_argument("notebooks", nargs="+")
    export_p = sub.add_parser("export", help="write reveal.js decks")
    export_p.add_argument("--out", default=str(ROOT / "_site" / "slides"))
    export_p.add_argument("--reveal-prefix", default=REVEAL_PREFIX, help="URL or relative path of reveal.js 4")
    export_p.add_argument("notebooks", nargs="*", help="default: every lesson in notebooks/")
    args = parser.parse_args(argv)
    if args.command == "apply":
        for name in args.notebooks:
            nb = nbformat.read(name, as_version=4)
            changed = apply_slideshow(nb, reset=args.reset)
            if changed:
                nbformat.write(nb, name)
            print(f"{name}: {changed} cells changed")
        return 0
    notebooks = [Path(p) for p in args.notebooks] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    written = export(notebooks, Path(args.out), reveal_prefix=args.reveal_prefix)
    print(f"wrote {len(written)} reveal.js decks in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
