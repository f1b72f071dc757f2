"""The report's middle stages, once each and in order: account rows, flag, route, figures.

:func:`month_figures` takes the table (read and checked by :mod:`pocmvp.toolkit.report_inputs`)
and the approved rule and:

1. **accounts** for every row of the months it reports: flagged, passed, or rejected with a
   reason (a missing or repeated id, text in a rule column:
   :func:`pocmvp.toolkit.accounting.account_rows`); only the kept rows go on;
2. **flags** the kept rows with the rule;
3. **routes** them within the capacity (:func:`pocmvp.toolkit.routing.route`: flagged rows
   in time order until the month's capacity is used, idle slots to an every-n-th sample);
4. counts the **figures** per month: rows, capacity, flagged, tested, positives caught and
   false alarms, then what the outcome tells (:meth:`Outcomes.known`).

What differs between tables is the plug-in :class:`Outcomes`: for a table whose target is in
the table when the report runs, every figure is final at once (positives, missed, catch rate).
A case whose outcomes arrive late (the generated plant: shipped defects are known only as
customer returns come in) passes its own object, which reports the months since its rule went
live, the rule in force each month, and what was known on the report's morning.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pocmvp.toolkit import accounting as decide
from pocmvp.toolkit import routing
from pocmvp.toolkit.accounting import Accounting
from pocmvp.toolkit.report_inputs import ReportError, time_column
from pocmvp.toolkit.rule import Rule
from pocmvp.toolkit.rulefile import RuleFile

ID_COLUMN = "part_id"
"""The id column the row accounting reads (a table's own id column is read as it)."""


@dataclass(frozen=True)
class Routed:
    """The kept rows of the reported months after the rule and the routing."""

    table: pd.DataFrame
    """The whole table the report reads (a plug-in may need more than the months)."""
    month: str
    approved: RuleFile
    accepted: pd.DataFrame
    """The kept rows of every month the report covers, rule columns as numbers."""
    months: pd.Series
    """Each kept row's month, ``YYYY-MM``."""
    flagged: pd.Series
    tested: pd.Series
    positive: pd.Series


@dataclass(frozen=True)
class MonthFigures:
    """One month's figures, the fate of every row, the kept rows and a monthly table."""

    figures: dict
    accounting: Accounting
    monthly: pd.DataFrame
    """One row per month the report covers, up to its own."""
    accepted: pd.DataFrame
    """The month's kept rows: what the workbook holds."""
    routed: Routed


class Outcomes:
    """What a table's report knows of its outcome: the target is in the table, so every
    figure is final when the report runs. A plug-in for another kind of outcome subclasses
    this and overrides what differs."""

    def first_month(self, month: str) -> str:
        """The first month the report covers (this one: only the report's own)."""
        return month

    def account(self, rows: pd.DataFrame, approved: RuleFile) -> Accounting:
        """Every row flagged, passed or rejected with a reason."""
        try:
            renamed = _for_accounting(rows, approved)
            named = ID_COLUMN if ID_COLUMN in renamed.columns else None
            return decide.account_rows(renamed, approved.rule, id=named)
        except ValueError as error:
            raise ReportError(f"the rows cannot be checked against the rule: {error}") from error

    def numeric(self, accepted: pd.DataFrame, chosen: Rule) -> pd.DataFrame:
        """The kept rows with the rule's columns as numbers (their text was rejected)."""
        return accepted.assign(**{c: pd.to_numeric(accepted[c]) for c in chosen.columns})

    def positives(self, accepted: pd.DataFrame, approved: RuleFile) -> pd.Series:
        """Which kept rows are positive."""
        return target_flags(accepted[approved.target], approved.target)

    def flags(self, accepted: pd.DataFrame, months: pd.Series, approved: RuleFile, month: str):
        """The rule's flags on the kept rows."""
        return approved.rule.flag(accepted).astype(bool)

    def known(self, monthly: pd.DataFrame, routed: Routed) -> pd.DataFrame:
        """The monthly counts with what the outcome tells: here, final at once."""
        positives = routed.positive.groupby(routed.months).sum().astype("int64")
        return monthly.assign(positives=positives, missed=positives - monthly["caught"])

    def month_figures(self, row: pd.Series, monthly: pd.DataFrame, routed: Routed) -> dict:
        """The figures the outcome adds for the report's month."""
        positives, caught = int(row["positives"]), int(row["caught"])
        return {
            "positives": positives,
            "catch_rate": caught / positives if positives else float("nan"),
        }


def _for_accounting(table: pd.DataFrame, approved: RuleFile) -> pd.DataFrame:
    """The table with its id column named as the row accounting reads it."""
    if approved.id and approved.id != ID_COLUMN and approved.id in table.columns:
        return table.drop(columns=[ID_COLUMN], errors="ignore").rename(
            columns={approved.id: ID_COLUMN}
        )
    return table


def rejected_rows(accounting: Accounting) -> list[dict]:
    """Every rejected row: its id and the reason."""
    rejected = accounting.rejected()
    ids = rejected.iloc[:, 0]  # the id column, named after the table's (or ``row``)
    return [
        {"part_id": None if pd.isna(p) else str(p), "reason": str(r)}
        for p, r in zip(ids, rejected["reason"], strict=True)
    ]


def target_flags(values: pd.Series, name: str) -> pd.Series:
    """The target as booleans: True/False, 1/0 or "true"/"false"/"yes"/"no" (any case)."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype(bool)
    words = {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}
    text = values.astype("string").str.strip().str.lower().str.replace(r"\.0$", "", regex=True)
    mapped = text.map(words)
    if mapped.isna().any():
        bad = values[mapped.isna()]
        raise ReportError(
            f"the target {name!r} must be true or false on every kept row, got "
            f"{bad.iloc[0]!r} ({int(mapped.isna().sum())} row(s))"
        )
    return mapped.astype(bool)


def month_figures(
    table: pd.DataFrame, month: str, approved: RuleFile, outcomes: Outcomes | None = None
) -> MonthFigures:
    """The figures of ``month`` for the approved rule (see the module); every row accounted.
    The month is one the inputs stage checked (:func:`pocmvp.toolkit.report_inputs.check_month`)."""
    outcomes = Outcomes() if outcomes is None else outcomes
    time = time_column(approved)
    labels = routing.month_labels(table[time])
    first = outcomes.first_month(month)
    in_scope = ((labels >= first) & (labels <= month)).to_numpy()
    rows, row_months = table[in_scope], labels[in_scope]
    # 1. Account for every row, once.
    accounting = outcomes.account(rows, approved)
    kept = (accounting.decisions["decision"] != decide.REJECTED).to_numpy()
    in_month = (row_months == month).to_numpy()
    if not in_month.any():  # the month was checked with the inputs (report_inputs.check_month)
        raise ReportError(f"no rows in {month}: the table has nothing recorded that month")
    month_accounting = Accounting(accounting.decisions[in_month])
    if not (kept & in_month).any():
        raise ReportError(f"every row of {month} was rejected: see the reasons in the figures")
    accepted = outcomes.numeric(rows[kept], approved.rule)
    months = row_months[kept]
    positive = outcomes.positives(accepted, approved)
    # 2. Flag, 3. route within the capacity, each month as its rows arrive.
    flagged = outcomes.flags(accepted, months, approved, month)
    tested = routing.route(accepted, flagged, approved.capacity, time=time).astype(bool)
    routed = Routed(table, month, approved, accepted, months, flagged, tested, positive)
    # 4. The figures per month, then what the outcome tells.
    counts = pd.DataFrame(
        {
            "rows": 1,
            "flagged": flagged,
            "tested": tested,
            "caught": tested & positive,
            "false_alarms": tested & ~positive,
        }
    )
    monthly = counts.groupby(months).sum().astype("int64")
    monthly.index.name = "month"
    capacity = [routing.monthly_capacity(n, approved.capacity) for n in monthly["rows"]]
    monthly.insert(1, "capacity", capacity)
    monthly = outcomes.known(monthly, routed)
    row = monthly.loc[month]
    capacity, flags = int(row["capacity"]), int(row["flagged"])
    decided = month_accounting.counts
    figures = {
        "month": month,
        "rows": month_accounting.rows,
        "flagged": decided[decide.FLAGGED],
        "passed": decided[decide.PASSED],
        "rejected": decided[decide.REJECTED],
        "capacity": capacity,
        "capacity_used": flags / capacity if capacity else float("nan"),
        "overflow": max(0, flags - capacity),
        "tested": int(row["tested"]),
        "caught": int(row["caught"]),
        "false_alarms": int(row["false_alarms"]),
        **outcomes.month_figures(row, monthly, routed),
        "rejected_rows": rejected_rows(month_accounting),
    }
    own = (months == month).to_numpy()
    return MonthFigures(figures, month_accounting, monthly, accepted[own], routed)
