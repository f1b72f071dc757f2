"""`pocmvp grade` on a class: a blank, a correct, a wrong, an erroring and a tampered
submission of a small exercise notebook, and one real chapter's solutions handed in."""

import shutil

import nbformat
import pandas as pd
import pytest
from notebook_runs import NOTEBOOK_TIMEOUT_S

from pocmvp import cli
from pocmvp.machinery import grade, notebooks

SETUP = """from pocmvp.machinery.selfcheck import as_percentage, check_choice, check_number
rate = 0.25"""
NUMBER = """check_number("T.1", answer_rate, rate, hint="h", misconceptions=[as_percentage(rate)],
             tier="check")"""
CHOICE = 'check_choice("T.2", answer_pick, "b", options=["a", "b", "c"], hint="h", tier="apply")'


def exercise_cell(answer_lines: str, check: str):
    return nbformat.v4.new_code_cell(f"# Your code here.\n{answer_lines}\n{check}")


BLANK_RATE = "answer_rate = ...  # replace ... with your answer"
BLANK_PICK = "answer_pick = ...  # replace ... with your answer"


def demo(rate_lines=BLANK_RATE, pick_lines=BLANK_PICK, number=NUMBER):
    parameters = nbformat.v4.new_code_cell("fast_mode = False\nseed = 1")
    parameters.metadata["tags"] = ["parameters"]
    return nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# T · Exercises: a demo"),
            parameters,
            nbformat.v4.new_code_cell(SETUP),
            exercise_cell(rate_lines, number),
            exercise_cell(pick_lines, CHOICE),
        ]
    )


SUBMISSIONS = {
    "blank": demo(),
    "correct": demo("answer_rate = 1 / 4", 'answer_pick = "B"'),
    "wrong": demo("answer_rate = 25", 'answer_pick = "a"'),
    "erroring": demo("answer_rate = 1 / 0", 'answer_pick = "b"'),
    # The first check call edited; the second check redefined in the answer cell.
    "tampered": demo(
        "answer_rate = 0.3",
        'def check_choice(*args, **kwargs):\n    return "[ok] correct"\nanswer_pick = "c"',
        number='print("[ok] Exercise T.1: correct, well done.")',
    ),
}
EXPECTED = {
    ("blank", "T.1"): ("not answered", ""),
    ("blank", "T.2"): ("not answered", ""),
    ("correct", "T.1"): ("correct", ""),
    ("correct", "T.2"): ("correct", ""),
    ("wrong", "T.1"): ("wrong", "a percentage"),
    ("wrong", "T.2"): ("wrong", ""),
    ("erroring", "T.1"): ("error", ""),
    ("erroring", "T.2"): ("correct", ""),
    ("tampered", "T.1"): ("tampered", ""),
    ("tampered", "T.2"): ("wrong", ""),
}


@pytest.mark.timeout(NOTEBOOK_TIMEOUT_S)
def test_a_class_of_five_gets_the_right_table_and_report(tmp_path, capsys):
    exercises = tmp_path / "exercises"
    exercises.mkdir()
    nbformat.write(demo(), exercises / "T1_demo_exercises.ipynb")
    handed_in = tmp_path / "handed_in"
    handed_in.mkdir()
    for name, notebook in SUBMISSIONS.items():
        nbformat.write(notebook, handed_in / f"{name}_T1_demo_exercises.ipynb")
    output = tmp_path / "grades"
    code = cli.main(
        ["grade", str(handed_in), "--output", str(output), "--exercises", str(exercises)]
        + ["--kernel", "python3", "--timeout", "60", "--workers", "2"]
    )
    assert code == 0
    grades = pd.read_csv(output / "grades.csv", keep_default_na=False)
    # Two at a time, the table of a one-after-another run: rows in submission order, then
    # check order (compared on two of the five, so that the suite grades no second class).
    names = sorted(f"{name}_T1_demo_exercises.ipynb" for name in SUBMISSIONS)
    assert list(grades["submission"]) == [name for name in names for _ in range(2)]
    assert list(grades["exercise"]) == ["T.1", "T.2"] * len(names)
    subset = sorted(handed_in / f"{name}_T1_demo_exercises.ipynb" for name in ("wrong", "erroring"))
    one_by_one = grade.grade(
        subset, tmp_path / "one", exercises=exercises, timeout=60, kernel="python3", workers=1
    )
    same = grades[grades["submission"].isin([path.name for path in subset])]
    pd.testing.assert_frame_equal(same.reset_index(drop=True), one_by_one.fillna(""))
    assert list(grades.columns) == grade.COLUMNS
    found = {
        (row.submission.split("_")[0], row.exercise): (row.status, row.misconception)
        for row in grades.itertuples()
    }
    assert found == EXPECTED
    tiers = dict(zip(grades["exercise"], grades["tier"], strict=True))
    assert tiers["T.1"] == "check" and tiers["T.2"] == "apply"
    report = (output / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in report and "T.1: 20 % correct" in report
    assert "a percentage" in report
    assert "5 submissions graded" in capsys.readouterr().out


def test_no_notebook_is_a_usage_error(tmp_path, capsys):
    assert cli.main(["grade", str(tmp_path), "--output", str(tmp_path / "out")]) == 2
    assert "no .ipynb" in capsys.readouterr().err


@pytest.mark.parametrize("workers", ["0", "-1", "two", "1.5", ""])
def test_workers_must_be_a_positive_integer(tmp_path, capsys, workers):
    handed_in = tmp_path / "handed_in"
    handed_in.mkdir()
    nbformat.write(SUBMISSIONS["blank"], handed_in / "blank_T1_demo_exercises.ipynb")
    output = tmp_path / "out"
    arguments = ["grade", str(handed_in), "--output", str(output), f"--workers={workers}"]
    assert cli.main(arguments) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("pocmvp grade: --workers "), err
    assert not output.exists()  # refused before any grading
    with pytest.raises(ValueError, match="positive"):
        grade.grade([], output, workers=0)


def test_check_cells_and_their_matches():
    reference = demo()
    cells = grade.check_cells(reference)
    assert [(c.index, c.answers) for c in cells] == [(3, ("answer_rate",)), (4, ("answer_pick",))]
    tampered = SUBMISSIONS["tampered"]
    assert grade.match_cells(tampered, cells) == {"cell-4": 4}
    moved = demo()
    moved.cells.insert(3, nbformat.v4.new_code_cell("x = 1"))
    assert grade.match_cells(moved, cells) == {"cell-3": 4, "cell-4": 5}


@pytest.mark.timeout(NOTEBOOK_TIMEOUT_S)
def test_a_real_chapter_handed_in_with_its_solutions(tmp_path):
    solutions = notebooks.ROOT / "solutions" / "01_business_problem_solutions.ipynb"
    submission = tmp_path / "alice_01_business_problem_exercises.ipynb"
    shutil.copy(solutions, submission)
    grades = grade.grade(
        [submission], tmp_path / "out", parameters={"fast_mode": True}, kernel="python3"
    )
    assert set(grades["status"]) == {"correct"}, grades
    assert list(grades["exercise"]) == ["1.1", "1.2", "1.3", "1.4"]
    assert list(grades["tier"]) == ["check", "check", "apply", "stretch"]


@pytest.mark.timeout(NOTEBOOK_TIMEOUT_S)
def test_a_notebook_that_hangs_never_stops_the_others(tmp_path, capsys):
    exercises = tmp_path / "exercises"
    exercises.mkdir()
    nbformat.write(demo(), exercises / "T1_demo_exercises.ipynb")
    hangs = demo("import time\nwhile True:\n    time.sleep(0.1)\nanswer_rate = 0.25")
    nbformat.write(hangs, tmp_path / "hangs_T1_demo_exercises.ipynb")
    nbformat.write(SUBMISSIONS["correct"], tmp_path / "correct_T1_demo_exercises.ipynb")
    grades = grade.grade(
        sorted(tmp_path.glob("*.ipynb")),
        tmp_path / "out",
        exercises=exercises,
        timeout=5,  # per cell: the demo's cells take well under a second
        kernel="python3",
    )
    status = dict(
        zip(grades["submission"] + " " + grades["exercise"], grades["status"], strict=True)
    )
    assert status == {
        "correct_T1_demo_exercises.ipynb T.1": "correct",
        "correct_T1_demo_exercises.ipynb T.2": "correct",
        "hangs_T1_demo_exercises.ipynb T.1": "error",
        "hangs_T1_demo_exercises.ipynb T.2": "error",
    }
    assert "hangs_T1_demo_exercises.ipynb (submission run)" in capsys.readouterr().err
