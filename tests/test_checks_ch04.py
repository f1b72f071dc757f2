"""Chapter 4's self-checks: right answers pass, wrong ones get a hint but not the answer."""

from pocmvp.case import factory
from pocmvp.case import plant_rule as rule
from pocmvp.machinery import selfcheck
from pocmvp.machinery.checks import ch04


def test_best_single_column(fast_plant):
    log = fast_plant.shift_log
    history = factory.in_months(log, factory.TRAIN_MONTHS)
    single = rule.find_rule(history, "defect", 0.05, max_conditions=1).rule
    right = single.conditions[0].column
    assert ch04.best_single_column(right, log).status == selfcheck.CORRECT
    wrong = next(c for c in rule.RULE_COLUMNS if c != right)
    feedback = ch04.best_single_column(wrong, log)
    assert feedback.status == selfcheck.INCORRECT and right not in feedback.message
    assert ch04.best_single_column(..., log).status == selfcheck.NOT_ANSWERED


def test_night_share_of_flags(fast_plant):
    log = fast_plant.shift_log
    feedback = ch04.night_share_of_flags(0.99, log)
    assert feedback.status == selfcheck.INCORRECT and "too high" in feedback.message
