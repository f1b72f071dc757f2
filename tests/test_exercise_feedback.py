"""Each exercise of chapters 1, 4 and 9 three ways, in-process and in fast mode: blank (not
answered), with the solution's answer (correct), and with each misconception its check
declares (that misconception's feedback). The right answers are computed here with pandas
where a few lines do it, not by the call the check makes."""

import pytest

from pocmvp.case import bottling, factory, status_quo
from pocmvp.case import plant_rule as rule
from pocmvp.case.story import ch09 as story_ch09
from pocmvp.machinery import formula_check, selfcheck
from pocmvp.machinery.checks import ch01, ch04, ch09
from pocmvp.toolkit import spreadsheet_engine


def three_ways(check, right, *data, tier, at_least=2, shown=()):
    """Blank, right, and each declared mistake; no mistake's message quotes any of ``shown``."""
    blank = check(..., *data)
    assert blank.status == selfcheck.NOT_ANSWERED and blank.message == "not answered yet."
    solved = check(right, *data)
    assert solved.status == selfcheck.CORRECT, solved
    declared = selfcheck.declared(solved.exercise)
    assert declared.tier == tier
    # A choice's mistakes that pick the right option on this data are left out.
    assert len(declared.misconceptions) >= at_least, declared
    for mistake in declared.misconceptions:
        selfcheck.reset()
        feedback = check(mistake.answer, *data)
        assert feedback.status == selfcheck.INCORRECT, (mistake, feedback)
        assert feedback.misconception == mistake.name, (mistake, feedback)
        assert mistake.feedback in feedback.message and "Hint" not in feedback.message
        for value in shown:
            assert value not in feedback.message, (value, feedback)
    return declared


@pytest.fixture(scope="module")
def history(log):
    return log[log["cast_at"].dt.strftime("%Y-%m").isin(factory.TRAIN_MONTHS)]


def test_1_1_night_defect_rate(log, history):
    night = history[history["shift"] == "night"]
    right = night["defect"].sum() / len(night)
    declared = three_ways(ch01.night_defect_rate, right, log, tier="check")
    assert {"a percentage", "a count", "share of defects"} <= {
        m.name for m in declared.misconceptions
    }


def test_1_2_worst_cell(log, history):
    rates = {cell: group["defect"].mean() for cell, group in history.groupby("cell")}
    right = max(rates, key=rates.get)
    three_ways(ch01.worst_cell, right, log, tier="check", at_least=1)


def test_1_3_yearly_cost(log, history):
    # The cost scales with the price of a return: a closed form, not another baseline call.
    today = status_quo.baseline(history).cost_per_year
    right = today * 300.0 / status_quo.ECONOMICS.cost_per_shipped_defect
    declared = three_ways(ch01.yearly_cost_at, right, log, 300.0, tier="apply")
    assert "a month" in {m.name for m in declared.misconceptions}


def test_4_1_best_single_column(log, history):
    single = rule.find_rule(
        history, "defect", status_quo.ECONOMICS.inspection_capacity_share, max_conditions=1
    ).rule
    right = single.conditions[0].column
    three_ways(ch04.best_single_column, right, log, tier="check", at_least=1)


PLANNER = rule.Rule.of(("scrap_share_pct", ">", 35), ("shots_since_maintenance", ">", 6000))


RIGHT_FORMULAS = [
    "=OR(AND(ISNUMBER(L7),L7>35),AND(ISNUMBER(F7),F7>6000))",
    "=or( and(isnumber(F7), F7>6000), and(isnumber(L7), L7>35) )",
    "=OR(AND(ISNUMBER(L7),L7>35),F7>6000)",
    "=OR(IF(ISNUMBER(L7),L7>35,FALSE),IF(ISNUMBER(F7),F7>6000,FALSE))",
    '=OR(AND(L7<>"",L7>35),AND(F7<>"",F7>6000))',
    "=IF(OR(L7>35,F7>6000),TRUE,FALSE)",
]


@pytest.fixture(scope="module")
def computed_in_one_run():
    """Every formula below on the check's test rows, computed in ONE LibreOffice run (where
    it is installed) instead of one run per formula: (rows, row) -> formula -> values."""
    probes = formula_check.probes(PLANNER, ch04.TYPICAL_ROW)
    rows = [formula_check.as_cells(p.values, rule.WORKBOOK_COLUMNS) for p in probes]
    values = formula_check.evaluate_many(RIGHT_FORMULAS, rows, 7)
    return rows, dict(zip(RIGHT_FORMULAS, values, strict=True))


@pytest.mark.parametrize("formula", RIGHT_FORMULAS)
def test_4_2_any_formula_that_does_what_the_rule_does_passes(
    formula, computed_in_one_run, monkeypatch
):
    rows, values = computed_in_one_run
    evaluate, read = formula_check.evaluate, []

    def computed(text, on_rows, row, *, engine="auto"):
        if text == formula and row == 7 and list(on_rows) == rows and engine == "auto":
            read.append(text)
            return values[formula]
        return evaluate(text, on_rows, row, engine=engine)

    monkeypatch.setattr(formula_check, "evaluate", computed)
    assert ch04.excel_formula_for(formula, PLANNER, 7).status == selfcheck.CORRECT
    assert read, "the check judged the formula on the rows computed in one run"


def test_4_2_formula_three_ways(monkeypatch):
    # The `formulas` engine for these eleven evaluations; the formulas above, and
    # tests/test_formula_check.py, use LibreOffice where it is installed.
    monkeypatch.setattr(spreadsheet_engine, "libreoffice_available", lambda: False)
    right = PLANNER.excel_formula(7, rule.WORKBOOK_COLUMNS)
    declared = three_ways(ch04.excel_formula_for, right, PLANNER, 7, tier="apply")
    assert {"and for or", "boundary", "blank flags", "threshold", "column letters"} <= {
        m.name for m in declared.misconceptions
    }


def test_4_2_a_formula_the_engine_cannot_read_is_feedback():
    feedback = ch04.excel_formula_for("=OR(L7>35;F7>6000", PLANNER, 7)
    assert feedback.status == selfcheck.INCORRECT and "cannot read" in feedback.message


def test_4_3_night_share_of_flags(log, history):
    held_out = log[log["cast_at"].dt.strftime("%Y-%m").isin(factory.HELD_OUT_MONTHS)]
    chosen = rule.find_rule(history, "defect", status_quo.ECONOMICS.inspection_capacity_share).rule
    flagged = held_out[chosen.flag(held_out)]
    right = (flagged["shift"] == "night").sum() / len(flagged)
    declared = three_ways(ch04.night_share_of_flags, right, log, tier="apply")
    assert "flag rate" in {m.name for m in declared.misconceptions}


@pytest.fixture(scope="module")
def bottles():
    return bottling.generate_bottling(bottling.bottles_for(True), seed=factory.DEFAULT_SEED)


def test_9_1_forced_catch_rate(bottles):
    export = bottles.export()
    forced = story_ch09.fit(export, 0.05, list(ch09.FORCED_COLUMNS))
    flags, failed = forced.rule.flag(export), bottling.failed(export)
    right = (flags & failed).sum() / failed.sum()
    three_ways(ch09.forced_catch_rate, right, export, tier="check")


def test_9_2_flagged_share(bottles):
    export = bottles.export()
    right = story_ch09.fit(export, ch09.BIGGER_LAB).rule.flag(export).mean()
    three_ways(ch09.flagged_share_at, right, export, tier="check")


def test_9_3_next_month(bottles):
    with_time = bottles.export(with_time=True)
    months = bottling.months(with_time)
    chosen = story_ch09.fit(with_time[months <= story_ch09.HISTORY_UNTIL]).rule
    right = story_ch09.month_after(with_time, chosen, ch09.NEXT_MONTH).catch_rate
    three_ways(ch09.next_month_catch_rate, right, with_time, tier="apply")


def test_1_4_month_at_your_price(log, history):
    # Closed form: the month's cost scales with the price of a return.
    today = status_quo.baseline(history).cost_per_month
    month = today * 400.0 / status_quo.ECONOMICS.cost_per_shipped_defect
    note = f"At my price a month costs €{month:,.0f}. " + "It means more. " * 15
    declared = three_ways(ch01.month_at_price, note, log, 400.0, tier="stretch")
    assert {"a year", "the old price", "a count", "no argument"} == {
        m.name for m in declared.misconceptions
    }
    assert ch01.month_at_price(note, log, ...).status == selfcheck.INCORRECT


def test_4_4_email_to_the_quality_lead(log, history):
    capacity = status_quo.ECONOMICS.inspection_capacity_share
    chosen = rule.find_rule(history, "defect", capacity, rule.RULE_COLUMNS).rule
    month = log[log["cast_at"].dt.strftime("%Y-%m") == factory.HELD_OUT_MONTHS[0]]
    caught = int((chosen.flag(month) & month["defect"]).sum())
    email = f"Dear quality lead, the rule caught {caught} defective parts. " + "Word " * 60
    email += "Would you trust it?"
    declared = three_ways(ch04.email_to_quality_lead, email, log, tier="stretch")
    assert {"flagged, not caught", "every held-out month", "no question"} <= {
        m.name for m in declared.misconceptions
    }
    selfcheck.reset()
    short = ch04.email_to_quality_lead(f"{caught} caught. Trust it?", log)
    assert short.status == selfcheck.INCORRECT and "too short" in short.message


def test_9_4_columns_left_out(bottles):
    export = bottles.export()
    # The leaked column the chapter names, found here by pandas: a hold is booked only for
    # bottles whose seal failed.
    failed = bottling.failed(export).astype(bool)
    held = export[bottling.QA_HOLD].fillna(0) > 0
    assert held[failed].mean() > held[~failed].mean()
    argument = f"Leave out {bottling.QA_HOLD}: it is booked after the seal test. " + "So. " * 40
    declared = three_ways(
        ch09.columns_left_out,
        ([bottling.QA_HOLD], argument),
        export,
        bottling.TARGET,
        bottling.BOTTLE_ID,
        tier="stretch",
    )
    assert {"unknown column", "the target", "nothing left", "not argued", "a leak kept"} == {
        m.name for m in declared.misconceptions
    }
