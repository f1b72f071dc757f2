"""How numbers and figures look everywhere in the workbook.

Prose numbers are formatted here and shown with :func:`say`, so every figure a reader sees in
the text is computed. Colours come from the Okabe-Ito palette, which stays distinct for
colour-blind readers; the POC and the MVP keep the same colour in every figure. A chapter's
headline figures go to a tracked JSON file through :class:`Figures` (:mod:`pocmvp.figures`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

import matplotlib.pyplot as plt
from IPython.display import Markdown
from tqdm import tqdm

from pocmvp.figures import Figures

__all__ = ["PALETTE", "Figures", "eur", "measured", "num", "pct", "progress", "say", "set_style"]

PALETTE = {
    "status_quo": "#999999",  # grey
    "poc": "#0072B2",  # blue
    "mvp": "#E69F00",  # orange
    "mvp_v2": "#D55E00",  # vermillion
    "truth": "#009E73",  # green
    "alarm": "#CC79A7",  # purple
}


def eur(amount: float) -> str:
    """Euros, rounded to the euro with thousands separators: ``€12,345``."""
    sign = "-" if amount < 0 else ""
    return f"{sign}€{abs(amount):,.0f}"


def pct(share: float, digits: int = 1) -> str:
    """A share as a percentage: ``0.0234`` -> ``2.3 %``."""
    return f"{100 * share:.{digits}f} %"


def num(value: float, digits: int = 0) -> str:
    """A count or measure with thousands separators."""
    return f"{value:,.{digits}f}"


def measured(value: float, unit: str, digits: int = 2) -> str:
    """A wall-clock figure, marked ``(measured)`` so the notebook tests know it varies."""
    return f"{value:,.{digits}f} {unit} (measured)"


def say(text: str) -> Markdown:
    """Show computed prose as Markdown (Quarto renders it as part of the page)."""
    return Markdown(text)


def set_style() -> None:
    """The workbook's figure style: readable, unboxed, same size everywhere."""
    plt.rcParams.update(
        {
            "figure.figsize": (8, 4),
            "figure.dpi": 100,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.titleweight": "bold",
            "svg.hashsalt": "pocmvp",
        }
    )


def progress(
    iterable: Iterable, *, desc: str, total: int | None = None, disable: bool = False
) -> tqdm:
    """A text progress bar whose final text is deterministic: counts only, no elapsed time or
    rate, so stored notebook outputs do not change from run to run."""
    return tqdm(
        iterable,
        desc=desc,
        total=total,
        file=sys.stdout,
        mininterval=0,
        miniters=1,
        bar_format="{desc}: {n_fmt}/{total_fmt} {bar:20}",
        disable=disable,
    )
