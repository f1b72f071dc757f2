"""Checks for chapter 5's exercises: plans, valued over the months after the decision.

Every expected value comes from :mod:`pocmvp.case.business_case` and the production bill
(:mod:`pocmvp.case.bill`), so a changed declaration changes the answers with the chapter.
"""

from __future__ import annotations

import pandas as pd

from pocmvp.case import bill, business_case, status_quo
from pocmvp.machinery.checks.memo import by_content
from pocmvp.machinery.selfcheck import (
    Feedback,
    Misconception,
    as_percentage,
    check_choice,
    check_number,
)
from pocmvp.machinery.stretch_note import check_note

POC_SAVING = 10_000.0
"""The POC's saving per month once live, in euros, in exercises 5.1 and 5.4."""
DEARER_RETURN = 400.0
"""The customer's new cost of a return, in euros (exercise 5.3)."""

ON_THE_HISTORY = "the rule's catch on the history's last two months"
AFTER_GO_LIVE = "the rule's catch from September to November"
OFFLINE_RECALL = "the POC's offline recall"
PROVEN_VALUE = "the MVP's proven value per month"
DECISION_FIGURES = (ON_THE_HISTORY, AFTER_GO_LIVE, OFFLINE_RECALL, PROVEN_VALUE)
"""The options of exercise 5.2: which figure may the decision of 31 August use?"""


def poc_break_even_if_certain(answer: object, saving_per_month: float = POC_SAVING) -> Feedback:
    plan = business_case.poc_first(saving_per_month, chance=1.0)
    expected = business_case.break_even_month(plan)
    go_live = bill.months_to_go_live()
    declared = business_case.break_even_month(business_case.poc_first(saving_per_month))
    mistakes = [
        Misconception(
            "a year",
            expected / 12,
            "that looks like years. Give the month after the decision.",
        ),
        Misconception(
            "from go-live",
            expected - go_live,
            "that counts the months from the day the POC goes live. Count from the decision: "
            "the bill is spent while it is built.",
        ),
        Misconception(
            "the go-live month",
            go_live,
            "that is about when the POC goes live. It must still repay its bill after that.",
        ),
    ]
    if declared is not None:
        mistakes.append(
            Misconception(
                "the declared chance",
                declared,
                "that uses the declared chance of shipping. The question says the POC is "
                "certain to ship.",
            )
        )
    return check_number(
        "5.1",
        answer,
        expected,
        rel_tol=0,
        abs_tol=0.5,
        tier="check",
        hints=(
            "break-even is the month, counted from the decision, from which the cumulative "
            "value stays above zero: the bill is spent first, the saving comes after go-live.",
            "build POC first with chance=1.0 and ask business_case for the month from which "
            "its cumulative value stays above zero.",
        ),
        misconceptions=mistakes,
    )


def known_at_decision(answer: object) -> Feedback:
    return check_choice(
        "5.2",
        answer,
        ON_THE_HISTORY,
        options=DECISION_FIGURES,
        tier="check",
        hints=(
            "the decision is made on 31 August, the last day of the history. Ask of each "
            "figure on which day it could first be computed.",
            "only a figure measured inside the history, in time order, exists on 31 August; "
            "anything measured on live months comes later.",
        ),
        misconceptions=[
            Misconception(
                "after the decision",
                AFTER_GO_LIVE,
                "September to November come after 31 August. That figure checks the decision "
                "later; it cannot make it.",
            ),
            Misconception(
                "the proven value",
                PROVEN_VALUE,
                "the MVP's value is proven on its first live months, final only in December. "
                "On 31 August the MVP is not live yet.",
            ),
        ],
        explanations={
            OFFLINE_RECALL: "the recall is measured on other months and without the X-ray "
            "cell's capacity. Compare the plans on the same months and the same capacity.",
        },
    )


@by_content
def _rule_promise(shift_log: pd.DataFrame, cost_of_return: float):
    """The rule's promise measured on ``shift_log`` with returns at ``cost_of_return``."""
    economics = status_quo.PlantEconomics(cost_per_shipped_defect=cost_of_return)
    return business_case.measure_rule(shift_log, economics)[1]


@by_content
def _scale(shift_log: pd.DataFrame) -> float:
    return business_case.scale_to_plant(shift_log)


@by_content
def _mvp_value_per_month(shift_log: pd.DataFrame) -> float:
    return business_case.mvp_value_per_month(shift_log)


def _mvp_value(shift_log: pd.DataFrame, cost_of_return: float, scale: float) -> float:
    promise = _rule_promise(shift_log, cost_of_return)
    per_month = promise.fewer_shipped / len(promise.months) * scale * cost_of_return
    return business_case.value_at(business_case.mvp_only(per_month))


def mvp_value_at(
    answer: object, shift_log: pd.DataFrame, cost_of_return: float = DEARER_RETURN
) -> Feedback:
    promise = _rule_promise(shift_log, cost_of_return)
    scale = _scale(shift_log)
    per_month = promise.fewer_shipped / len(promise.months) * scale * cost_of_return
    plan = business_case.mvp_only(per_month)
    today = status_quo.ECONOMICS.cost_per_shipped_defect
    return check_number(
        "5.3",
        answer,
        business_case.value_at(plan),
        tier="apply",
        hints=(
            "the saving per month changes with the cost of a return; the rule and the parts "
            "it catches do not. Did you scale the counts to the plant and count per month?",
            "turn the fewer parts shipped into euros a month for the whole plant, build MVP "
            "only with that saving, and value it over the whole horizon.",
        ),
        misconceptions=[
            Misconception(
                "the sample",
                _mvp_value(shift_log, cost_of_return, 1.0),
                "that values the sample's parts only. Scale the counts to the whole plant "
                "with business_case.scale_to_plant.",
            ),
            Misconception(
                "today's cost",
                _mvp_value(shift_log, today, scale),
                "that uses today's cost of a return. The customer now charges more.",
            ),
            Misconception(
                "a month",
                per_month,
                "that is the saving in one month. The question asks for the plan's value over "
                "the horizon.",
            ),
            Misconception(
                "no costs",
                per_month * business_case.HORIZON_MONTHS,
                "that counts the saving in every month and nothing else. The MVP costs "
                "something to build and to run, and saves only once live.",
            ),
            Misconception(
                "a year",
                business_case.value_at(plan, 12),
                "that is the value after one year. Use the whole horizon.",
            ),
        ],
    )


def chance_to_break_even(
    answer: object,
    saving_per_month: float = POC_SAVING,
    horizon: int = business_case.HORIZON_MONTHS,
) -> Feedback:
    never, sure = (
        business_case.value_at(business_case.poc_first(saving_per_month, chance=c), horizon)
        for c in (0.0, 1.0)
    )
    expected = -never / (sure - never)
    return check_number(
        "5.4",
        answer,
        expected,
        tier="apply",
        hints=(
            "the bill is spent whether or not the POC ships; only the saving depends on the "
            "chance. So the expected value is a straight line in the chance.",
            "compute the expected value at a chance of 0 and at a chance of 1, then find where "
            "the line between them crosses zero.",
        ),
        misconceptions=[
            as_percentage(expected),
            Misconception(
                "one minus",
                1 - expected,
                "that is the chance that the POC does not ship. The question asks for the "
                "chance that it does.",
            ),
            Misconception(
                "the declared chance",
                business_case.POC_CHANCE_OF_SHIPPING,
                "that is the declared chance of shipping. The question asks for the chance at "
                "which the expected value is zero.",
            ),
        ],
    )


def mvp_then_model_note(answer: object, shift_log: pd.DataFrame) -> Feedback:
    """Stretch: a note to the plant manager for "MVP now, then the model". The check reads
    the figure the note quotes (the MVP's proven value per month) and counts its words; the
    rubric of the argument is in the teaching notes."""
    expected = _mvp_value_per_month(shift_log)
    scale = _scale(shift_log)
    wrong_figures = {
        "a year": expected * 12,
        "the horizon": expected * business_case.HORIZON_MONTHS,
    }
    if scale != 1:
        wrong_figures["the sample"] = expected / scale
    feedback = {
        "a year": "the note quotes a saving per year. Quote the MVP's proven value per month.",
        "the horizon": "the note quotes the saving over the whole horizon, costs left out. "
        "Quote the MVP's proven value per month.",
        "the sample": "the note quotes the sample's saving. Scale it to the whole plant.",
    }
    return check_note(
        "5.5",
        answer,
        expected,
        wrong={name: (figure, feedback[name]) for name, figure in wrong_figures.items()},
        argue="why the plan starts with the rule and when the model earns its turn",
        missing="the note does not quote the MVP's proven value per month, in euros.",
        hints=(
            "the MVP's proven value is what the rule saved on its first live months, final "
            "figures only, for the whole plant, per month.",
            "business_case has one function for the MVP's value per month: quote its result "
            "in euros, then argue.",
        ),
    )
