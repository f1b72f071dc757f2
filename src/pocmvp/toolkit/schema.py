"""What a table is to the toolkit: which column is the outcome, which a rule may read.

A :class:`Schema` names a table's **target** (the outcome, 0/1, true/false or yes/no), the
numeric **candidates** a rule may compare with a threshold, and optionally an **id**
column (one row per id), a **time** column (months for the summary and the history cut),
a **scope** text column conditions may be scoped to (with its known **scope_values**),
and the **columns** a workbook shows, in order. Words for the sticky note (``phrases``,
``units``, ``meanings``) and possible ranges (``ranges``: a value outside is rejected) are
optional.

:func:`read_table` reads CSV, Parquet or .xlsx; :func:`infer_schema` builds a schema from a
frame; :func:`parse_target` turns a 0/1, true/false or yes/no column into booleans and
:func:`parse_time` (from :mod:`pocmvp.toolkit.times`, the one time parser) a time column
into timestamps in local clock time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pocmvp.toolkit import tables
from pocmvp.toolkit.tables import TableError
from pocmvp.toolkit.times import parse_time  # noqa: F401 - the one time parser, re-exported

_TRUE = {"1", "true", "yes", "y", "t", "1.0"}
_FALSE = {"0", "false", "no", "n", "f", "0.0"}


@dataclass(frozen=True)
class Schema:
    """How the toolkit reads one table (see the module's docstring)."""

    target: str
    candidates: tuple[str, ...]
    id: str | None = None
    time: str | None = None
    scope: str | None = None
    scope_values: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    phrases: Mapping[str, str] = field(default_factory=dict, compare=False)
    units: Mapping[str, str] = field(default_factory=dict, compare=False)
    meanings: Mapping[str, str] = field(default_factory=dict, compare=False)
    ranges: Mapping[str, tuple[float | None, float | None]] = field(
        default_factory=dict, compare=False
    )
    action: str = field(default="Flag a row", compare=False)
    """What the sticky note says a flagged row gets, e.g. "Send an order to a second check"."""
    sends: str = field(default="flags a row", compare=False)
    """The same as a verb for the note on missing values, e.g. "sends an order"."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "candidates", tuple(self.candidates))
        object.__setattr__(self, "scope_values", tuple(self.scope_values))
        if not self.columns:
            shown = [self.id, self.time, self.scope, *self.candidates]
            object.__setattr__(self, "columns", tuple(dict.fromkeys(c for c in shown if c)))
        else:
            object.__setattr__(self, "columns", tuple(self.columns))
        if self.target in self.candidates:
            raise TableError(f"the target {self.target!r} cannot also be a candidate column")

    def phrase(self, column: str) -> str:
        """How the sticky note names a column: its phrase, or ``its <column>``."""
        return self.phrases.get(column, f"its {column}")

    def unit(self, column: str) -> str:
        return self.units.get(column, "")

    def meaning(self, column: str) -> str:
        unit = self.unit(column)
        meaning = self.meanings.get(column, column)
        return f"{meaning} ({unit})" if unit else meaning


def read_table(path: str | Path) -> pd.DataFrame:
    """A CSV, Parquet or .xlsx file as a frame (:func:`pocmvp.toolkit.tables.read`, which
    also says how it read it); :class:`TableError` names the file and why."""
    return tables.read(path).frame


def parse_target(values: pd.Series, name: str = "target") -> pd.Series:
    """Booleans from 0/1, true/false or yes/no (case and spaces ignored).

    A missing or other value raises :class:`TableError` naming the column and a value.
    """
    if pd.api.types.is_bool_dtype(values):
        return values.astype(bool)
    text = pd.Series(list(_words(values)), index=values.index, dtype=object)
    known = text.isin(_TRUE | _FALSE)
    if not known.all():
        bad = values[~known]
        raise TableError(
            f"the target column {name!r} must hold 0/1, true/false or yes/no, got "
            f"{bad.iloc[0]!r} in row {bad.index[0]!r}"
        )
    return text.isin(_TRUE).astype(bool).rename(values.name)


def _words(values: pd.Series):
    """Each value as :func:`parse_target` reads it, in order: None where missing, else its
    text stripped and in lower case. A text column repeats a few words thousands of times:
    each distinct string is read once."""
    seen: dict[str, str] = {}
    for value in values.to_numpy(dtype=object):
        if type(value) is str:
            word = seen.get(value)
            if word is None:
                word = seen[value] = value.strip().lower()
            yield word
        else:
            yield None if pd.isna(value) else str(value).strip().lower()


def is_binary(values: pd.Series) -> bool:
    """Whether :func:`parse_target` reads ``values`` without an error (it stops at the
    first value it cannot read: an id column is no target)."""
    if pd.api.types.is_bool_dtype(values):
        parse_target(values)  # a missing value raises, as it always did
        return True
    known = _TRUE | _FALSE
    return all(word in known for word in _words(values))


MOSTLY_NUMBERS = 0.95
"""A text column whose recorded values are numbers at least this often counts as numeric
(a few typed-in words in a number column reject those rows only)."""


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    """Columns holding numbers (not booleans), or text that is mostly numbers."""
    found = []
    for c in frame.columns:
        values = frame[c]
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
            continue
        if pd.api.types.is_numeric_dtype(values):
            found.append(c)
            continue
        recorded = values.dropna()
        if len(recorded) and is_binary(recorded):
            continue
        if len(recorded) and _mostly_numbers(recorded):
            found.append(c)
    return found


def _mostly_numbers(recorded: pd.Series) -> bool:
    """Whether at least :data:`MOSTLY_NUMBERS` of ``recorded`` (no missing values) are
    numbers (:func:`numbers`), read in chunks of growing size: reading a number is a
    couple of microseconds, and a column of names or codes is told after a few thousand
    rows, once too many of them are not numbers for the share to be reached."""
    rows, failed, start, size = len(recorded), 0, 0, 1024
    while start < rows:
        converted, _ = numbers(recorded.iloc[start : start + size])
        failed += int(converted.isna().sum())
        if (rows - failed) / rows < MOSTLY_NUMBERS:
            return False
        start, size = start + size, size * 2
    return (rows - failed) / rows >= MOSTLY_NUMBERS


def infer_schema(
    frame: pd.DataFrame,
    target: str,
    columns: Iterable[str] | None = None,
    id: str | None = None,  # noqa: A002 - the schema's own name for it
    time: str | None = None,
    scope: str | None = None,
    scope_values: Sequence[str] = (),
) -> Schema:
    """A schema for ``frame``: without ``columns`` every numeric column but id and target is
    a candidate. :class:`TableError` names a missing column or a target that is not binary.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TableError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    for role, name in (("target", target), ("id", id), ("time", time), ("scope", scope)):
        if name is not None and name not in frame.columns:
            raise TableError(f"no {role} column {name!r} in the table")
    parse_target(frame[target], target)
    if columns is None:
        chosen = [c for c in numeric_columns(frame) if c not in (target, id)]
    else:
        chosen = list(dict.fromkeys(columns))
        missing = [c for c in chosen if c not in frame.columns]
        if missing:
            raise TableError(f"no column(s) {', '.join(map(repr, missing))} in the table")
        if target in chosen:
            raise TableError(f"the target {target!r} cannot be a candidate column")
        numeric = set(numeric_columns(frame[chosen]))
        text = [c for c in chosen if c not in numeric]
        if text:
            raise TableError(f"column(s) {', '.join(map(repr, text))} do not hold numbers")
    if not chosen:
        raise TableError("no numeric candidate column for a rule in the table")
    shown = [c for c in frame.columns if c != target]
    return Schema(
        target=target,
        candidates=tuple(str(c) for c in chosen),
        id=id,
        time=time,
        scope=scope,
        scope_values=tuple(scope_values),
        columns=tuple(str(c) for c in shown),
    )


def numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A column as floats, and where it held something that is not a finite number (text,
    ``inf``)."""
    if pd.api.types.is_bool_dtype(values):
        return pd.Series(np.nan, index=values.index), values.notna()
    converted = pd.to_numeric(values, errors="coerce").astype("float64")
    # inf, -inf and 1e400 are no reading: rejected like text, so that Python, the SQL and the
    # workbook's formula (where a spreadsheet has no infinity) all leave them unflagged.
    converted = converted.where(np.isfinite(converted.to_numpy()))
    return converted, converted.isna() & values.notna()
