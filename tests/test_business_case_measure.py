import numpy as np
import pandas as pd
import pytest

from pocmvp.case import business_case as bc
from pocmvp.case import factory, poc


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
        label="test",
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


def test_the_rule_is_found_and_routed_on_the_given_months(shift_log):
    found = bc.find_rule(shift_log, poc.FIT_MONTHS)
    assert 1 <= len(found.conditions) <= 2
    window = bc.window_of(shift_log, poc.BLEND_MONTHS)
    months = set(factory.month_of(window))
    assert months == {poc.FIT_MONTHS[-1], *poc.BLEND_MONTHS}, "the month before fixes a threshold"
    assert bc.scale_to_plant(shift_log) == factory.DEFAULT_PARTS / len(shift_log)
    found, measured = bc.measure_rule(shift_log)
    assert measured.months == factory.HELD_OUT_MONTHS
    assert measured.tested_with_score == measured.tested_today, "the same capacity"
    value = bc.mvp_value_per_month(shift_log, found=found)
    assert value == measured.fewer_shipped / 3 * bc.scale_to_plant(shift_log) * 250.0


def test_the_decision_sees_only_the_history(monkeypatch, fast_plant):
    plant = fast_plant
    seen = []

    def builder(plant, months, seed):
        seen.append(months)
        return Constant()

    class Constant:
        def risk(self, shift_log, mes):
            return pd.Series(shift_log["melt_temp_c"].fillna(0.0), index=shift_log.index)

    monkeypatch.setattr(bc.measure, "build_shift_log_model", builder)
    early = bc.at_decision(plant, Constant(), seed=3)
    assert seen == [poc.FIT_MONTHS]
    assert early.promises[bc.RULE].months == poc.BLEND_MONTHS
    assert all(m <= factory.TRAIN_MONTHS[-1] for m in early.promises[bc.POC_MODEL].months)
    late = bc.looking_back(plant, Constant(), early.rule, seed=3)
    assert seen[-1] == factory.TRAIN_MONTHS
    assert late.promises[bc.RULE].months == factory.HELD_OUT_MONTHS
    assert late.label != early.label
    evidence = bc.step_evidence(early, late)
    assert evidence.promises[bc.RULE].months == poc.BLEND_MONTHS + factory.HELD_OUT_MONTHS
    for deliverable in bc.DELIVERABLES:
        assert evidence.promises[deliverable].fewer_shipped == (
            early.promises[deliverable].fewer_shipped + late.promises[deliverable].fewer_shipped
        )
    assert evidence.rule == late.rule, "the rule in force on its live months"


def measured(months: tuple[str, ...], fewer: dict[str, int], scale: float = 1.0):
    def one(deliverable: str) -> poc.Promise:
        return poc.Promise(
            months=months,
            defects=100 * len(months),
            tested_today=50 * len(months),
            tested_with_score=50 * len(months),
            shipped_today=90 * len(months),
            shipped_with_score=90 * len(months) - fewer[deliverable],
            monthly=pd.DataFrame({"defects": [100] * len(months)}, index=list(months)),
        )

    return bc.Measurement(
        promises={d: one(d) for d in bc.DELIVERABLES},
        rule=months[0],
        label="test",
        scale_to_plant=scale,
    )


def test_the_model_step_weighs_both_out_of_time_windows():
    early = measured(
        ("2025-07", "2025-08"), {bc.RULE: 10, bc.SHIFT_LOG_MODEL: 20, bc.POC_MODEL: 30}
    )
    late = measured(
        ("2025-09", "2025-10", "2025-11"),
        {bc.RULE: 30, bc.SHIFT_LOG_MODEL: 30, bc.POC_MODEL: 45},
    )
    evidence = bc.step_evidence(early, late)
    assert evidence.months == 5
    assert evidence.promises[bc.RULE].months == (
        "2025-07",
        "2025-08",
        "2025-09",
        "2025-10",
        "2025-11",
    )
    assert evidence.promises[bc.SHIFT_LOG_MODEL].fewer_shipped == 50
    assert evidence.fewer_per_month(bc.RULE) == 8, "40 fewer over five months, not three"
    assert evidence.savings()[bc.SHIFT_LOG_MODEL] == 10 * 250.0
    assert evidence.promises[bc.POC_MODEL].shipped_today == 450
    assert len(evidence.promises[bc.RULE].monthly) == 5
    assert evidence.rule == "2025-09", "the rule in force, not the one checked on the history"
    assert evidence.label == bc.STEP_EVIDENCE


def test_pooled_evidence_needs_distinct_months_in_order_from_one_plant():
    early = measured(("2025-07", "2025-08"), dict.fromkeys(bc.DELIVERABLES, 5))
    late = measured(("2025-09",), dict.fromkeys(bc.DELIVERABLES, 5))
    with pytest.raises(ValueError, match="distinct months in order"):
        bc.step_evidence(late, early)
    with pytest.raises(ValueError, match="distinct months in order"):
        bc.pooled_promise((early.promises[bc.RULE], early.promises[bc.RULE]))
    with pytest.raises(ValueError, match="same plant"):
        bc.step_evidence(early, measured(("2025-09",), dict.fromkeys(bc.DELIVERABLES, 5), 4.0))
