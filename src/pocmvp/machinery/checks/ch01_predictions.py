"""Chapter 1's predict-then-run questions, one per main section: the plant, the data, the
cost of the status quo."""

from __future__ import annotations

import pandas as pd

from pocmvp.machinery.display import num, pct
from pocmvp.machinery.predictions import Verdict, prediction

# A field "separates by more than an order of magnitude" at this ratio of its means.
ORDER_OF_MAGNITUDE = 10
# A blind sample catches "about its share" of the defects within this share of it.
ABOUT = 0.5


@prediction(
    "1.1",
    a="less than half of the year's parts",
    b="between half and three quarters of them",
    c="more than three quarters of them",
)
def history_share(shift_log: pd.DataFrame, history: pd.DataFrame) -> Verdict:
    share = len(history) / len(shift_log)
    answer = "a" if share < 0.5 else "b" if share <= 0.75 else "c"
    return Verdict(
        answer,
        f"The history holds {num(len(history))} of the year's {num(len(shift_log))} parts "
        f"({pct(share, 0)}): the months before the quality lead asks. The months after are "
        "not known on the day the help is asked, so every choice made then rests on the "
        "history alone.",
    )


@prediction(
    "1.2",
    a="about the same as good parts",
    b="a few times as many minutes",
    c="more than an order of magnitude more",
)
def rework_gap(rework_by_outcome: pd.Series) -> Verdict:
    defective, good = float(rework_by_outcome[True]), float(rework_by_outcome[False])
    ratio = defective / good if good else float("inf")
    answer = "a" if ratio < 1 + ABOUT else "b" if ratio < ORDER_OF_MAGNITUDE else "c"
    return Verdict(
        answer,
        f"Defective parts carry {defective:.1f} minutes of rework on average, good parts "
        f"{good:.2f}: {ratio:.0f} times as many. Rework is booked after final inspection, "
        "for the parts found defective, so the field records the outcome instead of "
        "predicting it.",
    )


@prediction(
    "1.3",
    a="far less than the share of parts it tests",
    b="about the share of parts it tests",
    c="far more than the share of parts it tests",
)
def blind_catch(catch_rate: float, tested_share: float) -> Verdict:
    ratio = catch_rate / tested_share
    answer = "a" if ratio < 1 - ABOUT else "c" if ratio > 1 + ABOUT else "b"
    size = {"a": "far less than", "b": "about", "c": "far more than"}[answer]
    return Verdict(
        answer,
        f"The sample tests {pct(tested_share, 0)} of the parts and catches {pct(catch_rate)} "
        f"of the defects, {size} its share. Every n-th part is blind "
        "to risk, so a defective part is as likely to be tested as any other: the sample "
        "catches defects in proportion to its size, and ships the rest.",
    )
