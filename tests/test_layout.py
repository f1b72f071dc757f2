"""The package's three parts stay apart: the toolkit a learner takes home imports nothing
from the case or the workbook's machinery (read from the source, so a lazy import counts)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "pocmvp"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


TOOLKIT_FILES = sorted((PACKAGE / "toolkit").rglob("*.py"))


@pytest.mark.parametrize("path", TOOLKIT_FILES, ids=lambda p: p.name)
def test_the_toolkit_imports_nothing_from_the_case_or_the_machinery(path):
    forbidden = {
        name
        for name in imported_modules(path)
        if name.startswith(("pocmvp.case", "pocmvp.machinery", "pocmvp.cli"))
        or name in ("pocmvp.case", "pocmvp.machinery")
    }
    assert not forbidden, f"{path.relative_to(PACKAGE)} imports {sorted(forbidden)}"


def test_the_toolkit_notebook_imports_nothing_from_the_case_or_the_machinery():
    """The report notebook is given a case's plug-in as a parameter (``pocmvp report`` passes
    the plant's); it never imports the case or the machinery itself, and by default it names
    no case at all."""
    import nbformat

    for notebook in (PACKAGE / "toolkit").rglob("*.ipynb"):
        source = "\n".join(
            c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"
        )
        for line in source.splitlines():
            if line.lstrip().startswith(("import ", "from ")):
                assert "pocmvp.case" not in line and "pocmvp.machinery" not in line, line
        parameters = next(
            c.source
            for c in nbformat.read(notebook, as_version=4).cells
            if "parameters" in c.metadata.get("tags", [])
        )
        assert "pocmvp.case" not in parameters and "plugin = None" in parameters, parameters


def test_every_module_sits_in_one_of_the_three_parts():
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "cli.py"))
    assert not loose, f"modules outside toolkit/, case/ and machinery/: {loose}"
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"} == {
        "toolkit",
        "case",
        "machinery",
    }


CASE_FILES = sorted((PACKAGE / "case").rglob("*.py"))


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: str(p.relative_to(PACKAGE / "case")))
def test_the_case_imports_nothing_from_the_machinery(path):
    """The one arrow that would run back up: the case uses the toolkit, never the machinery."""
    forbidden = {
        name
        for name in imported_modules(path)
        if name.startswith(("pocmvp.machinery", "pocmvp.cli")) or name == "pocmvp.machinery"
    }
    assert not forbidden, f"{path.relative_to(PACKAGE)} imports {sorted(forbidden)}"


def test_the_command_and_the_chapters_modules_leave_the_slow_imports_to_their_use():
    """nbformat and jsonschema cost a second or more to import (jsonschema's format checkers
    compile grammars): the ``pocmvp`` command and the modules every chapter imports must not
    pay for them until a notebook is read or a rule.json checked."""
    import subprocess
    import sys

    modules = ["pocmvp.cli", "pocmvp.machinery.notebooks", "pocmvp.toolkit.rulefile"]
    probe = f"import sys, {', '.join(modules)}; print(sorted(m for m in ('nbformat', "
    probe += "'jsonschema') if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]", f"importing {', '.join(modules)} also imports {loaded}"


def test_reading_a_rule_file_never_imports_jsonschema(tmp_path):
    """Every kernel and command that reads a rule.json checks it: with fastjsonschema, in
    milliseconds (jsonschema's import builds grammars for its formats, seconds a process)."""
    import subprocess
    import sys

    rule = tmp_path / "rule.json"
    rule.write_text(
        '{"format": "pocmvp-rule/1", "capacity": 0.05, "target": "y", '
        '"conditions": [{"column": "a", "operator": ">", "threshold": 1}]}'
    )
    probe = (
        "import sys; from pocmvp.toolkit import rulefile; "
        f"rulefile.load({str(rule)!r}); print('jsonschema' in sys.modules)"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "False", "reading a rule.json imported jsonschema"


TOOLKIT_TEXT = sorted(
    p
    for p in (PACKAGE / "toolkit").rglob("*")
    if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".csv"
)
PLANT_WORDS = re.compile(r"shift_log|x-ray|cast_at", re.IGNORECASE)
"""The plant's words, which the toolkit a learner takes home for their own tables never
uses: it speaks of a table, its rows, its time column, the test and the target (the case
says shift log, cast_at and X-ray, in case/)."""
MAX_MODULE_LINES = 400


@pytest.mark.parametrize("path", TOOLKIT_TEXT, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_toolkit_speaks_of_tables_not_the_plants_shift_log_or_x_ray(path):
    text = path.read_text(encoding="utf-8")
    found = [
        f"line {number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if PLANT_WORDS.search(line)
    ]
    assert not found, f"{path.relative_to(PACKAGE)} uses the plant's words: {found[:5]}"


PACKAGE_FILES = sorted(
    p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts and p.name != "__init__.py"
)


@pytest.mark.parametrize(
    "path",
    PACKAGE_FILES,
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_no_module_is_over_400_lines(path):
    """Every module of the package, the toolkit's, the case's and the machinery's, is small
    enough to read in one sitting; a longer one is split by stage (as firefighting was)."""
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, (
        f"{path.relative_to(PACKAGE)} has {lines} lines (at most {MAX_MODULE_LINES}): split "
        "it by stage"
    )
