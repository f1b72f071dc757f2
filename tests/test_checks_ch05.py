"""Chapter 5's self-checks: right answers pass, wrong ones get a hint and no answer."""

import pytest

from pocmvp import bill, business_case, selfcheck
from pocmvp.checks import ch05


@pytest.fixture(autouse=True)
def fresh_results(monkeypatch):
    monkeypatch.setattr(selfcheck, "_results", {})


def test_break_even_check():
    expected = business_case.break_even_month(ch05.poc_option(10_000.0, 1.0))
    assert expected is not None and expected > bill.months_to_go_live()
    assert ch05.poc_break_even_if_certain(expected, 10_000.0).status == selfcheck.CORRECT
    wrong = ch05.poc_break_even_if_certain(expected + 3, 10_000.0)
    assert wrong.status == selfcheck.INCORRECT and str(expected) not in wrong.message


def test_chance_check_is_where_the_line_crosses_zero():
    never = business_case.cumulative_value(ch05.poc_option(10_000.0, 0.0), 36).iloc[-1]
    sure = business_case.cumulative_value(ch05.poc_option(10_000.0, 1.0), 36).iloc[-1]
    chance = -never / (sure - never)
    crossing = business_case.cumulative_value(ch05.poc_option(10_000.0, chance), 36).iloc[-1]
    assert crossing == pytest.approx(0, abs=1e-6)
    assert ch05.chance_to_break_even(chance, 10_000.0, 36).status == selfcheck.CORRECT
    assert ch05.chance_to_break_even(..., 10_000.0, 36).status == selfcheck.NOT_ANSWERED
