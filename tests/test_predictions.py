"""The predict-then-run self-checks: nothing but "not answered yet" before a prediction, the
explanation once there is one, judged against the computed values; and one such check per
main section of each chapter that has them."""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

from pocmvp.machinery import grade, notebooks, predictions, selfcheck
from pocmvp.machinery.predictions import Verdict, predicted, prediction

CHAPTERS = (1, 2, 3, 4, 5, 6, 7, 8, 9)  # the chapters with a self-check per main section
NOT_MAIN = ("Learning objectives", "Setup", "The story so far, checked", "Key points")
EXPLANATION = "because the measured value is higher"


@prediction("99.1", a="higher", b="about the same", c="lower")
def _higher_or_lower(value: float, reference: float) -> Verdict:
    word = predictions.compared(value, reference)
    answer = {"higher": "a", "about the same": "b", "lower": "c"}[word]
    return Verdict(answer, f"The run measures {value:g}, {word}: {EXPLANATION}.")


@prediction("99.2", a="known", b="not known")
def _maybe(known: bool) -> Verdict:
    return Verdict("a" if known else None, "the program that measures it is missing here.")


@pytest.fixture(autouse=True)
def fresh_kernel():
    predictions.reset()
    yield
    predictions.reset()


@pytest.mark.parametrize("unanswered", [..., None])
def test_an_unanswered_prediction_says_so_and_nothing_more(unanswered):
    feedback = predicted("99.1", unanswered, value=3.0, reference=1.0)
    assert feedback.status == selfcheck.NOT_ANSWERED
    assert str(feedback) == "[ ] Prediction 99.1: not answered yet."


def test_a_right_prediction_is_confirmed_and_explained():
    feedback = predicted("99.1", "a", value=3.0, reference=1.0)
    assert feedback.status == selfcheck.CORRECT and feedback.kind == "Prediction"
    assert str(feedback).startswith("[ok] Prediction 99.1: right")
    assert EXPLANATION in feedback.message and "3" in feedback.message


def test_a_wrong_prediction_is_feedback_with_the_answer_and_its_reason():
    feedback = predicted("99.1", " (C) ", value=3.0, reference=1.0)
    assert feedback.status == selfcheck.INCORRECT
    assert '"c" (lower)' in feedback.message and '"a" (higher)' in feedback.message
    assert EXPLANATION in feedback.message


def test_the_judged_answer_follows_the_computed_values():
    assert predicted("99.1", "c", value=0.5, reference=1.0).status == selfcheck.CORRECT
    predictions.reset()
    assert predicted("99.1", "b", value=1.05, reference=1.0).status == selfcheck.CORRECT


def test_an_option_that_is_not_offered_gets_no_explanation():
    feedback = predicted("99.1", "d", value=3.0, reference=1.0)
    assert feedback.status == selfcheck.INCORRECT
    assert EXPLANATION not in feedback.message and '"a", "b" or "c"' in feedback.message


def test_the_first_prediction_is_the_one_judged():
    predicted("99.1", "c", value=3.0, reference=1.0)
    changed = predicted("99.1", "a", value=3.0, reference=1.0)
    assert changed.status == selfcheck.INCORRECT and "first prediction" in changed.message
    assert predicted("99.1", "c", value=3.0, reference=1.0).status == selfcheck.INCORRECT


def test_a_run_that_cannot_judge_says_so():
    feedback = predicted("99.2", "a", known=False)
    assert feedback.status == selfcheck.NOT_JUDGED and "cannot judge" in feedback.message
    assert predicted("99.2", ..., known=False).status == selfcheck.NOT_ANSWERED


def test_a_judge_that_returns_no_option_of_its_own_is_a_bug():
    @prediction("99.3", a="yes", b="no")
    def _broken() -> Verdict:
        return Verdict("z", "")

    with pytest.raises(ValueError, match="99.3"):
        predicted("99.3", ...)


def test_the_exercise_feedback_reads_as_before():
    feedback = selfcheck.check_number("9.1", ..., 1.0, hint="h")
    assert str(feedback) == "[ ] Exercise 9.1: not answered yet."


# --- The chapters: one predict-then-run check per main section -------------------------------


def chapter_path(chapter: int):
    return next(p for p in notebooks.chapter_notebooks() if int(p.name[:2]) == chapter)


def predicted_ids(source: str) -> list[str]:
    """The ids of the ``predicted("N.M", ...)`` calls in a code cell."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "predicted"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.append(node.args[0].value)
    return found


def sections(notebook) -> dict[str, dict[str, list]]:
    """Each main section's heading -> the prediction cells, the ids it judges and the
    question cells it holds, read in order."""
    found: dict[str, dict[str, list]] = {}
    current = None
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    heading = line[3:].strip()
                    current = None if heading in NOT_MAIN else heading
                    if current:
                        found[current] = {"placeholders": [], "judged": [], "questions": []}
            if current and "**Predict, then run" in cell.source:
                found[current]["questions"].append(cell.source)
        elif current:
            if re.match(r"^my_prediction = \.\.\.  # ", cell.source):
                found[current]["placeholders"].append(cell)
            found[current]["judged"].extend(predicted_ids(cell.source))
    return found


def test_sections_are_read_from_the_headings():
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("## Learning objectives\n\n## Setup"),
            nbformat.v4.new_code_cell('predicted("0.0", ...)'),
            nbformat.v4.new_markdown_cell("## One\n\n**Predict, then run (0.1).**"),
            nbformat.v4.new_code_cell('my_prediction = ...  # "a" or "b"'),
            nbformat.v4.new_code_cell('x = 1\npredicted("0.1", my_prediction, x=x)'),
            nbformat.v4.new_markdown_cell("## Two"),
            nbformat.v4.new_markdown_cell("## Key points"),
            nbformat.v4.new_code_cell('predicted("0.9", ...)'),
        ]
    )
    found = sections(notebook)
    assert list(found) == ["One", "Two"]
    assert found["One"]["judged"] == ["0.1"] and len(found["One"]["placeholders"]) == 1
    assert found["Two"] == {"placeholders": [], "judged": [], "questions": []}


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_main_section_ends_with_one_predict_then_run_check(chapter):
    path = chapter_path(chapter)
    found = sections(nbformat.read(path, as_version=4))
    assert found, f"{path.name}: no main sections"
    for heading, held in found.items():
        counts = {name: len(items) for name, items in held.items()}
        assert counts == {"placeholders": 1, "judged": 1, "questions": 1}, (
            f"{path.name}, section '{heading}': one question, one prediction cell and one "
            f"predicted(...) call expected, found {counts}"
        )
    ids = [held["judged"][0] for held in found.values()]
    assert ids == [f"{chapter}.{n}" for n in range(1, len(ids) + 1)], ids
    assert [p.id for p in predictions.of_chapter(chapter)] == ids, "declared = asked"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_question_offers_the_declared_options_and_the_outputs_give_nothing_away(chapter):
    path = chapter_path(chapter)
    notebook = nbformat.read(path, as_version=4)
    for held in sections(notebook).values():
        question = predictions.declared(held["judged"][0])
        for letter, words in question.options.items():
            assert f'- "{letter}": {words}' in held["questions"][0], (question.id, letter)
    for cell in notebook.cells:
        if cell.cell_type == "code" and predicted_ids(cell.source):
            shown = "".join(
                o.get("text", "") or o.get("data", {}).get("text/plain", "")
                for o in cell.get("outputs", [])
            )
            assert shown.strip() == f"[ ] Prediction {predicted_ids(cell.source)[0]}: " + (
                "not answered yet."
            ), (path.name, shown)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_grade_command_sees_no_exercise_in_a_chapter(chapter):
    """Predictions live in chapters; ``pocmvp grade`` reads exercise check cells only."""
    assert grade.check_cells(nbformat.read(chapter_path(chapter), as_version=4)) == []
