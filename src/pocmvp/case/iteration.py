"""Iterate on the live rule: read the feedback, derive rule v2, say which rule was in force.

Once the rule ships, its users answer back. The X-ray cell's complaint in November, after
two monthly reports, is "too many night-shift false alarms". This module turns that
sentence into numbers and into a better rule, and keeps the calendar of rule versions:

* :data:`RELEASES` declares each version of the live rule and the day it went live
  (``live_from``), read from the approved ``rule.json`` files stored with the case
  (:data:`RULES_DIR`, :func:`stored_versions`); :func:`version_in_force` and
  :func:`flags_in_force` answer "which rule was in force" for any day or part from them, so
  no command fits a rule again to answer. :func:`rule_versions` derives the rules (chapter 6
  teaches it; ``tools/make_case_rules.py`` stores its result at the default seed);
* :func:`shift_breakdown` counts, per shift, the X-ray tests a rule's routing spends (every
  rule spends the month's capacity), the defects they find, the false alarms (tests of
  parts that were fine) and the hit rate;
* :func:`reading_offset` estimates how far one crew's reading sits from the others' (the
  night crew reads the ladle probe before skimming, about 6 °C high);
* :func:`revise_for_night_shift` derives rule v2 from the data: the melt condition is split
  into one threshold for the day shifts and one for the night shift, both searched
  exhaustively (every recorded reading near v1's threshold, vectorised), keeping the whole
  rule within the X-ray capacity on the history and catching at least as many defects;
* :func:`compare_by_shift` puts several rule versions side by side, shift by shift, each
  routed within the same capacity, so their false alarms are compared at equal tests;
* :func:`value_captured` tracks, month by month, the defective parts a rule catches beyond
  today's every-n-th-part sample at the same capacity, and what they are worth.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pocmvp.case import factory
from pocmvp.case import plant_rule as rule
from pocmvp.case.plant_rule import SHIFT_COLUMN, Condition, Rule
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics
from pocmvp.toolkit import rulefile

ALL_SHIFTS = "all shifts"
"""The label of the total row in the per-shift tables."""
NIGHT = "night"
MELT = "melt_temp_c"


# --- Which rule was in force ----------------------------------------------------------------


RULES_DIR = Path(__file__).resolve().parent / "rules"
"""The approved rules of the case, one ``rule.json`` per version (``v1.json``, ``v2.json``),
written by ``tools/make_case_rules.py`` from :func:`rule_versions` on the default plant."""

_CALENDAR = {
    "v1": (
        f"{factory.HELD_OUT_MONTHS[0]}-01",
        "chapter 4: the rule search on the history months, at the X-ray capacity",
    ),
    "v2": (
        f"{factory.FIRE_MONTH}-01",
        "chapter 6: v1 with the melt read against its own threshold on the night shift",
    ),
}


@dataclass(frozen=True)
class RuleRelease:
    """One version of the live rule: its name, the day it went live, and where it is made.

    The rule itself and ``live_from`` are read from its file in :data:`RULES_DIR`.
    """

    version: str
    live_from: pd.Timestamp
    made_by: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "live_from", pd.Timestamp(self.live_from))


def rule_file(version: str) -> rulefile.RuleFile:
    """The approved rule ``version`` as stored in the package (``rules/VERSION.json``)."""
    if version not in _CALENDAR:
        raise ValueError(f"the rule version must be one of {', '.join(_CALENDAR)}, got {version!r}")
    return rulefile.load(RULES_DIR / f"{version}.json")


def stored_versions() -> dict[str, Rule]:
    """Every approved version, read from its file: what was in force, never fitted again."""
    return {version: rule_file(version).rule for version in _CALENDAR}


RELEASES: tuple[RuleRelease, ...] = tuple(
    RuleRelease(version, pd.Timestamp(rule_file(version).live_from), made_by)
    for version, (_, made_by) in _CALENDAR.items()
)
"""The calendar of the live rule, in order: v1 from September 2025, v2 from December."""
VERSIONS = tuple(r.version for r in RELEASES)


def derived_rule_files(
    shift_log: pd.DataFrame, economics: PlantEconomics = ECONOMICS
) -> dict[str, rulefile.RuleFile]:
    """v1 and v2 as the chapters derive them on ``shift_log`` (:func:`rule_versions`), each
    as the ``rule.json`` of its release (what ``tools/make_case_rules.py`` stores)."""
    history = factory.in_months(shift_log, factory.TRAIN_MONTHS)
    chosen_on = {
        "data": "the generated plant",
        "history_until": factory.TRAIN_MONTHS[-1],
        "rows": int(len(history)),
    }
    return {
        version: rulefile.RuleFile(
            rule=found,
            capacity=economics.inspection_capacity_share,
            target=factory.TARGET,
            id="part_id",
            time="cast_at",
            chosen_on=chosen_on,
            live_from=pd.Timestamp(_CALENDAR[version][0]).date(),
        )
        for version, found in rule_versions(shift_log, economics).items()
    }


def releases_table() -> pd.DataFrame:
    """The calendar as a table: version, live from (a day: a version goes live at the start
    of it), made by."""
    return pd.DataFrame(
        [
            {"version": r.version, "live_from": r.live_from.date(), "made_by": r.made_by}
            for r in RELEASES
        ]
    ).set_index("version")


def rule_versions(
    shift_log: pd.DataFrame, economics: PlantEconomics = ECONOMICS
) -> dict[str, Rule]:
    """Every version of :data:`RELEASES` for this shift log (only its history months are
    read): v1 found on the history at the X-ray capacity, v2 its night-shift revision.

    If v1 has no melt condition to read differently at night, v2 is v1. Raises ValueError
    when the shift log has no history months or no rule fits.
    """
    history = factory.in_months(shift_log, factory.TRAIN_MONTHS)
    if history.empty:
        raise ValueError(
            f"the shift log has no history months ({factory.TRAIN_MONTHS[0]} to "
            f"{factory.TRAIN_MONTHS[-1]}) to choose the rule on"
        )
    capacity = economics.inspection_capacity_share
    v1 = rule.find_rule(history, factory.TARGET, capacity, rule.RULE_COLUMNS).rule
    splittable = any(c.column == MELT and not c.scoped for c in v1.conditions)
    v2 = revise_for_night_shift(v1, history, capacity) if splittable else v1
    return {"v1": v1, "v2": v2}


def version_in_force(on: pd.Timestamp | str) -> str | None:
    """The version live on ``on`` (None before the first release: today's sample only)."""
    on = pd.Timestamp(on)
    live = [r.version for r in RELEASES if r.live_from <= on]
    return live[-1] if live else None


def flags_in_force(
    shift_log: pd.DataFrame,
    versions: Mapping[str, Rule] | None = None,
    economics: PlantEconomics = ECONOMICS,
) -> pd.Series:
    """Each part's flag from the version in force when it was cast (no flag before v1).

    ``versions`` defaults to the approved rules as stored (:func:`stored_versions`).
    """
    versions = stored_versions() if versions is None else versions
    flagged = pd.Series(False, index=shift_log.index, name="flagged")
    for release in RELEASES:
        live = shift_log["cast_at"] >= release.live_from
        flagged = flagged.where(~live, versions[release.version].flag(shift_log))
    return flagged.astype(bool).rename("flagged")


def versions_in_force(shift_log: pd.DataFrame) -> pd.Series:
    """Each part's version in force when it was cast (empty text before v1)."""
    version = pd.Series("", index=shift_log.index, name="rule_version", dtype=object)
    for release in RELEASES:
        version[shift_log["cast_at"] >= release.live_from] = release.version
    return version


def shift_breakdown(
    shift_log: pd.DataFrame,
    chosen: Rule,
    economics: PlantEconomics = ECONOMICS,
    target: str = factory.TARGET,
) -> pd.DataFrame:
    """Per shift (and for all shifts), what the X-ray cell saw with ``chosen`` routed within
    the capacity (:func:`pocmvp.toolkit.rule.within_capacity`): parts, ``tests`` spent,
    ``sent`` (the tests the rule asked for; the others are slots its flags left to the
    sample), defects ``found`` by the tests, ``false_alarms`` (tests of parts that were fine), the
    ``hit_rate`` (found / tests), and each shift's share of the parts, the tests and the
    false alarms. Every rule spends the same tests in a month, so two rules' false alarms
    compare like with like: fewer false alarms is more defects found.

    Every figure is an X-ray result, known the day the part is cast.
    """
    flagged = chosen.flag(shift_log)
    tested = rule.within_capacity(shift_log, flagged, economics).to_numpy()
    flagged = flagged.to_numpy()
    defect = shift_log[target].to_numpy(dtype=bool)
    sent = tested & flagged
    frame = pd.DataFrame(
        {
            "shift": shift_log[SHIFT_COLUMN].to_numpy(),
            "parts": 1,
            "tests": tested,
            "sent": sent,
            "found": tested & defect,
            "false_alarms": tested & ~defect,
        }
    )
    table = frame.groupby("shift").sum().astype("int64")
    order = [s for s in factory.SHIFTS if s in table.index] + sorted(
        s for s in table.index if s not in factory.SHIFTS
    )
    table = table.reindex(order)
    table.loc[ALL_SHIFTS] = table.sum()
    table.index.name = "shift"
    table["hit_rate"] = table["found"] / table["tests"].where(table["tests"] > 0)
    for column in ("parts", "tests", "false_alarms"):
        total = table.loc[ALL_SHIFTS, column]
        table[f"share_of_{column}"] = table[column] / (total if total else 1)
    return table


def compare_by_shift(
    shift_log: pd.DataFrame,
    rules: Mapping[str, Rule],
    economics: PlantEconomics = ECONOMICS,
    target: str = factory.TARGET,
) -> pd.DataFrame:
    """Several rule versions on the same parts, per shift, each routed within the same
    capacity (so each spends the same tests): tests, defects found, false alarms and hit
    rate, with columns ``(figure, version)``, e.g. ``("false_alarms", "v2")``."""
    if not rules:
        raise ValueError("compare_by_shift needs at least one rule, e.g. {'v1': rule}")
    figures = ["tests", "found", "false_alarms", "hit_rate"]
    tables = {
        name: shift_breakdown(shift_log, r, economics, target)[figures] for name, r in rules.items()
    }
    table = pd.concat(tables, axis=1).swaplevel(axis=1)
    return table[[(f, name) for f in figures for name in rules]]


def reading_offset(history: pd.DataFrame, column: str = "melt_temp_c", shift: str = NIGHT) -> float:
    """How much higher ``shift``'s median reading of ``column`` is than the other shifts'.

    The true melt does not depend on the shift, so a difference in the medians is the crew's
    reading habit (the night crew reads before skimming).
    """
    values = pd.to_numeric(history[column], errors="coerce")
    on_shift = history[SHIFT_COLUMN] == shift
    if not on_shift.any() or on_shift.all():
        raise ValueError(f"need parts both on and off the {shift} shift to compare readings")
    return float(values[on_shift].median() - values[~on_shift].median())


def revise_for_night_shift(
    v1: Rule,
    history: pd.DataFrame,
    capacity: float,
    *,
    column: str = "melt_temp_c",
    shift: str = NIGHT,
    span: float = 15.0,
    target: str = factory.TARGET,
) -> Rule:
    """Rule v2: v1 with its ``column`` condition split into one threshold for ``shift`` and
    one for the other shifts, chosen on ``history``.

    Every pair of thresholds (each a recorded value of ``column`` within ``span`` of v1's
    threshold, or v1's threshold itself) is compared at once: the two conditions apply to
    disjoint parts, so the flags and catches of a pair are sums of one tail count per shift
    group. The pair that catches the most ``target`` parts while flagging at most
    ``capacity`` (a share) of the history wins; ties go to fewer flags. v1 itself (the same
    threshold for both) is one of the pairs, so v2 catches at least as many defects on the
    history as v1 whenever v1 fits the capacity there. v1's other conditions stay as they are.
    """
    if not 0 < capacity < 1:
        raise ValueError(f"capacity is a share of parts between 0 and 1, got {capacity}")
    if shift not in factory.SHIFTS:
        raise ValueError(f"shift must be one of {factory.SHIFTS}, got {shift!r}")
    position = next(
        (i for i, c in enumerate(v1.conditions) if c.column == column and not c.scoped), None
    )
    if position is None:
        raise ValueError(f"rule v1 has no condition on {column!r} for every shift to split")
    if span <= 0:
        raise ValueError(f"span must be positive, got {span}")
    split = v1.conditions[position]
    others = tuple(c for i, c in enumerate(v1.conditions) if i != position)
    rule.check_rule_columns(
        history, Rule((*v1.conditions, Condition(column, ">", 0, (shift,), SHIFT_COLUMN)))
    )

    # Parts the other conditions already send cost nothing more and are caught anyway.
    already = Rule(others).flag(history).to_numpy() if others else np.zeros(len(history), bool)
    defects = history[target].to_numpy(dtype=np.float64)
    values = history[column].to_numpy(dtype="float64", na_value=np.nan)
    # "<" as ">" on the negated values: one code path for both directions (as in find_rule).
    sign = 1.0 if split.operator in (">", ">=") else -1.0
    thresholds = _thresholds_near(sign * values, sign * split.threshold, span)
    side = "left" if split.operator in (">", "<") else "right"
    holds_count = np.zeros(len(values), dtype=np.int64)
    present = ~np.isnan(values)
    holds_count[present] = np.searchsorted(thresholds, sign * values[present], side=side)

    shifts = history[SHIFT_COLUMN].to_numpy()
    day_shifts = tuple(s for s in factory.SHIFTS if s != shift)
    groups = {"night": (shifts == shift) & ~already, "day": np.isin(shifts, day_shifts) & ~already}
    size = len(thresholds)
    flags, catches = {}, {}
    for name, members in groups.items():
        counts = holds_count[members]
        flags[name] = _tail_counts(counts, size, None)
        catches[name] = _tail_counts(counts, size, defects[members])
    flagged = already.sum() + flags["day"][:, None] + flags["night"][None, :]
    caught = defects[already].sum() + catches["day"][:, None] + catches["night"][None, :]

    limit = math.floor(capacity * len(history) + 1e-9)
    fits = flagged <= limit
    if not fits.any():
        raise ValueError(f"no pair of thresholds keeps the rule within {capacity:.1%} of parts")
    score = np.where(fits, caught, -1.0).ravel()
    best = np.flatnonzero(score == score.max())
    day_k, night_k = np.unravel_index(best[np.argmin(flagged.ravel()[best])], flagged.shape)
    day_threshold = float(sign * thresholds[day_k])
    night_threshold = float(sign * thresholds[night_k])
    if day_threshold == night_threshold:
        return v1  # the data see no reason to read the night shift differently
    revised = (
        Condition(column, split.operator, day_threshold, day_shifts, SHIFT_COLUMN),
        Condition(column, split.operator, night_threshold, (shift,), SHIFT_COLUMN),
    )
    return Rule((*others[:position], *revised, *others[position:]), rule.SCHEMA)


def _thresholds_near(values: np.ndarray, threshold: float, span: float) -> np.ndarray:
    """Candidate thresholds, ascending: the recorded values within ``span`` of
    ``threshold``, and ``threshold`` itself."""
    present = values[~np.isnan(values)]
    near = present[np.abs(present - threshold) <= span]
    return np.unique(np.append(near, threshold))


def _tail_counts(counts: np.ndarray, size: int, weights: np.ndarray | None) -> np.ndarray:
    """Per threshold k: the rows (or their weight) whose condition holds there, i.e. whose
    count of thresholds they exceed is above k."""
    histogram = np.bincount(counts, weights=weights, minlength=size + 1).astype(np.float64)
    return np.cumsum(histogram[::-1])[::-1][1:]


def value_captured(
    shift_log: pd.DataFrame, chosen: Rule, economics: PlantEconomics = ECONOMICS
) -> pd.DataFrame:
    """Month by month: the defective parts the rule catches beyond today's every-n-th-part
    sample at the same X-ray capacity, and their worth (each one not shipped saves a return).

    Columns: ``parts``, ``defects``, ``capacity``, ``flagged``, ``tested``, ``caught``,
    ``today_caught``, ``extra_caught``, ``value_eur`` and ``cumulative_value_eur``.
    """
    table = rule.compare_with_today(shift_log, chosen, economics)
    value = pd.DataFrame(
        {
            "parts": table["parts"],
            "defects": table["defects"],
            "capacity": table["capacity"],
            "flagged": table["flagged"],
            "tested": table["rule_tested"],
            "caught": table["rule_caught"],
            "today_caught": table["today_caught"],
        }
    )
    value["extra_caught"] = value["caught"] - value["today_caught"]
    value["value_eur"] = value["extra_caught"] * economics.cost_per_shipped_defect
    value["cumulative_value_eur"] = value["value_eur"].cumsum()
    return value
