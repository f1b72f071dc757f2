"""The capacity a rule will use on rows it has not seen, and a rule loosened to fill it.

A rule is chosen to catch the most positives without flagging more than the capacity on the
history; on ties it flags fewer. On new rows it may flag less than the capacity (the idle
tests go to a blind sample) or more (some flags wait). :func:`estimate_use` measures it the
honest way: the rule is chosen again on the earlier part of the history only and applied to
the rest, :data:`HELD_OUT_SHARE` of the rows (the latest by the time column when there is
one, otherwise a seeded random share, :func:`held_out_rows`).

:func:`fill_capacity` is the option a practitioner asks for next: the same conditions with
their thresholds moved so that the rule flags the whole capacity, not only as much of it as
its catches needed. Each condition is loosened by the same factor of the share of rows it
flags alone (:func:`loosen`), the largest factor that stays within the capacity on the
history (:func:`fill_factor`). The filled rule is still one or two thresholds: a formula in
the workbook, a ``WHERE`` clause, a sticky note; its use on new rows is estimated the same
held-out way.

:func:`closeness` and :func:`ranked_within_capacity` are the other option: the flags keep
their thresholds, and the tests they leave idle go to the rows nearest to being flagged
rather than to a blind sample. That needs the routing to rank rows, not a spreadsheet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pocmvp.toolkit.rule import MAX_CONDITIONS, Condition, Rule
from pocmvp.toolkit.schema import parse_target
from pocmvp.toolkit.search import RuleSearch, find_rule

HELD_OUT_SHARE = 0.25
"""The share of the history held out to estimate the capacity used on new rows."""
SEED = 0


@dataclass(frozen=True)
class CapacityUse:
    """A rule chosen on earlier rows, applied to held-out rows."""

    held_out: str
    """How the held-out rows were chosen, in words."""
    rule: Rule
    """The rule as chosen on the earlier rows (and filled, for :func:`fill_capacity`)."""
    rows: int
    """Held-out rows."""
    flagged: int
    positives: int
    caught: int
    capacity: float

    @property
    def flagged_share(self) -> float:
        return self.flagged / self.rows if self.rows else 0.0

    @property
    def capacity_used(self) -> float:
        """Flags over the capacity on the held-out rows (1.0 = all of it)."""
        return self.flagged_share / self.capacity

    @property
    def catch_rate(self) -> float:
        return self.caught / self.positives if self.positives else 0.0


def held_out_rows(
    table: pd.DataFrame, time: str | None = None, share: float = HELD_OUT_SHARE, seed: int = SEED
) -> tuple[np.ndarray, str]:
    """A boolean array, True for the held-out rows, and how they were chosen: the latest
    ``share`` of the rows by ``time`` (ties and missing times count as early), else a seeded
    random ``share``."""
    count = int(round(share * len(table)))
    held = np.zeros(len(table), dtype=bool)
    if time is not None:
        order = np.argsort(table[time].to_numpy(), kind="stable")
        times = table[time].to_numpy()[order]
        known = order[~pd.isna(times)]
        held[known[len(known) - min(count, len(known)) :]] = True
        return held, f"the latest {share:.0%} of the rows by {time!r}"
    held[np.random.default_rng(seed).permutation(len(table))[:count]] = True
    return held, f"a random {share:.0%} of the rows (seed {seed})"


def _outcome(
    rule: Rule, table: pd.DataFrame, truth: np.ndarray, how: str, capacity: float
) -> CapacityUse:
    flags = rule.flag(table).to_numpy()
    return CapacityUse(
        held_out=how,
        rule=rule,
        rows=len(table),
        flagged=int(flags.sum()),
        positives=int(truth.sum()),
        caught=int((flags & truth).sum()),
        capacity=capacity,
    )


def _split(table, target, time):
    held, how = held_out_rows(table, time)
    if held.all() or not held.any():
        raise ValueError("too few rows to hold some out and estimate the capacity used")
    truth = parse_target(table[target], target).to_numpy(dtype=bool)
    return table[~held], table[held], truth[held], how


def estimate_use(
    table: pd.DataFrame,
    target: str,
    capacity: float,
    columns: Iterable[str] | None = None,
    *,
    time: str | None = None,
    max_conditions: int = MAX_CONDITIONS,
    grid: int = 100,
) -> CapacityUse:
    """The capacity the rule search uses on rows it has not seen: the rule chosen on the
    earlier rows of ``table``, applied to the held-out ones (:func:`held_out_rows`)."""
    earlier, held, truth, how = _split(table, target, time)
    chosen = find_rule(earlier, target, capacity, columns, max_conditions, grid=grid).rule
    return _outcome(chosen, held, truth, how, capacity)


def _floats(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype="float64", na_value=np.nan)


def _share_beyond(values: np.ndarray, condition: Condition) -> float:
    return float(condition.holds(pd.Series(values)).mean()) if len(values) else 0.0


def loosen(rule: Rule, reference: pd.DataFrame, factor: float) -> Rule:
    """The rule with each condition's threshold moved so that, alone, it flags ``factor``
    times the share of ``reference``'s rows it flags now (rounded down to whole rows; a
    threshold is always a value of its column). A factor above 1 loosens, below 1 tightens."""
    if factor < 0:
        raise ValueError(f"factor must be 0 or more, got {factor}")
    moved = []
    for condition in rule.conditions:
        if condition.scoped:
            raise ValueError(f"the condition on {condition.column!r} is scoped: not loosened")
        values = _floats(reference[condition.column])
        oriented = values if condition.operator in (">", ">=") else -values
        present = np.sort(oriented[~np.isnan(oriented)])[::-1]  # the far end of the tail first
        if not len(present):
            moved.append(condition)
            continue
        wanted = int(np.floor(factor * _share_beyond(values, condition) * len(values) + 1e-9))
        # Strictly beyond the value at position `wanted`: at most `wanted` rows (fewer on ties).
        level = present[min(wanted, len(present) - 1)]
        operator = {">=": ">", "<=": "<"}.get(condition.operator, condition.operator)
        threshold = float(level if operator == ">" else -level)
        moved.append(Condition(condition.column, operator, threshold))
    return Rule(tuple(moved), rule.schema)


def fill_factor(
    rule: Rule, reference: pd.DataFrame, held: pd.DataFrame, capacity: float, steps: int = 40
) -> float:
    """The largest factor (:func:`loosen` on ``reference``) with which ``rule`` flags at
    most ``capacity`` of the ``held`` rows (bisection: flags only grow with the factor)."""
    limit = int(np.floor(capacity * len(held) + 1e-9))
    shares = [_share_beyond(_floats(reference[c.column]), c) for c in rule.conditions]
    high = 1 / max(min(s for s in shares if s > 0), 1 / len(reference)) if any(shares) else 1.0
    low = 0.0
    if loosen(rule, reference, high).flag(held).sum() <= limit:
        return high
    for _ in range(steps):
        middle = (low + high) / 2
        if loosen(rule, reference, middle).flag(held).sum() <= limit:
            low = middle
        else:
            high = middle
    return low


@dataclass(frozen=True)
class Filled:
    """:func:`fill_capacity`'s result: the filled rule, its factor, and the estimates on
    held-out rows of the rule as chosen (``before``) and as filled (``after``)."""

    rule: Rule
    factor: float
    before: CapacityUse
    after: CapacityUse


def fill_capacity(
    table: pd.DataFrame,
    target: str,
    capacity: float,
    columns: Iterable[str] | None = None,
    *,
    time: str | None = None,
    found: RuleSearch | None = None,
    max_conditions: int = MAX_CONDITIONS,
    grid: int = 100,
) -> Filled:
    """The rule chosen on ``table`` (or ``found``), its thresholds moved by the factor with
    which it flags the whole capacity of ``table`` (:func:`fill_factor`). ``before`` and
    ``after`` are measured the same honest way as :func:`estimate_use`: the rule chosen, and
    filled, on the earlier rows only, applied to the held-out ones."""
    earlier, held, truth, how = _split(table, target, time)
    chosen = find_rule(earlier, target, capacity, columns, max_conditions, grid=grid).rule
    early_fill = loosen(chosen, earlier, fill_factor(chosen, earlier, earlier, capacity))
    before = _outcome(chosen, held, truth, how, capacity)
    after = _outcome(early_fill, held, truth, how, capacity)
    if found is None:
        found = find_rule(table, target, capacity, columns, max_conditions, grid=grid)
    factor = fill_factor(found.rule, table, table, capacity)
    return Filled(loosen(found.rule, table, factor), factor, before, after)


def closeness(rule: Rule, reference: pd.DataFrame, table: pd.DataFrame) -> np.ndarray:
    """How near each row of ``table`` is to being flagged: the smallest factor by which
    :func:`loosen` on ``reference`` would flag it (at most about 1 for a flagged row; a
    missing value is never near). The next-riskiest rows are the ones with the smallest."""
    near = np.full(len(table), np.inf)
    for condition in rule.conditions:
        if condition.scoped:
            raise ValueError(f"the condition on {condition.column!r} is scoped: not ranked")
        known = _floats(reference[condition.column])
        share = _share_beyond(known, condition)
        if share <= 0:
            continue
        sign = 1.0 if condition.operator in (">", ">=") else -1.0
        ordered = np.sort(sign * known[~np.isnan(known)])
        values = sign * _floats(table[condition.column])
        # Rows of the reference at or beyond each value, as a share of all its rows.
        beyond = (len(ordered) - np.searchsorted(ordered, values, side="left")) / len(known)
        near = np.minimum(near, np.where(np.isnan(values), np.inf, beyond / share))
    return near


def ranked_within_capacity(flags: np.ndarray, near: np.ndarray, capacity: float) -> np.ndarray:
    """The rows tested when the flags come first and the idle tests go to the unflagged rows
    nearest to being flagged (:func:`closeness`) rather than to a blind sample: at most
    ``capacity`` of the rows, flags first in table order."""
    slots = int(np.floor(capacity * len(flags) + 1e-9))
    order = np.lexsort((np.arange(len(flags)), near, ~flags))  # flags first, then nearest
    tested = np.zeros(len(flags), dtype=bool)
    tested[order[:slots]] = True
    return tested


def capacity_lines(
    use: CapacityUse | None, filled: Filled | None = None, *, hint: bool = True
) -> list[str]:
    """The capacity a rule is expected to use on new rows, in words (with ``hint``, how to
    use the rest, for ``pocmvp rule``'s output)."""
    if use is None:
        return ["capacity used on new rows: not estimated (too few rows to hold some out)"]
    lines = []
    if filled is not None:
        before = filled.before
        lines.append(
            f"thresholds moved to fill the capacity (each condition's share x "
            f"{filled.factor:.2f}): as first chosen, a rule used {before.capacity_used:.0%} "
            f"of the capacity on {before.held_out}, catching {before.catch_rate:.1%}"
        )
    lines.append(
        f"expected capacity use on new rows: {use.capacity_used:.0%} (a rule chosen on the "
        f"earlier rows flags {use.flagged_share:.1%} of {use.held_out} at a "
        f"{use.capacity:.0%} capacity, catching {use.catch_rate:.1%} of their positives)"
    )
    if hint and filled is None and use.capacity_used < 0.9:
        lines.append(
            "  the idle tests go to a blind sample; --fill-capacity moves the thresholds to "
            "use them"
        )
    return lines
