"""The factory data's dictionary: every field of the shift log and the MES, what it means,
its unit, when it is known, and what the people who record it note about it.

The generator (:mod:`pocmvp.case.factory`) writes these fields; the toolkit reads the shift
log through :data:`SCHEMA`; chapter 1 shows :func:`data_dictionary`, and chapter 2 cites its
notes for the POC's corrected features.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pocmvp.toolkit.schema import Schema

CELLS = ("C1", "C2", "C3", "C4")
MOULDS_PER_CELL = 6
SHIFTS = ("early", "late", "night")


@dataclass(frozen=True)
class Field:
    """One column of a table: its meaning, unit, type and when it becomes known."""

    name: str
    dtype: str
    unit: str
    meaning: str
    known_at_decision: bool
    source: str
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    note: str = ""
    """What the people who record the field say about it (an operator's or engineer's note)."""


SHIFT_LOG_FIELDS: tuple[Field, ...] = (
    Field("part_id", "str", "", "Unique id engraved on the housing", True, "shift log"),
    Field("cast_at", "datetime64[ns]", "", "When the part was cast", True, "shift log"),
    Field("cell", "str", "", "Casting cell (C1 to C4)", True, "shift log"),
    Field("shift", "str", "", "early 06-14, late 14-22, night 22-06", True, "shift log"),
    Field("mould_id", "str", "", "Die (mould) the part was cast in", True, "shift log"),
    Field(
        "shots_since_maintenance",
        "int64",
        "shots",
        "Shots on this mould since its last maintenance",
        True,
        "shift log",
        minimum=0,
        maximum=50_000,
    ),
    Field("supplier", "str", "", "Supplier of the aluminium alloy", True, "shift log"),
    Field("alloy_lot", "str", "", "Alloy lot charged into the furnace", True, "shift log"),
    Field(
        "melt_temp_c",
        "float64",
        "°C",
        "Melt temperature read at the ladle (missing when the probe was not read)",
        True,
        "shift log",
        nullable=True,
        minimum=550,
        maximum=850,
        note="Operators: the night crew reads the ladle probe before skimming the dross; "
        "the day crews read it after.",
    ),
    Field(
        "die_temp_c", "float64", "°C", "Die surface temperature", True, "shift log", False, 100, 400
    ),
    Field("cycle_time_s", "float64", "s", "Casting cycle time", True, "shift log", False, 20, 120),
    Field(
        "scrap_share_pct",
        "float64",
        "%",
        "Share of remelted scrap in the charge (missing when not weighed)",
        True,
        "shift log",
        nullable=True,
        minimum=0,
        maximum=100,
    ),
    Field(
        "humidity_pct",
        "float64",
        "%",
        "Relative humidity in the foundry hall",
        True,
        "shift log",
        False,
        0,
        100,
    ),
    Field(
        "rework_minutes",
        "float64",
        "min",
        "Minutes of rework booked on the part, written AFTER final inspection",
        False,
        "shift log",
        False,
        0,
        600,
    ),
    Field(
        "defect", "bool", "", "The part is defective (the truth the plant wants)", False, "truth"
    ),
    Field(
        "defect_type",
        "str",
        "",
        "porosity, crack or misrun; empty for good parts",
        False,
        "truth",
        nullable=True,
    ),
)

MES_FIELDS: tuple[Field, ...] = (
    Field("part_id", "str", "", "Part the shot produced", True, "MES"),
    Field(
        "mes_vacuum_mbar",
        "float64",
        "mbar",
        "Die cavity vacuum at fill (lower is better)",
        True,
        "MES",
    ),
    Field(
        "mes_intensification_bar",
        "float64",
        "bar",
        "Peak intensification pressure",
        True,
        "MES",
        note="Process engineer: each cell's machine is set to its own intensification pressure.",
    ),
    Field("mes_plunger_speed_ms", "float64", "m/s", "Second-phase plunger speed", True, "MES"),
    Field(
        "mes_fill_time_ms",
        "float64",
        "ms",
        "Cavity fill time",
        True,
        "MES",
        note="Process engineer: the fill time follows the plunger speed; a faster plunger fills "
        "the cavity sooner.",
    ),
)

SHIFT_LOG_COLUMNS = tuple(f.name for f in SHIFT_LOG_FIELDS)
MES_COLUMNS = tuple(f.name for f in MES_FIELDS)
LEAKING_FIELD = "rework_minutes"
TARGET = "defect"


_PHRASES = {
    "melt_temp_c": "the melt temperature reading",
    "die_temp_c": "the die temperature",
    "shots_since_maintenance": "the mould's count of shots since maintenance",
    "cycle_time_s": "the cycle time",
    "scrap_share_pct": "the share of remelted scrap",
    "humidity_pct": "the hall's humidity",
}

SCHEMA = Schema(
    target=TARGET,
    candidates=tuple(
        f.name for f in SHIFT_LOG_FIELDS if f.known_at_decision and f.dtype in ("int64", "float64")
    ),
    id="part_id",
    time="cast_at",
    scope="shift",
    scope_values=SHIFTS,
    columns=tuple(f.name for f in SHIFT_LOG_FIELDS if f.known_at_decision),
    phrases=_PHRASES,
    units={f.name: f.unit for f in SHIFT_LOG_FIELDS if f.unit},
    meanings={f.name: f.meaning for f in SHIFT_LOG_FIELDS},
    ranges={
        f.name: (f.minimum, f.maximum)
        for f in SHIFT_LOG_FIELDS
        if f.minimum is not None or f.maximum is not None
    },
    action="Send a part to the X-ray test",
    sends="sends a part",
)
"""The shift log as the toolkit reads it: the target ``defect``, the numeric columns known
when a part is routed as candidates (never ``rework_minutes``), ``part_id``, ``cast_at``,
conditions scoped to the ``shift`` (early, late, night), the workbook's column order, and
the plant's words for the sticky note."""


def data_dictionary() -> pd.DataFrame:
    """Every field of the shift log and the MES, with its unit, when it is known, and what
    the people who record it note about it."""
    rows = [
        {
            "field": f.name,
            "table": "MES" if f.source == "MES" else "shift log",
            "unit": f.unit,
            "meaning": f.meaning,
            "known when the part is routed": "yes" if f.known_at_decision else "no",
            "note": f.note,
        }
        for f in SHIFT_LOG_FIELDS + MES_FIELDS[1:]
    ]
    return pd.DataFrame(rows)
