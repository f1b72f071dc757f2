"""How numbers and figures look everywhere in the workbook.

Prose numbers are formatted here and shown with :func:`say`, so every figure a reader sees in
the text is computed. Colours come from the Okabe-Ito palette, which stays distinct for
colour-blind readers; the POC and the MVP keep the same colour in every figure. A chapter's
headline figures go to a tracked JSON file through :class:`Figures`
(:mod:`pocmvp.machinery.figures`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from IPython.display import Markdown
from tqdm import tqdm

from pocmvp.machinery.figures import Figures
from pocmvp.toolkit.formats import PALETTE, eur, num, pct, set_style

__all__ = ["PALETTE", "Figures", "eur", "measured", "num", "pct", "progress", "say", "set_style"]


def measured(value: float, unit: str, digits: int = 2) -> str:
    """A wall-clock figure, marked ``(measured)`` so the notebook tests know it varies."""
    return f"{value:,.{digits}f} {unit} (measured)"


def say(text: str) -> Markdown:
    """Show computed prose as Markdown (Quarto renders it as part of the page)."""
    return Markdown(text)


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
