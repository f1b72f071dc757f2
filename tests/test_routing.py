"""The one routing every option uses: feasible when the part is cast, same tests for all."""

import numpy as np
import pandas as pd
import pytest

from pocmvp.toolkit import routing


def parts(n_per_month=(200, 160), start="2025-01-01"):
    stamps = []
    for i, n in enumerate(n_per_month):
        month = pd.Timestamp(start) + pd.DateOffset(months=i)
        stamps.extend(month + pd.to_timedelta(np.arange(n) * 60, unit="s"))
    return pd.DataFrame({"cast_at": pd.DatetimeIndex(stamps)})


@pytest.mark.parametrize("zone", [None, "Europe/Berlin"])
def test_month_labels_are_what_strftime_writes(zone):
    rng = np.random.default_rng(1)
    seconds = np.r_[0, rng.integers(0, 10**7, 499)]  # the first part at 23:30 on New Year's Eve
    stamps = pd.Timestamp("2024-12-31 23:30") + pd.to_timedelta(seconds, "s")
    times = pd.Series(stamps, index=rng.permutation(500) + 7, name="when").sample(frac=1)
    times.iloc[[3, 40]] = pd.NaT
    if zone:
        times = times.dt.tz_localize(zone)
    labels = routing.month_labels(times)
    pd.testing.assert_series_equal(labels, times.dt.strftime("%Y-%m"))
    assert labels.isna().sum() == 2 and labels.nunique() == 5
    assert routing.month_labels(times[:0]).tolist() == []


def test_no_flags_is_todays_every_nth_part():
    frame = parts()
    tested = routing.route(frame, None, 0.05, time="cast_at")
    first = tested[:200].to_numpy()
    assert list(np.flatnonzero(first)) == list(range(19, 200, 20)), "the 20th, 40th ... part"
    assert tested.sum() == 10 + 8


def test_every_option_spends_exactly_the_capacity():
    frame = parts()
    rng = np.random.default_rng(0)
    for share in (0.0, 0.01, 0.05, 0.2, 0.9):
        flagged = pd.Series(rng.random(len(frame)) < share, index=frame.index)
        tested = routing.route(frame, flagged, 0.05, time="cast_at")
        per_month = tested.groupby(routing.month_labels(frame["cast_at"])).sum()
        assert list(per_month) == [10, 8], share


def test_flagged_parts_first_in_casting_order_until_capacity():
    frame = parts((100,))
    flagged = pd.Series(False, index=frame.index)
    flagged.iloc[[3, 4, 5, 6, 7, 8, 9]] = True  # seven flags, capacity five
    tested = routing.route(frame, flagged, 0.05, time="cast_at")
    assert list(np.flatnonzero(tested)) == [3, 4, 5, 6, 7]


def test_a_decision_never_depends_on_later_parts():
    frame = parts((300,))
    rng = np.random.default_rng(1)
    flagged = pd.Series(rng.random(300) < 0.08, index=frame.index)
    full = routing.route(frame, flagged, 0.05, time="cast_at")
    # Change every flag after part 150: decisions up to part 150 stay the same. (The month's
    # capacity is its plan, known in advance, so the frame keeps its length.)
    changed = flagged.copy()
    changed.iloc[150:] = ~changed.iloc[150:]
    again = routing.route(frame, changed, 0.05, time="cast_at")
    assert (full.iloc[:150] == again.iloc[:150]).all()


def test_unsorted_input_is_routed_in_casting_order():
    frame = parts((100,))
    flagged = pd.Series(np.arange(100) % 7 == 0, index=frame.index)
    shuffled = frame.sample(frac=1, random_state=3)
    tested = routing.route(shuffled, flagged.loc[shuffled.index], 0.05, time="cast_at")
    assert tested.sort_index().equals(routing.route(frame, flagged, 0.05, time="cast_at"))


def test_threshold_flags_at_most_the_share_and_handles_ties():
    scores = pd.Series([0.9, 0.8, 0.8, 0.8, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1] * 10)
    threshold = routing.threshold_for_share(scores, 0.2)
    assert (scores >= threshold).mean() <= 0.2
    assert routing.threshold_for_share([1.0, np.nan, 0.5, 0.2], 0.5) == 1.0


def test_monthly_threshold_comes_from_the_month_before():
    frame = parts((100, 100))
    scores = pd.Series(np.r_[np.linspace(0, 1, 100), np.linspace(0, 1, 100) + 0.5])
    flags = routing.flags_with_monthly_threshold(scores, frame["cast_at"], 0.05)
    assert not flags.iloc[:100].any(), "the first month has no month before it"
    # February's scores are shifted up: a January threshold flags far more than 5 % of them.
    assert flags.iloc[100:].mean() > 0.3


@pytest.mark.parametrize("share", [0, 1, -0.1, 1.5])
def test_capacity_share_must_be_a_share(share):
    with pytest.raises(ValueError, match="capacity_share"):
        routing.route(parts(), None, share, time="cast_at")


def test_flags_must_be_indexed_like_the_parts():
    frame = parts()
    with pytest.raises(ValueError, match="indexed like"):
        routing.route(frame, pd.Series(True, index=frame.index[1:]), 0.05, time="cast_at")


def _route_month_row_by_row(flagged, share):
    """The policy as the module states it, one row at a time (what ``_route_month`` computes
    at once)."""
    capacity = routing.monthly_capacity(len(flagged), share)
    tested, used = np.zeros(len(flagged), dtype=bool), 0
    for i, flag in enumerate(flagged):
        pace = int(np.floor(share * (i + 1) + routing._EPSILON))
        if used < capacity and (flag or used < pace):
            tested[i], used = True, used + 1
    return tested


def test_a_month_routed_at_once_is_the_policy_row_by_row():
    rng = np.random.default_rng(3)
    for _ in range(2000):
        n = int(rng.integers(0, 250))
        share = float(rng.choice([0.05, 0.07, 0.5, 0.99, rng.uniform(0.01, 0.99)]))
        flagged = rng.random(n) < rng.random()
        expected = _route_month_row_by_row(flagged, share)
        assert (routing._route_month(flagged, share) == expected).all()


@pytest.mark.parametrize("zone", [None, "Europe/Berlin"])
def test_monthly_threshold_is_fixed_on_each_clock_month(zone):
    frame = parts((120, 90, 150))
    times = frame["cast_at"].dt.tz_localize(zone) if zone else frame["cast_at"]
    scores = pd.Series(np.random.default_rng(4).random(len(frame)), index=frame.index)
    scores.iloc[::17] = np.nan
    flags = routing.flags_with_monthly_threshold(scores, times, 0.05)
    months = routing.month_labels(times)
    expected = pd.Series(False, index=frame.index, name="flagged")
    for previous, month in [("2025-01", "2025-02"), ("2025-02", "2025-03")]:
        threshold = routing.threshold_for_share(scores[months == previous], 0.05)
        expected[months == month] = scores[months == month] >= threshold
    pd.testing.assert_series_equal(flags, expected)
    missing = times.copy()
    missing.iloc[5] = pd.NaT
    with pytest.raises(ValueError, match="needs a time"):
        routing.flags_with_monthly_threshold(scores, missing, 0.05)
