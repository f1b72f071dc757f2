"""A second table that is not the plant's: a bottling line's seal-test log, generated.

Chapter 9 takes the toolkit home to a table it has never seen. This module makes that table,
deterministically from a seed, with the quirks an export from someone else's system has:

* column names with spaces, units in brackets and letters outside ASCII
  (``"Cap torque [N·m]"``, ``"Füllhöhe [mm]"``);
* a yes/no target in text (``"Seal failed"``: ``"yes"`` or ``"no"``), about 3 % yes;
* missing values in two readings (a probe not read, a level sensor that drops out);
* one column written *after* the outcome: ``"QA hold (h)"``, the hours a pallet is held once
  the lab's seal test failed, which leaks the answer;
* no time column in the first export; the second export (``with_time=True``) adds
  ``"filled at"``, the same bottles with the time they were filled.

The true cause is smooth and has an interaction, so no threshold rule matches it exactly:
a loose cap fails more often on a hot fill (torque x fill temperature), an overfilled bottle
leaves too little headspace, a fast line seats caps worse, and one capper head wears over
the year. :func:`seal_failure_logit` states it; :attr:`BottlingLine.probability` holds each
bottle's true chance, so the chapter can show what the best possible ranking would catch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pocmvp.toolkit import routing

DEFAULT_SEED = 2026
DEFAULT_BOTTLES = 30_000  # a year of one line's sampled bottles: about 2,500 a month
FAST_BOTTLES = 10_000  # CI's fast mode: three times smaller, same story
YEAR = 2025

BOTTLE_ID = "Bottle ID"
LINE = "Line"
CAPPER_HEAD = "Capper head"
FILL_TEMP = "Fill temp (°C)"
CAP_TORQUE = "Cap torque [N·m]"
LINE_SPEED = "Line speed [bottles/min]"
FILL_HEIGHT = "Füllhöhe [mm]"
GLASS_SUPPLIER = "Glass supplier"
QA_HOLD = "QA hold (h)"
TARGET = "Seal failed"
TIME = "filled at"

YES, NO = "yes", "no"
LINES = ("L1", "L2", "L3")
CAPPER_HEADS = tuple(f"H{i}" for i in range(1, 9))
WORN_HEAD = "H6"  # the head whose chuck wears over the year (see seal_failure_logit)
GLASS_SUPPLIERS = ("Vetro Sud", "Glasshütte Nord")

# The columns of the first export, in its order (no time column), and what each means.
COLUMNS: tuple[str, ...] = (
    BOTTLE_ID,
    LINE,
    CAPPER_HEAD,
    FILL_TEMP,
    CAP_TORQUE,
    LINE_SPEED,
    FILL_HEIGHT,
    GLASS_SUPPLIER,
    QA_HOLD,
    TARGET,
)
MEANING = {
    BOTTLE_ID: "Id printed on the bottle's neck",
    LINE: "Filling line (L1 to L3)",
    CAPPER_HEAD: "Head of the capper that screwed the cap on (H1 to H8)",
    FILL_TEMP: "Product temperature at the filler (missing when the probe was not read)",
    CAP_TORQUE: "Torque the capper applied",
    LINE_SPEED: "Line speed when the bottle was capped",
    FILL_HEIGHT: "Fill height below the rim, from the level sensor (missing when it dropped out)",
    GLASS_SUPPLIER: "Supplier of the glass bottle",
    QA_HOLD: "Hours the pallet was held by QA, written AFTER the seal test (a leak)",
    TARGET: "The lab's seal test failed: yes or no",
    TIME: "When the bottle was filled (second export only)",
}

# The strength of each cause (log-odds); see seal_failure_logit.
B0, LOOSE, HOT, OVERFILL, SPEED, WEAR, NOISE = -6.0, 1.5, 2.2, 2.0, 0.35, 3.0, 0.3


@dataclass(frozen=True)
class BottlingLine:
    """One generated year: the export (``table``) and each bottle's true failure chance."""

    table: pd.DataFrame
    probability: pd.Series
    seed: int

    def export(self, *, with_time: bool = False) -> pd.DataFrame:
        """The table as the line's system exports it: first without, then with ``filled at``."""
        if with_time:
            return self.table.copy()
        return self.table.drop(columns=[TIME])


def bottles_for(fast_mode: bool) -> int:
    """The number of bottles a notebook generates in normal or in fast mode."""
    return FAST_BOTTLES if fast_mode else DEFAULT_BOTTLES


def _softplus(x: np.ndarray) -> np.ndarray:
    """A smooth hinge: about 0 well below zero, about ``x`` well above it."""
    return np.logaddexp(0, x)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def seal_failure_logit(
    *,
    torque: np.ndarray,
    fill_temp: np.ndarray,
    fill_height: np.ndarray,
    speed: np.ndarray,
    head_wear: np.ndarray,
    noise: np.ndarray,
) -> np.ndarray:
    """The true cause of a failed seal, on the log-odds scale.

    Every effect is smooth, and two interact:

    * **a loose cap** (low torque) fails the test, and more so on a **hot fill**, whose
      vapour pushes on the seal as the bottle cools (torque x fill temperature);
    * **an overfilled bottle** (a small fill height below the rim) leaves little headspace;
    * **a fast line** seats caps slightly worse;
    * **a worn capper head** (one head's chuck wears as the year goes on) adds risk that no
      single reading in the table shows, only the head's name and the date.
    """
    hot = _sigmoid((fill_temp - 86.0) / 1.5)
    return (
        B0
        + LOOSE * _softplus((2.05 - torque) / 0.08) * (0.15 + HOT * hot)
        + OVERFILL * _softplus((11.0 - fill_height) / 0.9)
        + SPEED * (speed - 300.0) / 25.0
        + WEAR * head_wear
        + noise
    )


def _fill_times(rng: np.random.Generator, n: int) -> pd.DatetimeIndex:
    """Sampled bottles over the year, Monday to Friday, 06:00 to 22:00, in filling order."""
    days = pd.date_range(f"{YEAR}-01-01", f"{YEAR}-12-31", freq="D")
    days = days[days.day_of_week < 5]
    day = np.sort(rng.integers(0, len(days), n))
    minute = rng.integers(6 * 60, 22 * 60, n)
    order = np.lexsort((minute, day))
    stamps = days[day[order]] + pd.to_timedelta(minute[order], unit="min")
    return pd.DatetimeIndex(stamps)


def generate_bottling(n_bottles: int = DEFAULT_BOTTLES, seed: int = DEFAULT_SEED) -> BottlingLine:
    """Generate one year of a bottling line's seal tests (see the module's docstring)."""
    if n_bottles < 1_000:
        raise ValueError(f"n_bottles must be at least 1000 to fill a year, got {n_bottles}")
    rng = np.random.default_rng(seed)
    filled_at = _fill_times(rng, n_bottles)
    n = n_bottles
    year_share = ((filled_at.day_of_year.to_numpy() - 1) / 365.0).astype(float)

    line = rng.integers(0, len(LINES), n)
    head = rng.integers(0, len(CAPPER_HEADS), n)
    worn = np.array(CAPPER_HEADS)[head] == WORN_HEAD
    # The worn head's chuck slips more as the year goes on: lower torque, and risk of its own.
    head_wear = worn * _sigmoid((year_share - 0.55) / 0.08)
    season = np.sin(2 * np.pi * (year_share - 0.3))  # summer product arrives warmer
    fill_temp = 85.0 + 0.6 * (line == 2) + 1.2 * season + rng.normal(0, 1.6, n)
    torque = 2.25 - 0.06 * head_wear + rng.normal(0, 0.17, n)
    speed = 300.0 + 10 * (line == 0) + rng.normal(0, 22, n)
    fill_height = 14.0 - 0.5 * (line == 1) + rng.normal(0, 1.8, n)
    supplier = rng.choice(len(GLASS_SUPPLIERS), n, p=(0.6, 0.4))

    logit = seal_failure_logit(
        torque=torque,
        fill_temp=fill_temp,
        fill_height=fill_height,
        speed=speed,
        head_wear=head_wear,
        noise=rng.normal(0, NOISE, n),
    )
    probability = _sigmoid(logit)
    failed = rng.random(n) < probability
    # Written after the seal test: a failed test puts the pallet on hold for a day or more;
    # a few passing pallets are held for other reasons (a label check, a missing signature).
    hold = np.where(
        failed,
        np.where(rng.random(n) < 0.95, rng.gamma(4.0, 8.0, n), 0.0),
        np.where(rng.random(n) < 0.01, rng.gamma(2.0, 6.0, n), 0.0),
    ).round(1)

    temp_logged = np.where(rng.random(n) < 0.03, np.nan, fill_temp.round(1))
    height_logged = np.where(rng.random(n) < 0.015, np.nan, fill_height.round(1))
    table = pd.DataFrame(
        {
            BOTTLE_ID: [f"B{YEAR % 100:02d}-{i:06d}" for i in range(1, n + 1)],
            LINE: np.array(LINES, dtype=object)[line],
            CAPPER_HEAD: np.array(CAPPER_HEADS, dtype=object)[head],
            FILL_TEMP: temp_logged,
            CAP_TORQUE: torque.round(2),
            LINE_SPEED: speed.round(0).astype("int64"),
            FILL_HEIGHT: height_logged,
            GLASS_SUPPLIER: np.array(GLASS_SUPPLIERS, dtype=object)[supplier],
            QA_HOLD: hold,
            TARGET: np.where(failed, YES, NO).astype(object),
            TIME: filled_at.floor("min"),
        }
    )
    table = table.astype({c: "str" for c in (BOTTLE_ID, LINE, CAPPER_HEAD, GLASS_SUPPLIER, TARGET)})
    return BottlingLine(
        table=table, probability=pd.Series(probability, name="probability"), seed=seed
    )


def failed(table: pd.DataFrame) -> pd.Series:
    """The target as booleans (``"yes"`` is True)."""
    return table[TARGET].eq(YES)


def months(table: pd.DataFrame) -> pd.Series:
    """Each bottle's month, ``YYYY-MM``, from ``filled at``."""
    return routing.month_labels(table[TIME])


def write_csv(table: pd.DataFrame, path) -> None:
    """Write an export as the line's system does: UTF-8, comma-separated, ISO times."""
    table.to_csv(path, index=False, date_format="%Y-%m-%d %H:%M", encoding="utf-8")


def data_dictionary(*, with_time: bool = False) -> pd.DataFrame:
    """What each column of the export means."""
    names = [*COLUMNS, TIME] if with_time else list(COLUMNS)
    return pd.DataFrame({"column": names, "meaning": [MEANING[c] for c in names]})
