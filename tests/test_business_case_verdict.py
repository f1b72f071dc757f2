import math

import pytest

from pocmvp.case import bill
from pocmvp.case import business_case as bc

SAVINGS = {bc.RULE: 5_000.0, bc.SHIFT_LOG_MODEL: 5_000.0, bc.POC_MODEL: 8_000.0}


def test_the_boundary_is_where_poc_first_draws_level():
    dear = {name: value * 10 for name, value in SAVINGS.items()}
    boundary = bc.lowest_winning_chance(dear, [0.0, 2.0, 30.0])
    assert 0 < boundary.loc[0.0] < boundary.loc[2.0] <= 1
    assert math.isnan(boundary.loc[30.0]), "live after the horizon, it never wins"
    level = bc.margin(dear, poc_months_to_go_live=2.0, poc_chance=boundary.loc[2.0])
    assert level == pytest.approx(0.0, abs=1e-6)
    assert bc.lowest_winning_chance(SAVINGS, [0.0]).isna().all()


def test_the_cost_of_a_return_at_which_poc_first_would_win():
    share = bc.smallest_winning_return_cost_share(SAVINGS)
    assert share is not None and share > 1
    dearer = {name: value * share for name, value in SAVINGS.items()}
    at = bc.margin(dearer, poc_months_to_go_live=0.0, poc_chance=1.0)
    assert abs(at) < 1.0, "a euro either way at the crossing"
    assert bc.smallest_winning_return_cost_share(SAVINGS, poc_chance=0.2) is None


def test_the_verdict_is_the_smallest_margin_over_the_range():
    verdict = bc.verdict_over(SAVINGS, points=3)
    assert verdict.holds
    dearest = bc.VERDICT_RANGE.cost_of_return_share[1]
    corner = bc.margin(
        {name: value * dearest for name, value in SAVINGS.items()},
        poc_months_to_go_live=bc.VERDICT_RANGE.poc_months_share[0] * bill.months_to_go_live(),
        poc_chance=1.0,
    )
    assert verdict.smallest_margin == pytest.approx(corner)
    assert verdict.where["poc_chance"] == 1.0
    narrow = bc.AssumptionRange(poc_chance=(0.4, 0.4), poc_months_share=(1, 1))
    assert bc.verdict_over(SAVINGS, narrow, points=2).smallest_margin > verdict.smallest_margin


def test_the_smallest_margin_is_found_again_where_it_lies():
    for savings in (SAVINGS, {bc.RULE: 2_000.0, bc.SHIFT_LOG_MODEL: 2_500.0, bc.POC_MODEL: 6e3}):
        verdict = bc.verdict_over(savings)
        assert bc.margin_where(savings, verdict.where) == pytest.approx(verdict.smallest_margin)
    elsewhere = {"cost_of_return_share": 1.0, "poc_months_to_go_live": 0.0, "poc_chance": 1.0}
    assert bc.margin_where(SAVINGS, elsewhere) == pytest.approx(
        bc.margin(SAVINGS, poc_months_to_go_live=0.0, poc_chance=1.0)
    )


def test_the_lead_is_over_the_better_poc_first_plan():
    plans = bc.four_plans(SAVINGS)
    value = {name: bc.value_at(plan) for name, plan in plans.items()}
    better = max(value[bc.POC_FIRST], value[bc.POC_CHEAP])
    assert bc.lead_over_poc_first(SAVINGS) == pytest.approx(value[bc.MVP_THEN_MODEL] - better)
    assert value[bc.POC_CHEAP] > value[bc.POC_FIRST], "here the cheap way is the better"
    # A rule and a shift-log model that save nothing: the POC, built first, is ahead.
    poc_only = {bc.RULE: 0.0, bc.SHIFT_LOG_MODEL: 0.0, bc.POC_MODEL: 50_000.0}
    assert bc.lead_over_poc_first(poc_only) < 0


def test_the_cheap_poc_is_a_rival_too():
    whole = bc.margin(SAVINGS)
    cheap = bc.margin(SAVINGS, rival=bc.POC_CHEAP)
    assert cheap < whole, "the cheap way is nearer to MVP first"
    with pytest.raises(ValueError, match="rival"):
        bc.margin(SAVINGS, rival="MVP only")
    share = bc.smallest_winning_return_cost_share(SAVINGS, poc_chance=None, rival=bc.POC_CHEAP)
    assert share is None or share > 1


def test_the_step_boundaries_flip_the_decision():
    better = {bc.RULE: 5_000.0, bc.SHIFT_LOG_MODEL: 7_000.0, bc.POC_MODEL: 8_000.0}
    first, second = bc.step_boundaries(better)
    assert first.built and not second.built
    assert first.shortest_horizon is not None and first.shortest_horizon <= bc.HORIZON_MONTHS
    assert not bc.built_steps(better, horizon=first.shortest_horizon - 1)
    assert first.lowest_return_cost_share < 1 < first.highest_cost_scale
    below = bc.built_steps(better, return_cost_share=first.lowest_return_cost_share * 0.99)
    above = bc.built_steps(better, return_cost_share=first.lowest_return_cost_share * 1.01)
    assert first.step not in below and first.step in above
    table = bc.boundaries_table([first, second], 250.0)
    assert list(table.index) == [first.step, second.step]
