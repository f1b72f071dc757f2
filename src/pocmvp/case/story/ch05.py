"""The claims chapter 5 makes: four plans decided on 31 August, checked looking back, and the
model step decided once its evidence is final (the decision's two validation months and the
rule's three live months, :func:`pocmvp.case.business_case.step_evidence`).

Every value comes from the package alone: the POC with fixed parameters (no search), the
rule, and the tuned shift-log model, each routed the one way
(:mod:`pocmvp.case.business_case.measure`): at the decision on the history's last months,
looking back on the months after it. Plans are valued over the product's remaining life.

The two margins measured on a few months (the verdict's smallest, on 31 August's estimate,
and the looking-back one) are also stated in their noise, as chapter 2 states the POC's: a
bootstrap over the days they were measured on (:mod:`pocmvp.case.business_case.noise`), and
"at least as good, within the noise" is no further below zero than ``NOISE_WIDTH`` standard
deviations of it.
"""

from __future__ import annotations

from pocmvp.case import baselines, business_case, iteration, recorded, report
from pocmvp.case.story.ch02 import NOISE_WIDTH, fitted_baselines, risks, trained_poc
from pocmvp.case.story.ch04 import mvp_rule
from pocmvp.case.story.claims import Band, Claim, Story


def at_decision(story: Story) -> business_case.Measurement:
    """What each deliverable would save, as estimated on 31 August."""
    return story.shared(
        "ch05 at decision",
        lambda: business_case.at_decision(story.plant, trained_poc(story), seed=story.seed),
    )


def looking_back(story: Story) -> business_case.Measurement:
    """What each saved on September to November: final on the model step's date. Chapter 2's
    risks on the same months (and the month before) are its models' scores: not scored
    again."""
    shift_log_baseline = baselines.label(baselines.TUNED, baselines.SHIFT_LOG)
    return story.shared(
        "ch05 looking back",
        lambda: business_case.looking_back(
            story.plant,
            trained_poc(story),
            mvp_rule(story),
            seed=story.seed,
            # Chapter 2's tuned shift-log baseline: trained on the same history months.
            shift_log_model=fitted_baselines(story)[shift_log_baseline],
            scores={
                business_case.SHIFT_LOG_MODEL: risks(story)[shift_log_baseline],
                business_case.POC_MODEL: risks(story)[baselines.POC_NAME],
            },
        ),
    )


def step_evidence(story: Story) -> business_case.Measurement:
    """What the model step is decided on, on 29 December: July to November, every month
    final then that no option learned from."""
    return story.shared(
        "ch05 step evidence",
        lambda: business_case.step_evidence(at_decision(story), looking_back(story)),
    )


def savings(story: Story) -> dict[str, float]:
    return at_decision(story).savings()


def plans(story: Story) -> dict[str, business_case.Plan]:
    return story.shared("ch05 plans", lambda: business_case.four_plans(savings(story)))


def value(story: Story, plan: str) -> float:
    return business_case.value_at(plans(story)[plan])


def mvp_first_margin(story: Story) -> float:
    """MVP now, then the model, minus POC first over the horizon (euros)."""
    return value(story, business_case.MVP_THEN_MODEL) - value(story, business_case.POC_FIRST)


def mvp_only_margin(story: Story) -> float:
    return value(story, business_case.MVP_ONLY) - value(story, business_case.POC_FIRST)


def cheap_margin(story: Story) -> float:
    """MVP now, then the model, minus POC first deployed the cheap way (euros)."""
    return value(story, business_case.MVP_THEN_MODEL) - value(story, business_case.POC_CHEAP)


def poc_sure_to_ship_margin(story: Story) -> float:
    """MVP first minus POC first at the bill's months, if the POC were sure to ship."""
    return business_case.margin(savings(story), poc_chance=1.0)


def best_case_margin(story: Story) -> float:
    """MVP first minus POC first if the POC went live at once and were sure to ship."""
    return business_case.margin(savings(story), poc_months_to_go_live=0.0, poc_chance=1.0)


def verdict(story: Story) -> business_case.Verdict:
    return story.shared("ch05 verdict", lambda: business_case.verdict_over(savings(story)))


def verdict_margin(story: Story) -> float:
    """The smallest margin of MVP first over POC first over the declared range."""
    return verdict(story).smallest_margin


def verdict_noise(story: Story) -> float:
    """The bootstrap standard deviation of the verdict's smallest margin (euros): the margin
    where it is smallest, valued again on draws of the days of 31 August's estimate."""
    return story.shared(
        "ch05 verdict noise",
        lambda: float(business_case.verdict_draws(at_decision(story), verdict(story)).std()),
    )


def verdict_margin_in_noise(story: Story) -> float:
    return business_case.in_noise(verdict_margin(story), verdict_noise(story))


def costless_margin(story: Story) -> float:
    """MVP first minus POC first as declared, if building and running cost nothing."""
    return business_case.margin(savings(story), cost_scale=0.0)


def fewer_systems(story: Story) -> float:
    """Systems the model steps would change (all of them built) minus POC first's."""
    poc_first = plans(story)[business_case.POC_FIRST]
    return len(business_case.model_systems()) - len(poc_first.systems_changed)


def model_steps_built(story: Story) -> float:
    """Model steps "MVP now, then the model" builds on its evidence, final on 29 December."""
    return len(business_case.built_steps(step_evidence(story).savings()))


def looking_back_margin(story: Story) -> float:
    """Looking back: MVP first minus the better POC-first plan on September to November."""
    return business_case.lead_over_poc_first(looking_back(story).savings())


def looking_back_noise(story: Story) -> float:
    """The bootstrap standard deviation of the looking-back margin (euros), over draws of the
    days of September to November."""
    return story.shared(
        "ch05 looking back noise",
        lambda: float(business_case.lead_draws(looking_back(story)).std()),
    )


def looking_back_margin_in_noise(story: Story) -> float:
    return business_case.in_noise(looking_back_margin(story), looking_back_noise(story))


def rule_speed_up(story: Story) -> float:
    """How many times faster the rule flags parts than the POC scores them: the figures
    ``make bench`` recorded (:func:`pocmvp.case.recorded.recorded`), the same everywhere."""
    return recorded.recorded().rule_speed_up


MODEL_STEP_SEEDS = 15 / 20
"""The model step must be built on at least 15 of 20 seeds at the declared economics; on the
others the evidence does not justify it, and the plan says so."""


def wins_at_model_step(story: Story) -> dict:
    """The monthly reports' running total (the value captured since the rule went live, final
    months only), as known on the model step's date: what chapter 5's case quotes."""

    def make():
        versions = story.shared("versions", lambda: iteration.rule_versions(story.shift_log))
        figures = report.month_figures(
            story.shift_log,
            business_case.EVIDENCE_LAST,
            versions["v1"],
            seed=story.seed,
            as_of=business_case.MODEL_STEP_DECIDED_ON,
            versions=versions,
        ).figures
        return figures["since_go_live"]

    return story.shared("ch05 wins", make)


CLAIMS = (
    Claim(
        "rule_share_of_poc",
        5,
        "looking back, the rule captures roughly half to four fifths of the POC's reduction",
        lambda story: looking_back(story).share_of_poc(business_case.RULE),
        # The brief's "roughly half": within five points of one half (seed 20 measures 0.497).
        Band(0.45, 0.85),
        fast_band=Band(0.2, 1.5),  # a quarter of the parts: a few defects move the ratio
    ),
    Claim(
        "poc_first_value",
        5,
        "POC first has not repaid its bill over the product's life: its value is below zero",
        lambda story: value(story, business_case.POC_FIRST),
        Band(high=0.0),
    ),
    Claim(
        "poc_sure_to_ship_margin",
        5,
        "even sure to ship, POC first is behind MVP first over the horizon (euros behind)",
        poc_sure_to_ship_margin,
        Band(low=0.0),
    ),
    Claim(
        "mvp_only_value",
        5,
        "the MVP alone is worth more than it costs over the horizon",
        lambda story: value(story, business_case.MVP_ONLY),
        Band(low=0.0),
    ),
    Claim(
        "mvp_break_even_month",
        5,
        "the MVP breaks even within its first two months",
        lambda story: business_case.months_to_break_even(plans(story)[business_case.MVP_ONLY]),
        Band(1.0, 2.0),
        # A quarter of the parts measures the rule's saving coarsely; it still repays in a year.
        fast_band=Band(1.0, 12.0),
    ),
    Claim(
        "mvp_first_margin",
        5,
        "MVP now, then the model, beats POC first over the horizon (euros ahead)",
        mvp_first_margin,
        Band(low=0.0),
    ),
    Claim(
        "mvp_only_margin",
        5,
        "even the MVP alone beats POC first over the horizon (euros ahead)",
        mvp_only_margin,
        Band(low=0.0),
    ),
    Claim(
        "cheap_poc_margin",
        5,
        "MVP first beats even the POC deployed the cheap way (euros ahead)",
        cheap_margin,
        Band(low=0.0),
    ),
    Claim(
        "best_case_margin",
        5,
        "POC first loses even if it went live at once and were sure to ship (euros behind)",
        best_case_margin,
        Band(low=0.0),
        # On the fast plant (a quarter of the parts) over the 36-month horizon, a POC that
        # went live at once and surely can win (fast seed 4: by about 12,000 euros): there
        # the margin is reported, not asserted, until the chapter states its boundary.
        fast_band=Band(),
    ),
    Claim(
        "verdict_margin",
        5,
        "MVP first beats POC first everywhere in the declared range of assumptions "
        "(euros ahead, at the smallest)",
        verdict_margin,
        Band(low=0.0),
        # A quarter of the parts: July and August's estimate counts a few dozen defective
        # parts, and at the range's edge (returns 1.5x, the POC sure to ship) the margin is
        # within its noise of zero (fast seed 18: -4,492 euros, noise 70,008). There the euros
        # are reported; verdict_margin_in_noise asserts the claim.
        fast_band=Band(),
    ),
    Claim(
        "verdict_margin_in_noise",
        5,
        "MVP first is at least as good as POC first everywhere in the declared range, within "
        "the noise (the smallest margin in bootstrap standard deviations of the estimate's "
        f"days is above -{NOISE_WIDTH:g})",
        verdict_margin_in_noise,
        Band(-NOISE_WIDTH),
    ),
    Claim(
        "costless_margin",
        5,
        "POC first as declared loses even if building and running cost nothing (euros behind)",
        costless_margin,
        Band(low=0.0),
    ),
    Claim(
        "fewer_systems",
        5,
        "the model after the MVP changes fewer systems than the POC's bill",
        fewer_systems,
        Band(high=-1.0),
    ),
    Claim(
        "looking_back_margin",
        5,
        "looking back on September to November, MVP first still beats both POC-first plans "
        "(euros ahead of the better)",
        looking_back_margin,
        Band(low=0.0),
        # A quarter of the parts: three months count a few dozen defective parts, and the
        # margin can fall within its noise of zero (fast seed 18: -3,148 euros, noise
        # 34,865). There the euros are reported; looking_back_margin_in_noise asserts it.
        fast_band=Band(),
    ),
    Claim(
        "looking_back_margin_in_noise",
        5,
        "looking back, MVP first is at least as good as both POC-first plans, within the "
        "noise (its margin over the better in bootstrap standard deviations of the months' "
        f"days is above -{NOISE_WIDTH:g})",
        looking_back_margin_in_noise,
        Band(-NOISE_WIDTH),
    ),
    Claim(
        "model_step_built",
        5,
        "on its final evidence the plan builds the model step (on 15 of 20 seeds)",
        model_steps_built,
        Band(low=1.0),
        # A quarter of the parts trains a weaker shift-log model and measures a few dozen
        # defects: at the fast size the count is reported, not asserted.
        fast_band=Band(),
        seeds_share=MODEL_STEP_SEEDS,
    ),
    Claim(
        "wins_final_at_model_step",
        5,
        "on the model step's date every live month is final, so the running total counts them",
        lambda story: float(len(wins_at_model_step(story)["final_months"])),
        Band(business_case.EVIDENCE_MONTHS, business_case.EVIDENCE_MONTHS),
    ),
    Claim(
        "wins_since_go_live_eur",
        5,
        "the reports' running total is a win: the rule has captured value since it went live",
        lambda story: wins_at_model_step(story)["total_eur"],
        Band(low=1.0),
    ),
    Claim(
        "rule_speed_up",
        5,
        "the rule scores parts orders of magnitude faster than the POC (make bench's figures)",
        rule_speed_up,
        Band(low=100.0),
    ),
)
