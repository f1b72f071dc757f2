"""``pocmvp rule``: a rule for any table, from a file to ``rule.json``, a workbook and SQL.

:func:`make_rule` reads the table (:func:`pocmvp.toolkit.schema.read_table`), builds its
:class:`~pocmvp.toolkit.schema.Schema`, leaves out the columns that seem recorded after the
outcome (:mod:`pocmvp.toolkit.leaks`, unless named in ``columns``), searches the rule on the
rows up to ``history_until`` (all rows without it), decides every row
(:func:`pocmvp.toolkit.accounting.account_rows`), and writes into ``output``:

* ``rule.json`` (:mod:`pocmvp.toolkit.rulefile`);
* ``workbook.xlsx`` (:func:`pocmvp.toolkit.workbook.write_rule_workbook`): what a person
  opens, at most ``workbook_rows`` rows (:data:`WORKBOOK_ROWS`, the latest by time, else
  the last of the file); its Rule sheet counts the rows left out, by decision;
* ``rule.sql`` (:func:`pocmvp.toolkit.sql.rule_sql`).

It also estimates the share of the capacity the rule will use on new rows
(:func:`pocmvp.toolkit.held_out.estimate_use`) and, with ``fill``, moves the thresholds so
the rule is expected to fill it (:func:`pocmvp.toolkit.held_out.fill_capacity`).

The files are written into a temporary folder beside ``output`` and moved into place
together, so a failure leaves no half-written folder. Unusable input raises
:class:`RuleInputError` with a one-line message naming the problem.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pocmvp.toolkit import held_out, leaks, rulefile, sql, workbook
from pocmvp.toolkit.accounting import REJECTED
from pocmvp.toolkit.accounting import account_rows as decide
from pocmvp.toolkit.rule import Rule
from pocmvp.toolkit.schema import (
    Schema,
    TableError,
    infer_schema,
    is_binary,
    numbers,
    parse_target,
    parse_time,
    read_table,
)
from pocmvp.toolkit.search import find_rule

FILES = ("rule.json", "workbook.xlsx", "rule.sql")
WORKBOOK_ROWS = 50_000
"""The rows the workbook holds by default: what a spreadsheet opens comfortably, and what
openpyxl writes in about half a minute (100,000 rows of 20 numbers take a minute)."""
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


class RuleInputError(ValueError):
    """Input ``pocmvp rule`` cannot use; the message is one line naming the problem."""


@dataclass(frozen=True)
class MadeRule:
    """What :func:`make_rule` found and wrote."""

    rule: Rule
    schema: Schema
    output: Path
    rows: int
    accepted: int
    rejected: int
    flagged: int
    positives: int
    caught: int
    history_rows: int
    leaks: tuple[leaks.Leak, ...]
    left_out: tuple[str, ...]
    later: tuple[int, int, int, int] | None = None
    """After ``history_until``: accepted rows, flagged, positives, caught (else None)."""
    capacity_use: held_out.CapacityUse | None = None
    """The rule chosen on earlier history rows, on held-out ones (None: too few rows)."""
    filled: held_out.Filled | None = None
    """With ``fill``: the factor and the estimates before and after filling."""
    window: Window | None = None
    """The rows the workbook holds (None: every row)."""

    @property
    def sticky_note(self) -> str:
        return self.rule.describe(self.schema)

    @property
    def catch_rate(self) -> float:
        return self.caught / self.positives if self.positives else 0.0

    @property
    def flagged_share(self) -> float:
        return self.flagged / self.accepted if self.accepted else 0.0


@dataclass(frozen=True)
class Window:
    """The rows a workbook holds of a larger table, and the decisions of the others."""

    rows: np.ndarray
    """True for the rows in the workbook."""
    how: str
    left_out: dict[str, int]
    """Rows left out of the workbook, per decision (flagged, passed, rejected)."""

    @property
    def note(self) -> str:
        counted = ", ".join(f"{n:,} {d}" for d, n in self.left_out.items())
        return (
            f"This workbook holds {int(self.rows.sum()):,} of {len(self.rows):,} rows, {self.how}. "
            f"The {sum(self.left_out.values()):,} others were decided the same way and are "
            f"counted, not listed: {counted}."
        )


def workbook_window(
    frame: pd.DataFrame, decisions: pd.Series, limit: int | None, time: str | None
) -> Window | None:
    """The ``limit`` rows the workbook holds: the latest by ``time`` (unreadable times count
    as earliest), else the last of the table. None when every row fits."""
    if limit is None or len(frame) <= limit:
        return None
    if time is not None:
        order = np.argsort(parse_time(frame[time]).to_numpy(), kind="stable")
        how = f"the latest by {time!r}"
    else:
        order = np.arange(len(frame))
        how = "the last of the table"
    rows = np.zeros(len(frame), dtype=bool)
    rows[order[len(frame) - limit :]] = True
    counted = decisions[~rows].value_counts()
    left_out = {d: int(counted.get(d, 0)) for d in ("flagged", "passed", "rejected")}
    return Window(rows, how, left_out)


def check_workbook_rows(rows: object) -> int | None:
    """``--workbook-rows``: a positive whole number, or ``all`` (None)."""
    if rows is None or (isinstance(rows, str) and rows.strip().lower() == "all"):
        return None
    try:
        value = int(str(rows).replace(",", "").replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise RuleInputError(f"--workbook-rows must be a number of rows or 'all', got {rows!r}")
    return value


def check_capacity(capacity: object) -> float:
    try:
        value = float(capacity)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise RuleInputError(f"--capacity must be a share like 0.05, got {capacity!r}") from None
    if not 0 < value < 1:
        raise RuleInputError(f"--capacity must be a share between 0 and 1, got {capacity!r}")
    return value


def check_month(text: str) -> str:
    if not isinstance(text, str) or not _MONTH.fullmatch(text):
        raise RuleInputError(f"--history-until must be a month like 2025-08, got {text!r}")
    return text


def make_rule(
    data: str | Path,
    target: str,
    capacity: float,
    *,
    columns: Sequence[str] | None = None,
    id: str | None = None,  # noqa: A002
    time: str | None = None,
    history_until: str | None = None,
    output: str | Path = "rule",
    workbook_rows: int | str | None = WORKBOOK_ROWS,
    fill: bool = False,
) -> MadeRule:
    """Find the rule for the table in ``data`` and write its files into ``output``.

    ``workbook_rows`` caps the workbook's rows (None or ``"all"``: every row); ``fill``
    moves the rule's thresholds so it is expected to fill the capacity on new rows."""
    capacity = check_capacity(capacity)
    workbook_rows = check_workbook_rows(workbook_rows)
    if history_until is not None:
        check_month(history_until)
        if time is None:
            raise RuleInputError("--history-until needs --time (the column that holds the time)")
    try:
        frame = read_table(data)
    except TableError as error:
        raise RuleInputError(str(error)) from None
    if target not in frame.columns:
        raise RuleInputError(f"no target column {target!r} in {data}")
    if not is_binary(frame[target]):
        raise RuleInputError(
            f"the target column {target!r} must hold 0/1, true/false or yes/no in every row"
        )
    try:
        schema = infer_schema(frame, target, columns, id=id, time=time)
    except TableError as error:
        raise RuleInputError(str(error)) from None
    truth = parse_target(frame[target], target)
    search = frame.copy()
    search[target] = truth
    for column in schema.candidates:
        search[column] = numbers(frame[column])[0]
    usable = pd.Series(True, index=frame.index)
    if id is not None:
        ids = frame[id]
        usable &= ids.notna() & ~ids.duplicated(keep=False)
    if time is not None:
        times = parse_time(frame[time])
        usable &= times.notna()
        search[time] = times
        if history_until is not None:
            months = set(times.dropna().dt.strftime("%Y-%m"))
            if history_until not in months:
                raise RuleInputError(f"the month {history_until} is not in the data ({time})")
            usable &= times.dt.strftime("%Y-%m") <= history_until
    history = search[usable.to_numpy()]
    found_leaks = tuple(leaks.find_leaks(history, target, schema.candidates))
    chosen = leaks.usable_columns(schema.candidates, found_leaks, columns)
    left_out = tuple(c for c in schema.candidates if c not in chosen)
    if not chosen:
        raise RuleInputError("no candidate column left: every one seems recorded after the target")
    if len(history) == 0 or not history[target].any():
        raise RuleInputError(f"no row with a positive {target!r} to learn the rule from")
    try:
        found = find_rule(history, target, capacity, chosen)
    except ValueError as error:
        raise RuleInputError(" ".join(str(error).split())) from None
    use, filled = _capacity_use(history, target, capacity, chosen, time, found, fill)
    rule = (filled.rule if filled else found.rule).for_schema(schema)

    accounting = decide(frame, rule, schema)
    decision = accounting.decisions["decision"]
    accepted = decision != REJECTED
    flagged = accounting.flagged
    made = MadeRule(
        rule=rule,
        schema=schema,
        output=Path(output),
        rows=len(frame),
        accepted=int(accepted.sum()),
        rejected=int((~accepted).sum()),
        flagged=int(flagged.sum()),
        positives=int((truth & accepted).sum()),
        caught=int((truth & flagged).sum()),
        history_rows=len(history),
        leaks=found_leaks,
        left_out=left_out,
        later=_later(frame, time, history_until, accepted, flagged, truth),
        capacity_use=use,
        filled=filled,
        window=workbook_window(frame, decision, workbook_rows, time),
    )
    _write(made, frame, data, capacity, history_until)
    return made


def capacity_lines(made: MadeRule, *, hint: bool = True) -> list[str]:
    """The capacity the rule is expected to use on new rows, in words (with ``hint``, how
    to use the rest, for the command's output)."""
    use = made.capacity_use
    if use is None:
        return ["capacity used on new rows: not estimated (too few rows to hold some out)"]
    lines = []
    if made.filled is not None:
        before = made.filled.before
        lines.append(
            f"thresholds moved to fill the capacity (each condition's share x "
            f"{made.filled.factor:.2f}): as first chosen, a rule used {before.capacity_used:.0%} "
            f"of the capacity on {before.held_out}, catching {before.catch_rate:.1%}"
        )
    lines.append(
        f"expected capacity use on new rows: {use.capacity_used:.0%} (a rule chosen on the "
        f"earlier rows flags {use.flagged_share:.1%} of {use.held_out} at a "
        f"{use.capacity:.0%} capacity, catching {use.catch_rate:.1%} of their positives)"
    )
    if hint and made.filled is None and use.capacity_used < 0.9:
        lines.append(
            "  the idle tests go to a blind sample; --fill-capacity moves the thresholds to "
            "use them"
        )
    return lines


def _capacity_use(history, target, capacity, columns, time, found, fill):
    """The held-out estimate of the capacity used, and the filled rule with ``fill``
    (None, None when the history is too small to hold rows out)."""
    try:
        if fill:
            filled = held_out.fill_capacity(
                history, target, capacity, columns, time=time, found=found
            )
            return filled.after, filled
        return held_out.estimate_use(history, target, capacity, columns, time=time), None
    except ValueError:
        return None, None


def _later(frame, time, until, accepted, flagged, truth) -> tuple[int, int, int, int] | None:
    if until is None:
        return None
    after = (parse_time(frame[time]).dt.strftime("%Y-%m") > until) & accepted
    return (
        int(after.sum()),
        int((flagged & after).sum()),
        int((truth & after).sum()),
        int((truth & flagged & after).sum()),
    )


def _write(
    made: MadeRule, frame: pd.DataFrame, data: str | Path, capacity: float, until: str | None
) -> None:
    output = made.output
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.parent / f".{output.name}.partial-{os.getpid()}"
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir()
    try:
        schema = made.schema
        notes = [f"Chosen on {made.history_rows:,} rows of {Path(data).name}"]
        if until:
            notes[0] += f" up to {until}"
        if made.left_out:
            notes.append(
                "Left out as recorded after the outcome: "
                + "; ".join(leak.evidence for leak in made.leaks if leak.column in made.left_out)
            )
        notes.extend(capacity_lines(made, hint=False))
        if made.window is not None:
            notes.append(made.window.note)
            frame = frame[made.window.rows]
        rulefile.RuleFile(
            rule=made.rule,
            capacity=capacity,
            target=schema.target,
            id=schema.id,
            time=schema.time,
            chosen_on={
                "data": Path(data).name,
                "rows": made.history_rows,
                "history_until": until,
            },
        ).save(partial / "rule.json")
        workbook.write_rule_workbook(
            frame,
            made.rule,
            partial / "workbook.xlsx",
            schema=schema,
            capacity=capacity,
            notes=notes,
        )
        (partial / "rule.sql").write_text(sql.rule_sql(made.rule, data), encoding="utf-8")
        old = output.parent / f".{output.name}.old-{os.getpid()}"
        if output.exists():
            output.rename(old)
        partial.rename(output)
        if old.exists():
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
