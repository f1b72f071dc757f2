"""The workbook's own notebook tooling: execute notebooks, generate exercises, find them.

* :func:`execute` runs a notebook with papermill in its own folder, with the project's
  kernel, and strips the run's timestamps so that stored outputs only change when results do.
* :func:`exercise_from_solution` turns a solutions notebook into its exercise notebook:
  code between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` becomes a placeholder, cells
  tagged ``solution`` are dropped, outputs are cleared, and the title (the first cell)
  says "Exercises". ``solutions/`` is the one source.
* Each chapter's teaching notes live apart from it, in ``instructor/`` (see
  :func:`teaching_notes`): only the instructor edition of the site renders them.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from pocmvp.toolkit.run_notebook import strip_run_metadata

if TYPE_CHECKING:  # nbformat is imported where it is used: chapters import this module for
    # output_dir(), and nbformat's import (jsonschema's) costs each kernel seconds.
    import nbformat

ROOT = Path(__file__).resolve().parents[3]
KERNEL_NAME = "pocmvp"
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
SOLUTION_TAG = "solution"
_ANSWER = re.compile(r"^(answer\w*)\s*=", re.MULTILINE)
# Every page offers its own notebook in its first cell. Quarto turns a link to a page it
# renders into a link to that page's .html; `data-noresolveinput` keeps this one on the
# .ipynb itself (quarto-cli, src/project/types/website/website-utils.ts), which each edition
# copies into the site as a resource (_quarto-learner.yml, _quarto-instructor.yml).
DOWNLOAD_LINE = (
    '<a href="{name}" download="{name}" data-noresolveinput="true">Download this notebook</a>'
    " ({name}) to run it yourself in JupyterLab."
)
_DOWNLOAD_LINE = re.compile(r"\n*<a href=\"[^\"]+\.ipynb\" download=[^\n]*$")


def chapter_notebooks(root: Path = ROOT) -> list[Path]:
    return sorted((root / "chapters").glob("[0-9][0-9]_*.ipynb"))


def solution_notebooks(root: Path = ROOT) -> list[Path]:
    return sorted((root / "solutions").glob("[0-9][0-9]_*_solutions.ipynb"))


def teaching_notes(chapter: Path) -> Path:
    """The instructor-only page of teaching notes that goes with ``chapter``."""
    return chapter.parent.parent / "instructor" / f"{chapter.stem}.qmd"


def is_workbook(folder: Path) -> bool:
    """Whether ``folder`` holds the workbook (its chapters and exercises)."""
    return (folder / "chapters").is_dir() and (folder / "exercises").is_dir()


def report_notebook() -> Path:
    """The parameterised monthly report notebook, shipped inside the package."""
    return (
        Path(__file__).resolve().parents[1] / "toolkit" / "report_notebook" / "monthly_report.ipynb"
    )


def with_download_line(title: str, name: str) -> str:
    """A title cell's text ending with the line that offers notebook ``name`` (once)."""
    return _DOWNLOAD_LINE.sub("", title.rstrip()) + "\n\n" + DOWNLOAD_LINE.format(name=name)


def add_download_lines(root: Path = ROOT, *, check: bool = False) -> list[Path]:
    """Give every chapter and solutions notebook its download line; returns those changed
    (with ``check``, those that lack it, changing nothing).

    Only the first cell's text changes, so stored outputs stay as they are; the exercises
    get theirs from their solutions (:func:`exercise_from_solution`).
    """
    import nbformat

    changed = []
    for path in chapter_notebooks(root) + solution_notebooks(root):
        notebook = nbformat.read(path, as_version=4)
        title = notebook.cells[0]
        source = with_download_line(title.source, path.name)
        if source != title.source:
            changed.append(path)
            if not check:
                title.source = source
                write(notebook, path)
    return changed


def exercise_path(solution: Path) -> Path:
    name = solution.name.replace("_solutions.ipynb", "_exercises.ipynb")
    return solution.parent.parent / "exercises" / name


def execute(
    notebook: Path,
    output: Path | None = None,
    parameters: dict | None = None,
    *,
    kernel_name: str = KERNEL_NAME,
    timeout: int = 600,
    progress: bool = False,
) -> nbformat.NotebookNode:
    """Run ``notebook`` top to bottom in its own folder and write the result to ``output``.

    ``output`` defaults to the notebook itself, which is how stored outputs are made.
    """
    import papermill

    notebook = Path(notebook).resolve()
    output = Path(output).resolve() if output else notebook
    executed = papermill.execute_notebook(
        str(notebook),
        str(output),
        parameters=parameters or {},
        kernel_name=kernel_name,
        cwd=str(notebook.parent),
        execution_timeout=timeout,
        progress_bar=progress,
        request_save_on_cell_execute=False,
    )
    strip_run_metadata(executed)
    write(executed, output)
    return executed


def execute_all(paths: list[Path], jobs: int | None = None) -> dict[Path, float]:
    """Execute ``paths`` in place, ``jobs`` at a time (default: one per core), the longest
    first; returns each notebook's wall time in seconds.

    Each notebook runs in its own kernel and writes only its own files (its output folder,
    figures and downloads carry its name), so they can run side by side. The longest first
    (by the times ``make bench`` recorded) keeps both cores busy to the end. A notebook that
    fails does not stop the others; the failures are raised together at the end. The chapters
    share one fresh store of fitted POCs (:func:`pocmvp.case.poc_store.fresh_store`).
    """
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from pocmvp.case import poc_store

    jobs = max(1, jobs or os.cpu_count() or 1)
    recorded = _recorded_seconds()
    ordered = sorted(paths, key=lambda p: -recorded.get(_relative(p), 0.0))
    seconds: dict[Path, float] = {}
    failed: list[str] = []
    # One store of fitted POCs for the run: the first chapter that needs one fits it.
    workers = min(jobs, len(ordered) or 1)
    with poc_store.fresh_store(), ProcessPoolExecutor(max_workers=workers) as pool:
        running = {pool.submit(_timed_execute, path): path for path in ordered}
        for done in as_completed(running):
            name = _relative(running[done])
            try:
                seconds[running[done]] = done.result()
            except Exception as error:  # the others go on; every failure is named at the end
                failed.append(f"{name}: {' '.join(str(error).split())[-300:]}")
                print(f"{name}: FAILED", flush=True)
                continue
            print(f"{name}: {seconds[running[done]]:.1f} s", flush=True)
    if failed:
        raise RuntimeError("notebooks failed:\n" + "\n".join(failed))
    return seconds


def _timed_execute(path: Path) -> float:
    import time

    start = time.perf_counter()
    execute(path)
    return time.perf_counter() - start


def _relative(path: Path) -> str:
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _recorded_seconds() -> dict[str, float]:
    """Each notebook's time as ``make bench`` last recorded it (none before the first run)."""
    import json

    results = ROOT / "benchmarks" / "results.json"
    if not results.is_file():
        return {}
    return json.loads(results.read_text()).get("notebook_seconds", {})


def write(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Write a notebook the way JupyterLab does (one trailing newline)."""
    import nbformat

    Path(path).write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")


def exercise_from_solution(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The exercise notebook generated from a solutions notebook."""
    exercise = copy.deepcopy(solution)
    cells = []
    for cell in exercise.cells:
        if SOLUTION_TAG in cell.metadata.get("tags", []):
            continue
        if not cells:  # the title, and the notebook it offers
            cell.source = cell.source.replace("Solutions", "Exercises")
            cell.source = cell.source.replace("_solutions.ipynb", "_exercises.ipynb")
        if cell.cell_type == "code":
            cell.source = _replace_solution_blocks(cell.source)
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        cells.append(cell)
    exercise.cells = cells
    exercise.metadata.pop("papermill", None)
    return exercise


def _replace_solution_blocks(source: str) -> str:
    lines = source.splitlines()
    out: list[str] = []
    block: list[str] | None = None
    for line in lines:
        stripped = line.strip()
        if stripped == BEGIN:
            if block is not None:
                raise ValueError(f"nested {BEGIN!r} in:\n{source}")
            block = []
            indent = line[: len(line) - len(line.lstrip())]
        elif stripped == END:
            if block is None:
                raise ValueError(f"{END!r} without {BEGIN!r} in:\n{source}")
            names = list(dict.fromkeys(_ANSWER.findall("\n".join(x.strip() for x in block))))
            out.append(f"{indent}# Your code here.")
            out.extend(f"{indent}{name} = ...  # replace ... with your answer" for name in names)
            block = None
        elif block is not None:
            block.append(line)
        else:
            out.append(line)
    if block is not None:
        raise ValueError(f"{BEGIN!r} without {END!r} in:\n{source}")
    return "\n".join(out)


def generate_exercises(root: Path = ROOT, *, check: bool = False) -> list[Path]:
    """Write every exercise notebook from its solutions; with ``check``, only compare.

    Returns the exercise notebooks that differ from what generation gives (with ``check``)
    or that were written.
    """
    import nbformat

    changed = []
    for solution in solution_notebooks(root):
        target = exercise_path(solution)
        generated = exercise_from_solution(nbformat.read(str(solution), as_version=4))
        text = nbformat.writes(generated) + "\n"
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current != text:
            changed.append(target)
            if not check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    if check:
        expected = {exercise_path(s).name for s in solution_notebooks(root)}
        strays = [p for p in (root / "exercises").glob("*.ipynb") if p.name not in expected]
        changed.extend(strays)
    return changed


def output_dir(name: str = "", fresh: bool = False) -> Path:
    """Where notebooks write files (workbooks, reports): ``$POCMVP_OUTPUT_DIR`` or ``output/``.
    With ``fresh``, the notebook's own folder ``name`` is emptied first, so that a command that
    refuses to replace a folder it did not write finds none from an earlier run."""
    base = Path(os.environ.get("POCMVP_OUTPUT_DIR", ROOT / "output"))
    path = base / name if name else base
    if fresh and name and path.is_dir():
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)
    return path
