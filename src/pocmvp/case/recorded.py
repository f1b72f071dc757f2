"""The speed figures ``make bench`` recorded, as the chapters quote them.

Scoring a million parts is timed once, by ``make bench`` (:mod:`pocmvp.machinery.bench`)
on an idle machine, and written to ``benchmarks/results.json``; every chapter and claim
reads that one figure here (:func:`recorded`) instead of timing it again while other work
runs. The case reads the file itself so that it needs nothing from the workbook's machinery.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[3] / "benchmarks" / "results.json"
"""Where ``make bench`` records its figures (a tracked file)."""


@dataclass(frozen=True)
class Scoring:
    """The scoring times ``make bench`` recorded: the one figure every chapter quotes."""

    poc_seconds: float
    """Seconds for the POC to score a million parts (``poc.score_1M_parts_seconds``)."""
    rule_seconds: float
    """Seconds for the rule to flag a million parts in Python
    (``rule_scoring_1m_parts.python_seconds``)."""
    poc_train_seconds: float
    """Seconds to train the POC, its search included (``poc.train_seconds``)."""
    recorded_on: str
    """The date ``make bench`` measured the POC's figures (ISO), or ``"unknown"``."""
    machine: dict

    @property
    def rule_speed_up(self) -> float:
        """How many times faster the rule flags a part than the POC scores it."""
        return self.poc_seconds / self.rule_seconds


def recorded(results_file: Path = RESULTS) -> Scoring:
    """The scoring figures ``make bench`` stored in ``results_file``, with their date.

    Chapters quote these instead of timing a million parts themselves, so every chapter
    quotes the same figure, measured on an idle machine. The date is the one :func:`record`
    wrote for the POC's section, else the date of the file's last commit.
    """
    results_file = Path(results_file)
    if not results_file.exists():
        raise FileNotFoundError(f"{results_file} is missing: run make bench to record it")
    data = json.loads(results_file.read_text())
    try:
        poc, rule = data["poc"], data["rule_scoring_1m_parts"]
        figures = (poc["score_1M_parts_seconds"], rule["python_seconds"], poc["train_seconds"])
    except KeyError as missing:
        raise KeyError(f"{results_file} records no {missing}: run make bench") from None
    return Scoring(
        *(float(f) for f in figures),
        recorded_on=data.get("measured_on", {}).get("poc") or _commit_date(results_file),
        machine=data.get("machine", {}),
    )


def _commit_date(path: Path) -> str:
    """The date of the last commit that changed ``path``, or ``"unknown"``."""
    try:
        done = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return done.stdout.strip() or "unknown"
