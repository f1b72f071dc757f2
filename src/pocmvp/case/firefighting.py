"""When fires start: the December supplier change, replayed stage by stage.

On 1 December the plant changes alloy supplier (Alucast to NordAlloy). The new alloy forms
sludge when the melt runs *cold*, so the live rule, which looks for hot melts, misses the new
defects. Chapter 7 tells the steps in the order of the story, one module per stage:

* :mod:`pocmvp.case.detection`: the rule in force, and when each check notices the fall;
* :mod:`pocmvp.case.rapid_response`: rapid response's patch, fitted on the alarm's morning, and
  selections judged at the X-ray capacity;
* :mod:`pocmvp.case.risk_model`: preemption's model and the drift check on its inputs;
* :mod:`pocmvp.case.engineering`: the MVP's chores and their automations, and what a
  selection is worth a month;
* :mod:`pocmvp.case.water_line`: the daily write-back to the shift leads' sheet.

This module holds :func:`replay`, which runs the steps in order for one shift log
(:class:`December`, what chapter 7's claims, self-checks and :mod:`pocmvp.case.preemption`
read), and its benchmark for ``pocmvp bench``.
The season of unplanned requests (one team against three groups) is :mod:`pocmvp.case.fire`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pocmvp.case import factory, iteration, returns
from pocmvp.case import plant_rule as rule
from pocmvp.case.detection import CHANGE_DATE, detection_times, first_notice
from pocmvp.case.rapid_response import find_patch, hand_over, patch_day
from pocmvp.case.returns import Booking, Returns
from pocmvp.case.risk_model import RiskModel, train_risk_model, weekly_flags
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics
from pocmvp.toolkit.rule import Rule

# ----------------------------------------------------------------------------- the replay


@dataclass(frozen=True)
class December:
    """Chapter 7's steps for one shift log, in order (see :func:`replay`)."""

    shift_log: pd.DataFrame = field(repr=False)
    seed: int
    versions: dict[str, Rule]
    flags: pd.Series = field(repr=False)
    """Each part's flag from the version in force when it was cast."""
    tested: pd.Series = field(repr=False)
    seen: Returns = field(repr=False)
    detection: pd.DataFrame = field(repr=False)
    first_cadence: str
    alarm_on: pd.Timestamp
    patch_day: pd.Timestamp
    patch: Rule
    patched_flags: pd.Series = field(repr=False)

    @property
    def live_rule(self) -> Rule:
        """The rule in force when the supplier changed."""
        return self.versions[iteration.version_in_force(CHANGE_DATE)]

    def days(self, cadence: str, booking: Booking = returns.AS_IT_HAPPENED) -> float:
        """Days from the change until ``cadence`` noticed, with returns booked by ``booking``."""
        return float(self.detection.loc[(cadence, booking.name), "days_to_notice"])

    def model(self, max_iter: int = 100) -> RiskModel:
        """Preemption's model, trained on the alarm's morning (seconds at the default size)."""
        return train_risk_model(
            self.shift_log, self.tested, self.seen, self.alarm_on, seed=self.seed, max_iter=max_iter
        )


def replay(shift_log: pd.DataFrame, seed: int, economics: PlantEconomics = ECONOMICS) -> December:
    """December as it happened for a shift log generated with ``seed``: the rule in force,
    the parts tested, the returns as booked, when each check noticed, the first alarm, the
    patch fitted that morning and live the next."""
    versions = iteration.rule_versions(shift_log, economics)
    flags = iteration.flags_in_force(shift_log, versions, economics)
    tested = rule.within_capacity(shift_log, flags, economics)
    seen = returns.returns_of(shift_log, seed)
    detection = detection_times(shift_log, tested, seen)
    cadence, alarm_on = first_notice(detection)
    patch = find_patch(shift_log, tested, seen, alarm_on, economics=economics)
    day = patch_day(alarm_on)
    patched = hand_over(shift_log, flags, patch.flag(shift_log), day)
    return December(
        shift_log=shift_log,
        seed=seed,
        versions=versions,
        flags=flags,
        tested=tested,
        seen=seen,
        detection=detection,
        first_cadence=cadence,
        alarm_on=alarm_on,
        patch_day=day,
        patch=patch,
        patched_flags=patched,
    )


# ----------------------------------------------------------------------------- benchmarks


def _benchmark(runs: int) -> dict:
    """For ``pocmvp bench``: the patch and the model at the default size (never asserted)."""
    from pocmvp.toolkit.timing import median_seconds

    log = factory.generate_plant(factory.DEFAULT_PARTS, seed=factory.DEFAULT_SEED).shift_log
    fire = replay(log, factory.DEFAULT_SEED)
    model = fire.model()
    on = fire.alarm_on
    return {
        "parts": len(log),
        "replay_seconds": median_seconds(lambda: replay(log, factory.DEFAULT_SEED), runs),
        "find_patch_seconds": median_seconds(
            lambda: find_patch(log, fire.tested, fire.seen, on), runs
        ),
        "train_risk_model_seconds": median_seconds(lambda: fire.model(), runs),
        "weekly_flags_seconds": median_seconds(lambda: weekly_flags(model, log), runs),
    }


BENCHMARKS = {"firefighting_default_year": _benchmark}
