"""The MVP: a rule of one or two thresholds on shift-log columns, fitted to the X-ray capacity.

A :class:`Rule` is a few :class:`Condition` s (``column``, an operator ``> >= < <=``, a
``threshold``) joined by OR: a part goes to the X-ray test if any condition holds. A condition
may be **scoped to some shifts** (``shifts=("night",)``): it then holds only for parts cast on
those shifts, which lets a rule read one crew's instrument differently (rule v2, chapter 6);
an unscoped condition applies to every shift. The same rule is written four ways, and all
four give the same flags:

* in Python, :meth:`Rule.flag` (what the tests and the chapters use);
* as a spreadsheet formula for one row of the workbook, :meth:`Rule.excel_formula`
  (what the quality lead sees, see :mod:`pocmvp.toolkit.workbook`);
* as a SQL ``WHERE`` clause, :meth:`Rule.sql_where`, run in DuckDB by :func:`flag_with_sql`;
* as a sentence for a sticky note, :meth:`Rule.describe`.

**Missing values.** A missing value never satisfies a condition: a part whose melt
temperature was not read is not sent to the test *because of the melt temperature* (another
condition may still send it). Python compares with NaN and gets False; the spreadsheet
formula guards each comparison with ``ISNUMBER`` (an empty cell is not a number, and a blank
would otherwise compare as 0); SQL wraps each comparison in ``COALESCE(..., FALSE)`` (a
comparison with NULL is NULL). The same holds for text where a number should be: in a data
frame :func:`check_rule_columns` refuses it, in the spreadsheet ``ISNUMBER`` is false, and
:func:`account_rows` rejects the row with its reason.

**Shifts.** A scoped condition compares the ``shift`` text exactly (case and spaces count):
Python with ``isin``, the spreadsheet with ``EXACT`` (a plain ``=`` would ignore case), SQL
with ``IN``. A missing or unknown shift is in no scope, so only unscoped conditions can flag
it; :func:`account_rows` rejects such a row when the rule is scoped, since the crew cannot
be told which threshold applied.

:func:`find_rule` picks the rule that catches the most defects on the training months without
flagging more than the inspection capacity. It searches a grid of candidate thresholds (the
values at evenly spaced quantiles in each column's tail, in both directions) exhaustively for
every single condition and every pair, with cumulative sums over a two-way histogram of
threshold ranks, so a year of parts takes well under a second.

:func:`account_rows` says what happens to every row of a raw shift log: flagged, passed, or
rejected with a reason (a duplicated or missing part id, text or an impossible value in a rule
column); the three counts add up to the rows received.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from pocmvp.case import factory, status_quo
from pocmvp.case.factory import ShiftLogError
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics
from pocmvp.toolkit import routing

OPERATORS = (">", ">=", "<", "<=")
_WORDS = {">": "above", ">=": "at or above", "<": "below", "<=": "at or below"}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FIELDS = {f.name: f for f in factory.SHIFT_LOG_FIELDS}

WORKBOOK_COLUMNS: tuple[str, ...] = tuple(
    f.name for f in factory.SHIFT_LOG_FIELDS if f.known_at_decision
)
"""The shift-log columns known when a part is routed, in the order of the workbook's data
sheet (column A is ``part_id``). The truth and ``rework_minutes`` are not among them."""

RULE_COLUMNS: tuple[str, ...] = tuple(
    f.name
    for f in factory.SHIFT_LOG_FIELDS
    if f.known_at_decision and f.dtype in ("int64", "float64")
)
"""The numeric shift-log columns a rule may use: recorded before the part is routed."""

MAX_CONDITIONS = 2
SHIFT_COLUMN = "shift"
"""The text column a scoped condition reads (one of :data:`pocmvp.case.factory.SHIFTS`)."""


def _shift_scope(shifts: object, column: str) -> tuple[str, ...] | None:
    """Shifts as a tuple in the plant's order (``None`` = every shift); unknown ones refused."""
    if shifts is None:
        return None
    chosen = (shifts,) if isinstance(shifts, str) else tuple(shifts)
    unknown = [s for s in chosen if s not in factory.SHIFTS]
    if not chosen or unknown:
        raise ValueError(
            f"shifts for {column!r} must be some of {factory.SHIFTS} (or None for every "
            f"shift), got {shifts!r}"
        )
    return tuple(s for s in factory.SHIFTS if s in chosen)


def _number(value: float) -> str:
    """A threshold written the same way in Python, Excel and SQL: whole numbers without a
    decimal point, others with the shortest text that reads back as the same double."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass(frozen=True)
class Condition:
    """One comparison of a shift-log column with a threshold, e.g. ``melt_temp_c > 712.3``,
    optionally only on some shifts: ``Condition("melt_temp_c", ">", 713, shifts=("night",))``.
    """

    column: str
    operator: str
    threshold: float
    shifts: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.column, str) or not _IDENTIFIER.match(self.column):
            raise ValueError(
                f"a condition's column must be a plain column name, got {self.column!r}"
            )
        if self.operator not in OPERATORS:
            raise ValueError(f"operator must be one of {OPERATORS}, got {self.operator!r}")
        try:
            threshold = float(self.threshold)
        except (TypeError, ValueError):
            raise ValueError(
                f"threshold for {self.column!r} must be a number, got {self.threshold!r}"
            ) from None
        if not math.isfinite(threshold):
            raise ValueError(
                f"threshold for {self.column!r} must be finite, got {self.threshold!r}"
            )
        object.__setattr__(self, "threshold", threshold)
        object.__setattr__(self, "shifts", _shift_scope(self.shifts, self.column))

    @property
    def scoped(self) -> bool:
        """True when the condition applies to some shifts only."""
        return self.shifts is not None

    def holds(self, values: pd.Series, shift: pd.Series | None = None) -> pd.Series:
        """True where the condition holds; a missing value never holds. A scoped condition
        also needs ``shift`` (the parts' shifts) and holds only on its shifts."""
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            result = {
                ">": numbers > self.threshold,
                ">=": numbers >= self.threshold,
                "<": numbers < self.threshold,
                "<=": numbers <= self.threshold,
            }[self.operator]
        result = result & ~np.isnan(numbers)
        if self.scoped:
            if shift is None:
                raise ValueError(f"the condition on {self.column!r} is scoped: pass the shifts")
            result = result & shift.isin(self.shifts).to_numpy(dtype=bool)
        return pd.Series(result, index=values.index)

    def excel(self, cell: str, shift_cell: str | None = None) -> str:
        """The condition for one cell, e.g. ``AND(ISNUMBER(I2),I2>712.3)``; scoped, with the
        row's shift cell: ``AND(EXACT(D2,"night"),ISNUMBER(I2),I2>712.3)``."""
        compare = f"ISNUMBER({cell}),{cell}{self.operator}{_number(self.threshold)}"
        if not self.scoped:
            return f"AND({compare})"
        if shift_cell is None:
            raise ValueError(f"the condition on {self.column!r} is scoped: pass the shift cell")
        # EXACT, because "=" compares text without regard to case in a spreadsheet.
        exact = [f'EXACT({shift_cell},"{s}")' for s in self.shifts]
        scope = exact[0] if len(exact) == 1 else f"OR({','.join(exact)})"
        return f"AND({scope},{compare})"

    def sql(self) -> str:
        """The condition in SQL, false (never NULL) for a missing value or shift."""
        compare = f'COALESCE("{self.column}" {self.operator} {_number(self.threshold)}, FALSE)'
        if not self.scoped:
            return compare
        listed = ", ".join(f"'{s}'" for s in self.shifts)
        return f'(COALESCE("{SHIFT_COLUMN}" IN ({listed}), FALSE) AND {compare})'

    def describe(self) -> str:
        """The condition in words, with the column's meaning and unit (and its shifts)."""
        field = _FIELDS.get(self.column)
        what = _PHRASES.get(self.column, f"its {self.column}")
        unit = f" {field.unit}" if field and field.unit else ""
        digits = 0 if self.threshold.is_integer() else 1
        said = f"{what} is {_WORDS[self.operator]} {self.threshold:,.{digits}f}{unit}"
        if not self.scoped:
            return said
        if len(self.shifts) == 1:
            return f"{said} on the {self.shifts[0]} shift"
        return f"{said} on the {', '.join(self.shifts[:-1])} and {self.shifts[-1]} shifts"


_PHRASES = {
    "melt_temp_c": "the melt temperature reading",
    "die_temp_c": "the die temperature",
    "shots_since_maintenance": "the mould's count of shots since maintenance",
    "cycle_time_s": "the cycle time",
    "scrap_share_pct": "the share of remelted scrap",
    "humidity_pct": "the hall's humidity",
}


@dataclass(frozen=True)
class Rule:
    """Send a part to the X-ray test if ANY of the conditions holds (conditions joined by OR)."""

    conditions: tuple[Condition, ...]

    def __post_init__(self) -> None:
        conditions = tuple(self.conditions)
        if not conditions or not all(isinstance(c, Condition) for c in conditions):
            raise ValueError("a rule needs at least one Condition")
        object.__setattr__(self, "conditions", conditions)

    @classmethod
    def of(cls, *conditions: tuple) -> Rule:
        """A rule from plain triples: ``Rule.of(("melt_temp_c", ">", 712.3))``, or with the
        shifts fourth: ``("melt_temp_c", ">", 718.3, ("night",))``."""
        return cls(tuple(Condition(*c) for c in conditions))

    @property
    def columns(self) -> tuple[str, ...]:
        """The numeric shift-log columns the rule compares, each once, in order."""
        return tuple(dict.fromkeys(c.column for c in self.conditions))

    @property
    def scoped(self) -> bool:
        """True when a condition applies to some shifts only (the rule reads ``shift``)."""
        return any(c.scoped for c in self.conditions)

    @property
    def input_columns(self) -> tuple[str, ...]:
        """Every column the rule reads: :attr:`columns`, plus ``shift`` when scoped."""
        return (*self.columns, SHIFT_COLUMN) if self.scoped else self.columns

    def flag(self, shift_log: pd.DataFrame) -> pd.Series:
        """True for the parts to send to the X-ray test (same index as ``shift_log``)."""
        check_rule_columns(shift_log, self)
        shift = shift_log[SHIFT_COLUMN] if self.scoped else None
        flagged = np.zeros(len(shift_log), dtype=bool)
        for condition in self.conditions:
            flagged |= condition.holds(shift_log[condition.column], shift).to_numpy()
        return pd.Series(flagged, index=shift_log.index, name="flagged")

    def excel_formula(self, row: int, columns: Sequence[str] = WORKBOOK_COLUMNS) -> str:
        """The formula for one row of the workbook's data sheet, e.g.
        ``=OR(AND(ISNUMBER(I2),I2>712.3),AND(ISNUMBER(F2),F2>5200))``.

        ``columns`` is the data sheet's column order (column A first).
        """
        if row < 2:
            raise ValueError(f"row 1 holds the headers; data rows start at 2, got {row}")
        columns = list(columns)

        def cell(name: str) -> str:
            if name not in columns:
                raise ValueError(f"column {name!r} is not in the workbook's columns")
            return f"{get_column_letter(columns.index(name) + 1)}{row}"

        shift_cell = cell(SHIFT_COLUMN) if self.scoped else None
        parts = [c.excel(cell(c.column), shift_cell) for c in self.conditions]
        return f"=OR({','.join(parts)})"

    def sql_where(self) -> str:
        """A SQL ``WHERE`` clause selecting the flagged parts (missing values never match)."""
        return " OR ".join(c.sql() for c in self.conditions)

    def describe(self) -> str:
        """The rule as one plain-English sentence, short enough for a sticky note."""
        said = [c.describe() for c in self.conditions]
        joined = ", or if ".join(said)
        return (
            f"Send a part to the X-ray test if {joined}. "
            "A value that was not recorded never sends a part on its own."
        )


def check_rule_columns(shift_log: pd.DataFrame, rule: Rule) -> None:
    """Refuse a table without the rule's columns, or where a condition's column holds text
    or booleans. The ``shift`` column a scoped rule reads is text and only has to be there.

    The message names the column and shows an offending value.
    """
    factory.require_dataframe(shift_log)
    missing = [c for c in rule.input_columns if c not in shift_log.columns]
    if missing:
        raise ShiftLogError(
            f"the rule needs column(s) {', '.join(missing)}, which the shift log lacks"
        )
    for column in rule.columns:
        values = shift_log[column]
        if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            bad = values[pd.to_numeric(values, errors="coerce").isna() & values.notna()]
            example = f", e.g. {bad.iloc[0]!r} in row {bad.index[0]!r}" if len(bad) else ""
            raise ShiftLogError(f"column {column!r} must hold numbers, got {values.dtype}{example}")


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def validate_for_rule(
    shift_log: pd.DataFrame, rule: Rule, *, require_truth: bool = False
) -> pd.DataFrame:
    """The strict check before the rule is used: :func:`factory.validate_shift_log` (columns,
    types, ids, possible values), no unknown columns, and the rule's columns numeric.
    Returns the shift log unchanged. Missing values in rule columns are allowed (documented
    above: they never satisfy a condition)."""
    check_rule_columns(shift_log, rule)
    unknown = [c for c in shift_log.columns if c not in factory.SHIFT_LOG_COLUMNS]
    if unknown:
        raise ShiftLogError(f"shift log has unexpected column(s): {', '.join(map(str, unknown))}")
    return factory.validate_shift_log(shift_log, require_truth=require_truth)


def flag_with_sql(shift_log: pd.DataFrame, rule: Rule) -> pd.Series:
    """The rule's flags computed by DuckDB from :meth:`Rule.sql_where` (same index)."""
    import duckdb

    check_rule_columns(shift_log, rule)
    table = pd.DataFrame({c: shift_log[c].to_numpy() for c in rule.columns})
    if rule.scoped:
        # Plain Python strings (None where missing), so DuckDB sees a VARCHAR column.
        shifts = [None if _missing(v) else str(v) for v in shift_log[SHIFT_COLUMN]]
        table[SHIFT_COLUMN] = pd.Series(shifts, dtype=object).to_numpy()
    table["row_number"] = np.arange(len(table))
    with duckdb.connect() as connection:
        connection.register("shift_log", table)
        flagged = connection.execute(
            "SELECT row_number FROM shift_log WHERE " + rule.sql_where()
        ).fetchnumpy()["row_number"]
    result = np.zeros(len(table), dtype=bool)
    result[np.asarray(flagged, dtype=np.int64)] = True
    return pd.Series(result, index=shift_log.index, name="flagged")


# --- Finding the rule -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidates:
    """Candidate thresholds of one column and direction, and each row's rank among them.

    Condition ``k`` holds for a row exactly when ``rank > k``; missing values have rank 0.
    """

    column: str
    operator: str
    thresholds: np.ndarray
    rank: np.ndarray


def _candidates(
    values: pd.Series, column: str, operator: str, capacity: float, grid: int
) -> _Candidates:
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)
    present = ~np.isnan(numbers)
    # ">" on the values, or "<" as ">" on the negated values: one code path for both.
    oriented = numbers if operator == ">" else -numbers
    shares = np.linspace(capacity / grid, capacity, grid)
    levels = np.quantile(oriented[present], 1 - shares, method="inverted_cdf")
    thresholds = np.unique(levels)  # ascending, in the oriented scale
    rank = np.zeros(len(numbers), dtype=np.int64)
    rank[present] = np.searchsorted(thresholds, oriented[present], side="left")
    real = thresholds if operator == ">" else -thresholds
    return _Candidates(column, operator, real, rank)


def _tail_sums(rank: np.ndarray, size: int, weights: np.ndarray | None) -> np.ndarray:
    """For each threshold k: the count (or weight) of rows with rank > k."""
    counts = np.bincount(rank, weights=weights, minlength=size + 1)
    return np.cumsum(counts[::-1])[::-1][1:]


def _pair_sums(a: _Candidates, b: _Candidates, weights: np.ndarray | None) -> np.ndarray:
    """For each pair of thresholds (k, l): rows where both conditions hold."""
    size_a, size_b = len(a.thresholds) + 1, len(b.thresholds) + 1
    joint = np.bincount(a.rank * size_b + b.rank, weights=weights, minlength=size_a * size_b)
    joint = joint.reshape(size_a, size_b)
    tail = joint[::-1, ::-1].cumsum(axis=0).cumsum(axis=1)[::-1, ::-1]
    return tail[1:, 1:]


@dataclass(frozen=True)
class RuleSearch:
    """What :func:`find_rule` looked at: how many rules it compared, and how long it took."""

    rules_compared: int
    seconds: float


_last_search: RuleSearch | None = None


def last_search() -> RuleSearch | None:
    """The size of the most recent :func:`find_rule` search (for the chapters' prose)."""
    return _last_search


def find_rule(
    shift_log: pd.DataFrame,
    target: str,
    capacity: float,
    columns: Iterable[str] = RULE_COLUMNS,
    max_conditions: int = MAX_CONDITIONS,
    *,
    grid: int = 100,
) -> Rule:
    """The rule that catches the most ``target`` parts while flagging at most ``capacity``
    (a share of the parts, e.g. 0.05) of ``shift_log``.

    Every single condition and every pair of conditions (on two columns, or on one column in
    both directions) over ``grid`` candidate thresholds per column and direction is compared;
    ties go to the rule that flags fewer parts. Columns written after the part is routed
    (``rework_minutes``) or that are not numbers are refused.
    """
    global _last_search
    started = time.perf_counter()
    columns = list(dict.fromkeys(columns))
    if not 0 < capacity < 1:
        raise ValueError(f"capacity is a share of parts between 0 and 1, got {capacity}")
    if max_conditions not in (1, 2):
        raise ValueError(f"max_conditions must be 1 or 2, got {max_conditions}")
    if target not in shift_log.columns:
        raise ShiftLogError(f"the target column {target!r} is missing")
    if not pd.api.types.is_bool_dtype(shift_log[target]):
        raise ShiftLogError(
            f"the target column {target!r} must be boolean, got {shift_log[target].dtype}"
        )
    if not columns:
        raise ValueError("find_rule needs at least one column to search")
    late = [c for c in columns if c in _FIELDS and not _FIELDS[c].known_at_decision]
    if late:
        raise ValueError(
            f"column(s) {', '.join(late)} are only known after inspection: a rule cannot use them"
        )
    probe = Rule(tuple(Condition(c, ">", 0) for c in columns))
    check_rule_columns(shift_log, probe)

    defects = shift_log[target].to_numpy(dtype=np.float64)
    limit = math.floor(capacity * len(shift_log) + 1e-9)
    options = [
        _candidates(shift_log[c], c, op, capacity, grid) for c in columns for op in (">", "<")
    ]
    flagged_alone = [_tail_sums(o.rank, len(o.thresholds), None) for o in options]
    caught_alone = [_tail_sums(o.rank, len(o.thresholds), defects) for o in options]

    best: tuple[float, float, tuple[Condition, ...]] = (-1.0, 0.0, ())
    compared = 0
    for option, flagged, caught in zip(options, flagged_alone, caught_alone, strict=True):
        fits = flagged <= limit
        compared += len(flagged)
        if fits.any():
            k = _best_index(caught, flagged, fits)
            best = _better(best, caught[k], flagged[k], (_condition(option, k),))
    if max_conditions == 2:
        for i, a in enumerate(options):
            for j in range(i + 1, len(options)):
                b = options[j]
                if a.column == b.column and a.operator == b.operator:
                    continue
                both_flagged = _pair_sums(a, b, None)
                both_caught = _pair_sums(a, b, defects)
                flagged = flagged_alone[i][:, None] + flagged_alone[j][None, :] - both_flagged
                caught = caught_alone[i][:, None] + caught_alone[j][None, :] - both_caught
                fits = flagged <= limit
                compared += flagged.size
                if fits.any():
                    ka, kb = np.unravel_index(_best_index(caught, flagged, fits), caught.shape)
                    conditions = (_condition(a, ka), _condition(b, kb))
                    best = _better(best, caught[ka, kb], flagged[ka, kb], conditions)
    if not best[2]:
        raise ValueError(f"no rule on {columns} flags at most {capacity:.1%} of the parts")
    _last_search = RuleSearch(rules_compared=compared, seconds=time.perf_counter() - started)
    return Rule(best[2])


def _best_index(caught: np.ndarray, flagged: np.ndarray, fits: np.ndarray) -> int:
    """Flat index of the most catches among the rules that fit, then the fewest flags."""
    score = np.where(fits, caught, -1.0).ravel()
    top = np.flatnonzero(score == score.max())
    return int(top[np.argmin(flagged.ravel()[top])])


def _better(best: tuple, caught: float, flagged: float, conditions: tuple) -> tuple:
    if caught > best[0] or (caught == best[0] and flagged < best[1]):
        return (float(caught), float(flagged), conditions)
    return best


def _condition(option: _Candidates, k: int) -> Condition:
    threshold = float(option.thresholds[k])
    if _FIELDS.get(option.column) and _FIELDS[option.column].dtype == "int64":
        threshold = float(round(threshold))
    return Condition(option.column, option.operator, threshold)


# --- How well a rule does -------------------------------------------------------------------


@dataclass(frozen=True)
class RuleScore:
    """A selection of parts judged against the truth."""

    parts: int
    flagged: int
    defects: int
    caught: int
    false_alarms: int

    @property
    def flagged_share(self) -> float:
        return self.flagged / self.parts if self.parts else 0.0

    @property
    def catch_rate(self) -> float:
        """Share of the defective parts that were flagged (recall)."""
        return self.caught / self.defects if self.defects else 0.0

    @property
    def hit_rate(self) -> float:
        """Share of the flagged parts that were defective (precision)."""
        return self.caught / self.flagged if self.flagged else 0.0


def score(shift_log: pd.DataFrame, flagged: pd.Series, target: str = factory.TARGET) -> RuleScore:
    """Count parts, flags, defects, catches and false alarms of a selection."""
    if not flagged.index.equals(shift_log.index):
        raise ValueError("flagged must be indexed like the shift log, one value per part")
    truth = shift_log[target].to_numpy(dtype=bool)
    chosen = flagged.to_numpy(dtype=bool)
    return RuleScore(
        parts=len(shift_log),
        flagged=int(chosen.sum()),
        defects=int(truth.sum()),
        caught=int((truth & chosen).sum()),
        false_alarms=int((~truth & chosen).sum()),
    )


def within_capacity(
    shift_log: pd.DataFrame, flagged: pd.Series, economics: PlantEconomics = ECONOMICS
) -> pd.Series:
    """The parts the X-ray cell tests with these flags: the one routing every option uses
    (:func:`pocmvp.toolkit.routing.route`). Flagged parts are tested in casting order until the
    month's capacity is used; slots the flags leave idle go to today's sample of the others.
    """
    if not flagged.index.equals(shift_log.index):
        raise ValueError("flagged must be indexed like the shift log, one value per part")
    return routing.route(shift_log, flagged, economics.inspection_capacity_share)


def compare_with_today(
    shift_log: pd.DataFrame, rule: Rule, economics: PlantEconomics = ECONOMICS
) -> pd.DataFrame:
    """Per month: the rule's flags and catches next to today's every-n-th-part sample.

    Both selections are held to the same capacity: the rule's flags through
    :func:`within_capacity`, today's sample by construction. Columns: ``parts``, ``defects``,
    ``capacity``, ``flagged`` and ``capacity_used`` (the rule's flags over the capacity,
    before capping), then ``tested``, ``caught``, ``false_alarms`` and ``shipped_defects``
    prefixed ``rule_`` and ``today_``.
    """
    flagged = rule.flag(shift_log)
    mine = status_quo.monthly_outcome(shift_log, within_capacity(shift_log, flagged, economics))
    today = status_quo.monthly_outcome(
        shift_log, status_quo.every_nth_part(shift_log, economics), economics
    )
    table = mine[["parts", "defects"]].copy()
    table["capacity"] = table["parts"].map(economics.capacity)
    table["flagged"] = flagged.groupby(factory.month_of(shift_log)).sum().astype("int64")
    table["capacity_used"] = table["flagged"] / table["capacity"]
    for name, outcome in (("rule", mine), ("today", today)):
        for column in ("tested", "caught", "false_alarms", "shipped_defects"):
            table[f"{name}_{column}"] = outcome[column]
    return table


# --- Accounting for every row ---------------------------------------------------------------

FLAGGED, PASSED, REJECTED = "flagged", "passed", "rejected"


@dataclass(frozen=True)
class Accounting:
    """What happened to every row of a shift log: flagged, passed, or rejected with a reason.

    ``decisions`` has the input's index and the columns ``part_id``, ``decision`` and
    ``reason`` (empty unless rejected; for a passed row with a missing rule value it notes
    the missing value).
    """

    decisions: pd.DataFrame

    @property
    def counts(self) -> dict[str, int]:
        counted = self.decisions["decision"].value_counts()
        return {d: int(counted.get(d, 0)) for d in (FLAGGED, PASSED, REJECTED)}

    @property
    def rows(self) -> int:
        return len(self.decisions)

    @property
    def flagged(self) -> pd.Series:
        return (self.decisions["decision"] == FLAGGED).rename("flagged")

    def rejected(self) -> pd.DataFrame:
        """The rejected rows and why, for the quality lead to look at."""
        return self.decisions[self.decisions["decision"] == REJECTED]

    def table(self) -> pd.DataFrame:
        """Rows per decision and reason, with a total that equals the rows received."""
        reasons = self.decisions["reason"].str.split(":").str[0].replace("", "-")
        table = (
            self.decisions.assign(reason=reasons)
            .groupby(["decision", "reason"], sort=False)
            .size()
            .rename("rows")
            .reset_index()
        )
        order = pd.Categorical(table["decision"], categories=[FLAGGED, PASSED, REJECTED])
        table = table.assign(order=order).sort_values(["order", "reason"]).drop(columns="order")
        total = pd.DataFrame([{"decision": "total", "reason": "", "rows": self.rows}])
        return pd.concat([table, total], ignore_index=True)


def account_rows(shift_log: pd.DataFrame, rule: Rule) -> Accounting:
    """Decide every row of a raw shift log: flagged, passed, or rejected with a reason.

    A row is rejected when its part id is missing or appears more than once (every copy is
    rejected: which one is right is for a person to decide), when a rule column holds text
    or a value outside the field's possible range, or, for a rule scoped to shifts, when the
    shift is missing or not one of the plant's shifts. Missing values in rule columns are not
    a reason to reject: they never satisfy a condition (see the module's docstring). A table
    without ``part_id`` or without a column the rule reads is refused with a
    :class:`ShiftLogError`.
    """
    factory.require_dataframe(shift_log)
    missing = [c for c in ("part_id", *rule.input_columns) if c not in shift_log.columns]
    if missing:
        raise ShiftLogError(f"shift log is missing column(s): {', '.join(missing)}")
    reason = pd.Series("", index=shift_log.index, dtype=object)

    def reject(mask: pd.Series, because: pd.Series | str) -> None:
        fresh = mask & (reason == "")
        reason[fresh] = because if isinstance(because, str) else because[fresh]

    part_id = shift_log["part_id"]
    reject(part_id.isna() | (part_id.astype(str).str.strip() == ""), "missing part id")
    repeats = part_id.map(part_id.value_counts())
    reject(
        repeats > 1,
        "duplicated part id: " + part_id.astype(str) + " appears " + repeats.astype(str) + " times",
    )

    numbers = {}
    for column in rule.columns:
        raw = shift_log[column]
        if pd.api.types.is_bool_dtype(raw):
            converted = pd.Series(np.nan, index=raw.index)
        else:
            converted = pd.to_numeric(raw, errors="coerce")
        text = converted.isna() & raw.notna()
        reject(text, f"not a number in {column}: " + raw.astype(str))
        field = _FIELDS.get(column)
        if field is not None and (field.minimum is not None or field.maximum is not None):
            low = -np.inf if field.minimum is None else field.minimum
            high = np.inf if field.maximum is None else field.maximum
            impossible = converted.notna() & ~converted.between(low, high)
            reject(
                impossible,
                f"impossible value in {column}: "
                + converted.astype(str)
                + f" (possible {low:g} to {high:g})",
            )
        numbers[column] = converted.astype("float64")

    if rule.scoped:
        shift = shift_log[SHIFT_COLUMN]
        reject(shift.isna(), "missing shift")
        reject(~shift.isin(factory.SHIFTS), "unknown shift: " + shift.astype(str))
        numbers[SHIFT_COLUMN] = shift

    checked = pd.DataFrame(numbers, index=shift_log.index)
    flags = rule.flag(checked)
    rejected = reason != ""
    decision = np.where(rejected, REJECTED, np.where(flags, FLAGGED, PASSED))
    absent_columns = pd.Series("", index=shift_log.index, dtype=object)
    for column in rule.columns:
        gap = checked[column].isna() & ~rejected
        separator = np.where(absent_columns[gap] == "", "", ", ")
        absent_columns[gap] = absent_columns[gap] + separator + column
    absent = absent_columns != ""
    reason[absent] = "missing value (never triggers): " + absent_columns[absent]
    decisions = pd.DataFrame(
        {"part_id": part_id, "decision": decision, "reason": reason.astype(str)},
        index=shift_log.index,
    )
    return Accounting(decisions)
