"""Chapter 2's predict-then-run questions, one per main section: the brief, what a data
scientist can see, everything in, the leak, calibration, the routing, the panel, the promise
and what the demo does not show."""

from __future__ import annotations

import pandas as pd

from pocmvp.machinery.display import num, pct
from pocmvp.machinery.predictions import Verdict, direction, prediction

# "About the same" melt reading: within this many °C of the other shifts'.
ABOUT_C = 1.0
# Mean predicted risk "close to" the observed rate: within this share of it.
CLOSE = 0.3
# A reduction "about as many as today" below this share, "most avoided" above the second.
SMALL_REDUCTION, MOST = 0.05, 0.5


@prediction(
    "2.1",
    a="about as many defective parts as good ones",
    b="roughly one defective part in ten",
    c="a few defective parts in a hundred",
)
def defect_share(history: pd.DataFrame) -> Verdict:
    defects, parts = int(history["defect"].sum()), len(history)
    rate = defects / parts
    answer = "a" if rate >= 0.3 else "b" if rate >= 0.06 else "c"
    return Verdict(
        answer,
        f"The history holds {num(defects)} defective parts among {num(parts)} "
        f"({pct(rate)}): about one in {parts / defects:.0f}. A model that called every part "
        "good would be right that often and useless, which is why the POC is judged on "
        "what it catches, and why it undersamples the good parts to learn from the few "
        "defects.",
    )


@prediction(
    "2.2",
    a="above the other shifts' readings",
    b="about the same as theirs",
    c="below theirs",
)
def night_reading(evidence: pd.DataFrame) -> Verdict:
    offset = float(evidence.loc["melt_corrected_c", "measured"])
    answer = "b" if abs(offset) < ABOUT_C else "a" if offset > 0 else "c"
    word = direction(offset, 0, "above", "below", "level with")
    return Verdict(
        answer,
        f"The night shift's median melt reading sits {abs(offset):.1f} °C {word} the other "
        "shifts'. The operators' note names a reading habit, not a hotter furnace, and the "
        "history shows it: so the POC corrects each shift's reading by its own offset, "
        "fitted on the training rows, instead of reading the probe at face value.",
    )


@prediction("2.3", a="none of them", b="a few of them", c="most of them")
def strong_pairs(pair_search: pd.DataFrame, min_score: float) -> Verdict:
    passing = int((pair_search["score"].abs() >= min_score).sum())
    total = len(pair_search)
    answer = "a" if passing == 0 else "c" if passing > total / 2 else "b"
    return Verdict(
        answer,
        f"{passing} of the {total} pairs score {min_score:g} standard errors or more. Among "
        "so many pairs some look strong by chance alone, so the bar is set high and "
        f"{'only the few that pass become features' if passing else 'no product is kept'}: "
        "most products of readings add nothing the readings do not already say.",
    )


_METRICS = {"roc_auc": "ROC-AUC", "pr_auc": "PR-AUC", "recall_at_capacity": "recall at capacity"}


@prediction(
    "2.4",
    a="better on every metric",
    b="better on some metrics, worse on others",
    c="worse on every metric",
)
def leak_looks(leaky, honest) -> Verdict:
    better = {name: getattr(leaky, name) > getattr(honest, name) for name in _METRICS}
    answer = "a" if all(better.values()) else "c" if not any(better.values()) else "b"
    shown = "; ".join(
        f"{label} {getattr(leaky, name):.2f} against {getattr(honest, name):.2f}"
        for name, label in _METRICS.items()
    )
    return Verdict(
        answer,
        f"With `rework_minutes` against without: {shown}. The field is booked after final "
        "inspection, mostly on the parts found defective, so it carries the answer into "
        "the model; the honest numbers are the ones the plant could ever get.",
    )


@prediction(
    "2.5",
    a="close to the observed defect rate",
    b="far above it",
    c="far below it",
)
def mean_risk(honest) -> Verdict:
    ratio = honest.mean_risk / honest.defect_rate
    answer = "a" if abs(ratio - 1) <= CLOSE else "b" if ratio > 1 else "c"
    word = direction(ratio, 1, "above", "below", "exactly at")
    return Verdict(
        answer,
        f"The mean predicted risk is {pct(honest.mean_risk, 2)}, {word} the observed defect "
        f"rate of {pct(honest.defect_rate, 2)} ({ratio:.2f} times it). The stacker learns "
        "on the last history months, where it sees the real defect rate, so its risks come "
        "out on that scale; a model fitted only on undersampled parts would overstate them.",
    )


@prediction(
    "2.6",
    a="more tests than today's sample",
    b="exactly as many tests as today's sample",
    c="fewer tests than today's sample",
)
def same_tests(flagged: int, tests: dict[str, int]) -> Verdict:
    today, with_flags = tests["today's sample"], tests["the POC's flags"]
    answer = direction(with_flags, today, "a", "c", "b")
    word = direction(with_flags, today, "more than", "fewer than", "exactly as many as")
    return Verdict(
        answer,
        f"The POC flags {num(flagged)} held-out parts; routed, its flags spend "
        f"{num(with_flags)} X-ray tests, {word} today's {num(today)}. Each month's capacity "
        "caps the flags, and slots they leave idle go to every n-th part: every option "
        "spends the same tests, so options differ only in what those tests catch.",
    )


@prediction(
    "2.7",
    a="a baseline beats the POC beyond the noise",
    b="the POC and the best baseline are level within the noise",
    c="the POC is ahead of every baseline beyond the noise",
)
def best_in_room(margin_sd: float, width: float, best: str, points: float, noise: float) -> Verdict:
    answer = "a" if margin_sd < -width else "c" if margin_sd > width else "b"
    word = direction(points, 0, "ahead of", "behind", "level with")
    return Verdict(
        answer,
        f"The POC is {abs(points):.1f} points {word} the best baseline, {best}, with a noise "
        f"of {100 * noise:.1f} points on that margin: {margin_sd:+.1f} standard deviations, "
        f"against a width of {width:g} that chance alone reaches one time in twenty. A "
        "margin means little without its noise. "
        + (
            "A baseline beyond it would make the POC a strawman."
            if answer == "a"
            else "The POC is at least as good as every baseline: a fair opponent."
        ),
    )


@prediction(
    "2.8",
    a="about as many as today",
    b="a modest share fewer",
    c="most of them avoided",
)
def promise_size(promise) -> Verdict:
    reduction = promise.reduction
    answer = "a" if reduction < SMALL_REDUCTION else "c" if reduction >= MOST else "b"
    return Verdict(
        answer,
        f"Routing the same {num(promise.tested_today)} tests by the POC's flags ships "
        f"{num(promise.shipped_with_score)} defective parts instead of "
        f"{num(promise.shipped_today)}: {pct(reduction)} fewer. The cell still tests only "
        "its small share of the parts, so a better ranking changes which parts are tested, "
        "not how many defects slip past the rest: most are still shipped.",
    )


@prediction("2.9", a="none of them", b="some of them", c="all of them")
def mes_inputs(mes_features: int, features: int) -> Verdict:
    answer = "a" if mes_features == 0 else "c" if mes_features == features else "b"
    return Verdict(
        answer,
        f"{num(mes_features)} of the POC's {num(features)} features are MES signals read as "
        "they are, and other groups are built from them. Each needs the signals at the "
        "moment a part is routed, through a feed that does not exist today: a few inputs "
        "are enough to make the whole model wait for a new system.",
    )
