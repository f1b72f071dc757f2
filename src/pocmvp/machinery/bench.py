"""Benchmarks: how long each notebook and each heavy step takes, written to a results file.

Speed is measured here, never asserted in tests. Each figure is the median of a few runs,
and the file keeps the machine it was measured on, so figures are compared like for like.
"""

from __future__ import annotations

import datetime
import importlib
import json
import os
import pkgutil
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from pocmvp.case.recorded import RESULTS, Scoring, recorded  # noqa: F401 - the chapters' figures
from pocmvp.machinery import notebooks
from pocmvp.toolkit.timing import median_seconds


def traced(action: Callable[[], object]) -> tuple[object, float, float]:
    """``action()``'s result, its wall time in seconds and the peak memory Python allocated
    during it in megabytes (:mod:`tracemalloc`, which sees numpy's arrays too)."""
    tracemalloc.start()
    try:
        start = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, seconds, peak / 1e6


def in_child(function: str, *arguments: str) -> dict:
    """Run ``module:function(*arguments)`` in a fresh Python and return its JSON result with
    ``peak_rss_megabytes``, the child's own peak resident memory (:func:`os.wait4`): a
    library's native memory (DuckDB) is invisible to tracemalloc."""
    module, name = function.split(":")
    code = (
        "import json, sys; from importlib import import_module; "
        f"print(json.dumps(getattr(import_module({module!r}), {name!r})(*sys.argv[1:])))"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code, *arguments], stdout=subprocess.PIPE, text=True
    )
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"benchmark {function} failed (exit {child.returncode})")
    result = json.loads(output.strip().splitlines()[-1])
    result["peak_rss_megabytes"] = round(usage.ru_maxrss / 1024, 1)  # Linux: kilobytes
    # CPU seconds: on a machine shared with other work, wall time also counts the waiting.
    result["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 2)
    return result


def notebook_timings(paths: list[Path], runs: int) -> dict[str, float]:
    """Median execution time of each notebook at its default parameters, one at a time."""
    from unittest import mock

    timings = {}
    with tempfile.TemporaryDirectory() as scratch, mock.patch.dict(os.environ):
        # Outputs go to the scratch folder for these runs only: the suite timed after them
        # must see the tracked folders, as make test does.
        os.environ["POCMVP_OUTPUT_DIR"] = scratch
        os.environ["POCMVP_FIGURES_DIR"] = str(Path(scratch) / "figures")
        os.environ["POCMVP_DOWNLOADS_DIR"] = str(Path(scratch) / "downloads")
        for path in paths:
            target = Path(scratch) / path.name
            timings[str(path.relative_to(notebooks.ROOT))] = round(
                median_seconds(lambda p=path, t=target: _cold_execute(p, t), runs), 3
            )
            print(f"{path.name}: {timings[str(path.relative_to(notebooks.ROOT))]:.1f} s")
    timings["total"] = round(sum(timings.values()), 3)
    return timings


def _cold_execute(path: Path, target: Path) -> None:
    """One run of a notebook with an empty store of fitted POCs: each run fits its own."""
    from pocmvp.case import poc_store

    with poc_store.fresh_store():
        notebooks.execute(path, target)


def suite_timing(slowest: int = 10) -> dict:
    """``make test`` timed as a whole (lint, the exercises check and every test), with its
    ``slowest`` slowest tests as pytest's JUnit report gives them."""
    import xml.etree.ElementTree as ElementTree

    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "junit.xml"
        env = {**os.environ, "PYTEST_ADDOPTS": f"--junitxml={report}"}
        start = time.perf_counter()
        finished = subprocess.run(["make", "-s", "test"], cwd=notebooks.ROOT, env=env)
        seconds = time.perf_counter() - start
        cases = ElementTree.parse(report).getroot().iter("testcase") if report.exists() else []
        times = sorted(
            ((float(c.get("time", 0)), f"{c.get('classname')}::{c.get('name')}") for c in cases),
            reverse=True,
        )
    return {
        "wall_seconds": round(seconds, 1),
        "passed": finished.returncode == 0,
        "tests": len(times),
        "slowest": {name: round(t, 2) for t, name in times[:slowest]},
    }


def record(results_file: Path, section: str, figures: dict) -> dict:
    """Merge ``figures`` under ``section`` into the JSON results file and return it all."""
    results_file = Path(results_file)
    data = json.loads(results_file.read_text()) if results_file.exists() else {}
    data.setdefault("measured_on", {})[section] = datetime.date.today().isoformat()
    data["machine"] = {
        "python": platform.python_version(),
        "processor": platform.machine(),
        "cores": os.cpu_count(),
    }
    # Seconds to a tenth of a millisecond: finer digits are noise on a shared machine.
    data[section] = {k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}
    results_file.parent.mkdir(parents=True, exist_ok=True)
    results_file.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    return data


def step_benchmarks() -> dict[str, Callable[[int], dict]]:
    """Heavy steps to time, found in the package: any module may define ``BENCHMARKS``, a
    dict of name -> function(runs) returning ``{figure: value}``."""
    from pocmvp import case, machinery

    steps = {}
    for package in (case, machinery):
        for module in pkgutil.iter_modules(package.__path__):
            loaded = importlib.import_module(f"{package.__name__}.{module.name}")
            steps.update(getattr(loaded, "BENCHMARKS", {}))
    return steps


SECTIONS = ("steps", "notebooks", "suite")


def run(
    results_file: Path,
    runs: int = 3,
    *,
    sections: tuple[str, ...] = SECTIONS,
    steps: list[str] | None = None,
) -> dict:
    """Time what ``sections`` name and write it to ``results_file``, each section dated.

    ``steps``: the registered heavy steps (the figures the chapters quote; only those named
    in ``steps``, if given), first, while nothing else runs; ``notebooks``: every chapter and
    solutions notebook once, one at a time; ``suite``: ``make test`` as a whole. Run it on an
    idle machine.
    """
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        raise ValueError(f"sections: unknown {unknown}; choose from {list(SECTIONS)}")
    registered = step_benchmarks()
    unknown = sorted(set(steps or ()) - set(registered))
    if unknown:
        raise ValueError(f"no benchmark step {', '.join(unknown)}; known: {', '.join(registered)}")
    data = {}
    if "steps" in sections:
        for name, step in registered.items():
            if steps and name not in steps:
                continue
            print(f"step {name} ...", flush=True)
            data = record(results_file, name, step(runs))
    if "notebooks" in sections:
        paths = notebooks.chapter_notebooks() + notebooks.solution_notebooks()
        paths.append(notebooks.report_notebook())
        data = record(results_file, "notebook_seconds", notebook_timings(paths, 1))
    if "suite" in sections:
        print("make test ...", flush=True)
        data = record(results_file, "suite", suite_timing())
    return data
