"""Author a notebook as a plain script, then convert it: python tools/py_to_ipynb.py src.py out.ipynb

Cells are separated by lines ``# %%`` (code) or ``# %% [markdown]`` (markdown; every line
of the cell starts with ``# `` or is ``#``, which is stripped). This is the percent format
that jupytext and VS Code also read. The notebook is written without outputs; run
``make outputs NB=out.ipynb`` afterwards.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

MARK = re.compile(r"^# %%(?: \[(markdown)\])?\s*$")


def convert(text: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    kind, lines = None, []

    def flush() -> None:
        src = "\n".join(lines).strip("\n")
        if kind == "markdown":
            src = "\n".join(re.sub(r"^# ?", "", ln) for ln in src.splitlines())
            nb.cells.append(nbformat.v4.new_markdown_cell(src))
        elif kind == "code" and src.strip():
            nb.cells.append(nbformat.v4.new_code_cell(src))

    for line in text.splitlines():
        m = MARK.match(line)
        if m:
            flush()
            kind, lines = ("markdown" if m.group(1) else "code"), []
        else:
            lines.append(line)
    flush()
    return nb


if __name__ == "__main__":
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    nbformat.write(convert(src.read_text(encoding="utf-8")), out)
    print(f"wrote {out}")
