import pytest

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


def test_cost_is_spent_while_building_and_value_comes_after():
    values = bc.monthly_value(plan(step()))
    assert list(values.iloc[:2]) == [-10_000.0, -10_000.0]
    assert (values.iloc[2:] == 9_000.0).all()
    assert bc.value_at(plan(step()), 24) == pytest.approx(-20_000 + 22 * 9_000)
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
    # Dearer model steps: the same evidence no longer justifies them.
    dear = bc.mvp_then_model(much_better, model_cost_scale=100.0)
    assert len(dear.steps) == 1 and dear.steps[0].one_off_cost == both.steps[0].one_off_cost


def test_the_model_step_starts_once_the_rules_evidence_is_final():
    much_better = {bc.RULE: 5_000.0, bc.SHIFT_LOG_MODEL: 15_000.0, bc.POC_MODEL: 40_000.0}
    both = bc.mvp_then_model(much_better)
    rule_live = both.go_live()[0]
    assert both.starts()[1] == pytest.approx(rule_live + bc.STEP_WAIT_MONTHS)
    assert bc.STEP_WAIT_MONTHS > bc.EVIDENCE_MONTHS, "the returns come in after the reports"


def test_four_plans_need_every_saving():
    plans = bc.four_plans(SAVINGS)
    assert list(plans) == list(bc.PLANS)
    with pytest.raises(ValueError, match="savings needs"):
        bc.four_plans({bc.RULE: 1.0})
    table = bc.compare(plans)
    assert list(table.index) == list(bc.PLANS)
    assert table.loc[bc.MVP_ONLY, "systems changed"] == 0
    assert table["break-even month"].dtype == "Int64"
    steps = bc.steps_table(plans[bc.MVP_THEN_MODEL])
    assert list(steps["built"]) == [True, False, False]
