"""When fires start, stage 3: preemption's risk model and the drift check on its inputs.

:func:`train_risk_model` fits a small seeded gradient-boosted model on the fields known
when a part is routed (no ``rework_minutes``, no MES: that feed does not exist yet),
trained on every outcome known on the alarm's morning
(:func:`pocmvp.case.rapid_response.known_outcomes`), with a weekly threshold (:func:`weekly_flags`)
and a drift check on its inputs (:func:`drift_check`; on the supplier alone,
:func:`new_supplier_seen`). :func:`risk_of_any_supplier` scores parts of suppliers it never saw.

Called by :class:`pocmvp.case.firefighting.December` (its ``model``), by
:mod:`pocmvp.case.preemption` (the job that refits it), and by chapter 7.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pocmvp.case import factory
from pocmvp.case import plant_rule as rule
from pocmvp.case.detection import NEW_SUPPLIER
from pocmvp.case.rapid_response import known_outcomes
from pocmvp.case.returns import Returns
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics
from pocmvp.toolkit import monitoring

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
        with _thread_pools().limit(limits=1):  # one thread: steady on a shared 2-core machine
            scores = self.estimator.predict_proba(self.inputs(shift_log))[:, 1]
        return pd.Series(scores, index=shift_log.index, name="risk")


@functools.cache
def _thread_pools():
    """The thread pools the model runs on (scikit-learn's OpenMP, loaded first), found once
    per process: ``threadpool_limits`` looks them up on every call, milliseconds each, and
    chapter 7's replay trains and scores the model dozens of times."""
    from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: F401 - loads OpenMP
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


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
    with _thread_pools().limit(limits=1):
        estimator.fit(model.inputs(known), known[factory.TARGET].astype(bool))
    return model


def risk_of_any_supplier(model: RiskModel, parts: pd.DataFrame) -> pd.Series:
    """The model's risk; a supplier it never saw is an unknown (missing) category (the
    retraining job of :mod:`pocmvp.case.preemption` scores parts of suppliers to come)."""
    known = parts["supplier"].isin(model.categories["supplier"])
    return model.risk(parts.assign(supplier=parts["supplier"].where(known)))


def new_supplier_seen(model: RiskModel, parts: pd.DataFrame) -> bool:
    """The drift check on the supplier: do these parts carry one the model never saw?"""
    known = pd.DataFrame({"supplier": model.categories["supplier"]})
    drift = drift_check(known, parts, numeric=(), categorical=("supplier",))
    return bool(drift.loc["supplier", "alarm"])


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
