"""The story's claims: bands, checks, the registry, and ``pocmvp robustness``."""

from __future__ import annotations

import json
import math

import pytest
from notebook_runs import SECOND_SEED

from pocmvp import cli
from pocmvp.case import factory, story
from pocmvp.case.story import Band, Claim, claims
from pocmvp.machinery import robustness

# make test evaluates the real claims on five seeds in fast mode. The fifth is the seed the
# chapters run with in fast mode (test_run_fast_mode): each chapter's story cell asserts its
# claims there (story.check), so that run is this seed's evaluation and it is not repeated
# here, except for the claims a chapter asserts on the default seed only (seeds_share < 1),
# which are evaluated here at that seed too and counted with the others.
FAST_SEEDS = "1-4"
CHAPTER_SEED = SECOND_SEED


UNIT_BAND = Band(0, 1)


def fake_claim(name, compute=lambda s: 0.5, band=UNIT_BAND, chapter=1, **extra) -> Claim:
    return Claim(name, chapter, f"{name} says so", compute, band, **extra)


@pytest.fixture
def registry(monkeypatch):
    """Replace the declared claims with ``registry(*claims)`` for one test."""

    def use(*declared: Claim) -> None:
        monkeypatch.setattr(story.CLAIMS, "_claims", tuple(declared))

    return use


# --- Band, Claim, check ---------------------------------------------------------------------


def test_a_band_includes_its_ends_and_may_be_open():
    assert Band(0.1, 0.2).holds(0.1) and Band(0.1, 0.2).holds(0.2)
    assert not Band(0.1, 0.2).holds(0.2001) and not Band(0.1, 0.2).holds(0.0999)
    assert Band(low=3).holds(1e9) and Band(high=3).holds(-1e9)
    assert not Band(0, 1).holds(math.nan), "a value that is not a number never holds"
    assert str(Band(0.12, 0.18)) == "0.12 to 0.18"
    assert str(Band(low=2)) == "at least 2" and str(Band(high=0.5)) == "at most 0.5"
    assert str(Band()) == "any value (reported, not asserted)"


def test_the_fast_band_applies_in_fast_mode_only():
    wide = fake_claim("wide", band=Band(0.12, 0.18), fast_band=Band(0.08, 0.25))
    assert wide.band_for(fast_mode=False) == Band(0.12, 0.18)
    assert wide.band_for(fast_mode=True) == Band(0.08, 0.25)
    assert fake_claim("plain").band_for(fast_mode=True) == Band(0, 1)


def test_check_returns_the_value_or_fails_naming_the_claim(registry):
    registry(fake_claim("poc_promise", band=Band(0.12, 0.18), fast_band=Band(0.08, 0.25)))
    assert story.check("poc_promise", 0.15) == 0.15
    assert story.check("poc_promise", 0.1, fast_mode=True) == 0.1
    with pytest.raises(AssertionError) as failure:
        story.check("poc_promise", 0.1)
    message = str(failure.value)
    assert "poc_promise" in message and "poc_promise says so" in message
    assert "0.12 to 0.18" in message and "0.1" in message


def test_an_unknown_claim_is_a_clear_key_error(registry):
    registry(fake_claim("defect_rate"), fake_claim("poc_promise"))
    with pytest.raises(KeyError, match="no claim named 'defect_rat'.*defect_rate.*poc_promise"):
        story.check("defect_rat", 0.5)


def test_a_name_declared_twice_is_refused(monkeypatch):
    from pocmvp.case.story import ch01, ch02

    monkeypatch.setattr(ch01, "CLAIMS", (fake_claim("defect_rate"),))
    monkeypatch.setattr(ch02, "CLAIMS", (fake_claim("defect_rate", chapter=2),))
    with pytest.raises(ValueError, match="declared twice.*defect_rate"):
        list(claims._Registry())


def test_claims_of_keeps_the_declared_order(registry):
    registry(fake_claim("b"), fake_claim("x", chapter=2), fake_claim("a"))
    assert [c.name for c in story.claims_of(1)] == ["b", "a"]
    assert story.claims_of(9) == []


def test_a_claim_that_raises_is_recorded_as_failing(registry):
    def broken(_story):
        raise ZeroDivisionError("no parts")

    registry(fake_claim("fine"), fake_claim("broken", compute=broken))
    rows = story.evaluate_story(story.Story(seed=3, fast_mode=True))
    assert [(r["claim"], r["holds"]) for r in rows] == [("fine", True), ("broken", False)]
    assert rows[1]["error"] == "ZeroDivisionError: no parts" and math.isnan(rows[1]["value"])


def test_claims_share_one_computation_per_story(registry):
    trainings = []

    def model(s):
        return s.shared("poc", lambda: trainings.append(s.seed) or s.seed * 10)

    registry(
        fake_claim("first", compute=model, band=Band(0, 100)),
        fake_claim("second", compute=lambda s: model(s) + 1, band=Band(0, 100)),
    )
    rows = story.evaluate([1, 2], fast_modes=(True,))
    assert trainings == [1, 2], "each story trains once, whatever the number of claims"
    assert [r["value"] for r in rows] == [10, 11, 20, 21]


# --- pocmvp robustness ------------------------------------------------------------------------


def test_seeds_and_sizes_are_parsed():
    assert robustness.parse_seeds("1-20") == list(range(1, 21))
    assert robustness.parse_seeds("7, 1-3,2") == [1, 2, 3, 7]
    assert robustness.format_seeds([1, 2, 3, 7, 9, 10]) == "1-3,7,9-10"
    assert robustness.parse_sizes("fast,default") == ["default", "fast"]
    for bad in ("", "1-", "5-1", "one"):
        with pytest.raises(ValueError, match="seeds"):
            robustness.parse_seeds(bad)
    with pytest.raises(ValueError, match="sizes"):
        robustness.parse_sizes("huge")


def test_bad_arguments_stop_the_command(capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["robustness", "--seeds", "20-1"])
    assert stopped.value.code == 2 and "seeds" in capsys.readouterr().err


def test_robustness_writes_every_claim_seed_and_size(registry, tmp_path, capsys):
    registry(
        fake_claim("steady", compute=lambda s: 1 / 3, band=Band(0, 1)),
        fake_claim("by_seed", compute=lambda s: float(s.seed), band=Band(high=2), chapter=2),
    )
    args = ["robustness", "--seeds", "1-3", "--sizes", "default,fast", "--workers", "1"]
    code = cli.main([*args, "--output", str(tmp_path)])
    assert code == 1, "a failing claim makes the command fail"
    assert "FAILS by_seed (default, seed 3): 3.0, expected at most 2" in capsys.readouterr().err

    result = json.loads((tmp_path / "robustness.json").read_text())
    assert result["seeds"] == [1, 2, 3] and result["sizes"] == ["default", "fast"]
    assert result["evaluations"] == 12 and result["held"] == 10
    steady = result["claims"]["steady"]["sizes"]["fast"]
    assert steady["band"] == {"low": 0, "high": 1} and steady["held"] == 3
    assert steady["seeds"][0] == {"seed": 1, "value": 0.333333, "holds": True}
    by_seed = result["claims"]["by_seed"]["sizes"]["default"]
    assert by_seed["band"] == {"low": None, "high": 2}, "an open end is null"
    assert (by_seed["held"], by_seed["min"], by_seed["max"]) == (2, 1.0, 3.0)
    assert [(f["claim"], f["size"], f["seed"]) for f in result["failures"]] == [
        ("by_seed", "default", 3),
        ("by_seed", "fast", 3),
    ]

    table = (tmp_path / "robustness.md").read_text()
    assert "| 2 | `by_seed` | default | 2/3 | 1 | 3 | at most 2 |" in table
    assert "| 1 | `steady` | fast | 3/3 | 0.333333 | 0.333333 | 0 to 1 |" in table
    assert "- `by_seed` (fast, seed 3): 3; expected at most 2" in table

    first = [(tmp_path / name).read_bytes() for name in ("robustness.json", "robustness.md")]
    cli.main([*args, "--output", str(tmp_path)])
    again = [(tmp_path / name).read_bytes() for name in ("robustness.json", "robustness.md")]
    assert again == first, "a rerun writes the same bytes (no timestamps, fixed order)"


def test_robustness_without_claims_says_so(registry, tmp_path):
    registry()
    assert (
        cli.main(["robustness", "--seeds", "1", "--workers", "1", "--output", str(tmp_path)]) == 0
    )
    assert "No claims are declared yet." in (tmp_path / "robustness.md").read_text()


# --- The real claims ------------------------------------------------------------------------


def test_the_declared_claims_are_well_formed():
    names = [c.name for c in story.CLAIMS]
    assert len(names) == len(set(names))
    for claim in story.CLAIMS:
        parts = claim.name.split(".")
        assert all(p.isidentifier() for p in parts), f"{claim.name!r}: not a (dotted) identifier"
        assert claim.says.strip(), f"{claim.name}: say what the claim says"
        assert f"ch{claim.chapter:02d}" in claims.CHAPTER_MODULES, claim.name
        for band in (claim.band, claim.fast_band or claim.band):
            assert band.low <= band.high, f"{claim.name}: the band {band} is empty"


def test_every_claim_holds_on_five_seeds_in_fast_mode(tmp_path):
    """The story on any seed: every declared claim, through the package, on seeds 1 to 4; the
    fifth seed is the chapters' fast-mode run (see FAST_SEEDS). In one process: the suite
    already keeps both cores busy (pytest -n 2), and a second process here would only import
    everything again and share a core three ways."""
    args = ["robustness", "--seeds", FAST_SEEDS, "--sizes", "fast", "--workers", "1"]
    cli.main([*args, "--output", str(tmp_path)])
    result = json.loads((tmp_path / "robustness.json").read_text())
    assert result["evaluations"] == len(story.CLAIMS) * len(robustness.parse_seeds(FAST_SEEDS))
    failures = [
        f"{f['claim']} (seed {f['seed']}): got {f.get('error') or f['value']}, "
        f"expected {robustness.band_text(f['band'])}"
        for f in result["failures"]
        if story.CLAIMS.get(f["claim"]).seeds_share == 1
    ]
    assert not failures, "claims that fail in fast mode:\n" + "\n".join(failures)

    # A claim that usually holds is not asserted by a chapter in fast mode: it is evaluated
    # on the chapters' seed too, and must hold on its share of all five seeds.
    chapters_story = story.Story(seed=CHAPTER_SEED, fast_mode=True)
    for claim in (c for c in story.CLAIMS if c.seeds_share < 1):
        fast = result["claims"][claim.name]["sizes"]["fast"]
        value = float(claim.compute(chapters_story))
        held = fast["held"] + claim.band_for(fast_mode=True).holds(value)
        needed = math.ceil(claim.seeds_share * (fast["evaluated"] + 1) - 1e-9)
        assert held >= needed, (
            f"{claim.name} holds on {held} of {fast['evaluated'] + 1} seeds in fast mode "
            f"(seed {CHAPTER_SEED}: {value:.4g}), needs {needed}"
        )


def test_a_claim_that_usually_holds_fails_only_below_its_share(registry, tmp_path):
    usually = fake_claim(
        "usually", compute=lambda s: float(s.seed), band=Band(high=2), chapter=5, seeds_share=2 / 3
    )
    rarely = fake_claim(
        "rarely", compute=lambda s: float(s.seed), band=Band(high=1), seeds_share=2 / 3
    )
    registry(usually, rarely)
    args = ["robustness", "--seeds", "1-3", "--sizes", "fast", "--workers", "1"]
    assert cli.main([*args, "--output", str(tmp_path)]) == 1, "rarely holds on 1 of 3"
    result = json.loads((tmp_path / "robustness.json").read_text())
    assert result["claims"]["usually"]["sizes"]["fast"]["needed"] == 2
    assert [(f["claim"], f["seed"]) for f in result["failures"]] == [("rarely", 2), ("rarely", 3)]
    assert "| 5 | `usually` | fast | 2/3 (needs 2) |" in (tmp_path / "robustness.md").read_text()


def test_a_claim_that_usually_holds_is_asserted_on_the_default_seed(registry):
    registry(fake_claim("usually", band=Band(high=2), seeds_share=0.75))
    assert story.check("usually", 5.0, fast_mode=False, seed=1) == 5.0, "another seed: shown"
    with pytest.raises(AssertionError, match="usually"):
        story.check("usually", 5.0, fast_mode=False, seed=factory.DEFAULT_SEED)
    with pytest.raises(ValueError, match="seed"):
        story.check("usually", 1.0)
