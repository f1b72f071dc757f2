"""The measured time in class: one declared formula over a chapter's notebooks."""

from __future__ import annotations

import math

import nbformat
import pytest

from pocmvp.machinery import class_time, course, notebooks
from pocmvp.machinery.class_time import (
    CODE_CELL_MINUTES,
    FIGURE_MINUTES,
    PREDICTION_MINUTES,
    TIER_MINUTES,
    WORDS_PER_MINUTE,
)

new = nbformat.v4


def chapter(tmp_path):
    figure = new.new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})
    said = new.new_output("display_data", data={"text/markdown": "four words said here"})
    parameters = new.new_code_cell("fast_mode = False", metadata={"tags": ["parameters"]})
    cells = [
        new.new_markdown_cell("# 1 · The ask\n\n" + "word " * 396),
        parameters,
        new.new_code_cell("plot()", outputs=[figure]),
        new.new_code_cell("say('x')", outputs=[said]),
        new.new_code_cell("predicted('1.1', my_prediction, x=1)"),
    ]
    path = tmp_path / "01_ask.ipynb"
    nbformat.write(new.new_notebook(cells=cells), path)
    exercises = tmp_path / "01_ask_exercises.ipynb"
    headings = [
        "## Exercise 1.1 (check): a",
        "## Exercise 1.2 (apply): b",
        "## Exercise 1.3 (stretch): c",
    ]
    nbformat.write(new.new_notebook(cells=[new.new_markdown_cell(h) for h in headings]), exercises)
    return path, exercises


def test_the_formula_counts_what_a_learner_reads_runs_and_answers(tmp_path):
    measured = class_time.measure(*chapter(tmp_path))
    # 401 words of markdown ("# 1 · The ask" is five, then 396) and four said; the
    # parameters cell and the prediction's cell are not code cells to run.
    assert (measured.words, measured.code_cells, measured.figures, measured.predictions) == (
        405,
        2,
        1,
        1,
    )
    expected = math.ceil(
        405 / WORDS_PER_MINUTE + 2 * CODE_CELL_MINUTES + FIGURE_MINUTES + PREDICTION_MINUTES
    )
    assert measured.reading_and_running == expected
    assert measured.exercises == sum(TIER_MINUTES.values())


def test_an_unknown_tier_is_named():
    with pytest.raises(ValueError, match="unknown exercise tier.*'hard'"):
        class_time.exercise_tiers("## Exercise 1.1 (hard): x")


def test_the_timing_line_keeps_what_the_instructor_declared():
    measured = class_time.Measured(2000, 10, 2, 1, ("check", "apply"))
    declared = class_time.declared_parts("3 reading and running, 15 discussion, 5 on a quiz")
    line = class_time.timing_line(measured, declared)
    reading = math.ceil(2000 / WORDS_PER_MINUTE + 10 * CODE_CELL_MINUTES + 2 + 2)
    exercises = TIER_MINUTES["check"] + TIER_MINUTES["apply"]
    total = reading + exercises + 20
    assert line == (
        f"**Timing:** {total} minutes ({reading} reading and running, {exercises} on the "
        "exercises, 15 discussion, 5 on a quiz)."
    )
    with pytest.raises(ValueError, match="must read 'N what'"):
        class_time.declared_parts("discussion")


def test_every_note_carries_its_measured_time():
    for path in notebooks.chapter_notebooks():
        notes, text, current = course.measured_notes(path)
        assert text == current, f"{notes.name}: run 'pocmvp home' (make notebooks)"
        chapter = course.chapter_of(path)
        assert chapter.split.startswith(
            f"{class_time.measure(path, notebooks.ROOT / chapter.exercises).reading_and_running} "
            "reading and running"
        )
