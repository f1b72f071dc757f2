"""The business case: three plans to ship fewer defective parts, valued month by month.

A plan is a sequence of steps, and a step saves money only once it is live. What a step
saves is measured, not assumed: defective parts shipped fewer than today on the held-out
months, through the one routing (:func:`pocmvp.case.poc.decision_flags`, then
:func:`pocmvp.case.poc.promise`), times the cost of a return (:func:`measure`). What a step takes
(months to go live, one-off and running cost, systems changed, people retrained) is computed
from declared lists: the production bill (:mod:`pocmvp.case.bill`) for the POC, the MVP's tasks
and upkeep (:data:`MVP_TASKS`, :mod:`pocmvp.case.upkeep`), and the model steps below
(:data:`THEN_THE_MODEL`). Its chance of shipping is declared, not measured
(:func:`chance_of_shipping`).

The three plans (:func:`three_plans`):

* **POC first**: the whole production bill of chapter 3, then the POC's saving.
* **MVP only**: the spreadsheet rule, live in about a week.
* **MVP now, then the model**: the rule; once it has run for :data:`EVIDENCE_MONTHS`, a
  shift-log model scored by a job that writes into the column the X-ray cell already reads;
  then the MES feed for the POC's model. A step after the rule is built only if the evidence
  justifies it: on the measured savings it must repay its own cost within the horizon.

The shift-log model is the one of chapter 2's shift-log baselines that does best on the last
history months, which the baselines did not learn from (:func:`choose_shift_log_model`): a
model a team can put live without the MES feed, chosen without looking at a held-out month.

Expected value counts the chance that a step never ships: its build cost is spent either
way, and a later step is attempted only once the step before it has shipped. Every
break-even month in the workbook comes from :func:`break_even_month`.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import math
import sys
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pocmvp.case import baselines, bill, factory, poc, upkeep
from pocmvp.case import plant_rule as rule
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics

HORIZON_MONTHS = 24
"""The months over which the plans are compared."""
BREAK_EVEN_SEARCH_MONTHS = 120
"""How far :func:`break_even_month` looks before it says "no break-even"."""
WORKING_DAYS_PER_MONTH = 20
HOURS_PER_DAY = 8
DAY_RATE = bill.PERSON_WEEK_EUR / 5
"""Loaded cost of one person-day, the same rate the POC's production bill uses."""
EVIDENCE_MONTHS = 3.0
"""Months a step runs live before the next one is decided: three monthly reports."""

RULE, SHIFT_LOG_MODEL, POC_MODEL = "rule", "shift-log model", "POC model"
DELIVERABLES = (RULE, SHIFT_LOG_MODEL, POC_MODEL)
"""What a step can put live; each one's saving is measured by :func:`measure`."""
POC_FIRST, MVP_ONLY, MVP_THEN_MODEL = "POC first", "MVP only", "MVP now, then the model"
PLANS = (POC_FIRST, MVP_ONLY, MVP_THEN_MODEL)

# --- The chance of shipping, declared once ---------------------------------------------------

CHANCE_ANY_PROJECT_SHIPS = 0.95
"""Declared: even a project that changes nothing can be stopped (a new priority, a leaver)."""
CHANCE_PER_SYSTEM_CHANGED = 0.8
"""Declared: each IT system a step must change is one more owner, budget and test that can
stall it."""
CHANCE_PER_DEPARTMENT_RETRAINED = 0.85
"""Declared: each department that must learn a new way of working is one more way to stall."""


def chance_of_shipping(systems_changed: int, departments_retrained: int, *, first: bool) -> float:
    """The declared chance that a step ships, from what it must change.

    A plan's first step carries :data:`CHANCE_ANY_PROJECT_SHIPS`; a later step is attempted
    only once the plan is under way, so its chance is that of its changes alone.
    """
    if systems_changed < 0 or departments_retrained < 0:
        raise ValueError("systems_changed and departments_retrained must be >= 0")
    base = CHANCE_ANY_PROJECT_SHIPS if first else 1.0
    return float(
        base
        * CHANCE_PER_SYSTEM_CHANGED**systems_changed
        * CHANCE_PER_DEPARTMENT_RETRAINED**departments_retrained
    )


POC_CHANCE_OF_SHIPPING = chance_of_shipping(
    bill.systems_changed(), bill.departments_retrained(), first=True
)
"""The POC first: three systems changed and one department retrained (chapter 3's bill)."""

# --- What each step takes, declared ----------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One piece of work to put the MVP live, in person-days."""

    name: str
    person_days: float
    system_changed: str | None = None
    """The IT system this task changes, if any (the MVP changes none)."""


MVP_TASKS: tuple[Task, ...] = (
    Task("find the rule on the history and check it against the held-out months", 2.0),
    Task("write the rule into the quality lead's workbook as a formula column", 1.0),
    Task("set up the monthly report email", 1.0),
    Task("walk the quality lead and the X-ray operators through it", 0.5),
)
MVP_RUNNING_HOURS_PER_MONTH = upkeep.mvp_hours_per_month()
"""The manual chores that keep the MVP alive (:data:`pocmvp.case.upkeep.ENGINEERING_WORK`, before
engineering automates them): the same hours chapter 7 counts."""
MVP_CHANCE_OF_SHIPPING = chance_of_shipping(0, 0, first=True)
"""It touches no system and no one's job changes, so little can stop it."""

SCORING_JOB = bill.SystemChange(
    system="scoring job",
    owner="the data scientist and plant IT",
    work="score each shift-log row as it arrives and write its flag into the column the "
    "X-ray cell already works from; retrain monthly",
    weeks=4,
    people=1,
    outside_cost_eur=0,
    running_cost_per_month_eur=300,
)
"""Declared. Lighter than the bill's model service: it writes where the rule's formula
writes, so the inspection station software does not change and nobody is retrained."""


def _bill_change(system: str) -> bill.SystemChange:
    """A change of the production bill, by name (so the plans never retype the bill)."""
    for change in bill.CHANGES:
        if change.system == system:
            return change
    raise KeyError(f"the production bill declares no change named {system!r}")


@dataclass(frozen=True)
class ModelStep:
    """A step after the rule, declared: what it puts live and which systems it changes."""

    name: str
    delivers: str
    changes: tuple[bill.SystemChange, ...]
    why: str


THEN_THE_MODEL: tuple[ModelStep, ...] = (
    ModelStep(
        "the shift-log model, scored into the sheet",
        SHIFT_LOG_MODEL,
        (SCORING_JOB,),
        "a model on the columns the rule reads and the rest of the shift log, no new data",
    ),
    ModelStep(
        "the MES feed for the POC's model",
        POC_MODEL,
        (SCORING_JOB, _bill_change("MES data feed")),
        "the MES signals are what the POC has and the shift log lacks",
    ),
)
"""The steps of "MVP now, then the model" after the rule, in order. A step that needs a
system an earlier step built does not build it again. The model writes into the rule's sheet,
so the rule's upkeep carries on once a model step is live (its chores are still done by
hand until engineering automates them)."""


def model_systems(steps: tuple[ModelStep, ...] = THEN_THE_MODEL) -> tuple[str, ...]:
    """Every system the model steps would change if all of them were built."""
    return tuple(sorted({change.system for step in steps for change in step.changes}))


# --- Steps and plans ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of a plan: what it saves once live, and what it takes to get there."""

    name: str
    delivers: str
    monthly_saving: float
    """Euros saved per live month: fewer defective parts shipped times the cost of a return."""
    months_to_go_live: float
    """From the step's start; its one-off cost is spent evenly over these months."""
    one_off_cost: float
    running_cost_per_month: float
    chance_of_shipping: float
    """The chance it ships once started (given that the steps before it shipped)."""
    systems_changed: tuple[str, ...] = ()
    people_retrained: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.chance_of_shipping <= 1:
            raise ValueError(f"chance_of_shipping must be in [0, 1], got {self.chance_of_shipping}")
        if self.months_to_go_live < 0:
            raise ValueError(f"months_to_go_live must be >= 0, got {self.months_to_go_live}")
        if self.one_off_cost < 0 or self.running_cost_per_month < 0:
            raise ValueError(f"costs must be >= 0, got one-off {self.one_off_cost}")


@dataclass(frozen=True)
class Skipped:
    """A step a plan weighed and did not build: the evidence did not justify it."""

    step: Step
    value_added: float
    """What it would have added to the plan's expected value over the horizon (<= 0)."""


@dataclass(frozen=True)
class Plan:
    """Steps taken one after the other: each starts once the one before it has been live for
    ``evidence_months``."""

    name: str
    steps: tuple[Step, ...]
    skipped: tuple[Skipped, ...] = ()
    evidence_months: float = EVIDENCE_MONTHS

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError("a plan needs at least one step")
        if self.evidence_months < 0:
            raise ValueError(f"evidence_months must be >= 0, got {self.evidence_months}")

    def starts(self) -> tuple[float, ...]:
        """Month (after the decision) in which each step starts."""
        starts, start = [], 0.0
        for step in self.steps:
            starts.append(start)
            start += step.months_to_go_live + self.evidence_months
        return tuple(starts)

    def go_live(self) -> tuple[float, ...]:
        """Month (after the decision) in which each step goes live, if it ships."""
        starts = self.starts()
        return tuple(s + step.months_to_go_live for s, step in zip(starts, self.steps, strict=True))

    def chance_live(self) -> tuple[float, ...]:
        """The chance that each step ships (it and every step before it)."""
        return tuple(np.cumprod([s.chance_of_shipping for s in self.steps]).tolist())

    @property
    def systems_changed(self) -> tuple[str, ...]:
        return tuple(sorted({name for s in self.steps for name in s.systems_changed}))

    @property
    def people_retrained(self) -> int:
        return sum(s.people_retrained for s in self.steps)

    @property
    def one_off_cost(self) -> float:
        """The one-off cost of every step of the plan (what is spent if each is attempted)."""
        return float(sum(s.one_off_cost for s in self.steps))


def mvp_step(monthly_saving: float) -> Step:
    """The spreadsheet rule, from its declared tasks and upkeep (no system changed)."""
    days = sum(task.person_days for task in MVP_TASKS)
    systems = tuple(sorted({t.system_changed for t in MVP_TASKS if t.system_changed}))
    return Step(
        name="the rule in the quality lead's sheet",
        delivers=RULE,
        monthly_saving=monthly_saving,
        months_to_go_live=days / WORKING_DAYS_PER_MONTH,
        one_off_cost=days * DAY_RATE,
        running_cost_per_month=MVP_RUNNING_HOURS_PER_MONTH / HOURS_PER_DAY * DAY_RATE,
        chance_of_shipping=chance_of_shipping(len(systems), 0, first=True),
        systems_changed=systems,
    )


def poc_step(
    monthly_saving: float,
    *,
    months_to_go_live: float | None = None,
    chance: float | None = None,
) -> Step:
    """The POC as one step: the production bill's months, costs, systems and retraining.

    ``months_to_go_live`` and ``chance`` override the bill's figure and the declared chance
    (for the sensitivity of chapter 5); by default they are
    :func:`pocmvp.case.bill.months_to_go_live` and :data:`POC_CHANCE_OF_SHIPPING`.
    """
    return Step(
        name="the POC, through the whole production bill",
        delivers=POC_MODEL,
        monthly_saving=monthly_saving,
        months_to_go_live=bill.months_to_go_live()
        if months_to_go_live is None
        else months_to_go_live,
        one_off_cost=bill.one_off_cost(),
        running_cost_per_month=bill.running_cost_per_month(),
        chance_of_shipping=POC_CHANCE_OF_SHIPPING if chance is None else chance,
        systems_changed=tuple(sorted({c.system for c in bill.CHANGES})),
        people_retrained=sum(r.headcount for r in bill.RETRAINING),
    )


def model_step(
    declared: ModelStep, monthly_saving: float, built: Iterable[str] = (), *, first: bool = False
) -> Step:
    """A declared model step, costed with the bill's machinery; systems in ``built`` (already
    built by an earlier step) are not built again."""
    built = set(built)
    changes = tuple(
        dataclasses.replace(c, waits_for=tuple(w for w in c.waits_for if w not in built))
        for c in declared.changes
        if c.system not in built
    )
    systems = tuple(sorted({c.system for c in changes}))
    return Step(
        name=declared.name,
        delivers=declared.delivers,
        monthly_saving=monthly_saving,
        months_to_go_live=bill.months_to_go_live(changes, ()) if changes else 0.0,
        one_off_cost=bill.one_off_cost(changes, ()),
        running_cost_per_month=bill.running_cost_per_month(changes),
        chance_of_shipping=chance_of_shipping(len(systems), 0, first=first),
        systems_changed=systems,
    )


def scaled_costs(step: Step, cost_scale: float) -> Step:
    """The step with its one-off and running costs multiplied by ``cost_scale``."""
    if cost_scale < 0:
        raise ValueError(f"cost_scale must be >= 0, got {cost_scale}")
    return dataclasses.replace(
        step,
        one_off_cost=step.one_off_cost * cost_scale,
        running_cost_per_month=step.running_cost_per_month * cost_scale,
    )


# --- Value month by month ----------------------------------------------------------------------


def monthly_value(plan: Plan, horizon: int = HORIZON_MONTHS) -> pd.Series:
    """Expected net value in each month 1..horizon (euros).

    A step's one-off cost is spent evenly from its start to its go-live, if it is attempted
    (every step before it shipped). Once live, it adds what it saves beyond the best step
    before it, and costs its running cost, both weighted by the chance it shipped.
    """
    month = np.arange(1, horizon + 1, dtype=float)
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
    return pd.Series(value, index=pd.Index(month.astype(int), name="month"), name=plan.name)


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
    """Expected cumulative net value at the end of month ``horizon``."""
    return float(monthly_value(plan, horizon).sum())


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


# --- The three plans -----------------------------------------------------------------------------


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


def mvp_only(monthly_saving: float, *, cost_scale: float = 1.0) -> Plan:
    """Put the rule live and keep it."""
    return Plan(MVP_ONLY, (scaled_costs(mvp_step(monthly_saving), cost_scale),))


def mvp_then_model(
    savings: dict[str, float],
    *,
    horizon: int = HORIZON_MONTHS,
    cost_scale: float = 1.0,
    steps: tuple[ModelStep, ...] = THEN_THE_MODEL,
) -> Plan:
    """The rule now; then each declared model step, if the evidence justifies it.

    ``savings`` maps each deliverable (:data:`DELIVERABLES`) to euros a month. A model step is
    built only if it adds to the plan's expected value over ``horizon`` months (it repays its
    own cost in time); otherwise it is kept in :attr:`Plan.skipped` with what it would add.
    """
    taken = [scaled_costs(mvp_step(savings[RULE]), cost_scale)]
    skipped, built = [], set()
    for declared in steps:
        step = scaled_costs(model_step(declared, savings[declared.delivers], built), cost_scale)
        before = value_at(Plan(MVP_THEN_MODEL, tuple(taken)), horizon)
        after = value_at(Plan(MVP_THEN_MODEL, (*taken, step)), horizon)
        if after > before:
            taken.append(step)
            built |= set(step.systems_changed)
        else:
            skipped.append(Skipped(step, after - before))
    return Plan(MVP_THEN_MODEL, tuple(taken), tuple(skipped))


def three_plans(
    savings: dict[str, float],
    *,
    horizon: int = HORIZON_MONTHS,
    poc_months_to_go_live: float | None = None,
    poc_chance: float | None = None,
    cost_scale: float = 1.0,
) -> dict[str, Plan]:
    """POC first, MVP only, and MVP now then the model, from the measured ``savings``."""
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


# --- When would POC first win? -----------------------------------------------------------------


def margin(
    savings: dict[str, float],
    *,
    poc_months_to_go_live: float | None = None,
    poc_chance: float | None = None,
    cost_scale: float = 1.0,
    horizon: int = HORIZON_MONTHS,
) -> float:
    """MVP first (MVP now, then the model) minus POC first, expected value over ``horizon``."""
    plans = three_plans(
        savings,
        horizon=horizon,
        poc_months_to_go_live=poc_months_to_go_live,
        poc_chance=poc_chance,
        cost_scale=cost_scale,
    )
    return value_at(plans[MVP_THEN_MODEL], horizon) - value_at(plans[POC_FIRST], horizon)


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
    poc_chance: float = 1.0,
    horizon: int = HORIZON_MONTHS,
    largest: float = 10_000.0,
) -> float | None:
    """The smallest cost of a return, as a share of today's, at which POC first (with these
    months and chance; by default live at once and sure to ship) would beat MVP first.

    Dearer returns scale every saving; costs stay. None if POC first loses up to ``largest``.
    """

    def poc_ahead(share: float) -> bool:
        dearer = {name: value * share for name, value in savings.items()}
        return (
            margin(
                dearer,
                poc_months_to_go_live=poc_months_to_go_live,
                poc_chance=poc_chance,
                horizon=horizon,
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


# --- Measured savings: the same held-out months, the one routing ----------------------------------


@dataclass(frozen=True)
class Measurement:
    """What each deliverable would have shipped on the held-out months, through the one
    routing, against today's every-n-th-part sample."""

    promises: dict[str, poc.Promise]
    """Each deliverable's :class:`pocmvp.case.poc.Promise` on the same months and capacity."""
    rule: rule.Rule
    shift_log_model: str
    """Which shift-log baseline plays the shift-log model (see :func:`choose_shift_log_model`)."""
    shift_log_choice: pd.Series
    """Each shift-log baseline's reduction on the history months it did not learn from."""
    scale_to_plant: float = 1.0
    """Parts of the plant each generated part stands for: 1 at the default size, 4 in fast
    mode (a quarter of the parts). Savings are the plant's, whatever the sample's size."""

    @property
    def months(self) -> int:
        return len(self.promises[RULE].months)

    def fewer_per_month(self, deliverable: str) -> float:
        """Defective parts shipped fewer than today, per month."""
        return self.promises[deliverable].fewer_shipped / self.months

    def reduction(self, deliverable: str) -> float:
        return self.promises[deliverable].reduction

    def share_of_poc(self, deliverable: str) -> float:
        """Its reduction as a share of the POC's."""
        return self.promises[deliverable].fewer_shipped / self.promises[POC_MODEL].fewer_shipped

    def savings(self, economics: PlantEconomics = ECONOMICS) -> dict[str, float]:
        """Euros a month each deliverable saves the plant once live (never below zero: a plan
        would not keep a step that ships more defective parts than today)."""
        return {
            d: max(self.fewer_per_month(d), 0.0)
            * self.scale_to_plant
            * economics.cost_per_shipped_defect
            for d in DELIVERABLES
        }

    def table(self, economics: PlantEconomics = ECONOMICS) -> pd.DataFrame:
        """One row for today and one per deliverable: tests, defective parts shipped, the
        reduction, the share of the POC's, and the saving per month."""
        today = self.promises[RULE]
        rows = [
            {
                "option": "today's every-n-th sample",
                "parts tested": today.tested_today,
                "defective parts shipped": today.shipped_today,
                "fewer than today": 0,
                "reduction": 0.0,
                "share of the POC's reduction": 0.0,
                "saving (€/month)": 0.0,
            }
        ]
        savings = self.savings(economics)
        for deliverable, promise in self.promises.items():
            rows.append(
                {
                    "option": deliverable,
                    "parts tested": promise.tested_with_score,
                    "defective parts shipped": promise.shipped_with_score,
                    "fewer than today": promise.fewer_shipped,
                    "reduction": promise.reduction,
                    "share of the POC's reduction": self.share_of_poc(deliverable),
                    "saving (€/month)": savings[deliverable],
                }
            )
        return pd.DataFrame(rows).set_index("option")


def scale_to_plant(shift_log: pd.DataFrame) -> float:
    """Parts of the plant each row of a generated year stands for: the default year's parts
    over this year's rows (1 at the default size, 4 in fast mode)."""
    return factory.DEFAULT_PARTS / len(shift_log)


def measure_rule(
    shift_log: pd.DataFrame,
    economics: PlantEconomics = ECONOMICS,
    found: rule.Rule | None = None,
) -> tuple[rule.Rule, poc.Promise]:
    """The rule found on the history (as chapter 4 finds it, unless ``found`` is given) and
    its promise on the held-out months. A rule needs no threshold: its flags route the
    parts directly."""
    held_out = factory.in_months(shift_log, factory.HELD_OUT_MONTHS)
    if found is None:
        found = rule.find_rule(
            factory.in_months(shift_log, factory.TRAIN_MONTHS),
            factory.TARGET,
            economics.inspection_capacity_share,
            rule.RULE_COLUMNS,
        ).rule
    return found, poc.promise(held_out, found.flag(held_out), economics=economics)


def score_promise(
    window: pd.DataFrame, risk: pd.Series, economics: PlantEconomics = ECONOMICS
) -> poc.Promise:
    """A score's promise on the held-out months. ``window`` holds the held-out months and the
    month before them (:func:`pocmvp.case.baselines.routing_window`), whose scores fix the first
    month's threshold; :func:`pocmvp.case.poc.decision_flags` turns ``risk`` into flags."""
    flags = poc.decision_flags(window, risk, economics)
    return poc.promise(window, flags, economics=economics)


def choose_shift_log_model(
    plant: factory.Plant,
    fitted: dict[str, baselines.FittedBaseline],
    economics: PlantEconomics = ECONOMICS,
) -> tuple[str, pd.Series]:
    """The shift-log baseline that does best on the history months it did not learn from.

    The baselines learn on ``poc.FIT_MONTHS``; each is routed the one way over
    ``poc.BLEND_MONTHS`` (the month before them fixes the first threshold), and the one that
    ships the fewest defective parts there is chosen: no held-out month is looked at.
    """
    candidates = {n: f for n, f in fitted.items() if f.data == baselines.SHIFT_LOG}
    if not candidates:
        raise ValueError("fitted holds no shift-log baseline")
    window = factory.in_months(plant.shift_log, (poc.FIT_MONTHS[-1], *poc.BLEND_MONTHS))
    reductions = {}
    for name, model in candidates.items():
        flags = poc.decision_flags(window, model.risk(window, plant.mes), economics)
        reductions[name] = poc.promise(window, flags, poc.BLEND_MONTHS, economics).reduction
    choice = pd.Series(reductions, name="reduction on the last history months")
    return str(choice.idxmax()), choice


def measure(
    plant: factory.Plant,
    poc_model: poc.PocModel,
    fitted: dict[str, baselines.FittedBaseline],
    economics: PlantEconomics = ECONOMICS,
    found: rule.Rule | None = None,
) -> Measurement:
    """Each deliverable's promise on the held-out months, through the one routing: the
    POC's risk, the rule found on the history (or ``found``), and the chosen shift-log
    baseline."""
    found, rule_promise = measure_rule(plant.shift_log, economics, found)
    chosen, choice = choose_shift_log_model(plant, fitted, economics)
    window = baselines.routing_window(plant.shift_log)
    return Measurement(
        promises={
            RULE: rule_promise,
            SHIFT_LOG_MODEL: score_promise(
                window, fitted[chosen].risk(window, plant.mes), economics
            ),
            POC_MODEL: score_promise(window, poc_model.risk(window, plant.mes), economics),
        },
        rule=found,
        shift_log_model=chosen,
        shift_log_choice=choice,
        scale_to_plant=scale_to_plant(plant.shift_log),
    )


# --- What it takes to build, run and keep ---------------------------------------------------------


def systems_changed(tasks: tuple[Task, ...]) -> list[str]:
    """The distinct IT systems a list of tasks changes."""
    return sorted({t.system_changed for t in tasks if t.system_changed})


def lines_of_code(path: Path) -> int:
    """Lines of Python in a file that are neither blank, comments nor docstrings."""
    return count_code_lines(Path(path).read_text(encoding="utf-8"))


def count_code_lines(source: str) -> int:
    """Lines of Python source that are neither blank, comments nor docstrings."""
    source = textwrap.dedent(source)
    tree = ast.parse(source)
    docstring_lines: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                docstring_lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    count = 0
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and number not in docstring_lines:
            count += 1
    return count


def lines_of_code_of(objects: list) -> int:
    """Lines of code (counted as :func:`count_code_lines` does) of functions and classes."""
    return sum(count_code_lines(inspect.getsource(obj)) for obj in objects)


def third_party_imports(path: Path) -> list[str]:
    """Top-level packages a module imports, excluding the standard library and pocmvp."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    return sorted(n for n in names if n not in stdlib and n != "pocmvp")
