"""The production bill: what it would take to put the POC live, computed from a declared list.

Nothing here is prose. Three lists, written once, state the facts an engineering lead would
collect in a week of meetings:

* :data:`POC_INPUTS`: each feature group the POC uses, the system it comes from, and
  whether it is known at *decision time*, when the part leaves the casting cell and must be
  routed to the X-ray test or past it;
* :data:`CHANGES`: each system that must change to go live, with weeks of work, people,
  outside cost, monthly running cost, and what it waits for;
* :data:`RETRAINING`: the people who must learn to work differently.

The functions derive the totals (systems changed, departments retrained, months to go live
along the dependency chain, one-off and running cost, features not available when the part
is routed) so that changing one line of the lists changes every number in chapter 3.
"""

from __future__ import annotations

import graphlib
from dataclasses import dataclass

import pandas as pd

from pocmvp.case import poc

WEEKS_PER_MONTH = 52 / 12
PERSON_WEEK_EUR = 2_500.0
"""Loaded cost of one engineer for one week (salary, overhead, tools)."""

SHIFT_LOG = "shift log"
MES = "MES"
INSPECTION_RECORDS = "inspection records"


@dataclass(frozen=True)
class PocInput:
    """One feature group of the POC: where it comes from and when it is known."""

    group: str
    systems: tuple[str, ...]
    known_at_decision: bool
    """Known when the part is routed, with today's systems."""
    unlocked_by: str | None
    """The change that would make it known at decision time; None if nothing can."""
    why: str


POC_INPUTS: tuple[PocInput, ...] = (
    PocInput(
        "process readings",
        (SHIFT_LOG,),
        True,
        None,
        "operators write melt, die, cycle, scrap and humidity into the log as they cast",
    ),
    PocInput("mould wear", (SHIFT_LOG,), True, None, "the shot counter is logged per part"),
    PocInput(
        "line and time context",
        (SHIFT_LOG,),
        True,
        None,
        "cell, shift, mould and time are known when the part is cast",
    ),
    PocInput(
        "shift-log interactions",
        (SHIFT_LOG,),
        True,
        None,
        "products of shift-log columns only",
    ),
    PocInput(
        "MES signals",
        (MES,),
        False,
        "MES data feed",
        "recorded inside the MES, which nobody outside it can read today",
    ),
    PocInput(
        "MES interactions",
        (MES, SHIFT_LOG),
        False,
        "MES data feed",
        "each product needs one MES signal",
    ),
    PocInput(
        "shot physics",
        (MES, SHIFT_LOG),
        False,
        "MES data feed",
        "the fill delay and the pressure drop are computed from the shot profile",
    ),
    PocInput(
        "anomaly score",
        (MES, SHIFT_LOG),
        False,
        "MES data feed",
        "the isolation forest reads the MES signals with the shift-log readings",
    ),
    PocInput(
        "rework minutes",
        (INSPECTION_RECORDS,),
        False,
        None,
        "booked after final inspection: it describes the outcome, no system can move it earlier",
    ),
)


@dataclass(frozen=True)
class SystemChange:
    """One system that must change for the POC to route parts live."""

    system: str
    owner: str
    work: str
    weeks: float
    people: int
    outside_cost_eur: float
    running_cost_per_month_eur: float
    waits_for: tuple[str, ...] = ()

    @property
    def one_off_cost_eur(self) -> float:
        return self.weeks * self.people * PERSON_WEEK_EUR + self.outside_cost_eur


CHANGES: tuple[SystemChange, ...] = (
    SystemChange(
        system="MES data feed",
        owner="MES vendor and plant IT",
        work="stream the four shot signals per part, keyed by part id, with a buffer for outages",
        weeks=12,
        people=2,
        outside_cost_eur=30_000,
        running_cost_per_month_eur=800,
    ),
    SystemChange(
        system="model service",
        owner="IT and the data scientist",
        work="host the ensemble, score each part within its casting cycle, log, monitor drift, "
        "retrain monthly",
        weeks=10,
        people=2,
        outside_cost_eur=5_000,
        running_cost_per_month_eur=1_500,
        # It cannot be tested end to end without live MES signals.
        waits_for=("MES data feed",),
    ),
    SystemChange(
        system="inspection station software",
        owner="the X-ray station's vendor",
        work="read each part's risk, queue the month's top share for the X-ray, show the score",
        weeks=8,
        people=1,
        outside_cost_eur=20_000,
        running_cost_per_month_eur=300,
        waits_for=("model service",),
    ),
)


@dataclass(frozen=True)
class Retraining:
    """People who must learn to work differently before the POC can go live."""

    department: str
    headcount: int
    days_each: float
    calendar_weeks: float
    """Training spreads over the shifts, so it takes longer than the days each person spends."""
    cost_per_person_day_eur: float
    waits_for: tuple[str, ...] = ()

    @property
    def one_off_cost_eur(self) -> float:
        return self.headcount * self.days_each * self.cost_per_person_day_eur


RETRAINING: tuple[Retraining, ...] = (
    Retraining(
        department="inspection department",
        headcount=12,
        days_each=2,
        calendar_weeks=2,
        cost_per_person_day_eur=320,
        # Inspectors learn to work from risk scores on the station that shows them.
        waits_for=("inspection station software",),
    ),
)


def inputs_table(inputs: tuple[PocInput, ...] = POC_INPUTS) -> pd.DataFrame:
    """The declared inputs, one row a feature group."""
    return pd.DataFrame(
        {
            "feature group": i.group,
            "comes from": " + ".join(i.systems),
            "known when the part is routed": "yes" if i.known_at_decision else "no",
            "made available by": i.unlocked_by or ("-" if i.known_at_decision else "nothing"),
            "why": i.why,
        }
        for i in inputs
    )


def changes_table(
    changes: tuple[SystemChange, ...] = CHANGES,
    retraining: tuple[Retraining, ...] = RETRAINING,
) -> pd.DataFrame:
    """Every change and retraining, with its weeks, people and costs."""
    rows = [
        {
            "change": c.system,
            "owner": c.owner,
            "weeks": c.weeks,
            "people": c.people,
            "one-off cost (€)": c.one_off_cost_eur,
            "running cost (€/month)": c.running_cost_per_month_eur,
            "waits for": ", ".join(c.waits_for) or "-",
        }
        for c in changes
    ]
    rows += [
        {
            "change": f"retrain the {r.department}",
            "owner": r.department,
            "weeks": r.calendar_weeks,
            "people": r.headcount,
            "one-off cost (€)": r.one_off_cost_eur,
            "running cost (€/month)": 0.0,
            "waits for": ", ".join(r.waits_for) or "-",
        }
        for r in retraining
    ]
    return pd.DataFrame(rows).set_index("change")


def schedule(
    changes: tuple[SystemChange, ...] = CHANGES,
    retraining: tuple[Retraining, ...] = RETRAINING,
) -> pd.DataFrame:
    """Earliest start and finish week of each item, each starting when what it waits for is
    done (the critical path). Raises on an unknown dependency or a cycle."""
    items = {c.system: (c.weeks, c.waits_for) for c in changes}
    for r in retraining:
        items[f"retrain the {r.department}"] = (r.calendar_weeks, r.waits_for)
    for name, (_, waits_for) in items.items():
        for needed in waits_for:
            if needed not in items:
                raise ValueError(f"{name!r} waits for {needed!r}, which is not a declared change")
    order = graphlib.TopologicalSorter({name: waits for name, (_, waits) in items.items()})
    try:
        ordered = list(order.static_order())  # every item after what it waits for
    except graphlib.CycleError as error:
        raise ValueError(f"circular dependency: {' -> '.join(error.args[1])}") from error
    finish: dict[str, float] = {}
    for name in ordered:
        weeks, waits_for = items[name]
        finish[name] = max((finish[d] for d in waits_for), default=0.0) + weeks
    rows = [
        {"item": name, "start_week": finish[name] - weeks, "end_week": finish[name], "weeks": weeks}
        for name, (weeks, _) in items.items()
    ]
    return pd.DataFrame(rows).set_index("item")


def weeks_to_go_live(
    changes: tuple[SystemChange, ...] = CHANGES,
    retraining: tuple[Retraining, ...] = RETRAINING,
) -> float:
    """Weeks until the last item of the schedule is done."""
    return float(schedule(changes, retraining)["end_week"].max())


def months_to_go_live(
    changes: tuple[SystemChange, ...] = CHANGES,
    retraining: tuple[Retraining, ...] = RETRAINING,
) -> float:
    return weeks_to_go_live(changes, retraining) / WEEKS_PER_MONTH


def one_off_cost(
    changes: tuple[SystemChange, ...] = CHANGES,
    retraining: tuple[Retraining, ...] = RETRAINING,
) -> float:
    """Engineering time, outside fees and training days, in euros."""
    engineering = sum(c.one_off_cost_eur for c in changes)
    return float(engineering + sum(r.one_off_cost_eur for r in retraining))


def running_cost_per_month(changes: tuple[SystemChange, ...] = CHANGES) -> float:
    return float(sum(c.running_cost_per_month_eur for c in changes))


def systems_changed(changes: tuple[SystemChange, ...] = CHANGES) -> int:
    return len({c.system for c in changes})


def departments_retrained(retraining: tuple[Retraining, ...] = RETRAINING) -> int:
    return len({r.department for r in retraining})


def unavailable_inputs(inputs: tuple[PocInput, ...] = POC_INPUTS) -> list[str]:
    """Feature groups not known when the part must be routed, with today's systems."""
    return [i.group for i in inputs if not i.known_at_decision]


def unavailable_features(
    model: poc.PocModel, inputs: tuple[PocInput, ...] = POC_INPUTS
) -> list[str]:
    """The fitted model's features that cannot be computed when the part is routed today."""
    missing = set(unavailable_inputs(inputs))
    groups = model.feature_groups
    undeclared = set(groups) - {i.group for i in inputs}
    if undeclared:
        raise ValueError(f"feature groups with no declared source: {sorted(undeclared)}")
    return [name for group, names in groups.items() if group in missing for name in names]


@dataclass(frozen=True)
class Bill:
    """The totals of the production bill."""

    systems_changed: int
    departments_retrained: int
    people_retrained: int
    engineers: int
    weeks_to_go_live: float
    months_to_go_live: float
    one_off_cost: float
    running_cost_per_month: float
    unavailable_inputs: tuple[str, ...]
    features: int
    unavailable_features: int
    model_size_bytes: int
    scoring_seconds_per_million: float | None = None
    """Seconds to score a million parts, as ``make bench`` recorded them
    (:func:`pocmvp.case.recorded.recorded`)."""

    @property
    def unavailable_feature_share(self) -> float:
        return self.unavailable_features / self.features

    def payback_months(self, saving_per_month: float) -> float:
        """Months of live running, after going live, until the saving repays the one-off cost
        (infinite if the saving does not even cover the running cost)."""
        net = saving_per_month - self.running_cost_per_month
        return self.one_off_cost / net if net > 0 else float("inf")


def production_bill(
    model: poc.PocModel,
    changes: tuple[SystemChange, ...] = CHANGES,
    retraining: tuple[Retraining, ...] = RETRAINING,
    inputs: tuple[PocInput, ...] = POC_INPUTS,
    *,
    scoring_seconds_per_million: float | None = None,
) -> Bill:
    """Every total of the bill for a fitted POC. Pass the scoring time ``make bench``
    recorded (:func:`pocmvp.case.recorded.recorded`) to carry it along with the rest."""
    return Bill(
        systems_changed=systems_changed(changes),
        departments_retrained=departments_retrained(retraining),
        people_retrained=sum(r.headcount for r in retraining),
        engineers=sum(c.people for c in changes),
        weeks_to_go_live=weeks_to_go_live(changes, retraining),
        months_to_go_live=months_to_go_live(changes, retraining),
        one_off_cost=one_off_cost(changes, retraining),
        running_cost_per_month=running_cost_per_month(changes),
        unavailable_inputs=tuple(unavailable_inputs(inputs)),
        features=len(model.feature_names),
        unavailable_features=len(unavailable_features(model, inputs)),
        model_size_bytes=poc.model_size_bytes(model),
        scoring_seconds_per_million=scoring_seconds_per_million,
    )
