"""The plans' steps, declared: what each puts live, and what it takes to get there.

A step saves money only once it is live. What it takes (months to go live, one-off and
running cost, systems changed, people retrained) is computed from declared lists: the
production bill (:mod:`pocmvp.case.bill`) for the POC, the MVP's tasks and upkeep
(:data:`MVP_TASKS`, :mod:`pocmvp.case.upkeep`), and the model steps (:data:`THEN_THE_MODEL`).
The POC can go live two ways: through the whole bill, as the data scientist proposed, or
the cheapest way that existed on the decision date (:data:`CHEAPEST_POC_PATH`).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from pocmvp.case import bill, upkeep
from pocmvp.case.business_case.economics import (
    DAY_RATE,
    HOURS_PER_DAY,
    POC_CHANCE_OF_SHIPPING,
    STEP_WAIT_MONTHS,
    WORKING_DAYS_PER_MONTH,
    chance_of_shipping,
)

RULE, SHIFT_LOG_MODEL, POC_MODEL = "rule", "shift-log model", "POC model"
DELIVERABLES = (RULE, SHIFT_LOG_MODEL, POC_MODEL)
"""What a step can put live; each one's saving is measured
(:mod:`pocmvp.case.business_case.measure`)."""
POC_FIRST = "POC first"
POC_CHEAP = "POC first, the cheap way"
MVP_ONLY = "MVP only"
MVP_THEN_MODEL = "MVP now, then the model"
PLANS = (POC_FIRST, POC_CHEAP, MVP_ONLY, MVP_THEN_MODEL)


@dataclass(frozen=True)
class Task:
    """One piece of work to put the MVP live, in person-days."""

    name: str
    person_days: float
    system_changed: str | None = None
    """The IT system this task changes, if any (the MVP changes none)."""


MVP_TASKS: tuple[Task, ...] = (
    Task("find the rule on the history and check it on the history's last two months", 2.0),
    Task("write the rule into the quality lead's workbook as a formula column", 1.0),
    Task("set up the monthly report email", 1.0),
    Task("walk the quality lead and the X-ray operators through it", 0.5),
)
MVP_RUNNING_HOURS_PER_MONTH = upkeep.mvp_hours_per_month()
"""The manual chores that keep the MVP alive (:data:`pocmvp.case.upkeep.ENGINEERING_WORK`, before
engineering automates them): the same hours chapter 8 counts."""
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
    ``evidence_months`` (its monthly reports, then the wait until their returns are final)."""

    name: str
    steps: tuple[Step, ...]
    skipped: tuple[Skipped, ...] = ()
    evidence_months: float = STEP_WAIT_MONTHS

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


@functools.lru_cache(maxsize=64)
def _months_to_go_live(*changes_and_retraining) -> float:
    """:func:`pocmvp.case.bill.months_to_go_live`, remembered: the plans are valued again on
    every bootstrap draw of their noise (:mod:`pocmvp.case.business_case.noise`), and a
    step's schedule does not depend on what it saves."""
    return bill.months_to_go_live(*changes_and_retraining)


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


CHEAPEST_POC_PATH: tuple[bill.SystemChange, ...] = (SCORING_JOB, _bill_change("MES data feed"))
"""The cheapest way the POC could have gone live on the decision date: the MES feed it
needs, and a scoring job that writes its flag into the column the X-ray cell already works
from. No model service with its own screen, no new inspection station software, nobody
retrained: the path the MVP's spreadsheet column showed was enough."""


def poc_cheap_step(
    monthly_saving: float,
    *,
    months_to_go_live: float | None = None,
    chance: float | None = None,
) -> Step:
    """The POC as one step, deployed the cheapest way (:data:`CHEAPEST_POC_PATH`)."""
    systems = tuple(sorted({c.system for c in CHEAPEST_POC_PATH}))
    return Step(
        name="the POC, through a scoring job and the MES feed",
        delivers=POC_MODEL,
        monthly_saving=monthly_saving,
        months_to_go_live=_months_to_go_live(CHEAPEST_POC_PATH, ())
        if months_to_go_live is None
        else months_to_go_live,
        one_off_cost=bill.one_off_cost(CHEAPEST_POC_PATH, ()),
        running_cost_per_month=bill.running_cost_per_month(CHEAPEST_POC_PATH),
        chance_of_shipping=chance_of_shipping(len(systems), 0, first=True)
        if chance is None
        else chance,
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
        months_to_go_live=_months_to_go_live() if months_to_go_live is None else months_to_go_live,
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
        months_to_go_live=_months_to_go_live(changes, ()) if changes else 0.0,
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
