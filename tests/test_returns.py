"""Customer returns: the declared delay, its own random stream, and when a return is known."""

import numpy as np
import pandas as pd
import pytest

from pocmvp.case import factory, returns, upkeep
from pocmvp.case import plant_rule as rule


def test_the_delay_is_declared_data_that_adds_up():
    delay = returns.CUSTOMER_DELAY
    assert sum(delay.shares) == pytest.approx(1)
    assert list(delay.days) == sorted(delay.days) and delay.days[0] > 0
    assert (
        delay.share_back_within(delay.median_days)
        >= 0.5
        > delay.share_back_within(delay.median_days - 1)
    )
    assert delay.share_back_within(delay.longest_days) == pytest.approx(1)
    table = delay.table()
    assert table["back by then"].iloc[-1] == pytest.approx(1)
    assert delay.mean_days == pytest.approx(float(np.dot(delay.days, delay.shares)))


@pytest.mark.parametrize(
    ("days", "shares", "message"),
    [
        ((), (), "not empty"),
        ((5, 3), (0.5, 0.5), "increasing"),
        ((3, 5), (0.5, 0.6), "add up to 1"),
        ((3,), (1.0, 0.0), "equally long"),
    ],
)
def test_a_bad_delay_is_refused(days, shares, message):
    with pytest.raises(ValueError, match=message):
        returns.ReturnDelay(days, shares)


def test_delays_come_from_their_own_stream_in_casting_order(fast_plant):
    log = fast_plant.shift_log
    first = returns.return_delays(log, 2026)
    again = returns.return_delays(log, 2026)
    pd.testing.assert_series_equal(first, again)
    assert not first.equals(returns.return_delays(log, 7)), "another seed, other delays"
    assert set(first.unique()) <= set(returns.CUSTOMER_DELAY.days)
    shuffled = log.sample(frac=1.0, random_state=1)
    (
        pd.testing.assert_series_equal(
            returns.return_delays(shuffled, 2026).sort_index(), first.sort_index()
        ),
        "keyed to casting order, not to row order",
    )
    # The plant itself is unchanged: generating it again gives the same data.
    pd.testing.assert_frame_equal(
        factory.generate_plant(factory.FAST_PARTS, seed=factory.DEFAULT_SEED).shift_log, log
    )


def test_the_monthly_list_books_on_the_first_of_the_next_month():
    arrived = pd.DatetimeIndex(["2025-09-01", "2025-09-30 23:00", "2025-10-01"])
    known = returns.MONTHLY_LIST.known_from(arrived)
    assert list(known) == [pd.Timestamp(d) for d in ("2025-10-01", "2025-10-01", "2025-11-01")]
    assert returns.longest_manual_wait_days() == 31
    assert abs(returns.longest_manual_wait_days() - returns.MANUAL_LEAD_DAYS) <= 1, (
        "the list's longest wait is upkeep's lead time before the returns feed"
    )


def test_the_feed_books_the_next_day_and_imports_the_waiting_returns():
    arrived = pd.DatetimeIndex(["2025-12-03", "2025-12-09", "2025-11-28"])
    known = returns.AS_IT_HAPPENED.known_from(arrived)
    live = returns.FEED_LIVE_FROM
    lead = pd.Timedelta(days=returns.FEED_LEAD_DAYS)
    assert upkeep.ENGINEERING_WORK[2].lead_time_days_after == returns.FEED_LEAD_DAYS
    assert known[0] == live + lead, "waiting for the list on go-live day: imported"
    assert known[1] == pd.Timestamp("2025-12-09") + lead
    assert known[2] == pd.Timestamp("2025-12-01"), "on the November list, before the feed"
    always = returns.RETURNS_FEED.known_from(arrived)
    assert list(always) == list(arrived + lead)


def _known_by_offsets(booking: returns.Booking, arrived: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The booking's mornings with pandas' calendar offsets: what ``known_from`` computed
    before it worked in whole days with numpy."""
    day = pd.DatetimeIndex(arrived).normalize()
    on_list = day - pd.to_timedelta(day.day - 1, unit="D") + pd.offsets.MonthBegin(1)
    if booking.feed_live_from is None:
        return pd.DatetimeIndex(on_list)
    live = pd.Timestamp(booking.feed_live_from).normalize()
    by_feed = day.where(day >= live, live) + pd.Timedelta(days=booking.feed_lead_days)
    return on_list.where(on_list <= by_feed, by_feed)


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
@pytest.mark.parametrize(
    "booking",
    [
        returns.MONTHLY_LIST,
        returns.RETURNS_FEED,
        returns.AS_IT_HAPPENED,
        returns.Booking("feed at noon", pd.Timestamp("2025-12-08 12:00").as_unit("ns"), 3),
    ],
    ids=lambda b: b.name,
)
def test_the_mornings_in_whole_days_are_the_calendar_offsets(booking, unit):
    times = pd.date_range("2025-10-25", "2026-01-05 18:00", freq="7h").append(
        pd.DatetimeIndex([pd.NaT, "2024-02-29 23:59", "2025-12-31"])
    )
    arrived = pd.DatetimeIndex(times.astype(f"datetime64[{unit}]"), name="arrived_on")
    pd.testing.assert_index_equal(
        booking.known_from(arrived), _known_by_offsets(booking, arrived), exact=True
    )
    series = pd.Series(arrived, index=range(5, 5 + len(arrived)), name="arrived_on")
    pd.testing.assert_index_equal(
        booking.known_from(series), _known_by_offsets(booking, series), exact=True
    )
    zoned = arrived[:-3].tz_localize("Europe/Berlin")  # the offsets' arithmetic, kept for zones
    if booking.feed_live_from is None:
        pd.testing.assert_index_equal(
            booking.known_from(zoned), _known_by_offsets(booking, zoned), exact=True
        )


@pytest.fixture(scope="module")
def fast_returns(fast_plant):
    log = fast_plant.shift_log
    tested = rule.within_capacity(log, pd.Series(False, index=log.index))
    return log, tested, returns.returns_of(log, factory.DEFAULT_SEED)


def test_a_tested_defect_is_known_the_next_morning_a_shipped_one_when_booked(fast_returns):
    log, tested, seen = fast_returns
    defect = log["defect"]
    known = seen.known_from(tested, defect)
    assert known[~defect].isna().all(), "good parts are never known defective"
    caught = tested & defect
    next_morning = log["cast_at"].dt.normalize() + pd.Timedelta(days=1)
    assert (known[caught] == next_morning[caught]).all()
    shipped = defect & ~tested
    arrived = seen.arrived_on()
    assert (known[shipped] >= arrived[shipped]).all(), "never known before it is back"
    booked = seen.booked_returns(tested, defect)
    assert booked.notna().sum() == shipped.sum()
    on = pd.Timestamp("2025-10-01")
    assert seen.known_on(tested, defect, on).sum() == (known <= on).sum()


def test_share_in_and_final_follow_the_declared_delay(fast_returns):
    log, tested, seen = fast_returns
    september = log[factory.month_of(log) == "2025-09"]
    final = seen.final_on(september["cast_at"])
    assert final == pd.Timestamp("2025-11-01"), "September's last returns are on October's list"
    assert np.allclose(seen.share_in(september["cast_at"], final), 1)
    early = seen.share_in(september["cast_at"], "2025-10-01")
    assert 0 < early.mean() < 1
    booked = seen.booked_returns(tested, log["defect"])[september.index]
    actually_in = (booked <= pd.Timestamp("2025-10-01")).sum() / booked.notna().sum()
    assert actually_in == pytest.approx(early.mean(), abs=0.12), "the share in is what came in"
    assert seen.month_final_on("2025-09") == final
    assert returns.final_months(log, seen, "2025-12-01", factory.HELD_OUT_MONTHS) == (
        "2025-09",
        "2025-10",
    )


def test_returns_need_aligned_series(fast_returns):
    log, tested, seen = fast_returns
    with pytest.raises(ValueError, match="indexed like the shift log"):
        seen.known_from(tested.reset_index(drop=True).set_axis(tested.index + 1), log["defect"])
    part = seen.for_parts(log.index[:10])
    assert len(part.cast_at) == 10 and part.booking == seen.booking


def test_some_parts_keep_the_mornings_they_would_get_on_their_own(fast_returns):
    log, tested, seen = fast_returns
    parts = log.index[(log["cast_at"] >= "2025-11-20") & (log["cast_at"] < "2026-01-01")]
    shared = seen.for_parts(parts)  # the mornings of every part, worked out once
    alone = returns.Returns(seen.cast_at.loc[parts], seen.delay_days.loc[parts])
    assert "_known_if" in shared.__dict__ and "_known_if" not in alone.__dict__
    pd.testing.assert_series_equal(
        shared.known_from(tested[parts], log.loc[parts, "defect"]),
        alone.known_from(tested[parts], log.loc[parts, "defect"]),
        check_exact=True,
    )
