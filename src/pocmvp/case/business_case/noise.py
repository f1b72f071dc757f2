"""How much a margin between plans moves by chance: a bootstrap over the days it was
measured on.

The savings of :mod:`~pocmvp.case.business_case.measure` count the defective parts each
deliverable shipped fewer than today's sample on two or three months: a few dozen parts, a
handful a day. Draw those days again, with replacement (chapter 2's bootstrap,
:func:`pocmvp.case.baselines.resampled_days`), and each deliverable's saving, and every
margin valued on the savings, moves. The standard deviation of a margin over the draws is
its noise; a margin is "as good, within the noise" when it lies no further below zero than
chapter 2's :data:`~pocmvp.case.story.ch02.NOISE_WIDTH` of them.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from pocmvp.case import baselines
from pocmvp.case.business_case.measure import Measurement
from pocmvp.case.business_case.plans import DELIVERABLES
from pocmvp.case.business_case.verdict import Verdict, lead_over_poc_first, margin_where
from pocmvp.case.status_quo import ECONOMICS, PlantEconomics

NOISE_SAMPLES = 200
"""Draws of the days: each one values the plans again (a few milliseconds), so 200 draws
cost about a second and measure a standard deviation to about 5 % (1 / sqrt(2 x 200))."""
NOISE_SEED = 0
"""The draws' seed, fixed: the same noise on every run."""


def savings_draws(
    measurement: Measurement,
    *,
    samples: int = NOISE_SAMPLES,
    seed: int = NOISE_SEED,
    economics: PlantEconomics = ECONOMICS,
) -> pd.DataFrame:
    """Each deliverable's saving (euros a month, as :meth:`Measurement.savings` counts it) on
    ``samples`` bootstrap draws of the measurement's days: one row a draw, one column a
    deliverable."""
    if measurement.by_day is None:
        raise ValueError("the measurement has no figures by day (measure it with the package)")
    totals = baselines.resampled_days(measurement.by_day, samples, seed)
    fewer = totals[list(DELIVERABLES)].rsub(totals[baselines.TODAY_NAME], axis=0)
    return measurement.saving_per_month(fewer / measurement.months, economics)


def margin_draws(
    measurement: Measurement,
    margin: Callable[[dict[str, float]], float],
    *,
    samples: int = NOISE_SAMPLES,
    seed: int = NOISE_SEED,
    economics: PlantEconomics = ECONOMICS,
) -> pd.Series:
    """``margin`` (euros, from each deliverable's saving a month) on each draw of
    :func:`savings_draws`; its standard deviation is the margin's noise."""
    draws = savings_draws(measurement, samples=samples, seed=seed, economics=economics)
    return pd.Series(
        [margin(dict(zip(draws.columns, row, strict=True))) for row in draws.to_numpy()],
        name="margin",
    )


def in_noise(margin: float, noise: float) -> float:
    """A margin in standard deviations of its noise (as chapter 2 states the POC's)."""
    if not noise > 0:
        raise ValueError(f"the noise must be above zero, got {noise}")
    return margin / noise


def lead_draws(
    looking_back: Measurement, *, samples: int = NOISE_SAMPLES, seed: int = NOISE_SEED
) -> pd.Series:
    """Looking back: MVP now, then the model, minus the better POC-first plan
    (:func:`~pocmvp.case.business_case.verdict.lead_over_poc_first`), on each draw of the
    backtest's days."""
    return margin_draws(looking_back, lead_over_poc_first, samples=samples, seed=seed)


def verdict_draws(
    at_decision: Measurement,
    verdict: Verdict,
    *,
    samples: int = NOISE_SAMPLES,
    seed: int = NOISE_SEED,
) -> pd.Series:
    """The verdict's smallest margin, where it lies (:attr:`Verdict.where`), on each draw of
    the days of 31 August's estimate. The point is kept, not searched again on every draw: a
    grid of 125 valuations a draw would cost a minute, and the noise is the estimate's."""
    return margin_draws(
        at_decision,
        lambda draw: margin_where(draw, verdict.where),
        samples=samples,
        seed=seed,
    )
