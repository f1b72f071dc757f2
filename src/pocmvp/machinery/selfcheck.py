"""Self-checks for the exercises: feedback that follows the mistake, never the answer.

An exercise cell ends with a call such as ``check_number("1.1", answer, expected, ...)``.

* Until the learner replaces the ``...`` placeholder the check says "not answered yet",
  and nothing more: no hint before the first attempt.
* A wrong answer that matches a declared :class:`Misconception` (a share given as a
  percentage, the history instead of the held-out months, a year instead of a month, a
  count instead of a rate, ...) gets that misconception's feedback; any other wrong number
  gets its direction (too high, too low).
* Each new wrong answer is one more attempt: the second gets the first hint, the third and
  later the stronger one. No feedback ever prints the expected answer.
* A wrong choice is explained. After ``max_wrong`` wrong picks a choice check stops judging
  and says so, the same words whatever is picked, so cycling through the options finds
  nothing.

Attempts are kept for the kernel session, keyed by exercise, and counted as *distinct*
wrong answers, so re-running a cell never counts twice and a notebook run top to bottom
(nbval, papermill) gives the same feedback every time.

Every check records its result and its declaration (tier, misconceptions), so a solutions
notebook can end with :func:`assert_all_correct`, the tests can feed each declared
misconception back (:func:`declared`), and ``pocmvp grade`` can read the tier and the
misconception recognised.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

NOT_ANSWERED = "not answered yet"
CORRECT = "correct"
INCORRECT = "incorrect"
LOCKED = "locked"
NOT_JUDGED = "not judged"  # a prediction this run cannot judge (a program it needs is missing)
TIERS = ("check", "apply", "stretch")
WELL_DONE = "correct, well done."
NEXT_TIME = "Try again: your next attempt gets a hint."


@dataclass(frozen=True)
class Feedback:
    exercise: str
    status: str
    message: str
    tier: str | None = None
    misconception: str | None = None
    attempt: int = 0  # distinct wrong answers so far
    kind: str = "Exercise"  # or "Prediction": a chapter's predict-then-run question

    def __str__(self) -> str:
        mark = {
            NOT_ANSWERED: "[ ]",
            CORRECT: "[ok]",
            INCORRECT: "[x]",
            LOCKED: "[?]",
            NOT_JUDGED: "[?]",
        }
        return f"{mark[self.status]} {self.kind} {self.exercise}: {self.message}"

    # The notebook shows the feedback itself as the cell's result.
    __repr__ = __str__


@dataclass(frozen=True)
class Misconception:
    """A likely mistake: its short ``name`` (the column of ``pocmvp grade``), the answer it
    gives, and the feedback that explains it without giving the right answer."""

    name: str
    answer: object
    feedback: str


@dataclass(frozen=True)
class Declaration:
    """What a check declares about its exercise: the tier and the misconceptions it detects
    (only those whose answer differs from the expected one)."""

    exercise: str
    tier: str | None
    misconceptions: tuple[Misconception, ...] = field(default_factory=tuple)


def as_percentage(expected: float) -> Misconception:
    """The share given as a percentage (53 for 0.53)."""
    return Misconception(
        "a percentage",
        expected * 100,
        "this looks like a percentage. Give a share between 0 and 1 (12.3 % is 0.123).",
    )


_FIGURE = re.compile(r"\d[\d,_\u00a0\u202f]*(?:\.\d+)?")


def figures_in(text: object) -> list[float]:
    """Every figure a written answer quotes ("€63,781", "41 parts", "2.5"), as numbers."""
    found = _FIGURE.findall(str(text))
    return [float(re.sub(r"[,_\u00a0\u202f]", "", figure)) for figure in found]


def quotes(text: object, value: float, rel_tol: float = 0.02) -> bool:
    """Whether a written answer quotes ``value``, rounded as a person would (within
    ``rel_tol``; a count must be exact)."""
    return any(math.isclose(f, value, rel_tol=rel_tol, abs_tol=0.5) for f in figures_in(text))


def word_count(text: object) -> int:
    return len(str(text).split())


_results: dict[str, Feedback] = {}
_wrong_answers: dict[str, list[str]] = {}
_declarations: dict[str, Declaration] = {}
_latest: list[Feedback] = []  # the feedback of the check that ran last, for pocmvp grade


def reset() -> None:
    """Forget every result and attempt (a fresh kernel)."""
    _results.clear()
    _wrong_answers.clear()
    _declarations.clear()
    _latest.clear()


def _record(feedback: Feedback) -> Feedback:
    _results[feedback.exercise] = feedback
    _latest[:] = [feedback]
    return feedback


def take_latest() -> Feedback | None:
    """The feedback of the latest check, once (then None until another check runs)."""
    return _latest.pop() if _latest else None


def _declare(
    exercise: str,
    tier: str | None,
    misconceptions: Iterable[Misconception],
    same: Callable[[object, object], bool] = lambda a, b: a == b,
) -> list[Misconception]:
    """Record the check's declaration; returns its misconceptions, each answer only once
    (the first one named keeps it)."""
    if tier is not None and tier not in TIERS:
        raise ValueError(f"tier must be one of {TIERS}, got {tier!r}")
    distinct: list[Misconception] = []
    for candidate in misconceptions:
        if not any(same(candidate.answer, m.answer) for m in distinct):
            distinct.append(candidate)
    _declarations[exercise] = Declaration(exercise, tier, tuple(distinct))
    return distinct


def _unanswered(answer: object) -> bool:
    return answer is Ellipsis or answer is None


def _attempt(exercise: str, answer: object) -> int:
    """The number of distinct wrong answers to ``exercise``, this one included."""
    seen = _wrong_answers.setdefault(exercise, [])
    key = repr(answer)
    if key not in seen:
        seen.append(key)
    return len(seen)


def _hints(hint: str | None, hints: Sequence[str]) -> tuple[str, ...]:
    found = tuple(hints) or ((hint,) if hint else ())
    if not found:
        raise ValueError("a check needs a hint (hint=...) or hints (first, stronger)")
    return found


def _with_hint(message: str, attempt: int, hints: tuple[str, ...]) -> str:
    """The message of a wrong attempt: no hint at the first, then the first, then the last."""
    if attempt <= 1:
        return f"{message} {NEXT_TIME}"
    if attempt == 2 or len(hints) == 1:
        return f"{message} Hint: {hints[0]}"
    return f"{message} Stronger hint: {hints[-1]}"


def _wrong(
    exercise: str,
    answer: object,
    message: str,
    hints: tuple[str, ...],
    tier: str | None,
    misconception: Misconception | None = None,
) -> Feedback:
    attempt = _attempt(exercise, answer)
    if misconception is not None:
        message = f"not quite: {misconception.feedback}"
    name = misconception.name if misconception else None
    text = _with_hint(message, attempt, hints)
    return _record(Feedback(exercise, INCORRECT, text, tier, name, attempt))


def _not_answered(exercise: str, tier: str | None) -> Feedback:
    return _record(Feedback(exercise, NOT_ANSWERED, f"{NOT_ANSWERED}.", tier))


def _correct(exercise: str, tier: str | None) -> Feedback:
    return _record(Feedback(exercise, CORRECT, WELL_DONE, tier))


def check_number(
    exercise: str,
    answer: object,
    expected: float,
    *,
    hint: str | None = None,
    hints: Sequence[str] = (),
    misconceptions: Iterable[Misconception] = (),
    tier: str | None = None,
    rel_tol: float = 0.01,
    abs_tol: float = 1e-9,
) -> Feedback:
    """Check a numeric answer within a tolerance; name the misconception it matches, or
    say whether it is too high or too low."""
    hints_ = _hints(hint, hints)

    def close(a: float, b: float) -> bool:
        return math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol)

    known = [m for m in misconceptions if not close(float(m.answer), expected)]
    known = _declare(exercise, tier, known, lambda a, b: close(float(a), float(b)))
    if _unanswered(answer):
        return _not_answered(exercise, tier)
    try:
        value = float(answer)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        message = f"expected a number, got {type(answer).__name__}."
        return _wrong(exercise, answer, message, hints_, tier)
    if math.isnan(value):
        return _wrong(exercise, answer, "expected a number, got NaN.", hints_, tier)
    if close(value, expected):
        return _correct(exercise, tier)
    matched = next((m for m in known if close(value, float(m.answer))), None)
    direction = "too high" if value > expected else "too low"
    return _wrong(exercise, answer, f"not quite: {direction}.", hints_, tier, matched)


def _default_max_wrong(options: int) -> int:
    """Wrong picks a choice check judges: two, but never all the wrong options but one."""
    return max(1, min(2, options - 2))


def check_choice(
    exercise: str,
    answer: object,
    expected: str,
    *,
    options: Iterable[str],
    hint: str | None = None,
    hints: Sequence[str] = (),
    explanations: Mapping[str, str] | None = None,
    misconceptions: Iterable[Misconception] = (),
    tier: str | None = None,
    max_wrong: int | None = None,
) -> Feedback:
    """Check an answer picked from ``options`` (case and spaces ignored).

    A wrong pick gets its misconception's feedback, else its explanation. After
    ``max_wrong`` distinct wrong picks the check stops judging any pick.
    """
    hints_ = _hints(hint, hints)
    options = [str(o) for o in options]

    def norm(text: object) -> str:
        return str(text).strip().lower()

    known = [m for m in misconceptions if norm(m.answer) != norm(expected)]
    known = _declare(exercise, tier, known, lambda a, b: norm(a) == norm(b))
    limit = max_wrong or _default_max_wrong(len(options))
    if _unanswered(answer):
        return _not_answered(exercise, tier)
    picked = norm(answer)
    if picked not in {norm(o) for o in options}:
        message = f"pick one of {', '.join(options)}."
        return _record(Feedback(exercise, INCORRECT, message, tier))
    wrong_before = len(_wrong_answers.get(exercise, []))
    if wrong_before >= limit:
        message = (
            f"you have made {wrong_before} wrong picks, so this check no longer says whether "
            "a pick is right: going through the options cannot find the answer. Work it out "
            f"instead: {hints_[-1]}"
        )
        return _record(Feedback(exercise, LOCKED, message, tier, None, wrong_before))
    if picked == norm(expected):
        return _correct(exercise, tier)
    matched = next((m for m in known if norm(m.answer) == picked), None)
    explained = {norm(k): v for k, v in (explanations or {}).items()}
    message = f"not this one: {explained.get(picked, 'it is not the best of the options.')}"
    feedback = _wrong(exercise, picked, message, hints_, tier, matched)
    if feedback.attempt >= limit:
        last = " That was the last pick this check judges; from now on it only gives the hint."
        feedback = _record(
            Feedback(
                exercise,
                INCORRECT,
                feedback.message + last,
                tier,
                feedback.misconception,
                feedback.attempt,
            )
        )
    return feedback


def check_with(
    exercise: str,
    answer: object,
    is_right: Callable[[object], bool],
    *,
    hint: str | None = None,
    hints: Sequence[str] = (),
    diagnose: Callable[[object], Misconception | str | None] | None = None,
    misconceptions: Iterable[Misconception] = (),
    tier: str | None = None,
) -> Feedback:
    """Check an answer with a predicate (for answers that are not a single value).

    ``diagnose`` says what is wrong with a wrong answer: a :class:`Misconception`, or a
    sentence, or None. ``misconceptions`` are the ones it recognises, each with an answer
    that shows it (for the tests).
    """
    hints_ = _hints(hint, hints)
    _declare(exercise, tier, misconceptions, lambda a, b: str(a) == str(b))
    if _unanswered(answer):
        return _not_answered(exercise, tier)
    try:
        right = bool(is_right(answer))
    except Exception as error:  # a learner's answer of the wrong shape is feedback, not a crash
        return _wrong(exercise, answer, f"could not check it ({error}).", hints_, tier)
    if right:
        return _correct(exercise, tier)
    found = diagnose(answer) if diagnose else None
    if isinstance(found, Misconception):
        return _wrong(exercise, answer, "", hints_, tier, found)
    message = f"not quite: {found}" if found else "not quite."
    return _wrong(exercise, answer, message, hints_, tier)


def results() -> dict[str, Feedback]:
    """The latest result of every check run in this kernel."""
    return dict(_results)


def declared(exercise: str) -> Declaration:
    """The tier and the misconceptions the check of ``exercise`` declared when it last ran."""
    return _declarations[exercise]


def assert_all_correct(expected_count: int) -> str:
    """Fail unless ``expected_count`` checks ran and every one was answered correctly."""
    wrong = {k: v.status for k, v in _results.items() if v.status != CORRECT}
    if wrong or len(_results) != expected_count:
        raise AssertionError(
            f"expected {expected_count} correct checks, got {len(_results)} with {wrong}"
        )
    return f"All {expected_count} self-checks pass with the solutions."
