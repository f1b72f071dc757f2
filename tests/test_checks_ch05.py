"""Chapter 5's self-checks: right answers pass, wrong ones get a hint and no answer."""

import pytest

from pocmvp.case import bill, business_case, status_quo
from pocmvp.machinery import selfcheck
from pocmvp.machinery.checks import ch05


@pytest.fixture(autouse=True)
def fresh_results(monkeypatch):
    monkeypatch.setattr(selfcheck, "_results", {})


def test_break_even_check():
    expected = business_case.break_even_month(business_case.poc_first(10_000.0, chance=1.0))
    assert expected is not None and expected > bill.months_to_go_live()
    assert ch05.poc_break_even_if_certain(expected, 10_000.0).status == selfcheck.CORRECT
    wrong = ch05.poc_break_even_if_certain(expected + 3, 10_000.0)
    assert wrong.status == selfcheck.INCORRECT and str(expected) not in wrong.message


def test_mvp_value_check_scales_the_sample_to_the_plant(log):
    economics = status_quo.PlantEconomics(cost_per_shipped_defect=400.0)
    _, promise = business_case.measure_rule(log, economics)
    unscaled = promise.fewer_shipped / len(promise.months) * 400.0
    scaled = unscaled * business_case.scale_to_plant(log)
    right = business_case.value_at(business_case.mvp_only(scaled))
    forgot = business_case.value_at(business_case.mvp_only(unscaled))
    assert ch05.mvp_value_at(right, log, 400.0).status == selfcheck.CORRECT
    feedback = ch05.mvp_value_at(forgot, log, 400.0)
    assert feedback.status == selfcheck.INCORRECT and "too low" in feedback.message
    assert f"{right:.0f}" not in feedback.message


def test_chance_check_is_where_the_line_crosses_zero():
    never, sure = (
        business_case.value_at(business_case.poc_first(10_000.0, chance=c), 36) for c in (0, 1)
    )
    chance = -never / (sure - never)
    crossing = business_case.value_at(business_case.poc_first(10_000.0, chance=chance), 36)
    assert crossing == pytest.approx(0, abs=1e-6)
    assert ch05.chance_to_break_even(chance, 10_000.0, 36).status == selfcheck.CORRECT
    assert ch05.chance_to_break_even(..., 10_000.0, 36).status == selfcheck.NOT_ANSWERED
