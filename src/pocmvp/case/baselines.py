"""The models a competent data scientist builds in an afternoon, and the panel that ranks them.

Eight baselines: a logistic regression, scikit-learn's gradient boosting at its defaults
(``HistGradientBoostingClassifier()``), a **tuned** gradient boosting (learning rate and
leaves searched, iterations chosen on the last history months, :mod:`pocmvp.case.tuning`)
and a random forest, each on the shift log alone and on the shift log with the MES signals.
Every baseline gets the same feature table: the fields known when a part is routed,
categories one-hot encoded, missing values imputed (with a missing-value indicator), and
scaled for the logistic model. They learn on every part of the same history months as the
POC (``factory.TRAIN_MONTHS``) and are routed by the same policy
(:func:`pocmvp.case.poc.decision_flags`, then :func:`pocmvp.toolkit.routing.route`) on the
same months at the same capacity. If one of them beat the POC, the POC would be a strawman.

:func:`tuned_boosting` is the one place a tuned gradient boosting model is built: chapter 2's
panel and the business case's "then the model" step both use it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from pocmvp.case import factory, poc
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics

if TYPE_CHECKING:
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

# sklearn is imported inside the functions that build or score a model: importing it costs a
# second in every kernel, and the business case reads this module's routing and bootstrap.

CATEGORICAL = ("cell", "shift", "mould_id")
LOGISTIC, BOOSTING = "logistic regression", "gradient boosting (defaults)"
TUNED, FOREST = "gradient boosting (tuned)", "random forest"
SHIFT_LOG, WITH_MES = "shift log", "shift log + MES"
MODELS = (LOGISTIC, BOOSTING, TUNED, FOREST)
BASELINES = tuple((model, data) for model in MODELS for data in (SHIFT_LOG, WITH_MES))
"""Every baseline as (model, data)."""
FIRST_TRIES = BASELINES[:4]
"""The logistic regression and the default gradient boosting, with and without MES."""

TUNED_PARAMS: dict[str, dict] = {
    SHIFT_LOG: {"learning_rate": 0.05, "max_leaf_nodes": 7, "max_iter": 184},
    WITH_MES: {"learning_rate": 0.1, "max_leaf_nodes": 7, "max_iter": 106},
}
"""The tuned gradient boosting's settings, one set per data: the choice of
:func:`pocmvp.case.tuning.search_boosting` at the default seed and size, stored so that no
chapter repeats the search (a test re-runs it and checks this choice)."""

FOREST_PARAMS = {
    "n_estimators": 100,
    "min_samples_leaf": 20,
    "max_features": "sqrt",
    "max_samples": 0.2,
}
"""A random forest as a practitioner sets it for a large table of rare defects: a hundred
trees, each on a fifth of the parts (faster, and the trees differ more), with leaves of at
least 20 parts, so that its votes rank parts instead of memorising them."""
POC_NAME = "POC (ensemble, shift log + MES)"
TODAY_NAME = "today's every-n-th sample"


def label(model: str, data: str) -> str:
    return f"{model}, {data}"


def feature_table(data: str, *, scaled: bool, with_leak: bool = False) -> ColumnTransformer:
    """The fields known at routing time as a model-ready table (one-hot, imputed, scaled);
    ``with_leak`` adds the leaking ``rework_minutes``, for the first version a demo shows."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = list(poc.SHIFT_LOG_NUMERIC) + (list(poc.MES_NUMERIC) if data == WITH_MES else [])
    numeric += [factory.LEAKING_FIELD] if with_leak else []
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


def tuned_boosting(
    data: str = SHIFT_LOG, seed: int = factory.DEFAULT_SEED, params: dict | None = None
) -> Pipeline:
    """An unfitted tuned gradient boosting model: the feature table, then
    ``HistGradientBoostingClassifier`` with the stored search's choice for ``data``
    (:data:`TUNED_PARAMS`), or with ``params`` (learning rate, leaves, iterations).

    Fit it on joined rows (:func:`pocmvp.case.poc.join_mes`); on the shift log alone
    (``data=SHIFT_LOG``) a plain shift log will do.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import make_pipeline

    if data not in TUNED_PARAMS:
        raise ValueError(f"data must be {SHIFT_LOG!r} or {WITH_MES!r}, got {data!r}")
    settings = TUNED_PARAMS[data] if params is None else params
    return make_pipeline(
        feature_table(data, scaled=False),
        HistGradientBoostingClassifier(**settings, early_stopping=False, random_state=seed),
    )


def make_baseline(
    model: str, data: str, seed: int = factory.DEFAULT_SEED, *, with_leak: bool = False
) -> Pipeline:
    """An unfitted baseline: the feature table, then the model at its usual settings
    (``with_leak``: the default gradient boosting on every column, the leak included)."""
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    if model == LOGISTIC:
        return make_pipeline(feature_table(data, scaled=True), LogisticRegression(max_iter=2_000))
    if model == BOOSTING:
        # Defaults, as a practitioner's first try; only the seed is fixed, for repeatability.
        return make_pipeline(
            feature_table(data, scaled=False, with_leak=with_leak),
            HistGradientBoostingClassifier(random_state=seed),
        )
    if with_leak:
        raise ValueError("only the default gradient boosting is shown with the leak")
    if model == TUNED:
        return tuned_boosting(data, seed)
    if model == FOREST:
        return make_pipeline(
            feature_table(data, scaled=False),
            RandomForestClassifier(**FOREST_PARAMS, n_jobs=1, random_state=seed),
        )
    raise ValueError(f"model must be one of {MODELS}, got {model!r}")


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
    plant: factory.Plant,
    seed: int = factory.DEFAULT_SEED,
    *,
    months: tuple[str, ...] = factory.TRAIN_MONTHS,
    which: tuple[tuple[str, str], ...] = BASELINES,
) -> dict[str, FittedBaseline]:
    """The baselines ``which`` (all by default), trained on every part of ``months``: the
    history months the POC learns on, unless a caller validates inside the history."""
    joined = poc.join_mes(factory.in_months(plant.shift_log, months), plant.mes)
    fitted = {}
    with threadpool_limits(limits=1):
        for model, data in which:
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


def tested_parts(
    plant: factory.Plant,
    risks: dict[str, pd.Series],
    economics: PlantEconomics = ECONOMICS,
) -> pd.DataFrame:
    """Which held-out parts each option sends to the X-ray, routed the one way: one boolean
    column an option, today's every-n-th sample in column :data:`TODAY_NAME`.

    ``risks`` maps an option's name to its risk for the parts of :func:`routing_window`.
    """
    window = routing_window(plant.shift_log)
    held_out = factory.in_months(window, factory.HELD_OUT_MONTHS)
    tested = {TODAY_NAME: poc.routed(held_out, None, economics)}
    for name, risk in risks.items():
        flags = poc.decision_flags(window, risk.reindex(window.index), economics)
        tested[name] = poc.routed(held_out, flags.reindex(held_out.index), economics)
    return pd.DataFrame(tested)


def shipped_by_day(shift_log: pd.DataFrame, tested: pd.DataFrame) -> pd.DataFrame:
    """Defective parts shipped per held-out day by each option of :func:`tested_parts`, and
    the day's defects (column ``"defects"``)."""
    parts = shift_log.loc[tested.index]
    truth = parts[factory.TARGET].astype(bool)
    shipped = tested.rsub(1).astype(bool).mul(truth, axis=0)
    shipped.insert(0, "defects", truth)
    day = parts["cast_at"].dt.normalize().rename("day")
    return shipped.astype(int).groupby(day).sum()


def panel(
    plant: factory.Plant,
    risks: dict[str, pd.Series],
    economics: PlantEconomics = ECONOMICS,
    tested: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every option on the held-out months, routed the same way, best first.

    ``risks`` maps an option's name to its risk for the parts of :func:`routing_window`
    (``tested``, their :func:`tested_parts`, if already routed). Columns: ROC-AUC and PR-AUC
    (ranking, offline), tests spent, defects caught and shipped at capacity, and the
    reduction in defective parts shipped against today's sample.
    """
    from sklearn.metrics import average_precision_score, roc_auc_score

    tested = tested_parts(plant, risks, economics) if tested is None else tested
    held_out = plant.shift_log.loc[tested.index]
    truth = held_out[factory.TARGET].astype(bool)
    shipped = shipped_by_day(plant.shift_log, tested).sum()
    rows = []
    for name in [*risks, TODAY_NAME]:
        score = risks[name].reindex(held_out.index) if name in risks else None
        rows.append(
            {
                "option": name,
                "roc_auc": np.nan if score is None else float(roc_auc_score(truth, score)),
                "pr_auc": np.nan if score is None else float(average_precision_score(truth, score)),
                "tested": int(tested[name].sum()),
                "caught": int(shipped["defects"] - shipped[name]),
                "shipped_defects": int(shipped[name]),
                "reduction": float(1 - shipped[name] / shipped[TODAY_NAME]),
            }
        )
    table = pd.DataFrame(rows).set_index("option")
    return table.sort_values("reduction", ascending=False, kind="stable")


def margin_over_baselines(table: pd.DataFrame, poc_name: str = POC_NAME) -> float:
    """The POC's reduction minus the best baseline's (positive: the POC is best in the room)."""
    others = table.drop(index=[poc_name, TODAY_NAME], errors="ignore")
    return float(table.loc[poc_name, "reduction"] - others["reduction"].max())


BOOTSTRAP_SAMPLES = 2_000


def resampled_days(
    by_day: pd.DataFrame, samples: int = BOOTSTRAP_SAMPLES, seed: int = 0
) -> pd.DataFrame:
    """The workbook's one bootstrap over days: ``samples`` draws of as many days as ``by_day``
    has, with replacement, and each column's total over the days drawn (one row a draw).

    Days, not parts, are drawn: the routing ties the parts of a day together (a day's
    threshold and the X-ray cell's capacity are shared by its parts).
    """
    rng = np.random.default_rng(seed)
    days = len(by_day)
    weights = rng.multinomial(days, np.full(days, 1 / days), size=samples)
    return pd.DataFrame(weights @ by_day.to_numpy(dtype=float), columns=by_day.columns)


def margin_noise(
    by_day: pd.DataFrame,
    poc_name: str = POC_NAME,
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = 0,
) -> pd.Series:
    """How much the POC's margin over the best baseline moves by chance: a bootstrap over the
    held-out days (:func:`shipped_by_day`).

    Each sample draws as many days as there are, with replacement (:func:`resampled_days`),
    and recomputes every option's reduction against today's sample on those days, and the
    POC's margin over the best baseline there. Returns the samples' margins.
    """
    totals = resampled_days(by_day, samples, seed).drop(columns="defects")
    shipped = totals.to_numpy()
    options = list(totals.columns)
    reduction = 1 - shipped / shipped[:, [options.index(TODAY_NAME)]]
    others = [i for i, name in enumerate(options) if name not in (poc_name, TODAY_NAME)]
    margin = reduction[:, options.index(poc_name)] - reduction[:, others].max(axis=1)
    return pd.Series(margin, name="margin")


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
