"""Checks compute their expected answers once per data (machinery/checks/memo.py)."""

import pandas as pd

from pocmvp.machinery.checks import ch02, ch06
from pocmvp.machinery.checks.memo import by_content, content_key


def test_equal_content_is_computed_once_and_other_content_afresh():
    calls = []

    @by_content
    def total(frame, column, scale=1):
        calls.append(column)
        return frame[column].sum() * scale

    frame = pd.DataFrame({"a": [1, 2, 3], "b": [1.0, None, 2.0]})
    assert total(frame, "a") == 6 and total(frame.copy(), "a") == 6, "an equal copy: cached"
    assert calls == ["a"]
    assert total(frame, "a", scale=2) == 12 and total(frame, "b") == 3
    changed = frame.copy()
    changed.loc[0, "a"] = 10
    assert total(changed, "a") == 15, "a changed value is computed afresh"
    reordered = frame.iloc[::-1]
    assert content_key(reordered) != content_key(frame), "the order of the rows counts"
    renamed = frame.rename(columns={"b": "c"})
    assert content_key(renamed) != content_key(frame), "so do the columns' names"
    assert content_key(frame.astype({"a": "float64"})) != content_key(frame), "and the dtypes"
    assert calls == ["a", "a", "b", "a"]


def test_an_argument_that_cannot_be_keyed_is_computed_each_time():
    calls = []

    @by_content
    def first(items):
        calls.append(items)
        return items[0]

    assert first([4, 5]) == 4 and first([4, 5]) == 4
    assert len(calls) == 2


def test_a_check_on_a_changed_shift_log_sees_the_change(shift_log):
    threshold, offset, _ = ch06._night_figures(shift_log)
    assert ch06.night_threshold(threshold + offset, shift_log).status == "correct"
    night = shift_log["shift"] == "night"
    warmer = shift_log.assign(melt_temp_c=shift_log["melt_temp_c"] + night * 3.0)
    assert ch06._night_figures(warmer)[1] > offset + 2.9
    assert ch06.night_threshold(threshold + offset, warmer).status != "correct"
    melt = ch02._recall_figures(shift_log)["expected"]
    colder = shift_log.assign(melt_temp_c=-shift_log["melt_temp_c"])
    assert ch02._recall_figures(colder)["expected"] != melt
