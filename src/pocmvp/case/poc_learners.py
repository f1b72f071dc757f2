"""The POC's fitted parts as scikit-learn estimators: its feature stage and its four learners.

:mod:`pocmvp.case.poc` holds their settings (:data:`pocmvp.case.poc.FIXED_PARAMS`) and fits
them; this module builds them. It is apart so that reading the POC's settings, months and
judgement does not import scikit-learn, which costs about a second in every process: only
fitting does.
"""

from __future__ import annotations

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import SplineTransformer, StandardScaler

from pocmvp.case.poc import FIXED_PARAMS
from pocmvp.case.poc_features import AnomalyScore, FeatureBuilder
from pocmvp.case.poc_fields import MES_NUMERIC, SHIFT_LOG_NUMERIC, SHOT_PHYSICS_FEATURES


def _gradient_boosting(params: dict, seed: int) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        **FIXED_PARAMS["gradient boosting"], **params, early_stopping=False, random_state=seed
    )


def _tuned_boosting(params: dict, seed: int) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        **FIXED_PARAMS["tuned gradient boosting"], **params, early_stopping=False, random_state=seed
    )


def _random_forest(params: dict, seed: int) -> RandomForestClassifier:
    return RandomForestClassifier(
        **FIXED_PARAMS["random forest"], **params, n_jobs=1, random_state=seed
    )


CURVED_FEATURES = (
    *SHIFT_LOG_NUMERIC,
    *MES_NUMERIC,
    "melt_corrected_c",
    *SHOT_PHYSICS_FEATURES,
    "hour_of_day",
)
"""The measured features the spline logistic regression bends into curves; the rest
(indicators, products, per-mould slopes, the anomaly score) enter it as straight lines."""


def _spline_logistic(params: dict, seed: int) -> Pipeline:
    """A smooth additive model: each measured feature through a cubic spline, the others as
    they are, then a logistic regression. It sees gentle curves the trees cut into steps."""
    curves = make_pipeline(StandardScaler(), SplineTransformer(**FIXED_PARAMS["spline logistic"]))
    columns = ColumnTransformer(
        [
            ("curves", curves, list(CURVED_FEATURES)),
            ("lines", StandardScaler(), _straight_columns),
        ]
    )
    return Pipeline(
        [("features", columns), ("logistic", LogisticRegression(**params, max_iter=2_000))]
    )


def _straight_columns(features: pd.DataFrame) -> list[str]:
    """The features the spline logistic regression takes as straight lines."""
    return [c for c in features.columns if c not in CURVED_FEATURES]


LEARNERS = {
    "gradient boosting": _gradient_boosting,
    "random forest": _random_forest,
    "spline logistic": _spline_logistic,
    "tuned gradient boosting": _tuned_boosting,
}
"""Each learner's builder: ``LEARNERS[name](params, seed)`` is an unfitted estimator."""


def prepare(train: pd.DataFrame, *, with_leak: bool, seed: int) -> Pipeline:
    """The feature stage (engineered features, then the anomaly score) fitted on ``train``."""
    steps = [("features", FeatureBuilder(with_leak)), ("anomaly", AnomalyScore(random_state=seed))]
    return Pipeline(steps).fit(train)


def stacker() -> Pipeline:
    """The unfitted logistic regression that stacks the learners' scores into one risk."""
    return Pipeline([("scale", StandardScaler()), ("logistic", LogisticRegression(max_iter=1_000))])
