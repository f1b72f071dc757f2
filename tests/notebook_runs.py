"""Running notebooks in tests: papermill in a scratch folder, with the current environment."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from pocmvp.machinery import notebooks

FAST = {"fast_mode": True}
SECOND_SEED = 7
# A notebook in fast mode takes seconds; this only stops a hung kernel from hanging CI.
NOTEBOOK_TIMEOUT_S = 600

# The monthly report notebook runs too, at its default month and rule.
CHAPTERS_AND_SOLUTIONS = (
    notebooks.chapter_notebooks() + notebooks.solution_notebooks() + [notebooks.report_notebook()]
)
EXERCISES = [notebooks.exercise_path(s) for s in notebooks.solution_notebooks()]


def ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def run(
    notebook: Path, parameters: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> nbformat.NotebookNode:
    """Execute ``notebook`` through its parameters cell; outputs go to ``tmp_path``.

    Its figures and downloads too: a run in fast mode or with another seed must not rewrite
    the tracked ``chapters/figures/*.json`` or ``chapters/downloads/*``.
    """
    monkeypatch.setenv("POCMVP_OUTPUT_DIR", str(tmp_path / "output"))
    monkeypatch.setenv("POCMVP_FIGURES_DIR", str(tmp_path / "figures"))
    monkeypatch.setenv("POCMVP_DOWNLOADS_DIR", str(tmp_path / "downloads"))
    return notebooks.execute(
        notebook,
        tmp_path / notebook.name,
        parameters,
        kernel_name="python3",
        timeout=NOTEBOOK_TIMEOUT_S,
    )


def text_outputs(cell: nbformat.NotebookNode) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(parts)
