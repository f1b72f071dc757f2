"""The MVP: a rule of one or two thresholds on any table's columns, fitted to a capacity.

This module knows no particular table: a :class:`~pocmvp.toolkit.schema.Schema` says which
column is the target, which may be used, and how to word them; the plant's bindings are in
:mod:`pocmvp.case.plant_rule`. Column names may be any text (spaces, brackets, units,
non-ASCII): SQL quotes them, the spreadsheet refers to them by column letter.

A :class:`Rule` is a few :class:`Condition` s (``column``, an operator ``> >= < <=``, a
``threshold``) joined by OR: a row is flagged if any condition holds. A condition may be
**scoped** to some values (``shifts``) of a named text column (``scope_column``): it then
holds only on those rows. The same rule is written four ways, all giving the same flags:

* in Python, :meth:`Rule.flag` (what the tests and the chapters use);
* as a spreadsheet formula for one row of the workbook, :meth:`Rule.excel_formula`
  (what the quality lead sees, see :mod:`pocmvp.toolkit.workbook`);
* as a SQL ``WHERE`` clause, :meth:`Rule.sql_where`, run in DuckDB by :func:`flag_with_sql`;
* as a sentence for a sticky note, :meth:`Rule.describe`.

**Missing values.** A missing value never satisfies a condition (another condition may
still flag the row). Python compares with NaN and gets False; the spreadsheet
formula guards each comparison with ``ISNUMBER`` (an empty cell is not a number, and a blank
would otherwise compare as 0); SQL wraps each comparison in ``COALESCE(..., FALSE)`` (a
comparison with NULL is NULL). The same holds for text where a number should be: in a data
frame :func:`check_rule_columns` refuses it, in the spreadsheet ``ISNUMBER`` is false, and
:func:`~pocmvp.toolkit.accounting.account_rows` rejects the row with its reason.

**Scopes.** A scoped condition compares its scope column's text exactly (case and spaces
count): Python with ``isin``, the spreadsheet with ``EXACT`` (a plain ``=`` would ignore
case), SQL with ``IN``. A missing or unknown value is in no scope, so only unscoped
conditions can flag it; :func:`~pocmvp.toolkit.accounting.account_rows` rejects such a row
(unknown: not in the schema's ``scope_values``): nobody can say which threshold applied.

The search is in :mod:`pocmvp.toolkit.search`, every row's decision in
:mod:`pocmvp.toolkit.accounting`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from pocmvp.toolkit import routing
from pocmvp.toolkit.schema import Schema, TableError, parse_target

OPERATORS = (">", ">=", "<", "<=")
_WORDS = {">": "above", ">=": "at or above", "<": "below", "<=": "at or below"}
MAX_CONDITIONS = 2


def _scope(values: object, column: str) -> tuple[str, ...] | None:
    """The scope's values as a tuple of texts, each once (``None`` = every row)."""
    if values is None:
        return None
    chosen = (values,) if isinstance(values, str) else tuple(values)
    if not chosen or not all(isinstance(v, str) for v in chosen):
        raise ValueError(
            f"the scope of the condition on {column!r} must be some texts (or None for every "
            f"row), got {values!r}"
        )
    return tuple(dict.fromkeys(chosen))


def quote_sql(name: str) -> str:
    """A column name as a SQL identifier: in double quotes, a double quote doubled."""
    return '"' + name.replace('"', '""') + '"'


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _excel_text(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


_MAX_DOUBLE = "1.7976931348623157e308"


def _number(value: float) -> str:
    """A threshold written the same way in Python, Excel and SQL: whole numbers without a
    decimal point, others with the shortest text that reads back as the same double."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass(frozen=True)
class Condition:
    """One comparison of a numeric column with a threshold, e.g. ``melt_temp_c > 712.3``,
    optionally only on rows whose scope column holds some values:
    ``Condition("items", ">", 14, shifts=("web",), scope_column="channel")``: a scope's
    values (``shifts``) always come with the text column they are read from (the toolkit
    knows no table's columns). Column names may be any text (spaces, brackets, non-ASCII).
    """

    column: str
    operator: str
    threshold: float
    shifts: tuple[str, ...] | None = None
    scope_column: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.column, str) or not self.column:
            raise ValueError(f"a condition's column must be a column name, got {self.column!r}")
        named = isinstance(self.scope_column, str) and self.scope_column
        if (self.shifts is not None or self.scope_column is not None) and not named:
            raise ValueError(
                f"the scope of the condition on {self.column!r} needs its text column's name "
                f"(scope_column), got {self.scope_column!r}"
            )
        if self.operator not in OPERATORS:
            raise ValueError(f"operator must be one of {OPERATORS}, got {self.operator!r}")
        try:
            threshold = float(self.threshold)
        except (TypeError, ValueError):
            raise ValueError(
                f"threshold for {self.column!r} must be a number, got {self.threshold!r}"
            ) from None
        if not math.isfinite(threshold):
            raise ValueError(
                f"threshold for {self.column!r} must be finite, got {self.threshold!r}"
            )
        object.__setattr__(self, "threshold", threshold)
        object.__setattr__(self, "shifts", _scope(self.shifts, self.column))

    @property
    def scoped(self) -> bool:
        """True when the condition applies to some values of its scope column only."""
        return self.shifts is not None

    def holds(self, values: pd.Series, scope: pd.Series | None = None) -> pd.Series:
        """True where the condition holds; a missing value never holds. A scoped condition
        also needs ``scope`` (the rows' scope column) and holds only on its values."""
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            result = {
                ">": numbers > self.threshold,
                ">=": numbers >= self.threshold,
                "<": numbers < self.threshold,
                "<=": numbers <= self.threshold,
            }[self.operator]
        result = result & ~np.isnan(numbers)
        if self.scoped:
            if scope is None:
                raise ValueError(f"the condition on {self.column!r} is scoped: pass its scope")
            result = result & scope.isin(self.shifts).to_numpy(dtype=bool)
        return pd.Series(result, index=values.index)

    def excel(self, cell: str, scope_cell: str | None = None) -> str:
        """The condition for one cell, e.g. ``AND(ISNUMBER(I2),I2>712.3)``; scoped, with the
        row's scope cell: ``AND(EXACT(D2,"web"),ISNUMBER(I2),I2>712.3)``."""
        compare = f"ISNUMBER({cell}),{cell}{self.operator}{_number(self.threshold)}"
        if not self.scoped:
            return f"AND({compare})"
        if scope_cell is None:
            raise ValueError(f"the condition on {self.column!r} is scoped: pass the scope cell")
        # EXACT, because "=" compares text without regard to case in a spreadsheet.
        exact = [f"EXACT({scope_cell},{_excel_text(s)})" for s in self.shifts]
        scope = exact[0] if len(exact) == 1 else f"OR({','.join(exact)})"
        return f"AND({scope},{compare})"

    def sql(self, cast: bool = False) -> str:
        """The condition in SQL, false (never NULL) for a missing value or scope. With
        ``cast``, the column is read with ``TRY_CAST(... AS DOUBLE)``, so text where a
        number should be never matches (for a file read as is)."""
        column = quote_sql(self.column)
        finite = ""
        if cast:
            column = f"TRY_CAST({column} AS DOUBLE)"
            # inf is no reading (see schema.numbers): only finite values may match
            finite = f" AND ABS({column}) <= {_MAX_DOUBLE}"
        compare = f"COALESCE({column} {self.operator} {_number(self.threshold)}{finite}, FALSE)"
        if not self.scoped:
            return compare
        listed = ", ".join(_sql_text(s) for s in self.shifts)
        return f"(COALESCE({quote_sql(self.scope_column)} IN ({listed}), FALSE) AND {compare})"

    def describe(self, schema: Schema | None = None) -> str:
        """The condition in words, with the column's phrase and unit from ``schema`` (else
        ``its <column>``), and its scope, named after its column ("on the web channel")."""
        what = schema.phrase(self.column) if schema else f"its {self.column}"
        unit = schema.unit(self.column) if schema else ""
        unit = f" {unit}" if unit else ""
        digits = 0 if self.threshold.is_integer() else 1
        said = f"{what} is {_WORDS[self.operator]} {self.threshold:,.{digits}f}{unit}"
        if not self.scoped:
            return said
        noun = self.scope_column
        if len(self.shifts) == 1:
            return f"{said} on the {self.shifts[0]} {noun}"
        listed = ", ".join(self.shifts[:-1])
        return f"{said} on the {listed} and {self.shifts[-1]} {noun}s"


@dataclass(frozen=True)
class Rule:
    """Flag a row if ANY of the conditions holds (conditions joined by OR)."""

    conditions: tuple[Condition, ...]
    schema: Schema | None = field(default=None, compare=False, repr=False)
    """The table the rule is for (optional): its words for :meth:`describe` and its column
    order for :meth:`excel_formula`. Two rules with the same conditions are equal."""

    def __post_init__(self) -> None:
        conditions = tuple(self.conditions)
        if not conditions or not all(isinstance(c, Condition) for c in conditions):
            raise ValueError("a rule needs at least one Condition")
        object.__setattr__(self, "conditions", conditions)

    @classmethod
    def of(cls, *conditions: tuple, schema: Schema | None = None) -> Rule:
        """A rule from plain triples: ``Rule.of(("amount", ">", 312.5))``, or with the scope's
        values fourth and its column fifth (default: the ``schema``'s scope column):
        ``("items", ">", 14, ("web",), "channel")``."""
        scope = (schema.scope,) if schema is not None and schema.scope else ()
        return cls(
            tuple(Condition(*c, *(scope if len(c) == 4 else ())) for c in conditions), schema
        )

    def for_schema(self, schema: Schema | None) -> Rule:
        """The same rule, knowing its table's schema."""
        return Rule(self.conditions, schema)

    @property
    def columns(self) -> tuple[str, ...]:
        """The numeric columns the rule compares, each once, in order."""
        return tuple(dict.fromkeys(c.column for c in self.conditions))

    @property
    def scoped(self) -> bool:
        """True when a condition applies to some values of a text column only."""
        return any(c.scoped for c in self.conditions)

    @property
    def input_columns(self) -> tuple[str, ...]:
        """Every column the rule reads: :attr:`columns`, plus the scope columns."""
        return tuple(dict.fromkeys((*self.columns, *self.scope_columns)))

    @property
    def scope_columns(self) -> tuple[str, ...]:
        """The text columns the scoped conditions read, each once."""
        return tuple(dict.fromkeys(c.scope_column for c in self.conditions if c.scoped))

    def flag(self, table: pd.DataFrame) -> pd.Series:
        """True for the rows the rule flags, to be tested (same index as ``table``)."""
        check_rule_columns(table, self)
        flagged = np.zeros(len(table), dtype=bool)
        for condition in self.conditions:
            scope = table[condition.scope_column] if condition.scoped else None
            flagged |= condition.holds(table[condition.column], scope).to_numpy()
        return pd.Series(flagged, index=table.index, name="flagged")

    def excel_formula(self, row: int, columns: Sequence[str] | None = None) -> str:
        """The formula for one row of the workbook's data sheet, e.g.
        ``=OR(AND(ISNUMBER(I2),I2>712.3),AND(ISNUMBER(F2),F2>5200))``.

        ``columns`` is the data sheet's column order (column A first); by default the rule's
        schema's :attr:`~pocmvp.toolkit.schema.Schema.columns`.
        """
        if columns is None:
            if self.schema is None:
                raise ValueError("pass the data sheet's columns (or give the rule a schema)")
            columns = self.schema.columns
        if row < 2:
            raise ValueError(f"row 1 holds the headers; data rows start at 2, got {row}")
        columns = list(columns)

        def cell(name: str) -> str:
            if name not in columns:
                raise ValueError(f"column {name!r} is not in the workbook's columns")
            return f"{get_column_letter(columns.index(name) + 1)}{row}"

        parts = [
            c.excel(cell(c.column), cell(c.scope_column) if c.scoped else None)
            for c in self.conditions
        ]
        return f"=OR({','.join(parts)})"

    def sql_where(self, cast: bool = False) -> str:
        """A SQL ``WHERE`` clause selecting the flagged rows (missing values never match);
        ``cast`` reads number columns with ``TRY_CAST`` (see :meth:`Condition.sql`)."""
        return " OR ".join(c.sql(cast) for c in self.conditions)

    def describe(self, schema: Schema | None = None) -> str:
        """The rule as one plain-English sentence, short enough for a sticky note, with the
        columns' phrases and units and the action from ``schema`` (default "Flag a row")."""
        schema = schema or self.schema
        said = [c.describe(schema) for c in self.conditions]
        joined = ", or if ".join(said)
        action, sends = (schema.action, schema.sends) if schema else ("Flag a row", "flags a row")
        return f"{action} if {joined}. A value that was not recorded never {sends} on its own."


def check_rule_columns(table: pd.DataFrame, rule: Rule) -> None:
    """Refuse a table without the rule's columns, or where a condition's column holds text
    or booleans. The scope column a scoped rule reads is text and only has to be there.

    The message names the column and shows an offending value.
    """
    require_dataframe(table)
    missing = [c for c in rule.input_columns if c not in table.columns]
    if missing:
        raise TableError(f"the rule needs column(s) {', '.join(missing)}, which the table lacks")
    for column in rule.columns:
        values = table[column]
        if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            bad = values[pd.to_numeric(values, errors="coerce").isna() & values.notna()]
            example = f", e.g. {bad.iloc[0]!r} in row {bad.index[0]!r}" if len(bad) else ""
            raise TableError(f"column {column!r} must hold numbers, got {values.dtype}{example}")


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def require_dataframe(table: object) -> None:
    """Refuse anything that is not a pandas DataFrame, naming what it is instead."""
    if not isinstance(table, pd.DataFrame):
        raise TableError(f"a table must be a pandas DataFrame, got {type(table).__name__}")


def flag_with_sql(table: pd.DataFrame, rule: Rule) -> pd.Series:
    """The rule's flags computed by DuckDB from :meth:`Rule.sql_where` (same index)."""
    import duckdb

    check_rule_columns(table, rule)
    read = pd.DataFrame({c: table[c].to_numpy() for c in rule.columns})
    for column in rule.scope_columns:
        # Plain Python strings (None where missing), so DuckDB sees a VARCHAR column.
        texts = [None if _missing(v) else str(v) for v in table[column]]
        read[column] = pd.Series(texts, dtype=object).to_numpy()
    row_number = "__pocmvp_row_number"
    read[row_number] = np.arange(len(read))
    with duckdb.connect() as connection:
        connection.register("input_rows", read)
        flagged = connection.execute(
            f"SELECT {quote_sql(row_number)} FROM input_rows WHERE " + rule.sql_where()
        ).fetchnumpy()[row_number]
    result = np.zeros(len(read), dtype=bool)
    result[np.asarray(flagged, dtype=np.int64)] = True
    return pd.Series(result, index=table.index, name="flagged")


@dataclass(frozen=True)
class RuleScore:
    """A selection of rows judged against the target (parts: rows; defects: positives)."""

    parts: int
    flagged: int
    defects: int
    caught: int
    false_alarms: int

    @property
    def flagged_share(self) -> float:
        return self.flagged / self.parts if self.parts else 0.0

    @property
    def catch_rate(self) -> float:
        """Share of the positive rows that were flagged (recall)."""
        return self.caught / self.defects if self.defects else 0.0

    @property
    def hit_rate(self) -> float:
        """Share of the flagged rows that were positive (precision)."""
        return self.caught / self.flagged if self.flagged else 0.0


def score(table: pd.DataFrame, flagged: pd.Series, target: str) -> RuleScore:
    """Count rows, flags, positives, catches and false alarms of a selection."""
    if not flagged.index.equals(table.index):
        raise ValueError("flagged must be indexed like the table, one value per row")
    truth = parse_target(table[target], target).to_numpy(dtype=bool)
    chosen = flagged.to_numpy(dtype=bool)
    return RuleScore(
        parts=len(table),
        flagged=int(chosen.sum()),
        defects=int(truth.sum()),
        caught=int((truth & chosen).sum()),
        false_alarms=int((~truth & chosen).sum()),
    )


def within_capacity(
    table: pd.DataFrame, flagged: pd.Series, capacity: float, time: str
) -> pd.Series:
    """The rows the test takes with these flags: the one routing every option uses
    (:func:`pocmvp.toolkit.routing.route`). Flagged rows are tested in ``time`` order until
    the month's capacity (a share of its rows) is used; slots the flags leave idle go to an
    every-n-th sample of the others.
    """
    if not flagged.index.equals(table.index):
        raise ValueError("flagged must be indexed like the table, one value per row")
    if time not in table.columns:
        raise TableError(f"the time column {time!r} is missing")
    return routing.route(table, flagged, capacity, time=time)
