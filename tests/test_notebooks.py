"""The notebook tooling: exercise generation and stored-output hygiene."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from pocmvp import notebooks


def solution_notebook():
    return new_notebook(
        cells=[
            new_markdown_cell("# 9 · Solutions: a test"),
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
    assert exercise.cells[0].source == "# 9 · Exercises: a test"
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


def learner_notebooks():
    """Every notebook a learner may open in JupyterLab: chapters, exercises, solutions."""
    solutions = notebooks.solution_notebooks()
    return [*notebooks.chapter_notebooks(), *map(notebooks.exercise_path, solutions), *solutions]


def test_every_notebook_opens_with_its_title_and_parameters():
    """A level-1 heading first (Quarto's page title, and what JupyterLab shows), no YAML."""
    for path in learner_notebooks():
        cells = nbformat.read(path, as_version=4).cells
        assert cells[0].cell_type == "markdown", path
        assert cells[0].source.startswith("# ") and "\n# " not in cells[0].source, path
        assert not [c for c in cells if c.cell_type == "raw"], f"{path} has a raw cell"
        tagged = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1 and "fast_mode = False" in tagged[0].source, path


@pytest.mark.parametrize("marker", [":::", "content-visible", "when-profile", "Teaching notes"])
def test_no_notebook_a_learner_opens_holds_quarto_fences_or_instructor_notes(marker):
    """JupyterLab shows Quarto's fenced divs as text, and every learner would read the notes."""
    for path in learner_notebooks():
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                assert marker not in cell.source, f"{path}: {marker!r} in a {cell.cell_type} cell"


def test_chapters_and_solutions_pair_up():
    chapters = {p.name[:2] for p in notebooks.chapter_notebooks()}
    solutions = {p.name[:2] for p in notebooks.solution_notebooks()}
    assert chapters == solutions and chapters


def test_every_chapter_follows_the_same_outline():
    """Objectives (after the title), assertions, then key points; the teaching notes beside it."""
    for path in notebooks.chapter_notebooks():
        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
        order = [
            text.find("## Learning objectives"),
            text.find("## The story so far, checked"),
            text.find("## Key points"),
        ]
        assert all(i >= 0 for i in order) and order == sorted(order), path


def test_every_chapter_has_its_teaching_notes_for_instructors():
    for path in notebooks.chapter_notebooks():
        notes = notebooks.teaching_notes(path)
        assert notes.exists(), f"{path.name} has no teaching notes at {notes}"
        text = notes.read_text(encoding="utf-8")
        assert '::: {.callout-tip title="Teaching notes (instructor edition)"}' in text, notes
        assert "**Timing:**" in text, notes
        assert f"](../chapters/{path.name})" in text, f"{notes} links back to its chapter"
    pages = {p.stem for p in (notebooks.ROOT / "instructor").glob("[0-9][0-9]_*.qmd")}
    assert pages == {p.stem for p in notebooks.chapter_notebooks()}, "a page without a chapter"
