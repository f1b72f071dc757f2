"""Accounting for every row: flagged, passed, or rejected with a reason.

:func:`account_rows` decides every row of a raw table for a rule: a duplicated or missing id,
text or an impossible value in a rule column, an unreadable time or an unknown scope value
rejects the row, with its reason; the others are flagged or passed by the rule. The three
counts add up to the rows received.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pocmvp.toolkit.rule import Rule, require_dataframe
from pocmvp.toolkit.schema import Schema, TableError, numbers, parse_time

FLAGGED, PASSED, REJECTED = "flagged", "passed", "rejected"


@dataclass(frozen=True)
class Accounting:
    """What happened to every row of a table: flagged, passed, or rejected with a reason.

    ``decisions`` has the input's index and the columns: the table's id (``row``, numbered
    from 1, when it has none), ``decision`` and
    ``reason`` (empty unless rejected; for a passed row with a missing rule value it notes
    the missing value).
    """

    decisions: pd.DataFrame

    @property
    def counts(self) -> dict[str, int]:
        counted = self.decisions["decision"].value_counts()
        return {d: int(counted.get(d, 0)) for d in (FLAGGED, PASSED, REJECTED)}

    @property
    def rows(self) -> int:
        return len(self.decisions)

    @property
    def flagged(self) -> pd.Series:
        return (self.decisions["decision"] == FLAGGED).rename("flagged")

    def rejected(self) -> pd.DataFrame:
        """The rejected rows and why, for the quality lead to look at."""
        return self.decisions[self.decisions["decision"] == REJECTED]

    def table(self) -> pd.DataFrame:
        """Rows per decision and reason, with a total that equals the rows received."""
        reasons = self.decisions["reason"].str.split(":").str[0].replace("", "-")
        table = (
            self.decisions.assign(reason=reasons)
            .groupby(["decision", "reason"], sort=False)
            .size()
            .rename("rows")
            .reset_index()
        )
        order = pd.Categorical(table["decision"], categories=[FLAGGED, PASSED, REJECTED])
        table = table.assign(order=order).sort_values(["order", "reason"]).drop(columns="order")
        total = pd.DataFrame([{"decision": "total", "reason": "", "rows": self.rows}])
        return pd.concat([table, total], ignore_index=True)


def account_rows(
    table: pd.DataFrame, rule: Rule, schema: Schema | None = None, id: str | None = None
) -> Accounting:  # noqa: A002
    """Decide every row of a raw table: flagged, passed, or rejected with a reason.

    A row is rejected when its id (``schema.id``, or ``id``) is missing or appears more
    than once (every copy is rejected: which one is right is for a person to decide), when a
    rule column holds text (that row only; the others go on) or a value outside the
    schema's possible range, when the schema's time column cannot be read as a time, or, for
    a scoped condition, when its scope value is missing or (with ``schema.scope_values``)
    unknown. Missing values in rule columns are not a reason to reject: they never satisfy a
    condition (see the module's docstring). A table without the id column or a column the
    rule reads is refused with a :class:`TableError`.
    """
    require_dataframe(table)
    id_column = id if id is not None else (schema.id if schema else None)
    needed = [c for c in (id_column, *rule.input_columns) if c is not None]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise TableError(f"the table has no column(s): {', '.join(missing)}")
    reason = pd.Series("", index=table.index, dtype=object)
    undecided = np.ones(len(table), dtype=bool)

    def reject(mask: pd.Series, *parts: str | pd.Series) -> None:
        """Reject the rows of ``mask`` not rejected yet, with the reason ``parts`` joined: texts,
        and columns whose value in each row is written in. The texts are made for those rows
        only (a million rows' texts would take seconds)."""
        fresh = mask.to_numpy(dtype=bool, na_value=False) & undecided
        if not fresh.any():
            return
        undecided[fresh] = False
        said = pd.Series("", index=table.index[fresh], dtype=object)
        for part in parts:
            said = said + (part if isinstance(part, str) else part[fresh].astype(str).to_numpy())
        reason.iloc[np.flatnonzero(fresh)] = said.to_numpy(dtype=object)

    if id_column is not None:
        row_id = table[id_column]
        what = id_column.replace("_", " ")
        reject(row_id.isna() | (row_id.astype(str).str.strip() == ""), f"missing {what}")
        repeats = row_id.map(row_id.value_counts())
        repeated = repeats > 1
        times = repeats.where(repeated, 0).astype("int64").astype(str)
        reject(repeated, f"duplicated {what}: ", row_id, " appears ", times, " times")
    else:
        id_column = "row"
        row_id = pd.Series(np.arange(1, len(table) + 1), index=table.index)

    checked_values = {}
    ranges = schema.ranges if schema else {}
    for column in rule.columns:
        raw = table[column]
        converted, text = numbers(raw)
        reject(text, f"not a number in {column}: ", raw)
        low, high = ranges.get(column, (None, None))
        if low is not None or high is not None:
            low = -np.inf if low is None else low
            high = np.inf if high is None else high
            impossible = converted.notna() & ~converted.between(low, high)
            possible = f" (possible {low:g} to {high:g})"
            reject(impossible, f"impossible value in {column}: ", converted, possible)
        checked_values[column] = converted
    if schema is not None and schema.time is not None and schema.time in table.columns:
        raw_time = table[schema.time]
        unreadable = parse_time(raw_time).isna() & raw_time.notna()
        reject(unreadable, f"unreadable time in {schema.time}: ", raw_time)

    for column in rule.scope_columns:
        scope = table[column]
        reject(scope.isna(), f"missing {column}")
        if schema is not None and schema.scope == column and schema.scope_values:
            reject(~scope.isin(schema.scope_values), f"unknown {column}: ", scope)
        checked_values[column] = scope

    checked = pd.DataFrame(checked_values, index=table.index)
    flags = rule.flag(checked)
    rejected = pd.Series(~undecided, index=table.index)
    decision = np.where(rejected, REJECTED, np.where(flags, FLAGGED, PASSED))
    absent_columns = pd.Series("", index=table.index, dtype=object)
    for column in rule.columns:
        gap = checked[column].isna() & ~rejected
        separator = np.where(absent_columns[gap] == "", "", ", ")
        absent_columns[gap] = absent_columns[gap] + separator + column
    absent = absent_columns != ""
    reason[absent] = "missing value (never triggers): " + absent_columns[absent]
    decisions = pd.DataFrame(
        {id_column: row_id, "decision": decision, "reason": reason.astype(str)},
        index=table.index,
    )
    return Accounting(decisions)
