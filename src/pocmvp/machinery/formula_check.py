"""A spreadsheet-formula answer checked by what it does, not by its text.

The learner's formula for one row of a sheet is evaluated on test rows (real values,
blanks, text in the text columns, values at and beside each threshold), each placed on that
row, and compared cell by cell with the rule. Any formula that agrees everywhere passes:
``=OR(AND(ISNUMBER(L7),L7>35),F7>6000)``, the ``IF(ISNUMBER(..),..,FALSE)`` form, the
``L7<>""`` form, the conditions in either order.

The engine is LibreOffice (headless) where it is installed, as the chapter's workbook check
uses it, and the ``formulas`` library (Excel's semantics in Python) otherwise.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pocmvp.toolkit import spreadsheet_engine
from pocmvp.toolkit.rule import Rule

Row = Mapping[str, object]  # column letter -> value (None for a blank cell)
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


class FormulaError(ValueError):
    """The text is not a formula the engine can evaluate on the row it is for."""


@contextlib.contextmanager
def _quietly():
    """Work with the ``formulas`` library without its ``SyntaxWarning``s (``is`` with a
    literal): it imports a module of Excel functions when a formula first uses one, Python
    warns as it first compiles it, and the warning (with this machine's paths) would show in a
    learner's notebook once and never again."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        yield


def cells_read(formula: str) -> list[str]:
    """The cells a formula reads, as the ``formulas`` parser finds them (``L7``, ``F7``)."""
    return [str(name).upper() for name in _compile(formula).inputs]


def _compile(formula: str):
    if not isinstance(formula, str) or not formula.strip().startswith("="):
        raise FormulaError("a formula is text that starts with '=', e.g. '=A7>1'")
    try:
        with _quietly():
            import formulas

            return formulas.Parser().ast(formula.strip())[1].compile()
    except Exception as error:  # the parser's errors are varied; the learner needs one line
        raise FormulaError(
            "the spreadsheet cannot read this formula: check its brackets, its commas between "
            f"arguments and its quotes ({type(error).__name__})"
        ) from None


def _column_of(cell: str, row: int) -> str:
    match = _CELL.match(cell)
    if not match:
        raise FormulaError(f"it reads {cell}, a range; the formula reads single cells of its row")
    letter, number = match.groups()
    if int(number) != row:
        raise FormulaError(f"it reads {cell}, on row {number}; the formula is for row {row}")
    return letter


def evaluate(formula: str, rows: Sequence[Row], row: int, *, engine: str = "auto") -> list[object]:
    """The formula's value on each test row placed on sheet row ``row``.

    ``engine`` is ``"libreoffice"``, ``"formulas"`` or ``"auto"`` (LibreOffice if installed).
    Raises :class:`FormulaError` when the text is not a formula for that row.
    """
    return evaluate_many([formula], rows, row, engine=engine)[0]


def evaluate_many(
    formulas: Sequence[str], rows: Sequence[Row], row: int, *, engine: str = "auto"
) -> list[list[object]]:
    """:func:`evaluate` for several formulas: one list of values per formula, in order.
    LibreOffice computes them all in one run (one start-up)."""
    if engine == "auto":
        engine = "libreoffice" if spreadsheet_engine.libreoffice_available() else "formulas"
    if engine not in ("libreoffice", "formulas"):
        raise ValueError(f"engine must be 'auto', 'libreoffice' or 'formulas', got {engine!r}")
    compiled = []
    for formula in formulas:
        function = _compile(formula)
        letters = [_column_of(str(name).upper(), row) for name in function.inputs]
        compiled.append((function, letters))
    if engine == "formulas":
        return [[_with_formulas(f, letters, values) for values in rows] for f, letters in compiled]
    return _with_libreoffice([formula.strip() for formula in formulas], rows, row)


def _with_formulas(function, letters: list[str], values: Row) -> object:
    import schedula

    arguments = [schedula.EMPTY if values.get(x) is None else values[x] for x in letters]
    try:
        with _quietly():
            result = function(*arguments)
    except Exception as error:
        return f"error ({error})"
    if isinstance(result, np.ndarray):  # the library's cell values are 0-d or 1x1 arrays
        result = result.ravel()[0]
    return _plain(result)


def _plain(value: object) -> object:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.number)):
        return float(value)
    return str(value)


def _with_libreoffice(formulas: list[str], rows: Sequence[Row], row: int) -> list[list[object]]:
    """One sheet per formula and test row, the row's values on ``row`` and the formula
    beside them."""
    from openpyxl import Workbook, load_workbook
    from openpyxl.utils import column_index_from_string, get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    last = max((column_index_from_string(x) for values in rows for x in values), default=1)
    answer_cell = f"{get_column_letter(last + 2)}{row}"
    for which, formula in enumerate(formulas):
        for number, values in enumerate(rows):
            sheet = workbook.create_sheet(f"formula{which}case{number}")
            for letter, value in values.items():
                if value is not None:
                    cell = sheet[f"{letter}{row}"]
                    cell.value = value
                    if isinstance(value, str):
                        cell.data_type = "s"  # text from data never becomes a formula
            sheet[answer_cell] = formula
    with tempfile.TemporaryDirectory(prefix="pocmvp-formula-") as folder:
        path = Path(folder) / "formula.xlsx"
        workbook.save(path)
        computed = load_workbook(spreadsheet_engine.recalculate(path), data_only=True)
        return [
            [_plain(computed[f"formula{w}case{n}"][answer_cell].value) for n in range(len(rows))]
            for w in range(len(formulas))
        ]


def disagreements(
    formula: str, rows: Sequence[Row], expected: Sequence[bool], row: int, *, engine="auto"
) -> list[int]:
    """The test rows where the formula's value is not the rule's (TRUE or FALSE)."""
    got = evaluate(formula, rows, row, engine=engine)
    return [i for i, (g, e) in enumerate(zip(got, expected, strict=True)) if g is not bool(e)]


@dataclass(frozen=True)
class Probe:
    """One test row: what it probes (``kind``), the condition it is about, its values by
    column name, and the rule's verdict on it."""

    kind: str  # "blank", "at", "past", "short", "blank other", "both"
    column: str | None
    values: dict[str, object]
    flagged: bool


def probes(rule: Rule, base: Mapping[str, object]) -> list[Probe]:
    """Test rows for ``rule``: each condition blank, at its threshold, just past it, well
    short of it, and past while every other condition's cell is blank; then all past.

    ``base`` is a typical row (every column of the sheet, text columns as text); the rule
    itself (the Python one, where a blank never flags) gives each row's verdict.
    """
    conditions = rule.conditions

    def past(c) -> float:
        step = 1.0 if float(c.threshold).is_integer() else 0.1
        return c.threshold + step if c.operator in (">", ">=") else c.threshold - step

    def short(c) -> float:
        t = c.threshold
        if c.operator in ("<", "<="):
            return t + abs(t) / 2 + 1
        return t / 2 if t > 0 else t - abs(t) / 2 - 1

    quiet = {**base, **{c.column: short(c) for c in conditions}}
    rows: list[tuple[str, str | None, dict]] = []
    for c in conditions:
        rows.append(("blank", c.column, {**quiet, c.column: None}))
        rows.append(("at", c.column, {**quiet, c.column: c.threshold}))
        rows.append(("past", c.column, {**quiet, c.column: past(c)}))
        rows.append(("short", c.column, dict(quiet)))
        others = {o.column: None for o in conditions if o.column != c.column}
        rows.append(("blank other", c.column, {**quiet, **others, c.column: past(c)}))
    rows.append(("both", None, {**quiet, **{c.column: past(c) for c in conditions}}))
    table = pd.DataFrame([values for _, _, values in rows])
    for c in conditions:
        table[c.column] = pd.to_numeric(table[c.column])
    verdicts = rule.flag(table).to_numpy()
    return [
        Probe(kind, column, values, bool(v))
        for (kind, column, values), v in zip(rows, verdicts, strict=True)
    ]


def as_cells(values: Mapping[str, object], columns: Sequence[str]) -> dict[str, object]:
    """A row's values by column letter, column A holding ``columns[0]``."""
    from openpyxl.utils import get_column_letter

    return {get_column_letter(i + 1): values.get(name) for i, name in enumerate(columns)}
