"""Checks for chapter 5's exercises: POC versus MVP, the business case."""

from __future__ import annotations

import pandas as pd

from pocmvp import bill, business_case, factory, rule, status_quo
from pocmvp.selfcheck import Feedback, check_number


def poc_option(saving_per_month: float, chance_of_shipping: float) -> business_case.Option:
    """The POC as an option, with the production bill's months and costs."""
    return business_case.Option(
        name="POC",
        monthly_saving=saving_per_month,
        months_to_go_live=bill.months_to_go_live(),
        one_off_cost=bill.one_off_cost(),
        running_cost_per_month=bill.running_cost_per_month(),
        chance_of_shipping=chance_of_shipping,
    )


def poc_break_even_if_certain(answer: object, saving_per_month: float) -> Feedback:
    expected = business_case.break_even_month(poc_option(saving_per_month, 1.0))
    return check_number(
        "5.1",
        answer,
        expected,
        rel_tol=0,
        abs_tol=0.5,
        hint="build the option with chance_of_shipping=1.0 and ask business_case for the "
        "first month whose cumulative value is positive.",
    )


def mvp_net_value_at(answer: object, shift_log: pd.DataFrame, cost_of_return: float) -> Feedback:
    economics = status_quo.PlantEconomics(cost_per_shipped_defect=cost_of_return)
    history = factory.in_months(shift_log, factory.TRAIN_MONTHS)
    held_out = factory.in_months(shift_log, factory.HELD_OUT_MONTHS)
    found = rule.find_rule(
        history, factory.TARGET, economics.inspection_capacity_share, rule.RULE_COLUMNS
    )
    match = business_case.head_to_head(
        held_out,
        {
            "today": status_quo.every_nth_part(held_out, economics),
            "MVP": rule.within_capacity(held_out, found.flag(held_out), economics),
        },
        economics.minutes_per_extra_test,
    )
    option = business_case.mvp_option(match.saving_per_month("MVP", cost_of_return))
    expected = business_case.cumulative_value(option).iloc[-1]
    return check_number(
        "5.2",
        answer,
        expected,
        hint="the saving per month changes with the cost of a return; the rule and the "
        "parts it catches do not.",
    )


def chance_to_break_even(answer: object, saving_per_month: float, horizon: int) -> Feedback:
    never = business_case.cumulative_value(poc_option(saving_per_month, 0.0), horizon).iloc[-1]
    sure = business_case.cumulative_value(poc_option(saving_per_month, 1.0), horizon).iloc[-1]
    expected = -never / (sure - never)
    return check_number(
        "5.3",
        answer,
        expected,
        hint="the expected value is a straight line in the chance of shipping: compute it at "
        "0 and at 1, then find where the line crosses zero.",
    )
