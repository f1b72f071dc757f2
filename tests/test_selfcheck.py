"""The self-checks: no hint before an attempt, feedback that follows the mistake, hints that
grow with the attempts, and choices that cannot be found by going through the options."""

import pytest

from pocmvp.machinery import selfcheck
from pocmvp.machinery.selfcheck import Misconception

EXPECTED = 0.123456
HINTS = ("think about the denominator", "divide the night defects by the night parts")
MISTAKES = (
    selfcheck.as_percentage(EXPECTED),
    Misconception("a count", 412, "that is a count of parts; the question asks for a rate."),
)


def number(answer):
    return selfcheck.check_number(
        "9.1", answer, EXPECTED, hints=HINTS, misconceptions=MISTAKES, tier="check"
    )


def test_placeholder_is_not_answered_yet_and_gives_no_hint():
    feedback = number(...)
    assert feedback.status == selfcheck.NOT_ANSWERED and feedback.tier == "check"
    assert str(feedback) == "[ ] Exercise 9.1: not answered yet."


@pytest.mark.parametrize(("answer", "direction"), [(0.2, "too high"), (0.05, "too low")])
def test_a_first_wrong_number_says_the_direction_and_no_hint(answer, direction):
    feedback = number(answer)
    assert feedback.status == selfcheck.INCORRECT and feedback.misconception is None
    assert direction in feedback.message and "Hint" not in feedback.message
    assert "0.12" not in str(feedback) and "12.3" not in str(feedback)


def test_each_misconception_gets_its_own_feedback():
    for mistake in MISTAKES:
        feedback = number(mistake.answer)
        assert feedback.misconception == mistake.name
        assert mistake.feedback in feedback.message
    assert "percentage" in number(12.3456).message


def test_hints_grow_with_distinct_attempts_and_never_give_the_answer():
    first, second, third, fourth = number(0.2), number(0.3), number(0.4), number(0.5)
    assert "Hint" not in first.message and "next attempt gets a hint" in first.message
    assert f"Hint: {HINTS[0]}" in second.message
    assert f"Stronger hint: {HINTS[1]}" in third.message and HINTS[1] in fourth.message
    assert [f.attempt for f in (first, second, third, fourth)] == [1, 2, 3, 4]
    # Running the same wrong answer again is not another attempt.
    assert number(0.5).attempt == 4
    assert number(EXPECTED * 1.001).status == selfcheck.CORRECT


def test_a_misconception_equal_to_the_answer_is_not_declared():
    same = Misconception("same", EXPECTED, "x")
    selfcheck.check_number("9.2", 1.0, EXPECTED, hint="h", misconceptions=[same])
    assert selfcheck.declared("9.2").misconceptions == ()
    assert number(...).status == selfcheck.NOT_ANSWERED
    assert [m.name for m in selfcheck.declared("9.1").misconceptions] == ["a percentage", "a count"]


def test_text_or_nan_for_a_number_is_feedback_not_a_crash():
    feedback = selfcheck.check_number("9.1", "many", 3.0, hint="h")
    assert feedback.status == selfcheck.INCORRECT and "expected a number" in str(feedback)
    assert "NaN" in selfcheck.check_number("9.3", float("nan"), 3.0, hint="h").message


def test_an_unknown_tier_is_refused():
    with pytest.raises(ValueError, match="tier"):
        selfcheck.check_number("9.1", 1.0, 1.0, hint="h", tier="hard")


OPTIONS = ["C1", "C2", "C3", "C4", "C5", "C6"]


def choice(answer):
    return selfcheck.check_choice(
        "9.4",
        answer,
        "C3",
        options=OPTIONS,
        hints=HINTS,
        explanations={"C1": "C1 casts the most parts, not the most defective ones."},
        misconceptions=[Misconception("a count", "C2", "you picked the most defects.")],
    )


def test_choice_ignores_case_and_rejects_unknown_options_without_counting_them():
    assert choice(" c3 ").status == selfcheck.CORRECT
    unknown = choice("C9")
    assert "pick one of" in unknown.message and unknown.attempt == 0


def test_a_wrong_choice_is_explained():
    wrong = choice("C1")
    assert wrong.status == selfcheck.INCORRECT and "casts the most parts" in wrong.message
    assert "C3" not in wrong.message
    assert choice("C2").misconception == "a count"


def test_going_through_the_options_finds_nothing():
    feedback = [choice(option) for option in OPTIONS]
    # Two wrong picks are judged (the second says it was the last); then every pick, the
    # right one included, gets the same words.
    assert [f.status for f in feedback[:2]] == [selfcheck.INCORRECT] * 2
    assert "last pick" in feedback[1].message
    after = feedback[2:]
    assert {f.status for f in after} == {selfcheck.LOCKED}
    assert len({f.message for f in after}) == 1 and "no longer says" in after[0].message


def test_two_options_judge_one_wrong_pick():
    def pick(answer):
        return selfcheck.check_choice("9.5", answer, "yes", options=["yes", "no"], hint="h")

    assert pick("no").status == selfcheck.INCORRECT
    assert pick("yes").status == selfcheck.LOCKED


def test_predicate_errors_and_diagnoses_become_feedback():
    feedback = selfcheck.check_with("9.3", [1], lambda a: a["x"] > 0, hint="h")
    assert feedback.status == selfcheck.INCORRECT and "could not check" in feedback.message
    mistake = Misconception("a sign", -1, "the sign is flipped.")
    diagnosed = selfcheck.check_with(
        "9.3", -1, lambda a: a > 0, hint="h", diagnose=lambda a: mistake if a < 0 else None
    )
    assert diagnosed.misconception == "a sign" and "flipped" in diagnosed.message


def test_assert_all_correct_counts_and_fails_on_any_miss():
    selfcheck.check_number("9.1", 1.0, 1.0, hint="h")
    selfcheck.check_number("9.2", 2.0, 2.0, hint="h")
    assert "All 2" in selfcheck.assert_all_correct(2)
    with pytest.raises(AssertionError):
        selfcheck.assert_all_correct(3)
    selfcheck.check_number("9.2", 5.0, 2.0, hint="h")
    with pytest.raises(AssertionError, match="9.2"):
        selfcheck.assert_all_correct(2)
