"""Move notebooks and modules from the flat vae_helpers layout to the package's areas.

Usage: python tools/rewrite_imports.py FILE.ipynb|FILE.py ...

``tools/import_map.json`` maps each old module to ``{name: new module}``. In code (notebook code cells,
Python files) this rewrites ``from vae_helpers.OLD import a, b`` to imports from the names' areas
(``vae_helpers.core``, ``.evaluation``, ``.images``, ``.text``, or the module itself for top-level
modules), and a module import ``from vae_helpers import OLD [as alias]`` to ``vh.<area>.NAME`` at every
``alias.NAME`` use (adding ``import vae_helpers as vh`` if missing). Names removed from the package map
to null and are reported; those cells need a hand edit.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
MAP: dict[str, dict[str, str | None]] = json.loads((ROOT / "tools" / "import_map.json").read_text())
TOP_LEVEL = {"config", "data", "plots", "latent", "gan", "graphs"}


def area(new_module: str) -> str:
    """``core.models`` -> ``core``; top-level modules (``graphs``, ``gan``) stay themselves."""
    head = new_module.split(".")[0]
    return new_module if head in TOP_LEVEL else head


FROM_IMPORT = re.compile(r"^(?P<indent>[ \t]*)from vae_helpers\.(?P<old>\w+) import (?P<names>\([^)]*\)|[^\n#]*)"
                         r"(?P<comment>[ \t]*#[^\n]*)?$", re.M)
MODULE_IMPORT = re.compile(r"^(?P<indent>[ \t]*)from vae_helpers import (?P<names>\([^)]*\)|[^\n#]*)"
                           r"(?P<comment>[ \t]*#[^\n]*)?$", re.M)


def _split_names(text: str) -> list[tuple[str, str]]:
    names = []
    for part in text.strip("() \n").replace("\n", " ").split(","):
        part = part.strip()
        if part:
            name, _, alias = part.partition(" as ")
            names.append((name.strip(), alias.strip() or name.strip()))
    return names


def rewrite(code: str, problems: list[str]) -> str:
    def from_import(m: re.Match) -> str:
        old = m.group("old")
        if old not in MAP:
            return m.group(0)
        groups: dict[str, list[str]] = {}
        for name, alias in _split_names(m.group("names")):
            if name not in MAP[old]:  # already a new home (``text`` is an old module and a new area)
                groups.setdefault(old, []).append(name if alias == name else f"{name} as {alias}")
                continue
            new = MAP[old][name]
            if new is None:
                problems.append(f"vae_helpers.{old}.{name} was removed")
                continue
            groups.setdefault(area(new), []).append(name if alias == name else f"{name} as {alias}")
        lines = [f"{m.group('indent')}from vae_helpers.{a} import {', '.join(ns)}" for a, ns in groups.items()]
        if lines and m.group("comment"):
            lines[0] += m.group("comment")
        return "\n".join(lines) if lines else f"{m.group('indent')}pass"

    code = FROM_IMPORT.sub(from_import, code)
    aliases: dict[str, str] = {}

    def module_import(m: re.Match) -> str:
        keep = []
        for name, alias in _split_names(m.group("names")):
            if name in MAP and name not in TOP_LEVEL | {"plots"}:
                aliases[alias] = name
            else:
                keep.append(name if alias == name else f"{name} as {alias}")
        if not keep:
            return f"{m.group('indent')}import vae_helpers as vh"
        return f"{m.group('indent')}from vae_helpers import {', '.join(keep)}" + (m.group("comment") or "")

    code = MODULE_IMPORT.sub(module_import, code)
    for alias, old in aliases.items():
        def attr(m: re.Match, old=old) -> str:
            name = m.group(1)
            new = MAP[old].get(name)
            if new is None:
                problems.append(f"{alias}.{name} (vae_helpers.{old}) was removed or is private")
                return m.group(0)
            return f"vh.{area(new)}.{name}"
        code = re.sub(rf"(?<![\w.]){re.escape(alias)}\.(\w+)", attr, code)
    return code


def rewrite_file(path: Path) -> list[str]:
    problems: list[str] = []
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.source = rewrite(cell.source, problems)
        nbformat.write(nb, path)
    else:
        path.write_text(rewrite(path.read_text(encoding="utf-8"), problems), encoding="utf-8")
    return problems


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        for problem in rewrite_file(Path(arg)):
            print(f"{arg}: {problem}")
