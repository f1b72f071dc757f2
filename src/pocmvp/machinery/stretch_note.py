"""A stretch note, checked: it must quote one computed figure and argue in words.

:func:`check_note` is the one check of every chapter's stretch note (chapters 1, 2, 3 and 5):
each declares the right figure, the likely wrong figures with their feedback, and what the
note should argue. The rubric of the argument is in the teaching notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pocmvp.machinery.selfcheck import Feedback, Misconception, check_with, quotes, word_count

ARGUMENT_WORDS = 40
"""The fewest words a stretch note may argue in (a figure alone is not an argument)."""


def example_note(figure: float, words: int = ARGUMENT_WORDS) -> str:
    """A note that quotes ``figure`` in euros and argues in ``words`` words (the examples a
    note's declared mistakes carry, for the tests)."""
    filler = " ".join(["because"] * max(0, words - 4))
    return f"It costs €{figure:,.0f} {filler}".strip()


def check_note(
    exercise: str,
    answer: object,
    expected: float,
    *,
    wrong: dict[str, tuple[float, str]],
    argue: str,
    missing: str,
    hints: Sequence[str],
    exact: Iterable[str] = (),
) -> Feedback:
    """Stretch: a note that must quote ``expected`` and argue in at least
    :data:`ARGUMENT_WORDS` words. The check reads the figure the note quotes; the rubric of
    the argument is in the teaching notes.

    ``wrong`` names each likely wrong figure with its feedback; those named in ``exact`` (a
    count) must be quoted exactly to be recognised, the others within 2 %. ``argue`` ends
    the feedback to a note that quotes the right figure and argues nothing ("say in at least
    40 words ..."); ``missing`` is the feedback to a note that quotes none of them.
    """
    exact = set(exact)
    mistakes = {
        name: Misconception(name, example_note(figure), feedback)
        for name, (figure, feedback) in wrong.items()
    }
    no_argument = Misconception(
        "no argument",
        example_note(expected, words=4),
        f"the note quotes the right figure but argues nothing: say in at least "
        f"{ARGUMENT_WORDS} words {argue}.",
    )

    def right(text: object) -> bool:
        return quotes(text, expected) and word_count(text) >= ARGUMENT_WORDS

    def diagnose(text: object) -> Misconception | str:
        if quotes(text, expected):
            return no_argument
        for name, (figure, _) in wrong.items():
            if quotes(text, figure, rel_tol=0.0 if name in exact else 0.02):
                return mistakes[name]
        return missing

    return check_with(
        exercise,
        answer,
        right,
        diagnose=diagnose,
        misconceptions=[*mistakes.values(), no_argument],
        tier="stretch",
        hints=hints,
    )
