"""The ``pocmvp`` command: the workbook's tools, one subcommand each."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pocmvp.machinery import notebooks
from pocmvp.machinery.toolkit_commands import _rule, _rule_usage_error


def _notebooks(args: argparse.Namespace) -> int:
    paths: list[Path] = []
    for target in args.paths:
        target = Path(target)
        paths.extend(sorted(target.glob("*.ipynb")) if target.is_dir() else [target])
    print(f"executing {len(paths)} notebooks, {args.jobs or os.cpu_count()} at a time", flush=True)
    seconds = notebooks.execute_all(paths, args.jobs)
    print(f"done: {len(paths)} notebooks, {sum(seconds.values()):.0f} s of kernel time")
    return 0


def _exercises(args: argparse.Namespace) -> int:
    changed = notebooks.generate_exercises(check=args.check)
    if args.check:
        if changed:
            names = ", ".join(str(p.relative_to(notebooks.ROOT)) for p in changed)
            print(f"exercises/ differs from what solutions/ generates: {names}")
            print("Run 'make exercises' and commit the result.")
            return 1
        print("exercises/ matches solutions/.")
        return 0
    for path in changed:
        print(f"wrote {path.relative_to(notebooks.ROOT)}")
    return 0


def _home(args: argparse.Namespace) -> int:
    from pocmvp.machinery import course

    try:
        changed = course.update_home(check=args.check)
    except ValueError as error:
        print(f"pocmvp home: {error}", file=sys.stderr)
        return 2
    if args.check and changed:
        print("index.qmd's schedules are out of date: run 'pocmvp home' and commit the result.")
        return 1
    print("index.qmd " + ("rewritten" if changed else "is current") + ".")
    return 0


# What JupyterLab opens first, and what its file browser does not list: the instructor-only
# sources and the rendered site (whose instructor edition holds the teaching notes).
LAB_FIRST_PAGE = "chapters/01_business_problem.ipynb"
HIDDEN_IN_LAB = ["instructor", "_site"]
LAB_DEFAULTS = Path(__file__).resolve().parent / "machinery" / "jupyterlab_defaults.json5"


def _install_lab_defaults() -> None:
    """Put the workbook's JupyterLab defaults where JupyterLab reads packages' defaults."""
    from jupyterlab.commands import get_app_dir

    target = Path(get_app_dir()) / "settings" / "overrides.d" / "pocmvp.json5"
    text = LAB_DEFAULTS.read_text(encoding="utf-8")
    try:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            # Replaced whole, so that a JupyterLab already running never reads half a file.
            partial = target.with_name(f".{target.name}.{os.getpid()}")
            partial.write_text(text, encoding="utf-8")
            partial.replace(target)
    except OSError as error:  # a read-only installation: JupyterLab's own defaults apply
        print(f"pocmvp lab: could not write {target}: {error}", file=sys.stderr)


def _lab(args: argparse.Namespace) -> int:
    """Serve the workbook in the current folder with JupyterLab, opened on chapter 1."""
    folder = Path.cwd()
    if not notebooks.is_workbook(folder):
        hint = f" (cd {notebooks.ROOT})" if notebooks.is_workbook(notebooks.ROOT) else ""
        print(
            f"pocmvp lab: {folder} is not the workbook folder: it has no chapters/ and "
            f"exercises/. Run 'pocmvp lab' in the folder that holds them{hint}.",
            file=sys.stderr,
        )
        return 2
    from jupyter_server.services.contents.manager import ContentsManager
    from jupyterlab.labapp import LabApp

    _install_lab_defaults()
    hidden = [*ContentsManager.class_traits()["hide_globs"].default(), *HIDDEN_IN_LAB]
    argv = [
        f"--ServerApp.root_dir={folder}",
        # The file browser opens on chapters/, the root one click up. ("?file-browser-path=/"
        # would open it on the root, but break the address Jupyter prints: it appends "?token=".)
        f"--LabApp.default_url=/lab/tree/{LAB_FIRST_PAGE}",
        *(f"--ContentsManager.hide_globs={pattern}" for pattern in hidden),
    ]
    if getattr(os, "geteuid", lambda: -1)() == 0:
        argv.append("--allow-root")  # JupyterLab refuses to run as root without it
    print(
        f"pocmvp lab: serving the workbook in {folder}. JupyterLab opens chapter 1; the top "
        "folder of its file browser holds chapters/, exercises/ and solutions/. Stop it with "
        "Ctrl+C.",
        flush=True,
    )
    LabApp.launch_instance(argv=[*argv, *args.jupyter_args])
    return 0


def _bench(args: argparse.Namespace) -> int:
    from pocmvp.machinery import bench

    sections = tuple(part.strip() for part in args.only.split(",") if part.strip())
    unknown = sorted(set(sections) - set(bench.SECTIONS))
    if unknown or not sections:
        print(
            f"pocmvp bench: --only takes {', '.join(bench.SECTIONS)}, not {args.only!r}",
            file=sys.stderr,
        )
        return 2
    bench.run(Path(args.output), runs=args.runs, sections=sections, steps=args.step)
    print(f"wrote {args.output}")
    return 0


def _seeds(text: str) -> list[int]:
    from pocmvp.machinery import robustness

    try:
        return robustness.parse_seeds(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _sizes(text: str) -> list[str]:
    from pocmvp.machinery import robustness

    try:
        return robustness.parse_sizes(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _robustness(args: argparse.Namespace) -> int:
    """Every claim of the story for each seed and size; exit 1 if any claim fails."""
    from pocmvp.machinery import robustness

    result = robustness.run(
        args.seeds, args.sizes, Path(args.output), workers=args.workers, show_progress=True
    )
    folder = Path(args.output)
    print(
        f"{result['held']} of {result['evaluations']} claim evaluations hold; wrote "
        f"{folder / robustness.JSON_NAME} and {folder / robustness.MARKDOWN_NAME}"
    )
    for failure in result["failures"]:
        got = failure.get("error") or failure["value"]
        print(
            f"  FAILS {failure['claim']} ({failure['size']}, seed {failure['seed']}): {got}, "
            f"expected {robustness.band_text(failure['band'])}",
            file=sys.stderr,
        )
    return 1 if result["failures"] else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pocmvp", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("notebooks", help="execute notebooks and store their outputs")
    run.add_argument("paths", nargs="+", help="notebooks or folders of notebooks")
    run.add_argument(
        "--jobs", type=int, default=None, help="notebooks run at once (default: one per core)"
    )
    run.set_defaults(handler=_notebooks)

    ex = commands.add_parser("exercises", help="generate exercises/ from solutions/")
    ex.add_argument("--check", action="store_true", help="only check, exit 1 on any difference")
    ex.set_defaults(handler=_exercises)

    from pocmvp.machinery import grade_command

    grade_command.register(commands)

    home = commands.add_parser(
        "home",
        help="regenerate the home page's schedules (index.qmd) from the teaching notes' timing",
    )
    home.add_argument("--check", action="store_true", help="only check, exit 1 if out of date")
    home.set_defaults(handler=_home)

    lab = commands.add_parser(
        "lab",
        help="open the workbook in JupyterLab (run it in the workbook folder)",
        description="Serve the workbook in the current folder with JupyterLab and open "
        f"{LAB_FIRST_PAGE}; chapters, exercises and solutions are in the file browser. Any "
        "other option goes to JupyterLab (e.g. --no-browser, --port=8889). Exit code 2: "
        "the current folder is not the workbook folder (it has no chapters/ and exercises/).",
        usage="pocmvp lab [-h] [JupyterLab options ...]",
        allow_abbrev=False,
    )
    lab.set_defaults(handler=_lab)

    bn = commands.add_parser("bench", help="time the heavy steps, the notebooks and the tests")
    bn.add_argument("--output", default="benchmarks/results.json")
    bn.add_argument("--runs", type=int, default=3, help="runs of each step (median)")
    bn.add_argument(
        "--only",
        default="steps,notebooks,suite",
        help="sections to time, comma-separated (default: steps,notebooks,suite)",
    )
    bn.add_argument(
        "--step",
        action="append",
        help="time only this step (repeatable; with --only steps or the default sections)",
    )
    bn.set_defaults(handler=_bench)

    rb = commands.add_parser(
        "robustness",
        help="evaluate every claim of the story for many seeds and both sizes",
        description="Evaluate every claim declared in pocmvp.case.story through the package (no "
        "notebook runs) for each seed and size, and write robustness.json and robustness.md "
        "into the output folder. Exit code 1 when any claim fails on any seed.",
    )
    rb.add_argument(
        "--seeds", type=_seeds, default="1-20", help="seeds, e.g. 1-20 or 1,4,7 (default 1-20)"
    )
    rb.add_argument(
        "--sizes",
        type=_sizes,
        default="default,fast",
        help="default, fast or both, comma-separated (default: default,fast)",
    )
    rb.add_argument("--output", default="benchmarks", help="output folder (default benchmarks)")
    rb.add_argument(
        "--workers", type=int, default=2, help="processes to run stories in (default 2)"
    )
    rb.set_defaults(handler=_robustness)

    from pocmvp.case import report_command, send_due_command

    rp = report_command.register(commands)

    ru = commands.add_parser(
        "rule",
        help="find a threshold rule for any table and write rule.json, a workbook and SQL",
        description="Find the rule of one or two thresholds that catches the most positive "
        "TARGET rows while flagging at most CAPACITY of the rows, and write rule.json, "
        "workbook.xlsx and rule.sql into the output folder. A column is left out on evidence "
        "that it was recorded after the outcome (its values only on positive rows), unless "
        "named in --columns; one that merely separates the target well is kept, with a "
        "warning to confirm. Exit code 2: unusable input or an output folder it must not "
        "replace.",
    )
    ru.add_argument("data", help="the table: a .csv, .parquet or .xlsx file")
    ru.add_argument("--target", required=True, help="the 0/1, true/false or yes/no column")
    ru.add_argument("--capacity", required=True, help="share of rows that can be flagged")
    ru.add_argument("--columns", help="the numeric columns a rule may use, comma-separated")
    ru.add_argument(
        "--leave-out",
        help="columns recorded after the outcome, left out whatever the leak check finds",
    )
    ru.add_argument("--id", help="the id column (one row per id)")
    ru.add_argument("--time", help="the time column")
    ru.add_argument("--history-until", help="choose the rule on rows up to this month, YYYY-MM")
    ru.add_argument("--output", default="rule", help="output folder (default ./rule)")
    ru.add_argument(
        "--workbook-rows",
        help="rows the workbook holds, the latest (default 50000; 'all' for every row)",
    )
    ru.add_argument(
        "--fill-capacity",
        action="store_true",
        help="move the thresholds so the rule is expected to fill the capacity on new rows",
    )
    ru.set_defaults(handler=_rule)
    ru.error = _rule_usage_error  # one line, not argparse's usage block

    send_due_command.register(commands)

    args, unknown = parser.parse_known_args(argv)
    if args.command == "lab":
        args.jupyter_args = unknown  # JupyterLab's own options
    elif unknown and args.command == "rule":
        ru.error(f"unrecognized arguments: {' '.join(unknown)}")
    elif unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command == "report" and args.send and args.smtp is None:
        rp.error("--send needs --smtp HOST:PORT")
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
