"""Calendar periods for watching a rule: days, ISO weeks and months, and check mornings.

A period's first day (:func:`period_start`), its readable name (:func:`period_label`) and the
day after it (:func:`period_end`); the mornings a check of each cadence runs
(:func:`check_dates`): every day, every Monday, or the first of every month. Used by
:mod:`pocmvp.toolkit.monitoring`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

WINDOWS = {"D": "day", "W": "ISO week", "M": "month"}
"""The periods a check can summarise, and how often it runs (at the end of each period)."""

_FREQUENCY = {"D": "D", "W": "W-MON", "M": "MS"}


def _check_window(window: str) -> str:
    if window not in WINDOWS:
        raise ValueError(
            f"window must be one of {list(WINDOWS)} (day, ISO week, month), got {window!r}"
        )
    return window


def period_start(times: pd.Series, window: str) -> pd.Series:
    """The first day of each row's period: its day, the Monday of its ISO week, or the 1st."""
    day = times.dt.normalize()
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


def period_starts(first: pd.Timestamp, last: pd.Timestamp, window: str) -> pd.DatetimeIndex:
    """The first day of every period from ``first``'s to ``last``'s (both period starts)."""
    return pd.date_range(first, last, freq=_FREQUENCY[_check_window(window)])


def period_end(starts: pd.DatetimeIndex, window: str) -> pd.DatetimeIndex:
    """The first day after each period."""
    if window == "D":
        return starts + pd.Timedelta(days=1)
    if window == "W":
        return starts + pd.Timedelta(days=7)
    return starts + pd.offsets.MonthBegin(1)


def next_check(dates: pd.DatetimeIndex, window: str) -> np.ndarray:
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
    first = pd.Timestamp(next_check(pd.DatetimeIndex([start]), window)[0])
    return pd.date_range(first, pd.Timestamp(end).normalize(), freq=_FREQUENCY[window])
