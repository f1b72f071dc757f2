"""The toolkit's rule (:mod:`pocmvp.toolkit.rule`, :mod:`~pocmvp.toolkit.search`,
:mod:`~pocmvp.toolkit.accounting`) bound to the plant's shift log.

Everything of those modules is here under the same name; what differs is
plant-specific: the shift log's columns (:data:`RULE_COLUMNS`, :data:`WORKBOOK_COLUMNS`, from
:data:`pocmvp.case.factory.SCHEMA`), the plant's economics (:func:`within_capacity`,
:func:`compare_with_today`), the strict check against the plant's fields
(:func:`validate_for_rule`), :func:`account_rows` with the plant's possible ranges and shifts,
:func:`score` of ``defect``, :func:`describe` with the plant's words, and :func:`find_rule`
refusing columns written after inspection (``rework_minutes``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import pandas as pd

from pocmvp.case import factory, status_quo
from pocmvp.case.factory import SCHEMA, ShiftLogError
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics
from pocmvp.toolkit import accounting as _accounting
from pocmvp.toolkit import rule as _rule
from pocmvp.toolkit import search as _search
from pocmvp.toolkit.accounting import (  # noqa: F401 - the toolkit's API, re-exported
    FLAGGED,
    PASSED,
    REJECTED,
    Accounting,
)
from pocmvp.toolkit.rule import (  # noqa: F401 - the toolkit's API, re-exported
    MAX_CONDITIONS,
    OPERATORS,
    Condition,
    Rule,
    RuleScore,
    check_rule_columns,
    flag_with_sql,
    quote_sql,
)
from pocmvp.toolkit.search import RuleSearch

WORKBOOK_COLUMNS: tuple[str, ...] = SCHEMA.columns
"""The shift-log columns known when a part is routed, in the order of the workbook's data
sheet (column A is ``part_id``). The truth and ``rework_minutes`` are not among them."""

RULE_COLUMNS: tuple[str, ...] = SCHEMA.candidates
"""The numeric shift-log columns a rule may use: recorded before the part is routed."""

SHIFT_COLUMN = SCHEMA.scope
"""The text column a scoped condition reads (one of :data:`pocmvp.case.factory.SHIFTS`)."""

_FIELDS = {f.name: f for f in factory.SHIFT_LOG_FIELDS}


def describe(rule: Rule) -> str:
    """The rule's sticky note in the plant's words."""
    return rule.describe(SCHEMA)


def check_shifts(rule: Rule) -> None:
    """Refuse a rule scoped to anything but the plant's shifts."""
    for c in rule.conditions:
        if not c.scoped:
            continue
        if c.scope_column != SHIFT_COLUMN or any(s not in factory.SHIFTS for s in c.shifts):
            raise ValueError(
                f"shifts for {c.column!r} must be some of {factory.SHIFTS} (or None for every "
                f"shift), got {c.shifts!r}"
            )


def find_rule(
    shift_log: pd.DataFrame,
    target: str = factory.TARGET,
    capacity: float = ECONOMICS.inspection_capacity_share,
    columns: Iterable[str] = RULE_COLUMNS,
    max_conditions: int = MAX_CONDITIONS,
    *,
    grid: int = 100,
) -> RuleSearch:
    """:func:`pocmvp.toolkit.search.find_rule` on the shift log's :data:`RULE_COLUMNS`;
    columns only known after inspection are refused. The search's ``rule`` knows the
    shift log's schema."""
    columns = list(dict.fromkeys(columns))
    late = [c for c in columns if c in _FIELDS and not _FIELDS[c].known_at_decision]
    if late:
        raise ValueError(
            f"column(s) {', '.join(late)} are only known after inspection: a rule cannot use them"
        )
    if target in shift_log.columns and not pd.api.types.is_bool_dtype(shift_log[target]):
        raise ShiftLogError(
            f"the target column {target!r} must be boolean, got {shift_log[target].dtype}"
        )
    found = _search.find_rule(shift_log, target, capacity, columns, max_conditions, grid=grid)
    return dataclasses.replace(found, rule=found.rule.for_schema(SCHEMA))


def plant(rule: Rule) -> Rule:
    """The rule, knowing the shift log's schema (its words and workbook columns)."""
    return rule.for_schema(SCHEMA)


def score(shift_log: pd.DataFrame, flagged: pd.Series, target: str = factory.TARGET) -> RuleScore:
    """Count parts, flags, defects, catches and false alarms of a selection."""
    return _rule.score(shift_log, flagged, target)


def validate_for_rule(
    shift_log: pd.DataFrame, rule: Rule, *, require_truth: bool = False
) -> pd.DataFrame:
    """The strict check before the rule is used: :func:`factory.validate_shift_log` (columns,
    types, ids, possible values), no unknown columns, and the rule's columns numeric.
    Returns the shift log unchanged. Missing values in rule columns are allowed."""
    check_shifts(rule)
    check_rule_columns(shift_log, rule)
    unknown = [c for c in shift_log.columns if c not in factory.SHIFT_LOG_COLUMNS]
    if unknown:
        raise ShiftLogError(f"shift log has unexpected column(s): {', '.join(map(str, unknown))}")
    return factory.validate_shift_log(shift_log, require_truth=require_truth)


def account_rows(shift_log: pd.DataFrame, rule: Rule) -> Accounting:
    """:func:`pocmvp.toolkit.accounting.account_rows` with the plant's schema: ``part_id``, the
    fields' possible ranges and the plant's shifts."""
    check_shifts(rule)
    return _accounting.account_rows(shift_log, rule, SCHEMA)


def within_capacity(
    shift_log: pd.DataFrame, flagged: pd.Series, economics: PlantEconomics = ECONOMICS
) -> pd.Series:
    """The parts the X-ray cell tests with these flags: the one routing every option uses
    (:func:`pocmvp.toolkit.routing.route`). Flagged parts are tested in casting order until the
    month's capacity is used; slots the flags leave idle go to today's sample of the others.
    """
    return _rule.within_capacity(
        shift_log, flagged, economics.inspection_capacity_share, SCHEMA.time
    )


def compare_with_today(
    shift_log: pd.DataFrame, rule: Rule, economics: PlantEconomics = ECONOMICS
) -> pd.DataFrame:
    """Per month: the rule's flags and catches next to today's every-n-th-part sample.

    Both selections are held to the same capacity: the rule's flags through
    :func:`within_capacity`, today's sample by construction. Columns: ``parts``, ``defects``,
    ``capacity``, ``flagged`` and ``capacity_used`` (the rule's flags over the capacity,
    before capping), then ``tested``, ``caught``, ``false_alarms`` and ``shipped_defects``
    prefixed ``rule_`` and ``today_``.
    """
    flagged = rule.flag(shift_log)
    mine = status_quo.monthly_outcome(shift_log, within_capacity(shift_log, flagged, economics))
    today = status_quo.monthly_outcome(
        shift_log, status_quo.every_nth_part(shift_log, economics), economics
    )
    table = mine[["parts", "defects"]].copy()
    table["capacity"] = table["parts"].map(economics.capacity)
    table["flagged"] = flagged.groupby(factory.month_of(shift_log)).sum().astype("int64")
    table["capacity_used"] = table["flagged"] / table["capacity"]
    for name, outcome in (("rule", mine), ("today", today)):
        for column in ("tested", "caught", "false_alarms", "shipped_defects"):
            table[f"{name}_{column}"] = outcome[column]
    return table
