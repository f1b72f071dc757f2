"""Checking a shift log: every problem names its column and rows."""

import numpy as np
import pytest

from pocmvp.case.factory import ShiftLogError, validate_shift_log


def test_valid_log_passes_unchanged(shift_log):
    assert validate_shift_log(shift_log, require_truth=True) is shift_log


def test_missing_column_is_named(shift_log):
    with pytest.raises(ShiftLogError, match="missing column.*melt_temp_c"):
        validate_shift_log(shift_log.drop(columns=["melt_temp_c"]))


def test_truth_columns_are_optional_unless_required(shift_log):
    without_truth = shift_log.drop(columns=["defect", "defect_type", "rework_minutes"])
    validate_shift_log(without_truth)
    with pytest.raises(ShiftLogError, match="defect"):
        validate_shift_log(without_truth, require_truth=True)


def test_wrong_dtype_is_named(shift_log):
    shift_log["die_temp_c"] = shift_log["die_temp_c"].astype(str)
    with pytest.raises(ShiftLogError, match="'die_temp_c' should be float64"):
        validate_shift_log(shift_log)


def test_fractional_shot_count_is_refused(shift_log):
    shift_log["shots_since_maintenance"] = shift_log["shots_since_maintenance"] + 0.5
    with pytest.raises(ShiftLogError, match="shots_since_maintenance"):
        validate_shift_log(shift_log)


def test_duplicate_ids_name_the_rows(shift_log):
    shift_log.loc[7, "part_id"] = shift_log.loc[3, "part_id"]
    with pytest.raises(ShiftLogError, match=r"'part_id' repeats a part id in row\(s\) \[3, 7\]"):
        validate_shift_log(shift_log)


def test_impossible_value_names_column_and_row(shift_log):
    shift_log.loc[42, "melt_temp_c"] = 1_500.0
    with pytest.raises(ShiftLogError, match=r"'melt_temp_c' is outside .* row\(s\) \[42\]"):
        validate_shift_log(shift_log)


def test_missing_value_in_required_field_is_named(shift_log):
    shift_log.loc[5, "die_temp_c"] = np.nan
    with pytest.raises(ShiftLogError, match=r"'die_temp_c' is missing a value in row\(s\) \[5\]"):
        validate_shift_log(shift_log)


def test_unknown_shift_is_named(shift_log):
    shift_log.loc[9, "shift"] = "weekend"
    with pytest.raises(ShiftLogError, match=r"'shift' is not one of .* \[9\]"):
        validate_shift_log(shift_log)


def test_not_a_dataframe_is_refused():
    with pytest.raises(ShiftLogError, match="DataFrame"):
        validate_shift_log([1, 2, 3])
