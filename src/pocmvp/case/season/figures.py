"""The season's pictures, each with alt text computed from the table it draws.

Every function returns ``(figure, alt_text)``; a title states a finding only if the table
supports it. Colours come from the project's palette: one team, today's way, is grey;
three groups, the proposal, orange; the rotation green.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from pocmvp.case.season.measures import NOTHING_FIXED
from pocmvp.case.season.people import ONE_TEAM, ROTATION, THREE_GROUPS
from pocmvp.toolkit.formats import PALETTE, num, pct

DESIGN_COLOURS = {
    ONE_TEAM: PALETTE["status_quo"],
    THREE_GROUPS: PALETTE["mvp"],
    ROTATION: PALETTE["truth"],
}


def _colour(label: str) -> str:
    for design, colour in DESIGN_COLOURS.items():
        if label.startswith(design):
            return colour
    return PALETTE["poc"]


def _at(values: pd.Series, best) -> str:
    """Every label whose value is the ``best`` (min or max): ties are named, not broken."""
    top = best(values)
    return " and ".join(str(label) for label, value in values.items() if value == top)


def plot_designs(table: pd.DataFrame) -> tuple[plt.Figure, str]:
    """Three panels from ``fire.compare_designs``: hours until a fire is out, long-term
    work done, and fires per week left at the season's end."""
    designs = list(table.index)
    colours = [_colour(d) for d in designs]
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.6))
    x = np.arange(len(designs))
    statistics = ["fire_response_median_h", "fire_response_p90_h"]
    width = 0.8 / len(designs)
    for i, (design, colour) in enumerate(zip(designs, colours, strict=True)):
        offsets = np.arange(len(statistics)) + (i - (len(designs) - 1) / 2) * width
        axes[0].bar(offsets, table.loc[design, statistics], width, color=colour, label=design)
    axes[0].set_xticks(np.arange(len(statistics)), ["median", "90th percentile"])
    axes[0].set(ylabel="Hours until a fire is out (working h)", title="Fires")
    axes[0].legend(fontsize=8, loc="upper left")
    axes[1].bar(x, table["long_term_hours"], color=colours)
    for xi, design in enumerate(designs):
        axes[1].annotate(
            f"{int(table.loc[design, 'fixes_shipped'])} fixes\n"
            f"{int(table.loc[design, 'tools_shipped'])} tools",
            (xi, 0),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    axes[1].set_xticks(x, designs)
    axes[1].set(ylabel="Long-term work done (hours)", title="Durable work")
    start = float(table["fires_per_week_start"].iloc[0])
    axes[2].bar(x, table["fires_per_week_end"], color=colours)
    axes[2].axhline(start, color="black", linestyle="--", linewidth=1)
    axes[2].set_xticks(x, designs)
    axes[2].set(ylabel="Fires per week at season end", title="Fires left")
    fig.suptitle(_finding(table), fontweight="bold")
    fig.tight_layout()
    parts = [
        f"{design}: fires out in {row['fire_response_median_h']:.1f} hours at the median "
        f"and {row['fire_response_p90_h']:.1f} at the 90th percentile, "
        f"{num(row['long_term_hours'])} hours of long-term work "
        f"({int(row['fixes_shipped'])} durable fixes, {int(row['tools_shipped'])} tools), "
        f"{row['fires_per_week_end']:.1f} fires a week left"
        for design, row in table.iterrows()
    ]
    prevented = "; ".join(
        f"{design} prevented {int(row['fires_prevented'])} of them"
        for design, row in table.iterrows()
    )
    alt = (
        "Three bar charts comparing ways to organise the same people over one season. "
        + "; ".join(parts)
        + f". All started at {start:.1f} fires a week and faced the same "
        + f"{int(table['fire_requests'].iloc[0])} would-be fires; {prevented}."
    )
    return fig, alt


def _finding(table: pd.DataFrame) -> str:
    if not {ONE_TEAM, THREE_GROUPS} <= set(table.index):
        return "Fires and long-term work by design"
    one, three = table.loc[ONE_TEAM], table.loc[THREE_GROUPS]
    faster = three["fire_response_median_h"] < one["fire_response_median_h"]
    more = three["long_term_hours"] > one["long_term_hours"]
    if faster and more:
        return "Three groups answer fires faster and still build more"
    if faster:
        return "Three groups answer fires faster, but build less"
    if more:
        return "Three groups build more, but answer fires slower"
    return "One team beats three groups here"


def plot_recurring(weekly: pd.DataFrame, smooth_weeks: int = 4) -> tuple[plt.Figure, str]:
    """Recurring fires a week (a ``smooth_weeks`` rolling mean) for each column of
    ``measures.weekly_recurring``."""
    fig, ax = plt.subplots(figsize=(8, 3.8))
    smooth = weekly.rolling(smooth_weeks, min_periods=1).mean()
    for label in weekly.columns:
        style, colour = ("--" if "without" in label else "-"), _colour(label)
        if label == NOTHING_FIXED:
            style, colour = ":", "black"
        ax.plot(smooth.index + 1, smooth[label], style, color=colour, label=label)
    ax.set(
        xlabel="Week of the season",
        ylabel=f"Recurring fires a week ({smooth_weeks}-week mean)",
        ylim=(0, None),
    )
    ax.legend(fontsize=8)
    quarter = max(1, len(weekly) // 4)
    first, last = weekly.iloc[:quarter].mean(), weekly.iloc[-quarter:].mean()
    teams = last.drop(NOTHING_FIXED, errors="ignore")
    ax.set_title(
        f"Recurring fires fall as fixes land; most at the end: {_at(teams.round(1), max)}"
        if (last[teams.index] < last.get(NOTHING_FIXED, np.inf)).all()
        else "Recurring fires over the season",
        fontweight="bold",
        fontsize=10,
    )
    fig.tight_layout()
    alt = (
        f"Line chart of recurring fires a week over {len(weekly)} weeks. "
        + "; ".join(
            f"{label}: {first[label]:.1f} a week in the first {quarter} weeks, "
            f"{last[label]:.1f} in the last {quarter}"
            for label in weekly.columns
        )
        + "."
    )
    return fig, alt


def plot_load(designs: pd.DataFrame) -> tuple[plt.Figure, str]:
    """Two panels from ``findings.designs``: the loaded share of person-weeks, and the
    share spent mostly on work the person does not enjoy."""
    labels = list(designs.index)
    colours = [_colour(d) for d in labels]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    x = np.arange(len(labels))
    for ax, column, title in (
        (axes[0], "loaded_share", "Interrupted too often"),
        (axes[1], "unenjoyed_share", "Mostly on work not enjoyed"),
    ):
        ax.bar(x, 100 * designs[column], color=colours)
        ax.set_xticks(x, labels)
        ax.set(ylabel="Share of person-weeks (%)", title=title)
    fewest, most = _at(designs["loaded_share"], min), _at(designs["loaded_share"], max)
    fig.suptitle(f"Fewest loaded weeks: {fewest}; most: {most}", fontweight="bold")
    fig.tight_layout()
    alt = "Two bar charts of the load measure by design. " + "; ".join(
        f"{label}: {pct(row['loaded_share'])} of person-weeks interrupted too often "
        f"({int(row['loaded_person_weeks'])} person-weeks), {pct(row['unenjoyed_share'])} "
        f"spent mostly on work the person does not enjoy"
        for label, row in designs.iterrows()
    )
    return fig, alt + "."


def plot_sizes(sizes: pd.DataFrame) -> tuple[plt.Figure, str]:
    """Three panels from ``measures.team_sizes``: fires' median time to out, long-term
    hours per person and the loaded share, by team size and design."""
    people = sizes.index.get_level_values("people").unique()
    designs = sizes.index.get_level_values("design").unique()
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.6))
    width = 0.8 / len(designs)
    panels = (
        ("fire_response_median_h", "Median hours until a fire is out", 1),
        ("long_term_hours_per_person", "Long-term hours per person", 1),
        ("loaded_share", "Person-weeks interrupted too often (%)", 100),
    )
    for ax, (column, label, scale) in zip(axes, panels, strict=True):
        for i, design in enumerate(designs):
            values = [scale * sizes.loc[(n, design), column] for n in people]
            offsets = np.arange(len(people)) + (i - (len(designs) - 1) / 2) * width
            ax.bar(offsets, values, width, color=_colour(design), label=design)
        ax.set_xticks(np.arange(len(people)), [f"{n} people" for n in people])
        ax.set(ylabel=label)
    axes[0].legend(fontsize=8)
    fig.suptitle("The same comparison at three team sizes", fontweight="bold")
    fig.tight_layout()
    parts = []
    for n in people:
        rows = sizes.xs(n, level="people")
        parts.append(
            f"at {n} people, "
            + ", ".join(
                f"{d} {rows.loc[d, 'fire_response_median_h']:.1f} h to out, "
                f"{num(rows.loc[d, 'long_term_hours_per_person'])} long-term hours per person, "
                f"{pct(rows.loc[d, 'loaded_share'], 0)} loaded"
                for d in designs
            )
        )
    return fig, "Three bar charts by team size: " + "; ".join(parts) + "."


def plot_water_line(water: pd.DataFrame) -> tuple[plt.Figure, str]:
    """Stacked bars from ``measures.water_line``: hours on routine questions, other
    questions and fires, without and with the water line, per design."""
    columns = ("routine_hours", "other_question_hours", "fire_hours")
    names = ("routine questions", "other questions", "fires")
    colours = (PALETTE["status_quo"], PALETTE["poc"], PALETTE["alarm"])
    fig, ax = plt.subplots(figsize=(8, 3.8))
    labels = [f"{d}\n{'with' if on else 'without'}" for d, on in water.index]
    bottom = np.zeros(len(water))
    for column, name, colour in zip(columns, names, colours, strict=True):
        ax.bar(labels, water[column], bottom=bottom, color=colour, label=name)
        bottom += water[column].to_numpy()
    routine = water["routine_hours"].unstack("water_line")
    title = (
        "The water line takes routine questions off the team"
        if (routine[True] < routine[False]).all()
        else "Routine questions without and with the water line"
    )
    ax.set(ylabel="Hours over the season", title=title)
    ax.legend(fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    fig.tight_layout()
    alt = "Stacked bar chart of hours without and with the water line. " + "; ".join(
        f"{d} {'with' if on else 'without'} it: {num(row['routine_hours'])} hours on routine "
        f"questions, {num(row['fire_hours'])} on fires"
        for (d, on), row in water.iterrows()
    )
    return fig, alt + "."
