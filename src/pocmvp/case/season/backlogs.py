"""The loop that makes the groups feed each other: rapid response's log of fires, and the
two backlogs it orders.

Whoever puts a fire out logs its cause and the hours it took. With the loop, preemption
fixes first the cause seen at least twice whose fires have cost the most hours so far (how
often it recurred times what it costs), and engineering builds the candidate automation
that would save the other groups the most hours per hour of building, measured from the
hours they logged. Without it, a durable fix goes to whatever comes to hand (the cause of
the latest fire not yet fixed: a one-off, perhaps, which prevents nothing) and automations
are built in the wish list's order.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from pocmvp.case.season.requests import (
    AUTOMATIONS,
    CAUSES,
    QUESTION_KINDS,
    Requests,
    Season,
    cause_name,
)

FIRE, QUESTION, FIX, TOOL, PROJECT = "fire", "question", "fix", "tool", "project"
LONG_TERM = (FIX, TOOL, PROJECT)


@dataclass
class Team:
    """What the whole team shares: the queues, the log, the backlogs and what shipped."""

    season: Season
    requests: Requests
    loop: bool
    fixed: set = field(default_factory=set)
    left: dict = field(default_factory=dict)  # (kind, target) -> base hours left
    claimed: set = field(default_factory=set)
    built: list = field(default_factory=list)
    fire_queue: deque = field(default_factory=deque)
    question_queue: deque = field(default_factory=deque)
    fire_count: dict = field(default_factory=dict)  # the log: cause -> fires put out
    fire_hours: dict = field(default_factory=dict)  # cause -> hours they took
    question_hours: np.ndarray = field(default_factory=lambda: np.zeros(len(QUESTION_KINDS)))
    fix_hours_logged: float = 0.0
    fire_cut: list = field(default_factory=lambda: [1.0] * (len(CAUSES) + 1))
    question_cut: list = field(default_factory=lambda: [1.0] * len(QUESTION_KINDS))
    fix_cut: float = 1.0
    latest_causes: list = field(default_factory=list)
    next_one_team_kind: int = 0
    projects: int = 0
    long_term_hours: float = 0.0
    switching_hours: float = 0.0
    shipped: list = field(default_factory=list)

    def fire_multiplier(self, cause: int) -> float:
        return self.fire_cut[min(cause, len(CAUSES))]

    def logged_hours(self, target: tuple[str, str]) -> float:
        kind, name = target
        if kind == FIRE:
            if name == "*":
                return sum(self.fire_hours.values())
            index = [c.name for c in CAUSES].index(name)
            return self.fire_hours.get(index, 0.0)
        if kind == QUESTION:
            return float(self.question_hours[[k.name for k in QUESTION_KINDS].index(name)])
        return self.fix_hours_logged

    def choose_fix(self) -> int | None:
        free = [c for c in self.fire_count if c not in self.fixed and (FIX, c) not in self.claimed]
        if self.loop:
            recurring = [c for c in free if self.fire_count[c] >= 2]
            return max(recurring, key=lambda c: (self.fire_hours[c], -c)) if recurring else None
        for cause in reversed(self.latest_causes):  # what comes to hand
            if cause in free:
                return cause
        return None

    def choose_automation(self) -> int | None:
        free = [i for i in range(len(AUTOMATIONS)) if i not in self.built]
        free = [i for i in free if (TOOL, i) not in self.claimed]
        if not free:
            return None
        if not self.loop:
            return free[0]

        def saving_per_hour(i: int) -> float:
            automation = AUTOMATIONS[i]
            return automation.cut * self.logged_hours(automation.target) / automation.size

        best = max(free, key=lambda i: (saving_per_hour(i), -i))
        return best if saving_per_hour(best) > 0 else free[0]

    def ship(self, kind: str, target: int, now: float) -> None:
        if kind == PROJECT:
            return
        if kind == FIX:
            self.fixed.add(target)
            self.shipped.append((now, FIX, cause_name(target)))
            return
        self.built.append(target)
        automation = AUTOMATIONS[target]
        self.shipped.append((now, TOOL, automation.name))
        what, name = automation.target
        if what == FIRE:
            names = [c.name for c in CAUSES]
            for i in range(len(self.fire_cut)) if name == "*" else [names.index(name)]:
                self.fire_cut[i] *= 1 - automation.cut
        elif what == QUESTION:
            self.question_cut[[k.name for k in QUESTION_KINDS].index(name)] *= 1 - automation.cut
        else:
            self.fix_cut *= 1 - automation.cut
