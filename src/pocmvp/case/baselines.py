"""The models a competent data scientist tries first, and the panel that ranks them with the POC.

Four baselines: a logistic regression and scikit-learn's gradient boosting at its defaults
(``HistGradientBoostingClassifier()``), each on the shift log alone and on the shift log with
the MES signals. Every baseline gets the same feature table the POC starts from: the fields
known when a part is routed, categories one-hot encoded, missing values imputed (with a
missing-value indicator), and scaled for the logistic model. They learn on the same months
as the POC's learners (``poc.FIT_MONTHS``), on every part, and are routed by the same policy
(:func:`pocmvp.case.poc.decision_flags`, then :func:`pocmvp.toolkit.routing.route`) on the
same months at the same capacity. If one of them beat the POC, the POC would be a strawman.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from pocmvp.case import factory, poc, status_quo
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics

CATEGORICAL = ("cell", "shift", "mould_id")
LOGISTIC, BOOSTING = "logistic regression", "gradient boosting (defaults)"
SHIFT_LOG, WITH_MES = "shift log", "shift log + MES"
BASELINES = tuple((model, data) for model in (LOGISTIC, BOOSTING) for data in (SHIFT_LOG, WITH_MES))
"""Every baseline as (model, data)."""
POC_NAME = "POC (ensemble, shift log + MES)"
TODAY_NAME = "today's every-n-th sample"


def label(model: str, data: str) -> str:
    return f"{model}, {data}"


def feature_table(data: str, *, scaled: bool) -> ColumnTransformer:
    """The fields known at routing time as a model-ready table (one-hot, imputed, scaled)."""
    numeric = list(poc.SHIFT_LOG_NUMERIC) + (list(poc.MES_NUMERIC) if data == WITH_MES else [])
    steps = [SimpleImputer(strategy="median", add_indicator=True)]
    if scaled:
        steps.append(StandardScaler())
    categories = [list(poc.CATEGORIES[c]) for c in CATEGORICAL]
    return ColumnTransformer(
        [
            ("numeric", make_pipeline(*steps), numeric),
            (
                "categories",
                OneHotEncoder(categories=categories, handle_unknown="ignore", sparse_output=False),
                list(CATEGORICAL),
            ),
        ]
    )


def make_baseline(model: str, data: str, seed: int = factory.DEFAULT_SEED) -> Pipeline:
    """An unfitted baseline: the feature table, then the model at its usual settings."""
    if model == LOGISTIC:
        return make_pipeline(feature_table(data, scaled=True), LogisticRegression(max_iter=2_000))
    if model == BOOSTING:
        # Defaults, as a practitioner's first try; only the seed is fixed, for repeatability.
        return make_pipeline(
            feature_table(data, scaled=False), HistGradientBoostingClassifier(random_state=seed)
        )
    raise ValueError(f"model must be {LOGISTIC!r} or {BOOSTING!r}, got {model!r}")


@dataclass
class FittedBaseline:
    model: str
    data: str
    pipeline: Pipeline
    train_seconds: float

    @property
    def name(self) -> str:
        return label(self.model, self.data)

    def risk(self, shift_log: pd.DataFrame, mes: pd.DataFrame) -> pd.Series:
        joined = poc.join_mes(shift_log, mes)
        with threadpool_limits(limits=1):
            values = self.pipeline.predict_proba(joined)[:, 1]
        return pd.Series(values, index=shift_log.index, name="risk")


def train_baselines(
    plant: factory.Plant, seed: int = factory.DEFAULT_SEED
) -> dict[str, FittedBaseline]:
    """Every baseline, trained on the POC's learning months (every part, no undersampling)."""
    joined = poc.join_mes(factory.in_months(plant.shift_log, poc.FIT_MONTHS), plant.mes)
    fitted = {}
    with threadpool_limits(limits=1):
        for model, data in BASELINES:
            start = time.perf_counter()
            pipeline = make_baseline(model, data, seed).fit(joined, joined[factory.TARGET])
            fitted[label(model, data)] = FittedBaseline(
                model, data, pipeline, time.perf_counter() - start
            )
    return fitted


def routing_window(shift_log: pd.DataFrame) -> pd.DataFrame:
    """The held-out months and the month before them, whose scores fix the first threshold."""
    first = factory.HELD_OUT_MONTHS[0]
    before = (pd.Period(first, "M") - 1).strftime("%Y-%m")
    return factory.in_months(shift_log, (before, *factory.HELD_OUT_MONTHS))


def panel(
    plant: factory.Plant,
    risks: dict[str, pd.Series],
    economics: PlantEconomics = ECONOMICS,
) -> pd.DataFrame:
    """Every option on the held-out months, routed the same way, best first.

    ``risks`` maps an option's name to its risk for the parts of :func:`routing_window`.
    Columns: ROC-AUC and PR-AUC (ranking, offline), defects caught and shipped at capacity,
    tests spent, and the reduction in defective parts shipped against today's sample.
    """
    window = routing_window(plant.shift_log)
    held_out = factory.in_months(window, factory.HELD_OUT_MONTHS)
    truth = held_out[factory.TARGET].astype(bool)
    today = status_quo.monthly_outcome(held_out, poc.routed(held_out, None, economics))
    shipped_today = int(today["shipped_defects"].sum())
    rows = []
    for name, risk in risks.items():
        flags = poc.decision_flags(window, risk.reindex(window.index), economics)
        outcome = status_quo.monthly_outcome(
            held_out, poc.routed(held_out, flags.reindex(held_out.index), economics)
        )
        score = risk.reindex(held_out.index)
        shipped = int(outcome["shipped_defects"].sum())
        rows.append(
            {
                "option": name,
                "roc_auc": float(roc_auc_score(truth, score)),
                "pr_auc": float(average_precision_score(truth, score)),
                "tested": int(outcome["tested"].sum()),
                "caught": int(outcome["caught"].sum()),
                "shipped_defects": shipped,
                "reduction": (shipped_today - shipped) / shipped_today,
            }
        )
    rows.append(
        {
            "option": TODAY_NAME,
            "roc_auc": np.nan,
            "pr_auc": np.nan,
            "tested": int(today["tested"].sum()),
            "caught": int(today["caught"].sum()),
            "shipped_defects": shipped_today,
            "reduction": 0.0,
        }
    )
    table = pd.DataFrame(rows).set_index("option")
    return table.sort_values("reduction", ascending=False)


def margin_over_baselines(table: pd.DataFrame, poc_name: str = POC_NAME) -> float:
    """The POC's reduction minus the best baseline's (positive: the POC is best in the room)."""
    others = table.drop(index=[poc_name, TODAY_NAME], errors="ignore")
    return float(table.loc[poc_name, "reduction"] - others["reduction"].max())


def gain_curve(
    held_out: pd.DataFrame, risk: pd.Series, shares: np.ndarray | None = None
) -> pd.DataFrame:
    """Share of the defects among the top-scored parts, for each share of parts tested.

    Ranked over the held-out months as a whole: the curve shows how well a score ranks,
    the way the offline metrics do; the routing decides what is actually caught.
    """
    shares = np.linspace(0, 0.3, 61) if shares is None else shares
    truth = held_out[factory.TARGET].to_numpy(dtype=bool)
    order = np.argsort(-risk.reindex(held_out.index).to_numpy(dtype=float), kind="stable")
    caught = np.concatenate([[0], np.cumsum(truth[order])])
    counts = np.floor(shares * len(truth) + 1e-9).astype(int)
    return pd.DataFrame({"share_tested": shares, "share_caught": caught[counts] / truth.sum()})


def share_caught_at(curve: pd.DataFrame, share_tested: float) -> float:
    """A gain curve's share of defects caught at ``share_tested`` (interpolated)."""
    return float(np.interp(share_tested, curve["share_tested"], curve["share_caught"]))
