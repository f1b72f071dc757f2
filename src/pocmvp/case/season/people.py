"""The people of a season: who enjoys interrupt-driven work, and who sits where each week.

The essay the chapter teaches (*Is your data team stuck fighting fires? Maybe they should
be*, Towards Data Science) claims that firefighting should be done by people who enjoy it,
and that each group should be hired for its craft. The simulation takes the first half as
an assumption about **preference only**: a person either enjoys interrupt-driven work (fires,
questions, being on call) or prefers long-term work (durable fixes, automations). It does
**not** assume that enjoying the work makes anyone faster: everyone works at the same
speed, so any difference between designs comes from who is interrupted and who does what.

Three designs seat the same people:

* **one team**: everyone takes whatever comes, urgent first;
* **three groups** (dedicated): the rapid-response seats go to those who enjoy interrupt
  work (if there are too few, the others fill the rest); the others are split between
  preemption and engineering;
* **rotation**: the same three groups, but the rapid-response seats rotate weekly through
  everyone (an on-call rota); off call, each person works in their home group.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pocmvp.case.season.requests import Season

ONE_TEAM = "one team"
THREE_GROUPS = "three groups"
ROTATION = "rotation"
DESIGNS = (ONE_TEAM, ROTATION, THREE_GROUPS)
"""Every design, from today's way to the essay's."""

ANYTHING = "anything"
RAPID = "rapid response"
PREEMPTION = "preemption"
ENGINEERING = "engineering"


@dataclass(frozen=True)
class Person:
    index: int
    enjoys_interrupts: bool


def team(season: Season, seed: int) -> tuple[Person, ...]:
    """``season.people`` people, of whom ``round(interrupt_lovers_share * people)`` enjoy
    interrupt work (at least one); who they are is drawn from the seed on a stream of its
    own, so the request stream does not change."""
    lovers = max(1, round(season.interrupt_lovers_share * season.people))
    chosen = np.random.default_rng([seed, 1]).choice(season.people, lovers, replace=False)
    return tuple(Person(i, i in set(chosen.tolist())) for i in range(season.people))


@dataclass(frozen=True)
class Seating:
    """Who sits where: each person's home role, and who is on call in each week."""

    design: str
    home: tuple[str, ...]
    on_call: tuple[frozenset[int], ...]

    def role(self, person: int, week: int) -> str:
        if self.design == ONE_TEAM:
            return ANYTHING
        week = min(week, len(self.on_call) - 1)
        return RAPID if person in self.on_call[week] else self.home[person]


def seat(design: str, season: Season, people: tuple[Person, ...]) -> Seating:
    """Seat ``people`` for ``design`` (see the module's description)."""
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {DESIGNS}, got {design!r}")
    n, weeks = season.people, season.weeks
    if design == ONE_TEAM:
        return Seating(design, (ANYTHING,) * n, (frozenset(),) * weeks)
    groups = season.groups()
    seats, engineers = groups[RAPID], groups[ENGINEERING]
    if design == THREE_GROUPS:
        # Volunteers first, then the others in order; the rest alternate preemption and
        # engineering in proportion to the groups' sizes.
        order = sorted(people, key=lambda p: (not p.enjoys_interrupts, p.index))
        rapid = frozenset(p.index for p in order[:seats])
        rest = [p.index for p in order[seats:]]
        home = [RAPID] * n
        for i, role in zip(rest, _split(len(rest), engineers), strict=True):
            home[i] = role
        return Seating(design, tuple(home), (rapid,) * weeks)
    # Rotation: everyone has a home group; the rota walks through everyone, ``seats`` at
    # a time, week after week.
    home = tuple(_split(n, round(engineers * n / (n - seats))))
    on_call = tuple(frozenset((w * seats + k) % n for k in range(seats)) for w in range(weeks))
    return Seating(design, home, on_call)


def _split(count: int, engineers: int) -> list[str]:
    """``count`` home roles, ``engineers`` of them engineering, spread evenly."""
    engineers = min(max(engineers, 1 if count > 1 else 0), count)
    roles = []
    for i in range(count):
        before, after = (i * engineers) // count, ((i + 1) * engineers) // count
        roles.append(ENGINEERING if after > before else PREEMPTION)
    return roles


def enjoys(person: Person, interrupt_hours: float, long_term_hours: float) -> bool:
    """Did the person spend the week mostly on work they enjoy? (A week with no work at all
    counts as enjoyed.)"""
    if interrupt_hours == long_term_hours == 0:
        return True
    mostly_interrupts = interrupt_hours > long_term_hours
    return mostly_interrupts == person.enjoys_interrupts
