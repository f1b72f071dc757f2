import pandas as pd
import pytest

from pocmvp.toolkit import periods


def test_check_dates_follow_each_cadence():
    start, end = pd.Timestamp("2025-11-27 10:00"), pd.Timestamp("2026-01-06")
    assert periods.check_dates(start, end, "D")[0] == pd.Timestamp("2025-11-27")
    mondays = periods.check_dates(start, end, "W")
    assert (mondays.day_of_week == 0).all() and mondays[0] == pd.Timestamp("2025-12-01")
    firsts = periods.check_dates(start, end, "M")
    assert list(firsts) == [pd.Timestamp("2025-12-01"), pd.Timestamp("2026-01-01")]


def test_periods_start_end_and_are_named():
    times = pd.Series(pd.to_datetime(["2025-12-03 23:59", "2025-12-29 00:00"]))
    assert periods.period_start(times, "W").tolist() == [
        pd.Timestamp("2025-12-01"),
        pd.Timestamp("2025-12-29"),
    ]
    starts = pd.DatetimeIndex(periods.period_start(times, "M"))
    assert list(periods.period_label(starts, "M")) == ["2025-12", "2025-12"]
    assert list(periods.period_end(starts, "M")) == [pd.Timestamp("2026-01-01")] * 2
    assert list(periods.period_label(pd.DatetimeIndex(["2025-12-29"]), "W")) == ["2026-W01"]
    assert (
        len(periods.period_starts(pd.Timestamp("2025-11-24"), pd.Timestamp("2025-12-08"), "W")) == 3
    )
    with pytest.raises(ValueError, match="window must be one of"):
        periods.period_start(times, "Q")
