import math

import numpy as np
import pandas as pd
import pytest

from pocmvp.case import bill, factory, poc, upkeep
from pocmvp.case import business_case as bc


def step(**changes) -> bc.Step:
    base = dict(
        name="x",
        delivers=bc.RULE,
        monthly_saving=10_000.0,
        months_to_go_live=2.0,
        one_off_cost=20_000.0,
        running_cost_per_month=1_000.0,
        chance_of_shipping=1.0,
    )
    return bc.Step(**{**base, **changes})


def plan(*steps: bc.Step, evidence_months: float = 0.0) -> bc.Plan:
    return bc.Plan("p", tuple(steps), evidence_months=evidence_months)


SAVINGS = {bc.RULE: 5_000.0, bc.SHIFT_LOG_MODEL: 5_000.0, bc.POC_MODEL: 8_000.0}


# --- Value month by month -------------------------------------------------------------------


def test_cost_is_spent_while_building_and_value_comes_after():
    values = bc.monthly_value(plan(step()))
    assert list(values.iloc[:2]) == [-10_000.0, -10_000.0]
    assert (values.iloc[2:] == 9_000.0).all()
    assert bc.value_at(plan(step())) == pytest.approx(-20_000 + 22 * 9_000)
    assert bc.cumulative_value(plan(step())).iloc[-1] == pytest.approx(bc.value_at(plan(step())))


def test_a_week_to_go_live_loses_a_quarter_of_the_first_month():
    fast = step(months_to_go_live=0.25, one_off_cost=0.0, running_cost_per_month=0.0)
    assert bc.monthly_value(plan(fast)).iloc[0] == pytest.approx(7_500.0)


def test_chance_of_never_shipping_scales_benefit_not_build_cost():
    values = bc.monthly_value(plan(step(chance_of_shipping=0.5)))
    assert values.iloc[0] == -10_000.0
    assert values.iloc[5] == pytest.approx(4_500.0)


def test_a_later_step_adds_only_what_it_saves_beyond_the_best_before_it():
    first = step(one_off_cost=0.0, months_to_go_live=0.0, running_cost_per_month=0.0)
    better = step(monthly_saving=12_000.0, months_to_go_live=1.0, one_off_cost=0.0)
    worse = step(monthly_saving=4_000.0, months_to_go_live=1.0, one_off_cost=0.0)
    base = bc.monthly_value(plan(first))
    assert (bc.monthly_value(plan(first, better)).iloc[1:] - base.iloc[1:] == 1_000.0).all()
    assert (bc.monthly_value(plan(first, worse)).iloc[1:] - base.iloc[1:] == -1_000.0).all()


def test_a_later_step_is_attempted_only_if_the_one_before_it_shipped():
    first = step(months_to_go_live=0.0, one_off_cost=0.0, chance_of_shipping=0.5)
    second = step(monthly_saving=0.0, running_cost_per_month=0.0, one_off_cost=8_000.0)
    extra = bc.monthly_value(plan(first, second)) - bc.monthly_value(plan(first))
    assert list(extra.iloc[:2]) == [-2_000.0, -2_000.0], "half the time it is never started"
    assert plan(first, second).chance_live() == (0.5, 0.5)


def test_steps_start_after_the_evidence_months():
    two = plan(step(months_to_go_live=1.0), step(months_to_go_live=2.0), evidence_months=3.0)
    assert two.starts() == (0.0, 4.0)
    assert two.go_live() == (1.0, 6.0)
    assert two.chance_live() == (1.0, 1.0)


def test_break_even_is_the_month_from_which_the_value_stays_positive():
    assert bc.break_even_month(plan(step())) == 5  # -20k, then +9k a month: positive in month 5
    assert bc.break_even_month(plan(step(monthly_saving=0.0))) is None
    assert bc.months_to_break_even(plan(step(monthly_saving=0.0))) == (
        bc.BREAK_EVEN_SEARCH_MONTHS + 1
    )
    # Positive at once, then a dear second step pulls it below zero: it breaks even later.
    cheap = step(months_to_go_live=0.0, one_off_cost=0.0, running_cost_per_month=0.0)
    dear = step(monthly_saving=11_000.0, months_to_go_live=1.0, one_off_cost=50_000.0)
    two = plan(cheap, dear, evidence_months=1.0)
    cumulative = bc.cumulative_value(two, 20)
    assert cumulative.iloc[0] > 0 and cumulative.iloc[1] < 0
    month = bc.break_even_month(two)
    assert cumulative.loc[month - 1] <= 0 < cumulative.loc[month]


@pytest.mark.parametrize(
    "bad",
    [dict(chance_of_shipping=1.5), dict(months_to_go_live=-1), dict(one_off_cost=-5)],
)
def test_impossible_steps_are_refused(bad):
    with pytest.raises(ValueError, match=next(iter(bad)).split("_")[0]):
        step(**bad)


def test_a_plan_needs_a_step():
    with pytest.raises(ValueError, match="at least one step"):
        bc.Plan("empty", ())


# --- What each step takes ---------------------------------------------------------------------


def test_the_chance_of_shipping_falls_with_every_change():
    assert bc.chance_of_shipping(0, 0, first=True) == bc.CHANCE_ANY_PROJECT_SHIPS
    assert bc.chance_of_shipping(1, 0, first=False) == bc.CHANCE_PER_SYSTEM_CHANGED
    assert bc.chance_of_shipping(3, 1, first=True) < bc.chance_of_shipping(1, 0, first=True)
    assert (
        bc.chance_of_shipping(bill.systems_changed(), bill.departments_retrained(), first=True)
        == bc.POC_CHANCE_OF_SHIPPING
    )
    with pytest.raises(ValueError, match="systems_changed"):
        bc.chance_of_shipping(-1, 0, first=True)


def test_the_mvp_goes_live_in_about_a_week_changes_no_system_and_costs_its_upkeep():
    mvp = bc.mvp_step(5_000.0)
    assert 0.1 < mvp.months_to_go_live <= 0.25
    assert mvp.systems_changed == () and bc.systems_changed(bc.MVP_TASKS) == []
    assert mvp.one_off_cost == pytest.approx(sum(t.person_days for t in bc.MVP_TASKS) * bc.DAY_RATE)
    hours = upkeep.mvp_hours_per_month()
    assert mvp.running_cost_per_month == pytest.approx(hours / bc.HOURS_PER_DAY * bc.DAY_RATE)
    assert bc.break_even_month(bc.mvp_only(5_000.0)) <= 2


def test_poc_first_is_the_production_bill():
    poc_step = bc.poc_first(8_000.0).steps[0]
    assert poc_step.months_to_go_live == bill.months_to_go_live()
    assert poc_step.one_off_cost == bill.one_off_cost()
    assert poc_step.running_cost_per_month == bill.running_cost_per_month()
    assert len(poc_step.systems_changed) == bill.systems_changed()
    assert poc_step.people_retrained == sum(r.headcount for r in bill.RETRAINING)
    assert poc_step.chance_of_shipping == bc.POC_CHANCE_OF_SHIPPING
    faster = bc.poc_first(8_000.0, months_to_go_live=2.0, chance=1.0).steps[0]
    assert (faster.months_to_go_live, faster.chance_of_shipping) == (2.0, 1.0)


def test_a_model_step_does_not_build_a_system_twice():
    mes_step = bc.THEN_THE_MODEL[1]
    alone = bc.model_step(mes_step, 8_000.0)
    after = bc.model_step(mes_step, 8_000.0, built={"scoring job"})
    assert set(alone.systems_changed) == {"scoring job", "MES data feed"}
    assert after.systems_changed == ("MES data feed",)
    assert after.one_off_cost == bill.one_off_cost(
        tuple(c for c in bill.CHANGES if c.system == "MES data feed"), ()
    )
    assert after.one_off_cost < alone.one_off_cost
    assert after.chance_of_shipping > alone.chance_of_shipping
    assert len(bc.model_systems()) < bill.systems_changed()


def test_the_model_is_built_only_when_the_evidence_justifies_it():
    no_better = bc.mvp_then_model(SAVINGS)
    assert len(no_better.steps) == 1
    assert [s.step.delivers for s in no_better.skipped] == [bc.SHIFT_LOG_MODEL, bc.POC_MODEL]
    assert all(s.value_added <= 0 for s in no_better.skipped)
    much_better = {bc.RULE: 5_000.0, bc.SHIFT_LOG_MODEL: 15_000.0, bc.POC_MODEL: 40_000.0}
    both = bc.mvp_then_model(much_better)
    assert [s.delivers for s in both.steps] == [bc.RULE, bc.SHIFT_LOG_MODEL, bc.POC_MODEL]
    assert "scoring job" not in both.steps[2].systems_changed, "built by the step before"
    assert bc.value_at(both) > bc.value_at(bc.mvp_only(5_000.0))


def test_three_plans_need_every_saving():
    plans = bc.three_plans(SAVINGS)
    assert list(plans) == list(bc.PLANS)
    with pytest.raises(ValueError, match="savings needs"):
        bc.three_plans({bc.RULE: 1.0})
    table = bc.compare(plans)
    assert list(table.index) == list(bc.PLANS)
    assert table.loc[bc.MVP_ONLY, "systems changed"] == 0
    assert table["break-even month"].dtype == "Int64"
    steps = bc.steps_table(plans[bc.MVP_THEN_MODEL])
    assert list(steps["built"]) == [True, False, False]


def test_costs_can_be_scaled_away():
    free = bc.mvp_only(5_000.0, cost_scale=0.0)
    assert free.steps[0].one_off_cost == 0 and free.steps[0].running_cost_per_month == 0
    with pytest.raises(ValueError, match="cost_scale"):
        bc.scaled_costs(step(), -1.0)


# --- When would POC first win? ------------------------------------------------------------------


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


# --- Measured savings ---------------------------------------------------------------------


def promise(shipped_today: int, shipped: int) -> poc.Promise:
    return poc.Promise(
        months=("2025-09", "2025-10"),
        defects=300,
        tested_today=100,
        tested_with_score=100,
        shipped_today=shipped_today,
        shipped_with_score=shipped,
        monthly=pd.DataFrame(),
    )


def test_measured_savings_are_per_month_and_scaled_to_the_plant():
    measurement = bc.Measurement(
        promises={
            bc.RULE: promise(200, 180),
            bc.SHIFT_LOG_MODEL: promise(200, 210),
            bc.POC_MODEL: promise(200, 160),
        },
        rule=None,
        shift_log_model="x",
        shift_log_choice=pd.Series({"x": 0.1}),
        scale_to_plant=4.0,
    )
    assert measurement.fewer_per_month(bc.RULE) == 10
    assert measurement.share_of_poc(bc.RULE) == 0.5
    savings = measurement.savings()
    assert savings[bc.RULE] == 10 * 4 * 250.0
    assert savings[bc.SHIFT_LOG_MODEL] == 0.0, "a step that ships more is never kept"
    table = measurement.table()
    assert table.loc[bc.POC_MODEL, "fewer than today"] == 40
    assert table["parts tested"].dtype == np.int64


def test_the_rule_is_measured_on_the_held_out_months(shift_log):
    found, measured = bc.measure_rule(shift_log)
    assert measured.months == factory.HELD_OUT_MONTHS
    assert 1 <= len(found.conditions) <= 2
    assert measured.tested_with_score == measured.tested_today, "the same capacity"
    assert bc.scale_to_plant(shift_log) == factory.DEFAULT_PARTS / len(shift_log)


# --- What it takes to build, run and keep -------------------------------------------------------


def test_lines_of_code_skip_blank_comments_and_docstrings(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        '"""Doc\nstring."""\n\n# comment\nimport numpy\n\n\n'
        'def f():\n    """Doc."""\n    return 1\n'
    )
    assert bc.lines_of_code(module) == 3


def test_third_party_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "import os\nimport numpy as np\nfrom sklearn.ensemble import X\n"
        "from pocmvp import y\nfrom . import z\n"
    )
    assert bc.third_party_imports(module) == ["numpy", "sklearn"]


def test_systems_changed_are_distinct():
    tasks = (bc.Task("a", 1, "MES"), bc.Task("b", 1, "MES"), bc.Task("c", 1, "station"))
    assert bc.systems_changed(tasks) == ["MES", "station"]


def test_lines_of_code_of_functions():
    def sample():
        """Doc."""
        # comment
        return 1

    assert bc.lines_of_code_of([sample]) == 2
