"""The afternoon's tuning: a small search for the gradient boosting baseline, done once.

A competent data scientist tunes gradient boosting before calling it a baseline: a few
learning rates and tree sizes, and for each the number of iterations at which the model
stops improving on data it has not learned from. Time matters, so the check is ordered in
time, inside the history: the model learns on the first history months and is scored, after
each iteration, on the last ones (``VALIDATION_MONTHS``). The candidate with the lowest
validation log-loss wins, with its best number of iterations.

The search runs once, offline; its choice is stored in
:data:`pocmvp.case.baselines.TUNED_PARAMS` and its table in :data:`STORED_SEARCH`, which
chapter 2 shows. ``tests/test_tuning.py`` re-runs the search at the default seed and size and
checks that it still makes the stored choice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import log_loss
from sklearn.model_selection import ParameterGrid
from threadpoolctl import threadpool_limits

from pocmvp.case import baselines, factory, poc

GRID = {"learning_rate": [0.05, 0.1], "max_leaf_nodes": [7, 15, 31]}
MAX_ITERATIONS = 400
VALIDATION_MONTHS = factory.TRAIN_MONTHS[-2:]
"""The last two history months: the tuned model is scored there after learning on the months
before them; no held-out month is looked at."""

SEARCH_COLUMNS = ("data", "learning_rate", "max_leaf_nodes", "max_iter", "validation_log_loss")
STORED_SEARCH: tuple[tuple, ...] = (
    ("shift log", 0.05, 7, 184, 0.130168),
    ("shift log", 0.1, 7, 48, 0.130514),
    ("shift log", 0.05, 15, 61, 0.130771),
    ("shift log", 0.1, 15, 36, 0.131275),
    ("shift log", 0.05, 31, 56, 0.131528),
    ("shift log", 0.1, 31, 18, 0.131796),
    ("shift log + MES", 0.1, 7, 106, 0.126220),
    ("shift log + MES", 0.05, 7, 178, 0.126226),
    ("shift log + MES", 0.05, 15, 104, 0.126270),
    ("shift log + MES", 0.05, 31, 63, 0.126921),
    ("shift log + MES", 0.1, 15, 32, 0.127052),
    ("shift log + MES", 0.1, 31, 28, 0.128767),
)
"""What :func:`search_all` found at the default seed and size (log-loss to 6 decimals):
chapter 2 shows it, ``baselines.TUNED_PARAMS`` holds each data's winner, and
``tests/test_tuning.py`` re-runs the search to check both."""


def stored_search() -> pd.DataFrame:
    """:data:`STORED_SEARCH` as a table."""
    return pd.DataFrame(list(STORED_SEARCH), columns=list(SEARCH_COLUMNS))


def search_boosting(
    plant: factory.Plant,
    data: str,
    seed: int = factory.DEFAULT_SEED,
    grid: dict[str, list] = GRID,
) -> pd.DataFrame:
    """Every candidate of ``grid`` for ``data``: its best number of iterations and its
    validation log-loss there (lower is better), best first."""
    history = poc.join_mes(factory.in_months(plant.shift_log, factory.TRAIN_MONTHS), plant.mes)
    late = factory.month_of(history).isin(VALIDATION_MONTHS)
    learn, valid = history[~late], history[late]
    rows = []
    with threadpool_limits(limits=1):
        for params in ParameterGrid(grid):
            model = baselines.tuned_boosting(
                data, seed, params={**params, "max_iter": MAX_ITERATIONS}
            )
            model.fit(learn, learn[factory.TARGET])
            features = model[0].transform(valid)
            losses = [
                log_loss(valid[factory.TARGET], staged[:, 1])
                for staged in model[-1].staged_predict_proba(features)
            ]
            best = int(np.argmin(losses))
            rows.append(
                {
                    "data": data,
                    **params,
                    "max_iter": best + 1,
                    "validation_log_loss": losses[best],
                }
            )
    table = pd.DataFrame(rows).sort_values("validation_log_loss", kind="stable")
    return table.reset_index(drop=True)


def best_params(search: pd.DataFrame) -> dict:
    """The winning row of :func:`search_boosting` as ``tuned_boosting`` params."""
    best = search.sort_values("validation_log_loss", kind="stable").iloc[0]
    return {
        "learning_rate": float(best["learning_rate"]),
        "max_leaf_nodes": int(best["max_leaf_nodes"]),
        "max_iter": int(best["max_iter"]),
    }


def search_all(plant: factory.Plant, seed: int = factory.DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """The search for each data (shift log alone, with the MES)."""
    return {data: search_boosting(plant, data, seed) for data in baselines.TUNED_PARAMS}
