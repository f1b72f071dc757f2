"""Watching a live rule: its catch rate per day, week or month, and when a drop is noticed.

A rule in production earns its keep only while it still catches positives. The truth about
a row arrives in one of two ways, and the timing matters:

* a **tested** row's outcome is known from the test, the same day;
* an **untested** positive is known only when it comes back later (a case's late outcomes,
  say the plant's customer returns, :mod:`pocmvp.case.returns`: a declared delay, then a
  monthly list or a feed).

So a period's catch rate (positives caught / all positives) is only final once its late
outcomes are all in. The tables by period (:func:`catch_rate_by_period`) hold the final
figures, for looking back. :func:`check_periods` is what a watcher could have known: it
judges each period on the morning of a scheduled check, on the tests' results and the late
outcomes known by then, so a daily check cannot see a drop sooner than what reveals it.

Inputs are plain: a table with a ``time`` column (timestamps) and the ``target`` (the truth,
0/1, true/false or yes/no), both named by the caller (say, a
:class:`~pocmvp.toolkit.schema.Schema`'s), and a boolean Series of the rows tested (one per
row, indexed like the table) from any rule or model. The tables count rows as ``parts`` and
positives as ``defects`` (``shipped_defects``: positives not tested), whatever the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from pocmvp.toolkit.periods import (  # noqa: F401 - the periods' API, re-exported
    WINDOWS,
    check_dates,
    period_end,
    period_label,
    period_start,
    period_starts,
)
from pocmvp.toolkit.schema import parse_target


class Returns(Protocol):
    """What a case supplies when its outcomes arrive late (e.g. the plant's customer returns,
    :class:`pocmvp.case.returns.Returns`): ``delay`` (``days``, ``shares``, ``longest_days``),
    ``booking`` (``known_from(dates)``) and ``booked_returns(tested, positive)``, the day each
    untested positive becomes known (NaT for none). The toolkit imports no case."""

    delay: Any
    booking: Any

    def booked_returns(self, tested: pd.Series, positive: pd.Series) -> pd.Series: ...


def _validated(
    table: pd.DataFrame, flags: pd.Series, time: str | None, target: str
) -> pd.DataFrame:
    """The columns every summary needs, checked: the time (unless None), the target (as
    booleans) and the flags, as ``time``, ``positive`` and ``flagged``."""
    missing = [c for c in (time, target) if c is not None and c not in table.columns]
    if missing:
        raise ValueError(f"the table is missing column(s) {missing}: the time and the target")
    if not isinstance(flags, pd.Series):
        raise ValueError(f"flags must be a pandas Series of booleans, got {type(flags).__name__}")
    if not flags.index.equals(table.index):
        raise ValueError("flags must be indexed like the table, one value per row")
    if not pd.api.types.is_bool_dtype(flags):
        raise ValueError(f"flags must be booleans (True: the row is tested), got {flags.dtype}")
    frame = {"positive": parse_target(table[target], target), "flagged": flags.astype(bool)}
    return pd.DataFrame({"time": table[time], **frame} if time is not None else frame)


def catch_rate_by_period(
    table: pd.DataFrame, flags: pd.Series, window: str, *, time: str, target: str
) -> pd.DataFrame:
    """Per period of the ``time`` column: rows (``parts``), positives of ``target``
    (``defects``), flagged, caught, false alarms, positives not tested (``shipped_defects``),
    catch rate and flag share.

    Every calendar period from the first row to the last is listed, including periods
    without rows (zero rows, catch rate NaN: a pause is not a drop).
    ``period_end`` is the first day after the period.
    """
    return _by_period(_validated(table, flags, time, target), window)


def _by_period(frame: pd.DataFrame, window: str) -> pd.DataFrame:
    """:func:`catch_rate_by_period` of a frame :func:`_validated` already (adds columns to
    it)."""
    frame["start"] = period_start(frame["time"], window)
    frame["caught"] = frame["positive"] & frame["flagged"]
    frame["false_alarms"] = ~frame["positive"] & frame["flagged"]
    frame["shipped_defects"] = frame["positive"] & ~frame["flagged"]
    columns = ["positive", "flagged", "caught", "false_alarms", "shipped_defects"]
    table = frame.groupby("start")[columns].sum()
    table.insert(0, "parts", frame.groupby("start").size())
    table = table.rename(columns={"positive": "defects"})
    if len(table):
        calendar = period_starts(table.index.min(), table.index.max(), window)
        table = table.reindex(calendar, fill_value=0)
    table = table.astype("int64")
    starts = pd.DatetimeIndex(table.index)
    table.insert(0, "period_start", starts)
    table.insert(1, "period_end", period_end(starts, window))
    table["catch_rate"] = table["caught"] / table["defects"].where(table["defects"] > 0)
    table["flag_share"] = table["flagged"] / table["parts"].where(table["parts"] > 0)
    table.index = period_label(starts, window)
    return table


def daily_catch_rate(table: pd.DataFrame, flags: pd.Series, *, time: str, target: str):
    """The rule's catch rate per calendar day (see :func:`catch_rate_by_period`)."""
    return catch_rate_by_period(table, flags, "D", time=time, target=target)


def weekly_catch_rate(table: pd.DataFrame, flags: pd.Series, *, time: str, target: str):
    """The rule's catch rate per ISO week, labelled ``2025-W49`` (weeks start on Monday)."""
    return catch_rate_by_period(table, flags, "W", time=time, target=target)


def monthly_catch_rate(table: pd.DataFrame, flags: pd.Series, *, time: str, target: str):
    """The rule's catch rate per month, labelled ``2025-12``."""
    return catch_rate_by_period(table, flags, "M", time=time, target=target)


def overall_catch_rate(table: pd.DataFrame, flags: pd.Series, *, target: str) -> float:
    """Positives caught / positives over the whole table: a baseline to watch against."""
    frame = _validated(table, flags, None, target)
    positives = int(frame["positive"].sum())
    if positives == 0:
        raise ValueError(f"the table has no positives in {target!r}, so a catch rate is undefined")
    return float((frame["positive"] & frame["flagged"]).sum() / positives)


def check_periods(
    table: pd.DataFrame,
    tested: pd.Series,
    baseline_catch_rate: float,
    *,
    time: str,
    target: str,
    window: str = "W",
    drop: float = 0.3,
    min_defects: int = 20,
    lookback: int = 1,
    returns: Returns | None = None,
    min_share_in: float = 0.5,
) -> pd.DataFrame:
    """Every period a watcher judges, when, on what was known then, and which ones ring.

    A check runs on the morning of each day, each Monday (ISO weeks) or each first of the
    month (like the monthly report), and pools the last ``lookback`` periods (a daily check
    over a week of rows, say). What it knows on its morning is honest about time: the tests'
    results of the rows before it, and the **late outcomes (returns) known so far**
    (``returns``: see :class:`Returns`; ``None`` means every one is known the morning after
    the row's time, the ideal). A period is judged at the first check at which at least
    ``min_share_in`` of its possible returns are usually in (from the declared delay, no
    outcome needed) and at least ``min_defects`` positives are known (a catch rate on three
    is noise). The untested positives are then estimated as the returns so far divided by
    the share usually in by then, and the alarm rings when the estimated catch rate is
    more than ``drop`` (a share of the baseline) below ``baseline_catch_rate``.

    Returns one row per period: ``period_start``, ``period_end``, the pooled ``parts``,
    ``tested``, ``caught`` (known at once), the ``noticed_on`` morning it was judged (NaT if
    never), the ``share_in`` of its returns then, ``returns_seen``, the estimated
    ``shipped_estimate`` and ``catch_rate`` (estimated), and ``judged`` and ``alarm``.
    """
    if not 0 < baseline_catch_rate <= 1:
        raise ValueError(f"baseline_catch_rate must be in (0, 1], got {baseline_catch_rate}")
    if not 0 < drop < 1:
        raise ValueError(f"drop is a share of the baseline in (0, 1), got {drop}")
    if min_defects < 1 or lookback < 1:
        raise ValueError(
            f"min_defects and lookback must be at least 1, got {min_defects} and {lookback}"
        )
    if not 0 < min_share_in <= 1:
        raise ValueError(f"min_share_in must be in (0, 1], got {min_share_in}")
    frame = _validated(table, tested, time, target)
    days = _by_day(frame, returns)
    table = _by_period(frame, window)  # after _by_day, which reads the frame as validated
    # Which days each pooled period covers: the last `lookback` periods up to it.
    starts = table["period_start"].to_numpy()
    pooled_start = starts[np.maximum(np.arange(len(starts)) - lookback + 1, 0)]
    ends = pd.DatetimeIndex(table["period_end"])
    days_of_rows = days.index.to_numpy()
    members = (days_of_rows[None, :] >= pooled_start[:, None]) & (
        days_of_rows[None, :] < ends.to_numpy()[:, None]
    )
    members = members.astype(float)
    parts = members @ days["parts"].to_numpy()
    tested_count = members @ days["tested"].to_numpy()
    caught = members @ days["caught"].to_numpy()
    horizon = ends.max() + pd.Timedelta(days=_horizon_days(returns))
    dates = check_dates(ends.min(), horizon, window)
    share, seen = _known_by(days, dates, returns)
    untested = members @ days["untested"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        share_in = (members @ (days["untested"].to_numpy()[:, None] * share)) / untested[:, None]
    share_in = np.where(untested[:, None] > 0, share_in, 1.0)
    returns_seen = members @ seen
    known = caught[:, None] + returns_seen
    ready = (
        (dates.to_numpy()[None, :] >= ends.to_numpy()[:, None])
        & (share_in >= min_share_in - 1e-12)
        & (known >= min_defects)
    )
    judged = ready.any(axis=1)
    at = np.where(judged, ready.argmax(axis=1), 0)
    rows = np.arange(len(table))
    seen_then = np.where(judged, returns_seen[rows, at], 0)
    share_then = np.where(judged, share_in[rows, at], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        shipped = seen_then / share_then
        rate = caught / (caught + shipped)
    checks = pd.DataFrame(
        {
            "period_start": table["period_start"],
            "period_end": table["period_end"],
            "parts": parts.astype("int64"),
            "tested": tested_count.astype("int64"),
            "caught": caught.astype("int64"),
            "noticed_on": pd.DatetimeIndex(
                np.where(judged, dates.to_numpy()[at], np.datetime64("NaT"))
            ),
            "share_in": share_then,
            "returns_seen": seen_then.astype("int64"),
            "shipped_estimate": np.where(judged, shipped, np.nan),
            "catch_rate": np.where(judged, rate, np.nan),
            "judged": judged,
        },
        index=table.index,
    )
    threshold = baseline_catch_rate * (1 - drop)
    checks["alarm"] = checks["judged"] & (checks["catch_rate"] < threshold)
    return checks


def _horizon_days(returns: Returns | None) -> int:
    """How long after a period a check may still be waiting for its returns."""
    if returns is None:
        return 1
    return returns.delay.longest_days + 62  # the monthly list adds up to a month, twice over


def _by_day(frame: pd.DataFrame, returns: Returns | None) -> pd.DataFrame:
    """Per calendar day of the rows' time: rows, tested, caught and untested (the rows that
    could come back). ``attrs["shipped"]`` lists each untested positive's day and the morning
    its return is known."""
    day = frame["time"].dt.normalize()
    shipped = frame["positive"] & ~frame["flagged"]
    if returns is None:
        known_from = day + pd.Timedelta(days=1)
    else:
        known_from = returns.booked_returns(frame["flagged"], frame["positive"])
    grouped = (
        pd.DataFrame(
            {
                "day": day,
                "parts": 1,
                "tested": frame["flagged"].astype(int),
                "caught": (frame["positive"] & frame["flagged"]).astype(int),
                "untested": (~frame["flagged"]).astype(int),
            }
        )
        .groupby("day")
        .sum()
    )
    calendar = pd.date_range(grouped.index.min(), grouped.index.max(), freq="D")
    grouped = grouped.reindex(calendar, fill_value=0)
    grouped.attrs["shipped"] = pd.DataFrame(
        {"day": day[shipped], "known_from": pd.DatetimeIndex(known_from[shipped]).normalize()}
    )
    return grouped


def _known_by(
    days: pd.DataFrame, dates: pd.DatetimeIndex, returns: Returns | None
) -> tuple[np.ndarray, np.ndarray]:
    """Per (day, check morning): the share of a row's possible return known by then (from
    the declared delay) and the count of actual returns known by then."""
    row_days = days.index
    if returns is None:
        share = row_days.to_numpy()[:, None] + np.timedelta64(1, "D") <= dates.to_numpy()[None, :]
        share = share.astype(float)
    else:
        share = np.zeros((len(row_days), len(dates)))
        # The morning each lag's arrivals are known, row by lag: one call for all the lags
        # (a booking books day by day), then added up lag by lag as before.
        lags = list(returns.delay.days)
        known = np.empty((0, len(row_days)))
        if lags:
            arrived = [row_days + pd.Timedelta(days=lag) for lag in lags]
            known = returns.booking.known_from(arrived[0].append(arrived[1:])).to_numpy()
            known = known.reshape(len(lags), len(row_days))
        for known_then, weight in zip(known, returns.delay.shares, strict=True):
            share += weight * (known_then[:, None] <= dates.to_numpy()[None, :])
    shipped = days.attrs["shipped"]
    row = row_days.get_indexer(shipped["day"])
    column = np.searchsorted(dates.to_numpy(), shipped["known_from"].to_numpy(), side="left")
    counts = np.zeros((len(row_days), len(dates) + 1))
    np.add.at(counts, (row, np.minimum(column, len(dates))), 1)
    seen = np.cumsum(counts, axis=1)[:, :-1]
    return share, seen


@dataclass(frozen=True)
class Alarm:
    """The first check that saw the catch rate drop."""

    period: str
    period_start: pd.Timestamp
    period_end: pd.Timestamp
    noticed_on: pd.Timestamp
    catch_rate: float
    """The catch rate the check estimated on ``noticed_on`` (returns so far, corrected)."""
    baseline_catch_rate: float
    defects_known: int
    """Positives known on ``noticed_on``: caught by the tests, or returned so far."""
    share_in: float
    """The share of the period's returns usually in by ``noticed_on``."""
    window: str

    def days_after(self, date: pd.Timestamp | str) -> int:
        """Days from ``date`` (say, the supplier change) until the drop was noticed."""
        return int((self.noticed_on - pd.Timestamp(date)).days)


def first_alarm(
    table: pd.DataFrame,
    flags: pd.Series,
    baseline_catch_rate: float,
    window: str = "W",
    drop: float = 0.3,
    min_defects: int = 20,
    *,
    time: str,
    target: str,
    lookback: int = 1,
    returns: Returns | None = None,
    min_share_in: float = 0.5,
    since: pd.Timestamp | str | None = None,
) -> Alarm | None:
    """The first period whose catch rate fell more than ``drop`` below the baseline, or None.

    ``since`` skips periods that end before a date (to ask "how soon after a change?");
    alarms before it would be false alarms. "First" means first noticed. See
    :func:`check_periods` for how returns delay what a check can know.
    """
    checks = check_periods(
        table,
        flags,
        baseline_catch_rate,
        time=time,
        target=target,
        window=window,
        drop=drop,
        min_defects=min_defects,
        lookback=lookback,
        returns=returns,
        min_share_in=min_share_in,
    )
    if since is not None:
        checks = checks[checks["period_end"] > pd.Timestamp(since)]
    alarms = checks[checks["alarm"]].sort_values("noticed_on", kind="stable")
    if alarms.empty:
        return None
    row = alarms.iloc[0]
    return Alarm(
        period=str(alarms.index[0]),
        period_start=row["period_start"],
        period_end=row["period_end"],
        noticed_on=row["noticed_on"],
        catch_rate=float(row["catch_rate"]),
        baseline_catch_rate=float(baseline_catch_rate),
        defects_known=int(row["caught"] + row["returns_seen"]),
        share_in=float(row["share_in"]),
        window=window,
    )
