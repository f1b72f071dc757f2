"""The POC's fields: which readings it takes, how they group, and the MES join.

Apart from :mod:`pocmvp.case.poc_features` (whose fitted steps are scikit-learn estimators)
so that whoever only reads the POC's fields, months or judgement does not import
scikit-learn, which costs about a second in every process.
"""

from __future__ import annotations

import pandas as pd

from pocmvp.case import factory

SHIFT_LOG_NUMERIC = (
    "shots_since_maintenance",
    "melt_temp_c",
    "die_temp_c",
    "cycle_time_s",
    "scrap_share_pct",
    "humidity_pct",
)
MES_NUMERIC = tuple(c for c in factory.MES_COLUMNS if c != "part_id")
MOULDS = tuple(f"M{i + 1:02d}" for i in range(len(factory.CELLS) * factory.MOULDS_PER_CELL))
CATEGORIES = {"cell": factory.CELLS, "shift": factory.SHIFTS, "mould_id": MOULDS}
SHOT_PHYSICS_FEATURES = ("fill_delay_ms", "pressure_drop_bar")

# The feature groups the POC uses, each with the raw columns it is computed from. The
# production bill (``bill.POC_INPUTS``) says where each group comes from and when it is known.
_PAIR_SOURCES = (*SHIFT_LOG_NUMERIC, "shift")
FEATURE_GROUPS: dict[str, tuple[str, ...]] = {
    "process readings": (*SHIFT_LOG_NUMERIC[1:], "shift"),
    "mould wear": ("shots_since_maintenance",),
    "line and time context": ("cast_at", "cell", "shift", "mould_id"),
    "shift-log interactions": _PAIR_SOURCES,
    "MES signals": MES_NUMERIC,
    "MES interactions": (*_PAIR_SOURCES, *MES_NUMERIC, "cell"),
    "shot physics": (
        "mes_fill_time_ms",
        "mes_plunger_speed_ms",
        "mes_intensification_bar",
        "cell",
    ),
    "anomaly score": SHIFT_LOG_NUMERIC + MES_NUMERIC,
    "rework minutes": (factory.LEAKING_FIELD,),
}
LEAK_GROUP = "rework minutes"


def join_mes(shift_log: pd.DataFrame, mes: pd.DataFrame) -> pd.DataFrame:
    """The shift log with each part's MES signals joined on ``part_id`` (same index and order).

    Parts the MES has no record of get missing signals; a part id the MES records twice is
    refused, because the join would silently duplicate parts.
    """
    if mes["part_id"].duplicated().any():
        raise ValueError("the MES records some part ids more than once; cannot join on part_id")
    signals = mes.set_index("part_id")[list(MES_NUMERIC)]
    return shift_log.join(signals, on="part_id", how="left")


def is_mes(column: str) -> bool:
    """Whether a feature needs the MES: an MES signal, or computed from one."""
    return column.startswith("mes_") or column in SHOT_PHYSICS_FEATURES
