"""Checks for chapter 1's exercises: the business problem."""

from __future__ import annotations

import pandas as pd

from pocmvp.case import factory, status_quo
from pocmvp.machinery.selfcheck import (
    Feedback,
    Misconception,
    as_percentage,
    check_choice,
    check_number,
    check_with,
)
from pocmvp.machinery.stretch_note import check_note


def _history(shift_log: pd.DataFrame) -> pd.DataFrame:
    return factory.in_months(shift_log, factory.TRAIN_MONTHS)


def night_defect_rate(answer: object, shift_log: pd.DataFrame) -> Feedback:
    history = _history(shift_log)
    night = history["shift"] == "night"
    expected = history.loc[night, "defect"].mean()
    everything = shift_log.loc[shift_log["shift"] == "night", "defect"].mean()
    return check_number(
        "1.1",
        answer,
        expected,
        tier="check",
        hints=(
            "a defect rate is defective parts divided by parts, here only the night shift's "
            "parts of the history.",
            "filter the history to the night shift, then take the mean of a boolean column.",
        ),
        misconceptions=[
            as_percentage(expected),
            Misconception(
                "a count",
                int(history.loc[night, "defect"].sum()),
                "that is a count of defective parts; the question asks for a rate.",
            ),
            Misconception(
                "share of defects",
                history.loc[night, "defect"].sum() / history["defect"].sum(),
                "that is the night shift's share of all defective parts. The rate divides "
                "the night's defective parts by the night's parts.",
            ),
            Misconception(
                "every month",
                everything,
                "that uses every month of the shift log. Use the history (`history`) only.",
            ),
            Misconception(
                "every shift",
                history["defect"].mean(),
                "that is the defect rate of every shift; keep the night shift only.",
            ),
        ],
    )


def worst_cell(answer: object, shift_log: pd.DataFrame) -> Feedback:
    history = _history(shift_log)
    defects = history.groupby("cell")["defect"]
    return check_choice(
        "1.2",
        answer,
        defects.mean().idxmax(),
        options=factory.CELLS,
        tier="check",
        hints=(
            "the worst cell has the highest share of defective parts, not the most of them.",
            "group by cell, take each cell's defect rate, and pick the largest.",
        ),
        misconceptions=[
            Misconception(
                "a count",
                defects.sum().idxmax(),
                "that cell has the most defective parts, but it also casts more parts. "
                "Compare rates, not counts.",
            ),
            Misconception(
                "the best cell",
                defects.mean().idxmin(),
                "that cell has the lowest defect rate of the history: the question asks for "
                "the highest.",
            ),
            Misconception(
                "every month",
                shift_log.groupby("cell")["defect"].mean().idxmax(),
                "that cell is the worst over every month of the shift log. Use the history.",
            ),
        ],
        explanations={
            cell: f"{cell}'s defect rate in the history is not the highest."
            for cell in factory.CELLS
        },
    )


def yearly_cost_at(answer: object, shift_log: pd.DataFrame, cost_per_return: float) -> Feedback:
    history = _history(shift_log)
    economics = status_quo.PlantEconomics(cost_per_shipped_defect=cost_per_return)
    dearer = status_quo.baseline(history, economics)
    today = status_quo.baseline(history)
    return check_number(
        "1.3",
        answer,
        dearer.cost_per_year,
        tier="apply",
        hints=(
            "the cost of the status quo is the shipped defective parts times what each costs, "
            "at the new price, for a year.",
            "build a PlantEconomics with the new cost and pass it to status_quo.baseline; "
            "read its cost_per_year.",
        ),
        misconceptions=[
            Misconception(
                "a month",
                dearer.cost_per_month,
                "that is the cost of one month. The question asks for a year.",
            ),
            Misconception(
                "the old price",
                today.cost_per_year,
                "that is the cost at today's price per return. Use the new one.",
            ),
            Misconception(
                "a count",
                dearer.shipped_defects_per_month * 12,
                "that is a number of defective parts shipped; the question asks for euros.",
            ),
            Misconception(
                "the whole history",
                dearer.cost_per_month * dearer.months,
                "that is the cost over every month of the history. Give the cost per year.",
            ),
        ],
    )


def month_at_price(answer: object, shift_log: pd.DataFrame, cost_per_return: object) -> Feedback:
    """Stretch: a note that prices a month of the status quo at the learner's own price per
    return and argues what it means. The check reads the figure the note quotes; the rubric
    of the argument is in the teaching notes."""
    try:
        price = float(cost_per_return)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        price = float("nan")
    if not price > 0:
        return check_with(
            "1.4",
            answer,
            lambda _: False,
            diagnose=lambda _: "set cost_per_return to your price per return, in euros.",
            tier="stretch",
            hint="set cost_per_return to a price in euros, e.g. 400.0, before the note.",
        )
    history = _history(shift_log)
    declared = status_quo.PlantEconomics(cost_per_shipped_defect=price)
    month = status_quo.baseline(history, declared)
    today = status_quo.baseline(history)
    wrong_figures = {
        "a year": month.cost_per_year,
        "the old price": today.cost_per_month,
        "a count": month.shipped_defects_per_month,
    }
    if abs(price - status_quo.ECONOMICS.cost_per_shipped_defect) < 0.5:
        del wrong_figures["the old price"]  # at today's price it is the right figure
    feedback = {
        "a year": "the note quotes the cost of a year. The task asks for one month.",
        "the old price": "the note quotes a month at today's price per return, not at yours.",
        "a count": "the note quotes the defective parts shipped in a month; price them in euros.",
    }
    return check_note(
        "1.4",
        answer,
        month.cost_per_month,
        wrong={name: (figure, feedback[name]) for name, figure in wrong_figures.items()},
        argue="what the price means for the plant",
        missing="the note does not quote the month's cost at your price, in euros.",
        exact=("a count",),
        hints=(
            "the month's cost is the defective parts shipped in a month times your price, "
            "computed from the history.",
            "build status_quo.PlantEconomics(cost_per_shipped_defect=cost_per_return), pass it "
            "to status_quo.baseline with the history, and quote its cost_per_month in the note.",
        ),
    )
