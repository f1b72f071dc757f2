import numpy as np
import pandas as pd
import pytest

from pocmvp.case import factory, returns, status_quo
from pocmvp.toolkit import monitoring

PLANT = {"time": "cast_at", "target": "defect"}
"""The shift log's time and truth, which the toolkit's monitoring is told."""


def make_log(parts: list[tuple[str, bool, bool]]) -> tuple[pd.DataFrame, pd.Series]:
    """A tiny shift log from (cast_at, defect, flagged) triples."""
    frame = pd.DataFrame(parts, columns=["cast_at", "defect", "flagged"])
    frame["cast_at"] = pd.to_datetime(frame["cast_at"])
    frame.index = pd.RangeIndex(100, 100 + len(frame))  # not 0..n: alignment matters
    return frame[["cast_at", "defect"]], frame["flagged"]


@pytest.fixture
def small():
    """Week 2025-W48: 10 parts, 4 defects, 2 caught, 1 false alarm. W49: no production.
    W50: 6 parts, 4 defects, 1 caught."""
    w48 = [("2025-11-24 07:00", True, True), ("2025-11-25 23:30", True, True)]
    w48 += [("2025-11-26 10:00", True, False), ("2025-11-27 10:00", True, False)]
    w48 += [("2025-11-28 10:00", False, True)] + [("2025-11-29 10:00", False, False)] * 5
    w50 = [("2025-12-08 07:00", True, True)] + [("2025-12-09 07:00", True, False)] * 3
    w50 += [("2025-12-10 07:00", False, False)] * 2
    return make_log(w48 + w50)


@pytest.fixture
def hot_melt_flags(fast_plant):
    """A plain hot-melt flag at 5 % of the history's parts (the rule module is elsewhere)."""
    log = fast_plant.shift_log
    melt = log["melt_temp_c"].fillna(-1)
    history = factory.month_of(log).isin(factory.TRAIN_MONTHS)
    return melt > melt[history].quantile(0.95)


def test_weekly_counts_labels_and_empty_weeks(small):
    log, flags = small
    weekly = monitoring.weekly_catch_rate(log, flags, **PLANT)
    assert list(weekly.index) == ["2025-W48", "2025-W49", "2025-W50"]
    assert weekly.index.name == "week"
    w48 = weekly.loc["2025-W48"]
    assert (w48["parts"], w48["defects"], w48["flagged"], w48["caught"]) == (10, 4, 3, 2)
    assert (w48["false_alarms"], w48["shipped_defects"]) == (1, 2)
    assert w48["catch_rate"] == 0.5 and w48["flag_share"] == pytest.approx(0.3)
    assert w48["period_start"] == pd.Timestamp("2025-11-24")
    assert w48["period_end"] == pd.Timestamp("2025-12-01")
    assert weekly.loc["2025-W49", "parts"] == 0, "a week without production is listed"
    assert np.isnan(weekly.loc["2025-W49", "catch_rate"]), "and is not a drop"
    assert weekly.loc["2025-W50", "catch_rate"] == 0.25


def test_monthly_and_daily_tables(small):
    log, flags = small
    monthly = monitoring.monthly_catch_rate(log, flags, **PLANT)
    assert list(monthly.index) == ["2025-11", "2025-12"]
    assert monthly["parts"].tolist() == [10, 6]
    assert monthly.loc["2025-12", "period_end"] == pd.Timestamp("2026-01-01")
    daily = monitoring.daily_catch_rate(log, flags, **PLANT)
    assert daily.index[0] == "2025-11-24" and daily.index[-1] == "2025-12-10"
    assert len(daily) == 17 and daily["parts"].sum() == 16


def test_iso_weeks_cross_the_year_like_the_calendar():
    log, flags = make_log([("2024-12-30 08:00", False, False), ("2025-12-29 08:00", True, True)])
    weekly = monitoring.weekly_catch_rate(log, flags, **PLANT)
    assert weekly.index[0] == "2025-W01" and weekly.index[-1] == "2026-W01"
    assert weekly["parts"].sum() == 2


def test_monthly_matches_the_status_quo_accounting(shift_log):
    tested = status_quo.every_nth_part(shift_log)
    ours = monitoring.monthly_catch_rate(shift_log, tested, **PLANT)
    theirs = status_quo.monthly_outcome(shift_log, tested)
    assert list(ours.index) == list(theirs.index)
    for mine, other in [
        ("parts", "parts"),
        ("defects", "defects"),
        ("flagged", "tested"),
        ("caught", "caught"),
        ("false_alarms", "false_alarms"),
        ("shipped_defects", "shipped_defects"),
        ("catch_rate", "catch_rate"),
    ]:
        assert ours[mine].tolist() == pytest.approx(theirs[other].tolist()), mine


def test_overall_catch_rate(small):
    log, flags = small
    assert monitoring.overall_catch_rate(log, flags, target=PLANT["target"]) == 3 / 8
    no_defects = log.assign(defect=False)
    with pytest.raises(ValueError, match="no positives"):
        monitoring.overall_catch_rate(no_defects, flags, target=PLANT["target"])


def fixed_returns(log: pd.DataFrame, days: int, lead: int = 0) -> returns.Returns:
    """Every return back ``days`` after casting and booked ``lead`` days later."""
    return returns.Returns(
        cast_at=log["cast_at"],
        delay_days=pd.Series(days, index=log.index),
        booking=returns.Booking("test feed", pd.Timestamp("2000-01-01"), feed_lead_days=lead),
        delay=returns.ReturnDelay((days,), (1.0,)),
    )


def test_bad_inputs_are_named(small):
    log, flags = small
    with pytest.raises(ValueError, match="indexed like the table"):
        monitoring.weekly_catch_rate(log, flags.reset_index(drop=True), **PLANT)
    with pytest.raises(ValueError, match="booleans"):
        monitoring.weekly_catch_rate(log, flags.astype(int), **PLANT)
    with pytest.raises(ValueError, match="Series"):
        monitoring.weekly_catch_rate(log, flags.to_numpy(), **PLANT)
    with pytest.raises(ValueError, match="defect"):
        monitoring.weekly_catch_rate(log.drop(columns="defect"), flags, **PLANT)
    with pytest.raises(ValueError, match="window must be one of"):
        monitoring.catch_rate_by_period(log, flags, "Q", **PLANT)
    with pytest.raises(ValueError, match="baseline_catch_rate"):
        monitoring.check_periods(log, flags, 0.0, **PLANT)
    with pytest.raises(ValueError, match="drop"):
        monitoring.check_periods(log, flags, 0.5, drop=1.5, **PLANT)
    with pytest.raises(ValueError, match="min_share_in"):
        monitoring.check_periods(log, flags, 0.5, min_share_in=0, **PLANT)
    with pytest.raises(ValueError, match="lookback"):
        monitoring.check_periods(log, flags, 0.5, lookback=0, **PLANT)


def test_weekly_alarm_is_noticed_on_the_next_monday(small):
    log, flags = small
    alarm = monitoring.first_alarm(log, flags, 0.5, "W", drop=0.3, min_defects=4, **PLANT)
    assert alarm.period == "2025-W50" and alarm.window == "W"
    assert alarm.catch_rate == 0.25 and alarm.defects_known == 4 and alarm.share_in == 1
    assert alarm.noticed_on == pd.Timestamp("2025-12-15")
    assert alarm.days_after("2025-12-08") == 7


def test_a_check_waits_for_the_returns(small):
    log, flags = small
    # W50's last parts are cast on 10 December: back on the 20th, booked the 21st.
    late = monitoring.first_alarm(
        log, flags, 0.5, "W", 0.3, 4, returns=fixed_returns(log, 10, 1), min_share_in=1.0, **PLANT
    )
    assert late.noticed_on == pd.Timestamp("2025-12-22"), "the next Monday after the returns"
    daily = monitoring.first_alarm(
        log,
        flags,
        0.5,
        "D",
        0.3,
        4,
        lookback=7,
        returns=fixed_returns(log, 10, 1),
        min_share_in=1.0,
        **PLANT,
    )
    # The week to 9 December holds four defects; its last returns are known on the 20th.
    assert daily.period == "2025-12-09"
    assert daily.noticed_on == pd.Timestamp("2025-12-20"), "a check on the day counts"


def test_a_check_can_judge_on_half_the_returns_and_estimate_the_rest(small):
    log, flags = small
    checks = monitoring.check_periods(
        log, flags, 0.5, window="D", min_defects=1, returns=fixed_returns(log, 2), **PLANT
    )
    row = checks.loc["2025-12-09"]
    # Cast on the 9th: three shipped defects, back on the 11th; known that morning.
    assert row["noticed_on"] == pd.Timestamp("2025-12-11") and row["share_in"] == 1
    assert row["returns_seen"] == 3 and row["catch_rate"] == 0
    pooled = monitoring.check_periods(
        log,
        flags,
        0.5,
        window="D",
        lookback=3,
        min_defects=1,
        returns=fixed_returns(log, 2),
        **PLANT,
    )
    # 8 to 10 December: 5 untested parts could come back; on the 11th only the three of the
    # 9th are in (3 of 5), with 3 returns: 3 / 0.6 shipped defects estimated.
    row = pooled.loc["2025-12-10"]
    assert row["noticed_on"] == pd.Timestamp("2025-12-11")
    assert row["share_in"] == pytest.approx(0.6)
    assert row["shipped_estimate"] == pytest.approx(3 / 0.6)
    assert row["catch_rate"] == pytest.approx(1 / (1 + 3 / 0.6))


def test_monthly_report_notices_on_the_first(small):
    log, flags = small
    alarm = monitoring.first_alarm(log, flags, 0.5, "M", drop=0.3, min_defects=4, **PLANT)
    assert alarm.period == "2025-12" and alarm.noticed_on == pd.Timestamp("2026-01-01")
    listed = returns.Returns(
        log["cast_at"],
        pd.Series(25, index=log.index),
        returns.MONTHLY_LIST,
        returns.ReturnDelay((25,), (1.0,)),
    )
    late = monitoring.first_alarm(log, flags, 0.5, "M", 0.3, 4, returns=listed, **PLANT)
    assert late.noticed_on == pd.Timestamp("2026-02-01"), "back in January, on its list"


def test_too_few_defects_are_not_judged(small):
    log, flags = small
    assert monitoring.first_alarm(log, flags, 0.5, "W", drop=0.3, min_defects=5, **PLANT) is None
    checks = monitoring.check_periods(log, flags, 0.5, window="W", min_defects=5, **PLANT)
    assert not checks["judged"].any() and not checks["alarm"].any()
    assert checks["noticed_on"].isna().all()


def test_lookback_pools_quiet_days(small):
    log, flags = small
    # Alone, no day of W50 has 4 defects; a week of days pooled does.
    assert monitoring.first_alarm(log, flags, 0.5, "D", 0.3, 4, **PLANT) is None
    alarm = monitoring.first_alarm(log, flags, 0.5, "D", 0.3, 4, lookback=7, **PLANT)
    assert alarm.period == "2025-12-09" and alarm.noticed_on == pd.Timestamp("2025-12-10")
    delayed = monitoring.first_alarm(
        log,
        flags,
        0.5,
        "D",
        0.3,
        4,
        lookback=7,
        returns=fixed_returns(log, 5),
        min_share_in=1,
        **PLANT,
    )
    assert delayed.noticed_on == pd.Timestamp("2025-12-14")


def test_no_drop_no_alarm_and_since_skips_earlier_periods(small):
    log, flags = small
    assert monitoring.first_alarm(log, flags, 0.3, "W", drop=0.3, min_defects=4, **PLANT) is None
    strict = monitoring.first_alarm(log, flags, 0.9, "W", drop=0.3, min_defects=4, **PLANT)
    assert strict.period == "2025-W48", "a high baseline makes every week a drop"
    after = monitoring.first_alarm(log, flags, 0.9, "W", 0.3, 4, since="2025-12-01", **PLANT)
    assert after.period == "2025-W50"
    assert monitoring.first_alarm(log, flags, 0.9, "W", 0.3, 4, since="2025-12-20", **PLANT) is None


def test_the_supplier_change_is_noticed_sooner_with_the_feed(fast_plant, hot_melt_flags):
    log = fast_plant.shift_log
    month = factory.month_of(log)
    held_out = month.isin(factory.HELD_OUT_MONTHS)
    tested = hot_melt_flags
    baseline = monitoring.overall_catch_rate(
        log[held_out], tested[held_out], target=PLANT["target"]
    )
    change = factory.SUPPLIER_CHANGE_DATE
    seen = returns.returns_of(log, factory.DEFAULT_SEED)
    noticed = {}
    for booking in (returns.RETURNS_FEED, returns.MONTHLY_LIST):
        alarm = monitoring.first_alarm(
            log, tested, baseline, "W", returns=seen.with_booking(booking), since=change, **PLANT
        )
        noticed[booking.name] = alarm.noticed_on if alarm else pd.Timestamp("2026-12-31")
    assert noticed[returns.RETURNS_FEED.name] < noticed[returns.MONTHLY_LIST.name]
    assert noticed[returns.MONTHLY_LIST.name] >= pd.Timestamp("2026-01-01"), (
        "December's returns reach the list in January at the earliest"
    )


def test_checks_are_deterministic(fast_plant, hot_melt_flags):
    log = fast_plant.shift_log
    seen = returns.returns_of(log, factory.DEFAULT_SEED)
    first = monitoring.check_periods(
        log, hot_melt_flags, 0.15, window="D", lookback=7, returns=seen, **PLANT
    )
    again = monitoring.check_periods(
        log, hot_melt_flags, 0.15, window="D", lookback=7, returns=seen, **PLANT
    )
    pd.testing.assert_frame_equal(first, again)
    judged = first[first["judged"]]
    assert (judged["noticed_on"] >= judged["period_end"]).all(), "never before the period ends"
    assert (judged["share_in"] >= 0.5).all()


def test_any_table_is_watched_by_its_own_time_and_target(small):
    """The toolkit knows no plant: a shop's orders, their time and a yes/no target, give the
    same figures as the shift log's cast_at and defect."""
    log, flags = small
    orders = pd.DataFrame(
        {
            "created": log["cast_at"],
            "fraud": log["defect"].map({True: "yes", False: "no"}),
        }
    )
    theirs = {"time": "created", "target": "fraud"}
    pd.testing.assert_frame_equal(
        monitoring.weekly_catch_rate(orders, flags, **theirs),
        monitoring.weekly_catch_rate(log, flags, **PLANT),
    )
    pd.testing.assert_frame_equal(
        monitoring.check_periods(orders, flags, 0.5, **theirs, min_defects=1),
        monitoring.check_periods(log, flags, 0.5, **PLANT, min_defects=1),
    )
    assert monitoring.overall_catch_rate(orders, flags, target="fraud") == 3 / 8
    with pytest.raises(ValueError, match="created"):
        monitoring.weekly_catch_rate(log, flags, **theirs)
