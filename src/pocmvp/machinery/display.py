"""How numbers and figures look everywhere in the workbook.

Prose numbers are formatted here and shown with :func:`say`, so every figure a reader sees in
the text is computed. Colours come from the Okabe-Ito palette, which stays distinct for
colour-blind readers; the POC and the MVP keep the same colour in every figure. A chapter's
headline figures go to a tracked JSON file through :class:`Figures`
(:mod:`pocmvp.machinery.figures`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from IPython.display import Markdown

from pocmvp.machinery.figures import Figures
from pocmvp.toolkit.formats import PALETTE, eur, num, pct, set_style
from pocmvp.toolkit.progress import progress

__all__ = [
    "PALETTE",
    "Figures",
    "eur",
    "measured",
    "num",
    "pct",
    "progress",
    "say",
    "set_style",
    "table",
]


def measured(value: float, unit: str, digits: int = 2) -> str:
    """A wall-clock figure, marked ``(measured)`` so the notebook tests know it varies."""
    return f"{value:,.{digits}f} {unit} (measured)"


MISSING = "—"


def table(
    frame: pd.DataFrame | pd.Series,
    *,
    counts: Iterable = (),
    money: Iterable = (),
    shares: Iterable = (),
    share_digits: int = 1,
    keep: Iterable = (),
) -> pd.DataFrame:
    """A table as a person reads it: counts ``1,581``, money ``€12,345``, shares ``2.3 %``.

    Returns a copy whose cells are text, for display only (the last line of a cell): JupyterLab
    and Quarto render it as an HTML table, and its text form is the same plain table. Columns
    named in ``counts``, ``money`` and ``shares`` get :func:`num`, :func:`eur` and :func:`pct`;
    any other numeric column whose values are all whole numbers is a count too, so a count
    stored as a float never shows as ``1581.0``; ``keep`` names columns to leave as they are
    (a year, an identifier). Other columns stay as they are. A missing value shows as a dash.
    """
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"table: 'frame' must be a DataFrame or a Series, not {type(frame)}")
    formats: dict = {}
    for argument, columns, formatter in (
        ("counts", counts, num),
        ("money", money, eur),
        ("shares", shares, lambda value: pct(value, share_digits)),
        ("keep", keep, None),
    ):
        for column in columns:
            if column not in frame.columns:
                raise KeyError(f"table: {argument} names {column!r}, which is not a column")
            if column in formats:
                raise ValueError(f"table: {column!r} is named twice (in {argument} too)")
            formats[column] = (argument, formatter)
    shown = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if column in formats:
            argument, formatter = formats[column]
            if formatter is None:
                continue
            if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
                raise TypeError(f"table: {argument} names {column!r}, which is not numeric")
        elif _whole_numbers(values):
            formatter = num
        else:
            continue
        shown[column] = [MISSING if pd.isna(v) else formatter(v) for v in values]
    return shown


def _whole_numbers(values: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return False
    present = values.dropna()
    return (
        bool(len(present))
        and bool(np.isfinite(present).all())
        and bool((present == present.round()).all())
    )


def say(text: str) -> Markdown:
    """Show computed prose as Markdown (Quarto renders it as part of the page)."""
    return Markdown(text)
