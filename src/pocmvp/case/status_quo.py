"""The status quo: how the plant inspects today, and what the defects it ships cost.

Today the X-ray cell tests a fixed share of each month's parts, taken as every n-th part off
the line. That sample is blind to risk, so it catches defects only in proportion to its size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pocmvp.toolkit import routing


@dataclass(frozen=True)
class PlantEconomics:
    """The plant's figures that turn parts into money. All costs in euros."""

    inspection_capacity_share: float = 0.05
    """Share of each month's parts the X-ray cell can test (its capacity)."""
    cost_per_shipped_defect: float = 250.0
    """A customer return: freight, sorting at the customer, credit note and penalty."""
    cost_per_extra_test: float = 6.0
    """Operator time and consumables for one X-ray test (the same for every option)."""
    minutes_per_extra_test: float = 4.0

    def capacity(self, n_parts: int) -> int:
        """How many parts the X-ray cell can test out of ``n_parts``."""
        return routing.monthly_capacity(n_parts, self.inspection_capacity_share)


ECONOMICS = PlantEconomics()


def every_nth_part(shift_log: pd.DataFrame, economics: PlantEconomics = ECONOMICS) -> pd.Series:
    """Today's selection: every n-th part of each month goes to the X-ray test.

    It is the workbook's one routing (:func:`pocmvp.toolkit.routing.route`) with nothing flagged."""
    return routing.route(shift_log, None, economics.inspection_capacity_share, time="cast_at")


def monthly_outcome(
    shift_log: pd.DataFrame, tested: pd.Series, economics: PlantEconomics = ECONOMICS
) -> pd.DataFrame:
    """Per month: parts, defects, parts tested, defects caught and shipped, and their cost.

    ``tested`` marks the parts sent to the X-ray test; the test finds every defect it sees.
    """
    if not tested.index.equals(shift_log.index):
        raise ValueError("tested must be indexed like the shift log, one value per part")
    defect = shift_log["defect"].to_numpy(dtype=bool)
    tested = tested.to_numpy(dtype=bool)
    # Counted on each row's position among the months (in order; a part with no time is in
    # none): the sums of grouping a frame by a month label a row, without writing the labels
    # or grouping (this runs for every option on every month range the workbook routes).
    position, months = routing.month_positions(shift_log["cast_at"])
    counted = position >= 0

    def per_month(rows: np.ndarray) -> np.ndarray:
        return np.bincount(position[rows & counted], minlength=len(months)).astype("int64")

    everything = np.ones(len(defect), dtype=bool)
    table = pd.DataFrame(
        {
            "parts": per_month(everything),
            "defects": per_month(defect),
            "tested": per_month(tested),
            "caught": per_month(defect & tested),
            "false_alarms": per_month(~defect & tested),
            "shipped_defects": per_month(defect & ~tested),
        },
        index=months.rename("month"),
    )
    table["defect_rate"] = table["defects"] / table["parts"]
    table["catch_rate"] = table["caught"] / table["defects"].where(table["defects"] > 0)
    table["cost_of_shipped_defects"] = table["shipped_defects"] * economics.cost_per_shipped_defect
    return table


@dataclass(frozen=True)
class Baseline:
    """The cost of the status quo over a set of months."""

    parts: int
    defects: int
    defect_rate: float
    months: int
    shipped_defects_per_month: float
    cost_per_month: float
    cost_per_year: float
    catch_rate: float


def baseline(shift_log: pd.DataFrame, economics: PlantEconomics = ECONOMICS) -> Baseline:
    """Summarise today's inspection over every month in ``shift_log``."""
    table = monthly_outcome(shift_log, every_nth_part(shift_log, economics), economics)
    months = len(table)
    shipped_per_month = table["shipped_defects"].sum() / months
    cost_per_month = table["cost_of_shipped_defects"].sum() / months
    return Baseline(
        parts=int(table["parts"].sum()),
        defects=int(table["defects"].sum()),
        defect_rate=float(table["defects"].sum() / table["parts"].sum()),
        months=months,
        shipped_defects_per_month=float(shipped_per_month),
        cost_per_month=float(cost_per_month),
        cost_per_year=float(cost_per_month * 12),
        catch_rate=float(table["caught"].sum() / table["defects"].sum()),
    )
