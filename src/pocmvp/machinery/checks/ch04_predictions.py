"""Chapter 4's predict-then-run questions, one per main section: launching without machine
learning, finding the rule, writing it three ways, the workbook, the spreadsheet engine, the
check before go-live, looking back, and every row accounted for."""

from __future__ import annotations

import pandas as pd

from pocmvp.machinery.display import num, pct
from pocmvp.machinery.predictions import Verdict, compared, prediction

KNOWN = "yes"  # the data dictionary's word for a field known when the part is routed
# "About as many" defects caught: within this share of today's sample.
ABOUT = 0.2
# A catch rate "about the same" on new months: within this share of the history's.
SAME_RATE = 0.1


def _against_today(rule_caught: float, today_caught: float) -> str:
    word = compared(rule_caught, today_caught, within=ABOUT)
    return {"lower": "a", "about the same": "b", "higher": "c"}[word]


@prediction(
    "4.1",
    a="no system change at all",
    b="a change to one system",
    c="as many changes as the POC",
)
def system_changes(dictionary: pd.DataFrame, columns: tuple[str, ...]) -> Verdict:
    rows = dictionary.set_index("field").reindex(list(columns))
    ready = (rows["table"] == "shift log") & (rows["known when the part is routed"] == KNOWN)
    missing = rows.loc[~ready]
    answer = "a" if missing.empty else "b" if missing["table"].nunique() <= 1 else "c"
    where = (
        "every one of them is in the shift log and known when the part is routed"
        if missing.empty
        else f"{len(missing)} of them are not in the shift log at routing time"
    )
    return Verdict(
        answer,
        f"A rule may read {len(columns)} columns ({', '.join(columns)}), and {where}. The "
        "quality lead already opens that spreadsheet every day: a rule on its columns is "
        "one more formula column, not a new feed, service or station.",
    )


@prediction(
    "4.2",
    a="fewer than today's sample",
    b="about as many as today's sample",
    c="clearly more than today's sample",
)
def rule_on_history(rule_score, today_score) -> Verdict:
    return Verdict(
        _against_today(rule_score.caught, today_score.caught),
        f"On the history the rule catches {num(rule_score.caught)} defects flagging "
        f"{pct(rule_score.flagged_share)} of the parts; today's sample of the same size "
        f"catches {num(today_score.caught)}. Two thresholds on readings the operators "
        "already record point the tests at riskier parts; a blind sample cannot.",
    )


@prediction(
    "4.3",
    a="on every part",
    b="on every part but those with a missing value",
    c="on only some of the parts",
)
def sql_agrees(sql_flags: pd.Series, python_flags: pd.Series, missing: pd.Series) -> Verdict:
    differ = sql_flags.to_numpy() != python_flags.to_numpy()
    answer = "a" if not differ.any() else "b" if (differ <= missing.to_numpy()).all() else "c"
    return Verdict(
        answer,
        f"SQL and Python differ on {num(differ.sum())} of {num(len(differ))} parts, "
        f"{num(missing.sum())} of which have a rule value missing. Each language has its own "
        "guard (`COALESCE(..., FALSE)` in SQL, a NaN that compares False in pandas), so a "
        "value that was not recorded never sends a part on its own in either.",
    )


@prediction(
    "4.4",
    a="more parts than the cell can test",
    b="no more parts than the cell can test",
)
def first_month(flagged: int, capacity: int, parts: int) -> Verdict:
    answer = "a" if flagged > capacity else "b"
    word = "over" if flagged > capacity else "within"
    return Verdict(
        answer,
        f"The rule flags {num(flagged)} of the month's {num(parts)} parts for {num(capacity)} "
        f"tests: {pct(flagged / capacity, 0)} of the capacity, {word} it. The thresholds were "
        "fitted to the capacity on the history, and a new month's parts differ from it, so "
        "the Summary sheet shows the capacity used every month; parts flagged beyond it ship "
        "untested.",
    )


@prediction(
    "4.5",
    a="on every row, the tricky ones included",
    b="not on every row",
)
def spreadsheet_agrees(agrees: bool | None) -> Verdict:
    if agrees is None:
        return Verdict(None, "LibreOffice is not installed here, so no formula was recomputed.")
    return Verdict(
        "a" if agrees else "b",
        f"LibreOffice's computed column {'matches' if agrees else 'does not match'} Python's "
        "flags. The formula's `ISNUMBER` guards keep an empty cell from reading as 0, the "
        "comparisons are the same strict ones at each threshold, and text is written as "
        "text: the workbook computes what the rule says.",
    )


@prediction(
    "4.6",
    a="fewer than today's sample",
    b="about as many as today's sample",
    c="clearly more than today's sample",
)
def early_check(early_totals: pd.Series) -> Verdict:
    rule_caught, today_caught = early_totals["rule_caught"], early_totals["today_caught"]
    return Verdict(
        _against_today(rule_caught, today_caught),
        f"On the two months it had not seen, the rule found on the first months catches "
        f"{num(rule_caught)} of {num(early_totals['defects'])} defects, today's sample "
        f"{num(today_caught)} with the same tests. That is the evidence the plant had on the "
        "day of the decision, in time order, without looking at any later month.",
    )


@prediction(
    "4.7",
    a="higher than on the history",
    b="about the same as on the history",
    c="lower than on the history",
)
def looking_back(held_out_rate: float, history_rate: float) -> Verdict:
    word = compared(held_out_rate, history_rate, within=SAME_RATE)
    answer = {"higher": "a", "about the same": "b", "lower": "c"}[word]
    reason = {
        "lower": "the search kept the thresholds that did best on the history, its noise "
        "included, so the history flatters the rule; months it has not seen give the "
        "honest figure",
        "about the same": "the thresholds found a pattern that holds beyond the months they "
        "were chosen on, though the search kept what did best on the history, its noise "
        "included, so new months tend to come out a little lower",
        "higher": "the new months happened to suit the thresholds; on average a rule chosen "
        "on the history does a little worse on months it has not seen, because the search "
        "kept what did best on the history, its noise included",
    }[word]
    return Verdict(
        answer,
        f"The rule catches {pct(held_out_rate)} of the held-out months' defects against "
        f"{pct(history_rate)} on the history it was chosen on: {word}. That is because "
        f"{reason}.",
    )


@prediction(
    "4.8",
    a="exactly one row for each error",
    b="more rows than there are errors",
    c="fewer rows than there are errors",
)
def rejected_rows(raw_export: pd.DataFrame, original: pd.DataFrame, accounting) -> Verdict:
    same = (raw_export == original) | (raw_export.isna() & original.isna())
    edited = int((~same).any(axis=1).sum())
    rejected = accounting.counts["rejected"]
    answer = "a" if rejected == edited else "b" if rejected > edited else "c"
    reasons = accounting.decisions.query("decision == 'rejected'")["reason"]
    return Verdict(
        answer,
        f"{edited} rows were edited and {rejected} are rejected: "
        f"{'; '.join(dict.fromkeys(r.split(':')[0] for r in reasons))}. A part id typed twice "
        "rejects both copies, because which one is right is for a person to decide; the "
        f"counts still add up to the {accounting.rows} rows received.",
    )
