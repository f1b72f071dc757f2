"""The POC's features: what the data scientist computes from the joined rows, and why.

Every engineered feature answers something a data scientist can see, and chapter 2 shows it:

* **the melt reading corrected for each crew's habit**: the data dictionary's operators' note
  on ``melt_temp_c`` (the night crew reads the probe before skimming); the shifts' median
  readings show how far apart they are (:func:`feature_evidence`);
* **the fill delay**: the note on ``mes_fill_time_ms`` (fill time follows the plunger speed);
  what a straight line of fill time on speed leaves over;
* **the pressure below the cell's usual**: the note on ``mes_intensification_bar`` (each
  cell's machine has its own set-point); the cells' medians;
* **interactions**: products of two readings, chosen by a search over every pair
  (:func:`interaction_search`): the pairs whose product best explains what an additive model
  of the readings leaves unexplained, on the parts the POC learns from;
* the raw readings, a flag where one is missing, the hour and weekday, one-hot cell, shift
  and mould: the data as logged.

Nothing here reads the generator's cause: the offsets and pairs are fitted from the rows.
The fields these start from, their groups and the MES join are in :mod:`pocmvp.case.poc_fields`.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.ensemble import IsolationForest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import SplineTransformer, StandardScaler

from pocmvp.case import factory
from pocmvp.case.poc_fields import (
    CATEGORIES,
    FEATURE_GROUPS,
    LEAK_GROUP,
    MES_NUMERIC,
    SHIFT_LOG_NUMERIC,
    SHOT_PHYSICS_FEATURES,
    is_mes,
)

PAIR_READINGS = (
    "melt_corrected_c",
    *SHIFT_LOG_NUMERIC[2:],
    "shots_since_maintenance",
    "mes_vacuum_mbar",
    "mes_plunger_speed_ms",
    *SHOT_PHYSICS_FEATURES,
)
"""The readings whose pairs :func:`interaction_search` tries: the corrected melt reading, the
fill delay and the pressure drop in place of the raw readings they correct (45 pairs)."""
PAIRS_KEPT = 3
"""The POC keeps at most the strongest three pairs of the search..."""
PAIR_MIN_SCORE = 3.5
"""...whose score passes 3.5 standard errors: among 45 pairs, chance alone passes 3.2 one
time in twenty."""


def interaction_search(readings: pd.DataFrame, defect: pd.Series) -> pd.DataFrame:
    """Every pair of ``readings`` columns, scored by how much its product explains what an
    additive model leaves over: best first.

    The additive model is a logistic regression on a smooth curve (a spline) of each reading;
    its residuals are what no reading explains alone. A pair's **score** is the score test
    of adding the product of the two (standardised) readings: the product's weighted
    correlation with the residuals, in standard errors. A large score means that the two
    readings matter together more than apart.
    """
    z = StandardScaler().fit_transform(readings.to_numpy(dtype=float))
    truth = defect.to_numpy(dtype=float)
    additive = make_pipeline(
        SplineTransformer(n_knots=5, degree=3), LogisticRegression(max_iter=2_000)
    ).fit(z, truth)
    risk = additive.predict_proba(z)[:, 1]
    residual, weight = truth - risk, risk * (1 - risk)
    rows = []
    for i, j in combinations(range(z.shape[1]), 2):
        product = z[:, i] * z[:, j]
        product = product - np.average(product, weights=weight)
        score = product @ residual / np.sqrt((product**2) @ weight)
        rows.append({"first": readings.columns[i], "second": readings.columns[j], "score": score})
    table = pd.DataFrame(rows)
    table = table.iloc[np.argsort(-table["score"].abs().to_numpy(), kind="stable")]
    return table.reset_index(drop=True)


def kept_pairs(search: pd.DataFrame) -> list[tuple[str, str]]:
    """The pairs the POC keeps from :func:`interaction_search`."""
    strong = search[search["score"].abs() >= PAIR_MIN_SCORE].head(PAIRS_KEPT)
    return list(zip(strong["first"], strong["second"], strict=True))


class FeatureBuilder(TransformerMixin, BaseEstimator):
    """Raw joined rows -> the POC's engineered features (a numeric DataFrame, no gaps).

    Missing readings are filled with the training median and flagged, categories are one-hot
    encoded against the plant's fixed list, the three corrections are fitted on the training
    rows, and the interaction pairs are searched there. ``with_leak`` adds the leaking
    ``rework_minutes`` column.
    """

    def __init__(self, with_leak: bool = False):
        self.with_leak = with_leak

    def _numeric(self) -> list[str]:
        leak = [factory.LEAKING_FIELD] if self.with_leak else []
        return list(SHIFT_LOG_NUMERIC + MES_NUMERIC) + leak

    def fit(self, joined: pd.DataFrame, y=None) -> FeatureBuilder:
        self.medians_ = joined[self._numeric()].median()
        # A crew that reads its probe differently shows as a shift's median melt reading.
        melt_by_shift = joined.groupby("shift", observed=True)["melt_temp_c"].median()
        self.shift_offset_ = (melt_by_shift - joined["melt_temp_c"].median()).to_dict()
        self.cell_pressure_ = (
            joined.groupby("cell", observed=True)["mes_intensification_bar"].median().to_dict()
        )
        # Fill time follows plunger speed; what speed does not explain is a delay in the shot.
        speed = joined["mes_plunger_speed_ms"].fillna(self.medians_["mes_plunger_speed_ms"])
        fill = joined["mes_fill_time_ms"].fillna(self.medians_["mes_fill_time_ms"])
        self.fill_slope_, self.fill_intercept_ = np.polyfit(speed, fill, 1)
        self.pairs_ = []
        base = self._base(joined)
        self.pair_search_ = interaction_search(
            base[list(PAIR_READINGS)], joined[factory.TARGET].astype(bool)
        )
        self.pairs_ = kept_pairs(self.pair_search_)
        self.feature_groups_ = self._groups()
        self.feature_names_ = [name for names in self.feature_groups_.values() for name in names]
        return self

    def _groups(self) -> dict[str, list[str]]:
        products = [f"{a}*{b}" for a, b in self.pairs_]
        mes_pair = [is_mes(a) or is_mes(b) for a, b in self.pairs_]
        groups = {
            "process readings": list(SHIFT_LOG_NUMERIC[1:])
            + [f"{c}_missing" for c in ("melt_temp_c", "scrap_share_pct")]
            + ["melt_corrected_c"],
            "mould wear": ["shots_since_maintenance"],
            "line and time context": ["hour_of_day", "day_of_week"]
            + [f"{column}={value}" for column, values in CATEGORIES.items() for value in values],
            "shift-log interactions": [p for p, m in zip(products, mes_pair, strict=True) if not m],
            "MES signals": list(MES_NUMERIC),
            "MES interactions": [p for p, m in zip(products, mes_pair, strict=True) if m],
            "shot physics": list(SHOT_PHYSICS_FEATURES),
        }
        if self.with_leak:
            groups[LEAK_GROUP] = [factory.LEAKING_FIELD]
        return {name: names for name, names in groups.items() if names}

    def _base(self, joined: pd.DataFrame) -> pd.DataFrame:
        filled = joined[self._numeric()].fillna(self.medians_)
        out = {c: filled[c].to_numpy(dtype=float) for c in self._numeric()}
        for column in ("melt_temp_c", "scrap_share_pct"):
            out[f"{column}_missing"] = joined[column].isna().to_numpy(dtype=float)
        out["hour_of_day"] = joined["cast_at"].dt.hour.to_numpy(dtype=float)
        out["day_of_week"] = joined["cast_at"].dt.day_of_week.to_numpy(dtype=float)
        for column, values in CATEGORIES.items():
            # An unknown value (a new cell) gets -1: all its one-hot columns stay 0.
            codes = pd.Index(values).get_indexer(joined[column])
            for code, value in enumerate(values):
                out[f"{column}={value}"] = (codes == code).astype(float)
        offset = joined["shift"].map(self.shift_offset_).astype(float).fillna(0.0).to_numpy()
        out["melt_corrected_c"] = out["melt_temp_c"] - offset
        expected_fill = self.fill_intercept_ + self.fill_slope_ * out["mes_plunger_speed_ms"]
        out["fill_delay_ms"] = out["mes_fill_time_ms"] - expected_fill
        usual = joined["cell"].map(self.cell_pressure_).astype(float)
        usual = usual.fillna(self.medians_["mes_intensification_bar"]).to_numpy()
        out["pressure_drop_bar"] = usual - out["mes_intensification_bar"]
        for a, b in self.pairs_:
            out[f"{a}*{b}"] = out[a] * out[b]
        return pd.DataFrame(out, index=joined.index)

    def transform(self, joined: pd.DataFrame) -> pd.DataFrame:
        return self._base(joined)[self.feature_names_]


class AnomalyScore(TransformerMixin, BaseEstimator):
    """Appends an isolation forest's anomaly score of the process and MES readings.

    Unsupervised: it learns what a usual shot looks like and scores how unusual each part is
    (higher is more unusual), whatever the label says. The data scientist's argument: it may
    flag failure modes that no labelled defect has shown yet.
    """

    def __init__(self, n_estimators: int = 25, random_state: int = 0):
        self.n_estimators = n_estimators
        self.random_state = random_state

    def fit(self, features: pd.DataFrame, y=None) -> AnomalyScore:
        self.columns_ = list(SHIFT_LOG_NUMERIC + MES_NUMERIC)
        self.forest_ = IsolationForest(
            n_estimators=self.n_estimators, random_state=self.random_state, n_jobs=1
        ).fit(features[self.columns_].to_numpy())
        return self

    def transform(self, features: pd.DataFrame) -> pd.DataFrame:
        out = features.copy()
        out["anomaly_score"] = -self.forest_.score_samples(features[self.columns_].to_numpy())
        return out


def feature_evidence(history: pd.DataFrame) -> pd.DataFrame:
    """Each corrected feature, the data dictionary's note that suggests it, and what the
    history shows (``history``: joined rows of the history months).

    * the night shift's median melt reading minus the other shifts' (°C);
    * how much of the fill time's variation the plunger speed explains (R², 0 to 1);
    * the spread of the cells' median intensification pressure (bar, highest minus lowest).
    """
    notes = {f.name: f.note for f in factory.SHIFT_LOG_FIELDS + factory.MES_FIELDS}
    melt = history.groupby("shift", observed=True)["melt_temp_c"].median()
    night_gap = melt["night"] - history.loc[history["shift"] != "night", "melt_temp_c"].median()
    both = history[["mes_plunger_speed_ms", "mes_fill_time_ms"]].dropna()
    r_squared = both.corr().iloc[0, 1] ** 2
    pressure = history.groupby("cell", observed=True)["mes_intensification_bar"].median()
    rows = [
        (
            "melt_corrected_c",
            "melt_temp_c",
            "night shift's median reading above the others (°C)",
            night_gap,
        ),
        (
            "fill_delay_ms",
            "mes_fill_time_ms",
            "share of fill-time variation speed explains (R²)",
            r_squared,
        ),
        (
            "pressure_drop_bar",
            "mes_intensification_bar",
            "cells' median pressures, range (bar)",
            pressure.max() - pressure.min(),
        ),
    ]
    return pd.DataFrame(
        [
            {"feature": f, "note": notes[c], "the history shows": what, "measured": float(v)}
            for f, c, what, v in rows
        ]
    ).set_index("feature")


def feature_groups_table(model) -> pd.DataFrame:
    """Each feature group of a fitted POC: the raw columns behind it, and how many features."""
    groups = model.feature_groups
    return pd.DataFrame(
        {
            "computed from": [", ".join(FEATURE_GROUPS[g]) for g in groups],
            "features": [len(names) for names in groups.values()],
        },
        index=pd.Index(list(groups), name="feature group"),
    )
