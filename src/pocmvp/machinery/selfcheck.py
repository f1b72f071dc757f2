"""Self-checks for the exercises: feedback and a hint, never the expected answer.

An exercise cell ends with a call such as ``check_number("1.1", answer, expected, hint=...)``.
Until the learner replaces the ``...`` placeholder the check says "not answered yet"; after
that it says whether the answer is right, and if not, in which direction it is off and
what to try, without printing the expected value.

Every check records its result, so a solutions notebook can end with
:func:`assert_all_correct` and fail when a solution stops passing its own check.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

NOT_ANSWERED = "not answered yet"
CORRECT = "correct"
INCORRECT = "incorrect"


@dataclass(frozen=True)
class Feedback:
    exercise: str
    status: str
    message: str

    def __str__(self) -> str:
        mark = {NOT_ANSWERED: "[ ]", CORRECT: "[ok]", INCORRECT: "[x]"}[self.status]
        return f"{mark} Exercise {self.exercise}: {self.message}"

    # The notebook shows the feedback itself as the cell's result.
    __repr__ = __str__


_results: dict[str, Feedback] = {}


def _record(feedback: Feedback) -> Feedback:
    _results[feedback.exercise] = feedback
    return feedback


def _unanswered(answer: object) -> bool:
    return answer is Ellipsis or answer is None


def check_number(
    exercise: str,
    answer: object,
    expected: float,
    *,
    hint: str,
    rel_tol: float = 0.01,
    abs_tol: float = 1e-9,
) -> Feedback:
    """Check a numeric answer within a relative tolerance; say too high or too low."""
    if _unanswered(answer):
        return _record(Feedback(exercise, NOT_ANSWERED, f"{NOT_ANSWERED}. Hint: {hint}"))
    try:
        value = float(answer)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return _record(
            Feedback(
                exercise,
                INCORRECT,
                f"expected a number, got {type(answer).__name__}. Hint: {hint}",
            )
        )
    if math.isclose(value, expected, rel_tol=rel_tol, abs_tol=abs_tol):
        return _record(Feedback(exercise, CORRECT, "correct, well done."))
    direction = "too high" if value > expected else "too low"
    return _record(Feedback(exercise, INCORRECT, f"not quite: {direction}. Hint: {hint}"))


def check_choice(
    exercise: str, answer: object, expected: str, *, options: Iterable[str], hint: str
) -> Feedback:
    """Check an answer picked from a list of options (case and spaces ignored)."""
    options = list(options)
    if _unanswered(answer):
        return _record(Feedback(exercise, NOT_ANSWERED, f"{NOT_ANSWERED}. Hint: {hint}"))
    normalised = str(answer).strip().lower()
    if normalised not in {o.lower() for o in options}:
        return _record(
            Feedback(exercise, INCORRECT, f"pick one of {', '.join(options)}. Hint: {hint}")
        )
    if normalised == expected.strip().lower():
        return _record(Feedback(exercise, CORRECT, "correct, well done."))
    return _record(Feedback(exercise, INCORRECT, f"not this one. Hint: {hint}"))


def check_with(
    exercise: str, answer: object, is_right: Callable[[object], bool], *, hint: str
) -> Feedback:
    """Check an answer with a predicate (for answers that are not a single value)."""
    if _unanswered(answer):
        return _record(Feedback(exercise, NOT_ANSWERED, f"{NOT_ANSWERED}. Hint: {hint}"))
    try:
        right = bool(is_right(answer))
    except Exception as error:  # a learner's answer of the wrong shape is feedback, not a crash
        return _record(Feedback(exercise, INCORRECT, f"could not check it ({error}). Hint: {hint}"))
    if right:
        return _record(Feedback(exercise, CORRECT, "correct, well done."))
    return _record(Feedback(exercise, INCORRECT, f"not quite. Hint: {hint}"))


def results() -> dict[str, Feedback]:
    """The latest result of every check run in this kernel."""
    return dict(_results)


def assert_all_correct(expected_count: int) -> str:
    """Fail unless ``expected_count`` checks ran and every one was answered correctly."""
    wrong = {k: v.status for k, v in _results.items() if v.status != CORRECT}
    if wrong or len(_results) != expected_count:
        raise AssertionError(
            f"expected {expected_count} correct checks, got {len(_results)} with {wrong}"
        )
    return f"All {expected_count} self-checks pass with the solutions."
