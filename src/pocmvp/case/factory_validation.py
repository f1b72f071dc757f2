"""Checking a shift log before anything reads it: columns, types, ids and values.

Every problem names the column and up to five offending rows (:class:`ShiftLogError`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pocmvp.case.factory_dictionary import SHIFT_LOG_COLUMNS, SHIFT_LOG_FIELDS, SHIFTS, Field
from pocmvp.toolkit.schema import TableError

ShiftLogError = TableError
"""A shift log that cannot be used as it is; the message names the column and rows (the
toolkit's :class:`pocmvp.toolkit.schema.TableError`, so one ``except`` catches both)."""


def require_dataframe(shift_log: object) -> None:
    """Refuse anything that is not a pandas DataFrame, naming what it is instead."""
    if not isinstance(shift_log, pd.DataFrame):
        raise ShiftLogError(
            f"a shift log must be a pandas DataFrame, got {type(shift_log).__name__}"
        )


def validate_shift_log(shift_log: pd.DataFrame, *, require_truth: bool = False) -> pd.DataFrame:
    """Check a shift log's columns, types, ids and values; return it unchanged if sound.

    Raises :class:`ShiftLogError` naming the column and up to five offending rows.
    Columns that are only known after inspection (and the truth) are optional unless
    ``require_truth`` is set.
    """
    require_dataframe(shift_log)
    optional = set() if require_truth else {"rework_minutes", "defect", "defect_type"}
    missing = [c for c in SHIFT_LOG_COLUMNS if c not in shift_log.columns and c not in optional]
    if missing:
        raise ShiftLogError(f"shift log is missing column(s): {', '.join(missing)}")
    for field in SHIFT_LOG_FIELDS:
        if field.name not in shift_log.columns:
            continue
        column = shift_log[field.name]
        _check_dtype(field, column)
        if not field.nullable:
            _fail_rows(field.name, column.isna(), "is missing a value")
        if field.minimum is not None or field.maximum is not None:
            low = -np.inf if field.minimum is None else field.minimum
            high = np.inf if field.maximum is None else field.maximum
            outside = column.notna() & ~column.between(low, high)
            _fail_rows(field.name, outside, f"is outside the possible range {low} to {high}")
    duplicated = shift_log["part_id"].duplicated(keep=False)
    _fail_rows("part_id", duplicated, "repeats a part id")
    if "shift" in shift_log:
        _fail_rows("shift", ~shift_log["shift"].isin(SHIFTS), f"is not one of {SHIFTS}")
    return shift_log


def _check_dtype(field: Field, column: pd.Series) -> None:
    if field.dtype in ("float64", "int64"):
        ok = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        if field.dtype == "int64":
            ok = ok and (pd.api.types.is_integer_dtype(column) or _is_whole(column))
    elif field.dtype == "bool":
        ok = pd.api.types.is_bool_dtype(column)
    elif field.dtype.startswith("datetime64"):
        ok = pd.api.types.is_datetime64_any_dtype(column)
    else:
        ok = pd.api.types.is_string_dtype(column) or column.dtype == object
    if not ok:
        raise ShiftLogError(
            f"column {field.name!r} should be {field.dtype} ({field.meaning.lower()}), "
            f"got {column.dtype}"
        )


def _is_whole(column: pd.Series) -> bool:
    values = column.dropna()
    return bool(np.all(np.equal(np.mod(values, 1), 0)))


def _fail_rows(column: str, bad: pd.Series, problem: str) -> None:
    if bad.any():
        rows = list(bad[bad].index[:5])
        more = f" and {int(bad.sum()) - 5} more" if bad.sum() > 5 else ""
        raise ShiftLogError(f"column {column!r} {problem} in row(s) {rows}{more}")
