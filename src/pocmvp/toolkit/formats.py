"""How numbers and charts look, in the toolkit's report and in every chapter.

Counts get thousands separators, money its currency, shares a percent sign. Colours come
from the Okabe-Ito palette, which stays distinct for colour-blind readers.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

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
