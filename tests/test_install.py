"""A learner's install holds what running the course needs, and nothing of the test or site tooling."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
TEST_TOOLS = {"pytest", "nbval", "selenium", "ruff", "pytest-xdist", "pytest-timeout", "nbclient", "genanki"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!\[;\s]", requirement.strip(), maxsplit=1)[0].lower()


def _learner_set() -> set[str]:
    project = PYPROJECT["project"]
    return {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["lab"]}


def test_environment_yml_is_the_learner_set():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    names = set()
    for dep in env["dependencies"]:
        for item in dep["pip"] if isinstance(dep, dict) else [dep]:
            if not item.startswith("-e") and _name(item) not in {"python", "pip"}:
                names.add(_name(item))
    assert names == _learner_set(), f"extra: {names - _learner_set()}, missing: {_learner_set() - names}"


def test_the_lab_extra_has_no_test_tools_and_make_lab_installs_only_it():
    assert not _learner_set() & TEST_TOOLS
    dev = {_name(r) for r in PYPROJECT["project"]["optional-dependencies"]["dev"]}
    assert TEST_TOOLS - {"genanki"} <= dev
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lab_rule = re.search(r"^\$\(LAB\):.*?(?=^\S)", makefile, re.S | re.M).group(0)
    assert '-e ".[lab]"' in lab_rule and "[dev]" not in lab_rule
    assert re.search(r"^lab: \$\(LAB\)\s", makefile, re.M), "make lab must depend on the learner install only"
    for target in ("test", "lint", "site", "outputs"):
        assert re.search(rf"^{target}: \$\(DEV\)", makefile, re.M), f"make {target} needs the dev tools"


def test_readme_classroom_lists_follow_the_timing_table():
    """The lessons to pre-run (> 300 s in full mode) and those that run live (<= 120 s) are the timing table's."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d\d)_\w+ \| (\d+) \| ([\d.]+) \|$", readme, re.M)
    assert len(rows) == 30
    classroom = readme[readme.index("## In a classroom") :].split("\n## ")[0]
    pre = re.search(r"over 5 minutes.*?lessons\s+([\d,\s]+)\.", classroom, re.S).group(1)
    live = re.search(r"Lessons ([\d,\s]+) ran in full mode in two minutes or less", classroom, re.S).group(1)
    assert re.findall(r"\d\d", pre) == [n for n, _, full in rows if float(full) > 300]
    assert re.findall(r"\d\d", live) == [n for n, _, full in rows if float(full) <= 120]
