"""The POC judged: routing any score, the offline metrics, the promise, and running costs.

:func:`decision_flags` turns any risk score into the parts flagged for the X-ray test as a
live system would flag them, and :func:`routed` sends the flagged parts through the one
routing every option uses; :func:`offline_metrics` reports ROC-AUC, PR-AUC, recall and
precision at the inspection capacity and the Brier score; :func:`promise` counts defective
parts shipped at the same capacity as today. Size and scoring time are what a model service
would carry.
"""

from __future__ import annotations

import pickle
import statistics
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pocmvp.case import factory, status_quo
from pocmvp.case.poc_fields import SHIFT_LOG_NUMERIC, join_mes
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics
from pocmvp.toolkit import routing

if TYPE_CHECKING:
    from pocmvp.case.poc import PocModel

# ---------------------------------------------------------------------------------------
# Routing and the offline metrics


def decision_flags(
    shift_log: pd.DataFrame,
    scores: pd.Series | np.ndarray,
    economics: PlantEconomics = ECONOMICS,
) -> pd.Series:
    """Turn any score into the parts flagged for the X-ray test, as a live system would.

    Each month's threshold is fixed on the first of the month from the previous month's
    scores, so that it would have flagged the capacity share there
    (:func:`pocmvp.toolkit.routing.flags_with_monthly_threshold`). ``shift_log`` must therefore hold
    the month before the first month to be routed. A missing score never flags.
    """
    values = _aligned(shift_log, scores)
    return routing.flags_with_monthly_threshold(
        values, shift_log["cast_at"], economics.inspection_capacity_share
    )


def _aligned(shift_log: pd.DataFrame, scores: pd.Series | np.ndarray) -> pd.Series:
    if isinstance(scores, pd.Series):
        return scores.reindex(shift_log.index).astype(float)
    values = np.asarray(scores, dtype=float)
    if len(values) != len(shift_log):
        raise ValueError(f"got {len(values)} scores for {len(shift_log)} parts")
    return pd.Series(values, index=shift_log.index)


def routed(
    shift_log: pd.DataFrame,
    flagged: pd.Series | None,
    economics: PlantEconomics = ECONOMICS,
) -> pd.Series:
    """The parts the X-ray cell tests with these flags: the one routing every option uses
    (:func:`pocmvp.toolkit.routing.route`); ``None`` is today's every-n-th-part sample."""
    if flagged is not None:
        flagged = flagged.reindex(shift_log.index).fillna(False).astype(bool)
    return routing.route(shift_log, flagged, economics.inspection_capacity_share, time="cast_at")


def recall_at_capacity(
    shift_log: pd.DataFrame, flagged: pd.Series | None, economics: PlantEconomics = ECONOMICS
) -> float:
    """Share of the defects caught when these flags route the X-ray cell (the one routing)."""
    table = status_quo.monthly_outcome(shift_log, routed(shift_log, flagged, economics), economics)
    return float(table["caught"].sum() / table["defects"].sum())


@dataclass(frozen=True)
class OfflineMetrics:
    """How a risk score does on held-out parts, the way a data scientist reports it."""

    roc_auc: float
    pr_auc: float
    recall_at_capacity: float
    precision_at_capacity: float
    brier: float
    brier_of_base_rate: float
    """The Brier score of always predicting the defect rate: the bar to beat."""
    defect_rate: float
    mean_risk: float


def offline_metrics(
    shift_log: pd.DataFrame,
    risk: pd.Series,
    flagged: pd.Series | None,
    economics: PlantEconomics = ECONOMICS,
) -> OfflineMetrics:
    """ROC-AUC, PR-AUC, recall and precision at the inspection capacity, Brier score.

    ``flagged`` are the score's decision-time flags (:func:`decision_flags`); recall and
    precision at capacity count the parts the one routing actually tests with them."""
    # sklearn only when scoring: importing it costs a second in every kernel.
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    risk = risk.reindex(shift_log.index)
    truth = shift_log[factory.TARGET].astype(bool)
    tested = routed(shift_log, flagged, economics)
    rate = float(truth.mean())
    return OfflineMetrics(
        roc_auc=float(roc_auc_score(truth, risk)),
        pr_auc=float(average_precision_score(truth, risk)),
        recall_at_capacity=float((truth & tested).sum() / truth.sum()),
        precision_at_capacity=float((truth & tested).sum() / tested.sum()),
        brier=float(brier_score_loss(truth, risk)),
        brier_of_base_rate=rate * (1 - rate),
        defect_rate=rate,
        mean_risk=float(risk.mean()),
    )


def metrics_table(metrics: dict[str, OfflineMetrics]) -> pd.DataFrame:
    """Several models' metrics side by side, one column a model."""
    labels = {
        "roc_auc": "ROC-AUC",
        "pr_auc": "PR-AUC",
        "recall_at_capacity": "recall at capacity",
        "precision_at_capacity": "precision at capacity",
        "brier": "Brier score",
        "brier_of_base_rate": "Brier score of the base rate",
        "defect_rate": "defect rate",
        "mean_risk": "mean predicted risk",
    }
    table = pd.DataFrame({name: vars(m) for name, m in metrics.items()})
    return table.rename(index=labels).round(4)


def reliability_table(shift_log: pd.DataFrame, risk: pd.Series, bins: int = 10) -> pd.DataFrame:
    """Calibration: parts in equal-size bins of predicted risk, predicted vs observed rate."""
    risk = risk.reindex(shift_log.index)
    frame = pd.DataFrame({"risk": risk, "defect": shift_log[factory.TARGET].astype(float)})
    frame["bin"] = pd.qcut(frame["risk"].rank(method="first"), bins, labels=False) + 1
    table = frame.groupby("bin").agg(
        parts=("risk", "size"), predicted=("risk", "mean"), observed=("defect", "mean")
    )
    table.index.name = "risk decile" if bins == 10 else "risk bin"
    return table


def roc_auc(shift_log: pd.DataFrame, risk: pd.Series) -> float:
    """ROC-AUC of a risk score on these parts (0.5 is a coin toss)."""
    from sklearn.metrics import roc_auc_score  # sklearn only when scoring

    truth = shift_log[factory.TARGET].astype(bool)
    return float(roc_auc_score(truth, risk.reindex(shift_log.index)))


def single_field_auc(shift_log: pd.DataFrame) -> pd.Series:
    """ROC-AUC of each numeric shift-log field alone as a defect score (0.5 = no signal).

    A field far better than all others deserves suspicion before celebration: it may be
    written after the outcome.
    """
    from sklearn.metrics import roc_auc_score  # sklearn only when scoring

    truth = shift_log[factory.TARGET].astype(bool)
    columns = list(SHIFT_LOG_NUMERIC) + [factory.LEAKING_FIELD]
    result = {}
    for column in columns:
        values = shift_log[column].fillna(shift_log[column].median())
        auc = roc_auc_score(truth, values)
        result[column] = max(auc, 1 - auc)  # a field can predict in either direction
    return pd.Series(result, name="roc_auc").sort_values(ascending=False)


# ---------------------------------------------------------------------------------------
# The promise: defective parts shipped at the same inspection capacity


@dataclass(frozen=True)
class Promise:
    """Defective parts shipped on the same months, today vs with a score's routing."""

    months: tuple[str, ...]
    defects: int
    tested_today: int
    tested_with_score: int
    shipped_today: int
    shipped_with_score: int
    monthly: pd.DataFrame = field(repr=False)

    @property
    def fewer_shipped(self) -> int:
        return self.shipped_today - self.shipped_with_score

    @property
    def reduction(self) -> float:
        """Share fewer defective parts shipped than today."""
        return self.fewer_shipped / self.shipped_today

    def saving_per_month(self, economics: PlantEconomics = ECONOMICS) -> float:
        return self.fewer_shipped / len(self.months) * economics.cost_per_shipped_defect


def promise(
    shift_log: pd.DataFrame,
    flagged: pd.Series,
    months: tuple[str, ...] = factory.HELD_OUT_MONTHS,
    economics: PlantEconomics = ECONOMICS,
) -> Promise:
    """Defective parts shipped in ``months`` with ``flagged`` routing the X-ray cell, compared
    with today's every-n-th-part sample, through the same routing and capacity.

    ``flagged`` is any option's decision-time flags (a model's :func:`decision_flags`, a
    rule's ``flag``), indexed like ``shift_log`` or a part of it covering ``months``."""
    parts = factory.in_months(shift_log, months)
    today = status_quo.monthly_outcome(parts, routed(parts, None, economics), economics)
    routed_table = status_quo.monthly_outcome(parts, routed(parts, flagged, economics), economics)
    monthly = pd.DataFrame(
        {
            "defects": today["defects"],
            "shipped_today": today["shipped_defects"],
            "shipped_with_score": routed_table["shipped_defects"],
        }
    )
    return Promise(
        months=tuple(months),
        defects=int(today["defects"].sum()),
        tested_today=int(today["tested"].sum()),
        tested_with_score=int(routed_table["tested"].sum()),
        shipped_today=int(today["shipped_defects"].sum()),
        shipped_with_score=int(routed_table["shipped_defects"].sum()),
        monthly=monthly,
    )


# ---------------------------------------------------------------------------------------
# What it costs to run: size and scoring time


def model_size_bytes(model: PocModel) -> int:
    """Size of the fitted model (features, anomaly detector, learners, stacker), pickled:
    what a model service must load."""
    parts = (model.prepare, model.learners, model.stacker)
    return len(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL))


def replicated_parts(plant: factory.Plant, n_parts: int = 1_000_000) -> pd.DataFrame:
    """``n_parts`` joined rows made by repeating the held-out months' parts."""
    held_out = join_mes(factory.in_months(plant.shift_log, factory.HELD_OUT_MONTHS), plant.mes)
    positions = np.resize(np.arange(len(held_out)), n_parts)
    return held_out.iloc[positions].reset_index(drop=True)


def time_scoring(
    model: PocModel,
    parts: pd.DataFrame,
    *,
    batch_size: int = 250_000,
    runs: int = 1,
) -> float:
    """Median wall time, in seconds, to score every row of ``parts`` (joined rows), in
    batches as a service would. Print it only through ``display.measured``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for begin in range(0, len(parts), batch_size):
            model.risk_of_joined(parts.iloc[begin : begin + batch_size])
        times.append(time.perf_counter() - start)
    return statistics.median(times)
