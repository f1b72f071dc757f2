"""Checks for chapter 6's exercises: ship monthly and iterate."""

from __future__ import annotations

import pandas as pd

from pocmvp.case import factory, iteration, report, returns, status_quo
from pocmvp.machinery.checks.memo import by_content
from pocmvp.machinery.selfcheck import (
    Feedback,
    Misconception,
    check_number,
    check_with,
    quotes,
    word_count,
)

LATE_MONTH = factory.HELD_OUT_MONTHS[-1]
V2_LIVE_FROM = iteration.RELEASES[1].live_from
EMAIL_WORDS = 40
"""The fewest words the stretch email may use (a figure alone asks nothing)."""


@by_content
def _versions(shift_log: pd.DataFrame) -> dict:
    return iteration.rule_versions(shift_log)


def _v1(shift_log: pd.DataFrame):
    return _versions(shift_log)["v1"]


@by_content
def _figures(shift_log: pd.DataFrame, seed: int, as_of: pd.Timestamp | None = None) -> dict:
    """The late month's figures of rule v1, on the report's morning or on ``as_of``."""
    return report.month_figures(
        shift_log, LATE_MONTH, _v1(shift_log), seed=seed, as_of=as_of
    ).figures


@by_content
def _final_figures(shift_log: pd.DataFrame, seed: int) -> dict:
    """The late month's figures once all its returns are booked (not known on 1 December)."""
    final_on = returns.returns_of(shift_log, seed).month_final_on(LATE_MONTH)
    return _figures(shift_log, seed, as_of=final_on)


def returns_so_far(answer: object, shift_log: pd.DataFrame, seed: int) -> Feedback:
    figures = _figures(shift_log, seed)
    expected = figures["shipped_so_far"]
    return check_number(
        "6.1",
        answer,
        expected,
        rel_tol=0.0,
        abs_tol=0.5,
        tier="check",
        hints=(
            "the report goes out on the first morning of the next month: count only the "
            "shipped defects whose returns were booked by then.",
            f"run report.run_report for {LATE_MONTH} with rule v1 and seed=seed, and read "
            "the figure 'shipped_so_far' from the result's figures.",
        ),
        misconceptions=[
            Misconception(
                "known too early",
                _final_figures(shift_log, seed)["shipped_defects"],
                "that counts every shipped defect of the month, returns booked weeks after "
                "the report went out included. Count only what was booked by its morning.",
            ),
            Misconception(
                "the defects known",
                figures["defects_known"],
                "that adds the X-ray's catches. The question asks only for the shipped "
                "defects that came back as returns.",
            ),
            Misconception(
                "the X-ray catches",
                figures["caught"],
                "that is the defects the X-ray cell caught. The question asks for the "
                "shipped defects that came back.",
            ),
            Misconception(
                "a share",
                figures["shipped_so_far"] / figures["defects_known"],
                "that is a share. The question asks for a count of parts.",
            ),
        ],
    )


@by_content
def _night_figures(shift_log: pd.DataFrame) -> tuple[float, float, float]:
    """v1's melt threshold and the night crew's reading offset on the history and on the
    live months."""
    history = factory.in_months(shift_log, factory.TRAIN_MONTHS)
    live = factory.in_months(shift_log, factory.HELD_OUT_MONTHS)
    melt = next(c for c in _v1(shift_log).conditions if c.column == "melt_temp_c")
    return melt.threshold, iteration.reading_offset(history), iteration.reading_offset(live)


def night_threshold(answer: object, shift_log: pd.DataFrame) -> Feedback:
    threshold, offset, live_offset = _night_figures(shift_log)
    expected = threshold + offset
    return check_number(
        "6.2",
        answer,
        expected,
        rel_tol=0.0,
        abs_tol=0.05,
        tier="check",
        hints=(
            "the night crew reads higher, so the night threshold sits above v1's by the gap "
            "between the night's readings and the other shifts'.",
            "on the history, take the median melt reading of the night shift minus the "
            "median of the other shifts, and add it to v1's melt threshold.",
        ),
        misconceptions=[
            Misconception(
                "v1's threshold",
                threshold,
                "that is v1's melt threshold, unchanged. Move it by how much higher the "
                "night crew reads.",
            ),
            Misconception(
                "the offset alone",
                offset,
                "that is the gap between the shifts' readings. Add it to v1's threshold.",
            ),
            Misconception(
                "subtracted",
                threshold - offset,
                "that lowers the threshold. The night crew reads higher, so its threshold "
                "must be higher too.",
            ),
            Misconception(
                "the live months",
                threshold + live_offset,
                "that measures the gap on the live months, the ones v2 is judged on. "
                "Measure it on the history.",
            ),
        ],
    )


@by_content
def final_months_on_v2_day(shift_log: pd.DataFrame, seed: int) -> tuple[str, ...]:
    """The live months whose returns were all in when v2 went live."""
    seen = returns.returns_of(shift_log, seed)
    return returns.final_months(shift_log, seen, V2_LIVE_FROM, factory.HELD_OUT_MONTHS)


@by_content
def _v2_figures(shift_log: pd.DataFrame, seed: int) -> dict[str, float]:
    """Rule v2's value on the months final on its first day, and the misconceptions'."""
    months = final_months_on_v2_day(shift_log, seed)
    versions = _versions(shift_log)
    final = factory.in_months(shift_log, months)
    value = iteration.value_captured(final, versions["v2"])
    every_live = factory.in_months(shift_log, factory.HELD_OUT_MONTHS)
    history = factory.in_months(shift_log, factory.TRAIN_MONTHS)
    return {
        "months": len(months),
        "expected": value["value_eur"].sum(),
        "every live": iteration.value_captured(every_live, versions["v2"])["value_eur"].sum(),
        "rule v1": iteration.value_captured(final, versions["v1"])["value_eur"].sum(),
        "extra caught": value["extra_caught"].sum(),
        "history": iteration.value_captured(history, versions["v2"])["value_eur"].sum(),
        "caught": value["caught"].sum(),
    }


def value_captured_by_v2(answer: object, shift_log: pd.DataFrame, seed: int) -> Feedback:
    figures = _v2_figures(shift_log, seed)
    expected = figures["expected"]
    price = status_quo.ECONOMICS.cost_per_shipped_defect
    return check_number(
        "6.3",
        answer,
        expected,
        tier="apply",
        hints=(
            "judge v2 only on the live months whose returns were all booked on the day it "
            "went live, and count only what it catches beyond today's sample, in euros.",
            "returns.final_months gives the live months whose returns were all in on that "
            "day; iteration.value_captured gives a rule's value per month on some months: "
            "add up v2's value_eur over those months.",
        ),
        misconceptions=[
            Misconception(
                "known too early",
                figures["every live"],
                "that counts a live month whose returns were not all booked when v2 went "
                "live. Keep only the months that were final that morning.",
            ),
            Misconception(
                "rule v1",
                figures["rule v1"],
                "that is the value of v1, the rule in force. The question asks for v2.",
            ),
            Misconception(
                "a count",
                figures["extra caught"],
                "that is a count of defective parts. The question asks for euros.",
            ),
            Misconception(
                "the history",
                figures["history"],
                "that is computed on the history, the months v2 was made on. Judge it on "
                "the live months.",
            ),
            Misconception(
                "a month",
                expected / figures["months"],
                "that is the value of one month on average. The question asks for the "
                "total over the final months.",
            ),
            Misconception(
                "every catch",
                figures["caught"] * price,
                "that prices every defect v2 catches. Today's sample catches some of them "
                "too: count only the ones beyond it.",
            ),
        ],
    )


def _email(figure: float, words: int = EMAIL_WORDS, question: bool = True) -> str:
    """An email that quotes ``figure`` in ``words`` words, asking a question or not (the
    tests' examples)."""
    filler = " ".join(["please"] * max(0, words - 4))
    end = "?" if question else "."
    return f"We caught {figure:,.0f} parts {filler}{end}"


def feedback_email(answer: object, shift_log: pd.DataFrame, seed: int) -> Feedback:
    """Stretch: the email that sends the quality lead the late month's report and asks for
    feedback. The check reads what it can: the email quotes the defects the X-ray cell caught
    that month (known on the report's morning), asks a question, and has at least
    :data:`EMAIL_WORDS` words. The rubric is in the teaching notes."""
    figures = _figures(shift_log, seed)
    caught = figures["caught"]
    wrong_figures = {
        "known too early": _final_figures(shift_log, seed)["shipped_defects"],
        "the returns": figures["shipped_so_far"],
        "the defects known": figures["defects_known"],
    }
    feedback = {
        "known too early": "the email quotes the month's shipped defects once every return "
        "is in. On the report's morning nobody knows that figure yet.",
        "the returns": "the email quotes the returns booked so far. Lead with what the rule "
        "did: the defects the X-ray cell caught.",
        "the defects known": "the email quotes every defect known so far, returns included. "
        "Lead with the defects the X-ray cell caught.",
    }
    mistakes = {
        name: Misconception(name, _email(figure), feedback[name])
        for name, figure in wrong_figures.items()
    }
    no_question = Misconception(
        "no question",
        _email(caught, question=False),
        "the email quotes the right figure but asks nothing. Ask the quality lead a "
        "question (end it with a question mark).",
    )
    too_short = Misconception(
        "too short",
        _email(caught, words=6),
        f"the email quotes the right figure but says too little: write at least "
        f"{EMAIL_WORDS} words.",
    )

    def right(text: object) -> bool:
        asks = "?" in str(text)
        return quotes(text, caught, rel_tol=0.0) and asks and word_count(text) >= EMAIL_WORDS

    def diagnose(text: object) -> Misconception | str:
        if quotes(text, caught, rel_tol=0.0):
            return too_short if word_count(text) < EMAIL_WORDS else no_question
        for name, figure in wrong_figures.items():
            if quotes(text, figure, rel_tol=0.0):
                return mistakes[name]
        return "the email does not quote the defects the X-ray cell caught that month."

    return check_with(
        "6.4",
        answer,
        right,
        diagnose=diagnose,
        misconceptions=[*mistakes.values(), no_question, too_short],
        tier="stretch",
        hints=(
            "quote a figure the report knew on its morning: the X-ray's result is known the "
            "day after casting, a return only once it is booked.",
            "read the figure 'caught' from the report's figures, quote it, and ask the "
            "quality lead what the plant should change.",
        ),
    )
