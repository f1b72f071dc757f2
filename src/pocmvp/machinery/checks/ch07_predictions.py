"""Chapter 7's predict-then-run questions, one per main section: what the X-ray log showed
in December, which check rang first, where the new alloy's defects sit, and which world
ships fewer defects over the months after."""

from __future__ import annotations

import pandas as pd

from pocmvp.case import detection, factory, preemption
from pocmvp.machinery.display import num, pct
from pocmvp.machinery.predictions import Verdict, compared, direction, prediction

SAME_HIT_RATE = 0.1
"""December's hit rate "about the same" as before within this share of it."""

SAME_SHIPPED = 0.02
"""The two worlds ship "about as many" defects within this share of the patch's."""


@prediction("7.1", a="rise", b="stay about the same", c="fall")
def xray_hit_rate(before: pd.Series, december: pd.Series) -> Verdict:
    hit_before, hit_after = before["hit_rate"], december["hit_rate"]
    word = compared(hit_after, hit_before, within=SAME_HIT_RATE)
    answer = {"higher": "a", "about the same": "b", "lower": "c"}[word]
    moved = direction(hit_after, hit_before, "rose", "fell", "stayed")
    caught = direction(december["catch_rate"], before["catch_rate"], "rose", "fell", "stayed")
    return Verdict(
        answer,
        f"The X-ray log's hit rate {moved} from {pct(hit_before)} to {pct(hit_after)}, "
        f"while the catch rate {caught} from {pct(before['catch_rate'])} to "
        f"{pct(december['catch_rate'])}. More parts were bad, so the parts tested were more "
        "often defective; but the rule sent the wrong ones, and the defects it let through "
        "show only in returns, which the X-ray log never sees.",
    )


CADENCE_OPTIONS = {"daily check": "a", "weekly check": "b", "monthly report": "c"}


@prediction("7.2", a="the daily check", b="the weekly check", c="the monthly report")
def first_alarm(first_cadence: str, days: pd.Series) -> Verdict:
    answer = CADENCE_OPTIONS.get(first_cadence)
    if answer is None:
        return Verdict(None, "no check noticed the fall on this run.")
    noticed = "; ".join(
        f"the {name} after {value:.0f} days" if value == value else f"the {name} never"
        for name, value in days.items()
    )
    reason = (
        "With returns booked the day after they arrive, the check that looks most often "
        "sees the fall first, once enough returns are in to judge a period."
        if answer == "a"
        else "A check judges a period only once it holds enough known defects: the daily "
        "check's short window had too few to judge before the longer windows did."
    )
    return Verdict(answer, f"As it happened, {noticed}. {reason}")


@prediction("7.3", a="at the cold end", b="in the middle", c="at the hot end")
def where_the_defects_sit(bands: list, worst_band: str, rates: pd.DataFrame) -> Verdict:
    labels = [str(band) for band in bands]
    at = labels.index(str(worst_band))
    answer = "a" if at == 0 else "c" if at == len(labels) - 1 else "b"
    new, old = detection.NEW_SUPPLIER, factory.SUPPLIER_BEFORE
    return Verdict(
        answer,
        f"The largest excess of known defects is in the melt band {worst_band} °C: "
        f"{pct(rates.loc[worst_band, new])} of {new} parts against "
        f"{pct(rates.loc[worst_band, old])} of {old} parts. The rule in force looks for hot "
        "melts, so it sends the wrong parts to the X-ray test; only the known outcomes, "
        "joined to the shift log, show where the new defects are.",
    )


def _times(count: float) -> str:
    return {0: "never", 1: "once", 2: "twice"}.get(int(count), f"{int(count)} times")


@prediction(
    "7.4",
    a="the patch alone, refitted at each alarm",
    b="about as many with either",
    c="the durable fix",
)
def long_term(judged: pd.DataFrame) -> Verdict:
    patch_row, durable_row = judged.loc[preemption.PATCH], judged.loc[preemption.DURABLE]
    patch, durable = patch_row["shipped_defects"], durable_row["shipped_defects"]
    word = compared(durable, patch, within=SAME_SHIPPED)
    answer = {"lower": "c", "about the same": "b", "higher": "a"}[word]
    return Verdict(
        answer,
        f"The patch ships {num(patch)} defective housings and the durable fix "
        f"{num(durable)}; the daily check rang {_times(patch_row['fires'])} with the patch "
        f"alone and {_times(durable_row['fires'])} with the durable fix. The patch learns "
        "only when someone refits it after an alarm, so what never rings is never "
        "corrected; the durable fix retrains every month on the outcomes that have come in, "
        "and leaves a supplier it has not learnt to the sheet.",
    )
