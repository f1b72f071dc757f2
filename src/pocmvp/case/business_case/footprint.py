"""What a deliverable takes to keep: lines of code, third-party libraries, systems changed."""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
from pathlib import Path

from pocmvp.case.business_case.plans import Task


def systems_changed(tasks: tuple[Task, ...]) -> list[str]:
    """The distinct IT systems a list of tasks changes."""
    return sorted({t.system_changed for t in tasks if t.system_changed})


def lines_of_code(path: Path) -> int:
    """Lines of Python in a file that are neither blank, comments nor docstrings."""
    return count_code_lines(Path(path).read_text(encoding="utf-8"))


def count_code_lines(source: str) -> int:
    """Lines of Python source that are neither blank, comments nor docstrings."""
    source = textwrap.dedent(source)
    tree = ast.parse(source)
    docstring_lines: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                docstring_lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    count = 0
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and number not in docstring_lines:
            count += 1
    return count


def lines_of_code_of(objects: list) -> int:
    """Lines of code (counted as :func:`count_code_lines` does) of functions and classes."""
    return sum(count_code_lines(inspect.getsource(obj)) for obj in objects)


def third_party_imports(path: Path) -> list[str]:
    """Top-level packages a module imports, excluding the standard library and pocmvp."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    return sorted(n for n in names if n not in stdlib and n != "pocmvp")
