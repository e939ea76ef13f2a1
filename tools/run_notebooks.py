"""Execute notebooks in place and stamp them with a hash of their code cells.

Usage: python tools/run_notebooks.py [notebooks/NN_*.ipynb ...]   (default: every notebook)
       python tools/run_notebooks.py --timing [...]   execute in fast mode WITHOUT writing, and print a
                                                     markdown table: fast-mode seconds next to the committed
                                                     full-mode seconds (the README's timing table)

Runs in *full* mode unless VAE_FAST=1 is set (committed outputs must come from full mode).
The stamp (``metadata.vae_course``) records the code hash, the hash of the ``vae_helpers`` source,
the mode and the run time; ``tests/test_notebook_freshness.py`` fails when a committed notebook's code
no longer matches its outputs, and warns (listing them) when the helpers changed since they ran.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def code_hash(nb) -> str:
    """SHA-256 of the concatenated source of all code cells."""
    digest = hashlib.sha256()
    for cell in nb.cells:
        if cell.cell_type == "code":
            digest.update(cell.source.encode("utf-8") + b"\0")
    return digest.hexdigest()


def helpers_hash() -> str:
    """SHA-256 of the ``vae_helpers`` package source (every ``.py`` file, in path order): the helper code a
    notebook's outputs were produced with. A change shows which committed outputs may be stale."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "vae_helpers").rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def drop_widget_views(nb) -> int:
    """Keep only the plain-text fallback of widget outputs (``vh.latent_explorer``); returns how many changed.

    A widget lives in a running kernel. Its committed view would point at a model no page has (JupyterLab shows
    "model not found" until the cell runs again), and stored widget state would make the site's HTML load the
    widget manager from a CDN. The text fallback says to run the cell; the lesson's static figure shows the decodes.
    """
    changed = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if WIDGET_VIEW in output.get("data", {}):
                del output["data"][WIDGET_VIEW]
                changed += 1
    nb.metadata.pop("widgets", None)
    return changed


def run(path: Path, timeout: int = 900, write: bool = True) -> float:
    nb = nbformat.read(path, as_version=4)
    helpers = helpers_hash()  # before the run: the helper code the kernel imports
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
    ).execute()
    drop_widget_views(nb)
    if str(TOOLS) not in sys.path:  # once, not per notebook
        sys.path.insert(0, str(TOOLS))
    import slides  # here, not at import time: the freshness test imports this module only for its hashes

    slides.apply_slideshow(nb)  # classroom slide types for cells that have none
    seconds = time.perf_counter() - start
    if not write:
        return seconds
    nb.metadata["vae_course"] = {
        "code_sha256": code_hash(nb),
        "helpers_sha256": helpers,
        "mode": "fast" if os.environ.get("VAE_FAST", "") in {"1", "true", "yes", "on"} else "full",
        "seconds": round(seconds, 1),
    }
    nbformat.write(nb, path)
    return seconds


def timing_table(paths: list[Path]) -> str:
    """Run each notebook in fast mode (outputs discarded) and tabulate fast vs committed full seconds."""
    os.environ["VAE_FAST"] = "1"
    rows = ["| Notebook | fast mode (s) | full mode (s, committed run) |", "|---|---:|---:|"]
    total = 0.0
    for p in paths:
        fast = run(p, write=False)
        total += fast
        full = nbformat.read(p, as_version=4).metadata.get("vae_course", {}).get("seconds", "–")
        rows.append(f"| {p.stem} | {fast:.0f} | {full} |")
        print(rows[-1], flush=True)
    rows.append(f"| **total** | **{total:.0f}** | |")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    timing = "--timing" in argv
    argv = [a for a in argv if a != "--timing"]
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if timing:
        print(timing_table(paths))
        return 0
    for p in paths:
        print(f"running {p.name} ...", flush=True)
        print(f"  done in {run(p):.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
