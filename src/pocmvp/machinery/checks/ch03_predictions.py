"""Chapter 3's predict-then-run questions, one per main section: decision time, what must
change, the bill, against the promise, and why it stalls."""

from __future__ import annotations

import pandas as pd

from pocmvp.machinery.display import eur, num, pct
from pocmvp.machinery.predictions import Verdict, compared, prediction

QUALITY_LEAD = "quality lead"


@prediction(
    "3.1",
    a="all of them",
    b="most of them, but not all",
    c="fewer than half of them",
)
def computable_now(unavailable: int, features: int) -> Verdict:
    available = features - unavailable
    answer = "a" if unavailable == 0 else "c" if available < features / 2 else "b"
    return Verdict(
        answer,
        f"{num(available)} of the POC's {num(features)} features ({pct(available / features, 0)}) "
        f"can be computed when the part is routed today; {num(unavailable)} cannot, because "
        "they need MES signals that no system hands over. A model needs every one of its "
        "inputs at decision time: missing a few is enough to stop it.",
    )


@prediction(
    "3.2",
    a="as long as the longest change alone",
    b="between the longest change and all of them added up",
    c="as long as all the changes added up",
)
def time_to_live(plan: pd.DataFrame, total_weeks: float) -> Verdict:
    longest, added = float(plan["weeks"].max()), float(plan["weeks"].sum())
    answer = "c" if total_weeks >= added else "a" if total_weeks <= longest else "b"
    why = {
        "c": "each change waits for the one before it: no service without the feed, no "
        "station software without the service, no training without the station",
        "b": "some changes wait for others and some run side by side",
        "a": "every change runs side by side with the others",
    }[answer]
    return Verdict(
        answer,
        f"The changes take {added:.0f} weeks of work added up, the longest {longest:.0f}; "
        f"going live takes {total_weeks:.0f} weeks, because {why}. Work that waits on "
        "other owners' work adds up.",
    )


@prediction(
    "3.3",
    a="the one-off cost of going live",
    b="about the same",
    c="a year of running it",
)
def one_off_or_running(total) -> Verdict:
    year = 12 * total.running_cost_per_month
    word = compared(total.one_off_cost, year, within=0.2)
    answer = {"higher": "a", "about the same": "b", "lower": "c"}[word]
    return Verdict(
        answer,
        f"Going live costs {eur(total.one_off_cost)} once; running it costs "
        f"{eur(total.running_cost_per_month)} a month, {eur(year)} a year: the one-off cost "
        f"is {total.one_off_cost / year:.1f} times a year of running. The money goes into "
        "people's weeks on the feed, the service and the station, spent before the model "
        "saves a single return.",
    )


@prediction(
    "3.4",
    a="within a year of the decision to build",
    b="in the second year",
    c="later than that, or never",
)
def break_even_when(break_even: int | None, total, saving: float) -> Verdict:
    answer = "c" if break_even is None or break_even > 24 else "b" if break_even > 12 else "a"
    when = "never" if break_even is None else f"in month {break_even}"
    return Verdict(
        answer,
        f"Even if everything goes to plan, the POC saves nothing for the "
        f"{total.months_to_go_live:.1f} months it takes to go live, while its "
        f"{eur(total.one_off_cost)} are spent; then it nets "
        f"{eur(saving - total.running_cost_per_month)} a month. It breaks even {when} after "
        "the decision to build, and that is before the chance that it never ships.",
    )


@prediction(
    "3.5",
    a="the quality lead alone",
    b="the quality lead and one other owner",
    c="several owners besides the quality lead",
)
def owners(changes: pd.DataFrame) -> Verdict:
    found = list(dict.fromkeys(changes["owner"]))
    others = [o for o in found if QUALITY_LEAD not in o.lower()]
    answer = "a" if not others else "b" if len(others) == 1 else "c"
    lead = "owns one of them" if len(others) < len(found) else "owns none of them"
    return Verdict(
        answer,
        f"The bill's {len(changes)} items belong to {len(found)} owners: {'; '.join(found)}. "
        f"The quality lead, who asked for fewer defective parts, {lead}. Each owner carries "
        "the cost and the risk in their own system for a benefit that lands on someone "
        "else's budget, so each can say no or not yet.",
    )
