"""A chapter's time in class, measured from its notebooks by one declared formula.

The minutes a learner spends on a chapter are counted from what the chapter holds, not
guessed:

* **reading and running**: the words a learner reads (the markdown cells and the computed
  text the code cells print) at :data:`WORDS_PER_MINUTE`, plus :data:`CODE_CELL_MINUTES` for
  each code cell (read it, run it, look at what it shows), :data:`FIGURE_MINUTES` for each
  figure and :data:`PREDICTION_MINUTES` for each predict-then-run question;
* **on the exercises**: :data:`TIER_MINUTES` for each exercise of the chapter's exercise
  notebook, by its tier (its heading says ``## Exercise 4.2 (apply): ...``).

The rates are declared here, once. They are a reading-speed estimate for technical prose
(200 to 250 words a minute for reading to understand; the slower end is taken, since the
prose carries the chapter's figures) and a learner's pace at a notebook cell, not a
measurement of a class: a room that discusses more, or skips the stretch tasks, takes a
different time, and the teaching notes say what to cut. What the instructor adds (the
discussion, a learner's own tables) is declared in each chapter's teaching notes, in the
same ``**Timing:**`` line, and kept as written.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

WORDS_PER_MINUTE = 200
CODE_CELL_MINUTES = 0.5
FIGURE_MINUTES = 1.0
PREDICTION_MINUTES = 2.0
TIER_MINUTES = {"check": 5, "apply": 10, "stretch": 15}

EXERCISE_HEADING = re.compile(r"^## Exercise [\d.]+ \((\w+)\)", re.MULTILINE)
PREDICTION_CALL = "predicted("
FIGURE_TYPES = ("image/png", "image/svg+xml", "image/jpeg")


@dataclass(frozen=True)
class Measured:
    """What a chapter holds, and the minutes the formula gives it."""

    words: int
    code_cells: int
    figures: int
    predictions: int
    tiers: tuple[str, ...]

    @property
    def reading_and_running(self) -> int:
        return math.ceil(
            self.words / WORDS_PER_MINUTE
            + self.code_cells * CODE_CELL_MINUTES
            + self.figures * FIGURE_MINUTES
            + self.predictions * PREDICTION_MINUTES
        )

    @property
    def exercises(self) -> int:
        return sum(TIER_MINUTES[tier] for tier in self.tiers)


def _words(text: str) -> int:
    return len(text.split())


def chapter_contents(notebook: nbformat.NotebookNode) -> tuple[int, int, int, int]:
    """Words read, code cells run, figures and predictions of a chapter notebook.

    The parameters cell is not counted (a learner does not touch it); a prediction's code
    cell counts as a prediction, not as a code cell.
    """
    words = code_cells = figures = predictions = 0
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            words += _words(cell.source)
            continue
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        if PREDICTION_CALL in cell.source:
            predictions += 1
        else:
            code_cells += 1
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            figures += any(kind in data for kind in FIGURE_TYPES)
            if "text/markdown" in data:
                words += _words(data["text/markdown"])
    return words, code_cells, figures, predictions


def exercise_tiers(text: str) -> tuple[str, ...]:
    """The tier of each exercise, in order, from an exercise notebook's headings."""
    tiers = tuple(EXERCISE_HEADING.findall(text))
    unknown = sorted(set(tiers) - set(TIER_MINUTES))
    if unknown:
        raise ValueError(f"unknown exercise tier(s) {unknown}; known: {sorted(TIER_MINUTES)}")
    return tiers


def measure(chapter: Path, exercises: Path) -> Measured:
    """The chapter notebook and its exercise notebook, measured."""
    words, code_cells, figures, predictions = chapter_contents(nbformat.read(chapter, as_version=4))
    text = "\n".join(
        cell.source
        for cell in nbformat.read(exercises, as_version=4).cells
        if cell.cell_type == "markdown"
    )
    return Measured(words, code_cells, figures, predictions, exercise_tiers(text))


READING = "reading and running"
EXERCISES = "on the exercises"
PART = re.compile(r"^(\d+) (.+)$")


def timing_line(measured: Measured, declared: list[tuple[int, str]]) -> str:
    """The notes' ``**Timing:**`` line: the measured parts, then the instructor's declared
    ones (discussion, ...) as written."""
    parts = [(measured.reading_and_running, READING), (measured.exercises, EXERCISES)]
    parts += [(minutes, label) for minutes, label in declared if label not in (READING, EXERCISES)]
    total = sum(minutes for minutes, _ in parts)
    return f"**Timing:** {total} minutes ({', '.join(f'{m} {label}' for m, label in parts)})."


def declared_parts(split: str) -> list[tuple[int, str]]:
    """The parts of a timing's split (``"10 reading, 15 discussion"``), as (minutes, label)."""
    parts = []
    for item in split.split(","):
        found = PART.match(item.strip())
        if not found:
            raise ValueError(f"a timing's part must read 'N what', not {item.strip()!r}")
        parts.append((int(found.group(1)), found.group(2)))
    return parts
