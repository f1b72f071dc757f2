"""The work of a season: its assumptions, the fires' causes, the questions, the candidates
for automation, and the stream of requests drawn from one seed.

Every number below is a declared assumption, not a measurement of any real plant; each
says why it was chosen. The request stream depends only on the :class:`Season` and the
seed, never on how the team is organised, so every design faces the same fires and
questions at the same hours with the same efforts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Cause:
    """A recurring cause of fires.

    ``share`` is the cause's share of all fires (its recurrence rate is ``share`` times
    :attr:`Season.fires_per_week`); ``cost`` is the effort of one of its fires relative to
    the mean fire; ``fix_size`` is the effort of its durable fix relative to
    :attr:`Season.fix_hours`.
    """

    name: str
    share: float
    cost: float
    fix_size: float


CAUSES = (
    Cause("data feed late", 0.16, 0.5, 0.6),
    Cause("sensor fault", 0.14, 0.7, 1.0),
    Cause("rule threshold drift", 0.10, 1.2, 1.4),
    Cause("spreadsheet formula broken", 0.08, 0.8, 0.5),
    Cause("shift handover note missing", 0.07, 0.6, 0.5),
    Cause("mould maintenance overdue", 0.06, 1.4, 1.0),
    Cause("supplier change", 0.05, 2.0, 2.0),
    Cause("report email bounced", 0.05, 0.4, 0.4),
    Cause("duplicate part ids", 0.05, 1.0, 0.8),
    Cause("X-ray queue overflow", 0.04, 1.5, 1.4),
)
"""Ten recurring causes with a long tail: a few common and cheap (a late feed), a few rare
and costly (a supplier change, as in chapter 7). The shares and costs are assumptions
chosen so that the product of rate and cost, the preemption group's ordering, differs
from the order of first appearance."""

ONE_OFF = "one-off"
ONE_OFF_SHARE = 0.20
"""The share of fires whose cause never comes back (a novel failure): a durable fix aimed
at one prevents nothing. Nobody can tell a one-off from the first of a recurring cause
without a log of what came before."""
ONE_OFF_COST = 1.3


@dataclass(frozen=True)
class QuestionKind:
    """A kind of question: its share of all questions, its effort relative to the mean
    question, and what on the water line answers it (``None``: only a person can)."""

    name: str
    share: float
    cost: float
    answered_by: str | None


QUESTION_KINDS = (
    QuestionKind("is this part flagged?", 0.40, 0.35, "write-back"),
    QuestionKind("this month's figure", 0.35, 0.70, "self-serve sheet"),
    QuestionKind("an analysis nobody has asked before", 0.25, 2.45, None),
)
"""Routine questions (the first two kinds) are answerable from data that already exists:
the rule's flags written back into the shift leads' sheet every day, and a self-serve
sheet of the monthly figures. The third kind needs a person. Shares and costs are
assumptions; the costs are scaled so that the mean question takes
:attr:`Season.question_hours`."""


@dataclass(frozen=True)
class Automation:
    """A candidate for the engineering group: what it cuts, by how much, at what effort.

    ``target`` is ``("fire", cause)``, ``("fire", "*")`` (every fire), ``("question",
    kind)`` or ``("fix", "*")`` (every durable fix); ``cut`` is the share of that work's
    handling time it removes; ``size`` is its effort relative to :attr:`Season.tool_hours`.
    """

    name: str
    target: tuple[str, str]
    cut: float
    size: float


AUTOMATIONS = (
    Automation("KPI dashboard", ("question", "this month's figure"), 0.5, 1.5),
    Automation("query templates", ("question", "an analysis nobody has asked before"), 0.3, 1.0),
    Automation("supplier onboarding checklist", ("fire", "supplier change"), 0.4, 0.5),
    Automation("runbook for every alarm", ("fire", "*"), 0.2, 1.5),
    Automation("test harness for durable fixes", ("fix", "*"), 0.3, 1.5),
    Automation("one-click rule re-fit", ("fire", "rule threshold drift"), 0.5, 0.8),
    Automation("sensor health check", ("fire", "sensor fault"), 0.6, 0.8),
    Automation("feed retry and backfill", ("fire", "data feed late"), 0.7, 0.6),
)
"""Engineering's candidate list, in the order a wish list might be written (the order a
team without a log builds them). With the loop, engineering instead picks the candidate
that would save the other groups the most hours per hour of building, from the hours they
logged so far."""


@dataclass(frozen=True)
class Season:
    """The workload and the working assumptions of one season. Hours are working hours."""

    weeks: int = 26
    people: int = 6
    hours_per_week: float = 40.0
    fires_per_week: float = 8.0
    """Would-be fires a week, all causes together, before any durable fix."""
    questions_per_week: float = 25.0
    fire_hours: float = 2.5
    """Mean effort to put out one fire with whatever works (a patch, not a cure)."""
    question_hours: float = 1.5
    """Mean effort to answer one question."""
    fix_hours: float = 200.0
    """Effort of a typical durable fix (finding and removing one cause for good, as
    chapter 7's preemption model did): five person-weeks; each cause scales it."""
    fix_effect: float = 0.8
    """A durable fix prevents this share of its cause's future fires (most, not all)."""
    tool_hours: float = 150.0
    """Effort of a typical automation (about four person-weeks); each candidate scales it.
    Long-term work beyond both backlogs goes to the roadmap's other projects, in pieces of
    this size, which change no request."""
    switch_hours: float = 0.25
    """Time lost starting a different kind of request (a fire after a question, say)."""
    refocus_hours: float = 1.5
    """Time lost getting back into long-term work after anything else interrupted it. The
    Google SRE book (Beyer et al., *Site Reliability Engineering*, 2016, "Dealing with
    Interrupts") argues that a short interruption of project work costs far more than its
    own length."""
    focus_block_hours: float = 4.0
    """Long-term work happens in blocks (half a day); one team checks the queue between them."""
    on_call_slice_hours: float = 0.5
    """Whoever is on call answers questions in slices this short, so a question is put
    down when a fire starts; their chores (the next automation, or in a small team the
    next durable fix) are put down the moment any request arrives."""
    interrupt_lovers_share: float = 1 / 3
    """The share of people who enjoy interrupt-driven work (an assumption: a minority)."""
    interruptions_over: int = 5
    """The load measure counts person-weeks with more than this many interruptions of
    long-term work (more than one a working day)."""
    water_line_share: float = 0.7
    """The share of routine questions the water line (the write-back and the self-serve
    sheet) answers without a person; the rest still ask someone."""
    two_hats_up_to: int = 4
    """In a team this small the on-call seat also does preemption's work in quiet time
    (rapid response and preemption are one person's two hats)."""

    def __post_init__(self) -> None:
        if self.people < 3:
            raise ValueError(f"three groups need at least 3 people, got {self.people}")
        if self.weeks < 1:
            raise ValueError(f"a season lasts at least one week, got {self.weeks}")
        if not 0 <= self.fix_effect <= 1:
            raise ValueError(f"fix_effect is a share, got {self.fix_effect}")
        if not 0 <= self.water_line_share <= 1:
            raise ValueError(f"water_line_share is a share, got {self.water_line_share}")

    @property
    def hours(self) -> float:
        return self.weeks * self.hours_per_week

    def groups(self) -> dict[str, int]:
        """How the people split into the three groups (rapid response gets the rounding)."""
        rapid = math.ceil(self.people / 3)
        engineering = max(1, self.people // 3)
        return {
            "rapid response": rapid,
            "preemption": self.people - rapid - engineering,
            "engineering": engineering,
        }

    def two_hats(self) -> bool:
        return self.people <= self.two_hats_up_to


def scaled_for(people: int, season: Season | None = None) -> Season:
    """The season of a team of ``people``: requests grow with the team (an assumption:
    a bigger team serves a bigger organisation, so the load per person stays the same and
    only the organisation differs). The reference is the default 6-person season."""
    from dataclasses import replace

    season = season or Season()
    factor = people / season.people
    return replace(
        season,
        people=people,
        fires_per_week=season.fires_per_week * factor,
        questions_per_week=season.questions_per_week * factor,
    )


def fire_cost_hours(season: Season) -> np.ndarray:
    """Mean hours of one fire by cause (the recurring causes, then the one-offs), scaled so
    that the mean fire takes :attr:`Season.fire_hours`."""
    shares = np.array([c.share for c in CAUSES] + [ONE_OFF_SHARE])
    costs = np.array([c.cost for c in CAUSES] + [ONE_OFF_COST])
    return season.fire_hours * costs / (shares @ costs / shares.sum())


def question_cost_hours(season: Season) -> np.ndarray:
    """Mean hours of one question by kind, scaled so the mean is ``question_hours``."""
    shares = np.array([k.share for k in QUESTION_KINDS])
    costs = np.array([k.cost for k in QUESTION_KINDS])
    return season.question_hours * costs / (shares @ costs / shares.sum())


@dataclass(frozen=True)
class Requests:
    """Every request that could arrive in a season: the same draws for every design.

    A fire's ``cause`` indexes :data:`CAUSES`; a one-off's is ``len(CAUSES)`` plus its own
    number, so no two one-offs share a cause. A would-be fire is **recurring** if a fire of
    the same cause came before it in the stream. ``fire_marks`` decide prevention: a fire
    of a fixed cause starts only if its mark is at least ``fix_effect``. ``question_marks``
    decide the water line: a routine question whose mark is below ``water_line_share`` is
    answered by the sheet.
    """

    fire_times: np.ndarray
    fire_causes: np.ndarray
    fire_efforts: np.ndarray
    fire_marks: np.ndarray
    fire_recurring: np.ndarray
    question_times: np.ndarray
    question_kinds: np.ndarray
    question_efforts: np.ndarray
    question_marks: np.ndarray


def draw_requests(season: Season, seed: int) -> Requests:
    """The season's requests from ``numpy.random.default_rng(seed)``: Poisson arrivals
    at uniform times, causes and kinds drawn by share, efforts gamma-distributed (shape 2:
    mostly near the mean, a few long ones)."""
    rng = np.random.default_rng(seed)

    def arrivals(per_week: float) -> np.ndarray:
        count = rng.poisson(per_week * season.weeks)
        return np.sort(rng.uniform(0.0, season.hours, count))

    fire_times = arrivals(season.fires_per_week)
    question_times = arrivals(season.questions_per_week)
    shares = np.array([c.share for c in CAUSES] + [ONE_OFF_SHARE])
    causes = rng.choice(len(shares), size=len(fire_times), p=shares / shares.sum())
    mean_hours = fire_cost_hours(season)[causes]
    one_off = causes == len(CAUSES)
    causes[one_off] = len(CAUSES) + np.arange(one_off.sum())
    recurring = np.zeros(len(causes), dtype=bool)
    seen: set[int] = set()
    for i, cause in enumerate(causes):
        recurring[i] = cause in seen
        seen.add(int(cause))
    kind_shares = np.array([k.share for k in QUESTION_KINDS])
    kinds = rng.choice(len(kind_shares), size=len(question_times), p=kind_shares)
    return Requests(
        fire_times=fire_times,
        fire_causes=causes,
        fire_efforts=rng.gamma(2.0, mean_hours / 2),
        fire_marks=rng.random(len(fire_times)),
        fire_recurring=recurring,
        question_times=question_times,
        question_kinds=kinds,
        question_efforts=rng.gamma(2.0, question_cost_hours(season)[kinds] / 2),
        question_marks=rng.random(len(question_times)),
    )


def cause_name(cause: int) -> str:
    return CAUSES[cause].name if cause < len(CAUSES) else ONE_OFF
