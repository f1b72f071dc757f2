"""``pocmvp grade``: the command's options and its handler; the grading is
:mod:`pocmvp.machinery.grade`, imported only when the command runs (it needs nbformat, whose
import costs every other ``pocmvp`` command a second or more)."""

from __future__ import annotations

import sys
from pathlib import Path

from pocmvp.machinery.notebooks import KERNEL_NAME


def _workers(text: str | None) -> int | None:
    """``--workers``: a positive integer (``None``, the default, when not given)."""
    if text is None:
        return None
    try:
        workers = int(text)
    except ValueError:
        workers = 0
    if workers < 1:
        raise ValueError(f"--workers takes a positive integer, not {text!r}")
    return workers


def _run(args) -> int:
    try:
        workers = _workers(args.workers)
    except ValueError as error:
        print(f"pocmvp grade: {error}", file=sys.stderr)
        return 2
    from pocmvp.machinery.grade import grade, submissions_in

    found = submissions_in(args.submissions)
    if not found:
        print("pocmvp grade: no .ipynb among the submissions named", file=sys.stderr)
        return 2
    parameters = {"fast_mode": True} if args.fast else {}
    grades = grade(
        found,
        Path(args.output),
        exercises=args.exercises,
        timeout=args.timeout,
        parameters=parameters,
        kernel=args.kernel,
        workers=workers,
    )
    counts = grades["status"].value_counts()
    print(f"{len(found)} submissions graded: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    print(f"wrote {Path(args.output) / 'grades.csv'} and {Path(args.output) / 'report.html'}")
    return 0


def register(commands) -> None:
    """The ``pocmvp grade`` subcommand (``commands`` is the CLI's subparsers)."""
    command = commands.add_parser(
        "grade",
        help="grade learners' exercise notebooks: grades.csv and a class report",
        description="Execute each learner's exercise notebook, check every answer in a fresh "
        "kernel with the workbook's own check cells, and write grades.csv (submission, "
        "exercise, tier, status, misconception) and report.html into the output folder. "
        "Up to --workers submissions are graded at once; the rows keep submission order. "
        "Exit code 2: no notebook among the submissions, or --workers not a positive integer.",
    )
    command.add_argument("submissions", nargs="+", help="notebooks or folders of notebooks")
    command.add_argument("--output", required=True, help="folder for grades.csv, report.html")
    command.add_argument("--exercises", type=Path, help="the exercise notebooks (exercises/)")
    command.add_argument("--timeout", type=int, default=300, help="seconds a cell may run")
    command.add_argument("--fast", action="store_true", help="run in fast mode (smaller data)")
    command.add_argument("--kernel", default=KERNEL_NAME, help="Jupyter kernel name")
    command.add_argument(
        "--workers",
        metavar="N",
        help="submissions graded at once, each in its own process (default: 2, 1 on a "
        "one-core machine; 1 grades them one after another)",
    )
    command.set_defaults(handler=_run)
