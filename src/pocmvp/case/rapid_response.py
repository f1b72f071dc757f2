"""When fires start, stage 2: rapid response's patch, and judging selections at capacity.

The rapid-response patch follows the first alarm (:func:`pocmvp.case.detection.first_notice`):
:func:`find_patch` refits the rule on the NordAlloy parts as known on the alarm's morning
(:func:`known_outcomes`), it goes live :data:`PATCH_LEAD_DAYS` later (:func:`patch_day`),
:func:`hand_over` switches to it, and :func:`compare_at_capacity` judges any selections at
the X-ray capacity; :func:`defect_rate_by_melt` is the analysis that says why.

Called by :func:`pocmvp.case.firefighting.replay`, by :mod:`pocmvp.case.risk_model` (the
outcomes known on a morning), by :mod:`pocmvp.case.preemption`, by chapter 7's claims and
self-checks, and by chapter 7.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from pocmvp.case import factory, returns
from pocmvp.case import plant_rule as rule
from pocmvp.case.detection import NEW_SUPPLIER
from pocmvp.case.returns import Returns
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics
from pocmvp.toolkit.rule import Rule

PATCH_LEAD_DAYS = 1
"""Assumption: rapid response fits the patch on the morning the alarm rings (one table, one
search, one formula) and it is live in the shift leads' sheet the next morning."""


def patch_day(alarm_on: pd.Timestamp | str) -> pd.Timestamp:
    """The morning the rapid-response patch is live: :data:`PATCH_LEAD_DAYS` after the
    alarm that triggered it."""
    return pd.Timestamp(alarm_on).normalize() + pd.Timedelta(days=PATCH_LEAD_DAYS)


def known_outcomes(
    shift_log: pd.DataFrame, tested: pd.Series, seen: Returns, on: pd.Timestamp | str
) -> pd.DataFrame:
    """The parts cast before the morning of ``on``, with ``defect`` as it is known then:
    the X-ray result of a tested part, the booked return of a shipped one. A shipped defect
    whose return is not in yet counts as good: that is all anyone could know."""
    on = pd.Timestamp(on).normalize()
    known = seen.known_on(tested, shift_log[factory.TARGET], on)
    cast_before = shift_log["cast_at"] < on
    return shift_log[cast_before].assign(**{factory.TARGET: known[cast_before]})


def new_supplier_outcomes(
    shift_log: pd.DataFrame, tested: pd.Series, seen: Returns, on: pd.Timestamp | str
) -> pd.DataFrame:
    """The NordAlloy parts cast before ``on``, with their outcomes as known then."""
    known = known_outcomes(shift_log, tested, seen, on)
    return known[known["supplier"] == NEW_SUPPLIER]


def find_patch(
    shift_log: pd.DataFrame,
    tested: pd.Series,
    seen: Returns,
    on: pd.Timestamp | str,
    *,
    economics: PlantEconomics = ECONOMICS,
    max_conditions: int = rule.MAX_CONDITIONS,
) -> Rule:
    """Rapid response's patch: the rule search refitted on the NordAlloy parts as known on
    the morning of ``on`` (the alarm's), at the same capacity and columns."""
    on = pd.Timestamp(on)
    parts = new_supplier_outcomes(shift_log, tested, seen, on)
    # The last days' parts have X-ray results but no returns yet: their known defects are
    # only the ones the live rule found. Learn from parts old enough for the first returns
    # to be in, so the patch also sees what the live rule misses.
    settled = on.normalize() - pd.Timedelta(days=returns.CUSTOMER_DELAY.days[0])
    parts = parts[parts["cast_at"] < settled]
    if parts.empty or not parts[factory.TARGET].any():
        raise ValueError(f"no NordAlloy defects are known on {on.date()}: nothing to fit a patch")
    return rule.find_rule(
        parts,
        factory.TARGET,
        economics.inspection_capacity_share,
        rule.RULE_COLUMNS,
        max_conditions=max_conditions,
    ).rule


def hand_over(
    shift_log: pd.DataFrame,
    before: pd.Series,
    after: pd.Series,
    on: pd.Timestamp | str,
    supplier: str | None = NEW_SUPPLIER,
) -> pd.Series:
    """Flags from ``before`` until ``on``, from ``after`` on that day and later (for the
    parts of ``supplier`` only, or for every part when ``supplier`` is None)."""
    for name, flags in (("before", before), ("after", after)):
        if not flags.index.equals(shift_log.index):
            raise ValueError(f"{name} must be indexed like the shift log, one value per part")
    switched = shift_log["cast_at"] >= pd.Timestamp(on)
    if supplier is not None:
        switched &= shift_log["supplier"] == supplier
    return before.where(~switched, after).astype(bool).rename("flagged")


def compare_at_capacity(
    shift_log: pd.DataFrame,
    selections: Mapping[str, pd.Series],
    since: pd.Timestamp | str,
    economics: PlantEconomics = ECONOMICS,
) -> pd.DataFrame:
    """Selections (name -> flags) judged on the parts cast ``since``, at the X-ray capacity
    of those parts (:func:`pocmvp.toolkit.rule.within_capacity`: the capacity share of each
    month's parts in the window, in casting order).

    One row per selection: parts, defects, the X-ray ``capacity`` for those parts, how many
    parts the selection ``flagged`` (before the capacity), how many were ``tested`` (after
    it), caught, false alarms, shipped defects and their cost, and the catch rate.
    """
    window = shift_log["cast_at"] >= pd.Timestamp(since)
    scope = shift_log[window]
    capacity = int(factory.month_of(scope).value_counts().map(economics.capacity).sum())
    rows = {}
    for name, flags in selections.items():
        if not flags.index.equals(shift_log.index):
            raise ValueError(f"{name!r} must be indexed like the shift log, one value per part")
        tested = rule.within_capacity(scope, flags[window].astype(bool), economics)
        score = rule.score(scope, tested)
        shipped = score.defects - score.caught
        rows[name] = {
            "parts": score.parts,
            "defects": score.defects,
            "capacity": capacity,
            "flagged": int(flags[window].sum()),
            "tested": score.flagged,
            "caught": score.caught,
            "false_alarms": score.false_alarms,
            "shipped_defects": shipped,
            "cost_of_shipped_defects": shipped * economics.cost_per_shipped_defect,
            "catch_rate": score.catch_rate,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "selection"
    return table


def defect_rate_by_melt(
    parts: pd.DataFrame, edges: Sequence[float] = (670, 676, 682, 690, 700, 710)
) -> pd.DataFrame:
    """The analysis that answers "why": defect rate by melt-temperature band and supplier.

    ``parts`` are parts whose outcome is known. Bands are the melt reading (°C); parts
    without a reading are left out. One row per band, columns ``parts`` and ``defect_rate``
    per supplier.
    """
    bins = [-np.inf, *edges, np.inf]
    labels = [f"below {edges[0]}"]
    labels += [f"{a}-{b}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    labels += [f"{edges[-1]} and above"]
    band = pd.cut(parts["melt_temp_c"], bins, right=False, labels=labels)
    grouped = parts.assign(band=band).dropna(subset=["band"])
    table = grouped.groupby(["band", "supplier"], observed=False)[factory.TARGET].agg(
        parts="size", defect_rate="mean"
    )
    table = table.unstack("supplier")
    table.index = table.index.astype(str)
    table.index.name = "melt reading (°C)"
    return table
