"""Wins that are seen: the value the live rule has captured since it went live.

Every monthly report states it, month by month, from the figures the report already
computes (:meth:`pocmvp.case.report.PlantReport.known`): a month's value is the defective
parts its X-ray tests caught beyond today's every-n-th-part sample at the same number of
tests, times the cost of a customer return, and it is known only once the month is
**final** (every return that can come is booked by the report's morning). A month not final
yet is listed as such and **not counted**: the running total counts final months only, so
it never states a figure before it could be known. Chapter 5 quotes the same total, computed
by :func:`since_go_live` on the date it speaks.
"""

from __future__ import annotations

import pandas as pd

from pocmvp.case import iteration
from pocmvp.case.report_words import FINAL


def go_live_month() -> str:
    """The month the first rule went live (``YYYY-MM``), from the approved rule files."""
    return iteration.RELEASES[0].live_from.strftime("%Y-%m")


def since_go_live(monthly: pd.DataFrame, month: str) -> dict | None:
    """The value captured since the rule went live, as known on the report's morning.

    ``monthly`` is the report's table of months (index ``YYYY-MM``, columns ``status`` and
    ``value_eur``, the value set only for final months), ``month`` the report's month.
    Returns the go-live month, every month from it to ``month`` with its status and its
    value (None unless final), the running total of the final months (each month's total so
    far, None for a month not final) and the total, the count of final months and the months
    not counted; None for a month before the rule went live.
    """
    first = go_live_month()
    if month < first:
        return None
    live = monthly.loc[(monthly.index >= first) & (monthly.index <= month)]
    final = live["status"] == FINAL
    value = live["value_eur"].where(final).astype(float)
    running = value.fillna(0.0).cumsum()
    months = [
        {
            "month": str(m),
            "status": str(live.loc[m, "status"]),
            "value_eur": float(value[m]) if final[m] else None,
            "running_total_eur": float(running[m]) if final[m] else None,
        }
        for m in live.index
    ]
    return {
        "go_live": iteration.RELEASES[0].live_from.strftime("%Y-%m-%d"),
        "go_live_version": iteration.RELEASES[0].version,
        "months": months,
        "total_eur": float(value[final].sum()),
        "final_months": [str(m) for m in live.index[final]],
        "not_final_months": [str(m) for m in live.index[~final]],
    }
