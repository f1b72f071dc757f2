"""What `pocmvp grade` records from a learner's kernel: plain JSON, blanks kept blank."""

import math

import numpy as np

from pocmvp.machinery import answers, selfcheck


def test_answers_become_plain_json_and_blanks_come_back_as_ellipsis(tmp_path):
    path = str(tmp_path / "answers.json")
    namespace = {
        "answer_rate": np.float64(0.25),
        "answer_pick": "C3",
        "answer_blank": ...,
        "answer_table": {"a": 1},
        "answer_nan": math.nan,
    }
    answers.record_answers(path, "cell-3", list(namespace) + ["answer_missing"], namespace)
    loaded = answers.load_answers(path)["cell-3"]
    assert loaded["answer_rate"] == 0.25 and loaded["answer_pick"] == "C3"
    assert loaded["answer_blank"] is Ellipsis and "answer_missing" not in loaded
    assert loaded["answer_table"] == "{'a': 1}" and loaded["answer_nan"] == "nan"


def test_feedback_is_recorded_once_per_check(tmp_path):
    path = str(tmp_path / "feedback.json")
    selfcheck.check_number(
        "9.1", 25, 0.25, hint="h", misconceptions=[selfcheck.as_percentage(0.25)]
    )
    answers.record_feedback(path, "cell-3")
    answers.record_feedback(path, "cell-4")  # no check ran in between: nothing recorded
    recorded = answers.load_answers(path)
    assert recorded["cell-3"]["status"] == "wrong"
    assert recorded["cell-3"]["misconception"] == "a percentage"
    assert "cell-4" not in recorded
