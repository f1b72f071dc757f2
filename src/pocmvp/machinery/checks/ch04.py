"""Checks for chapter 4's exercises: the spreadsheet rule."""

from __future__ import annotations

import re

import pandas as pd
from openpyxl.utils import get_column_letter

from pocmvp.case import factory, status_quo
from pocmvp.case import plant_rule as rule
from pocmvp.machinery import formula_check
from pocmvp.machinery.selfcheck import (
    Feedback,
    Misconception,
    as_percentage,
    check_choice,
    check_number,
    check_with,
)

# A typical row of the workbook's shift-log sheet (every column; dates as the spreadsheet
# holds them, a day number). The formula check varies the rule's columns around it.
TYPICAL_ROW = {
    "part_id": "P25-000001",
    "cast_at": 45658.26,
    "cell": "C4",
    "shift": "early",
    "mould_id": "M24",
    "shots_since_maintenance": 2582,
    "supplier": "Alucast",
    "alloy_lot": "A25-0000",
    "melt_temp_c": 686.3,
    "die_temp_c": 211.2,
    "cycle_time_s": 50.2,
    "scrap_share_pct": 17.7,
    "humidity_pct": 47.5,
}


def _history(shift_log: pd.DataFrame) -> pd.DataFrame:
    return factory.in_months(shift_log, factory.TRAIN_MONTHS)


def _capacity() -> float:
    return status_quo.ECONOMICS.inspection_capacity_share


def _mvp_rule(table: pd.DataFrame) -> rule.Rule:
    return rule.find_rule(table, factory.TARGET, _capacity(), rule.RULE_COLUMNS).rule


def _single_column(table: pd.DataFrame) -> str:
    found = rule.find_rule(
        table, factory.TARGET, _capacity(), rule.RULE_COLUMNS, max_conditions=1
    ).rule
    return found.conditions[0].column


def best_single_column(answer: object, shift_log: pd.DataFrame) -> Feedback:
    history = _history(shift_log)
    expected = _single_column(history)
    held_out = factory.in_months(shift_log, factory.HELD_OUT_MONTHS)
    two = _mvp_rule(history)
    return check_choice(
        "4.1",
        answer,
        expected,
        options=rule.RULE_COLUMNS,
        tier="check",
        hints=(
            "the best one-condition rule is the one that catches the most defective parts "
            "of the history while flagging no more than the X-ray capacity.",
            "call rule.find_rule on the history with max_conditions=1 and look at the "
            "column of its only condition.",
        ),
        misconceptions=[
            Misconception(
                "held-out months",
                _single_column(held_out),
                "that column wins on the held-out months. A rule is chosen on the history "
                "only: the held-out months are what it is judged on, later.",
            ),
            Misconception(
                "the two-condition rule",
                two.conditions[-1].column,
                "that column is in the two-condition rule, but alone it is not the best one: "
                "a second condition changes which first one pays.",
            ),
        ],
        explanations={
            c: f"a rule on {c} alone catches fewer of the history's defects within the "
            "capacity than the best one-condition rule."
            for c in rule.RULE_COLUMNS
        },
    )


def _probes(chosen: rule.Rule) -> list[formula_check.Probe]:
    return formula_check.probes(chosen, TYPICAL_ROW)


def _cells(probe: formula_check.Probe) -> dict[str, object]:
    return formula_check.as_cells(probe.values, rule.WORKBOOK_COLUMNS)


_judged: dict[tuple[str, str, int], list[int]] = {}  # the last formula's verdict, computed once


def _wrong_probes(text: object, chosen: rule.Rule, row: int) -> list[formula_check.Probe]:
    found = _probes(chosen)
    key = (str(text), repr(chosen), row)
    if key not in _judged:
        rows = [_cells(p) for p in found]
        verdicts = [p.flagged for p in found]
        _judged.clear()  # the check and its diagnosis share one evaluation
        _judged[key] = formula_check.disagreements(str(text), rows, verdicts, row)
    return [found[i] for i in _judged[key]]


def _letter(column: str) -> str:
    return get_column_letter(rule.WORKBOOK_COLUMNS.index(column) + 1)


FORMULA_MISTAKES = {
    "not a formula": "a formula for the sheet is text that starts with '='.",
    "another row": "it reads cells of another row. Each row's formula reads its own row.",
    "column letters": "it reads a column that is not in the rule. Count the letters again: "
    "column A holds rule.WORKBOOK_COLUMNS[0].",
    "and for or": "a part that meets only one of the two conditions is not sent. The rule "
    "sends a part when either condition holds.",
    "boundary": "a part exactly at a threshold is treated differently from the rule: is "
    "the comparison strict or not?",
    "blank flags": "an empty cell sends a part on its own, and it must never do so.",
    "threshold": "it sends a part whose value is well short of the threshold: check the "
    "threshold's number and unit (the scrap share is in percent, 35 % is 35).",
}


def _agrees(text: object, chosen: rule.Rule, row: int) -> bool:
    try:
        return not _wrong_probes(text, chosen, row)
    except formula_check.FormulaError:
        return False  # _diagnose says why


def _diagnose(text: object, chosen: rule.Rule, row: int) -> Misconception | str:
    def mistake(name: str) -> Misconception:
        return Misconception(name, text, FORMULA_MISTAKES[name])

    try:
        read = formula_check.cells_read(str(text))
        wrong = _wrong_probes(text, chosen, row)
    except formula_check.FormulaError as error:
        if "row" in str(error) and "for row" in str(error):
            return mistake("another row")
        if not str(text).strip().startswith("="):
            return mistake("not a formula")
        return str(error) + "."
    letters = {_letter(c) for c in chosen.columns}
    if {re.sub(r"[$0-9]", "", cell) for cell in read} - letters:
        return mistake("column letters")
    kinds = {p.kind for p in wrong}
    if "past" in kinds and "both" not in kinds:
        return mistake("and for or")
    for kind, name in (("short", "threshold"), ("at", "boundary"), ("blank", "blank flags")):
        if kind in kinds:
            return mistake(name)
    return f"it disagrees with the rule on {len(wrong)} of {len(_probes(chosen))} test rows."


def _formula_examples(chosen: rule.Rule, row: int) -> list[Misconception]:
    """A formula that shows each mistake, built from the rule's own (for the tests)."""
    right = chosen.excel_formula(row, rule.WORKBOOK_COLUMNS)
    first, second = chosen.conditions[0], chosen.conditions[-1]
    a, b = _letter(first.column), _letter(second.column)
    shifted = chr(ord(a) - 1)
    threshold = f"{first.threshold:g}"
    examples = {
        "not a formula": right.lstrip("="),
        "another row": right.replace(f"{a}{row}", f"{a}{row + 1}").replace(
            f"{b}{row}", f"{b}{row + 1}"
        ),
        "column letters": right.replace(f"{a}{row}", f"{shifted}{row}"),
        "and for or": right.replace("=OR(", "=AND(", 1),
        "boundary": right.replace(f"{first.operator}{threshold}", f"{first.operator}={threshold}"),
        "blank flags": f"=OR(NOT(AND(ISNUMBER({a}{row}),{a}{row}<={threshold})),"
        f"{b}{row}{second.operator}{second.threshold:g})",
        "threshold": right.replace(f">{threshold}", f">{first.threshold / 100:g}"),
    }
    return [Misconception(name, text, FORMULA_MISTAKES[name]) for name, text in examples.items()]


def excel_formula_for(answer: object, chosen: rule.Rule, row: int) -> Feedback:
    """The formula is evaluated on test rows placed on ``row`` (blanks, text, each threshold
    and either side of it) and must agree with the rule on every one."""
    return check_with(
        "4.2",
        answer,
        lambda text: _agrees(text, chosen, row),
        diagnose=lambda text: _diagnose(text, chosen, row),
        misconceptions=_formula_examples(chosen, row),
        tier="apply",
        hints=(
            "the formula answers TRUE or FALSE for one row: combine one comparison per "
            "condition, and make sure an empty cell never sends a part on its own.",
            "start with '=OR(', give each condition its own AND(ISNUMBER(cell), comparison), "
            "and find each column's letter in rule.WORKBOOK_COLUMNS (column A is the first).",
        ),
    )


def night_share_of_flags(answer: object, shift_log: pd.DataFrame) -> Feedback:
    held_out = factory.in_months(shift_log, factory.HELD_OUT_MONTHS)
    history = _history(shift_log)
    chosen = _mvp_rule(history)
    flags = chosen.flag(held_out)
    night = held_out["shift"] == "night"
    expected = (held_out.loc[flags, "shift"] == "night").mean()
    history_flags = chosen.flag(history)
    return check_number(
        "4.3",
        answer,
        expected,
        tier="apply",
        hints=(
            "the question is about the flagged parts: of those, what share is night?",
            "flag the held-out months with the rule, keep the flagged parts, and take the "
            "share whose shift is 'night'.",
        ),
        misconceptions=[
            as_percentage(expected),
            Misconception(
                "flag rate",
                (flags & night).sum() / night.sum(),
                "that is the share of night parts that get flagged (the night flag rate). "
                "The question asks the other way round: of the flagged parts, the share from "
                "the night shift.",
            ),
            Misconception(
                "all parts",
                night.mean(),
                "that is the night shift's share of all parts, flagged or not.",
            ),
            Misconception(
                "history",
                (history.loc[history_flags, "shift"] == "night").mean(),
                "that is the share in the history. The question is about the held-out months.",
            ),
            Misconception(
                "a count",
                int((flags & night).sum()),
                "that is a count of parts; give the share of the flagged parts.",
            ),
        ],
    )
