"""Chapter 3's exercises three ways: blank (not answered), with a right answer computed here
from the bill's items with plain arithmetic (not the call the check makes), and with each
misconception its check declares (that misconception's feedback, never the answer)."""

import math

from test_exercise_feedback import three_ways

from pocmvp.case import bill
from pocmvp.machinery import selfcheck
from pocmvp.machinery.checks import ch03


def engineering(change):
    return change.weeks * change.people * bill.PERSON_WEEK_EUR + change.outside_cost_eur


def training(retraining):
    return sum(r.headcount * r.days_each * r.cost_per_person_day_eur for r in retraining)


def never_shows(check, declared, value):
    """No misconception's message, at any attempt, quotes the expected value."""
    selfcheck.reset()
    for mistake in declared.misconceptions:  # each a new attempt: the later carry the hints
        message = check(mistake.answer).message
        for figure in selfcheck.figures_in(message):
            assert not math.isclose(figure, value, rel_tol=0.005), (mistake, message)


def test_3_1_unavailable_share():
    table = bill.inputs_table()
    right = (table["known when the part is routed"] == "no").mean()
    declared = three_ways(ch03.unavailable_share, right, tier="check")
    assert {"a percentage", "a count", "the known share", "after the feed"} == {
        m.name for m in declared.misconceptions
    }
    never_shows(ch03.unavailable_share, declared, right)


def test_3_2_never_available():
    table = bill.inputs_table()
    right = table.loc[table["made available by"] == "nothing", "feature group"].item()
    declared = three_ways(ch03.never_available, right, tier="check")
    assert all(right not in m.feedback for m in declared.misconceptions)
    # Each wrong pick is explained without naming the right group.
    for group in table["feature group"]:
        if group != right:
            selfcheck.reset()
            feedback = ch03.never_available(group)
            assert feedback.status == selfcheck.INCORRECT and right not in feedback.message


def test_3_2_stops_judging_after_two_wrong_picks():
    table = bill.inputs_table()
    wrong = table.loc[table["made available by"] != "nothing", "feature group"].tolist()
    for group in wrong[:2]:
        ch03.never_available(group)
    assert ch03.never_available(wrong[2]).status == selfcheck.LOCKED


def test_3_3_one_off_cost_with_traceability():
    changes = (*bill.CHANGES, ch03.TRACEABILITY)
    right = sum(engineering(c) for c in changes) + training(bill.RETRAINING)
    declared = three_ways(ch03.one_off_cost_with_traceability, right, tier="apply")
    assert {"one system", "the old bill", "no retraining", "a month"} == {
        m.name for m in declared.misconceptions
    }
    never_shows(ch03.one_off_cost_with_traceability, declared, right)


def finish_weeks(items):
    """Each item's finish week, the longest chain of what it waits for (plain recursion)."""
    done = {}

    def finish(name):
        if name not in done:
            weeks, waits_for = items[name]
            done[name] = weeks + max((finish(d) for d in waits_for), default=0)
        return done[name]

    return {name: finish(name) for name in items}


def test_3_4_months_with_slow_feed():
    items = {c.system: (c.weeks, c.waits_for) for c in bill.CHANGES}
    items["MES data feed"] = (ch03.SLOW_FEED_WEEKS, ())
    items |= {r.department: (r.calendar_weeks, r.waits_for) for r in bill.RETRAINING}
    right = max(finish_weeks(items).values()) * 12 / 52
    declared = three_ways(ch03.months_with_slow_feed, right, tier="apply")
    assert {"weeks", "today's feed", "the feed alone", "four weeks a month"} <= {
        m.name for m in declared.misconceptions
    }
    never_shows(ch03.months_with_slow_feed, declared, right)


def test_3_5_shift_log_only_note():
    service = next(c for c in bill.CHANGES if c.system == "model service")
    cost = engineering(service) + training(bill.RETRAINING)
    note = (
        f"Without the MES feed and the station change, going live costs €{cost:,.0f} once. "
        + "It gives up the MES signals and some catch. " * 5
    )
    declared = three_ways(ch03.shift_log_only_note, note, tier="stretch")
    assert {"the full bill", "no retraining", "the saving", "a month", "no argument"} == {
        m.name for m in declared.misconceptions
    }
    never_shows(ch03.shift_log_only_note, declared, cost)
    # A note with no figure of the bill is feedback, not a crash.
    assert ch03.shift_log_only_note("too dear " * 30).status == selfcheck.INCORRECT


def test_3_5_the_smaller_bill_schedules():
    changes, retraining = ch03.shift_log_only_bill()
    assert {c.system for c in changes} == {"model service"}
    assert bill.weeks_to_go_live(changes, retraining) < bill.weeks_to_go_live()
