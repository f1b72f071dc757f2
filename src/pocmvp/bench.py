"""Benchmarks: how long each notebook and each heavy step takes, written to a results file.

Speed is measured here, never asserted in tests. Each figure is the median of a few runs,
and the file keeps the machine it was measured on, so figures are compared like for like.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pocmvp import notebooks


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """The median wall time of ``runs`` calls of ``action``, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 3)


def notebook_timings(paths: list[Path], runs: int) -> dict[str, float]:
    """Median execution time of each notebook at its default parameters."""
    timings = {}
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["POCMVP_OUTPUT_DIR"] = scratch
        for path in paths:
            target = Path(scratch) / path.name
            timings[str(path.relative_to(notebooks.ROOT))] = median_seconds(
                lambda p=path, t=target: notebooks.execute(p, t), runs
            )
            print(f"{path.name}: {timings[str(path.relative_to(notebooks.ROOT))]:.1f} s")
    return timings


def record(results_file: Path, section: str, figures: dict) -> dict:
    """Merge ``figures`` under ``section`` into the JSON results file and return it all."""
    results_file = Path(results_file)
    data = json.loads(results_file.read_text()) if results_file.exists() else {}
    data["machine"] = {
        "python": platform.python_version(),
        "processor": platform.machine(),
        "cores": os.cpu_count(),
    }
    data[section] = figures
    results_file.parent.mkdir(parents=True, exist_ok=True)
    results_file.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    return data


# Heavy steps register here, each as name -> function returning {figure: seconds}.
STEPS: dict[str, Callable[[int], dict]] = {}


def run(results_file: Path, runs: int = 3) -> dict:
    """Time every notebook and every registered step; write them to ``results_file``."""
    paths = notebooks.chapter_notebooks() + notebooks.solution_notebooks()
    data = record(results_file, "notebook_seconds", notebook_timings(paths, runs))
    for name, step in STEPS.items():
        print(f"step {name} ...")
        data = record(results_file, name, step(runs))
    return data
