"""What a plan is worth, month by month, and the plans themselves.

Expected value counts the chance that a step never ships: its build cost is spent either
way, and a later step is attempted only once the step before it has shipped. Every
break-even month in the workbook comes from :func:`break_even_month`, and every decision
to build a step comes from :func:`value_at`: "MVP now, then the model" builds a model step
only if it adds to the plan's value over the horizon (:func:`mvp_then_model`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pocmvp.case.business_case.economics import BREAK_EVEN_SEARCH_MONTHS, HORIZON_MONTHS
from pocmvp.case.business_case.plans import (
    DELIVERABLES,
    MVP_ONLY,
    MVP_THEN_MODEL,
    POC_CHEAP,
    POC_FIRST,
    POC_MODEL,
    RULE,
    THEN_THE_MODEL,
    ModelStep,
    Plan,
    Skipped,
    Step,
    model_step,
    mvp_step,
    poc_cheap_step,
    poc_step,
    scaled_costs,
)

# --- Value month by month ----------------------------------------------------------------------


def monthly_value(plan: Plan, horizon: int = HORIZON_MONTHS) -> pd.Series:
    """Expected net value in each month 1..horizon (euros).

    A step's one-off cost is spent evenly from its start to its go-live, if it is attempted
    (every step before it shipped). Once live, it adds what it saves beyond the best step
    before it, and costs its running cost, both weighted by the chance it shipped.
    """
    month = _months(horizon)
    return pd.Series(
        _monthly_values(plan, horizon),
        index=pd.Index(month.astype(int), name="month"),
        name=plan.name,
    )


def _monthly_values(plan: Plan, horizon: int) -> np.ndarray:
    """:func:`monthly_value`'s figures, without the Series: :func:`value_at` needs only their
    sum, and the plans are valued thousands of times (every grid point, every bootstrap
    draw, every step weighed)."""
    month = _months(horizon)
    value = np.zeros(horizon)
    chance_attempted, best_saving = 1.0, 0.0
    for step, start in zip(plan.steps, plan.starts(), strict=True):
        value -= step.one_off_cost * chance_attempted * _spend_share(month, start, step)
        live = np.clip(month - (start + step.months_to_go_live), 0, 1)
        chance_live = chance_attempted * step.chance_of_shipping
        gain = max(step.monthly_saving - best_saving, 0.0)
        value += chance_live * live * (gain - step.running_cost_per_month)
        best_saving = max(best_saving, step.monthly_saving)
        chance_attempted = chance_live
    return value


_MONTHS: dict[int, np.ndarray] = {}


def _months(horizon: int) -> np.ndarray:
    """Months 1..horizon as floats, made once per horizon (read-only: shared by every call)."""
    if horizon not in _MONTHS:
        month = np.arange(1, horizon + 1, dtype=float)
        month.flags.writeable = False
        _MONTHS[horizon] = month
    return _MONTHS[horizon]


def _spend_share(month: np.ndarray, start: float, step: Step) -> np.ndarray:
    """Share of a step's one-off cost spent in each month (evenly while it is built)."""
    build = step.months_to_go_live
    if build <= 0:
        return (month == math.floor(start) + 1).astype(float)
    overlap = np.clip(np.minimum(month, start + build) - np.maximum(month - 1, start), 0, None)
    return overlap / build


def cumulative_value(plan: Plan, horizon: int = HORIZON_MONTHS) -> pd.Series:
    """Expected cumulative net value at the end of each month."""
    return monthly_value(plan, horizon).cumsum()


def value_at(plan: Plan, horizon: int = HORIZON_MONTHS) -> float:
    """Expected cumulative net value at the end of month ``horizon``: the sum of
    :func:`monthly_value`, as the Series sums it (a missing month counts as zero)."""
    return float(np.nansum(_monthly_values(plan, horizon)))


def break_even_month(plan: Plan, horizon: int = BREAK_EVEN_SEARCH_MONTHS) -> int | None:
    """The month from which the expected cumulative value stays above zero, or None if it is
    not above zero at the end of ``horizon`` months.

    The one break-even function of the workbook: chapter 3's payback and chapter 5's plans.
    """
    cumulative = cumulative_value(plan, horizon).to_numpy()
    if cumulative[-1] <= 0:
        return None
    not_yet = np.flatnonzero(cumulative <= 0)
    return int(not_yet[-1] + 2) if len(not_yet) else 1


def months_to_break_even(plan: Plan) -> int:
    """:func:`break_even_month`, or one month past the search when there is none (a finite
    figure a claim can compare with a band)."""
    month = break_even_month(plan)
    return BREAK_EVEN_SEARCH_MONTHS + 1 if month is None else month


# --- The four plans ------------------------------------------------------------------------------


def poc_first(
    monthly_saving: float,
    *,
    months_to_go_live: float | None = None,
    chance: float | None = None,
    cost_scale: float = 1.0,
) -> Plan:
    """Build the POC first, through the whole production bill."""
    step = poc_step(monthly_saving, months_to_go_live=months_to_go_live, chance=chance)
    return Plan(POC_FIRST, (scaled_costs(step, cost_scale),))


def poc_cheap(
    monthly_saving: float,
    *,
    months_to_go_live: float | None = None,
    chance: float | None = None,
    cost_scale: float = 1.0,
) -> Plan:
    """Build the POC first, the cheapest way that existed on the decision date."""
    step = poc_cheap_step(monthly_saving, months_to_go_live=months_to_go_live, chance=chance)
    return Plan(POC_CHEAP, (scaled_costs(step, cost_scale),))


def mvp_only(monthly_saving: float, *, cost_scale: float = 1.0) -> Plan:
    """Put the rule live and keep it."""
    return Plan(MVP_ONLY, (scaled_costs(mvp_step(monthly_saving), cost_scale),))


def mvp_then_model(
    savings: dict[str, float],
    *,
    horizon: int = HORIZON_MONTHS,
    cost_scale: float = 1.0,
    model_cost_scale: float = 1.0,
    steps: tuple[ModelStep, ...] = THEN_THE_MODEL,
) -> Plan:
    """The rule now; then each declared model step, if the evidence justifies it.

    ``savings`` maps each deliverable (:data:`DELIVERABLES`) to euros a month. A model step is
    built only if it adds to the plan's expected value over ``horizon`` months (it repays its
    own cost in time); otherwise it is kept in :attr:`Plan.skipped` with what it would add.
    ``model_cost_scale`` scales the model steps' costs alone (the boundary of chapter 5).
    """
    taken = [scaled_costs(mvp_step(savings[RULE]), cost_scale)]
    skipped, built = [], set()
    before = value_at(Plan(MVP_THEN_MODEL, tuple(taken)), horizon)
    for declared in steps:
        step = scaled_costs(
            model_step(declared, savings[declared.delivers], built), cost_scale * model_cost_scale
        )
        after = value_at(Plan(MVP_THEN_MODEL, (*taken, step)), horizon)
        if after > before:  # the plan with the step is the next step's "before"
            taken.append(step)
            built |= set(step.systems_changed)
            before = after
        else:
            skipped.append(Skipped(step, after - before))
    return Plan(MVP_THEN_MODEL, tuple(taken), tuple(skipped))


def four_plans(
    savings: dict[str, float],
    *,
    horizon: int = HORIZON_MONTHS,
    poc_months_to_go_live: float | None = None,
    poc_chance: float | None = None,
    cost_scale: float = 1.0,
) -> dict[str, Plan]:
    """POC first (the whole bill, and the cheap way), MVP only, and MVP now then the model,
    from the ``savings`` a month of each deliverable. ``poc_months_to_go_live`` and
    ``poc_chance`` override POC first's (the whole bill's) figures only."""
    missing = [d for d in DELIVERABLES if d not in savings]
    if missing:
        raise ValueError(f"savings needs a value for {missing}")
    return {
        POC_FIRST: poc_first(
            savings[POC_MODEL],
            months_to_go_live=poc_months_to_go_live,
            chance=poc_chance,
            cost_scale=cost_scale,
        ),
        POC_CHEAP: poc_cheap(savings[POC_MODEL], cost_scale=cost_scale),
        MVP_ONLY: mvp_only(savings[RULE], cost_scale=cost_scale),
        MVP_THEN_MODEL: mvp_then_model(savings, horizon=horizon, cost_scale=cost_scale),
    }


def compare(plans: dict[str, Plan], horizon: int = HORIZON_MONTHS) -> pd.DataFrame:
    """Side by side: steps, systems, people retrained, first saving, value, break-even."""
    table = pd.DataFrame(
        {
            "steps built": [len(p.steps) for p in plans.values()],
            "systems changed": [len(p.systems_changed) for p in plans.values()],
            "people retrained": [p.people_retrained for p in plans.values()],
            "first saving in month": [round(p.go_live()[0], 2) for p in plans.values()],
            "one-off cost of its steps (€)": [round(p.one_off_cost) for p in plans.values()],
            "chance the last step ships": [round(p.chance_live()[-1], 3) for p in plans.values()],
            f"expected value over {horizon} months (€)": [
                round(value_at(p, horizon)) for p in plans.values()
            ],
            "break-even month": pd.array([break_even_month(p) for p in plans.values()], "Int64"),
        },
        index=pd.Index(list(plans), name="plan"),
    )
    return table


def steps_table(plan: Plan) -> pd.DataFrame:
    """Each step of a plan, built or weighed and skipped, with its declared figures."""
    live = dict(zip([s.name for s in plan.steps], plan.go_live(), strict=True))
    rows = [(s, None) for s in plan.steps] + [(k.step, k.value_added) for k in plan.skipped]
    return pd.DataFrame(
        [
            {
                "step": step.name,
                "built": added is None,
                "saving when live (€/month)": round(step.monthly_saving),
                "months to build": round(step.months_to_go_live, 2),
                "live in month": round(live[step.name], 2) if step.name in live else np.nan,
                "one-off cost (€)": round(step.one_off_cost),
                "running cost (€/month)": round(step.running_cost_per_month),
                "systems changed": ", ".join(step.systems_changed) or "none",
                "chance it ships": round(step.chance_of_shipping, 3),
                "value it would add (€)": np.nan if added is None else round(added),
            }
            for step, added in rows
        ]
    ).set_index("step")
