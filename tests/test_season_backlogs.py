from pocmvp.case.season import backlogs
from pocmvp.case.season.requests import AUTOMATIONS, CAUSES, Season, draw_requests


def _team(loop: bool) -> backlogs.Team:
    season = Season()
    return backlogs.Team(season, draw_requests(season, 1), loop)


def _log(team: backlogs.Team, cause: int, hours: float) -> None:
    team.fire_count[cause] = team.fire_count.get(cause, 0) + 1
    team.fire_hours[cause] = team.fire_hours.get(cause, 0.0) + hours
    team.latest_causes.append(cause)


def test_with_the_loop_preemption_fixes_the_costliest_recurring_cause():
    team = _team(loop=True)
    _log(team, 0, 1.0)
    _log(team, 0, 1.0)  # twice, 2 hours
    _log(team, 6, 5.0)
    _log(team, 6, 5.0)  # twice, 10 hours: first
    _log(team, len(CAUSES) + 3, 20.0)  # a one-off: costly, but seen once
    assert team.choose_fix() == 6
    team.claimed.add((backlogs.FIX, 6))
    assert team.choose_fix() == 0
    team.fixed.add(0)
    assert team.choose_fix() is None, "a cause seen once is not yet a pattern"


def test_without_the_loop_a_fix_goes_to_what_comes_to_hand():
    team = _team(loop=False)
    _log(team, 6, 5.0)
    _log(team, 6, 5.0)
    _log(team, len(CAUSES) + 3, 1.0)
    assert team.choose_fix() == len(CAUSES) + 3, "the latest fire's cause, a one-off"


def test_engineering_builds_what_saves_the_most_hours_per_hour_of_building():
    team = _team(loop=True)
    assert team.choose_automation() == 0, "nothing logged yet: the wish list's order"
    _log(team, [c.name for c in CAUSES].index("data feed late"), 30.0)
    chosen = AUTOMATIONS[team.choose_automation()]
    assert chosen.target == ("fire", "data feed late")
    assert _team(loop=False).choose_automation() == 0


def test_a_shipped_automation_cuts_its_target_only():
    team = _team(loop=True)
    feed = [a.name for a in AUTOMATIONS].index("feed retry and backfill")
    team.ship(backlogs.TOOL, feed, now=10.0)
    late = [c.name for c in CAUSES].index("data feed late")
    assert team.fire_multiplier(late) == 1 - AUTOMATIONS[feed].cut
    assert team.fire_multiplier(0 if late else 1) == 1.0
    runbook = [a.name for a in AUTOMATIONS].index("runbook for every alarm")
    team.ship(backlogs.TOOL, runbook, now=20.0)
    assert team.fire_multiplier(len(CAUSES) + 5) == 1 - AUTOMATIONS[runbook].cut
    assert list(team.shipped[-1]) == [20.0, backlogs.TOOL, "runbook for every alarm"]
