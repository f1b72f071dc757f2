"""Stage 1 of the supplier-change month: the rule in force, and when each check notices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pocmvp.case import detection, factory, iteration, returns
from pocmvp.toolkit import monitoring


def test_the_rule_in_force_comes_from_the_calendar(fast_december):
    log = fast_december["log"]
    versions = iteration.rule_versions(log)
    assert detection.rule_in_force(log) == versions["v2"] == fast_december["live"]
    assert detection.rule_in_force(log, "2025-10-15") == versions["v1"]
    with pytest.raises(ValueError, match="no rule was live"):
        detection.rule_in_force(log, "2025-03-01")
    assert fast_december["flags"].equals(iteration.flags_in_force(log, versions))


def test_the_baseline_is_what_was_known_when_the_fire_started(fast_december):
    log, tested, seen = fast_december["log"], fast_december["tested"], fast_december["seen"]
    rate, months = detection.baseline(log, tested, seen)
    assert months == ("2025-09", "2025-10"), "November's returns were not all in on 1 December"
    chosen = factory.month_of(log).isin(months)
    assert rate == monitoring.overall_catch_rate(log[chosen], tested[chosen], target="defect")
    with pytest.raises(ValueError, match="no live month was final"):
        detection.baseline(log, tested, seen, on="2025-10-15")


def test_detection_as_it_happened_and_with_the_list_only(fast_december):
    table = fast_december["fire"].detection
    assert list(table.index.names) == ["cadence", "booking"]
    assert set(table.index.get_level_values(0)) == {c.name for c in detection.CADENCES}
    happened = table["noticed_on"].xs(returns.AS_IT_HAPPENED.name, level="booking")
    listed = table["noticed_on"].xs(returns.MONTHLY_LIST.name, level="booking")
    assert listed.dropna().min() >= pd.Timestamp("2026-01-01"), "December's list is in January"
    assert (happened.dropna() >= detection.CHANGE_DATE).all()
    assert happened.min() < listed.min(), "the returns feed notices sooner"
    monthly = table.loc[("monthly report", returns.AS_IT_HAPPENED.name), "noticed_on"]
    assert pd.isna(monthly) or monthly.day == 1, "the monthly report runs on the first"
    assert table.attrs["alarm_below"] == pytest.approx(0.7 * table.attrs["baseline_catch_rate"])
    assert (table["false_alarms_before"] <= table["checks_before"]).all()
    judged = table.dropna(subset=["noticed_on"])
    assert (judged["share_in"] >= detection.MIN_SHARE_IN).all()


def test_days_to_notice_matches_the_table_and_refuses_unknown_cadences(fast_december):
    log, tested, seen = fast_december["log"], fast_december["tested"], fast_december["seen"]
    table = fast_december["fire"].detection
    listed = returns.MONTHLY_LIST
    expected = table.loc[("weekly check", listed.name), "days_to_notice"]
    got = detection.days_to_notice(log, tested, seen, "weekly check", listed)
    assert got == expected or (np.isnan(got) and np.isnan(expected))
    with pytest.raises(ValueError, match="cadence must be one of"):
        detection.days_to_notice(log, tested, seen, "hourly check")


def test_a_rule_that_never_fails_is_never_noticed(fast_december):
    log, seen = fast_december["log"], fast_december["seen"]
    perfect = log["defect"].astype(bool)
    table = detection.detection_times(log, perfect, seen)
    assert table["days_to_notice"].isna().all()
    assert (table["false_alarms_before"] == 0).all()
    with pytest.raises(ValueError, match="no check noticed"):
        detection.first_notice(table)


def test_xray_results_count_what_the_cell_saw(fast_december):
    log, tested = fast_december["log"], fast_december["tested"]
    weekly = detection.xray_results(log, tested)
    assert weekly["tested"].sum() == tested.sum()
    assert weekly["found_defective"].sum() == (tested & log["defect"]).sum()
    shares = weekly[[f"{k}_share" for k in factory.DEFECT_TYPES]]
    found = weekly["found_defective"] > 0
    assert np.allclose(shares[found].sum(axis=1), 1.0)
    assert shares[~found].isna().all().all()


def test_before_and_after_counts_the_live_months_and_december(fast_december):
    log, tested = fast_december["log"], fast_december["tested"]
    table = detection.before_and_after(log, tested)
    before, after = table.iloc[0], table.iloc[1]
    month = factory.month_of(log)
    dec = month == factory.FIRE_MONTH
    assert after["parts_per_month"] == dec.sum()
    assert after["hit_rate"] == (tested & log["defect"] & dec).sum() / (tested & dec).sum()
    assert after["catch_rate"] == (tested & log["defect"] & dec).sum() / (log["defect"] & dec).sum()
    live = month.isin(factory.HELD_OUT_MONTHS)
    assert before["parts_per_month"] == pytest.approx(live.sum() / 3)
    assert after["defect_rate"] > before["defect_rate"], "the new alloy makes more defects"
