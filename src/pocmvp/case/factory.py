"""The factory data: a die-casting plant's shift log, generated from a known cause.

The generator is deterministic for a given seed. It writes two tables that share ``part_id``:

* the **shift log** the quality lead keeps in a spreadsheet (fields operators record, plus
  one field, ``rework_minutes``, that is only written *after* final inspection and so
  leaks the outcome);
* the **MES signals**, high-frequency sensor summaries per shot that only the process
  control system can see.

The causal mechanism is explicit in :func:`_defect_logit`, so chapters can show the truth.
This module is the generator and the calendar; the fields' meanings live in
:mod:`pocmvp.case.factory_dictionary` and the checks of a shift log in
:mod:`pocmvp.case.factory_validation` (their names are re-exported here: ``factory.NAME``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# The dictionary and the checks, re-exported so that every caller writes ``factory.NAME``.
from pocmvp.case.factory_dictionary import (  # noqa: F401
    CELLS,
    LEAKING_FIELD,
    MES_COLUMNS,
    MES_FIELDS,
    MOULDS_PER_CELL,
    SCHEMA,
    SHIFT_LOG_COLUMNS,
    SHIFT_LOG_FIELDS,
    SHIFTS,
    TARGET,
    Field,
    data_dictionary,
)
from pocmvp.case.factory_validation import (  # noqa: F401
    ShiftLogError,
    require_dataframe,
    validate_shift_log,
)
from pocmvp.toolkit import routing

DEFAULT_SEED = 2026
DEFAULT_PARTS = 120_000  # a year of production: about 10,000 housings a month
FAST_PARTS = 30_000  # CI's fast mode: four times smaller, same story
YEAR = 2025
SUPPLIER_BEFORE = "Alucast"
SUPPLIER_AFTER = "NordAlloy"
SUPPLIER_CHANGE_DATE = pd.Timestamp(f"{YEAR}-12-01")

SHIFT_SHARE = (0.38, 0.36, 0.26)
SHIFT_START_HOUR = {"early": 6, "late": 14, "night": 22}
# The strength of each cause (log-odds); see _defect_logit.
B0, MELT, DIE, WEAR, VAC, VALVE, NOISE = -5.0, 1.2, 1.0, 0.8, 0.02, 1.6, 0.3
STUCK_VALVE_SHARE = 0.04
# The next supplier's alloy flows less well: it misruns on a die below about 208 °C (log-odds;
# used only after the year, by pocmvp.case.factory_after).
NEXT_DIE, NEXT_DIE_AT = 1.6, 208.0
DEFECT_TYPES = ("porosity", "crack", "misrun")


@dataclass(frozen=True)
class Plant:
    """The generated data of one plant-year."""

    shift_log: pd.DataFrame
    mes: pd.DataFrame
    seed: int

    @property
    def months(self) -> list[str]:
        return sorted(month_of(self.shift_log).unique())


def parts_for(fast_mode: bool) -> int:
    """The number of parts a notebook generates in normal or in fast mode."""
    return FAST_PARTS if fast_mode else DEFAULT_PARTS


def generate_plant(n_parts: int = DEFAULT_PARTS, seed: int = DEFAULT_SEED) -> Plant:
    """Generate one year of production: the shift log and the MES signals."""
    if n_parts < 1_000:
        raise ValueError(f"n_parts must be at least 1000 to fill a year, got {n_parts}")
    rng = np.random.default_rng(seed)
    cast_at, shift = _cast_times(rng, n_parts)
    supplier = np.where(cast_at >= SUPPLIER_CHANGE_DATE, SUPPLIER_AFTER, SUPPLIER_BEFORE)
    # Shots are counted in machine time, so a smaller sample of the year wears moulds alike.
    shift_log, mes = _production(rng, cast_at, shift, supplier, 6.0 * DEFAULT_PARTS / len(cast_at))
    return Plant(shift_log=shift_log, mes=mes, seed=seed)


def _production(
    rng: np.random.Generator,
    cast_at: pd.DatetimeIndex,
    shift: np.ndarray,
    supplier: np.ndarray,
    shots_per_part: float,
    *,
    year: int = YEAR,
    next_change: np.ndarray | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every part's fields and outcome, drawn from ``rng`` in a fixed order (the year's
    draws never change); ``next_change`` marks parts of a later supplier (see
    :mod:`pocmvp.case.factory_after`)."""
    n = len(cast_at)
    cell_index = rng.integers(0, len(CELLS), n)
    mould_index = cell_index * MOULDS_PER_CELL + rng.integers(0, MOULDS_PER_CELL, n)
    shots = _shots_since_maintenance(rng, mould_index, len(CELLS) * MOULDS_PER_CELL, shots_per_part)
    night = shift == "night"
    day_of_year = cast_at.day_of_year.to_numpy()
    season = np.sin(2 * np.pi * (day_of_year - 105) / 365)  # peaks in late July

    # Cell C3's furnace runs warm. The night crew reads the ladle probe before skimming,
    # so its readings are about 6 °C above the true melt temperature.
    melt = 688 + 3 * (cell_index == 2) + rng.normal(0, 8, n)
    melt_reading = melt + 6 * night + rng.normal(0, 1.0, n)
    die = 215 + 2 * season + rng.normal(0, 10, n)
    cycle = 52 + 0.0004 * shots + rng.normal(0, 3, n)
    scrap = np.clip(rng.normal(22, 7, n), 0, 60)
    humidity = np.clip(55 + 18 * season + rng.normal(0, 8, n), 15, 98)
    after_change = supplier == SUPPLIER_AFTER
    # Moulds wear at their own pace: some dies' seals and cores tire faster than others.
    wear_rate = rng.permutation(np.geomspace(0.5, 2.0, len(CELLS) * MOULDS_PER_CELL))[mould_index]

    # MES signals: vacuum degrades as the mould's seals wear; pressure drifts by cell. A few
    # shots lose intensification pressure part-way (a valve that sticks): the shot profile
    # shows it, the shift log cannot.
    stuck_valve = rng.random(n) < STUCK_VALVE_SHARE
    vacuum = np.clip(45 + 0.004 * shots * wear_rate + rng.gamma(2.0, 9.0, n), 10, 400)
    pressure = 880 - 25 * (cell_index == 3) - 90 * stuck_valve + rng.normal(0, 40, n)
    speed = 4.2 + rng.normal(0, 0.35, n)
    fill = 38 - 3 * (speed - 4.2) + 2.5 * stuck_valve + rng.normal(0, 2.5, n)

    logit = _defect_logit(
        melt=melt,
        die=die,
        cycle=cycle,
        shots=shots,
        wear_rate=wear_rate,
        humidity=humidity,
        scrap=scrap,
        vacuum=vacuum,
        stuck_valve=stuck_valve,
        fill_delay=fill - (38 - 3 * (speed - 4.2)),
        after_change=after_change,
        noise=rng.normal(0, NOISE, n),
    )
    if next_change is not None:
        logit = logit + next_change * (NEXT_DIE * _softplus((NEXT_DIE_AT - die) / 4) + 0.2)
    defect = rng.random(n) < 1 / (1 + np.exp(-logit))
    defect_type = np.where(defect, rng.choice(DEFECT_TYPES, n, p=(0.62, 0.23, 0.15)), None).astype(
        object
    )

    # Written after final inspection: most defective parts get rework booked on them.
    rework = np.where(
        defect,
        np.where(rng.random(n) < 0.85, rng.gamma(3.0, 5.0, n), 0.0),
        np.where(rng.random(n) < 0.03, rng.gamma(1.5, 3.0, n), 0.0),
    ).round(1)

    part_id = np.array([f"P{year % 100:02d}-{i:06d}" for i in range(1, n + 1)], dtype=object)
    melt_logged = np.where(rng.random(n) < 0.025, np.nan, melt_reading.round(1))
    scrap_logged = np.where(rng.random(n) < 0.06, np.nan, scrap.round(1))
    lot_number = _alloy_lots(supplier, year)
    mould_ids = np.array([f"M{i + 1:02d}" for i in range(mould_index.max() + 1)], dtype=object)

    shift_log = pd.DataFrame(
        {
            "part_id": part_id,
            "cast_at": cast_at,
            "cell": np.array(CELLS, dtype=object)[cell_index],
            "shift": shift,
            "mould_id": mould_ids[mould_index],
            "shots_since_maintenance": shots.astype("int64"),
            "supplier": np.asarray(supplier).astype(object),
            "alloy_lot": lot_number,
            "melt_temp_c": melt_logged,
            "die_temp_c": die.round(1),
            "cycle_time_s": cycle.round(1),
            "scrap_share_pct": scrap_logged,
            "humidity_pct": humidity.round(1),
            "rework_minutes": rework,
            "defect": defect,
            "defect_type": defect_type,
        }
    )
    shift_log = shift_log.astype({c: "str" for c in ("part_id", "cell", "shift", "mould_id")})
    shift_log = shift_log.astype({"supplier": "str", "alloy_lot": "str"})
    mes = pd.DataFrame(
        {
            "part_id": shift_log["part_id"],
            "mes_vacuum_mbar": vacuum.round(1),
            "mes_intensification_bar": pressure.round(0),
            "mes_plunger_speed_ms": speed.round(2),
            "mes_fill_time_ms": fill.round(1),
        }
    )
    return shift_log, mes


def _softplus(x: np.ndarray) -> np.ndarray:
    """A smooth hinge: about 0 well below zero, about ``x`` well above it."""
    return np.logaddexp(0, x)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _defect_logit(
    *,
    melt: np.ndarray,
    die: np.ndarray,
    cycle: np.ndarray,
    shots: np.ndarray,
    wear_rate: np.ndarray,
    humidity: np.ndarray,
    scrap: np.ndarray,
    vacuum: np.ndarray,
    stuck_valve: np.ndarray,
    fill_delay: np.ndarray,
    after_change: np.ndarray,
    noise: np.ndarray,
) -> np.ndarray:
    """The true cause of defects, on the log-odds scale.

    Every effect is smooth (no threshold a rule could find exactly), and three interact:

    * **porosity**: a hot melt picks up hydrogen, and more so when the hall is humid
      (melt x humidity);
    * **misruns**: a cold die misruns, and more so on a short cycle that gives the metal less
      time (die temperature x cycle time);
    * **cracks**: a mould grows riskier with shots since maintenance, at its own pace, up to
      a ceiling (a worn die cracks some parts, not all);
    * **gas** (MES only): poor die vacuum, and a valve that sticks and loses intensification
      pressure part-way through the shot (visible only in the shot profile);
    * the new supplier's alloy carries more iron: it forms sludge when the melt runs cool;
    * after the year, the next supplier's alloy flows less well: it misruns on a cooler die
      (added by :func:`_production` for its parts, :data:`NEXT_DIE` at :data:`NEXT_DIE_AT`).
    """
    humid = _sigmoid((humidity - 60) / 8)
    short_cycle = _sigmoid((50 - cycle) / 3)
    return (
        B0
        + MELT * _softplus((melt - 700) / 5) * (0.5 + humid)
        + DIE * _softplus((200 - die) / 6) * (0.5 + short_cycle)
        + WEAR * wear_rate * _sigmoid((shots - 5_000) / 800)
        + 0.01 * (scrap - 22)
        + VAC * (vacuum - 70)
        + VALVE * stuck_valve
        + 0.15 * np.abs(fill_delay)
        + after_change * (1.8 * _softplus((683 - melt) / 3) + 0.2)
        + noise
    )


def production_weights(days: pd.DatetimeIndex) -> np.ndarray:
    """1 for a production day (Monday to Saturday), 0 for a Sunday or a shutdown: two weeks
    in August and from Christmas Eve to New Year's Eve."""
    weight = np.where(days.day_of_week == 6, 0.0, 1.0)
    summer_shutdown = (days.month == 8) & (days.day >= 4) & (days.day <= 17)
    weight = np.where(summer_shutdown, 0.0, weight)
    return np.where((days.month == 12) & (days.day >= 24), 0.0, weight)


def _cast_times(
    rng: np.random.Generator, n_parts: int, days: pd.DatetimeIndex | None = None
) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Cast timestamps over ``days`` (default: the year), on production days only."""
    if days is None:
        days = pd.date_range(f"{YEAR}-01-01", f"{YEAR}-12-31", freq="D")
    weight = production_weights(days)
    day = rng.choice(len(days), n_parts, p=weight / weight.sum())
    shift = rng.choice(np.array(SHIFTS, dtype=object), n_parts, p=SHIFT_SHARE)
    start_hour = np.vectorize(SHIFT_START_HOUR.get)(shift)
    seconds = start_hour * 3600 + rng.integers(0, 8 * 3600, n_parts)
    stamps = days[day].to_numpy() + seconds.astype("timedelta64[s]")
    order = np.argsort(stamps, kind="stable")
    # Night shifts that run past midnight belong to the day they started.
    return pd.DatetimeIndex(stamps[order]).as_unit("ns"), shift[order]


def _shots_since_maintenance(
    rng: np.random.Generator, mould_index: np.ndarray, n_moulds: int, shots_per_part: float
) -> np.ndarray:
    """Shots on each mould since its last maintenance, in casting order."""
    shots = np.zeros(len(mould_index), dtype=np.int64)
    for mould in range(n_moulds):
        positions = np.flatnonzero(mould_index == mould)
        # Each logged part stands for about six shots; maintenance is due after 3,500 shots
        # and usually slips by a few hundred to a few thousand more.
        shot_count = np.cumsum(rng.uniform(0.6, 1.4, len(positions)) * shots_per_part)
        intervals = 3_800 + rng.gamma(3.0, 400.0, int(shot_count[-1] // 1_000) + 10)
        # The year starts part-way through each mould's maintenance cycle.
        resets = np.concatenate([[0.0], np.cumsum(intervals)]) - rng.uniform(0, intervals[0])
        last_reset = resets[np.searchsorted(resets, shot_count, side="right") - 1]
        shots[positions] = (shot_count - last_reset).astype(np.int64)
    return shots


def _alloy_lots(supplier: np.ndarray, year: int = YEAR) -> np.ndarray:
    """Alloy lot ids: a new lot every few hundred parts, prefixed by the supplier's initial."""
    lot_size = 600
    lot = np.arange(len(supplier)) // lot_size
    lots = len(supplier) // lot_size + 1
    # Each (supplier, lot) id written once, then spread to its parts: a few hundred texts
    # instead of one per part.
    names, which = np.unique(np.asarray(supplier).astype(str), return_inverse=True)
    pairs, position = np.unique(which * lots + lot, return_inverse=True)
    ids = [f"{names[pair // lots][0]}{year % 100:02d}-{pair % lots:04d}" for pair in pairs]
    return np.array(ids, dtype=object)[position]


# The calendar every chapter uses: learn on the first eight months, judge on the next three,
# and meet the supplier change in the last.
TRAIN_MONTHS = tuple(f"{YEAR}-{m:02d}" for m in range(1, 9))
HELD_OUT_MONTHS = tuple(f"{YEAR}-{m:02d}" for m in range(9, 12))
FIRE_MONTH = SUPPLIER_CHANGE_DATE.strftime("%Y-%m")


def month_of(shift_log: pd.DataFrame) -> pd.Series:
    """Each part's production month as ``YYYY-MM``."""
    return routing.month_labels(shift_log["cast_at"])


def in_months(shift_log: pd.DataFrame, months: tuple[str, ...]) -> pd.DataFrame:
    """The parts cast in the given months."""
    return shift_log[month_of(shift_log).isin(months)]
