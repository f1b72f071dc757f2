"""``pocmvp rule``'s inputs checked before a search: one line for each unusable input.

:func:`read_input` reads the table (:func:`pocmvp.toolkit.tables.read`, with its notes on
what was read) and finds the columns the user named; :func:`check_input` refuses what no
rule can be found on: no rows, too many rows for a sheet, a target that is not 0/1 or has
one class only, a time column of numbers, a capacity under one row. Each refusal is a
:class:`RuleInputError` whose message is one line; where the table was read in an unusual
way (another separator, another sheet), the message says what was read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from pocmvp.toolkit import cells, tables
from pocmvp.toolkit.schema import TableError, parse_target
from pocmvp.toolkit.times import is_numeric_column


class RuleInputError(ValueError):
    """Input ``pocmvp rule`` cannot use; the message is one line naming the problem."""

    def __init__(self, message: object) -> None:
        super().__init__(" ".join(str(message).split()))


def resolve(frame: pd.DataFrame, name: str | None, role: str, read: tables.Table) -> str | None:
    """The table's column for a name the user typed: the exact name, else the one column
    whose name is the same without surrounding spaces (the user's shell or a spreadsheet
    dropped them). :class:`RuleInputError` says what was read when there is none."""
    if name is None or name in frame.columns:
        return name
    same = [c for c in frame.columns if str(c).strip() == name.strip()]
    if len(same) == 1:
        return same[0]
    shown = ", ".join(repr(str(c)) for c in list(frame.columns)[:6])
    more = ", ..." if len(frame.columns) > 6 else ""
    said = f"; {'; '.join(read.notes)}" if read.notes else ""
    raise RuleInputError(
        f"no {role} column {name!r}: read {len(frame.columns)} column(s) ({shown}{more}){said}"
    )


def read_input(
    data: str | Path,
    target: str,
    columns: Sequence[str] | None,
    id: str | None,  # noqa: A002
    time: str | None,
    leave_out: Sequence[str] | None,
) -> tuple[tables.Table, dict]:
    """The table as read, and the user's names resolved (``target``, ``columns``, ``id``,
    ``time``, ``leave_out``) to the table's own."""
    try:
        read = tables.read(data, wanted=[target, id, time], text=[id] if id else [])
    except TableError as error:
        raise RuleInputError(error) from None
    frame = read.frame
    names = {
        "target": resolve(frame, target, "target", read),
        "id": resolve(frame, id, "id", read),
        "time": resolve(frame, time, "time", read),
        "columns": None if columns is None else [resolve(frame, c, "named", read) for c in columns],
        "leave_out": [resolve(frame, c, "--leave-out", read) for c in leave_out or ()],
    }
    return read, names


def check_input(frame: pd.DataFrame, names: dict, capacity: float, data: str | Path) -> None:
    """Refuse a table no rule can be found on (see the module)."""
    name = Path(data).name
    if frame.empty:
        raise RuleInputError(f"{name} has no rows, only its header")
    try:
        cells.check_row_count(len(frame), sheet="Data")
    except cells.TooManyRowsError as error:
        raise RuleInputError(f"{name}: {error}") from None
    target = names["target"]
    try:
        truth = parse_target(frame[target], target)
    except TableError as error:
        blank = frame[target].isna() | (frame[target].astype(str).str.strip() == "")
        extra = f" ({int(blank.sum())} blank)" if blank.any() else ""
        raise RuleInputError(f"{error}{extra}; fix or remove those rows") from None
    if truth.all():
        raise RuleInputError(
            f"every row's {target!r} is positive: a rule needs negative rows to tell apart"
        )
    if not truth.any():
        raise RuleInputError(f"no row with a positive {target!r} to learn the rule from")
    time = names["time"]
    if time is not None and is_numeric_column(frame[time]):
        raise RuleInputError(
            f"the time column {time!r} holds numbers, not dates or times (like 2025-03-31)"
        )
    if math.floor(capacity * len(frame) + 1e-9) < 1:
        raise RuleInputError(
            f"--capacity {capacity:g} is under one row of the {len(frame):,} rows: give at "
            f"least {1 / len(frame):.2g}"
        )
