"""The monthly report's chart: rows flagged, positives caught and missed, month by month.

:func:`render_monthly_chart` draws the small chart the email carries inline
(:mod:`pocmvp.toolkit.delivery`): PNG bytes, identical on every run, and its alt text, in
the report's :class:`Words` (a table's report says rows flagged for the test, positives
caught and missed; a case passes its own, the plant's parts, defects and shipped).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from pocmvp.toolkit.formats import PALETTE, num, set_style

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def check_month(month: str) -> str:
    """``month`` if it looks like ``2025-11`` (YYYY-MM), else a ValueError saying so."""
    if not isinstance(month, str) or not _MONTH.match(month):
        raise ValueError(f"month must look like 2025-11 (YYYY-MM), got {month!r}")
    return month


@dataclass(frozen=True)
class Chart:
    """A rendered chart: PNG bytes for the email, and the alt text that describes it."""

    png: bytes
    alt: str


@dataclass(frozen=True)
class Words:
    """How a report names its rows, its test and its positives, from the data: a row (and
    ``rows``) is flagged for ``test``; ``positives`` are caught or ``missed``; the months are
    the ``months`` axis. A case passes its own (the plant's: part, parts, its test's name,
    defects, shipped, months of production)."""

    row: str = "row"
    rows: str = "rows"
    test: str = "the test"
    positives: str = "positives"
    missed: str = "missed"
    months: str = "Month"


TABLE_WORDS = Words()
"""A table's words: a row, rows, the test, positives, missed, Month."""


def render_monthly_chart(
    monthly: pd.DataFrame,
    month: str,
    *,
    flagged: str = "flagged",
    caught: str = "caught",
    shipped: str = "shipped_defects",
    shipped_so_far: bool = False,
    words: Words = TABLE_WORDS,
    dpi: int = 100,
) -> Chart:
    """Rows flagged, positives caught and positives missed per month, up to ``month``, in the
    report's ``words``.

    With ``shipped_so_far``, the missed bars count the returns booked so far (what a report
    knows on the morning it is sent), and the labels and the alt text say so.

    ``monthly`` is indexed by month (``YYYY-MM``), for example
    :func:`pocmvp.toolkit.monitoring.monthly_catch_rate`; pass ``flagged="tested"`` for
    :func:`pocmvp.case.status_quo.monthly_outcome`. The report's month is drawn solid, earlier
    months lighter. The PNG is the same bytes on every run: the Agg renderer, a fixed size
    and dpi, the workbook's style whatever the caller's settings, and no timestamp or
    software name in the file.
    """
    month = check_month(month)
    missing = [c for c in (flagged, caught, shipped) if c not in monthly.columns]
    if missing:
        raise ValueError(f"monthly figures are missing column(s) {missing}")
    shown = monthly.loc[[m for m in monthly.index.astype(str) if m <= month]]
    if month not in shown.index.astype(str):
        raise ValueError(f"month {month} is not in the monthly figures")
    shown = shown.tail(12)
    labels = list(shown.index.astype(str))
    w = words
    missed = f"{w.positives} {w.missed}" + (", returned so far" if shipped_so_far else "")
    series = [
        (flagged, f"{w.rows} flagged for {w.test}", PALETTE["mvp"]),
        (caught, f"{w.positives} caught", PALETTE["truth"]),
        (shipped, missed, PALETTE["status_quo"]),
    ]
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        set_style()
        figure = Figure(figsize=(6.4, 3.0), dpi=dpi)
        FigureCanvasAgg(figure)
        ax = figure.add_subplot()
        x = np.arange(len(labels))
        width = 0.27
        for offset, (column, label, colour) in zip((-1, 0, 1), series, strict=True):
            alpha = [1.0 if m == month else 0.45 for m in labels]
            bars = ax.bar(x + offset * width, shown[column], width, color=colour, label=label)
            for bar, a in zip(bars, alpha, strict=True):
                bar.set_alpha(a)
        ax.set_xticks(x, [m[2:] for m in labels], fontsize=8)
        ax.set(xlabel=f"{w.months} (YY-MM)", ylabel=f"{w.rows.capitalize()} (count)")
        ax.set_ylim(0, 1.3 * max(1, float(shown[[flagged, caught, shipped]].to_numpy().max())))
        row = shown.loc[shown.index.astype(str) == month].iloc[0]
        so_far = " so far" if shipped_so_far else ""
        ax.set_title(
            f"{month}: {num(row[caught])} {w.positives} caught, "
            f"{num(row[shipped])} {w.missed}{so_far}",
            fontsize=10,
        )
        ax.legend(fontsize=7, frameon=False, ncols=3, loc="upper left")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    shipped_said = (
        f"{num(row[shipped])} {w.missed} {w.positives} had come back so far"
        if shipped_so_far
        else f"{num(row[shipped])} were {w.missed}"
    )
    alt = (
        f"Bar chart of the last {len(labels)} months up to {month}. In {month}, "
        f"{num(row[flagged])} {w.rows} were flagged for {w.test}, "
        f"{num(row[caught])} {w.positives} were caught and {shipped_said}."
    )
    return Chart(png=buffer.getvalue(), alt=alt)
