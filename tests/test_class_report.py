"""The class report: counts per exercise and status, the share correct, in reading order,
and the most common misconceptions first."""

import pandas as pd

from pocmvp.machinery import class_report

ROWS = [
    ("a", "10.1", "apply", "correct", ""),
    ("b", "10.1", "apply", "wrong", "a count"),
    ("a", "2.1", "check", "wrong", "a percentage"),
    ("b", "2.1", "check", "wrong", "a percentage"),
    ("c", "2.1", "check", "tampered", ""),
    ("c", "10.1", "apply", "error", ""),
]
GRADES = pd.DataFrame(ROWS, columns=["submission", "exercise", "tier", "status", "misconception"])


def test_summary_counts_each_status_in_reading_order():
    table = class_report.summary(GRADES)
    assert list(table["exercise"]) == ["2.1", "10.1"]
    first = table.iloc[0]
    assert (first["wrong"], first["tampered"], first["correct"]) == (2, 1, 0)
    assert table.iloc[1]["share correct"] == 1 / 3 and table.iloc[1]["tier"] == "apply"


def test_the_most_common_misconception_comes_first():
    common = class_report.common_misconceptions(GRADES)
    assert list(common.itertuples(index=False, name=None))[0] == ("2.1", "a percentage", 2)


def test_the_report_has_the_figure_its_alt_text_and_the_tables():
    html = class_report.class_report(GRADES)
    assert "data:image/png;base64," in html
    assert 'alt="Share correct per exercise: 2.1: 0 % correct; 10.1: 33 % correct"' in html
    assert "<td>a percentage</td>" in html and "3 submissions, 2 exercises" in html
