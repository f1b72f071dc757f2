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

The files are written into a fresh partial folder beside ``output`` and moved into place
together (:mod:`pocmvp.toolkit.output`), so a failure leaves no half-written folder, and an
existing ``output`` is replaced only when this tool wrote it and it holds nothing else.
Unusable input or output raises :class:`RuleInputError` with a one-line message naming the
problem.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from pocmvp.toolkit import held_out, leaks, routing, rulefile, sql, workbook
from pocmvp.toolkit.accounting import REJECTED
from pocmvp.toolkit.accounting import account_rows as decide
from pocmvp.toolkit.output import OutputError, check_folder, write_folder
from pocmvp.toolkit.rule import Rule
from pocmvp.toolkit.rule_inputs import RuleInputError, check_input, read_input
from pocmvp.toolkit.schema import (
    Schema,
    TableError,
    infer_schema,
    numbers,
    parse_target,
    parse_time,
)
from pocmvp.toolkit.search import find_rule
from pocmvp.toolkit.tables import Table

__all__ = ["FILES", "MadeRule", "RuleInputError", "make_rule"]

FILES = ("rule.json", "workbook.xlsx", "rule.sql")
WORKBOOK_ROWS = 50_000
"""The rows the workbook holds by default: what a spreadsheet opens comfortably, and what
the toolkit writes in about five seconds (100,000 rows of 20 numbers take about fifteen)."""
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


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
    decisions: tuple[leaks.Decision, ...] = ()
    """The leak check's decision for every column it left out or asks to confirm."""
    ids: tuple[str, ...] = ()
    """Columns taken as a row id (unique, increasing whole numbers): never candidates."""
    empty: tuple[str, ...] = ()
    """Candidates without a single number on the rows the rule is chosen on: left out."""
    notes: tuple[str, ...] = ()
    """How the table was read, when not the plain way (another separator, sheet, ...)."""

    capacity_use: held_out.CapacityUse | None = None
    """The rule chosen on earlier history rows, on held-out ones (None: too few rows)."""
    filled: held_out.Filled | None = None
    """With ``fill``: the factor and the estimates before and after filling."""
    window: Window | None = None
    """The rows the workbook holds (None: every row)."""

    @property
    def lines(self) -> list[str]:
        """What the user reads about the columns: each decision, in order."""
        said = list(self.notes)
        said += [
            f"{c!r} is taken as the row id (unique, increasing whole numbers), not a candidate"
            for c in self.ids
        ]
        said += [f"{c!r} is left out: it holds no number on the rows searched" for c in self.empty]
        return said + [decision.line for decision in self.decisions]

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
    frame: pd.DataFrame,
    decisions: pd.Series,
    limit: int | None,
    time: str | None,
    times: pd.Series | None = None,
) -> Window | None:
    """The ``limit`` rows the workbook holds: the latest by ``time`` (unreadable times count
    as earliest), else the last of the table. None when every row fits. ``times``: the
    ``time`` column already read (:func:`parse_time`), if the caller has it."""
    if limit is None or len(frame) <= limit:
        return None
    if time is not None:
        times = parse_time(frame[time]) if times is None else times
        order = np.argsort(times.to_numpy(), kind="stable")
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
    leave_out: Sequence[str] | None = None,
    workbook_rows: int | str | None = WORKBOOK_ROWS,
    fill: bool = False,
) -> MadeRule:
    """Find the rule for the table in ``data`` and write its files into ``output``.

    ``columns`` (the candidates, kept whatever the leak check finds) and ``leave_out``
    (columns the user marks as recorded after the outcome) override the leak check.
    ``workbook_rows`` caps the workbook's rows (None or ``"all"``: every row); ``fill``
    moves the rule's thresholds so it is expected to fill the capacity on new rows."""
    capacity = check_capacity(capacity)
    workbook_rows = check_workbook_rows(workbook_rows)
    if history_until is not None:
        check_month(history_until)
        if time is None:
            raise RuleInputError("--history-until needs --time (the column that holds the time)")
    try:  # checked first: a folder that cannot be written fails before the search
        folder = check_folder(output, [data])
    except OutputError as error:
        raise RuleInputError(str(error)) from None
    read, names = read_input(data, target, columns, id, time, leave_out)
    frame = read.frame
    check_input(frame, names, capacity, data)
    target, id, time, columns = names["target"], names["id"], names["time"], names["columns"]
    try:
        schema = infer_schema(frame, target, columns, id=id, time=time)
    except TableError as error:  # with what was read, when the reading was not plain
        raise RuleInputError("; ".join([str(error), *read.notes])) from None
    ids = tuple(leaks.id_columns(frame, [c for c in schema.candidates if c not in (columns or ())]))
    if ids:
        kept = tuple(c for c in schema.candidates if c not in ids)
        schema = replace(schema, candidates=kept, id=schema.id or ids[0])
    truth = parse_target(frame[target], target)
    search = frame.copy()
    search[target] = truth
    for column in schema.candidates:
        search[column] = numbers(frame[column])[0]
    usable = pd.Series(True, index=frame.index)
    times = None  # the time column read once, for the search, the later months and the window
    if schema.id is not None:
        row_ids = frame[schema.id]
        usable &= row_ids.notna() & ~row_ids.duplicated(keep=False)
    if time is not None:
        times = parse_time(frame[time])
        usable &= times.notna()
        search[time] = times
        if history_until is not None:
            month = routing.month_labels(times)
            months = sorted(set(month.dropna()))
            if history_until not in months:
                shown = f"{months[0]} to {months[-1]}" if months else "no readable time"
                raise RuleInputError(
                    f"the month {history_until} is not in the data ({time}: {shown})"
                )
            usable &= month <= history_until
    history = search[usable.to_numpy()]
    if len(history) == 0 or not history[target].any():
        raise RuleInputError(f"no row with a positive {target!r} to learn the rule from")
    empty = tuple(c for c in schema.candidates if history[c].notna().sum() == 0)
    for column in empty:
        if column in (columns or ()):
            raise RuleInputError(f"the column {column!r} holds no number on the rows searched")
    candidates = [c for c in schema.candidates if c not in empty]
    decisions = tuple(
        leaks.check(history, target, candidates, keep=columns or (), leave_out=names["leave_out"])
    )
    chosen = leaks.usable_columns(candidates, decisions, columns)
    found_leaks = tuple(d.leak for d in decisions if d.leak and d.leak.recorded_after)
    left_out = tuple(c for c in candidates if c not in chosen)
    if not chosen:
        raise RuleInputError(
            "no candidate column left: "
            + ("; ".join(d.line for d in decisions) or "no column holds numbers")
        )
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
        output=folder,
        rows=len(frame),
        accepted=int(accepted.sum()),
        rejected=int((~accepted).sum()),
        flagged=int(flagged.sum()),
        positives=int((truth & accepted).sum()),
        caught=int((truth & flagged).sum()),
        history_rows=len(history),
        leaks=found_leaks,
        left_out=left_out,
        later=_later(times, history_until, accepted, flagged, truth),
        decisions=decisions,
        ids=ids,
        empty=empty,
        notes=read.notes,
        capacity_use=use,
        filled=filled,
        window=workbook_window(frame, decision, workbook_rows, time, times),
    )
    _write(made, read, data, capacity, history_until)
    return made


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


def _later(times, until, accepted, flagged, truth) -> tuple[int, int, int, int] | None:
    if until is None:
        return None
    after = (routing.month_labels(times) > until) & accepted
    return (
        int(after.sum()),
        int((flagged & after).sum()),
        int((truth & after).sum()),
        int((truth & flagged & after).sum()),
    )


def _write(
    made: MadeRule, read: Table, data: str | Path, capacity: float, until: str | None
) -> None:
    frame = read.frame
    schema = made.schema
    notes = [f"Chosen on {made.history_rows:,} rows of {Path(data).name}"]
    if until:
        notes[0] += f" up to {until}"
    notes += made.lines
    notes += held_out.capacity_lines(made.capacity_use, made.filled, hint=False)
    if made.window is not None:
        notes.append(made.window.note)
        frame = frame[made.window.rows]

    def write(partial: Path) -> None:
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
        (partial / "rule.sql").write_text(
            sql.rule_sql(made.rule, data, read=read), encoding="utf-8"
        )

    try:
        write_folder(made.output, write, [data])
    except OutputError as error:
        raise RuleInputError(str(error)) from None
