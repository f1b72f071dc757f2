"""When fires start, stage 1: the rule in force and detection of the December fall.

On 1 December (:data:`CHANGE_DATE`) the plant changes alloy supplier (Alucast to
NordAlloy, :data:`NEW_SUPPLIER`). The new alloy forms sludge when the melt runs *cold*, so
the live rule, which looks for hot melts, misses the new defects. This module times how
long it takes to notice:

* **the rule in force** is read from the one calendar of releases
  (:func:`pocmvp.case.iteration.flags_in_force`: v1 from September, v2 from December);
* **detection**, honestly timed: a tested part's defect is known the day after it is
  X-rayed, a shipped one only when its return is booked (:mod:`pocmvp.case.returns`: the
  customer's delay, then the monthly list or, once engineering built it, the returns
  feed). :func:`detection_times` asks :mod:`pocmvp.toolkit.monitoring` when the daily check, the
  weekly check and the monthly report first see the fall, against the catch rate known
  when the fire started (:func:`baseline`), as it happened and with the monthly list only;
  :func:`xray_results` shows what the X-ray cell alone saw.

Called by :func:`pocmvp.case.firefighting.replay`, by :mod:`pocmvp.case.preemption` (the
daily check's settings), by chapter 7's claims and self-checks, and by chapter 7. The next
stage, the patch, is :mod:`pocmvp.case.rapid_response`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pocmvp.case import factory, iteration, returns
from pocmvp.case import plant_rule as rule
from pocmvp.case.returns import Booking, Returns
from pocmvp.case.status_quo import ECONOMICS
from pocmvp.toolkit import monitoring
from pocmvp.toolkit.rule import Rule

MONITORED = {"time": factory.SCHEMA.time, "target": factory.TARGET}
"""The shift log's columns the toolkit's monitoring reads: ``cast_at`` and ``defect``."""

CHANGE_DATE = factory.SUPPLIER_CHANGE_DATE
"""The day NordAlloy's first lots were charged into the furnaces."""
NEW_SUPPLIER = factory.SUPPLIER_AFTER


# ----------------------------------------------------------------------------- the live rule


def rule_in_force(
    shift_log: pd.DataFrame, on: pd.Timestamp | str = CHANGE_DATE, economics=ECONOMICS
) -> Rule:
    """The rule live on ``on`` (default: the supplier change, when v2 is live), from the one
    calendar of releases (:data:`pocmvp.case.iteration.RELEASES`); only the history is read."""
    version = iteration.version_in_force(on)
    if version is None:
        raise ValueError(f"no rule was live on {pd.Timestamp(on).date()}: today's sample only")
    return iteration.rule_versions(shift_log, economics)[version]


def baseline(
    shift_log: pd.DataFrame, tested: pd.Series, seen: Returns, on: pd.Timestamp | str = CHANGE_DATE
) -> tuple[float, tuple[str, ...]]:
    """The catch rate the plant knew on ``on``: the live months
    (:data:`pocmvp.case.factory.HELD_OUT_MONTHS`) whose returns were all in by then, and those
    months. Every check compares with it."""
    on = pd.Timestamp(on)
    final = returns.final_months(shift_log, seen, on, factory.HELD_OUT_MONTHS)
    if not final:
        raise ValueError(f"no live month was final on {on.date()}: no baseline to compare with")
    chosen = factory.month_of(shift_log).isin(final)
    rate = monitoring.overall_catch_rate(shift_log[chosen], tested[chosen], target=factory.TARGET)
    return rate, final


# ----------------------------------------------------------------------------- detection


@dataclass(frozen=True)
class Cadence:
    """How often someone looks at the catch rate, and over how many periods."""

    name: str
    window: str  # "D", "W" or "M" (see monitoring.WINDOWS)
    lookback: int  # periods pooled per check: a daily check looks at the last 7 days


CADENCES = (
    Cadence("daily check", "D", 7),
    Cadence("weekly check", "W", 1),
    Cadence("monthly report", "M", 1),
)
DROP = 0.3
"""A check raises the alarm when the catch rate is more than 30 % below the baseline..."""
MIN_DEFECTS = 20
"""...judged only on at least 20 known defects (a catch rate on a handful is noise)..."""
MIN_SHARE_IN = 0.5
"""...and once at least half of the period's returns are usually in (see monitoring)."""
BOOKINGS = (returns.AS_IT_HAPPENED, returns.MONTHLY_LIST)
"""How returns were booked: as it happened (the returns feed from 8 December), and the
monthly list only (had engineering not built the feed)."""


def detection_times(
    shift_log: pd.DataFrame,
    tested: pd.Series,
    seen: Returns,
    *,
    bookings: Sequence[Booking] = BOOKINGS,
    drop: float = DROP,
    min_defects: int = MIN_DEFECTS,
    cadences: Sequence[Cadence] = CADENCES,
) -> pd.DataFrame:
    """When each cadence first notices the catch rate fall after the supplier change.

    ``tested`` marks the parts the X-ray cell tested, ``seen`` the returns (their delays);
    each of ``bookings`` books them its own way. One row per (cadence, booking):
    ``noticed_on``, ``days_to_notice`` (from :data:`CHANGE_DATE`; NaN if never), the
    period, the estimated catch rate and the defects known when it rang, the share of the
    period's returns in by then, and the false alarms the same check raised on the live
    months before the change (``false_alarms_before`` of ``checks_before`` judged): a
    faster check is also a noisier one. The baseline (:func:`baseline`) and the alarm level
    are in ``attrs``.
    """
    rate, months = baseline(shift_log, tested, seen)
    live_start = pd.Timestamp(f"{factory.HELD_OUT_MONTHS[0]}-01")
    rows = []
    for cadence in cadences:
        for booking in bookings:
            booked = seen.with_booking(booking)
            checks = monitoring.check_periods(
                shift_log,
                tested,
                rate,
                **MONITORED,
                window=cadence.window,
                drop=drop,
                min_defects=min_defects,
                lookback=cadence.lookback,
                returns=booked,
                min_share_in=MIN_SHARE_IN,
            )
            before = checks[
                (checks["period_start"] >= live_start) & (checks["period_end"] <= CHANGE_DATE)
            ]
            after = checks[checks["period_end"] > CHANGE_DATE]
            alarms = after[after["alarm"]].sort_values("noticed_on", kind="stable")
            alarm = alarms.iloc[0] if len(alarms) else None
            rows.append(
                {
                    "cadence": cadence.name,
                    "booking": booking.name,
                    "noticed_on": alarm["noticed_on"] if alarm is not None else pd.NaT,
                    "days_to_notice": (alarm["noticed_on"] - CHANGE_DATE).days
                    if alarm is not None
                    else np.nan,
                    "period": str(alarms.index[0]) if alarm is not None else "",
                    "catch_rate_seen": alarm["catch_rate"] if alarm is not None else np.nan,
                    "defects_known": int(alarm["caught"] + alarm["returns_seen"])
                    if alarm is not None
                    else 0,
                    "share_in": alarm["share_in"] if alarm is not None else np.nan,
                    "false_alarms_before": int(before["alarm"].sum()),
                    "checks_before": int(before["judged"].sum()),
                }
            )
    table = pd.DataFrame(rows).set_index(["cadence", "booking"])
    table.attrs["baseline_catch_rate"] = rate
    table.attrs["baseline_months"] = months
    table.attrs["alarm_below"] = rate * (1 - drop)
    return table


def days_to_notice(
    shift_log: pd.DataFrame,
    tested: pd.Series,
    seen: Returns,
    cadence: str,
    booking: Booking = returns.AS_IT_HAPPENED,
) -> float:
    """Days from the change until ``cadence`` (a name in :data:`CADENCES`) notices the fall
    with returns booked by ``booking``."""
    chosen = [c for c in CADENCES if c.name == cadence]
    if not chosen:
        raise ValueError(f"cadence must be one of {[c.name for c in CADENCES]}, got {cadence!r}")
    table = detection_times(shift_log, tested, seen, bookings=(booking,), cadences=chosen)
    return float(table["days_to_notice"].iloc[0])


def first_notice(
    detection: pd.DataFrame, booking: Booking = returns.AS_IT_HAPPENED
) -> tuple[str, pd.Timestamp]:
    """The cadence that noticed first with ``booking``, and the morning it rang."""
    noticed = detection["noticed_on"].xs(booking.name, level="booking").dropna()
    if noticed.empty:
        raise ValueError(f"no check noticed the fall with the {booking.name}")
    cadence = str(noticed.sort_values(kind="stable").index[0])
    return cadence, pd.Timestamp(noticed[cadence])


def xray_results(shift_log: pd.DataFrame, tested: pd.Series, window: str = "W") -> pd.DataFrame:
    """What the X-ray cell itself knows the same day, per period: parts tested, found
    defective, the hit rate (found / tested) and the defect types found.

    It never sees the parts it did not test: a fall in the catch rate shows up here only if
    the tested parts themselves change.
    """
    table = monitoring.catch_rate_by_period(shift_log, tested, window, **MONITORED)
    found = pd.DataFrame(
        {
            "start": monitoring.period_start(shift_log["cast_at"], window),
            "type": shift_log["defect_type"].where(tested & shift_log["defect"].astype(bool)),
        }
    ).dropna()
    types = found.groupby(["start", "type"]).size().unstack(fill_value=0)
    types = types.reindex(columns=list(factory.DEFECT_TYPES), fill_value=0)
    types = types.reindex(table["period_start"].to_numpy(), fill_value=0)
    out = pd.DataFrame(
        {
            "period_start": table["period_start"],
            "tested": table["flagged"],
            "found_defective": table["caught"],
            "hit_rate": table["caught"] / table["flagged"].where(table["flagged"] > 0),
        },
        index=table.index,
    )
    for kind in factory.DEFECT_TYPES:
        share = types[kind].to_numpy() / out["found_defective"].where(out["found_defective"] > 0)
        out[f"{kind}_share"] = share
    return out


def before_and_after(shift_log: pd.DataFrame, tested: pd.Series) -> pd.DataFrame:
    """The live months before the change against December: what the X-ray cell saw at once
    (tested, found, hit rate), and what only the returns revealed (defects, catch rate)."""
    month = factory.month_of(shift_log)
    periods = {
        "live months before the change": month.isin(factory.HELD_OUT_MONTHS),
        "December (new supplier)": month == factory.FIRE_MONTH,
    }
    rows = {}
    for name, mask in periods.items():
        score = rule.score(shift_log[mask], tested[mask])
        months = month[mask].nunique()
        rows[name] = {
            "parts_per_month": score.parts / months,
            "tested_share": score.flagged_share,
            "found_per_month": score.caught / months,
            "hit_rate": score.hit_rate,
            "defect_rate": score.defects / score.parts,
            "catch_rate": score.catch_rate,
            "shipped_defects_per_month": (score.defects - score.caught) / months,
        }
    return pd.DataFrame.from_dict(rows, orient="index")
