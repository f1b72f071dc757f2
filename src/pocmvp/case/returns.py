"""Customer returns: when the plant learns that it shipped a defective part.

The X-ray cell judges a tested part the day it is cast. A defective part that is *not*
tested is shipped, and the plant learns about it only when the customer sends it back and
the return is booked against its part id. Two things decide when that is, and both are
declared here as data, so every chapter and every command reads the same timing:

* **the customer's delay** (:data:`CUSTOMER_DELAY`): days from casting until the return is
  back at the plant (the customer's incoming inspection finds some defects within a week,
  machining and assembly find the rest within four). Each part's delay is drawn from the
  seed on its own random stream (:data:`RETURNS_STREAM`), one draw per part in casting
  order, so the returns never change the rest of the generated data, and a part's delay
  does not depend on which rule routed it;
* **the booking** (:class:`Booking`): until engineering builds the returns feed, sales
  sends a **monthly list** of the returns that came in, and the quality lead matches it to
  part ids by hand, so a return is known from the first of the month after it arrived (up
  to a month later: the returns feed's lead time before, in
  :data:`pocmvp.case.upkeep.ENGINEERING_WORK`). The **returns feed** books a return
  ``lead_time_days_after`` (one) day after it arrives; on the day it goes live it imports
  the returns still waiting for the list. :data:`AS_IT_HAPPENED` is the plant's timeline:
  the list until :data:`FEED_LIVE_FROM`, the feed from then on.

A figure that needs shipped defects is only **final** once every return that can still come
has been booked (:meth:`Returns.final_on`); before that it is a figure **so far**. With the
delay known, a check can also estimate how much of a period's returns is in
(:meth:`Returns.share_in`) and so correct a count that is still growing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from pocmvp.case import upkeep
from pocmvp.toolkit import routing

RETURNS_STREAM = 1
"""The returns' random stream: ``numpy.random.default_rng([seed, RETURNS_STREAM])``."""


@dataclass(frozen=True)
class ReturnDelay:
    """Days from casting until a shipped defective part is back at the plant: each of
    ``days`` happens for its ``shares`` of the returns (a declared distribution)."""

    days: tuple[int, ...]
    shares: tuple[float, ...]

    def __post_init__(self) -> None:
        days, shares = tuple(int(d) for d in self.days), tuple(float(s) for s in self.shares)
        if not days or len(days) != len(shares):
            raise ValueError(f"days and shares must be equally long and not empty, got {self}")
        if any(d < 0 for d in days) or list(days) != sorted(set(days)):
            raise ValueError(f"days must be increasing whole days from 0, got {days}")
        if any(s <= 0 for s in shares) or not np.isclose(sum(shares), 1.0):
            raise ValueError(f"shares must be positive and add up to 1, got {shares}")
        object.__setattr__(self, "days", days)
        object.__setattr__(self, "shares", shares)

    @property
    def longest_days(self) -> int:
        """The longest delay: after it, no return of a part can still come."""
        return self.days[-1]

    @property
    def median_days(self) -> int:
        """The delay by which half of the returns are back."""
        return self.days[int(np.searchsorted(np.cumsum(self.shares), 0.5 - 1e-12))]

    @property
    def mean_days(self) -> float:
        return float(np.dot(self.days, self.shares))

    def share_back_within(self, days: float) -> float:
        """Share of the returns back at the plant at most ``days`` days after casting."""
        return float(np.sum(np.asarray(self.shares)[np.asarray(self.days) <= days]))

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` delays in whole days."""
        return rng.choice(np.asarray(self.days, dtype=np.int64), size=n, p=self.shares)

    def table(self) -> pd.DataFrame:
        """The distribution as a table: days, share, and share back by then."""
        return pd.DataFrame(
            {
                "days after casting": self.days,
                "share of returns": self.shares,
                "back by then": np.cumsum(self.shares),
            }
        ).set_index("days after casting")


CUSTOMER_DELAY = ReturnDelay(
    days=(5, 7, 10, 14, 18, 21, 28),
    shares=(0.10, 0.20, 0.20, 0.20, 0.12, 0.10, 0.08),
)
"""Assumption: the customer's incoming inspection finds some defective housings within a
week of casting, machining finds most within a fortnight, assembly and test the last within
four weeks. Every shipped defective part comes back."""

_FEED = next(a for a in upkeep.ENGINEERING_WORK if a.name == "returns feed")
FEED_LEAD_DAYS = int(_FEED.lead_time_days_after)
"""Days from a return's arrival until the feed has booked it (upkeep's lead time after)."""
MANUAL_LEAD_DAYS = int(_FEED.lead_time_days_before)
"""Upkeep's lead time of the monthly list: a return waits up to a month for it."""
FEED_LIVE_FROM = pd.Timestamp("2025-12-08")
"""When engineering's returns feed went live: its first automation once the MVP had paid
for three months, a week after rule v2 shipped (an assumption of the story)."""


@dataclass(frozen=True)
class Booking:
    """When a return that is back at the plant becomes known: the monthly list until
    ``feed_live_from`` (never, if None), the returns feed from then on."""

    name: str
    feed_live_from: pd.Timestamp | None = None
    feed_lead_days: int = FEED_LEAD_DAYS

    def known_from(self, arrived: pd.Series | pd.DatetimeIndex) -> pd.DatetimeIndex:
        """The first morning each return (by its arrival day) is known to the plant."""
        day = pd.DatetimeIndex(arrived).normalize()
        if day.tz is None:
            return self._known_from_days(day)
        on_list = day - pd.to_timedelta(day.day - 1, unit="D") + pd.offsets.MonthBegin(1)
        if self.feed_live_from is None:
            return pd.DatetimeIndex(on_list)
        live = pd.Timestamp(self.feed_live_from).normalize()
        lead = pd.Timedelta(days=self.feed_lead_days)
        # The feed books new returns a day after they arrive, and on its first day imports
        # every return still waiting for the list.
        by_feed = day.where(day >= live, live) + lead
        return on_list.where(on_list <= by_feed, by_feed)

    def _known_from_days(self, day: pd.DatetimeIndex) -> pd.DatetimeIndex:
        """:meth:`known_from` of days without a time zone, the same mornings in whole days
        with numpy: the offsets' arithmetic cost a millisecond a call, however few the days,
        and a daily check asks once per delay and check (a missing day is known when the
        feed goes live, as there)."""
        days = day.to_numpy().astype("datetime64[D]")
        known = (days.astype("datetime64[M]") + 1).astype("datetime64[D]")  # the next 1st
        if self.feed_live_from is not None:
            live = pd.Timestamp(self.feed_live_from).normalize().to_datetime64()
            live = live.astype("datetime64[D]")
            by_feed = np.where(days >= live, days, live) + np.timedelta64(self.feed_lead_days, "D")
            known = np.where(known <= by_feed, known, by_feed)
        unit = "ns" if day.unit == "ns" else "us"  # the offsets' unit: microseconds or finer
        return pd.DatetimeIndex(known.astype(f"datetime64[{unit}]"), name=day.name)

    def as_known_on(self, on: pd.Timestamp | str) -> Booking:
        """The booking as the plant knows it on the morning of ``on``: a returns feed not
        live yet books nothing, so a date still to come is told by the monthly list."""
        live = self.feed_live_from
        if live is None or pd.Timestamp(live).normalize() <= pd.Timestamp(on).normalize():
            return self
        return Booking(MONTHLY_LIST_NAME, None, self.feed_lead_days)


MONTHLY_LIST_NAME = "monthly returns list"
MONTHLY_LIST = Booking(MONTHLY_LIST_NAME)
"""Returns on sales' monthly list only (the MVP as it shipped)."""
RETURNS_FEED = Booking("returns feed", feed_live_from=pd.Timestamp("2000-01-01"))
"""Returns booked by the feed, as if it had always run."""
AS_IT_HAPPENED = Booking("monthly list, then the returns feed", feed_live_from=FEED_LIVE_FROM)
"""The plant's timeline: the monthly list until :data:`FEED_LIVE_FROM`, the feed after."""


def return_delays(
    shift_log: pd.DataFrame, seed: int, delay: ReturnDelay = CUSTOMER_DELAY
) -> pd.Series:
    """Each part's customer delay in days (used only if it is shipped defective), drawn on
    the returns' own random stream, one draw per part in casting order (ties broken by
    ``part_id``), so the same parts get the same delays whatever the rows' order."""
    keys = [shift_log["cast_at"].to_numpy()]
    if "part_id" in shift_log.columns:
        keys.insert(0, shift_log["part_id"].astype(str).to_numpy())
    order = np.lexsort(keys)
    drawn = delay.draw(len(shift_log), np.random.default_rng([seed, RETURNS_STREAM]))
    days = np.empty(len(shift_log), dtype=np.int64)
    days[order] = drawn
    return pd.Series(days, index=shift_log.index, name="return_delay_days")


@dataclass(frozen=True)
class Returns:
    """The returns of one shift log: each part's customer delay and how returns are booked.

    Build it with :func:`returns_of`. The X-ray result of a tested part is known the morning
    after it was cast; a shipped defective part is known from its return's booking.
    """

    cast_at: pd.Series
    delay_days: pd.Series
    booking: Booking = AS_IT_HAPPENED
    delay: ReturnDelay = CUSTOMER_DELAY

    def for_parts(self, index: pd.Index) -> Returns:
        """The same returns for some of the parts (by the shift log's index), with their
        share of the mornings worked out once for all the parts (:attr:`_known_if`)."""
        part = Returns(
            self.cast_at.loc[index], self.delay_days.loc[index], self.booking, self.delay
        )
        xray, booked = self._known_if
        part.__dict__["_known_if"] = (xray.loc[index], booked.loc[index])
        return part

    def with_booking(self, booking: Booking) -> Returns:
        """The same returns, booked another way (say, as if the feed had always run)."""
        return Returns(self.cast_at, self.delay_days, booking, self.delay)

    def arrived_on(self) -> pd.Series:
        """The day each part's return would be back at the plant (if it is returned)."""
        day = self.cast_at.dt.normalize() + pd.to_timedelta(self.delay_days, unit="D")
        return day.rename("arrived_on")

    def known_from(self, tested: pd.Series, defect: pd.Series) -> pd.Series:
        """The first morning each defective part is known to be defective: the day after
        casting if it was tested (the X-ray result), its return's booking if it was shipped.
        NaT for good parts."""
        _check_aligned(self.cast_at, tested, "tested")
        _check_aligned(self.cast_at, defect, "defect")
        tested = tested.astype(bool)
        defect = defect.astype(bool)
        xray, booked = self._known_if
        known = booked.where(~tested, xray).where(defect)
        return known.rename("known_from")

    @cached_property
    def _known_if(self) -> tuple[pd.Series, pd.Series]:
        """The morning each part would be known defective if tested (the X-ray result) and
        if shipped (its return's booking). Neither depends on what was tested, so they are
        worked out once per returns: a replay asks :meth:`known_from` every week."""
        xray = self.cast_at.dt.normalize() + pd.Timedelta(days=1)
        booked = pd.Series(self.booking.known_from(self.arrived_on()), index=self.cast_at.index)
        return xray, booked

    def booked_returns(self, tested: pd.Series, defect: pd.Series) -> pd.Series:
        """When each shipped defective part's return is booked (NaT for every other part)."""
        shipped = defect.astype(bool) & ~tested.astype(bool)
        return self.known_from(tested, defect).where(shipped).rename("return_known_from")

    def known_on(self, tested: pd.Series, defect: pd.Series, on: pd.Timestamp | str) -> pd.Series:
        """True for the parts known to be defective on the morning of ``on``."""
        known = self.known_from(tested, defect)
        return (known <= pd.Timestamp(on)).fillna(False).astype(bool).rename("known_defective")

    def share_in(self, cast_at: pd.Series | pd.DatetimeIndex, on: pd.Timestamp | str) -> np.ndarray:
        """For parts cast at ``cast_at``: the share of their possible returns known on the
        morning of ``on``, from the declared delay (no outcome is needed)."""
        day = pd.DatetimeIndex(cast_at).normalize()
        on = pd.Timestamp(on).normalize()
        share = np.zeros(len(day))
        for days, weight in zip(self.delay.days, self.delay.shares, strict=True):
            arrived = day + pd.Timedelta(days=days)
            share += weight * (self.booking.known_from(arrived) <= on)
        return share

    def final_on(self, cast_at: pd.Series | pd.DatetimeIndex) -> pd.Timestamp:
        """The first morning on which every return of these parts that can come is known."""
        last = pd.DatetimeIndex(cast_at).normalize().max()
        arrived = pd.DatetimeIndex([last + pd.Timedelta(days=self.delay.longest_days)])
        return pd.Timestamp(self.booking.known_from(arrived)[0])

    def month_final_on(self, month: str) -> pd.Timestamp:
        """When a month's figures are final, whatever was cast in it: its last day's returns."""
        last_day = pd.Timestamp(f"{month}-01") + pd.offsets.MonthEnd(0)
        return self.final_on(pd.DatetimeIndex([last_day]))


def final_months(
    shift_log: pd.DataFrame, seen: Returns, on: pd.Timestamp | str, among: tuple[str, ...]
) -> tuple[str, ...]:
    """The months of ``among`` with production whose returns are all known on ``on``."""
    on = pd.Timestamp(on)
    month = routing.month_labels(shift_log["cast_at"])
    return tuple(
        m
        for m in among
        if (month == m).any() and seen.final_on(shift_log["cast_at"][month == m]) <= on
    )


def returns_of(
    shift_log: pd.DataFrame,
    seed: int,
    booking: Booking = AS_IT_HAPPENED,
    delay: ReturnDelay = CUSTOMER_DELAY,
) -> Returns:
    """The returns of a shift log generated (or exported) with ``seed``."""
    return Returns(
        cast_at=shift_log["cast_at"],
        delay_days=return_delays(shift_log, seed, delay),
        booking=booking,
        delay=delay,
    )


def _check_aligned(cast_at: pd.Series, values: pd.Series, name: str) -> None:
    if not isinstance(values, pd.Series) or not values.index.equals(cast_at.index):
        raise ValueError(f"{name} must be a Series indexed like the shift log, one per part")


def longest_manual_wait_days(year: int = 2025) -> int:
    """The longest a return waits for the monthly list in ``year`` (about upkeep's 30 days)."""
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    return int((MONTHLY_LIST.known_from(days) - days).days.max())
