import numpy as np
import pandas as pd
import pytest

from pocmvp.case import baselines, poc
from pocmvp.case import business_case as bc

MONTHS = ("2025-09", "2025-10")


def measured(by_day: pd.DataFrame, scale: float = 1.0) -> bc.Measurement:
    """A measurement whose promises are the totals of ``by_day``."""
    totals = by_day.sum()

    def one(deliverable: str) -> poc.Promise:
        return poc.Promise(
            months=MONTHS,
            defects=int(totals["defects"]),
            tested_today=0,
            tested_with_score=0,
            shipped_today=int(totals[baselines.TODAY_NAME]),
            shipped_with_score=int(totals[deliverable]),
            monthly=pd.DataFrame(),
        )

    return bc.Measurement(
        promises={d: one(d) for d in bc.DELIVERABLES},
        rule=None,
        label="test",
        scale_to_plant=scale,
        by_day=by_day,
    )


def days(today, rule, model, poc_model) -> pd.DataFrame:
    index = pd.date_range("2025-09-01", periods=len(today), freq="D", name="day")
    frame = {
        baselines.TODAY_NAME: today,
        bc.RULE: rule,
        bc.SHIFT_LOG_MODEL: model,
        bc.POC_MODEL: poc_model,
    }
    defects = np.max(list(frame.values()), axis=0) + 1
    return pd.DataFrame({"defects": defects, **frame}, index=index)


def test_identical_days_have_no_noise():
    by_day = days([4] * 10, [3] * 10, [2] * 10, [1] * 10)
    measurement = measured(by_day, scale=4.0)
    draws = bc.savings_draws(measurement, samples=50)
    expected = pd.Series(measurement.savings())
    assert expected[bc.RULE] == 10 * 1 / 2 * 4 * 250.0, "ten fewer over two months, scaled"
    for _, draw in draws.iterrows():
        assert draw.to_dict() == pytest.approx(expected.to_dict())
    margins = bc.margin_draws(measurement, bc.lead_over_poc_first, samples=20)
    assert margins.std() == pytest.approx(0.0, abs=1e-6)


def test_the_draws_are_the_savings_on_resampled_days():
    rng = np.random.default_rng(5)
    today = rng.integers(2, 7, 40)
    by_day = days(today, today - rng.integers(0, 2, 40), today, today - rng.integers(0, 3, 40))
    measurement = measured(by_day, scale=2.0)
    draws = bc.savings_draws(measurement, samples=400, seed=7)
    assert list(draws.columns) == list(bc.DELIVERABLES) and len(draws) == 400
    assert draws.equals(bc.savings_draws(measurement, samples=400, seed=7)), "a fixed seed"
    totals = baselines.resampled_days(by_day, 400, 7)
    fewer = totals[baselines.TODAY_NAME] - totals[bc.POC_MODEL]
    assert np.allclose(draws[bc.POC_MODEL], fewer.clip(lower=0) / 2 * 2.0 * 250.0)
    # Around the measured savings, with a spread: the days differ.
    measured_savings = measurement.savings()
    for deliverable in (bc.RULE, bc.POC_MODEL):
        assert draws[deliverable].std() > 0
        assert draws[deliverable].mean() == pytest.approx(measured_savings[deliverable], rel=0.1)
    assert (draws[bc.SHIFT_LOG_MODEL] == 0).all(), "it ships as many as today: no saving"
    rule_only = bc.margin_draws(measurement, lambda s: s[bc.RULE], samples=400, seed=7)
    assert np.allclose(rule_only, draws[bc.RULE])


def test_a_margin_in_its_noise():
    assert bc.in_noise(-3_000.0, 30_000.0) == pytest.approx(-0.1)
    with pytest.raises(ValueError, match="noise"):
        bc.in_noise(1.0, 0.0)


def test_a_measurement_without_days_has_no_noise():
    measurement = measured(days([4] * 3, [3] * 3, [2] * 3, [1] * 3))
    bare = bc.Measurement(promises=measurement.promises, rule=None, label="test")
    with pytest.raises(ValueError, match="by day"):
        bc.savings_draws(bare)


def test_the_chapters_two_margins_are_valued_on_each_draw():
    rng = np.random.default_rng(11)
    today = rng.integers(3, 8, 30)
    by_day = days(today, today - 1, today - rng.integers(0, 3, 30), today - rng.integers(1, 4, 30))
    measurement = measured(by_day, scale=1.0)
    draws = bc.savings_draws(measurement, samples=30, seed=2)
    lead = bc.lead_draws(measurement, samples=30, seed=2)
    assert lead.to_numpy() == pytest.approx(
        [bc.lead_over_poc_first(row.to_dict()) for _, row in draws.iterrows()]
    )
    verdict = bc.verdict_over(measurement.savings(), points=3)
    at_worst = bc.verdict_draws(measurement, verdict, samples=30, seed=2)
    assert at_worst.to_numpy() == pytest.approx(
        [bc.margin_where(row.to_dict(), verdict.where) for _, row in draws.iterrows()]
    )
    assert at_worst.std() > 0 and lead.std() > 0
