"""The claims chapter 1 makes: the plant, its data, and what the status quo costs."""

from __future__ import annotations

from pocmvp.case import factory, status_quo
from pocmvp.case.story.claims import Band, Claim, Story


def blind_catch_gap(story: Story) -> float:
    """Today's sample's catch rate minus its size: a blind sample catches in proportion."""
    today = status_quo.baseline(story.history)
    return today.catch_rate - status_quo.ECONOMICS.inspection_capacity_share


def season_gap(story: Story) -> float:
    """Defect rate in the humid summer months (June, July) minus the winter's (Jan, Feb)."""
    return summer_minus_winter(story.history)


def summer_minus_winter(history) -> float:
    rate = history.groupby(factory.month_of(history))[factory.TARGET].mean()
    return float(rate[["2025-06", "2025-07"]].mean() - rate[["2025-01", "2025-02"]].mean())


def rework_ratio(story: Story) -> float:
    """Mean rework minutes on defective parts over the mean on good parts."""
    minutes = story.history.groupby(factory.TARGET)[factory.LEAKING_FIELD].mean()
    return float(minutes[True] / minutes[False])


def missing_share(story: Story, column: str) -> float:
    return float(story.shift_log[column].isna().mean())


CLAIMS = (
    Claim(
        "defect_rate",
        1,
        "a few percent of parts are defective",
        lambda story: story.history[factory.TARGET].mean(),
        Band(0.015, 0.04),
    ),
    Claim(
        "blind_catch_gap",
        1,
        "a blind sample catches defects in proportion to its size",
        blind_catch_gap,
        Band(-0.02, 0.02),
        fast_band=Band(-0.03, 0.03),
    ),
    Claim(
        "summer_minus_winter",
        1,
        "humid summers raise the defect rate above the winter's",
        season_gap,
        Band(0.0),
    ),
    Claim("rework_ratio", 1, "rework minutes leak the outcome", rework_ratio, Band(10.0)),
    Claim(
        "melt_missing_share",
        1,
        "a few melt readings are missing, not most",
        lambda story: missing_share(story, "melt_temp_c"),
        Band(0.005, 0.1),
    ),
    Claim(
        "scrap_missing_share",
        1,
        "a few scrap shares are missing, not most",
        lambda story: missing_share(story, "scrap_share_pct"),
        Band(0.005, 0.1),
    ),
)
