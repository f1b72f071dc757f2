"""The verdict: where POC first (either way) would win, and where the model step is built.

Every boundary here is found by the same valuation as the plans themselves
(:mod:`pocmvp.case.business_case.valuation`): a figure is moved until the decision flips.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pocmvp.case import bill
from pocmvp.case.business_case.economics import BREAK_EVEN_SEARCH_MONTHS, HORIZON_MONTHS
from pocmvp.case.business_case.plans import (
    MVP_THEN_MODEL,
    POC_CHEAP,
    POC_FIRST,
    POC_MODEL,
    THEN_THE_MODEL,
)
from pocmvp.case.business_case.valuation import (
    four_plans,
    mvp_then_model,
    poc_cheap,
    poc_first,
    value_at,
)

RIVALS = {POC_FIRST: poc_first, POC_CHEAP: poc_cheap}
"""The two ways to build the POC first, each against MVP first."""


def margin(
    savings: dict[str, float],
    *,
    poc_months_to_go_live: float | None = None,
    poc_chance: float | None = None,
    cost_scale: float = 1.0,
    horizon: int = HORIZON_MONTHS,
    rival: str = POC_FIRST,
) -> float:
    """MVP first (MVP now, then the model) minus ``rival`` (POC first through the whole bill,
    or the cheap way), expected value over ``horizon``."""
    if rival not in RIVALS:
        raise ValueError(f"rival must be one of {sorted(RIVALS)}, got {rival!r}")
    poc = RIVALS[rival](
        savings[POC_MODEL],
        months_to_go_live=poc_months_to_go_live,
        chance=poc_chance,
        cost_scale=cost_scale,
    )
    mvp_first = mvp_then_model(savings, horizon=horizon, cost_scale=cost_scale)
    return value_at(mvp_first, horizon) - value_at(poc, horizon)


def lead_over_poc_first(savings: dict[str, float], *, horizon: int = HORIZON_MONTHS) -> float:
    """MVP now, then the model, minus the better of the two POC-first plans (the whole bill,
    the cheap way), each as declared: the plans of :func:`four_plans` on these ``savings``."""
    plans = four_plans(savings, horizon=horizon)
    return value_at(plans[MVP_THEN_MODEL], horizon) - max(
        value_at(plans[name], horizon) for name in RIVALS
    )


def lowest_winning_chance(
    savings: dict[str, float],
    months_to_go_live: Iterable[float],
    *,
    cost_scale: float = 1.0,
    horizon: int = HORIZON_MONTHS,
) -> pd.Series:
    """For each months to go live, the lowest chance of shipping at which POC first would beat
    MVP first over ``horizon`` months: NaN where it would not even if sure to ship.

    The POC's expected value is a straight line in its chance of shipping (its build cost is
    spent either way), so the boundary is where that line crosses MVP first's value.
    """
    mvp_first = value_at(mvp_then_model(savings, horizon=horizon, cost_scale=cost_scale), horizon)
    months = np.asarray(list(months_to_go_live), dtype=float)
    lowest = []
    for m in months:
        never, sure = (
            value_at(
                poc_first(
                    savings[POC_MODEL], months_to_go_live=m, chance=chance, cost_scale=cost_scale
                ),
                horizon,
            )
            for chance in (0.0, 1.0)
        )
        crossing = (mvp_first - never) / (sure - never) if sure > never else math.inf
        lowest.append(max(crossing, 0.0) if crossing <= 1 else np.nan)
    return pd.Series(
        lowest, index=pd.Index(months, name="months to go live"), name="lowest winning chance"
    )


def smallest_winning_return_cost_share(
    savings: dict[str, float],
    *,
    poc_months_to_go_live: float = 0.0,
    poc_chance: float | None = 1.0,
    horizon: int = HORIZON_MONTHS,
    largest: float = 10_000.0,
    rival: str = POC_FIRST,
) -> float | None:
    """The smallest cost of a return, as a share of today's, at which ``rival`` (with these
    months and chance; by default live at once and sure to ship; None: as declared) would
    beat MVP first.

    Dearer returns scale every saving; costs stay. None if the rival loses up to ``largest``.
    """

    def poc_ahead(share: float) -> bool:
        dearer = {name: value * share for name, value in savings.items()}
        return (
            margin(
                dearer,
                poc_months_to_go_live=poc_months_to_go_live,
                poc_chance=poc_chance,
                horizon=horizon,
                rival=rival,
            )
            < 0
        )

    shares = np.geomspace(1.0, largest, 121)
    ahead = [poc_ahead(share) for share in shares]
    if not any(ahead):
        return None
    first = ahead.index(True)
    if first == 0:
        return 1.0
    low, high = shares[first - 1], shares[first]
    for _ in range(40):  # bisection to well under a euro of the cost of a return
        middle = (low + high) / 2
        low, high = (low, middle) if poc_ahead(middle) else (middle, high)
    return float(high)


ESTIMATE_FACTOR = 1.5
"""Declared: how far off an estimate may be, as a factor either way (two thirds to half as
much again)."""


@dataclass(frozen=True)
class AssumptionRange:
    """Ranges of the assumptions over which the verdict must hold."""

    poc_chance: tuple[float, float] = (0.0, 1.0)
    poc_months_share: tuple[float, float] = (1 / ESTIMATE_FACTOR, ESTIMATE_FACTOR)
    """The POC's months to go live, as a share of the production bill's."""
    cost_of_return_share: tuple[float, float] = (1 / ESTIMATE_FACTOR, ESTIMATE_FACTOR)
    """The cost of a return, as a share of today's."""


VERDICT_RANGE = AssumptionRange()
"""Declared: any chance that the POC ships, from never to surely; its months to go live and
the cost of a return each off by up to :data:`ESTIMATE_FACTOR` either way."""


@dataclass(frozen=True)
class Verdict:
    """MVP first against POC first over a range of assumptions."""

    smallest_margin: float
    """The smallest value of MVP first minus POC first anywhere in the range (euros)."""
    where: dict[str, float] = field(default_factory=dict)
    """The assumptions at which that smallest margin occurs."""

    @property
    def holds(self) -> bool:
        return self.smallest_margin > 0


def verdict_over(
    savings: dict[str, float],
    assumptions: AssumptionRange = VERDICT_RANGE,
    *,
    points: int = 5,
    horizon: int = HORIZON_MONTHS,
) -> Verdict:
    """The smallest margin of MVP first over POC first on a grid spanning ``assumptions``."""
    bill_months = bill.months_to_go_live()
    smallest, where = math.inf, {}
    for share in np.linspace(*assumptions.cost_of_return_share, points):
        dearer = {name: value * share for name, value in savings.items()}
        for months_share in np.linspace(*assumptions.poc_months_share, points):
            for chance in np.linspace(*assumptions.poc_chance, points):
                value = margin(
                    dearer,
                    poc_months_to_go_live=bill_months * months_share,
                    poc_chance=chance,
                    horizon=horizon,
                )
                if value < smallest:
                    smallest = value
                    where = {
                        "cost_of_return_share": float(share),
                        "poc_months_to_go_live": float(bill_months * months_share),
                        "poc_chance": float(chance),
                    }
    return Verdict(smallest_margin=float(smallest), where=where)


def margin_where(
    savings: dict[str, float], where: dict[str, float], *, horizon: int = HORIZON_MONTHS
) -> float:
    """MVP first minus POC first at one point of the range (a :attr:`Verdict.where`): the
    margin :func:`verdict_over` finds there, on any ``savings``."""
    dearer = {name: value * where["cost_of_return_share"] for name, value in savings.items()}
    return margin(
        dearer,
        poc_months_to_go_live=where["poc_months_to_go_live"],
        poc_chance=where["poc_chance"],
        horizon=horizon,
    )


# --- When is the model step built? -------------------------------------------------------------


def built_steps(
    savings: dict[str, float],
    *,
    horizon: int = HORIZON_MONTHS,
    return_cost_share: float = 1.0,
    model_cost_scale: float = 1.0,
) -> tuple[str, ...]:
    """The model steps "MVP now, then the model" builds with these economics."""
    dearer = {name: value * return_cost_share for name, value in savings.items()}
    plan = mvp_then_model(dearer, horizon=horizon, model_cost_scale=model_cost_scale)
    return tuple(step.name for step in plan.steps[1:])


def _flip(is_built: Callable[[float], bool], low: float, high: float) -> float | None:
    """Where ``is_built`` changes between ``low`` and ``high`` (geometric grid, then
    bisection); None if it is the same everywhere on the grid."""
    grid = np.geomspace(low, high, 25)
    states = [is_built(x) for x in grid]
    changes = [i for i in range(1, len(grid)) if states[i] != states[i - 1]]
    if not changes:
        return None
    a, b = grid[changes[0] - 1], grid[changes[0]]
    first = states[changes[0] - 1]
    for _ in range(20):
        middle = (a + b) / 2
        a, b = (middle, b) if is_built(middle) == first else (a, middle)
    return float((a + b) / 2)


def _shortest_horizon(is_built: Callable[[int], bool]) -> int | None:
    """The shortest horizon at which ``is_built`` holds (a step that pays for itself keeps
    paying, so it holds from there on); None if not within the search."""
    if not is_built(BREAK_EVEN_SEARCH_MONTHS):
        return None
    low, high = 0, BREAK_EVEN_SEARCH_MONTHS  # not built at low (nothing is built in 0 months)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if is_built(middle) else (middle, high)
    return high


@dataclass(frozen=True)
class StepBoundary:
    """Where one model step starts or stops being worth building."""

    step: str
    built: bool
    """Whether it is built at the declared economics."""
    shortest_horizon: int | None
    """The shortest horizon (months) at which it is built; None if not within the search."""
    lowest_return_cost_share: float | None
    """The lowest cost of a return (share of today's) at which it is built."""
    highest_cost_scale: float | None
    """The largest multiple of its declared build and running cost at which it is built."""


def step_boundaries(
    savings: dict[str, float], *, horizon: int = HORIZON_MONTHS
) -> list[StepBoundary]:
    """For each declared model step: is it built, and how far horizon, the cost of a
    return, and its own cost (the MES feed's for the second) could move before that flips.

    A step is judged with every other figure as declared; a later step's boundaries assume
    the steps before it are built as they are at the declared economics.
    """
    boundaries = []
    for declared in THEN_THE_MODEL:
        name = declared.name

        def has(steps: tuple[str, ...], name: str = name) -> bool:
            return name in steps

        shortest = _shortest_horizon(lambda m: has(built_steps(savings, horizon=m)))
        boundaries.append(
            StepBoundary(
                step=name,
                built=has(built_steps(savings, horizon=horizon)),
                shortest_horizon=shortest,
                lowest_return_cost_share=_flip(
                    lambda s: has(built_steps(savings, horizon=horizon, return_cost_share=s)),
                    0.05,
                    50.0,
                ),
                highest_cost_scale=_flip(
                    lambda s: has(built_steps(savings, horizon=horizon, model_cost_scale=s)),
                    0.02,
                    50.0,
                ),
            )
        )
    return boundaries


def boundaries_table(boundaries: Iterable[StepBoundary], cost_of_return: float) -> pd.DataFrame:
    """One row per model step: built or not, and where that flips."""
    return pd.DataFrame(
        [
            {
                "step": b.step,
                "built at the declared economics": b.built,
                "built from a horizon of (months)": b.shortest_horizon,
                "built from a return cost of (€)": math.nan
                if b.lowest_return_cost_share is None
                else round(b.lowest_return_cost_share * cost_of_return),
                "built up to its cost times": math.nan
                if b.highest_cost_scale is None
                else round(b.highest_cost_scale, 2),
            }
            for b in boundaries
        ]
    ).set_index("step")
