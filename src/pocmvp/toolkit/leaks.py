"""Columns that seem recorded after the outcome, found before a rule is searched.

A column written after the outcome is known (minutes of rework booked after inspection, a
repair code) separates the target almost perfectly, and a rule built on it is useless the
day it goes live: the value is not there yet when the decision is made. :func:`find_leaks`
flags a numeric column when

* its values alone separate the target with a ROC AUC of at least 0.95 in either direction
  (an AUC of 0.05 or below is the same separation, reversed), or
* its non-zero values fall on positive rows at least 95 % of the time (a field filled in
  only for the bad cases), with at least :data:`MIN_NONZERO` non-zero values, or
* it is non-zero on at least 80 % of the positive rows but on at most 5 % of the negative
  ones (a field filled in for most bad cases and a few others: the plant's
  ``rework_minutes``, booked on 85 % of defective parts and 3 % of good ones, has an AUC of
  about 0.92 and 51 % of its non-zero values on defects, so the first two tests miss it).

Missing values are left out of both measures. Each flagged column comes with its evidence
(:attr:`Leak.evidence`), and :func:`usable_columns` leaves the flagged columns out of a
search unless the user named them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from pocmvp.toolkit.schema import numbers, parse_target

AUC_LIMIT = 0.95
NONZERO_POSITIVE_LIMIT = 0.95
MIN_NONZERO = 10
FILLED_ON_POSITIVES = 0.80
FILLED_ON_NEGATIVES = 0.05


@dataclass(frozen=True)
class Leak:
    """A column that seems recorded after the outcome, and why."""

    column: str
    auc: float
    nonzero_positive_share: float | None
    nonzero_rows: int
    nonzero_on_positives: float = 0.0
    """Share of the positive rows with a non-zero value."""
    nonzero_on_negatives: float = 1.0
    """Share of the negative rows with a non-zero value."""

    @property
    def evidence(self) -> str:
        said = []
        separation = max(self.auc, 1 - self.auc)
        if separation >= AUC_LIMIT:
            direction = "high" if self.auc >= 0.5 else "low"
            said.append(
                f"its values alone separate the target with ROC AUC {separation:.3f} "
                f"({direction} values on positive rows)"
            )
        share = self.nonzero_positive_share
        if share is not None and share >= NONZERO_POSITIVE_LIMIT and self.nonzero_rows:
            said.append(
                f"{share:.1%} of its {self.nonzero_rows:,} non-zero values are on positive rows"
            )
        if _filled_for_positives(self):
            said.append(
                f"it is non-zero on {self.nonzero_on_positives:.0%} of the positive rows but "
                f"on {self.nonzero_on_negatives:.0%} of the others"
            )
        return f"{self.column}: " + "; ".join(said)


def _filled_for_positives(leak: Leak) -> bool:
    return (
        leak.nonzero_on_positives >= FILLED_ON_POSITIVES
        and leak.nonzero_on_negatives <= FILLED_ON_NEGATIVES
    )


def roc_auc(values: np.ndarray, positive: np.ndarray) -> float:
    """The ROC AUC of ``values`` as a score for ``positive`` (ties count half); 0.5 when a
    class is absent."""
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        return 0.5
    ranks = rankdata(values)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def assess(values: pd.Series, target: pd.Series) -> Leak:
    """The two measures for one column (missing values and text left out)."""
    converted, _ = numbers(values)
    present = converted.notna().to_numpy()
    x = converted.to_numpy()[present]
    y = target.to_numpy(dtype=bool)[present]
    auc = roc_auc(x, y)
    nonzero = x != 0
    count = int(nonzero.sum())
    share = float(y[nonzero].mean()) if count else None
    on_positives = float(nonzero[y].mean()) if y.any() else 0.0
    on_negatives = float(nonzero[~y].mean()) if (~y).any() else 1.0
    return Leak(str(values.name), auc, share, count, on_positives, on_negatives)


def is_leak(leak: Leak) -> bool:
    by_auc = max(leak.auc, 1 - leak.auc) >= AUC_LIMIT
    share = leak.nonzero_positive_share
    by_nonzero = (
        share is not None and leak.nonzero_rows >= MIN_NONZERO and share >= NONZERO_POSITIVE_LIMIT
    )
    return by_auc or by_nonzero or _filled_for_positives(leak)


def find_leaks(table: pd.DataFrame, target: str, columns: Iterable[str]) -> list[Leak]:
    """The ``columns`` of ``table`` that seem recorded after ``target``, with evidence."""
    truth = parse_target(table[target], target)
    found = []
    for column in columns:
        leak = assess(table[column].rename(column), truth)
        if is_leak(leak):
            found.append(leak)
    return found


def usable_columns(
    candidates: Sequence[str], leaks: Iterable[Leak], named: Iterable[str] | None = None
) -> list[str]:
    """The candidates without the leaked columns, unless the user named them."""
    keep = set(named or ())
    leaked = {leak.column for leak in leaks} - keep
    return [c for c in candidates if c not in leaked]
