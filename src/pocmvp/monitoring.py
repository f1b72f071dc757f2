"""Watching a live rule: its catch rate per day, week or month, and when a drop is noticed.

A rule in production earns its keep only while it still catches defects. The plant learns
the truth about a part in one of two ways, and the timing matters:

* a **flagged** part goes to the X-ray test, which finds its defect the same day;
* an **unflagged** defective part is shipped, and the plant only learns about it when the
  customer sends it back, ``return_delay_days`` later.

So a period's catch rate (defects caught / all defects) is only final once the returns of
its shipped parts have had time to arrive. :func:`check_periods` judges each period on that
date, never earlier, which keeps every "noticed on" date honest: a daily check cannot see a
drop sooner than the returns that reveal it.

Inputs are plain: a shift log with ``cast_at`` and the truth ``defect``, and a boolean
``flags`` Series (one value per part, indexed like the shift log) from any rule or model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

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


def check_periods(
    shift_log: pd.DataFrame,
    flags: pd.Series,
    baseline_catch_rate: float,
    *,
    window: str = "W",
    drop: float = 0.3,
    min_defects: int = 20,
    lookback: int = 1,
    return_delay_days: int = 0,
) -> pd.DataFrame:
    """Every check a watcher would run, and which of them raise the alarm.

    A check runs at the end of each ``window`` (daily, on Mondays for ISO weeks, on the 1st
    for months, like the monthly report). It judges the periods whose outcome is final,
    i.e. whose last returns could have arrived: ``period_end + return_delay_days``. A check
    pools the last ``lookback`` periods (a daily check over a week of parts, say), judges
    only when they hold at least ``min_defects`` defects (a catch rate on three defects is
    noise), and raises the alarm when the pooled catch rate is more than ``drop`` (a share
    of the baseline) below ``baseline_catch_rate``.

    Returns one row per period with the pooled figures, ``known_on`` (when its returns are
    all in), ``noticed_on`` (the first check on or after that), ``judged`` and ``alarm``.
    """
    if not 0 < baseline_catch_rate <= 1:
        raise ValueError(f"baseline_catch_rate must be in (0, 1], got {baseline_catch_rate}")
    if not 0 < drop < 1:
        raise ValueError(f"drop is a share of the baseline in (0, 1), got {drop}")
    if min_defects < 1 or lookback < 1 or return_delay_days < 0:
        raise ValueError(
            "min_defects and lookback must be at least 1 and return_delay_days at least 0, "
            f"got {min_defects}, {lookback}, {return_delay_days}"
        )
    table = catch_rate_by_period(shift_log, flags, window)
    pooled = table[["parts", "defects", "caught"]].rolling(lookback, min_periods=1).sum()
    checks = table[["period_start", "period_end"]].copy()
    checks["parts"] = pooled["parts"].astype("int64")
    checks["defects"] = pooled["defects"].astype("int64")
    checks["caught"] = pooled["caught"].astype("int64")
    checks["catch_rate"] = checks["caught"] / checks["defects"].where(checks["defects"] > 0)
    checks["known_on"] = checks["period_end"] + pd.Timedelta(days=return_delay_days)
    checks["noticed_on"] = _next_check(pd.DatetimeIndex(checks["known_on"]), window)
    checks["judged"] = checks["defects"] >= min_defects
    threshold = baseline_catch_rate * (1 - drop)
    checks["alarm"] = checks["judged"] & (checks["catch_rate"] < threshold)
    return checks


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


@dataclass(frozen=True)
class Alarm:
    """The first check that saw the catch rate drop."""

    period: str
    period_start: pd.Timestamp
    period_end: pd.Timestamp
    noticed_on: pd.Timestamp
    catch_rate: float
    baseline_catch_rate: float
    defects: int
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
    return_delay_days: int = 0,
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
        return_delay_days=return_delay_days,
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
        defects=int(row["defects"]),
        window=window,
    )
