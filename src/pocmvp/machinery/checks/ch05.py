"""Checks for chapter 5's exercises: plans, valued over the months after the decision."""

from __future__ import annotations

import pandas as pd

from pocmvp.case import business_case, status_quo
from pocmvp.machinery.selfcheck import Feedback, check_number


def poc_break_even_if_certain(answer: object, saving_per_month: float) -> Feedback:
    plan = business_case.poc_first(saving_per_month, chance=1.0)
    return check_number(
        "5.1",
        answer,
        business_case.break_even_month(plan),
        rel_tol=0,
        abs_tol=0.5,
        hint="build POC first with chance=1.0 and ask business_case for the month from which "
        "its cumulative value stays above zero.",
    )


def mvp_value_at(answer: object, shift_log: pd.DataFrame, cost_of_return: float) -> Feedback:
    economics = status_quo.PlantEconomics(cost_per_shipped_defect=cost_of_return)
    _, promise = business_case.measure_rule(shift_log, economics)
    per_month = (
        promise.fewer_shipped / len(promise.months) * business_case.scale_to_plant(shift_log)
    )
    plan = business_case.mvp_only(per_month * cost_of_return)
    return check_number(
        "5.2",
        answer,
        business_case.value_at(plan),
        hint="the saving per month changes with the cost of a return; the rule and the parts "
        "it catches do not. Did you scale the counts to the plant and count per month?",
    )


def chance_to_break_even(answer: object, saving_per_month: float, horizon: int) -> Feedback:
    never, sure = (
        business_case.value_at(business_case.poc_first(saving_per_month, chance=c), horizon)
        for c in (0.0, 1.0)
    )
    return check_number(
        "5.3",
        answer,
        -never / (sure - never),
        hint="the expected value is a straight line in the chance of shipping: compute it at "
        "0 and at 1, then find where the line crosses zero.",
    )
