"""Chapter 6's predict-then-run questions, one per main section: the report, the email, what
a report can know on the first of the month, the feedback, rule v2, v1 against v2, and the
value captured."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import parsedate_to_datetime

import pandas as pd

from pocmvp.case import report
from pocmvp.machinery.display import eur, num, pct
from pocmvp.machinery.predictions import Verdict, compared, direction, prediction
from pocmvp.toolkit.delivery import day_name, month_name

# A shift's share of the false alarms "about its share of the parts" within this share of it.
ABOUT = 0.2


@prediction(
    "6.1",
    a="in none of the live months",
    b="in some of them",
    c="in every one of them",
)
def hot_months(sent: pd.DataFrame) -> Verdict:
    hot = sent[sent["overflow"] > 0]
    answer = "a" if hot.empty else "c" if len(hot) == len(sent) else "b"
    shown = "; ".join(
        f"{month_name(month)}: {num(row['flagged'])} flagged for {num(row['capacity'])} tests"
        for month, row in sent.iterrows()
    )
    return Verdict(
        answer,
        f"{shown}. The rule was fitted to the capacity on the history, and each new month's "
        "parts differ from it, so a month can run hot or cool. A month that runs hot opens "
        "its report with an alert, rather than letting flagged parts ship untested in "
        "silence.",
    )


@prediction(
    "6.2",
    a="on the last day of the month it reports",
    b="on the first day of the next month",
    c="once the month's returns are all in",
)
def sent_on(received: EmailMessage, month: str) -> Verdict:
    sent = parsedate_to_datetime(received["Date"])
    first_of_next = (pd.Period(month, "M") + 1).start_time
    answer = (
        "a"
        if sent.strftime("%Y-%m") == month
        else "b"
        if sent.date() == first_of_next.date()
        else "c"
    )
    return Verdict(
        answer,
        f"The report of {month_name(month)} is dated {sent.day} {sent:%B %Y}, "
        f"{sent:%H:%M}. {'It goes' if answer == 'b' else 'A monthly report is due'} out on "
        "the first morning after the month closes, with the month's X-ray results "
        "complete and its returns counted so far: a figure that waited for every return "
        "would arrive weeks later, when nobody remembers the month.",
    )


@prediction(
    "6.3",
    a="final: every shipped defect is counted",
    b="a figure so far: some of its returns are still to come",
    c="nothing yet: no return is back",
)
def known_on_the_first(first_report: dict, share_known: float) -> Verdict:
    shipped = first_report["shipped_so_far"]
    final = first_report["status"] == report.FINAL
    answer = "a" if final else "c" if shipped == 0 else "b"
    return Verdict(
        answer,
        f"On {day_name(first_report['as_of'])} the report knew {num(shipped)} of "
        f"{month_name(first_report['month'])}'s shipped defects, {pct(share_known, 0)} of "
        f'what the next report counts, and marked it "{first_report["status"]}". A shipped '
        "defect is known only when its customer sends it back, days to weeks after casting, "
        "so the month after it was cast is too early to state it final.",
    )


@prediction(
    "6.4",
    a="about its share of the parts",
    b="more than its share of the parts",
    c="less than its share of the parts",
)
def night_alarms(night: pd.Series) -> Verdict:
    alarms, parts = night["share_of_false_alarms"], night["share_of_parts"]
    word = compared(alarms, parts, within=ABOUT)
    answer = {"about the same": "a", "higher": "b", "lower": "c"}[word]
    reason = (
        "The same melt threshold reads the night crew's probe habit as heat, so its good "
        "parts are flagged more often: the complaint was a number waiting to be counted."
        if answer == "b"
        else "Counted, the complaint does not hold here: a complaint is checked against the "
        "numbers before the rule changes."
    )
    return Verdict(
        answer,
        f"The night shift casts {pct(parts, 0)} of the parts and receives "
        f"{pct(night['share_of_tests'], 0)} of the tests and {pct(alarms, 0)} of the false "
        f"alarms. {reason}",
    )


@prediction(
    "6.5",
    a="above the day shifts' threshold",
    b="at the same threshold",
    c="below the day shifts' threshold",
)
def night_threshold(day_threshold: float, night_threshold: float, offset: float) -> Verdict:
    gap = night_threshold - day_threshold
    answer = direction(gap, 0, "a", "c", "b")
    word = direction(gap, 0, "above", "below", "level with")
    return Verdict(
        answer,
        f"The search puts the night threshold at {night_threshold:.1f} °C, {abs(gap):.1f} °C "
        f"{word} the day shifts' {day_threshold:.1f} °C; the night crew's readings sit "
        f"{abs(offset):.1f} °C {direction(offset, 0, 'above', 'below', 'level with')} the "
        "others'. The rule reads each crew's probe against its own habit, found on the "
        "history, not guessed.",
    )


@prediction(
    "6.6",
    a="fewer tests than v1",
    b="as many tests as v1",
    c="more tests than v1",
)
def same_capacity(tests: pd.DataFrame, alarms: pd.DataFrame, total: str) -> Verdict:
    v1, v2 = tests.loc[total, "v1"], tests.loc[total, "v2"]
    answer = direction(v2, v1, "c", "a", "b")
    night_v1, night_v2 = alarms.loc["night", "v1"], alarms.loc["night", "v2"]
    return Verdict(
        answer,
        f"v1 spends {num(v1)} tests and v2 {num(v2)}: the X-ray cell runs its capacity "
        "whichever rule flags, and slots the flags leave idle go to every n-th part. What "
        f"changes is where the tests go: night-shift false alarms "
        f"{direction(night_v2, night_v1, 'rise', 'fall', 'stay')} from {num(night_v1)} to "
        f"{num(night_v2)}. A better rule does not test less; it tests better.",
    )


@prediction(
    "6.7",
    a="every live month",
    b="only the months whose returns are all in",
    c="none of them yet",
)
def value_known(known: pd.DataFrame, as_of: object) -> Verdict:
    final = known[known["status"] == report.FINAL]
    answer = "c" if final.empty else "a" if len(final) == len(known) else "b"
    stated = ", ".join(f"{month_name(m)} {eur(v)}" for m, v in final["v1_value_eur"].items())
    return Verdict(
        answer,
        f"On {day_name(as_of)}, {len(final)} of the {len(known)} live months are final"
        f"{': ' + stated if stated else ''}. The value captured counts every defect of the "
        "month, shipped ones included, so it waits for the month's last returns; a win is "
        "reported once it is certain, never before.",
    )
