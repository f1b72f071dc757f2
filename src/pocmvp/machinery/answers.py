"""The answers and feedback ``pocmvp grade`` records, as JSON files, from inside the
notebooks it runs: light to import (no pandas), since a cell injected after every check
cell imports it."""

from __future__ import annotations

import json
import math
from pathlib import Path

from pocmvp.machinery import selfcheck

STATUS = {
    selfcheck.CORRECT: "correct",
    selfcheck.INCORRECT: "wrong",
    selfcheck.LOCKED: "wrong",
    selfcheck.NOT_ANSWERED: "not answered",
}


def plain(value: object) -> object:
    """An answer as JSON: blank, a number, text, or the text of anything else."""
    if value is Ellipsis or value is None:
        return {"blank": True}
    if isinstance(value, (str, bool)):
        return value
    try:
        number = float(value)  # numpy numbers, ints, floats
    except (TypeError, ValueError):
        return str(value)[:1000]
    return number if math.isfinite(number) else str(number)


def record_answers(path: str, key: str, names: list[str], namespace: dict) -> None:
    """Called by the cell injected after a check cell of the submission."""
    file = Path(path)
    recorded = json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}
    recorded[key] = {n: plain(namespace[n]) for n in names if n in namespace}
    file.write_text(json.dumps(recorded), encoding="utf-8")


def load_answers(path: str) -> dict[str, dict[str, object]]:
    """The recorded answers, blanks as ``...`` again (the check run's first cell)."""
    file = Path(path)
    recorded = json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}
    return {
        key: {n: ... if isinstance(v, dict) else v for n, v in answers.items()}
        for key, answers in recorded.items()
    }


def record_feedback(path: str, key: str) -> None:
    """Called by the cell injected after a check cell of the check run."""
    feedback = selfcheck.take_latest()
    file = Path(path)
    recorded = json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}
    if feedback is not None:
        recorded[key] = {
            "exercise": feedback.exercise,
            "tier": feedback.tier or "",
            "status": STATUS[feedback.status],
            "misconception": feedback.misconception or "",
        }
    file.write_text(json.dumps(recorded), encoding="utf-8")
