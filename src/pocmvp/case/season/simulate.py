"""The event loop: one season of requests, handled by one design, with or without the loop
that makes the groups feed each other, with or without the water line.

The loop that makes the groups feed each other (rapid response's log ordering preemption's
and engineering's backlogs) lives in :mod:`~pocmvp.case.season.backlogs`; a durable fix
prevents ``fix_effect`` of its cause's future fires.

**Interruptions.** Getting back into long-term work after anything else costs
``refocus_hours``; changing between kinds of requests costs ``switch_hours``. One team works
in focus blocks and looks at the queue between them; whoever is on call answers
questions in short slices and drops a chore the moment a request arrives. Time is counted
in working hours and nothing reads the clock, so a seed always gives the same season.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pocmvp.case.season import people as staff
from pocmvp.case.season.backlogs import FIRE, FIX, LONG_TERM, PROJECT, QUESTION, TOOL, Team
from pocmvp.case.season.requests import (
    AUTOMATIONS,
    CAUSES,
    QUESTION_KINDS,
    Season,
    cause_name,
    draw_requests,
)


@dataclass
class Run:
    """What one design did in one season: one row per would-be fire, per question, per
    person-week and per thing shipped, and the season's totals."""

    design: str
    season: Season
    loop: bool
    water_line: bool
    fires: pd.DataFrame
    questions: pd.DataFrame
    person_weeks: pd.DataFrame
    shipped: pd.DataFrame
    long_term_hours: float
    switching_hours: float

    @property
    def fire_response_hours(self) -> np.ndarray:
        """Hours from each fire's start until it was out, the fires that started only."""
        return self.fires.loc[self.fires["started"], "out_after_h"].to_numpy()

    @property
    def fire_arrivals_hours(self) -> np.ndarray:
        """When each fire that started arrived (working hours into the season)."""
        return self.fires.loc[self.fires["started"], "arrived_h"].to_numpy()


@dataclass(slots=True)  # slots: the loop reads and writes these fields on every event
class _Person:
    person: staff.Person
    role: str = ""
    last_kind: str | None = None
    item: tuple[str, int] | None = None  # (FIX, cause) or (TOOL, automation)
    question: int = -1  # a question the person on call answers in slices
    question_left: float = 0.0
    chore: tuple | None = None  # an on-call chore under way: (start, switching, work, share)
    pending: int = -1  # the order of the person's one valid "free" event


def simulate(
    design: str,
    season: Season | None = None,
    seed: int = 2026,
    *,
    loop: bool | None = None,
    water_line: bool = False,
) -> Run:
    """Run one season for ``design`` (see :mod:`pocmvp.case.season.people`). ``loop``
    defaults to what the design has: the groups feed each other, one team does not."""
    season = season or Season()
    loop = design != staff.ONE_TEAM if loop is None else loop
    members = staff.team(season, seed)
    seating = staff.seat(design, season, members)
    requests = draw_requests(season, seed)
    team = Team(season, requests, loop)
    persons = [_Person(m) for m in members]
    weeks, season_hours, per_week = season.weeks, season.hours, season.hours_per_week
    # Per person and week: interrupt hours, long-term hours, interruptions (plain lists:
    # the loop touches them thousands of times).
    stats = [[[0.0, 0.0, 0] for _ in range(weeks)] for _ in persons]
    causes, marks = requests.fire_causes.tolist(), requests.fire_marks.tolist()
    fire_efforts = requests.fire_efforts.tolist()
    question_kinds, question_marks = (
        requests.question_kinds.tolist(),
        requests.question_marks.tolist(),
    )
    question_efforts = requests.question_efforts.tolist()
    routine = [k.answered_by is not None for k in QUESTION_KINDS]
    on_call_slice, focus_block = season.on_call_slice_hours, season.focus_block_hours
    two_hats = season.two_hats()
    last_week = weeks - 1
    roles = [[seating.role(p, w) for p in range(len(persons))] for w in range(weeks)]
    fire_out = np.full(len(requests.fire_times), np.nan)
    fire_worked = np.zeros(len(requests.fire_times))
    started = np.zeros(len(requests.fire_times), dtype=bool)
    question_worked = np.zeros(len(requests.question_times))
    by_sheet = np.zeros(len(requests.question_times), dtype=bool)

    events: list[tuple[float, int, str, int]] = []
    order = 0

    def push(time: float, kind: str, payload: int) -> None:
        nonlocal order
        heapq.heappush(events, (time, order, kind, payload))
        if kind == "free":
            persons[payload].pending = order
        order += 1

    for i, t in enumerate(requests.fire_times):
        push(float(t), FIRE, i)
    for i, t in enumerate(requests.question_times):
        push(float(t), QUESTION, i)
    for i in range(len(persons)):
        push(0.0, "free", i)
    idle: list[int] = []

    def switch(person: _Person, kind: str, shallow: bool) -> float:
        if person.last_kind in (None, kind):
            cost = 0.0
        elif kind in LONG_TERM and not shallow:
            cost = season.refocus_hours
        else:
            cost = season.switch_hours
        person.last_kind = kind
        team.switching_hours += cost
        return cost

    def interrupts_long_term(person: _Person, on_call: bool) -> bool:
        """Does taking a request now interrupt long-term work? Not an on-call person's
        chores (they are meant to be put down), but a two-hatted one's durable fix, yes."""
        if person.item is None:
            return False
        return not on_call or (two_hats and person.item[0] == FIX)

    fire_queue, question_queue = team.fire_queue, team.question_queue

    def next_task(index: int, now: float) -> float | None:
        person = persons[index]
        week = int(now // per_week)
        if week > last_week:
            week = last_week
        role = roles[week][index]
        if role != person.role:  # a new seat: put the old item back for someone else
            if person.item is not None:
                team.claimed.discard(person.item)
                person.item = None
            person.role = role
        on_call = role == staff.RAPID
        takes_requests = on_call or role == staff.ANYTHING
        row = stats[index][week]
        if takes_requests and fire_queue:
            fire = fire_queue.popleft()
            row[2] += interrupts_long_term(person, on_call)
            cause = causes[fire]
            effort = fire_efforts[fire] * team.fire_multiplier(cause)
            cost = switch(person, FIRE, True) + effort
            fire_out[fire], fire_worked[fire] = now + cost, cost
            team.fire_count[cause] = team.fire_count.get(cause, 0) + 1
            team.fire_hours[cause] = team.fire_hours.get(cause, 0.0) + cost
            team.latest_causes.append(cause)
            row[0] += cost
            return now + cost
        if takes_requests and question_queue and person.question_left <= 0:
            question = question_queue.popleft()
            row[2] += interrupts_long_term(person, on_call)
            kind = question_kinds[question]
            effort = question_efforts[question] * team.question_cut[kind]
            if not on_call:  # one team answers in one go
                cost = switch(person, QUESTION, True) + effort
                question_worked[question] += cost
                team.question_hours[kind] += cost
                row[0] += cost
                return now + cost
            person.question, person.question_left = question, effort
        if person.question_left > 0:
            work = min(on_call_slice, person.question_left)
            person.question_left -= work
            cost = switch(person, QUESTION, True) + work
            question_worked[person.question] += cost
            team.question_hours[question_kinds[person.question]] += cost
            row[0] += cost
            return now + cost
        if now >= season_hours:
            return None
        return long_term_block(person, now, row, on_call)

    left = team.left

    def long_term_block(person: _Person, now: float, row: list, on_call: bool):
        item = person.item
        if item is None:
            item = person.item = pick_item(person.role)
            if item is None:
                return None
            team.claimed.add(item)
        kind, target = item
        if item not in left:
            if kind == FIX:
                size = CAUSES[target].fix_size if target < len(CAUSES) else 1.0
                left[item] = season.fix_hours * size
            else:
                size = AUTOMATIONS[target].size if kind == TOOL else 1.0
                left[item] = season.tool_hours * size
        share = team.fix_cut if kind == FIX else 1.0
        switching = switch(person, kind, shallow=on_call)
        block = min(focus_block, season_hours - now - switching)
        work = max(0.0, min(block, left[item] * share))
        if on_call:  # a chore: put down the moment a request arrives (see settle)
            person.chore = (now, switching, work, share, row)
            return now + switching + work
        do_work(person, now + switching + work, work, share, row, switching)
        return now + switching + work

    def do_work(person: _Person, end: float, work: float, share: float, row, switching):
        """Book ``work`` hours on the person's item; ship it at ``end`` if it is done."""
        item = person.item
        kind, target = item
        left[item] -= work / share
        team.long_term_hours += work
        if kind == FIX:
            team.fix_hours_logged += work
        row[1] += work + switching
        if left[item] <= 1e-9:
            team.ship(kind, target, end)
            team.claimed.discard(item)
            person.item, person.last_kind = None, None  # a natural break

    def settle(person: _Person, now: float) -> None:
        """End an on-call chore at ``now``, early if a request cut it short."""
        start, switching, work, share, row = person.chore
        person.chore = None
        elapsed = now - start
        done = min(work, max(0.0, elapsed - switching))
        do_work(person, now, done, share, row, min(switching, elapsed))

    def pick_item(role: str) -> tuple[str, int] | None:
        if role == staff.ANYTHING:  # one backlog, fixes and tools in turn
            first = FIX if team.next_one_team_kind % 2 == 0 else TOOL
            team.next_one_team_kind += 1
        elif role == staff.PREEMPTION or (role == staff.RAPID and season.two_hats()):
            first = FIX
        else:
            first = TOOL
        for kind in (first, TOOL if first == FIX else FIX):
            target = team.choose_fix() if kind == FIX else team.choose_automation()
            if target is not None:
                return kind, target
        # Nothing on either backlog: the roadmap's other projects (long-term work with no
        # effect on fires or questions), one per person at a time.
        team.projects += 1
        return PROJECT, team.projects

    pop, push_event = heapq.heappop, heapq.heappush
    while events:
        now, order_of, kind, payload = pop(events)
        if kind == FIRE:
            cause = causes[payload]
            if cause in team.fixed and marks[payload] < season.fix_effect:
                pass  # prevented: a durable fix removed it
            else:
                started[payload] = True
                fire_queue.append(payload)
        elif kind == QUESTION:
            answerable = routine[question_kinds[payload]]
            if water_line and answerable and question_marks[payload] < season.water_line_share:
                by_sheet[payload] = True
            else:
                question_queue.append(payload)
        elif order_of != persons[payload].pending:
            continue  # a chore cut short: this event is no longer the person's
        else:
            if persons[payload].chore is not None:
                settle(persons[payload], now)
            idle.append(payload)
        still_idle = []
        for index in idle:
            busy_until = next_task(index, now)
            if busy_until is None:
                still_idle.append(index)
            else:  # push(busy_until, "free", index), inlined: the loop's busiest line
                push_event(events, (busy_until, order, "free", index))
                persons[index].pending = order
                order += 1
        idle = still_idle
        if not (fire_queue or question_queue):
            continue
        # Nobody free took the new request: whoever on call is doing a chore drops it.
        for index, person in enumerate(persons):
            if not (fire_queue or question_queue):
                break
            if person.chore is not None:
                settle(person, now)
                busy_until = next_task(index, now)
                if busy_until is None:
                    idle.append(index)
                else:
                    push(busy_until, "free", index)

    arrays = {
        "started": started,
        "fire_out": fire_out,
        "fire_worked": fire_worked,
        "by_sheet": by_sheet,
        "question_worked": question_worked,
        "stats": np.array(stats, dtype=float),
    }
    return _run(design, season, loop, water_line, requests, members, seating, team, arrays)


def _run(design, season, loop, water_line, requests, members, seating, team, at) -> Run:
    """Gather the loop's arrays into tables."""
    hours = season.hours_per_week
    fires = pd.DataFrame(
        {
            "arrived_h": requests.fire_times,
            "week": np.minimum(requests.fire_times // hours, season.weeks - 1).astype(int),
            "cause": [cause_name(int(c)) for c in requests.fire_causes],
            "recurring": requests.fire_recurring,
            "started": at["started"],
            "out_after_h": at["fire_out"] - requests.fire_times,
            "hours": at["fire_worked"],
        }
    )
    kinds = requests.question_kinds
    questions = pd.DataFrame(
        {
            "arrived_h": requests.question_times,
            "week": np.minimum(requests.question_times // hours, season.weeks - 1).astype(int),
            "kind": [QUESTION_KINDS[k].name for k in kinds],
            "routine": [QUESTION_KINDS[k].answered_by is not None for k in kinds],
            "by_water_line": at["by_sheet"],
            "hours": at["question_worked"],
        }
    )
    stats = at["stats"]
    n, weeks = stats.shape[:2]
    person_weeks = pd.DataFrame(
        {
            "person": np.repeat(np.arange(n), weeks),
            "week": np.tile(np.arange(weeks), n),
            "enjoys_interrupts": np.repeat([m.enjoys_interrupts for m in members], weeks),
            "role": [seating.role(p, w) for p in range(n) for w in range(weeks)],
            "interrupt_hours": stats[:, :, 0].ravel(),
            "long_term_hours": stats[:, :, 1].ravel(),
            "interruptions": stats[:, :, 2].ravel().astype(int),
        }
    )
    shipped = pd.DataFrame(team.shipped, columns=["at_h", "kind", "name"])
    return Run(
        design=design,
        season=season,
        loop=loop,
        water_line=water_line,
        fires=fires,
        questions=questions,
        person_weeks=person_weeks,
        shipped=shipped,
        long_term_hours=team.long_term_hours,
        switching_hours=team.switching_hours,
    )
