"""The leak check: which columns a rule may not read, decided on evidence, shown to the user.

A column written after the outcome is known (minutes of rework booked after inspection, a
hold put on a pallet once its test failed) is useless the day a rule goes live: the value is
not there yet when the decision is made. But a column that merely predicts the outcome well
is what a user hopes to find. So the check leaves a column out only on **evidence that it
was recorded after the outcome**:

* **present only on positive rows**: its non-zero values fall on positive rows at least
  95 % of the time (with at least :data:`MIN_NONZERO` of them), or it is non-zero on at
  least 80 % of the positive rows and at most 5 % of the others (a field filled in for the
  bad cases: the plant's ``rework_minutes``, a pallet's QA hold);
* **a time later than the outcome's**: the column's own time column (``recorded_at``) is
  later than the outcome's time column on most rows;
* **a name the user marks** (``leave_out``).

**Strong separation alone** (a ROC AUC of at least 0.95 in either direction) is not evidence:
the column is kept, with a warning asking the user to confirm it is known when the decision
is made. The user overrides either way: a column named in ``keep`` is kept whatever the
evidence, one in ``leave_out`` is left out. Every decision is a :class:`Decision` with its
reason, for the output to show.

:func:`id_columns` finds the candidates that are a row number, not a cause: unique,
increasing whole numbers. They are never candidates (unless the user names them).
Missing values are left out of every measure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pocmvp.toolkit.schema import numbers, parse_target
from pocmvp.toolkit.times import parse_time

AUC_LIMIT = 0.95
NONZERO_POSITIVE_LIMIT = 0.95
MIN_NONZERO = 10
FILLED_ON_POSITIVES = 0.80
FILLED_ON_NEGATIVES = 0.05
LATER_SHARE = 0.5
"""A column is later than the outcome when its time is later on more than this share of rows."""

LEFT_OUT, CONFIRM, NAMED, MARKED = "left out", "kept, please confirm", "kept, named", "marked"


@dataclass(frozen=True)
class Leak:
    """The leak check's measures for one column, and why it seems recorded after the outcome."""

    column: str
    auc: float
    nonzero_positive_share: float | None
    nonzero_rows: int
    nonzero_on_positives: float = 0.0
    """Share of the positive rows with a non-zero value."""
    nonzero_on_negatives: float = 1.0
    """Share of the negative rows with a non-zero value."""
    later_share: float | None = None
    """Share of rows whose own time is later than the outcome's (None: not known)."""

    @property
    def separation(self) -> float:
        return max(self.auc, 1 - self.auc)

    @property
    def separates(self) -> bool:
        """Strong separation of the target: a warning, never evidence on its own."""
        return self.separation >= AUC_LIMIT

    @property
    def only_on_positives(self) -> bool:
        share = self.nonzero_positive_share
        by_share = (
            share is not None
            and self.nonzero_rows >= MIN_NONZERO
            and share >= NONZERO_POSITIVE_LIMIT
        )
        return by_share or _filled_for_positives(self)

    @property
    def later(self) -> bool:
        return self.later_share is not None and self.later_share > LATER_SHARE

    @property
    def recorded_after(self) -> bool:
        """Evidence that the column was recorded after the outcome."""
        return self.only_on_positives or self.later

    @property
    def evidence(self) -> str:
        said = []
        if self.separates:
            direction = "high" if self.auc >= 0.5 else "low"
            said.append(
                f"its values alone separate the target with ROC AUC {self.separation:.3f} "
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
        if self.later:
            said.append(f"its time is later than the outcome's on {self.later_share:.0%} of rows")
        return f"{self.column}: " + "; ".join(said)


def _filled_for_positives(leak: Leak) -> bool:
    return (
        leak.nonzero_on_positives >= FILLED_ON_POSITIVES
        and leak.nonzero_on_negatives <= FILLED_ON_NEGATIVES
    )


@dataclass(frozen=True)
class Decision:
    """What the leak check decided for one column, and the line the user reads."""

    column: str
    verdict: str
    """:data:`LEFT_OUT`, :data:`CONFIRM`, :data:`NAMED` or :data:`MARKED`."""
    leak: Leak | None = None

    @property
    def kept(self) -> bool:
        return self.verdict in (CONFIRM, NAMED)

    @property
    def line(self) -> str:
        evidence = self.leak.evidence if self.leak else self.column
        if self.verdict == LEFT_OUT:
            return f"left out, it seems recorded after the outcome: {evidence}"
        if self.verdict == NAMED:
            return f"kept, you named it, though it seems recorded after the outcome: {evidence}"
        if self.verdict == MARKED:
            return f"left out, you marked it as recorded after the outcome: {self.column}"
        return (
            f"kept, please confirm it is known when a row is decided: {evidence}. If it is "
            "recorded after the outcome, leave it out (pocmvp rule --leave-out)"
        )


def average_ranks(values: np.ndarray) -> np.ndarray:
    """The ranks of ``values`` from 1, ties sharing their average rank: the figures of
    ``scipy.stats.rankdata`` (its own method), without importing ``scipy.stats``, which
    took half of ``pocmvp rule``'s start-up."""
    values = np.asarray(values)
    if values.dtype.kind == "f" and np.isnan(values).any():
        return np.full(values.shape, np.nan)
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    starts = np.r_[True, ordered[1:] != ordered[:-1]]
    inverse = np.empty(len(order), dtype=np.intp)
    inverse[order] = np.arange(len(order))
    dense = np.cumsum(starts)[inverse]
    count = np.r_[np.nonzero(starts)[0], len(starts)]
    return 0.5 * (count[dense] + count[dense - 1] + 1)


def roc_auc(values: np.ndarray, positive: np.ndarray) -> float:
    """The ROC AUC of ``values`` as a score for ``positive`` (ties count half); 0.5 when a
    class is absent."""
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        return 0.5
    ranks = average_ranks(values)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def assess(values: pd.Series, target: pd.Series, later: pd.Series | None = None) -> Leak:
    """The measures for one column (missing values and text left out); ``later`` marks the
    rows whose own time is later than the outcome's (missing where either time is)."""
    converted, _ = numbers(values)
    converted = converted.where(np.isfinite(converted))
    present = converted.notna().to_numpy()
    x = converted.to_numpy()[present]
    y = target.to_numpy(dtype=bool)[present]
    auc = roc_auc(x, y)
    nonzero = x != 0
    count = int(nonzero.sum())
    share = float(y[nonzero].mean()) if count else None
    on_positives = float(nonzero[y].mean()) if y.any() else 0.0
    on_negatives = float(nonzero[~y].mean()) if (~y).any() else 1.0
    later_share = None
    if later is not None and later.notna().any():
        later_share = float(later.dropna().astype(bool).mean())
    return Leak(str(values.name), auc, share, count, on_positives, on_negatives, later_share)


def _later(table: pd.DataFrame, column: str | None, outcome_time: str | None) -> pd.Series | None:
    if column is None or outcome_time is None:
        return None
    own, outcome = parse_time(table[column]), parse_time(table[outcome_time])
    return (own > outcome).astype("boolean").where(own.notna() & outcome.notna())


def check(
    table: pd.DataFrame,
    target: str,
    columns: Iterable[str],
    *,
    keep: Iterable[str] = (),
    leave_out: Iterable[str] = (),
    recorded_at: Mapping[str, str] | None = None,
    outcome_time: str | None = None,
) -> list[Decision]:
    """A decision for every column that is left out or needs a look (see the module);
    columns absent from the list are kept without a remark."""
    truth = parse_target(table[target], target)
    keep, leave_out, recorded_at = set(keep), set(leave_out), dict(recorded_at or {})
    decisions = []
    for column in columns:
        if column in leave_out:
            decisions.append(Decision(column, MARKED))
            continue
        later = _later(table, recorded_at.get(column), outcome_time)
        leak = assess(table[column].rename(column), truth, later)
        if leak.recorded_after:
            decisions.append(Decision(column, NAMED if column in keep else LEFT_OUT, leak))
        elif leak.separates and column not in keep:
            decisions.append(Decision(column, CONFIRM, leak))
    return decisions


def find_leaks(table: pd.DataFrame, target: str, columns: Iterable[str]) -> list[Leak]:
    """The ``columns`` of ``table`` with evidence of being recorded after ``target``."""
    return [d.leak for d in check(table, target, columns) if d.leak and d.leak.recorded_after]


def usable_columns(
    candidates: Sequence[str],
    leaks: Iterable[Leak | Decision],
    named: Iterable[str] | None = None,
) -> list[str]:
    """The candidates without the columns left out (leaks with evidence, marked columns),
    unless the user named them."""
    keep = set(named or ())
    out = set()
    for found in leaks:
        if isinstance(found, Decision):
            if not found.kept:
                out.add(found.column)
        elif found.recorded_after:
            out.add(found.column)
    return [c for c in candidates if c not in out - keep]


def id_columns(table: pd.DataFrame, columns: Iterable[str]) -> list[str]:
    """The columns that are a row number, not a cause: whole numbers, every row filled,
    each value once, increasing down the table."""
    found = []
    for column in columns:
        values, _ = numbers(table[column])
        if len(values) < 2 or values.isna().any():
            continue
        whole = np.all(np.isfinite(values)) and np.all(values == np.round(values))
        if whole and values.is_monotonic_increasing and values.is_unique:
            found.append(column)
    return found
