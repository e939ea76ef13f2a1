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
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
MAP: dict[str, dict[str, str | None]] = json.loads((ROOT / "tools" / "import_map.json").read_text())
TOP_LEVEL = {"config", "data", "plots", "latent", "gan", "graphs"}


def area(new_module: str) -> str:
    """``core.models`` -> ``core``; top-level modules (``graphs``, ``gan``) stay themselves."""
    head = new_module.split(".")[0]
    return new_module if head in TOP_LEVEL else head


FROM_IMPORT = re.compile(
    r"^(?P<indent>[ \t]*)from vae_helpers\.(?P<old>\w+) import (?P<names>\([^)]*\)|[^\n#]*)"
    r"(?P<comment>[ \t]*#[^\n]*)?$",
    re.M,
)
MODULE_IMPORT = re.compile(
    r"^(?P<indent>[ \t]*)from vae_helpers import (?P<names>\([^)]*\)|[^\n#]*)"
    r"(?P<comment>[ \t]*#[^\n]*)?$",
    re.M,
)


def _split_names(text: str) -> list[tuple[str, str]]:
    names = []
    for part in text.strip("() \n").replace("\n", " ").split(","):
        part = part.strip()
        if part:
            name, _, alias = part.partition(" as ")
            names.append((name.strip(), alias.strip() or name.strip()))
    return names


def _import_line(indent: str, module: str, names: list[str], width: int = 110) -> str:
    """``from vae_helpers.MODULE import a, b``, wrapped in parentheses past ``width`` characters."""
    head = f"{indent}from vae_helpers.{module} import "
    if len(head) + len(", ".join(names)) <= width:
        return head + ", ".join(names)
    body = textwrap.wrap(", ".join(names), width=width - len(head) - 1, break_on_hyphens=False)
    pad = "\n" + " " * (len(head) + 1)
    return f"{head}({pad.join(body)})"


def rewrite(code: str, problems: list[str], aliases: dict[str, str] | None = None) -> str:
    """Rewrite one piece of code. ``aliases`` (old-module aliases such as ``rs`` -> ``restoration``) is
    shared across the cells of a notebook, since a module imported in one cell is used in later ones."""
    aliases = {} if aliases is None else aliases

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
        lines = [_import_line(m.group("indent"), a, ns) for a, ns in groups.items()]
        if lines and m.group("comment"):
            lines[0] += m.group("comment")
        return "\n".join(lines) if lines else f"{m.group('indent')}pass"

    code = FROM_IMPORT.sub(from_import, code)

    def module_import(m: re.Match) -> str:
        keep = []
        for name, alias in _split_names(m.group("names")):
            if name in MAP and name not in TOP_LEVEL | {"plots"}:
                aliases[alias] = name
            else:
                keep.append(name if alias == name else f"{name} as {alias}")
        if not keep:
            has_vh = re.search(r"^\s*import vae_helpers as vh\b", code, re.M)
            return "" if has_vh else f"{m.group('indent')}import vae_helpers as vh"
        return f"{m.group('indent')}from vae_helpers import {', '.join(keep)}" + (m.group("comment") or "")

    code = MODULE_IMPORT.sub(module_import, code)
    for alias, old in aliases.items():

        def attr(m: re.Match, old=old, alias=alias) -> str:
            name = m.group(1)
            new = MAP[old].get(name)
            if new is None:
                problems.append(f"{alias}.{name} (vae_helpers.{old}) was removed or is private")
                return m.group(0)
            return f"vh.{area(new)}.{name}"

        code = re.sub(rf"(?<![\w.]){re.escape(alias)}\.(\w+)", attr, code)
    return code


def _home_of_module(old: str) -> str:
    """The new module of an old one when all its names moved together, else its area."""
    homes = {new for new in MAP[old].values() if new}
    return homes.pop() if len(homes) == 1 else area(next(iter(MAP[old].values())) or old)


def rewrite_prose(text: str, problems: list[str]) -> str:
    """Markdown: code in solutions is rewritten like code; prose mentions of old paths are updated."""
    text = rewrite(text, problems)

    def dotted(m: re.Match) -> str:
        old, name = m.group(1), m.group(2)
        if old not in MAP or old in TOP_LEVEL or (old == "text" and name in ("vae", "corpora", "metrics")):
            return m.group(0)
        if name and name in MAP[old]:
            return f"vae_helpers.{area(MAP[old][name] or old)}.{name}" if MAP[old][name] else m.group(0)
        return f"vae_helpers.{_home_of_module(old)}" + (f".{name}" if name else "")

    text = re.sub(r"vae_helpers\.(\w+)(?:\.(\w+))?", dotted, text)
    return re.sub(
        r"vae_helpers/(\w+)\.py",
        lambda m: (
            f"vae_helpers/{_home_of_module(m.group(1)).replace('.', '/')}.py"
            if m.group(1) in MAP and m.group(1) not in TOP_LEVEL
            else m.group(0)
        ),
        text,
    )


def rewrite_file(path: Path) -> list[str]:
    problems: list[str] = []
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        aliases: dict[str, str] = {}
        for cell in nb.cells:  # first pass: collect module aliases (used in later cells too)
            if cell.cell_type == "code":
                rewrite(cell.source, [], aliases)
        seen_vh = False
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = rewrite_prose(cell.source, problems)
            if cell.cell_type == "code":
                cell.source = rewrite(cell.source, problems, dict(aliases))
                if seen_vh:  # a module import became ``import vae_helpers as vh``, already imported above
                    cell.source = re.sub(r"^import vae_helpers as vh\n", "", cell.source, flags=re.M)
                seen_vh = seen_vh or bool(re.search(r"^import vae_helpers as vh\b", cell.source, re.M))
        nbformat.write(nb, path)
    else:
        path.write_text(rewrite(path.read_text(encoding="utf-8"), problems), encoding="utf-8")
    return problems


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        for problem in rewrite_file(Path(arg)):
            print(f"{arg}: {problem}")
