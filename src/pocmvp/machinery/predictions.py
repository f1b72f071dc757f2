"""Predict-then-run self-checks: the quick question that ends each main section of a chapter.

Before the cell that computes a section's key result, the chapter asks a short question with
qualitative options, and the learner records a prediction in a cell of its own::

    my_prediction = ...  # "a", "b" or "c"

After the result, one call judges it against the values the notebook has just computed::

    predicted("2.4", my_prediction, leaky=inflated, honest=honest)

* Until the learner replaces the ``...`` it says "not answered yet" and nothing more, so the
  stored outputs (the notebooks run unattended) never give the answer away on the site.
* Answered, it says whether the prediction was right and explains why the answer is what
  it is, in words (direction words included) computed from the values passed in, so it
  stays right on any seed and size.
* The judgement is computed on every run, answered or not, so every CI run exercises it; a
  wrong prediction is feedback, never an error.
* The first prediction the kernel judges is the one that counts: changed after the run,
  the check says so and still judges the first.

Each chapter declares its questions in ``pocmvp.machinery.checks.chNN_predictions`` with
:func:`prediction`: the options, and a judge that turns the computed values into a
:class:`Verdict` (the right option and the explanation). The feedback is a
:class:`~pocmvp.machinery.selfcheck.Feedback` recorded like an exercise's, of kind
"Prediction"; chapters hold predictions, exercise notebooks hold the exercises.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pocmvp.machinery import selfcheck
from pocmvp.machinery.selfcheck import (
    CORRECT,
    INCORRECT,
    NOT_ANSWERED,
    NOT_JUDGED,
    Feedback,
)

KIND = "Prediction"


@dataclass(frozen=True)
class Verdict:
    """What the computed values say: the right option (None when this run cannot judge, for
    instance a program it needs is not installed) and why, in words from the values."""

    answer: str | None
    why: str


@dataclass(frozen=True)
class Prediction:
    """A declared question: its id ("2.4"), its options (letter -> words) and its judge."""

    id: str
    options: Mapping[str, str]
    judge: Callable[..., Verdict]

    def label(self, letter: str) -> str:
        return f'"{letter}" ({self.options[letter]})'

    def verdict(self, **values: object) -> Verdict:
        verdict = self.judge(**values)
        if verdict.answer is not None and verdict.answer not in self.options:
            raise ValueError(f"prediction {self.id}: the judge returned {verdict.answer!r}")
        return verdict


_declared: dict[str, Prediction] = {}
_first: dict[str, str] = {}  # the first prediction judged, per id, for the kernel session


def prediction(id: str, **options: str) -> Callable[[Callable[..., Verdict]], Callable]:
    """Declare the judge of question ``id`` with its options: ``prediction("2.4",
    a="better on every metric", b="...", c="...")`` above the judge function."""
    if len(options) < 2:
        raise ValueError(f"prediction {id}: a question needs at least two options")

    def register(judge: Callable[..., Verdict]) -> Callable[..., Verdict]:
        _declared[id] = Prediction(id, dict(options), judge)
        return judge

    return register


def chapter_module(chapter: int) -> str:
    return f"pocmvp.machinery.checks.ch{chapter:02d}_predictions"


def declared(id: str) -> Prediction:
    """The declaration of question ``id``, imported from its chapter's module."""
    if id not in _declared:
        importlib.import_module(chapter_module(int(id.split(".")[0])))
    return _declared[id]


def of_chapter(chapter: int) -> list[Prediction]:
    """Every question a chapter declares, in the order of their ids."""
    importlib.import_module(chapter_module(chapter))
    found = [p for p in _declared.values() if int(p.id.split(".")[0]) == chapter]
    return sorted(found, key=lambda p: [int(part) for part in p.id.split(".")])


def reset() -> None:
    """Forget every prediction and result (a fresh kernel)."""
    _first.clear()
    selfcheck.reset()


def _record(id: str, status: str, message: str) -> Feedback:
    return selfcheck._record(Feedback(id, status, message, kind=KIND))


def _picked(answer: object) -> str:
    return str(answer).strip().strip("()").strip().lower()


def predicted(id: str, prediction: object, **values: object) -> Feedback:
    """Judge the learner's ``prediction`` for question ``id`` against the ``values`` the
    notebook computed; explain the answer only once a prediction is recorded."""
    question = declared(id)
    verdict = question.verdict(**values)  # computed on every run, shown only when answered
    if selfcheck._unanswered(prediction):
        return _record(id, NOT_ANSWERED, f"{NOT_ANSWERED}.")
    picked = _picked(prediction)
    if picked not in question.options:
        letters = [f'"{letter}"' for letter in question.options]
        choices = f"{', '.join(letters[:-1])} or {letters[-1]}"
        return _record(id, INCORRECT, f"record one of {choices} as your prediction.")
    if verdict.answer is None:
        return _record(id, NOT_JUDGED, f"this run cannot judge it: {verdict.why}")
    first = _first.setdefault(id, picked)
    later = ""
    if first != picked:
        later = (
            f" Your later pick, {question.label(picked)}, came after the run, so the first "
            "prediction is the one judged."
        )
    if first == verdict.answer:
        return _record(
            id, CORRECT, f"right: you predicted {question.label(first)}. {verdict.why}{later}"
        )
    message = (
        f"not this time: you predicted {question.label(first)}, the run says "
        f"{question.label(verdict.answer)}. {verdict.why}{later}"
    )
    return _record(id, INCORRECT, message)


# --- Words for the judges: directions and sizes computed from the values ------------------


def compared(value: float, reference: float, *, within: float = 0.1) -> str:
    """ "higher", "about the same" or "lower": ``value`` against ``reference``, "about the
    same" within a relative ``within`` of it."""
    if abs(value - reference) <= within * abs(reference):
        return "about the same"
    return "higher" if value > reference else "lower"


def direction(value: float, reference: float, up: str, down: str, same: str) -> str:
    """``up``, ``down`` or ``same``: the word for how ``value`` stands against ``reference``."""
    return up if value > reference else down if value < reference else same


def times(value: float, reference: float) -> str:
    """How many times ``reference`` the ``value`` is, in words ("3.4 times as many")."""
    if reference == 0:
        return "infinitely many times as many" if value else "as many"
    return f"{value / reference:.1f} times as many"
