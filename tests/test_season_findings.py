import pytest

from pocmvp.case.season import findings
from pocmvp.case.season import people as staff
from pocmvp.case.story import Band, Claim
from pocmvp.case.story import ch08 as story_ch08

SEEDS = range(1, 21)


@pytest.fixture(scope="module")
def default():
    return findings.findings(2026)


@pytest.fixture(scope="module")
def across_seeds():
    return {seed: findings.findings(seed) for seed in SEEDS}


def test_every_claim_holds_on_seeds_1_to_20_at_both_sizes(across_seeds):
    assert findings.season_for(True) == findings.season_for(False), "the same season"
    failures = []
    for claim in story_ch08.SEASON_CLAIMS:
        for fast in (False, True):
            band = claim.band_for(fast)
            for seed, f in across_seeds.items():
                value = story_ch08.value_of(claim.name, f)
                if not band.holds(value):
                    failures.append((claim.name, seed, fast, value))
    assert not failures


def test_the_loop_helps_on_most_seeds_not_all(across_seeds):
    values = [story_ch08.value_of("ch08.loop_fewer_recurring", f) for f in across_seeds.values()]
    assert sum(v > 0 for v in values) >= 15
    claim = next(c for c in story_ch08.SEASON_CLAIMS if c.name == "ch08.loop_fewer_recurring")
    assert claim.band == Band(), "reported, never asserted"


def test_claims_are_chapter_8s_and_can_fail(default):
    names = [c.name for c in story_ch08.SEASON_CLAIMS]
    assert len(names) == len(set(names)) and all(n.startswith("ch08.") for n in names)
    assert all(isinstance(c, Claim) and c.chapter == 8 for c in story_ch08.SEASON_CLAIMS)
    checks = findings.claim_checks(default)
    assert all(check.holds for check in checks)
    flipped = default.designs.copy()
    flipped.loc[staff.THREE_GROUPS, "long_term_hours"] = 0.0
    broken = findings.Findings(**{**default.__dict__, "designs": flipped})
    assert not {c.name: c.holds for c in findings.claim_checks(broken)}[
        "ch08.three_groups_more_long_term"
    ]


def test_the_story_computes_the_same_values():
    from pocmvp.case.story import Story

    story = Story(seed=3)
    direct = findings.findings(3)
    for claim in story_ch08.SEASON_CLAIMS:
        assert claim.compute(story) == story_ch08.value_of(claim.name, direct)


def test_figures_are_plain_numbers(default):
    figures_ = default.figures
    assert figures_["people"] == 6 and figures_["weeks"] == 26
    assert figures_["water_line_share"] == 0.7
    assert set(figures_["loaded_share"]) == set(staff.DESIGNS)


def test_findings_for_the_chapter_take_a_few_seconds():
    import time

    start = time.perf_counter()
    findings.findings(7)
    assert time.perf_counter() - start < 10, "about 2 s on 2 cores; 5 s on a busy machine"
