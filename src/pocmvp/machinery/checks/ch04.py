"""Checks for chapter 4's exercises: the spreadsheet rule."""

from __future__ import annotations

import pandas as pd

from pocmvp.case import factory, status_quo
from pocmvp.case import plant_rule as rule
from pocmvp.machinery.selfcheck import Feedback, check_choice, check_number, check_with


def _history(shift_log: pd.DataFrame) -> pd.DataFrame:
    return factory.in_months(shift_log, factory.TRAIN_MONTHS)


def _mvp_rule(shift_log: pd.DataFrame) -> rule.Rule:
    capacity = status_quo.ECONOMICS.inspection_capacity_share
    return rule.find_rule(_history(shift_log), factory.TARGET, capacity, rule.RULE_COLUMNS).rule


def best_single_column(answer: object, shift_log: pd.DataFrame) -> Feedback:
    capacity = status_quo.ECONOMICS.inspection_capacity_share
    single = rule.find_rule(
        _history(shift_log), factory.TARGET, capacity, rule.RULE_COLUMNS, max_conditions=1
    ).rule
    return check_choice(
        "4.1",
        answer,
        single.conditions[0].column,
        options=rule.RULE_COLUMNS,
        hint="call rule.find_rule on the history with max_conditions=1 and look at the "
        "column of its rule's only condition.",
    )


def _normalised(formula: str) -> str:
    return "".join(str(formula).split()).upper()


def excel_formula_for(answer: object, chosen: rule.Rule, row: int) -> Feedback:
    reversed_rule = rule.Rule(tuple(reversed(chosen.conditions)))
    accepted = {
        _normalised(r.excel_formula(row, rule.WORKBOOK_COLUMNS)) for r in (chosen, reversed_rule)
    }
    return check_with(
        "4.2",
        answer,
        lambda text: _normalised(text) in accepted,
        hint="start with '=OR(', give each condition its own AND(ISNUMBER(cell), comparison) "
        "so that an empty cell never counts, and find each column's letter in "
        "rule.WORKBOOK_COLUMNS (column A is the first).",
    )


def night_share_of_flags(answer: object, shift_log: pd.DataFrame) -> Feedback:
    held_out = factory.in_months(shift_log, factory.HELD_OUT_MONTHS)
    flags = _mvp_rule(shift_log).flag(held_out)
    expected = (held_out.loc[flags, "shift"] == "night").mean()
    return check_number(
        "4.3",
        answer,
        expected,
        hint="flag the held-out months with the rule, keep the flagged parts, and take the "
        "share whose shift is 'night'.",
    )
