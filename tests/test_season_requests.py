import numpy as np
import pytest

from pocmvp.case.season import requests as rq


def test_same_seed_same_stream_other_seed_other_stream():
    season = rq.Season()
    a, b, c = rq.draw_requests(season, 7), rq.draw_requests(season, 7), rq.draw_requests(season, 8)
    for name in ("fire_times", "fire_causes", "fire_efforts", "question_kinds", "question_marks"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert len(a.fire_times) != len(c.fire_times) or not np.array_equal(a.fire_times, c.fire_times)


def test_causes_are_declared_shares_and_costs_average_to_the_mean_fire():
    shares = [c.share for c in rq.CAUSES] + [rq.ONE_OFF_SHARE]
    assert sum(shares) == pytest.approx(1.0)
    assert len({c.name for c in rq.CAUSES}) == len(rq.CAUSES)
    season = rq.Season(fire_hours=3.0, question_hours=2.0)
    assert np.dot(shares, rq.fire_cost_hours(season)) == pytest.approx(3.0)
    kinds = [k.share for k in rq.QUESTION_KINDS]
    assert np.dot(kinds, rq.question_cost_hours(season)) == pytest.approx(2.0)
    assert len({c.share * c.cost for c in rq.CAUSES}) == len(rq.CAUSES), "a clear order"


def test_a_fire_is_recurring_exactly_when_its_cause_came_before():
    stream = rq.draw_requests(rq.Season(), 2026)
    seen = set()
    for cause, recurring in zip(stream.fire_causes, stream.fire_recurring, strict=True):
        assert recurring == (cause in seen)
        seen.add(cause)
    one_offs = stream.fire_causes[stream.fire_causes >= len(rq.CAUSES)]
    assert len(one_offs) == len(set(one_offs)) > 0, "every one-off has its own cause"
    assert rq.cause_name(int(one_offs[0])) == rq.ONE_OFF


def test_the_share_of_fires_by_cause_matches_the_declaration():
    stream = rq.draw_requests(rq.Season(weeks=400), 1)
    causes = np.minimum(stream.fire_causes, len(rq.CAUSES))
    observed = np.bincount(causes, minlength=len(rq.CAUSES) + 1) / len(causes)
    declared = [c.share for c in rq.CAUSES] + [rq.ONE_OFF_SHARE]
    np.testing.assert_allclose(observed, declared, atol=0.01)


def test_a_bigger_team_serves_a_bigger_organisation():
    fifteen = rq.scaled_for(15)
    assert fifteen.people == 15
    assert fifteen.fires_per_week == pytest.approx(20.0)
    assert fifteen.questions_per_week / fifteen.people == pytest.approx(25.0 / 6)
    assert rq.scaled_for(3).two_hats() and not fifteen.two_hats()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"people": 2}, "at least 3 people"),
        ({"weeks": 0}, "at least one week"),
        ({"fix_effect": 1.5}, "fix_effect is a share"),
        ({"water_line_share": -0.1}, "water_line_share is a share"),
    ],
)
def test_bad_seasons_are_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        rq.Season(**changes)
