"""When fires start, stage 4: engineering, and what a selection is worth.

The MVP's chores and their automations are declared once in
:data:`pocmvp.case.upkeep.ENGINEERING_WORK`; :func:`engineering_table` computes their
totals. :func:`value_per_month` says what any selection (the rule, the patch, the model) is
worth in euros a month against today's blind sample, at the X-ray capacity.

Called by chapter 8.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pocmvp.case import factory, status_quo
from pocmvp.case import plant_rule as rule
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics
from pocmvp.case.upkeep import ENGINEERING_WORK, Automation


def value_per_month(
    shift_log: pd.DataFrame,
    flags: pd.Series,
    months: Sequence[str],
    economics: PlantEconomics = ECONOMICS,
) -> float:
    """What a selection is worth against today's blind every-n-th-part sample: euros of
    returns saved per month over ``months``, both held to the X-ray capacity."""
    if not flags.index.equals(shift_log.index):
        raise ValueError("flags must be indexed like the shift log, one value per part")
    chosen = factory.month_of(shift_log).isin(months)
    if not chosen.any():
        raise ValueError(f"no parts were cast in {list(months)}")
    parts = shift_log[chosen]
    tested = rule.within_capacity(parts, flags[chosen].astype(bool), economics)
    mine = status_quo.monthly_outcome(parts, tested, economics)
    today = status_quo.monthly_outcome(
        parts, status_quo.every_nth_part(parts, economics), economics
    )
    saved = today["shipped_defects"].sum() - mine["shipped_defects"].sum()
    return float(saved * economics.cost_per_shipped_defect / len(mine))


def engineering_table(items: Sequence[Automation] = ENGINEERING_WORK) -> pd.DataFrame:
    """The list as a table, with a total row for the hours (lead times of different things
    do not add up, so their total is left empty)."""
    rows = [
        {
            "automation": item.name,
            "replaces": item.replaces,
            "hours_per_month_before": item.hours_per_month_before,
            "hours_per_month_after": item.hours_per_month_after,
            "hours_saved_per_month": item.hours_saved_per_month,
            "lead_time_of": item.lead_time_of,
            "lead_time_days_before": item.lead_time_days_before,
            "lead_time_days_after": item.lead_time_days_after,
            "lead_time_cut_days": item.lead_time_cut_days,
        }
        for item in items
    ]
    table = pd.DataFrame(rows).set_index("automation")
    total = table.select_dtypes("number").sum()
    total[["lead_time_days_before", "lead_time_days_after", "lead_time_cut_days"]] = np.nan
    table.loc["total"] = total
    table.loc["total", ["replaces", "lead_time_of"]] = ""
    return table
