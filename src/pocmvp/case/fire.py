"""Fires: a season of unplanned requests, handled by one team or by three groups.

Once the rule is live, requests arrive that nobody planned: **fires** (the catch rate
collapsed, a customer complains: urgent), **questions** (an executive wants a number:
medium), and there is the **long-term work** that would make both rarer or cheaper. The same
people can be organised in two ways:

* **one team** takes everything as it comes, urgent first. Long-term work happens in
  half-day blocks; between blocks each person looks at the queue, takes any fire, then any
  question, and only then goes back to the long-term task they left (fixes and tools,
  half and half);
* **three groups** of the same size in total. **Rapid response** is on call: it answers
  fires and questions, works in short slices so that it can drop a question or a chore the
  moment a fire starts, and spends quiet time on chores (runbooks, alert tidying) that
  count as tooling. **Preemption** ships durable fixes, each removing a share of the
  future fires. **Engineering** ships tools, each cutting the handling time of fires,
  questions and fixes (the other two groups' work).

The contest turns on two mechanisms, both explicit parameters of :class:`Season`:

* **an interruption costs more than its own length.** Getting back into deep work after
  anything else costs ``refocus_hours``; changing between kinds of requests costs the
  smaller ``switch_hours``. The Google SRE book (Beyer et al., *Site Reliability
  Engineering*, 2016, chapter "Dealing with Interrupts") makes this point: a short
  interruption of project work can cost a couple of hours of productive time, so a team
  should split interrupt duty from project work. A team that thrashes between the urgent
  and the important pays this many times a week;
* **a fire waits for a free person.** In one team everybody is in the middle of a block,
  so a fire waits until the next one ends, and its handler pays a switch. Rapid response
  is never more than a short slice away.

Set ``refocus_hours`` near zero and one team does more long-term work: the simulation
does not assume its answer (see :func:`sweep`). Durable fixes and tools have the same
effect whoever ships them, so only the organisation differs. Both designs face exactly the
same stream of requests (the same draws from ``numpy.random.default_rng(seed)``: every
would-be fire and every question, at the same hours, with the same efforts and the same
mark). A would-be fire whose cause a durable fix has already removed never starts: it is
counted as **prevented** (its mark is above the share of the fire rate left), so each design
puts out the fires its own durable work did not prevent. Time is counted in working hours
(40 a week) and nothing reads the clock, so a seed always gives the same season. A season
runs in a few milliseconds.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field, replace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from pocmvp.toolkit.formats import PALETTE, num

ONE_TEAM = "one team"
THREE_GROUPS = "three groups"
DESIGNS = (ONE_TEAM, THREE_GROUPS)
DESIGN_COLOURS = {ONE_TEAM: PALETTE["status_quo"], THREE_GROUPS: PALETTE["mvp"]}
"""One team is how work is organised today (grey); three groups is the proposal (orange)."""

FIRE, QUESTION, FIX, TOOL = "fire", "question", "fix", "tool"


@dataclass(frozen=True)
class Season:
    """The workload and the working assumptions of one season. Hours are working hours."""

    weeks: int = 26
    people: int = 6
    hours_per_week: float = 40.0
    fires_per_week: float = 8.0
    """Fires arriving at the start of the season, before any durable fix."""
    questions_per_week: float = 25.0
    fire_hours: float = 2.5
    """Mean effort to put out one fire with whatever works (a patch, not a cure)."""
    question_hours: float = 1.5
    fix_hours: float = 80.0
    """Effort of one durable fix (finding and removing one cause of fires)."""
    fix_effect: float = 0.03
    """Each durable fix removes this share of the remaining fire rate..."""
    min_fire_share: float = 0.25
    """...down to this share of the starting rate: some fires nobody can prevent."""
    tool_hours: float = 80.0
    """Effort of one tooling improvement (a self-serve report, a runbook, a script)."""
    tool_effect: float = 0.02
    """Each tool cuts this share of the handling time of fires, questions and fixes..."""
    min_handling_share: float = 0.4
    """...down to this share of the original handling time."""
    switch_hours: float = 0.25
    """Time lost starting a different kind of request (a fire after a question, say)."""
    refocus_hours: float = 1.5
    """Time lost getting back into long-term work after anything else interrupted it."""
    focus_block_hours: float = 4.0
    """Long-term work happens in blocks (half a day); one team checks the queue between them."""
    on_call_slice_hours: float = 0.5
    """Rapid response answers questions, and between requests does chores (runbooks, alert
    tidying: they count as tooling work), in slices this short, looking for fires between
    slices: a question or a chore is put down when a fire starts."""

    def __post_init__(self) -> None:
        if self.people < 3:
            raise ValueError(f"three groups need at least 3 people, got {self.people}")
        if self.weeks < 1:
            raise ValueError(f"a season lasts at least one week, got {self.weeks}")

    def groups(self) -> dict[str, int]:
        """How the people split into the three groups (rapid response gets the rounding)."""
        rapid = math.ceil(self.people / 3)
        engineering = max(1, self.people // 3)
        return {
            "rapid response": rapid,
            "preemption": self.people - rapid - engineering,
            "engineering": engineering,
        }


@dataclass
class SeasonResult:
    """What one design achieved in one season."""

    design: str
    fire_response_hours: np.ndarray
    fire_arrivals_hours: np.ndarray
    fire_requests: int
    """Would-be fires in the request stream (the same for every design)."""
    fires_prevented: int
    """Would-be fires that never started: a durable fix had removed their cause."""
    questions: int
    long_term_hours: float
    fixes_shipped: int
    tools_shipped: int
    switching_hours: float
    fires_per_week_start: float
    fires_per_week_end: float


@dataclass
class _Person:
    role: str  # "anything" (one team), "rapid response", "preemption" or "engineering"
    last_kind: str | None = None
    long_term_kind: str | None = None
    long_term_left: float = 0.0  # base hours left on the current long-term item
    question_left: float = 0.0  # hours left on a question rapid response put down


@dataclass(frozen=True)
class _Requests:
    """Every request that could arrive in a season: the same draws for both designs."""

    fire_times: np.ndarray
    fire_marks: np.ndarray  # a fire happens only if its mark is below the current rate share
    fire_efforts: np.ndarray
    question_times: np.ndarray
    question_efforts: np.ndarray


def _draw_requests(season: Season, seed: int) -> _Requests:
    rng = np.random.default_rng(seed)
    season_hours = season.weeks * season.hours_per_week

    def arrivals(per_week: float) -> np.ndarray:
        """A Poisson process: a Poisson count, then uniform times, in order."""
        count = rng.poisson(per_week * season.weeks)
        return np.sort(rng.uniform(0.0, season_hours, count))

    fire_times = arrivals(season.fires_per_week)
    question_times = arrivals(season.questions_per_week)
    # Efforts vary (gamma with shape 2: mostly near the mean, a few long ones).
    return _Requests(
        fire_times=fire_times,
        fire_marks=rng.random(len(fire_times)),
        fire_efforts=rng.gamma(2.0, season.fire_hours / 2, len(fire_times)),
        question_times=question_times,
        question_efforts=rng.gamma(2.0, season.question_hours / 2, len(question_times)),
    )


@dataclass
class _State:
    season: Season
    fixes: int = 0
    tools: int = 0
    long_term_hours: float = 0.0
    switching_hours: float = 0.0
    next_long_term: int = 0
    fire_queue: list = field(default_factory=list)  # (arrival, effort)
    question_queue: list = field(default_factory=list)

    def fire_share(self) -> float:
        """The fire rate now, as a share of the starting rate."""
        s = self.season
        return max(s.min_fire_share, (1 - s.fix_effect) ** self.fixes)

    def handling_share(self) -> float:
        """Handling time now, as a share of the original (engineering's tools cut it)."""
        s = self.season
        return max(s.min_handling_share, (1 - s.tool_effect) ** self.tools)


def simulate(design: str, season: Season | None = None, seed: int = 2026) -> SeasonResult:
    """Run one season for ``design`` (``"one team"`` or ``"three groups"``)."""
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {DESIGNS}, got {design!r}")
    season = season or Season()
    requests = _draw_requests(season, seed)
    season_hours = season.weeks * season.hours_per_week
    state = _State(season)
    if design == ONE_TEAM:
        people = [_Person("anything") for _ in range(season.people)]
    else:
        people = [_Person(role) for role, n in season.groups().items() for _ in range(n)]

    # Events: (time, order, kind, payload). A person's "free" event means they finished
    # what they were doing and pick their next task; arrivals join the queues.
    events: list[tuple[float, int, str, int]] = []
    order = 0

    def push(time: float, kind: str, payload: int) -> None:
        nonlocal order
        heapq.heappush(events, (time, order, kind, payload))
        order += 1

    for i, t in enumerate(requests.fire_times):
        push(float(t), "fire", i)
    for i, t in enumerate(requests.question_times):
        push(float(t), "question", i)
    idle: list[int] = []
    for index in range(len(people)):
        push(0.0, "free", index)

    responses, fire_arrivals = [], []
    prevented = 0
    while events:
        now, _, kind, payload = heapq.heappop(events)
        if kind == "fire":
            # The cause of this would-be fire may already have been fixed for good.
            if requests.fire_marks[payload] < state.fire_share():
                state.fire_queue.append((now, float(requests.fire_efforts[payload])))
                fire_arrivals.append(now)
            else:
                prevented += 1
        elif kind == "question":
            state.question_queue.append((now, float(requests.question_efforts[payload])))
        else:
            idle.append(payload)
        # Anyone idle picks up work (idle people wait for the next request).
        still_idle = []
        for index in idle:
            busy_until = _next_task(people[index], state, now, season_hours, responses)
            if busy_until is None:
                still_idle.append(index)
            else:
                push(busy_until, "free", index)
        idle = still_idle

    return SeasonResult(
        design=design,
        fire_response_hours=np.array(responses),
        fire_arrivals_hours=np.array(fire_arrivals),
        fire_requests=len(requests.fire_times),
        fires_prevented=prevented,
        questions=len(requests.question_times),
        long_term_hours=state.long_term_hours,
        fixes_shipped=state.fixes,
        tools_shipped=state.tools,
        switching_hours=state.switching_hours,
        fires_per_week_start=season.fires_per_week,
        fires_per_week_end=season.fires_per_week * state.fire_share(),
    )


def _switch(person: _Person, kind: str, state: _State, shallow: bool = False) -> float:
    """The time a person loses to start ``kind`` of work after doing something else."""
    if person.last_kind in (None, kind):
        cost = 0.0
    elif kind in (FIX, TOOL) and not shallow:
        cost = state.season.refocus_hours
    else:
        cost = state.season.switch_hours
    person.last_kind = kind
    state.switching_hours += cost
    return cost


def _next_task(
    person: _Person, state: _State, now: float, season_hours: float, responses: list
) -> float | None:
    """Give the person their next task by their role; return when it ends (None: idle)."""
    takes_requests = person.role in ("anything", "rapid response")
    if takes_requests and state.fire_queue:
        arrived, effort = state.fire_queue.pop(0)
        done = now + _switch(person, FIRE, state) + effort * state.handling_share()
        responses.append(done - arrived)
        return done
    on_call = person.role == "rapid response"
    if takes_requests and state.question_queue and person.question_left <= 0:
        _, effort = state.question_queue.pop(0)
        if not on_call:  # one team answers a question in one go
            return now + _switch(person, QUESTION, state) + effort * state.handling_share()
        person.question_left = effort * state.handling_share()
    if person.question_left > 0:
        work = min(state.season.on_call_slice_hours, person.question_left)
        person.question_left -= work
        return now + _switch(person, QUESTION, state) + work
    if now >= season_hours:
        return None
    return _long_term_block(person, state, now, season_hours)


def _long_term_block(person: _Person, state: _State, now: float, season_hours: float) -> float:
    """One focus block on the person's long-term item (never past the season's end); ship
    the item if it is finished."""
    season = state.season
    if person.long_term_kind is None:
        if person.role == "preemption":
            person.long_term_kind = FIX
        elif person.role in ("engineering", "rapid response"):
            person.long_term_kind = TOOL
        else:  # one team shares one backlog of fixes and tools, half and half
            person.long_term_kind = FIX if state.next_long_term % 2 == 0 else TOOL
            state.next_long_term += 1
        person.long_term_left = (
            season.fix_hours if person.long_term_kind == FIX else season.tool_hours
        )
    # Tools make fixes quicker (a share of the hours); a tool's own effort stays the same.
    time_share = state.handling_share() if person.long_term_kind == FIX else 1.0
    chores = person.role == "rapid response"
    switching = _switch(person, person.long_term_kind, state, shallow=chores)
    block = season.on_call_slice_hours if chores else season.focus_block_hours
    block = min(block, season_hours - now - switching)
    work = max(0.0, min(block, person.long_term_left * time_share))
    person.long_term_left -= work / time_share
    state.long_term_hours += work
    if person.long_term_left <= 1e-9:
        if person.long_term_kind == FIX:
            state.fixes += 1
        else:
            state.tools += 1
        person.long_term_kind = None
        person.last_kind = None  # a natural break: the next task costs no refocusing
    return now + switching + work


def summarise(result: SeasonResult) -> dict:
    """One design's season in the figures chapter 7 compares."""
    responses = result.fire_response_hours
    return {
        "fire_requests": result.fire_requests,
        "fires_prevented": result.fires_prevented,
        "fires": len(responses),
        "questions": result.questions,
        "fire_response_median_h": float(np.median(responses)) if len(responses) else np.nan,
        "fire_response_p90_h": float(np.quantile(responses, 0.9)) if len(responses) else np.nan,
        "long_term_hours": result.long_term_hours,
        "fixes_shipped": result.fixes_shipped,
        "tools_shipped": result.tools_shipped,
        "switching_hours": result.switching_hours,
        "fires_per_week_start": result.fires_per_week_start,
        "fires_per_week_end": result.fires_per_week_end,
    }


def compare_designs(
    seed: int = 2026, weeks: int = 26, people: int = 6, season: Season | None = None
) -> pd.DataFrame:
    """Both designs on the same season of requests: one row per design.

    Columns: the would-be fires in the request stream (the same for both), those a durable
    fix prevented, the fires that started and were put out, the questions, median and
    90th-percentile hours from a fire's start until it is out, long-term hours worked,
    durable fixes and tools shipped, hours lost to switching, and the fire rate (per week)
    at the start and the end of the season. ``season`` overrides any other assumption
    (its weeks and people are replaced by the arguments).
    """
    season = replace(season or Season(), weeks=weeks, people=people)
    rows = {design: summarise(simulate(design, season, seed)) for design in DESIGNS}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "design"
    return table


def plot_designs(table: pd.DataFrame) -> tuple[plt.Figure, str]:
    """Three panels from :func:`compare_designs`: hours until a fire is out, long-term
    work done, and fires per week left at the season's end.

    Returns the figure and its alt text (computed from the table, for ``fig-alt``). The
    title states the finding only if the table supports it.
    """
    designs = list(table.index)
    colours = [DESIGN_COLOURS.get(d, PALETTE["poc"]) for d in designs]
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.6))
    x = np.arange(len(designs))

    ax = axes[0]
    statistics = ["fire_response_median_h", "fire_response_p90_h"]
    width = 0.8 / len(designs)
    for i, (design, colour) in enumerate(zip(designs, colours, strict=True)):
        offsets = np.arange(len(statistics)) + (i - (len(designs) - 1) / 2) * width
        ax.bar(offsets, table.loc[design, statistics], width, color=colour, label=design)
    ax.set_xticks(np.arange(len(statistics)), ["median", "90th percentile"])
    ax.set(ylabel="Hours until a fire is out (working h)", title="Fires")
    ax.legend(fontsize=8, loc="upper left")

    ax = axes[1]
    ax.bar(x, table["long_term_hours"], color=colours)
    for xi, design in enumerate(designs):
        ax.annotate(
            f"{int(table.loc[design, 'fixes_shipped'])} fixes\n"
            f"{int(table.loc[design, 'tools_shipped'])} tools",
            (xi, 0),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    ax.set_xticks(x, designs)
    ax.set(ylabel="Long-term work done (hours)", title="Durable work")

    ax = axes[2]
    start = float(table["fires_per_week_start"].iloc[0])
    ax.bar(x, table["fires_per_week_end"], color=colours)
    ax.axhline(start, color="black", linestyle="--", linewidth=1)
    ax.annotate(
        "at the start",
        (x[-1] + 0.4, start),
        xytext=(0, 3),
        textcoords="offset points",
        ha="right",
        fontsize=8,
    )
    ax.set_xticks(x, designs)
    ax.set(ylabel="Fires per week at season end", title="Fires left")
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
    requests = "; ".join(
        f"{design} prevented {int(row['fires_prevented'])} of them"
        for design, row in table.iterrows()
    )
    alt = (
        "Three bar charts comparing two ways to organise the same people over one season. "
        + "; ".join(parts)
        + f". Both started at {start:.1f} fires a week and faced the same "
        + f"{int(table['fire_requests'].iloc[0])} would-be fires; {requests}."
    )
    return fig, alt


def _finding(table: pd.DataFrame) -> str:
    """A title that states what the table shows, and no more."""
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


def sweep(
    parameter: str, values: list, *, seed: int = 2026, season: Season | None = None
) -> pd.DataFrame:
    """Both designs for each value of one :class:`Season` parameter: when does the
    contest turn? One row per (value, design), with the columns of :func:`compare_designs`."""
    season = season or Season()
    if parameter not in Season.__dataclass_fields__:
        raise ValueError(f"{parameter!r} is not a Season parameter")
    frames = []
    for value in values:
        changed = replace(season, **{parameter: value})
        table = compare_designs(seed, changed.weeks, changed.people, changed)
        frames.append(table.reset_index().assign(**{parameter: value}))
    return pd.concat(frames, ignore_index=True).set_index([parameter, "design"])


def _benchmark(runs: int) -> dict:
    """For ``pocmvp bench``: the wall time of one default comparison (never asserted)."""
    from pocmvp.toolkit.timing import median_seconds

    return {"compare_designs_seconds": median_seconds(compare_designs, runs)}


BENCHMARKS = {"fire_simulation": _benchmark}
