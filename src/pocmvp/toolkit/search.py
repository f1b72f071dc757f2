"""Finding the rule: the one or two thresholds that catch the most positives within a capacity.

:func:`find_rule` returns a :class:`RuleSearch`: the rule it chose and what the search looked
at (rules compared, seconds, and the rule's flags and catches on the rows searched).

**Candidates.** For each column and direction (``>`` on high values, ``<`` on low ones) the
candidate thresholds are the values at ``grid`` evenly spaced shares of the column's tail, up
to the capacity (``numpy.quantile`` with ``method="inverted_cdf"``, so every threshold is a
value of the column). When the capacity times the rows is at most ``grid``, every value of
the tail is a candidate, and the search is the exhaustive search over every threshold.

**A histogram search.** Each column and direction is binned once: a row's rank is the number
of candidate thresholds it is beyond, so condition ``k`` holds exactly when ``rank > k``.
Single conditions are counted with one ``bincount`` of the ranks and a cumulative sum. For a
pair of conditions, rows where both hold are counted on a two-way histogram of ranks, summed
cumulatively from its far corner; only rows beyond the first threshold of one of the two can
be counted there, so the histogram is built from that tail alone (about the capacity's share
of the rows), not from every row. Every single condition and every pair is compared; the
result is the same as comparing them one by one (``tests/test_search.py`` does).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pocmvp.toolkit.rule import (
    MAX_CONDITIONS,
    Condition,
    Rule,
    check_rule_columns,
    require_dataframe,
)
from pocmvp.toolkit.schema import TableError, parse_target


@dataclass(frozen=True)
class RuleSearch:
    """What :func:`find_rule` found and looked at."""

    rule: Rule
    rules_compared: int
    seconds: float
    rows: int
    """Rows searched."""
    flagged: int
    """Rows the rule flags among them."""
    caught: int
    """Positive rows the rule flags among them."""
    positives: int
    capacity: float

    @property
    def flagged_share(self) -> float:
        return self.flagged / self.rows if self.rows else 0.0

    @property
    def catch_rate(self) -> float:
        return self.caught / self.positives if self.positives else 0.0

    @property
    def capacity_used(self) -> float:
        """The rule's flags over the capacity, on the rows searched (1.0 = all of it)."""
        return self.flagged_share / self.capacity


@dataclass(frozen=True)
class _Candidates:
    """Candidate thresholds of one column and direction, and each row's rank among them.

    Condition ``k`` holds for a row exactly when ``rank > k``; missing values have rank 0.
    ``tail`` lists the rows of rank above 0 (beyond the first threshold).
    """

    column: str
    operator: str
    thresholds: np.ndarray
    rank: np.ndarray
    tail: np.ndarray


def quantile_positions(size: int, probabilities: np.ndarray) -> np.ndarray:
    """The 0-based positions in ``size`` sorted values that ``numpy.quantile(...,
    method="inverted_cdf")`` returns for ``probabilities`` (numpy's own arithmetic)."""
    virtual = size * np.asarray(probabilities, dtype=np.float64) - 1
    below = np.floor(virtual)
    positions = below + ((virtual - below) > 0)
    return np.clip(positions, 0, size - 1).astype(np.int64)


def _column_candidates(
    values: pd.Series, column: str, capacity: float, grid: int
) -> tuple[_Candidates, _Candidates]:
    """The candidates of one column, ``>`` then ``<``: its two tails are put in order once."""
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)
    present = numbers[~np.isnan(numbers)]
    size = len(present)
    shares = np.linspace(capacity / grid, capacity, grid)
    positions = quantile_positions(size, 1 - shares)  # in ascending order, for ">"
    first = int(positions.min())
    # Only the two tails are sorted: what lies beyond `first` from either end.
    parted = np.partition(present, sorted({first, size - 1 - first}))
    high = np.sort(parted[first:])
    low = np.sort(parted[: size - first])
    # ">" on the values, and "<" as ">" on the negated values: one code path for both.
    found = []
    for operator, oriented, levels in (
        (">", numbers, high[positions - first]),
        ("<", -numbers, -low[size - 1 - positions]),
    ):
        thresholds = np.unique(levels)  # ascending, in the oriented scale
        with np.errstate(invalid="ignore"):
            tail = np.flatnonzero(oriented > thresholds[0])
        dtype = np.uint16 if len(thresholds) < 2**16 else np.int64
        rank = np.zeros(len(numbers), dtype=dtype)
        rank[tail] = np.searchsorted(thresholds, oriented[tail], side="left")
        real = thresholds if operator == ">" else -thresholds
        found.append(_Candidates(column, operator, real, rank, tail))
    return found[0], found[1]


def _candidates(
    values: pd.Series, column: str, operator: str, capacity: float, grid: int
) -> _Candidates:
    """The candidates of one column in one direction."""
    above, below = _column_candidates(values, column, capacity, grid)
    return above if operator == ">" else below


def _tail_sums(rank: np.ndarray, size: int) -> np.ndarray:
    """For each threshold k: the count of ``rank`` values above k."""
    counts = np.bincount(rank, minlength=size + 1)
    return np.cumsum(counts[::-1])[::-1][1:]


def _pair_sums(a: _Candidates, b: _Candidates, rows: np.ndarray) -> np.ndarray:
    """For each pair of thresholds (k, l): ``rows`` where both conditions hold. ``rows`` may
    be limited to the tail of ``a`` or of ``b``: no other row can hold both."""
    size_a, size_b = len(a.thresholds) + 1, len(b.thresholds) + 1
    cells = a.rank[rows].astype(np.int64) * size_b + b.rank[rows]
    joint = np.bincount(cells, minlength=size_a * size_b).reshape(size_a, size_b)
    tail = joint[::-1, ::-1].cumsum(axis=0).cumsum(axis=1)[::-1, ::-1]
    return tail[1:, 1:]


def searchable_columns(table: pd.DataFrame, target: str) -> list[str]:
    """Every numeric column but the target (booleans are not numbers here)."""
    return [
        c
        for c in table.columns
        if c != target
        and pd.api.types.is_numeric_dtype(table[c])
        and not pd.api.types.is_bool_dtype(table[c])
    ]


def find_rule(
    table: pd.DataFrame,
    target: str,
    capacity: float,
    columns: Iterable[str] | None = None,
    max_conditions: int = MAX_CONDITIONS,
    *,
    grid: int = 100,
) -> RuleSearch:
    """The rule that catches the most ``target`` rows while flagging at most ``capacity``
    (a share of the rows, e.g. 0.05) of ``table``, with its search (:class:`RuleSearch`).

    Every single condition and every pair of conditions (on two columns, or on one column in
    both directions) over ``grid`` candidate thresholds per column and direction is compared;
    ties go to the rule that flags fewer rows. Without ``columns``, every numeric column
    but the target is searched (leave out columns recorded after the outcome:
    :mod:`pocmvp.toolkit.leaks`). Columns that are not numbers are refused. The target may be
    boolean, 0/1, true/false or yes/no. A threshold on an integer column is a whole number.
    """
    started = time.perf_counter()
    require_dataframe(table)
    columns = list(dict.fromkeys(searchable_columns(table, target) if columns is None else columns))
    if not 0 < capacity < 1:
        raise ValueError(f"capacity is a share of rows between 0 and 1, got {capacity}")
    if max_conditions not in (1, 2):
        raise ValueError(f"max_conditions must be 1 or 2, got {max_conditions}")
    if target not in table.columns:
        raise TableError(f"the target column {target!r} is missing")
    if not columns:
        raise ValueError("find_rule needs at least one column to search")
    if target in columns:
        raise ValueError(f"the target {target!r} cannot be a column of the rule")
    positive = parse_target(table[target], target).to_numpy(dtype=bool)
    check_rule_columns(table, Rule(tuple(Condition(c, ">", 0) for c in columns)))
    empty = [c for c in columns if table[c].isna().all()]
    if empty:
        raise ValueError(f"column(s) {', '.join(map(repr, empty))} hold no value to search")

    limit = math.floor(capacity * len(table) + 1e-9)
    options = [o for c in columns for o in _column_candidates(table[c], c, capacity, grid)]
    whole = {c for c in columns if pd.api.types.is_integer_dtype(table[c])}
    positive_tail = [o.tail[positive[o.tail]] for o in options]
    flagged_alone = [_tail_sums(o.rank[o.tail], len(o.thresholds)) for o in options]
    caught_alone = [
        _tail_sums(o.rank[rows], len(o.thresholds))
        for o, rows in zip(options, positive_tail, strict=True)
    ]

    best: tuple[float, float, tuple[Condition, ...]] = (-1.0, 0.0, ())
    compared = 0
    for option, flagged, caught in zip(options, flagged_alone, caught_alone, strict=True):
        fits = flagged <= limit
        compared += len(flagged)
        if fits.any():
            k = _best_index(caught, flagged, fits)
            best = _better(best, caught[k], flagged[k], (_condition(option, k, whole),))
    if max_conditions == 2:
        for i, a in enumerate(options):
            for j in range(i + 1, len(options)):
                b = options[j]
                if a.column == b.column and a.operator == b.operator:
                    continue
                # Rows beyond the first threshold of the rarer of the two: no other row
                # can meet both conditions.
                side = i if len(a.tail) <= len(b.tail) else j
                both_flagged = _pair_sums(a, b, options[side].tail)
                both_caught = _pair_sums(a, b, positive_tail[side])
                flagged = flagged_alone[i][:, None] + flagged_alone[j][None, :] - both_flagged
                caught = caught_alone[i][:, None] + caught_alone[j][None, :] - both_caught
                fits = flagged <= limit
                compared += flagged.size
                if fits.any():
                    ka, kb = np.unravel_index(_best_index(caught, flagged, fits), caught.shape)
                    conditions = (_condition(a, ka, whole), _condition(b, kb, whole))
                    best = _better(best, caught[ka, kb], flagged[ka, kb], conditions)
    if not best[2]:
        raise ValueError(f"no rule on {columns} flags at most {capacity:.1%} of the rows")
    return RuleSearch(
        rule=Rule(best[2]),
        rules_compared=compared,
        seconds=time.perf_counter() - started,
        rows=len(table),
        flagged=int(best[1]),
        caught=int(best[0]),
        positives=int(positive.sum()),
        capacity=capacity,
    )


def _best_index(caught: np.ndarray, flagged: np.ndarray, fits: np.ndarray) -> int:
    """Flat index of the most catches among the rules that fit, then the fewest flags."""
    score = np.where(fits, caught, -1).ravel()
    top = np.flatnonzero(score == score.max())
    return int(top[np.argmin(flagged.ravel()[top])])


def _better(best: tuple, caught: float, flagged: float, conditions: tuple) -> tuple:
    if caught > best[0] or (caught == best[0] and flagged < best[1]):
        return (float(caught), float(flagged), conditions)
    return best


def _condition(option: _Candidates, k: int, whole: set[str]) -> Condition:
    threshold = float(option.thresholds[k])
    if option.column in whole:
        threshold = float(round(threshold))
    return Condition(option.column, option.operator, threshold)
