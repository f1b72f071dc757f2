"""Exercise notebooks run with blank answers: every check says "not answered yet", and the
solutions notebook it was generated from passes the very same checks. The runs share one
kernel (notebook_runs.SharedKernel), each from an empty namespace."""

import re

import nbformat
import pytest
from notebook_runs import EXERCISES, FAST, NOTEBOOK_TIMEOUT_S, ids, text_outputs

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
def test_blank_answers_are_not_answered_yet_and_solutions_pass(exercise, tmp_path, shared_kernel):
    blank = feedback_by_exercise(shared_kernel.run(exercise, FAST, tmp_path))
    solved = feedback_by_exercise(nbformat.read(solution_for(exercise), as_version=4))
    assert len(solved) >= 2, "each chapter has at least two exercises"
    assert blank.keys() == solved.keys(), "the exercise runs the same checks as its solution"
    for exercise_id, message in blank.items():
        assert message.startswith(selfcheck.NOT_ANSWERED), (exercise_id, message)
    for exercise_id, message in solved.items():
        assert message.startswith("correct"), (exercise_id, message)


def test_each_run_in_the_shared_kernel_starts_afresh(shared_kernel, tmp_path):
    """What a fresh kernel gives a notebook, a run in the shared kernel gives it too: no name
    from an earlier run, the notebook's own folder, its own output folders, no self-checks."""
    import papermill

    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        folder.mkdir()
    earlier = nbformat.v4.new_notebook()
    earlier.cells = [
        nbformat.v4.new_code_cell("fast_mode = False", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "from pocmvp.machinery import selfcheck\n"
            "left_behind = 1\n"
            "selfcheck._record(selfcheck.Feedback('0.0', selfcheck.CORRECT, 'correct.'))"
        ),
    ]
    later = nbformat.v4.new_notebook()
    later.cells = [
        nbformat.v4.new_code_cell("fast_mode = False", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "import os\n"
            "from pocmvp.machinery import selfcheck\n"
            "print(os.getcwd(), os.environ['POCMVP_OUTPUT_DIR'], len(selfcheck._results))\n"
            "'left_behind' in dir()"
        ),
    ]
    for notebook in (earlier, later):
        notebook.metadata["kernelspec"] = {"name": "python3", "language": "python"}
    nbformat.write(earlier, first / "earlier.ipynb")
    nbformat.write(later, second / "later.ipynb")
    shared_kernel.run(first / "earlier.ipynb", FAST, first)
    ran = shared_kernel.run(second / "later.ipynb", FAST, second)
    assert text_outputs(ran.cells[-1]).split() == [
        str(second),
        str(second / "output"),
        "0",
        "False",
    ]
    assert any("fast_mode = True" in c.source for c in ran.cells), "the parameters are injected"
    assert "%reset" not in "".join(c.source for c in ran.cells), "the harness's cell is left out"
    later.cells[1].source = "left_behind"
    nbformat.write(later, second / "later.ipynb")
    with pytest.raises(papermill.PapermillExecutionError, match="NameError"):
        shared_kernel.run(second / "later.ipynb", FAST, second)
