"""Exercise notebooks run with blank answers: every check says "not answered yet", and the
solutions notebook it was generated from passes the very same checks."""

import re

import nbformat
import pytest
from notebook_runs import EXERCISES, FAST, NOTEBOOK_TIMEOUT_S, ids, run, text_outputs

from pocmvp.machinery import selfcheck

FEEDBACK = re.compile(r"Exercise (\d+\.\d+): (.*)")


def feedback_by_exercise(notebook: nbformat.NotebookNode) -> dict[str, str]:
    found = {}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            found.update(FEEDBACK.findall(text_outputs(cell)))
    return found


def solution_for(exercise):
    name = exercise.name.replace("_exercises", "_solutions")
    return exercise.parent.parent / "solutions" / name


@pytest.mark.timeout(NOTEBOOK_TIMEOUT_S)
@pytest.mark.parametrize("exercise", EXERCISES, ids=ids(EXERCISES))
def test_blank_answers_are_not_answered_yet_and_solutions_pass(exercise, tmp_path, monkeypatch):
    blank = feedback_by_exercise(run(exercise, FAST, tmp_path, monkeypatch))
    solved = feedback_by_exercise(nbformat.read(solution_for(exercise), as_version=4))
    assert len(solved) >= 2, "each chapter has at least two exercises"
    assert blank.keys() == solved.keys(), "the exercise runs the same checks as its solution"
    for exercise_id, message in blank.items():
        assert message.startswith(selfcheck.NOT_ANSWERED), (exercise_id, message)
    for exercise_id, message in solved.items():
        assert message.startswith("correct"), (exercise_id, message)
