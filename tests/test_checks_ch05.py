"""Chapter 5's exercises three ways: blank (not answered), with a right answer computed here
a second way (closed forms of the valuation, plain arithmetic on the rule's counts, not the
call the check makes), and with each misconception its check declares (that misconception's
feedback, never the answer)."""

import math

from test_exercise_feedback import three_ways

from pocmvp.case import bill, business_case, factory, status_quo
from pocmvp.machinery import selfcheck
from pocmvp.machinery.checks import ch05


def never_shows(check, declared, value, *data):
    """No misconception's message, at any attempt, quotes the expected value."""
    selfcheck.reset()
    for mistake in declared.misconceptions:  # each a new attempt: the later carry the hints
        message = check(mistake.answer, *data).message
        for figure in selfcheck.figures_in(message):
            assert not math.isclose(figure, value, rel_tol=0.005), (mistake, message)


def poc_closed_form(saving):
    """The POC's bill spent evenly until go-live, then saving less running cost each month:
    cumulative value at month m >= go-live is -cost + net * (m - go-live)."""
    return bill.one_off_cost(), saving - bill.running_cost_per_month(), bill.months_to_go_live()


def test_5_1_break_even_if_certain():
    cost, net, go_live = poc_closed_form(ch05.POC_SAVING)
    right = math.floor(go_live + cost / net) + 1
    declared = three_ways(ch05.poc_break_even_if_certain, right, tier="check")
    assert {"a year", "from go-live", "the go-live month"} <= {
        m.name for m in declared.misconceptions
    }
    never_shows(ch05.poc_break_even_if_certain, declared, right)


def test_5_2_known_at_decision():
    right = next(o for o in ch05.DECISION_FIGURES if "history" in o)
    declared = three_ways(ch05.known_at_decision, right, tier="check")
    assert {"after the decision", "the proven value"} == {m.name for m in declared.misconceptions}
    # Each wrong pick is explained without naming the right one.
    for option in ch05.DECISION_FIGURES:
        if option != right:
            selfcheck.reset()
            feedback = ch05.known_at_decision(option)
            assert feedback.status == selfcheck.INCORRECT and right not in feedback.message


def test_5_2_stops_judging_after_two_wrong_picks():
    wrong = [o for o in ch05.DECISION_FIGURES if "history" not in o]
    for option in wrong[:2]:
        ch05.known_at_decision(option)
    assert ch05.known_at_decision(wrong[2]).status == selfcheck.LOCKED


def fewer_per_month(log, cost_of_return):
    economics = status_quo.PlantEconomics(cost_per_shipped_defect=cost_of_return)
    _, promise = business_case.measure_rule(log, economics)
    return promise.fewer_shipped / len(promise.months)


def mvp_closed_form(saving, horizon):
    """MVP only: its tasks' cost spent before go-live (under a month), then the saving less
    the upkeep each live month, weighted by its chance of shipping."""
    days = sum(t.person_days for t in business_case.MVP_TASKS)
    go_live = days / business_case.WORKING_DAYS_PER_MONTH
    running = (
        business_case.MVP_RUNNING_HOURS_PER_MONTH
        / business_case.HOURS_PER_DAY
        * business_case.DAY_RATE
    )
    chance = business_case.MVP_CHANCE_OF_SHIPPING
    return -days * business_case.DAY_RATE + chance * (saving - running) * (horizon - go_live)


def test_5_3_mvp_value_at_dearer_returns(log):
    plant_parts = factory.DEFAULT_PARTS / len(log)
    saving = fewer_per_month(log, ch05.DEARER_RETURN) * plant_parts * ch05.DEARER_RETURN
    right = mvp_closed_form(saving, business_case.HORIZON_MONTHS)
    assert math.isclose(right, business_case.value_at(business_case.mvp_only(saving)))
    declared = three_ways(ch05.mvp_value_at, right, log, tier="apply")
    assert {"the sample", "today's cost", "a month", "no costs", "a year"} == {
        m.name for m in declared.misconceptions
    }
    never_shows(ch05.mvp_value_at, declared, right, log)


def test_5_4_chance_to_break_even():
    cost, net, go_live = poc_closed_form(ch05.POC_SAVING)
    right = cost / (net * (business_case.HORIZON_MONTHS - go_live))
    declared = three_ways(ch05.chance_to_break_even, right, tier="apply")
    assert {"a percentage", "one minus", "the declared chance"} == {
        m.name for m in declared.misconceptions
    }
    never_shows(ch05.chance_to_break_even, declared, right)


def test_5_5_mvp_then_model_note(log):
    proven = fewer_per_month(log, status_quo.ECONOMICS.cost_per_shipped_defect) * (
        factory.DEFAULT_PARTS / len(log) * status_quo.ECONOMICS.cost_per_shipped_defect
    )
    note = (
        f"The rule has saved €{proven:,.0f} a month on its first live months, final figures. "
        + "Start with the rule and build the model only on that proof. " * 4
    )
    declared = three_ways(ch05.mvp_then_model_note, note, log, tier="stretch")
    assert {"a year", "the horizon", "the sample", "no argument"} == {
        m.name for m in declared.misconceptions
    }
    never_shows(ch05.mvp_then_model_note, declared, proven, log)
    # A note with no figure is feedback, not a crash.
    assert ch05.mvp_then_model_note("start small " * 30, log).status == selfcheck.INCORRECT
