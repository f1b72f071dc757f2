"""When fires start: the December supplier change, and what each group does about it.

On 1 December the plant changes alloy supplier (Alucast to NordAlloy). The new alloy forms
sludge when the melt runs *cold*, so the live rule, which looks for hot melts, misses the new
defects. This module holds every step chapter 7 tells, in the order of the story:

* **the rule in force** is read from the one calendar of releases
  (:func:`pocmvp.case.iteration.flags_in_force`: v1 from September, v2 from December);
* **detection**, honestly timed: a tested part's defect is known the day after it is
  X-rayed, a shipped one only when its return is booked (:mod:`pocmvp.case.returns`: the
  customer's delay, then the monthly list or, once engineering built it, the returns
  feed). :func:`detection_times` asks :mod:`pocmvp.toolkit.monitoring` when the daily check, the
  weekly check and the monthly report first see the fall, against the catch rate known
  when the fire started (:func:`baseline`), as it happened and with the monthly list only;
  :func:`xray_results` shows what the X-ray cell alone saw;
* the **rapid-response patch** follows the first alarm: :func:`find_patch` refits the rule
  on the NordAlloy parts as known on the alarm's morning (:func:`known_outcomes`), it goes
  live :data:`PATCH_LEAD_DAYS` later (:func:`patch_day`), :func:`hand_over` switches to it,
  and :func:`compare_at_capacity` judges any selections at the X-ray capacity;
* **preemption**: :func:`train_risk_model`, a small seeded gradient-boosted model on the
  fields known when a part is routed (no ``rework_minutes``, no MES: that feed does not
  exist yet), trained on every outcome known on the alarm's morning, with a weekly
  threshold (:func:`weekly_flags`) and a drift check on its inputs (:func:`drift_check`);
* **engineering**: the MVP's chores and their automations, declared once in
  :data:`pocmvp.case.upkeep.ENGINEERING_WORK`, whose totals :func:`engineering_table` computes;
* the **water line**: :func:`write_flags_for_day` writes one day's flags into the shift
  leads' spreadsheet, idempotently, and accounts for every row; :func:`what_the_sheet_showed`
  says what that sheet could and could not tell anyone in December.

:func:`replay` runs the steps in order for one shift log (what the story's claims read).
The season of unplanned requests (one team against three groups) is :mod:`pocmvp.case.fire`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from pocmvp.case import factory, iteration, returns, status_quo
from pocmvp.case import plant_rule as rule
from pocmvp.case.returns import Booking, Returns
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics
from pocmvp.case.upkeep import ENGINEERING_WORK, Automation
from pocmvp.toolkit import cells, monitoring
from pocmvp.toolkit.rule import Rule

MONITORED = {"time": factory.SCHEMA.time, "target": factory.TARGET}
"""The shift log's columns the toolkit's monitoring reads: ``cast_at`` and ``defect``."""

CHANGE_DATE = factory.SUPPLIER_CHANGE_DATE
"""The day NordAlloy's first lots were charged into the furnaces."""
NEW_SUPPLIER = factory.SUPPLIER_AFTER
PATCH_LEAD_DAYS = 1
"""Assumption: rapid response fits the patch on the morning the alarm rings (one table, one
search, one formula) and it is live in the shift leads' sheet the next morning."""


# ----------------------------------------------------------------------------- the live rule


def rule_in_force(
    shift_log: pd.DataFrame, on: pd.Timestamp | str = CHANGE_DATE, economics=ECONOMICS
) -> Rule:
    """The rule live on ``on`` (default: the supplier change, when v2 is live), from the one
    calendar of releases (:data:`pocmvp.case.iteration.RELEASES`); only the history is read."""
    version = iteration.version_in_force(on)
    if version is None:
        raise ValueError(f"no rule was live on {pd.Timestamp(on).date()}: today's sample only")
    return iteration.rule_versions(shift_log, economics)[version]


def baseline(
    shift_log: pd.DataFrame, tested: pd.Series, seen: Returns, on: pd.Timestamp | str = CHANGE_DATE
) -> tuple[float, tuple[str, ...]]:
    """The catch rate the plant knew on ``on``: the live months
    (:data:`pocmvp.case.factory.HELD_OUT_MONTHS`) whose returns were all in by then, and those
    months. Every check compares with it."""
    on = pd.Timestamp(on)
    final = returns.final_months(shift_log, seen, on, factory.HELD_OUT_MONTHS)
    if not final:
        raise ValueError(f"no live month was final on {on.date()}: no baseline to compare with")
    chosen = factory.month_of(shift_log).isin(final)
    rate = monitoring.overall_catch_rate(shift_log[chosen], tested[chosen], target=factory.TARGET)
    return rate, final


# ----------------------------------------------------------------------------- detection


@dataclass(frozen=True)
class Cadence:
    """How often someone looks at the catch rate, and over how many periods."""

    name: str
    window: str  # "D", "W" or "M" (see monitoring.WINDOWS)
    lookback: int  # periods pooled per check: a daily check looks at the last 7 days


CADENCES = (
    Cadence("daily check", "D", 7),
    Cadence("weekly check", "W", 1),
    Cadence("monthly report", "M", 1),
)
DROP = 0.3
"""A check raises the alarm when the catch rate is more than 30 % below the baseline..."""
MIN_DEFECTS = 20
"""...judged only on at least 20 known defects (a catch rate on a handful is noise)..."""
MIN_SHARE_IN = 0.5
"""...and once at least half of the period's returns are usually in (see monitoring)."""
BOOKINGS = (returns.AS_IT_HAPPENED, returns.MONTHLY_LIST)
"""How returns were booked: as it happened (the returns feed from 8 December), and the
monthly list only (had engineering not built the feed)."""


def detection_times(
    shift_log: pd.DataFrame,
    tested: pd.Series,
    seen: Returns,
    *,
    bookings: Sequence[Booking] = BOOKINGS,
    drop: float = DROP,
    min_defects: int = MIN_DEFECTS,
    cadences: Sequence[Cadence] = CADENCES,
) -> pd.DataFrame:
    """When each cadence first notices the catch rate fall after the supplier change.

    ``tested`` marks the parts the X-ray cell tested, ``seen`` the returns (their delays);
    each of ``bookings`` books them its own way. One row per (cadence, booking):
    ``noticed_on``, ``days_to_notice`` (from :data:`CHANGE_DATE`; NaN if never), the
    period, the estimated catch rate and the defects known when it rang, the share of the
    period's returns in by then, and the false alarms the same check raised on the live
    months before the change (``false_alarms_before`` of ``checks_before`` judged): a
    faster check is also a noisier one. The baseline (:func:`baseline`) and the alarm level
    are in ``attrs``.
    """
    rate, months = baseline(shift_log, tested, seen)
    live_start = pd.Timestamp(f"{factory.HELD_OUT_MONTHS[0]}-01")
    rows = []
    for cadence in cadences:
        for booking in bookings:
            booked = seen.with_booking(booking)
            checks = monitoring.check_periods(
                shift_log,
                tested,
                rate,
                **MONITORED,
                window=cadence.window,
                drop=drop,
                min_defects=min_defects,
                lookback=cadence.lookback,
                returns=booked,
                min_share_in=MIN_SHARE_IN,
            )
            before = checks[
                (checks["period_start"] >= live_start) & (checks["period_end"] <= CHANGE_DATE)
            ]
            after = checks[checks["period_end"] > CHANGE_DATE]
            alarms = after[after["alarm"]].sort_values("noticed_on", kind="stable")
            alarm = alarms.iloc[0] if len(alarms) else None
            rows.append(
                {
                    "cadence": cadence.name,
                    "booking": booking.name,
                    "noticed_on": alarm["noticed_on"] if alarm is not None else pd.NaT,
                    "days_to_notice": (alarm["noticed_on"] - CHANGE_DATE).days
                    if alarm is not None
                    else np.nan,
                    "period": str(alarms.index[0]) if alarm is not None else "",
                    "catch_rate_seen": alarm["catch_rate"] if alarm is not None else np.nan,
                    "defects_known": int(alarm["caught"] + alarm["returns_seen"])
                    if alarm is not None
                    else 0,
                    "share_in": alarm["share_in"] if alarm is not None else np.nan,
                    "false_alarms_before": int(before["alarm"].sum()),
                    "checks_before": int(before["judged"].sum()),
                }
            )
    table = pd.DataFrame(rows).set_index(["cadence", "booking"])
    table.attrs["baseline_catch_rate"] = rate
    table.attrs["baseline_months"] = months
    table.attrs["alarm_below"] = rate * (1 - drop)
    return table


def days_to_notice(
    shift_log: pd.DataFrame,
    tested: pd.Series,
    seen: Returns,
    cadence: str,
    booking: Booking = returns.AS_IT_HAPPENED,
) -> float:
    """Days from the change until ``cadence`` (a name in :data:`CADENCES`) notices the fall
    with returns booked by ``booking``."""
    chosen = [c for c in CADENCES if c.name == cadence]
    if not chosen:
        raise ValueError(f"cadence must be one of {[c.name for c in CADENCES]}, got {cadence!r}")
    table = detection_times(shift_log, tested, seen, bookings=(booking,), cadences=chosen)
    return float(table["days_to_notice"].iloc[0])


def first_notice(
    detection: pd.DataFrame, booking: Booking = returns.AS_IT_HAPPENED
) -> tuple[str, pd.Timestamp]:
    """The cadence that noticed first with ``booking``, and the morning it rang."""
    noticed = detection["noticed_on"].xs(booking.name, level="booking").dropna()
    if noticed.empty:
        raise ValueError(f"no check noticed the fall with the {booking.name}")
    cadence = str(noticed.sort_values(kind="stable").index[0])
    return cadence, pd.Timestamp(noticed[cadence])


def patch_day(alarm_on: pd.Timestamp | str) -> pd.Timestamp:
    """The morning the rapid-response patch is live: :data:`PATCH_LEAD_DAYS` after the
    alarm that triggered it."""
    return pd.Timestamp(alarm_on).normalize() + pd.Timedelta(days=PATCH_LEAD_DAYS)


def xray_results(shift_log: pd.DataFrame, tested: pd.Series, window: str = "W") -> pd.DataFrame:
    """What the X-ray cell itself knows the same day, per period: parts tested, found
    defective, the hit rate (found / tested) and the defect types found.

    It never sees the parts it did not test: a fall in the catch rate shows up here only if
    the tested parts themselves change.
    """
    table = monitoring.catch_rate_by_period(shift_log, tested, window, **MONITORED)
    found = pd.DataFrame(
        {
            "start": monitoring.period_start(shift_log["cast_at"], window),
            "type": shift_log["defect_type"].where(tested & shift_log["defect"].astype(bool)),
        }
    ).dropna()
    types = found.groupby(["start", "type"]).size().unstack(fill_value=0)
    types = types.reindex(columns=list(factory.DEFECT_TYPES), fill_value=0)
    types = types.reindex(table["period_start"].to_numpy(), fill_value=0)
    out = pd.DataFrame(
        {
            "period_start": table["period_start"],
            "tested": table["flagged"],
            "found_defective": table["caught"],
            "hit_rate": table["caught"] / table["flagged"].where(table["flagged"] > 0),
        },
        index=table.index,
    )
    for kind in factory.DEFECT_TYPES:
        share = types[kind].to_numpy() / out["found_defective"].where(out["found_defective"] > 0)
        out[f"{kind}_share"] = share
    return out


def before_and_after(shift_log: pd.DataFrame, tested: pd.Series) -> pd.DataFrame:
    """The live months before the change against December: what the X-ray cell saw at once
    (tested, found, hit rate), and what only the returns revealed (defects, catch rate)."""
    month = factory.month_of(shift_log)
    periods = {
        "live months before the change": month.isin(factory.HELD_OUT_MONTHS),
        "December (new supplier)": month == factory.FIRE_MONTH,
    }
    rows = {}
    for name, mask in periods.items():
        score = rule.score(shift_log[mask], tested[mask])
        months = month[mask].nunique()
        rows[name] = {
            "parts_per_month": score.parts / months,
            "tested_share": score.flagged_share,
            "found_per_month": score.caught / months,
            "hit_rate": score.hit_rate,
            "defect_rate": score.defects / score.parts,
            "catch_rate": score.catch_rate,
            "shipped_defects_per_month": (score.defects - score.caught) / months,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


# ----------------------------------------------------------------------------- the patch


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


# ----------------------------------------------------------------------------- preemption

MODEL_NUMERIC = rule.RULE_COLUMNS
"""Numeric shift-log fields known when a part is routed (never ``rework_minutes``)."""
MODEL_CATEGORICAL = ("cell", "shift", "supplier")
"""Categories the model may split on: the supplier is what lets it learn the new alloy."""


@dataclass
class RiskModel:
    """Preemption's model: a defect risk for every part, from decision-time fields only."""

    estimator: object = field(repr=False)
    categories: dict[str, list[str]]
    trained_until: pd.Timestamp
    training_parts: int
    training_defects: int
    training_new_supplier_parts: int
    seed: int

    @property
    def features(self) -> tuple[str, ...]:
        return (*MODEL_NUMERIC, *MODEL_CATEGORICAL)

    def inputs(self, shift_log: pd.DataFrame) -> pd.DataFrame:
        """The model's inputs: the numeric fields, and the categories with a fixed coding."""
        frame = shift_log[list(MODEL_NUMERIC)].astype("float64")
        for name in MODEL_CATEGORICAL:
            frame[name] = pd.Categorical(shift_log[name], categories=self.categories[name])
        return frame

    def risk(self, shift_log: pd.DataFrame) -> pd.Series:
        """Each part's estimated probability of a defect."""
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):  # one thread: steady timings on a shared 2-core machine
            scores = self.estimator.predict_proba(self.inputs(shift_log))[:, 1]
        return pd.Series(scores, index=shift_log.index, name="risk")


def train_risk_model(
    shift_log: pd.DataFrame,
    tested: pd.Series,
    seen: Returns,
    on: pd.Timestamp | str,
    *,
    seed: int = factory.DEFAULT_SEED,
    max_iter: int = 100,
) -> RiskModel:
    """Fit the model on every part cast before ``on``, labelled as known that morning (see
    :func:`known_outcomes`), both suppliers included. A small seeded
    ``HistGradientBoostingClassifier`` (100 trees of 15 leaves): no shuffled validation
    split, since time decides what is known; it is judged on later parts only."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    known = known_outcomes(shift_log, tested, seen, on)
    if known.empty or known[factory.TARGET].nunique() < 2:
        raise ValueError(f"too few known outcomes on {pd.Timestamp(on).date()} to train")
    categories = {name: sorted(shift_log[name].dropna().unique()) for name in MODEL_CATEGORICAL}
    estimator = HistGradientBoostingClassifier(
        max_iter=max_iter,
        learning_rate=0.1,
        max_leaf_nodes=15,
        min_samples_leaf=20,
        l2_regularization=1.0,
        categorical_features="from_dtype",
        early_stopping=False,
        random_state=seed,
    )
    model = RiskModel(
        estimator=estimator,
        categories=categories,
        trained_until=known["cast_at"].max(),
        training_parts=len(known),
        training_defects=int(known[factory.TARGET].sum()),
        training_new_supplier_parts=int((known["supplier"] == NEW_SUPPLIER).sum()),
        seed=seed,
    )
    with threadpool_limits(1):
        estimator.fit(model.inputs(known), known[factory.TARGET].astype(bool))
    return model


def weekly_flags(
    model: RiskModel,
    shift_log: pd.DataFrame,
    economics: PlantEconomics = ECONOMICS,
    calibration_days: int = 7,
) -> pd.Series:
    """The model's flags with a threshold reset every Monday: the risk above which the
    previous ``calibration_days`` days' parts would have filled the capacity share.

    Only inputs of parts already cast are needed (no outcomes), so the threshold keeps the
    model at the capacity as the mix of parts drifts. The first week, with no earlier parts,
    uses its own parts.
    """
    risk = model.risk(shift_log)
    week = monitoring.period_start(shift_log["cast_at"], "W")
    share = economics.inspection_capacity_share
    thresholds = {}
    for monday in sorted(week.unique()):
        start = monday - pd.Timedelta(days=calibration_days)
        recent = risk[(shift_log["cast_at"] >= start) & (shift_log["cast_at"] < monday)]
        if recent.empty:
            recent = risk[week == monday]
        thresholds[monday] = float(np.quantile(recent, 1 - share))
    return (risk > week.map(thresholds)).rename("flagged")


PSI_ALARM = 0.2
"""The usual alarm level of a population stability index: 0.1 to 0.2 is read as a moderate
shift, 0.2 or more as a significant one (a rule of thumb from credit scoring, not a test)."""
NEW_VALUE_ALARM = 0.05
"""Alarm when 5 % or more of the current parts carry a category the reference never saw."""


def drift_check(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    numeric: Sequence[str] = MODEL_NUMERIC,
    categorical: Sequence[str] = MODEL_CATEGORICAL,
    *,
    psi_alarm: float = PSI_ALARM,
    new_value_alarm: float = NEW_VALUE_ALARM,
    bins: int = 10,
) -> pd.DataFrame:
    """Have the model's inputs moved? One row per field.

    Numeric fields: the population stability index (PSI) over the reference's deciles, with
    missing values as their own bin; :data:`PSI_ALARM` or more is the usual alarm.
    Categories: the share of current parts whose value the reference never saw (a new
    supplier scores 100 %).
    A drift check watches inputs only: it says the world changed, not that the model broke.
    """
    rows = []
    for column in numeric:
        ref = reference[column].to_numpy(dtype="float64", na_value=np.nan)
        cur = current[column].to_numpy(dtype="float64", na_value=np.nan)
        edges = np.unique(np.nanquantile(ref, np.linspace(0, 1, bins + 1)[1:-1]))
        ref_share = _bin_shares(ref, edges)
        cur_share = _bin_shares(cur, edges)
        floor = 1e-4  # an empty bin would make the index infinite
        ref_share, cur_share = np.maximum(ref_share, floor), np.maximum(cur_share, floor)
        psi = float(np.sum((cur_share - ref_share) * np.log(cur_share / ref_share)))
        rows.append(
            {
                "field": column,
                "kind": "numeric",
                "reference_median": float(np.nanmedian(ref)),
                "current_median": float(np.nanmedian(cur)),
                "psi": psi,
                "new_value_share": np.nan,
                "alarm": psi >= psi_alarm,
            }
        )
    for column in categorical:
        seen = set(reference[column].dropna().unique())
        new_share = float((~current[column].isin(seen)).mean())
        rows.append(
            {
                "field": column,
                "kind": "category",
                "reference_median": np.nan,
                "current_median": np.nan,
                "psi": np.nan,
                "new_value_share": new_share,
                "alarm": new_share >= new_value_alarm,
            }
        )
    return pd.DataFrame(rows).set_index("field")


def _bin_shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    present = ~np.isnan(values)
    counts = np.bincount(np.searchsorted(edges, values[present]), minlength=len(edges) + 1)
    counts = np.append(counts, (~present).sum())
    return counts / max(len(values), 1)


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


# ----------------------------------------------------------------------------- engineering


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


# ----------------------------------------------------------------------------- the water line

SHEET = "Flags"
SHEET_COLUMNS = (
    "part_id",
    "cast_at",
    "cell",
    "shift",
    "mould_id",
    "supplier",
    "alloy_lot",
    *rule.RULE_COLUMNS,
)
FLAG_HEADER = "send_to_xray"
VERSION_HEADER = "rule_version"
HEADERS = (*SHEET_COLUMNS, FLAG_HEADER, VERSION_HEADER)
_HIGHLIGHT = PatternFill(start_color="FFE69F00", end_color="FFE69F00", fill_type="solid")


@dataclass(frozen=True)
class WriteBack:
    """What one day's write-back did to every row it received."""

    day: pd.Timestamp
    path: Path
    rule_version: str
    received: int
    added: int
    updated: int
    unchanged: int
    rejected: int
    flagged: int
    flags_changed: int
    rows_in_sheet: int
    rejections: pd.DataFrame = field(repr=False)

    @property
    def accounted(self) -> bool:
        """Every row received was added, updated, left unchanged or rejected."""
        return self.added + self.updated + self.unchanged + self.rejected == self.received

    def table(self) -> pd.DataFrame:
        counts = {
            "received": self.received,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "flagged (send to X-ray)": self.flagged,
            "flags changed by this run": self.flags_changed,
            "rows in the sheet after": self.rows_in_sheet,
        }
        return pd.DataFrame({"rows": counts}).rename_axis(
            f"{self.day.date()} ({self.rule_version})"
        )


def write_flags_for_day(
    shift_log: pd.DataFrame,
    live_rule: Rule,
    day: pd.Timestamp | str,
    path: str | Path,
    *,
    rule_version: str,
) -> WriteBack:
    """Write (or update) one day's flags into the shift leads' sheet; return the accounting.

    The sheet is one table, one row per part, keyed by ``part_id``: the fields a shift lead
    needs to find the part, the rule's columns, ``send_to_xray`` (TRUE/FALSE, a value: the
    rule may be a patch or a model, not a formula) and the version of the rule that decided.
    Running it again for the same day with the same rule changes nothing (idempotent); with
    another rule it updates the rows whose flag or version changed. Rows the rule cannot
    judge (see :func:`pocmvp.toolkit.accounting.account_rows`) are not written and are counted as
    rejected, with their reasons in ``rejections``. Text is always stored as text, never as
    a formula.
    """
    day = pd.Timestamp(day).normalize()
    path = Path(path)
    parts = shift_log[shift_log["cast_at"].dt.normalize() == day]
    accounting = rule.account_rows(parts, live_rule)
    decisions = accounting.decisions
    accepted = parts[decisions["decision"] != rule.REJECTED]
    flags = decisions.loc[accepted.index, "decision"] == rule.FLAGGED

    book, sheet = _open_sheet(path)
    cells.check_row_count(sheet.max_row - 1 + len(accepted), sheet=SHEET)  # at most this many
    existing = {
        str(row[0].value): row[0].row
        for row in sheet.iter_rows(min_row=2, max_col=1)
        if row[0].value is not None
    }
    added = updated = unchanged = flags_changed = 0
    flag_index = HEADERS.index(FLAG_HEADER)
    records = accepted[list(SHEET_COLUMNS)].to_dict("records")
    for record, flag in zip(records, flags.to_numpy(), strict=True):
        values = [cells.cell_value(record[c]) for c in SHEET_COLUMNS]
        values += [bool(flag), rule_version]
        at = existing.get(str(record["part_id"]))
        if at is None:
            at = sheet.max_row + 1
            existing[str(record["part_id"])] = at
            added += 1
        else:
            current = [sheet.cell(at, i + 1).value for i in range(len(HEADERS))]
            if current == values:
                unchanged += 1
                continue
            updated += 1
            flags_changed += current[flag_index] != values[flag_index]
        _write_row(sheet, at, values)
    # Fixed document dates: the same day and rule give the same workbook on every run.
    cells.save_reproducibly(book, path, dt.datetime.combine(day.date(), dt.time(6, 0)))
    return WriteBack(
        day=day,
        path=path,
        rule_version=rule_version,
        received=len(parts),
        added=added,
        updated=updated,
        unchanged=unchanged,
        rejected=accounting.counts[rule.REJECTED],
        flagged=int(flags.sum()),
        flags_changed=int(flags_changed),
        rows_in_sheet=sheet.max_row - 1,
        rejections=accounting.rejected(),
    )


def read_sheet(path: str | Path) -> pd.DataFrame:
    """The shift leads' sheet as a data frame (one row per part)."""
    book = load_workbook(path, read_only=True)
    rows = list(book[SHEET].iter_rows(values_only=True))
    book.close()
    return pd.DataFrame(rows[1:], columns=list(rows[0]))


def _open_sheet(path: Path):
    if path.exists():
        book = load_workbook(path)
        if SHEET not in book.sheetnames:
            raise ValueError(f"{path.name} has no sheet {SHEET!r}: is it the shift leads' sheet?")
        sheet = book[SHEET]
        headers = tuple(c.value for c in sheet[1])
        if headers != HEADERS:
            raise ValueError(f"{path.name}'s {SHEET!r} sheet has other columns: {headers}")
        return book, sheet
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    for index, name in enumerate(HEADERS, start=1):
        cells.set_data_cell(sheet.cell(1, index), name).font = Font(bold=True)
    sheet.freeze_panes = "A2"
    return book, sheet


def _write_row(sheet, row: int, values: list) -> None:
    for index, (name, value) in enumerate(zip(HEADERS, values, strict=True), start=1):
        # Text is text in every column (a "=HYPERLINK(...)" in a number column too).
        cell = cells.set_data_cell(sheet.cell(row, index), value)
        if name == "cast_at":
            cell.number_format = "yyyy-mm-dd hh:mm"
        if name == FLAG_HEADER:
            cell.fill = _HIGHLIGHT if value else PatternFill()


def water_line(shift_log: pd.DataFrame, flags: pd.Series, month: str) -> pd.DataFrame:
    """The everyday flow in ``month``: per production day, the rows the write-back delivers
    to the shift leads' sheet and how many of them say "send to X-ray"."""
    in_month = factory.month_of(shift_log) == month
    day = shift_log.loc[in_month, "cast_at"].dt.normalize()
    table = pd.DataFrame(
        {"rows": day.groupby(day).size(), "flags": flags[in_month].groupby(day).sum()}
    )
    table.index.name = "day"
    return table.astype("int64")


def what_the_sheet_showed(shift_log: pd.DataFrame, tested: pd.Series) -> pd.DataFrame:
    """November against December as the shift leads' sheet and the X-ray log saw them, next
    to what only returns and an analysis could tell (the catch rate and its cause)."""
    month = factory.month_of(shift_log)
    before = factory.HELD_OUT_MONTHS[-1]
    rows = {}
    for label in (before, factory.FIRE_MONTH):
        mask = month == label
        score = rule.score(shift_log[mask], tested[mask])
        rows[label] = {
            "flag_share": score.flagged_share,
            "hit_rate": score.hit_rate,
            "catch_rate": score.catch_rate,
        }
    table = pd.DataFrame.from_dict(rows, orient="index").T
    table.insert(0, "who can see it", ["sheet (same day)", "X-ray log (same day)", "returns"])
    return table


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
