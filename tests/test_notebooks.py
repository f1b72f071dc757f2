"""The notebook tooling: exercise generation and stored-output hygiene."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

from pocmvp import notebooks


def solution_notebook():
    return new_notebook(
        cells=[
            new_raw_cell('---\ntitle: "9 · Solutions: a test"\n---'),
            new_markdown_cell("## Exercise 9.1"),
            new_code_cell(
                "x = 1\n# BEGIN SOLUTION\nhelper = 2\nanswer_total = x + helper\n# END SOLUTION\n"
                "check(answer_total)",
                outputs=[nbformat.v4.new_output("stream", text="[ok]")],
                execution_count=3,
            ),
            new_markdown_cell("Why it works.", metadata={"tags": ["solution"]}),
        ]
    )


def test_solution_block_becomes_a_placeholder():
    exercise = notebooks.exercise_from_solution(solution_notebook())
    code = exercise.cells[2]
    assert code.source == (
        "x = 1\n# Your code here.\nanswer_total = ...  # replace ... with your answer\n"
        "check(answer_total)"
    )
    assert code.outputs == [] and code.execution_count is None


def test_solution_cells_are_dropped_and_title_renamed():
    exercise = notebooks.exercise_from_solution(solution_notebook())
    assert len(exercise.cells) == 3
    assert "Exercises: a test" in exercise.cells[0].source
    assert all("Why it works" not in c.source for c in exercise.cells)


def test_indentation_is_kept():
    source = "if True:\n    # BEGIN SOLUTION\n    answer = 1\n    # END SOLUTION\n    pass"
    out = notebooks._replace_solution_blocks(source)
    assert "    answer = ...  # replace" in out and "answer = 1" not in out


@pytest.mark.parametrize(
    "source",
    [
        "# BEGIN SOLUTION\nanswer = 1",
        "answer = 1\n# END SOLUTION",
        "# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION",
    ],
)
def test_unbalanced_markers_are_refused(source):
    with pytest.raises(ValueError, match="SOLUTION"):
        notebooks._replace_solution_blocks(source)


def test_check_mode_reports_drift_and_strays(tmp_path):
    (tmp_path / "solutions").mkdir()
    (tmp_path / "exercises").mkdir()
    notebooks.write(solution_notebook(), tmp_path / "solutions" / "09_test_solutions.ipynb")
    assert [p.name for p in notebooks.generate_exercises(tmp_path, check=True)] == [
        "09_test_exercises.ipynb"
    ]
    notebooks.generate_exercises(tmp_path)
    assert notebooks.generate_exercises(tmp_path, check=True) == []
    (tmp_path / "exercises" / "10_stray_exercises.ipynb").write_text("{}")
    assert [p.name for p in notebooks.generate_exercises(tmp_path, check=True)] == [
        "10_stray_exercises.ipynb"
    ]


def test_committed_exercises_match_their_solutions():
    assert notebooks.generate_exercises(check=True) == []


def test_stored_notebooks_carry_no_run_metadata():
    for path in notebooks.chapter_notebooks() + notebooks.solution_notebooks():
        notebook = nbformat.read(path, as_version=4)
        assert "papermill" not in notebook.metadata, path
        assert notebook.metadata.kernelspec.name == notebooks.KERNEL_NAME, path
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), f"{path} has cells that were not executed"


def test_every_notebook_opens_with_yaml_and_parameters():
    paths = notebooks.chapter_notebooks() + notebooks.solution_notebooks()
    for path in paths:
        cells = nbformat.read(path, as_version=4).cells
        assert cells[0].cell_type == "raw" and cells[0].source.startswith("---\ntitle:"), path
        tagged = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1 and "fast_mode = False" in tagged[0].source, path


def test_chapters_and_solutions_pair_up():
    chapters = {p.name[:2] for p in notebooks.chapter_notebooks()}
    solutions = {p.name[:2] for p in notebooks.solution_notebooks()}
    assert chapters == solutions and chapters


def test_every_chapter_follows_the_same_outline():
    """Objectives first, teaching notes for instructors, assertions, then key points."""
    for path in notebooks.chapter_notebooks():
        markdown = [c.source for c in nbformat.read(path, as_version=4).cells]
        text = "\n".join(markdown)
        order = [
            text.find("Learning objectives"),
            text.find('when-profile="instructor"'),
            text.find("The story so far, checked"),
            text.find("Key points"),
        ]
        assert all(i >= 0 for i in order) and order == sorted(order), path
