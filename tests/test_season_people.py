import pytest

from pocmvp.case.season import people as staff
from pocmvp.case.season.requests import Season, scaled_for


@pytest.mark.parametrize("size", [3, 6, 15])
def test_a_declared_share_enjoys_interrupt_work(size):
    season = scaled_for(size)
    team = staff.team(season, seed=4)
    assert len(team) == size
    assert sum(p.enjoys_interrupts for p in team) == max(1, round(size / 3))
    assert staff.team(season, seed=4) == team, "drawn from the seed"


def test_the_dedicated_group_seats_those_who_chose_it():
    season = Season()
    team = staff.team(season, seed=11)
    seating = staff.seat(staff.THREE_GROUPS, season, team)
    on_call = {p for p in range(season.people) if seating.role(p, 0) == staff.RAPID}
    assert on_call == {p.index for p in team if p.enjoys_interrupts}
    assert all(seating.on_call[w] == seating.on_call[0] for w in range(season.weeks))
    roles = [seating.role(p, 0) for p in range(season.people)]
    assert roles.count(staff.PREEMPTION) == roles.count(staff.ENGINEERING) == 2


def test_too_few_volunteers_means_someone_else_fills_the_seat():
    season = Season(people=6, interrupt_lovers_share=0.0)
    team = staff.team(season, seed=1)
    assert sum(p.enjoys_interrupts for p in team) == 1, "at least one, by declaration"
    seating = staff.seat(staff.THREE_GROUPS, season, team)
    assert len(seating.on_call[0]) == season.groups()["rapid response"] == 2


def test_the_rota_walks_through_everyone_evenly():
    season = Season(weeks=12)
    seating = staff.seat(staff.ROTATION, season, staff.team(season, 1))
    weeks_on_call = [sum(p in week for week in seating.on_call) for p in range(season.people)]
    assert weeks_on_call == [4] * season.people
    assert {seating.home[p] for p in range(season.people)} == {
        staff.PREEMPTION,
        staff.ENGINEERING,
    }


def test_one_team_takes_anything():
    season = Season()
    seating = staff.seat(staff.ONE_TEAM, season, staff.team(season, 1))
    assert {seating.role(p, w) for p in range(6) for w in range(26)} == {staff.ANYTHING}
    with pytest.raises(ValueError, match="design must be one of"):
        staff.seat("two teams", season, staff.team(season, 1))


def test_enjoyment_is_what_the_week_was_mostly_spent_on():
    lover, other = staff.Person(0, True), staff.Person(1, False)
    assert staff.enjoys(lover, interrupt_hours=30, long_term_hours=10)
    assert not staff.enjoys(lover, interrupt_hours=10, long_term_hours=30)
    assert staff.enjoys(other, interrupt_hours=10, long_term_hours=30)
    assert not staff.enjoys(other, interrupt_hours=30, long_term_hours=10)
    assert staff.enjoys(other, 0, 0)
