"""How numbers and figures look everywhere in the workbook.

Prose numbers are formatted here and shown with :func:`say`, so every figure a reader sees in
the text is computed. Colours come from the Okabe-Ito palette, which stays distinct for
colour-blind readers; the POC and the MVP keep the same colour in every figure. A chapter's
headline figures go to a tracked JSON file through :class:`Figures`
(:mod:`pocmvp.machinery.figures`).
"""

from __future__ import annotations

import re
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
    "Table",
    "markdown_table",
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
) -> Table:
    """A table as a person reads it: counts ``1,581``, money ``€12,345``, shares ``2.3 %``.

    Returns a copy whose cells are text, for display only (the last line of a cell): a
    :class:`Table`, which JupyterLab and Quarto render as a Markdown table, and whose text form
    is the same plain table. Columns
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
    return Table(shown)


class Table(pd.DataFrame):
    """A DataFrame shown as a Markdown table, never as HTML.

    Quarto loads jQuery and RequireJS from a CDN for any page whose notebook holds an HTML
    output (quarto-cli, ``src/core/jupyter/widgets.ts``), so an HTML table would make every
    chapter wait on the network. A Markdown table renders as a table in JupyterLab and in
    Quarto alike, offline. Anything made from it (a column, a slice) is a plain DataFrame.
    """

    @property
    def _constructor(self):
        return pd.DataFrame

    def _repr_html_(self) -> None:
        return None

    def _repr_markdown_(self) -> str:
        return markdown_table(self)


def markdown_table(frame: pd.DataFrame) -> str:
    """``frame`` as a pipe table (tabulate's), its index kept unless it only numbers the rows.

    Two-level column names are joined with a space, a ``|`` in a cell is escaped so it cannot
    split the row, a missing value shows as a dash, and a column of figures (``1,581``,
    ``€12,346``, ``2.3 %``) is aligned right.
    """
    shown = frame.copy()
    if isinstance(shown.columns, pd.MultiIndex):
        shown.columns = [" ".join(str(level) for level in name) for name in shown.columns]
    numbered = isinstance(shown.index, pd.RangeIndex) and shown.index.name is None

    def escaped(value):
        if isinstance(value, str):
            return value.replace("|", "\\|")
        return MISSING if pd.api.types.is_scalar(value) and pd.isna(value) else value

    shown = shown.map(escaped)
    shown.index = shown.index.map(escaped)
    align = ["right" if _figures(shown[column]) else "left" for column in shown.columns]
    if not numbered:
        align.insert(0, "left")
    return shown.to_markdown(
        index=not numbered, tablefmt="pipe", disable_numparse=True, colalign=align
    )


_FIGURE = re.compile(r"[-+]?€?-?[\d,]*\.?\d+(e[-+]?\d+)?\s?%?")


def _figures(values: pd.Series) -> bool:
    """Whether every shown value of a column is a figure (a missing one aside)."""
    present = [str(v) for v in values if not (isinstance(v, str) and v == MISSING)]
    return bool(present) and all(_FIGURE.fullmatch(v.strip()) for v in present)


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
