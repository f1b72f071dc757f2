"""``pocmvp grade``: how a class did on the exercises, with no server and no hub.

For each learner's exercise notebook (a *submission*):

1. Its exercise notebook in ``exercises/`` (the *reference*) is found by name or title.
   Each check cell of the reference, the answer placeholders then the check call, must end
   a code cell of the submission with the same check lines; where none does, the exercise
   is ``tampered`` (its check cell was deleted or edited).
2. The submission runs with papermill, errors allowed, each cell with a timeout; after each
   check cell an injected cell records the learner's answers (plain numbers and text).
3. The reference runs in a fresh kernel, its placeholders replaced by the recorded answers,
   and the feedback of each check is recorded. A check redefined in an answer cell never
   runs here, so it earns nothing.

``grades.csv`` gets one row per submission and exercise (submission, exercise, tier,
status, misconception) and ``report.html`` the class report: the share correct per
exercise as a figure and a table, and the most common misconceptions. One notebook that
fails or hangs never stops the others. Two submissions are graded at once by default (a
kernel run spends about half its time waiting on the Jupyter protocol), each in its own
process and scratch folder; the rows keep submission order.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from pocmvp.machinery import answers as answers_module
from pocmvp.machinery import notebooks

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ["submission", "exercise", "tier", "status", "misconception"]
_PLACEHOLDER = re.compile(r"^\s*(answer\w*) = \.\.\.  # replace \.\.\. with your answer\s*$")
_CODE_HERE = "# Your code here."


@dataclass(frozen=True)
class CheckCell:
    """A check cell of the reference: its index, its answer names and its check lines."""

    index: int
    answers: tuple[str, ...]
    check: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"cell-{self.index}"


def _lines(source: str) -> list[str]:
    return [line.rstrip() for line in source.splitlines() if line.strip()]


def check_cells(reference: nbformat.NotebookNode) -> list[CheckCell]:
    """The reference's check cells: code cells with answer placeholders."""
    found = []
    for index, cell in enumerate(reference.cells):
        if cell.cell_type != "code":
            continue
        lines = _lines(cell.source)
        placeholders = [i for i, line in enumerate(lines) if _PLACEHOLDER.match(line)]
        if placeholders:
            answers = tuple(_PLACEHOLDER.match(lines[i]).group(1) for i in placeholders)
            found.append(CheckCell(index, answers, tuple(lines[placeholders[-1] + 1 :])))
    return found


def match_cells(submission: nbformat.NotebookNode, cells: list[CheckCell]) -> dict[str, int]:
    """Each intact check cell's key -> the index of the submission cell that ends with its
    check lines (in order); check cells with no such cell are missing (tampered)."""
    matched, start = {}, 0
    code = [(i, _lines(c.source)) for i, c in enumerate(submission.cells) if c.cell_type == "code"]
    for cell in cells:
        size = len(cell.check)
        for index, lines in code:
            if index >= start and size and tuple(lines[-size:]) == cell.check:
                matched[cell.key] = index
                start = index + 1
                break
    return matched


def _code(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source)


def _parameters(reference: nbformat.NotebookNode, overrides: dict) -> dict:
    """The reference's parameter defaults (its own cell), then ``overrides``."""
    values: dict = {}
    for cell in reference.cells:
        if "parameters" in cell.metadata.get("tags", []):
            exec(cell.source, {}, values)  # the workbook's own notebook, never a learner's
    return {**values, **overrides}


def _execute(notebook, folder: Path, name: str, parameters: dict, settings: dict):
    """Run ``notebook`` with papermill, errors allowed; the executed notebook (None when the
    run itself failed: a timeout, a dead kernel)."""
    import papermill

    source, output = folder / f"{name}.ipynb", folder / f"{name}.out.ipynb"
    nbformat.write(notebook, source)
    try:
        papermill.execute_notebook(
            str(source),
            str(output),
            parameters=parameters,
            kernel_name=settings["kernel"],
            language="python",
            cwd=settings["cwd"],
            execution_timeout=settings["timeout"],
            progress_bar=False,
            allow_errors=True,
        )
    except papermill.PapermillExecutionError:
        pass  # a learner's cell raised: the other cells ran on, the output was written
    except Exception as error:  # a timeout or a dead kernel ends this notebook only
        what = f"{settings['submission']} ({name} run)"
        print(f"{what}: {type(error).__name__}: {error}".splitlines()[0], file=sys.stderr)
        return None
    return nbformat.read(output, as_version=4) if output.exists() else None


def _answer_line(line: str, key: str) -> str:
    """A placeholder line of the reference, given the recorded answer instead."""
    found = _PLACEHOLDER.match(line)
    if not found:
        return line
    indent = line[: len(line) - len(line.lstrip())]
    name = found.group(1)
    return f"{indent}{name} = _pocmvp_answers.get({key!r}, {{}}).get({name!r}, ...)"


def _has_error(cell: nbformat.NotebookNode) -> bool:
    return any(o.get("output_type") == "error" for o in cell.get("outputs", []))


def grade_one(submission: Path, reference: Path, work: Path, settings: dict) -> list[dict]:
    """The rows of ``grades.csv`` for one submission."""
    ref = nbformat.read(reference, as_version=4)
    learner = nbformat.read(submission, as_version=4)
    cells = check_cells(ref)
    matched = match_cells(learner, cells)
    answers, feedback = work / "answers.json", work / "feedback.json"
    parameters = _parameters(ref, settings["parameters"])
    settings = {**settings, "submission": submission.name}

    # The learner's notebook, with a recording cell after each intact check cell.
    recorder = "from pocmvp.machinery.answers import record_answers as _pocmvp_record\n"
    by_cell = {matched[c.key]: c for c in cells if c.key in matched}
    run = nbformat.v4.new_notebook(metadata=learner.metadata)
    for index, cell in enumerate(learner.cells):
        run.cells.append(cell)
        if index in by_cell:
            check = by_cell[index]
            cell.metadata["pocmvp_check"] = check.key
            call = f"_pocmvp_record({str(answers)!r}, {check.key!r}, {list(check.answers)!r}, "
            run.cells.append(_code(recorder + call + "globals())"))
    executed = _execute(run, work, "submission", parameters, settings)
    errored = {
        cell.metadata["pocmvp_check"]
        for cell in (executed.cells if executed is not None else [])
        if "pocmvp_check" in cell.metadata and _has_error(cell)
    }
    recorded = answers_module.load_answers(str(answers))

    # The reference in a fresh kernel, with the recorded answers.
    checks = nbformat.v4.new_notebook(metadata=ref.metadata)
    loader = "from pocmvp.machinery.answers import load_answers, record_feedback\n"
    checks.cells.append(_code(loader + f"_pocmvp_answers = load_answers({str(answers)!r})"))
    by_index = {c.index: c for c in cells}
    for index, cell in enumerate(ref.cells):
        if index not in by_index:
            checks.cells.append(cell)
            continue
        check = by_index[index]
        source = "\n".join(_answer_line(line, check.key) for line in cell.source.splitlines())
        checks.cells.append(_code(source))
        checks.cells.append(_code(f"record_feedback({str(feedback)!r}, {check.key!r})"))
    # A parameters cell first, as papermill expects (the loader goes after it).
    parameter_cells = [c for c in checks.cells if "parameters" in c.metadata.get("tags", [])]
    if parameter_cells:
        checks.cells.remove(parameter_cells[0])
        checks.cells.insert(0, parameter_cells[0])
    _execute(checks, work, "checks", parameters, settings)
    judged = json.loads(feedback.read_text(encoding="utf-8")) if feedback.exists() else {}

    rows = []
    for number, check in enumerate(cells, start=1):
        found = judged.get(check.key, {})
        exercise = found.get("exercise") or f"check {number}"
        row = {"submission": submission.name, "exercise": exercise}
        row["tier"] = found.get("tier", "")
        row["status"], row["misconception"] = found.get("status", "error"), ""
        if check.key not in matched:
            row["status"] = "tampered"
        elif check.key in errored or executed is None or check.key not in recorded:
            row["status"] = "error"
        elif row["status"] == "wrong":
            row["misconception"] = found.get("misconception", "")
        rows.append(row)
    return rows


def find_reference(submission: Path, exercises: Path) -> Path | None:
    """The exercise notebook a submission was made from: by file name, else by title."""
    references = sorted(exercises.glob("*.ipynb"))
    for reference in references:
        if reference.stem in submission.stem:
            return reference
    with contextlib.suppress(Exception):
        title = _title(nbformat.read(submission, as_version=4))
        for reference in references:
            if title and title == _title(nbformat.read(reference, as_version=4)):
                return reference
    return None


def _title(notebook: nbformat.NotebookNode) -> str:
    first = notebook.cells[0].source.strip().splitlines() if notebook.cells else []
    return first[0] if first else ""


def submissions_in(paths: Iterable[Path]) -> list[Path]:
    """The notebooks named, and those in the folders named (not in checkpoints)."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        elif path.suffix == ".ipynb":
            found.append(path)
    return found


_OUTPUT_NAMES = ("POCMVP_OUTPUT_DIR", "POCMVP_FIGURES_DIR", "POCMVP_DOWNLOADS_DIR")


@contextlib.contextmanager
def _scratch_outputs(folder: Path) -> Iterator[None]:
    """Notebooks write their files, figures and downloads under ``folder``."""
    saved = {n: os.environ.get(n) for n in _OUTPUT_NAMES}
    for name in _OUTPUT_NAMES:
        os.environ[name] = str(folder / name.split("_")[1].lower())
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _failed(submission: Path) -> dict:
    return {"submission": submission.name, "exercise": "", "tier": "", "status": "error"} | {
        "misconception": ""
    }


def _grade_safely(submission: Path, reference: Path, work: Path, settings: dict) -> list[dict]:
    """:func:`grade_one`; a submission that breaks it gets one error row and a line on stderr."""
    try:
        return grade_one(submission, reference, work, settings)
    except Exception as error:  # one broken notebook never stops the others
        print(f"{submission.name}: {error}".splitlines()[0], file=sys.stderr)
        return [_failed(submission)]


def _grade_in_worker(
    submission: Path, reference: Path, work: Path, settings: dict
) -> tuple[list[dict], str]:
    """:func:`_grade_safely` in a worker process: its rows and what it wrote on stderr,
    which the parent writes in submission order (so the lines read as a sequential run's)."""
    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer):
        rows = _grade_safely(submission, reference, work, settings)
    return rows, buffer.getvalue()


def default_workers() -> int:
    """Submissions graded at once by default: two, or one on a one-core machine (each
    kernel run waits on the Jupyter protocol half its time, so two keep two cores busy)."""
    return min(2, os.cpu_count() or 1)


def _no_reference(submission: Path) -> list[dict]:
    print(f"{submission.name}: no exercise notebook matches it", file=sys.stderr)
    return [_failed(submission)]


def _graded(tasks: list[tuple], settings: dict, workers: int) -> Iterator[list[dict]]:
    """Each task's rows, in task order. A task is ``(submission, reference, work)``, its
    reference ``None`` when no exercise notebook matches it. With ``workers`` above 1 the
    submissions run in that many spawned processes, their stderr lines written in order."""
    graded = [index for index, task in enumerate(tasks) if task[1] is not None]
    if workers <= 1 or len(graded) <= 1:
        for submission, reference, work in tasks:
            if reference is None:
                yield _no_reference(submission)
            else:
                yield _grade_safely(submission, reference, work, settings)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # A spawned worker starts with this process's environment: the scratch folders of
    # _scratch_outputs, which the pool is made inside of.
    with ProcessPoolExecutor(
        max_workers=min(workers, len(graded)),
        mp_context=multiprocessing.get_context("spawn"),
    ) as pool:
        futures = {i: pool.submit(_grade_in_worker, *tasks[i], settings) for i in graded}
        try:
            for index, (submission, reference, _work) in enumerate(tasks):
                if reference is None:
                    yield _no_reference(submission)
                    continue
                try:
                    rows, messages = futures[index].result()
                except Exception as error:  # the worker process itself died
                    line = f"{submission.name}: {type(error).__name__}: {error}"
                    rows, messages = [_failed(submission)], line.splitlines()[0] + "\n"
                sys.stderr.write(messages)
                yield rows
        except BaseException:  # Ctrl-C: grade no further submission
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def grade(
    submissions: Iterable[Path],
    output: Path,
    *,
    exercises: Path | None = None,
    timeout: int = 300,
    parameters: dict | None = None,
    kernel: str = notebooks.KERNEL_NAME,
    workers: int | None = None,
) -> pd.DataFrame:
    """Grade every submission; write ``grades.csv`` and ``report.html`` into ``output``.

    Up to ``workers`` submissions are graded at once (default :func:`default_workers`;
    1 grades them one after another in this process); the rows keep submission order.
    """
    exercises = Path(exercises or notebooks.ROOT / "exercises")
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers must be a positive integer, not {workers!r}")
    output.mkdir(parents=True, exist_ok=True)
    settings = {
        "kernel": kernel,
        "timeout": timeout,
        "cwd": str(exercises),
        "parameters": parameters or {},
    }
    rows: list[dict] = []
    with (
        tempfile.TemporaryDirectory(prefix="pocmvp-grade-") as scratch,
        _scratch_outputs(Path(scratch)),
    ):
        tasks = []
        for number, submission in enumerate(submissions_in(submissions)):
            reference = find_reference(submission, exercises)
            work = Path(scratch) / f"submission-{number}"
            if reference is not None:
                work.mkdir()
            tasks.append((submission, reference, work))
        for found in _graded(tasks, settings, workers):
            rows += found
    import pandas as pd

    from pocmvp.machinery.class_report import class_report

    grades = pd.DataFrame(rows, columns=COLUMNS)
    grades.to_csv(output / "grades.csv", index=False)
    (output / "report.html").write_text(class_report(grades), encoding="utf-8")
    return grades
