"""Chapter 5's predict-then-run questions, one per main section: the economics declared, what
each could save on 31 August, the four plans, when POC first would win, looking back, the
model step on 29 December, and what it takes to build, run and keep."""

from __future__ import annotations

import math

import pandas as pd

from pocmvp.case.business_case import (
    MVP_ONLY,
    MVP_THEN_MODEL,
    POC_CHEAP,
    POC_FIRST,
    POC_MODEL,
    RULE,
    SHIFT_LOG_MODEL,
    Plan,
)
from pocmvp.machinery import bench
from pocmvp.machinery.display import eur, num, pct
from pocmvp.machinery.predictions import Verdict, compared, prediction

# "About as likely as not": a chance within this share of one half.
EVEN = 0.1
# "About halfway": the rule's saving within this share of half the POC's.
HALFWAY = 0.1
# The orders of magnitude of a speed-up, from the lowest, one option each.
MAGNITUDES = ("a", "b", "c", "d")


@prediction(
    "5.1",
    a="more likely to ship than not",
    b="about as likely to ship as not",
    c="less likely to ship than not",
)
def poc_chance(declared: pd.DataFrame, systems: int, departments: int) -> Verdict:
    values = declared["value"]
    per_system = values["chance per system changed"]
    per_department = values["chance per department retrained"]
    chance = values["chance a project ships"] * per_system**systems * per_department**departments
    word = compared(chance, 0.5, within=EVEN)
    answer = {"higher": "a", "about the same": "b", "lower": "c"}[word]
    return Verdict(
        answer,
        f"The POC's bill changes {num(systems)} systems and retrains {num(departments)} "
        f"department{'s' if departments != 1 else ''}: {pct(values['chance a project ships'], 0)} "
        f"that any project ships, times {pct(per_system, 0)} for each system and "
        f"{pct(per_department, 0)} for each department, gives {pct(chance, 0)}. Each change "
        "is one more owner, budget and test that can stall the project, so the chances "
        "multiply: a step that changes nothing keeps the first figure alone.",
    )


@prediction(
    "5.2",
    a="closer to the POC's saving",
    b="about halfway between the two",
    c="closer to nothing",
)
def rule_estimate(savings: dict[str, float], months: int) -> Verdict:
    rule_saving, poc_saving = savings[RULE], savings[POC_MODEL]
    if poc_saving <= 0:
        return Verdict(
            None,
            "on these months the POC's estimated saving is nothing, so there is no gap for "
            "the rule to be closer to either end of.",
        )
    share = rule_saving / poc_saving
    answer = (
        "b"
        if abs(rule_saving - poc_saving / 2) <= HALFWAY * poc_saving / 2
        else "a"
        if abs(rule_saving - poc_saving) < abs(rule_saving)
        else "c"
    )
    reason = {
        "a": "A rule on columns already in the sheet gets most of the way that an ensemble "
        "on every signal, MES included, gets: the riskiest parts are risky in readings the "
        "operators already record.",
        "b": "A rule on columns already in the sheet gets about half the way that an ensemble "
        "on every signal, MES included, gets.",
        "c": "On these months the rule falls well short of the ensemble on every signal.",
    }[answer]
    return Verdict(
        answer,
        f"Estimated on the history's last {num(months)} months, the rule would save "
        f"{eur(rule_saving)} a month and the POC {eur(poc_saving)}: {pct(share, 0)} of the "
        f"POC's saving. {reason} An estimate from {num(months)} months counts few defective "
        "parts, which is why the chapter checks it on the months after the decision.",
    )


@prediction(
    "5.3",
    a="POC first",
    b="POC first, the cheap way",
    c="a plan that starts with the MVP: MVP only, or MVP now, then the model",
)
def best_plan(value: dict[str, float], plans: dict[str, Plan]) -> Verdict:
    best = max(value, key=value.get)
    answer = "c" if best in (MVP_ONLY, MVP_THEN_MODEL) else "b" if best == POC_CHEAP else "a"
    ranked = "; ".join(f"{name} {eur(value[name])}" for name in sorted(value, key=value.get)[::-1])
    then_model = plans[MVP_THEN_MODEL]
    tie = (
        " MVP now, then the model builds no model step on these estimates, so it is worth "
        "what MVP only is worth."
        if len(then_model.steps) == 1
        else ""
    )
    firsts = {name: plan.go_live()[0] for name, plan in plans.items()}
    poc_saving = plans[POC_FIRST].steps[0].monthly_saving
    rule_saving = plans[MVP_ONLY].steps[0].monthly_saving
    savings = f"The POC would save {eur(poc_saving)} a month once live, the rule {eur(rule_saving)}"
    larger = "the POC's larger saving" if poc_saving > rule_saving else "any gap in savings"
    weighed = (
        f"{savings}: the months to go live and the chance of shipping weigh more than {larger}."
        if answer == "c"
        else f"{savings}: here the POC's saving outweighs its months and its chance."
    )
    soonest, latest = min(firsts, key=firsts.get), max(firsts, key=firsts.get)
    return Verdict(
        answer,
        f"Expected value over the horizon: {ranked}.{tie} A saving counts only once its step "
        f"is live and only if it ships: {soonest} goes live in month "
        f"{num(firsts[soonest], 1)}, {latest} in month {num(firsts[latest], 1)} if it ships at "
        f"all ({pct(plans[latest].chance_live()[0], 0)} likely). {weighed}",
    )


@prediction(
    "5.4",
    a="yes, at the POC's declared months to go live and chance of shipping",
    b="only if it also went live sooner or more surely than declared",
    c="no, not even live at once and sure to ship",
)
def free_building(
    costless_margin: float, free: pd.Series, poc_months: float, poc_chance: float
) -> Verdict:
    winning = free.dropna()
    answer = "a" if costless_margin < 0 else "c" if winning.empty else "b"
    where = (
        "it would win nowhere on the chart, at no months to go live and no chance"
        if winning.empty
        else f"it would win only live within {num(winning.index.max(), 1)} months, and even "
        f"live at once only with a chance of shipping of at least {pct(winning.iloc[0], 0)}"
    )
    return Verdict(
        answer,
        f"With building and running free, at the POC's declared {num(poc_months, 1)} months "
        f"and {pct(poc_chance, 0)} chance, MVP first ends {eur(abs(costless_margin))} "
        f"{'ahead' if costless_margin >= 0 else 'behind'}; {where}. Free building does not "
        "buy back the months the POC saves nothing while it is built, nor the chance that it "
        "never ships: time and risk decide, more than the bill.",
    )


@prediction(
    "5.5",
    a="the same order as on the day of the decision",
    b="another order, with MVP now, then the model still above both POC plans",
    c="another order, with a POC plan above MVP now, then the model",
)
def order_looking_back(
    decided_order: list[str],
    backtest_order: list[str],
    backtest_value: dict[str, float],
    lead: float,
    lead_in_noise: float,
    noise_width: float,
) -> Verdict:
    answer = "a" if backtest_order == decided_order else "b" if lead >= 0 else "c"
    within = abs(lead_in_noise) <= noise_width
    return Verdict(
        answer,
        f"On 31 August: {'; '.join(decided_order)}. Valued on September to November: "
        + "; ".join(f"{name} {eur(backtest_value[name])}" for name in backtest_order)
        + f". MVP now, then the model ends {eur(abs(lead))} "
        f"{'ahead of' if lead >= 0 else 'behind'} the better POC plan, "
        f"{num(abs(lead_in_noise), 1)} standard deviations of its noise "
        f"{'above' if lead >= 0 else 'below'} zero, "
        + (
            "within the noise: a margin this size on so few months could be chance. "
            if within
            else "beyond the noise. "
        )
        + "Plans whose values lie close together can swap places on a few months of parts; "
        "the estimate of 31 August was the best the plant had on its date, and the backtest "
        "checks it rather than replacing it.",
    )


@prediction(
    "5.6",
    a="no model step: the rule stays alone",
    b="one model step",
    c="both model steps: the shift-log model, then the MES feed for the POC's model",
)
def model_step(plan: Plan, evidence: dict[str, float], months: int) -> Verdict:
    built = [step.name for step in plan.steps[1:]]
    answer = {0: "a", 1: "b"}.get(len(built), "c")
    skipped = [
        f"{skip.step.name} (it would {'lose' if skip.value_added < 0 else 'add'} "
        f"{eur(abs(skip.value_added))})"
        for skip in plan.skipped
    ]
    return Verdict(
        answer,
        f"On the {num(months)} final months the rule saves {eur(evidence[RULE])} a month, the "
        f"tuned shift-log model {eur(evidence[SHIFT_LOG_MODEL])} and the POC's model "
        f"{eur(evidence[POC_MODEL])}. "
        f"Built: {', '.join(built) if built else 'no model step'}"
        f"{'; not built: ' + ', '.join(skipped) if skipped else ''}. A step is built only "
        "if, valued the way the plans are, it adds to the plan over the rest of the "
        "product's life: its extra saving against the rule must repay its cost and the "
        "months it waits for its evidence.",
    )


@prediction(
    "5.7",
    a="a few times faster",
    b="tens of times faster",
    c="hundreds of times faster",
    d="thousands of times faster or more",
)
def speed_up(scoring: bench.Scoring) -> Verdict:
    ratio = scoring.rule_speed_up
    magnitude = max(0, math.floor(math.log10(ratio))) if ratio > 0 else 0
    answer = MAGNITUDES[min(magnitude, len(MAGNITUDES) - 1)]
    return Verdict(
        answer,
        f"Scoring a million parts took the POC {num(scoring.poc_seconds, 1)} s and the rule "
        f"{num(scoring.rule_seconds, 4)} s (recorded by `make bench` on {scoring.recorded_on}): "
        f"{num(ratio)} times faster. The rule compares a column or two with thresholds, one "
        "pass over the table; the POC joins the MES signals, builds its features and runs "
        "every model of its ensemble on each part.",
    )
