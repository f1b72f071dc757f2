"""Watching a live rule: its catch rate per day, week or month, and when a drop is noticed.

A rule in production earns its keep only while it still catches defects. The plant learns
the truth about a part in one of two ways, and the timing matters:

* a **tested** part goes to the X-ray test, which finds its defect the same day;
* an **untested** defective part is shipped, and the plant only learns about it when the
  customer's return is booked (:mod:`pocmvp.case.returns`: a declared delay, then the monthly
  list or the returns feed).

So a period's catch rate (defects caught / all defects) is only final once its returns are
all in. The tables by period (:func:`catch_rate_by_period`) hold the final figures, for
looking back. :func:`check_periods` is what a watcher could have known: it judges each
period on the morning of a scheduled check, on the X-ray results and the returns booked by
then, which keeps every "noticed on" date honest: a daily check cannot see a drop sooner
than the returns that reveal it.

Inputs are plain: a shift log with ``cast_at`` and the truth ``defect``, and a boolean
Series of the parts tested (one value per part, indexed like the shift log) from any rule
or model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd


class Returns(Protocol):
    """What a case supplies when its outcomes arrive late (e.g. the plant's customer returns,
    :class:`pocmvp.case.returns.Returns`): ``delay`` (``days``, ``shares``, ``longest_days``),
    ``booking`` (``known_from(dates)``) and ``booked_returns(flagged, defect)``, the day each
    missed positive becomes known (NaT for none). The toolkit imports no case."""

    delay: Any
    booking: Any

    def booked_returns(self, flagged: pd.Series, defect: pd.Series) -> pd.Series: ...


WINDOWS = {"D": "day", "W": "ISO week", "M": "month"}
"""The periods a check can summarise, and how often it runs (at the end of each period)."""

_FREQUENCY = {"D": "D", "W": "W-MON", "M": "MS"}


def _validated(shift_log: pd.DataFrame, flags: pd.Series) -> pd.DataFrame:
    """The columns every summary needs, checked: cast time, truth and the rule's flags."""
    missing = [c for c in ("cast_at", "defect") if c not in shift_log.columns]
    if missing:
        raise ValueError(f"shift log is missing column(s) {missing}; the truth is needed")
    if not isinstance(flags, pd.Series):
        raise ValueError(f"flags must be a pandas Series of booleans, got {type(flags).__name__}")
    if not flags.index.equals(shift_log.index):
        raise ValueError("flags must be indexed like the shift log, one value per part")
    if not pd.api.types.is_bool_dtype(flags):
        raise ValueError(
            f"flags must be booleans (True = send to the X-ray test), got {flags.dtype}"
        )
    return pd.DataFrame(
        {
            "cast_at": shift_log["cast_at"],
            "defect": shift_log["defect"].astype(bool),
            "flagged": flags.astype(bool),
        }
    )


def _check_window(window: str) -> str:
    if window not in WINDOWS:
        raise ValueError(
            f"window must be one of {list(WINDOWS)} (day, ISO week, month), got {window!r}"
        )
    return window


def period_start(cast_at: pd.Series, window: str) -> pd.Series:
    """The first day of each part's period: its day, the Monday of its ISO week, or the 1st."""
    day = cast_at.dt.normalize()
    if _check_window(window) == "D":
        return day
    if window == "W":
        return day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    return day - pd.to_timedelta(day.dt.day - 1, unit="D")


def period_label(start: pd.DatetimeIndex, window: str) -> pd.Index:
    """Readable period names: ``2025-12-01``, ``2025-W49`` (ISO week) or ``2025-12``."""
    if _check_window(window) == "D":
        return pd.Index(start.strftime("%Y-%m-%d"), name="day")
    if window == "W":
        iso = start.isocalendar()
        labels = [f"{y}-W{w:02d}" for y, w in zip(iso["year"], iso["week"], strict=True)]
        return pd.Index(labels, name="week")
    return pd.Index(start.strftime("%Y-%m"), name="month")


def catch_rate_by_period(shift_log: pd.DataFrame, flags: pd.Series, window: str) -> pd.DataFrame:
    """Per period: parts, defects, flagged, caught, shipped defects, catch rate and flag share.

    Every calendar period from the first part to the last is listed, including periods
    without production (zero parts, catch rate NaN: a shutdown is not a drop).
    ``period_end`` is the first day after the period.
    """
    frame = _validated(shift_log, flags)
    frame["start"] = period_start(frame["cast_at"], window)
    frame["caught"] = frame["defect"] & frame["flagged"]
    frame["false_alarms"] = ~frame["defect"] & frame["flagged"]
    frame["shipped_defects"] = frame["defect"] & ~frame["flagged"]
    columns = ["defect", "flagged", "caught", "false_alarms", "shipped_defects"]
    table = frame.groupby("start")[columns].sum()
    table.insert(0, "parts", frame.groupby("start").size())
    table = table.rename(columns={"defect": "defects"})
    if len(table):
        calendar = pd.date_range(table.index.min(), table.index.max(), freq=_FREQUENCY[window])
        table = table.reindex(calendar, fill_value=0)
    table = table.astype("int64")
    starts = pd.DatetimeIndex(table.index)
    table.insert(0, "period_start", starts)
    table.insert(1, "period_end", _period_end(starts, window))
    table["catch_rate"] = table["caught"] / table["defects"].where(table["defects"] > 0)
    table["flag_share"] = table["flagged"] / table["parts"].where(table["parts"] > 0)
    table.index = period_label(starts, window)
    return table


def _period_end(starts: pd.DatetimeIndex, window: str) -> pd.DatetimeIndex:
    if window == "D":
        return starts + pd.Timedelta(days=1)
    if window == "W":
        return starts + pd.Timedelta(days=7)
    return starts + pd.offsets.MonthBegin(1)


def daily_catch_rate(shift_log: pd.DataFrame, flags: pd.Series) -> pd.DataFrame:
    """The rule's catch rate per calendar day (see :func:`catch_rate_by_period`)."""
    return catch_rate_by_period(shift_log, flags, "D")


def weekly_catch_rate(shift_log: pd.DataFrame, flags: pd.Series) -> pd.DataFrame:
    """The rule's catch rate per ISO week, labelled ``2025-W49`` (weeks start on Monday)."""
    return catch_rate_by_period(shift_log, flags, "W")


def monthly_catch_rate(shift_log: pd.DataFrame, flags: pd.Series) -> pd.DataFrame:
    """The rule's catch rate per month, labelled ``2025-12``."""
    return catch_rate_by_period(shift_log, flags, "M")


def overall_catch_rate(shift_log: pd.DataFrame, flags: pd.Series) -> float:
    """Defects caught / defects over the whole shift log: a baseline to watch against."""
    frame = _validated(shift_log, flags)
    defects = int(frame["defect"].sum())
    if defects == 0:
        raise ValueError("the shift log holds no defects, so a catch rate is undefined")
    return float((frame["defect"] & frame["flagged"]).sum() / defects)


def _next_check(dates: pd.DatetimeIndex, window: str) -> np.ndarray:
    """The first scheduled check on or after each date."""
    day = dates.normalize()
    if window == "D":
        return day.to_numpy()
    if window == "W":
        days_to_monday = (7 - day.day_of_week) % 7
        return (day + pd.to_timedelta(days_to_monday, unit="D")).to_numpy()
    first = day - pd.to_timedelta(day.day - 1, unit="D")
    return first.where(day == first, first + pd.offsets.MonthBegin(1)).to_numpy()


def check_dates(start: pd.Timestamp, end: pd.Timestamp, window: str) -> pd.DatetimeIndex:
    """The mornings a check of ``window`` runs between two dates: every day, every Monday,
    or the first of every month (the monthly report)."""
    _check_window(window)
    first = pd.Timestamp(_next_check(pd.DatetimeIndex([start]), window)[0])
    return pd.date_range(first, pd.Timestamp(end).normalize(), freq=_FREQUENCY[window])


def check_periods(
    shift_log: pd.DataFrame,
    tested: pd.Series,
    baseline_catch_rate: float,
    *,
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
    over a week of parts, say). What it knows on its morning is honest about time: the
    X-ray results of the parts cast before it, and the **returns booked so far**
    (``returns``: see :class:`pocmvp.case.returns.Returns`; ``None`` means every return is known
    the morning after casting, the ideal). A period is judged at the first check at which at
    least ``min_share_in`` of its possible returns are usually in (from the declared delay,
    no outcome needed) and at least ``min_defects`` defects are known (a catch rate on three
    defects is noise). The shipped defects are then estimated as the returns so far divided
    by the share usually in by then, and the alarm rings when the estimated catch rate is
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
    frame = _validated(shift_log, tested)
    table = catch_rate_by_period(shift_log, tested, window)
    days = _by_cast_day(frame, returns)
    # Which cast days each pooled period covers: the last `lookback` periods up to it.
    starts = table["period_start"].to_numpy()
    pooled_start = starts[np.maximum(np.arange(len(starts)) - lookback + 1, 0)]
    period_end = pd.DatetimeIndex(table["period_end"])
    cast_days = days.index.to_numpy()
    members = (cast_days[None, :] >= pooled_start[:, None]) & (
        cast_days[None, :] < period_end.to_numpy()[:, None]
    )
    members = members.astype(float)
    parts = members @ days["parts"].to_numpy()
    tested_count = members @ days["tested"].to_numpy()
    caught = members @ days["caught"].to_numpy()
    horizon = period_end.max() + pd.Timedelta(days=_horizon_days(returns))
    dates = check_dates(period_end.min(), horizon, window)
    share, seen = _known_by(days, dates, returns)
    untested = members @ days["untested"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        share_in = (members @ (days["untested"].to_numpy()[:, None] * share)) / untested[:, None]
    share_in = np.where(untested[:, None] > 0, share_in, 1.0)
    returns_seen = members @ seen
    known = caught[:, None] + returns_seen
    ready = (
        (dates.to_numpy()[None, :] >= period_end.to_numpy()[:, None])
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


def _by_cast_day(frame: pd.DataFrame, returns: Returns | None) -> pd.DataFrame:
    """Per calendar day of casting: parts, tested, caught and untested (the parts that could
    come back). ``attrs["shipped"]`` lists each shipped defect's cast day and the morning its
    return is known."""
    day = frame["cast_at"].dt.normalize()
    shipped = frame["defect"] & ~frame["flagged"]
    if returns is None:
        known_from = day + pd.Timedelta(days=1)
    else:
        known_from = returns.booked_returns(frame["flagged"], frame["defect"])
    grouped = (
        pd.DataFrame(
            {
                "day": day,
                "parts": 1,
                "tested": frame["flagged"].astype(int),
                "caught": (frame["defect"] & frame["flagged"]).astype(int),
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
    """Per (cast day, check morning): the share of a part's possible return known by then
    (from the declared delay) and the count of actual returns known by then."""
    cast_days = days.index
    if returns is None:
        share = cast_days.to_numpy()[:, None] + np.timedelta64(1, "D") <= dates.to_numpy()[None, :]
        share = share.astype(float)
    else:
        share = np.zeros((len(cast_days), len(dates)))
        for lag, weight in zip(returns.delay.days, returns.delay.shares, strict=True):
            known = returns.booking.known_from(cast_days + pd.Timedelta(days=lag))
            share += weight * (known.to_numpy()[:, None] <= dates.to_numpy()[None, :])
    shipped = days.attrs["shipped"]
    row = cast_days.get_indexer(shipped["day"])
    column = np.searchsorted(dates.to_numpy(), shipped["known_from"].to_numpy(), side="left")
    counts = np.zeros((len(cast_days), len(dates) + 1))
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
    """Defects known on ``noticed_on``: caught by the X-ray test, or returned so far."""
    share_in: float
    """The share of the period's returns usually in by ``noticed_on``."""
    window: str

    def days_after(self, date: pd.Timestamp | str) -> int:
        """Days from ``date`` (say, the supplier change) until the drop was noticed."""
        return int((self.noticed_on - pd.Timestamp(date)).days)


def first_alarm(
    shift_log: pd.DataFrame,
    flags: pd.Series,
    baseline_catch_rate: float,
    window: str = "W",
    drop: float = 0.3,
    min_defects: int = 20,
    *,
    lookback: int = 1,
    returns: Returns | None = None,
    min_share_in: float = 0.5,
    since: pd.Timestamp | str | None = None,
) -> Alarm | None:
    """The first period whose catch rate fell more than ``drop`` below the baseline, or None.

    ``since`` skips periods that start before a date (to ask "how soon after the supplier
    change?"); alarms before it would be false alarms. "First" means first noticed. See
    :func:`check_periods` for how returns delay what a check can know.
    """
    checks = check_periods(
        shift_log,
        flags,
        baseline_catch_rate,
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
