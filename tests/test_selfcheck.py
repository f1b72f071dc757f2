import pytest

from pocmvp.machinery import selfcheck


@pytest.fixture(autouse=True)
def fresh_results(monkeypatch):
    monkeypatch.setattr(selfcheck, "_results", {})


def test_placeholder_is_not_answered_yet():
    feedback = selfcheck.check_number("9.1", ..., 0.123, hint="look again")
    assert feedback.status == selfcheck.NOT_ANSWERED
    assert "not answered yet" in str(feedback) and "look again" in str(feedback)


@pytest.mark.parametrize(("answer", "direction"), [(0.2, "too high"), (0.05, "too low")])
def test_wrong_number_says_the_direction_not_the_answer(answer, direction):
    feedback = selfcheck.check_number("9.1", answer, 0.123456, hint="h")
    assert feedback.status == selfcheck.INCORRECT
    assert direction in str(feedback)
    assert "0.12" not in str(feedback) and "12.3" not in str(feedback)


def test_close_enough_is_correct():
    assert selfcheck.check_number("9.1", 0.1235, 0.1234, hint="h").status == selfcheck.CORRECT


def test_text_for_a_number_is_feedback_not_a_crash():
    feedback = selfcheck.check_number("9.1", "many", 3.0, hint="h")
    assert feedback.status == selfcheck.INCORRECT and "expected a number" in str(feedback)


def test_choice_ignores_case_and_rejects_unknown_options():
    options = ["C1", "C2", "C3"]
    assert selfcheck.check_choice("9.2", " c3 ", "C3", options=options, hint="h").status == (
        selfcheck.CORRECT
    )
    wrong = selfcheck.check_choice("9.2", "C1", "C3", options=options, hint="h")
    assert wrong.status == selfcheck.INCORRECT and "C3" not in wrong.message
    unknown = selfcheck.check_choice("9.2", "C9", "C3", options=options, hint="h")
    assert "pick one of" in unknown.message


def test_predicate_errors_become_feedback():
    feedback = selfcheck.check_with("9.3", [1], lambda a: a["x"] > 0, hint="h")
    assert feedback.status == selfcheck.INCORRECT and "could not check" in feedback.message


def test_assert_all_correct_counts_and_fails_on_any_miss():
    selfcheck.check_number("9.1", 1.0, 1.0, hint="h")
    selfcheck.check_number("9.2", 2.0, 2.0, hint="h")
    assert "All 2" in selfcheck.assert_all_correct(2)
    with pytest.raises(AssertionError):
        selfcheck.assert_all_correct(3)
    selfcheck.check_number("9.2", 5.0, 2.0, hint="h")
    with pytest.raises(AssertionError, match="9.2"):
        selfcheck.assert_all_correct(2)
