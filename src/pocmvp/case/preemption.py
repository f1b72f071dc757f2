"""Preemption judged as preemption: the durable fix against the patch, over the long term.

December judges the patch and the model on a fortnight; preemption's promise is about the
months after. :func:`long_term` plays the plant on from the patch day to June 2026 (the
months after the year and the next supplier come from :mod:`pocmvp.case.factory_after`) in
two worlds that differ only in what preemption built after December:

* **the patch** (:func:`patch_world`): the sheet keeps rapid response's patch for NordAlloy
  and the rule in force for any other supplier; each time the daily check rings, rapid
  response refits a patch on the supplier in use, live the next morning (:func:`answer_fire`);
* **the durable fix** (:func:`durable_world`): the same sheet and the same rapid response,
  plus preemption's process, run without anyone from the January reopening: a retraining
  job that refits the model (:func:`pocmvp.case.risk_model.train_risk_model`) on the first
  Monday of each month, and every Monday for :data:`NEW_SUPPLIER_WEEKS` weeks once the drift
  check sees a supplier the model never had or the daily check rings; the model flags the
  parts of the suppliers it has learnt (:data:`MIN_LEARNT_DEFECTS`), the sheet the others;
  and a Monday threshold that spends only what is left of the month's X-ray plan
  (:func:`plan_left_share`), so its flags cannot leave a month's last days untested.

Both route every part through the one routing and decide only with what was known each
morning. Chapter 7's daily check decides when a **fire** starts (:data:`FIRE_HOURS` each).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pocmvp.case import detection, factory, factory_after, fire, firefighting, iteration, returns
from pocmvp.case import plant_rule as rule
from pocmvp.case.factory_after import CastingOrder
from pocmvp.case.rapid_response import hand_over, known_outcomes, patch_day
from pocmvp.case.returns import Returns
from pocmvp.case.risk_model import (
    RiskModel,
    new_supplier_seen,
    risk_of_any_supplier,
    train_risk_model,
)
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics
from pocmvp.toolkit import monitoring, routing

PATCH, DURABLE = "the patch", "the durable fix"
DURABLE_LIVE_FROM = factory_after.REOPENS
"""Preemption builds the model over the Christmas shutdown; it routes parts from reopening."""
TRAINING_DAYS = 91
"""The retraining job learns from the last 13 weeks of outcomes known on its Monday..."""
SETTLE_DAYS = returns.CUSTOMER_DELAY.days[0]
"""...except the last days, before any return can be back (the patch's rule too)."""
THRESHOLD_DAYS = 28
"""Each Monday's threshold is set on the scores of the last four weeks' parts."""
MIN_LEARNT_DEFECTS = 50
"""A supplier is learnt with this many known defects among the training parts (else: the sheet)."""
NEW_SUPPLIER_WEEKS = 6
"""Weeks of weekly retraining after the drift check sees a new supplier, or a fire."""
MAX_ITER = 50
"""Trees per retraining: half the December model's, so a job runs in a fraction of a second."""
PATCH_LOOKBACK_DAYS = 56
"""Rapid response refits a patch on the last eight weeks of the supplier in use."""
FIRE_HOURS = fire.Season().fire_hours
"""Rapid response's effort to put out one fire, as the season of chapter 8 declares it."""
DAILY_CHECK = detection.CADENCES[0]
ALARM_DAYS = 56
"""Eight weeks: longer than a week of parts and its longest return delay."""
DAY, WEEK, MONTH = pd.Timedelta(days=1), pd.Timedelta(days=7), pd.offsets.MonthBegin(1)


@dataclass(frozen=True)
class World:
    """One way the months after December went: its flags, the parts tested, its fires."""

    name: str
    flags: pd.Series = field(repr=False)
    tested: pd.Series = field(repr=False)
    fires: tuple[pd.Timestamp, ...]
    """The mornings the daily check rang and started a fire."""
    fixes: int
    """Patches refitted (the patch) or scheduled retrainings (the durable fix)."""

    @property
    def rapid_response_hours(self) -> float:
        return len(self.fires) * FIRE_HOURS


@dataclass(frozen=True)
class LongTerm:
    """The patch and the durable fix on the same parts, from the patch day to June 2026."""

    shift_log: pd.DataFrame = field(repr=False)
    seen: Returns = field(repr=False)
    since: pd.Timestamp
    baseline_catch_rate: float
    patch: World
    durable: World

    @property
    def worlds(self) -> tuple[World, World]:
        return self.patch, self.durable

    def judged(self, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None):
        """Each world on the parts cast from ``start`` (default: the patch day) until
        ``end``: tests, catches, shipped defects and their cost, fires and their hours."""
        cast = self.shift_log["cast_at"]
        window = cast >= (self.since if start is None else start)
        if end is not None:
            window &= cast < end
        rows, first, last = {}, start or pd.Timestamp.min, end or pd.Timestamp.max
        for world in self.worlds:
            score = rule.score(self.shift_log[window], world.tested[window])
            fires = [f for f in world.fires if first <= f < last]
            shipped = score.defects - score.caught
            rows[world.name] = dict(
                parts=score.parts, defects=score.defects, tested=score.flagged,
                caught=score.caught, shipped_defects=shipped,
                cost_of_shipped_defects=shipped * ECONOMICS.cost_per_shipped_defect,
                catch_rate=score.catch_rate, fires=len(fires),
                rapid_response_hours=len(fires) * FIRE_HOURS,
            )  # fmt: skip
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("world")

    def monthly(self) -> pd.DataFrame:
        """Shipped defects per month of production (December from the patch day) and world."""
        window = self.shift_log["cast_at"] >= self.since
        month = factory.month_of(self.shift_log)[window]
        shipped = {w.name: (self.shift_log["defect"] & ~w.tested)[window] for w in self.worlds}
        return pd.DataFrame(shipped).groupby(month).sum().astype("int64").rename_axis("month")

    def fewer_shipped_share(self) -> float:
        """The share of the patch's shipped defects the durable fix does not ship."""
        table = self.judged()
        return float(
            1 - table.loc[DURABLE, "shipped_defects"] / table.loc[PATCH, "shipped_defects"]
        )

    def hours_saved(self, start: pd.Timestamp | None = None) -> float:
        """Rapid response's hours on fires with only the patch minus with the durable fix."""
        table = self.judged(start)
        return float(
            table.loc[PATCH, "rapid_response_hours"] - table.loc[DURABLE, "rapid_response_hours"]
        )


def first_alarm(
    shift_log: pd.DataFrame,
    tested: pd.Series,
    seen: Returns,
    baseline_catch_rate: float,
    after: pd.Timestamp,
    on: pd.Timestamp = pd.Timestamp.max,
) -> pd.Timestamp | None:
    """The first morning the daily check rings on a week of parts all cast from ``after``;
    with ``on``, by that morning (a week it rang on then was pooled at most
    :data:`ALARM_DAYS` before: the check judges a week once half its returns are in)."""
    if on < pd.Timestamp.max:
        after = max(after, on - pd.Timedelta(days=ALARM_DAYS))
    recent = CastingOrder(shift_log).rows(after - 2 * WEEK, on)  # earlier days never count
    parts = shift_log.iloc[recent]
    checks = monitoring.check_periods(
        parts,
        tested.iloc[recent],
        baseline_catch_rate,
        **detection.MONITORED,
        window=DAILY_CHECK.window,
        drop=detection.DROP,
        min_defects=detection.MIN_DEFECTS,
        lookback=DAILY_CHECK.lookback,
        returns=seen.for_parts(parts.index),
        min_share_in=detection.MIN_SHARE_IN,
    ).sort_values("period_start", kind="stable")
    pooled_from = checks["period_start"].shift(DAILY_CHECK.lookback - 1)
    rang = checks[checks["alarm"] & (pooled_from >= after) & (checks["noticed_on"] <= on)]
    return None if rang.empty else pd.Timestamp(rang["noticed_on"].min())


def refit_patch(
    shift_log: pd.DataFrame,
    tested: pd.Series,
    seen: Returns,
    on: pd.Timestamp,
    supplier: str,
    economics: PlantEconomics = ECONOMICS,
) -> rule.Rule:
    """Rapid response's answer to a fire: the rule search on the last
    :data:`PATCH_LOOKBACK_DAYS` of ``supplier``'s parts old enough for returns to come in,
    as known on the morning of ``on``, at the same capacity and columns."""
    known = known_outcomes(shift_log, tested, seen, on)
    settled = on.normalize() - pd.Timedelta(days=returns.CUSTOMER_DELAY.days[0])
    recent = known["cast_at"] >= on.normalize() - pd.Timedelta(days=PATCH_LOOKBACK_DAYS)
    parts = known[recent & (known["cast_at"] < settled) & (known["supplier"] == supplier)]
    if not parts[factory.TARGET].any():
        raise ValueError(f"no {supplier} defects are known on {on.date()}: nothing to refit")
    return rule.find_rule(
        parts, factory.TARGET, economics.inspection_capacity_share, rule.RULE_COLUMNS
    ).rule


def patch_world(
    shift_log: pd.DataFrame,
    seen: Returns,
    flags: pd.Series,
    since: pd.Timestamp,
    baseline_catch_rate: float,
    economics: PlantEconomics = ECONOMICS,
) -> World:
    """Only the patch: the sheet (``flags``), patched at each fire by :func:`answer_fire`."""
    fires, after = [], since
    while True:
        tested = _route(shift_log, flags, economics)
        alarm = first_alarm(shift_log, tested, seen, baseline_catch_rate, after)
        if alarm is None:
            break
        fires.append(alarm)
        after = patch_day(alarm)
        if after > shift_log["cast_at"].max():
            break
        flags = answer_fire(shift_log, tested, seen, flags, alarm, economics)
    return World(PATCH, flags, tested, tuple(fires), fixes=len(fires))


def answer_fire(
    shift_log: pd.DataFrame,
    tested: pd.Series,
    seen: Returns,
    sheet: pd.Series,
    alarm: pd.Timestamp,
    economics: PlantEconomics = ECONOMICS,
) -> pd.Series:
    """Rapid response's answer to ``alarm``: the sheet with a patch refitted on the supplier
    in use (:func:`refit_patch`), live the next morning; unchanged if nothing is known."""
    supplier = str(shift_log.loc[shift_log["cast_at"] < alarm, "supplier"].iloc[-1])
    try:
        patch = refit_patch(shift_log, tested, seen, alarm, supplier, economics)
    except ValueError:
        return sheet
    day = patch_day(alarm)
    return hand_over(shift_log, sheet, patch.flag(shift_log), day, supplier)


def durable_world(
    shift_log: pd.DataFrame,
    seen: Returns,
    flags: pd.Series,
    since: pd.Timestamp,
    baseline_catch_rate: float,
    *,
    seed: int,
    economics: PlantEconomics = ECONOMICS,
    max_iter: int = MAX_ITER,
) -> World:
    """The durable fix (see the module), week by week from :data:`DURABLE_LIVE_FROM`: the
    sheet (``flags``, patched at each fire as in :func:`patch_world`) for the suppliers the
    model has not learnt, the model for the others."""
    cast_at, cast, supplier = shift_log["cast_at"], CastingOrder(shift_log), shift_log["supplier"]
    sheet, flags, fires, after = flags, flags.copy(), [], since
    tested = _route(shift_log, flags, economics)
    model, learnt, retrainings, weekly_until = None, (), 0, pd.Timestamp.min

    def answer(alarm: pd.Timestamp, until: pd.Timestamp) -> None:
        nonlocal sheet, after
        fires.append(alarm)
        after = patch_day(alarm)
        sheet = answer_fire(shift_log, tested, seen, sheet, alarm, economics)
        patched = (cast_at >= after) & (cast_at < until) & ~supplier.isin(learnt)
        flags[patched] = sheet[patched]
        tested[:] = _route(shift_log, flags, economics)

    for monday in pd.date_range(DURABLE_LIVE_FROM, cast_at.max(), freq="W-MON"):
        last_week = shift_log.iloc[cast.rows(monday - WEEK, monday)]
        # Routing is decided as parts are cast: re-route the months of the week just gone.
        for label in factory.month_of(last_week).unique():
            here = cast.rows(pd.Timestamp(label), pd.Timestamp(label) + MONTH)
            routed = rule.within_capacity(shift_log.iloc[here], flags.iloc[here], economics)
            tested.iloc[here] = routed.to_numpy()
        alarm = first_alarm(shift_log, tested, seen, baseline_catch_rate, after, monday)
        if alarm is not None:
            answer(alarm, monday)
        if alarm is not None or (model is not None and new_supplier_seen(model, last_week)):
            weekly_until = monday + pd.Timedelta(weeks=NEW_SUPPLIER_WEEKS)
        if model is None or monday.day <= 7 or monday < weekly_until:
            window = cast.rows(monday - TRAINING_DAYS * DAY, monday - SETTLE_DAYS * DAY)
            past = shift_log.iloc[window]
            labelled, tests = seen.for_parts(past.index), tested.iloc[window]
            model = train_risk_model(past, tests, labelled, monday, seed=seed, max_iter=max_iter)
            learnt = _learnt_suppliers(past, tests, labelled, monday)
            retrainings += 1
        week = cast.rows(monday, monday + WEEK)
        flags.iloc[week] = sheet.iloc[week].to_numpy()
        mine = pd.Series(False, index=shift_log.index)
        mine.iloc[week] = supplier.iloc[week].isin(learnt).to_numpy()
        if mine.any():  # set by position: a mask aligning labels took milliseconds a week
            weekly = _weekly_flags(model, shift_log, tested, monday, mine, economics)
            flags.iloc[np.flatnonzero(mine)] = weekly.to_numpy()
    tested = _route(shift_log, flags, economics)
    while (alarm := first_alarm(shift_log, tested, seen, baseline_catch_rate, after)) is not None:
        if patch_day(alarm) > cast_at.max():
            fires.append(alarm)
            break
        answer(alarm, cast_at.max() + pd.Timedelta(days=1))
    return World(DURABLE, flags.rename("flagged"), tested, tuple(fires), fixes=retrainings)


def _learnt_suppliers(
    past: pd.DataFrame, tested: pd.Series, seen: Returns, monday: pd.Timestamp
) -> tuple[str, ...]:
    """The suppliers with :data:`MIN_LEARNT_DEFECTS` known defects among the training parts."""
    known = seen.known_on(tested, past[factory.TARGET], monday)
    per_supplier = known.groupby(past["supplier"]).sum()
    return tuple(sorted(per_supplier[per_supplier >= MIN_LEARNT_DEFECTS].index))


def _weekly_flags(
    model: RiskModel,
    shift_log: pd.DataFrame,
    tested: pd.Series,
    monday: pd.Timestamp,
    week: pd.Series,
    economics: PlantEconomics,
) -> pd.Series:
    """The week's flags: the model's risk at or above the threshold that flags, among the
    parts of last week's suppliers cast in the last :data:`THRESHOLD_DAYS` (their scores are
    known that morning; a score needs no outcome), the share of this month's X-ray plan not
    yet used per part still to come (:func:`plan_left_share`), through the one routing's
    :func:`pocmvp.toolkit.routing.threshold_for_share`."""
    cast, supplier = CastingOrder(shift_log), shift_log["supplier"]
    recent = cast.rows(monday - THRESHOLD_DAYS * DAY, monday)
    in_use = supplier.iloc[cast.rows(monday - WEEK, monday)]
    scored = np.arange(recent.start, recent.stop)
    if len(in_use):
        scored = scored[supplier.iloc[recent].isin(in_use.unique()).to_numpy()]
    chosen = np.flatnonzero(week.to_numpy(dtype=bool))
    rows = np.union1d(scored, chosen)  # in casting order
    risk = risk_of_any_supplier(model, shift_log.iloc[rows])  # one call: scoring costs per call
    scores, risk = risk[np.isin(rows, scored)], risk[np.isin(rows, chosen)]
    flags = pd.Series(False, index=risk.index, name="flagged")
    this_month = shift_log["cast_at"].iloc[chosen] < monday + MONTH
    for part_of_week, share in (
        (this_month, plan_left_share(shift_log, tested, monday, economics)),
        (~this_month, economics.inspection_capacity_share),
    ):
        if part_of_week.any() and share > 0:
            threshold = routing.threshold_for_share(scores, share)
            flags[part_of_week] = routing.flags_from_scores(risk[part_of_week], threshold)
    return flags


def plan_left_share(
    shift_log: pd.DataFrame,
    tested: pd.Series,
    monday: pd.Timestamp,
    economics: PlantEconomics = ECONOMICS,
) -> float:
    """The share of the parts still to come this month that the X-ray plan has left for on
    ``monday``, at most the capacity share: the month's plan (the capacity share of its parts
    so far and of the days left, at the last :data:`THRESHOLD_DAYS`' pace) minus the tests
    already done. Flags at this share cannot use up the month's plan before its end."""
    cast = CastingOrder(shift_log)
    so_far = cast.rows(monday.to_period("M").to_timestamp(), monday)
    last_days = cast.rows(monday - THRESHOLD_DAYS * DAY, monday)
    days_left = ((monday + MONTH) - monday).days
    to_come = (last_days.stop - last_days.start) / THRESHOLD_DAYS * days_left
    if to_come <= 0:
        return 0.0
    plan = economics.capacity(int(so_far.stop - so_far.start + to_come))
    left = max(plan - int(tested.iloc[so_far].sum()), 0)
    return float(min(left / to_come, economics.inspection_capacity_share))


def _route(shift_log: pd.DataFrame, flags: pd.Series, economics: PlantEconomics) -> pd.Series:
    """The one routing, run only on the months from the fire's (earlier ones never change)."""
    scope = CastingOrder(shift_log).rows(pd.Timestamp(factory.FIRE_MONTH))
    tested = np.zeros(len(shift_log), dtype=bool)
    tested[scope] = rule.within_capacity(shift_log.iloc[scope], flags.iloc[scope], economics)
    return pd.Series(tested, index=shift_log.index, name="tested")


def long_term(
    plant: factory.Plant,
    december: firefighting.December,
    *,
    economics: PlantEconomics = ECONOMICS,
    max_iter: int = MAX_ITER,
) -> LongTerm:
    """The patch and the durable fix from December's patch day to June 2026 (see the module)."""
    shift_log = factory_after.with_the_year_after(plant)
    seen = factory_after.returns_after(shift_log, plant.shift_log, plant.seed)
    in_force = iteration.flags_in_force(shift_log, december.versions, economics)
    patched = hand_over(shift_log, in_force, december.patch.flag(shift_log), december.patch_day)
    baseline = float(december.detection.attrs["baseline_catch_rate"])
    start = (shift_log, seen, patched, december.patch_day, baseline)
    return LongTerm(
        shift_log,
        seen,
        december.patch_day,
        baseline,
        patch=patch_world(*start, economics),
        durable=durable_world(*start, seed=plant.seed, economics=economics, max_iter=max_iter),
    )
