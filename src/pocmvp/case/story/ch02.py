"""The claims chapter 2 makes: the POC is at least as good as every baseline within the noise,
and what it promises."""

from __future__ import annotations

import pandas as pd
from threadpoolctl import threadpool_limits

from pocmvp.case import baselines, factory, poc, poc_store
from pocmvp.case.story.claims import Band, Claim, Story

NOISE_WIDTH = 2.5
""""Within the noise": a margin no further below zero than 2.5 bootstrap standard deviations.
The POC is measured against the best of eight baselines, so chance alone pushes one of them
ahead more often than against a single rival: for the largest of eight, the one-sided 5 %
bound is about 2.5 standard deviations (Šidák: 1 - 0.95 ** (1 / 8) = 0.64 %)."""


def trained_poc(story: Story) -> poc.PocModel:
    """The POC with the stored parameters (the search is run offline), trained once per plant:
    the fit chapter 2 shows, read from the store if a chapter or another story made it
    (:func:`pocmvp.case.poc_store.fitted_poc`)."""
    parts = factory.parts_for(story.fast_mode)
    return story.shared("poc", lambda: poc_store.fitted_poc(parts, story.seed))


def fitted_baselines(story: Story) -> dict[str, baselines.FittedBaseline]:
    """The eight baselines, trained once per plant on the history months: chapter 2's panel's
    fits (:func:`pocmvp.case.poc_store.fitted_baselines`)."""
    parts = factory.parts_for(story.fast_mode)
    return story.shared("baselines", lambda: poc_store.fitted_baselines(parts, story.seed))


def risks(story: Story) -> dict[str, pd.Series]:
    """Every option's risk on the routing window: the POC first, then the baselines."""

    def make():
        window = baselines.routing_window(story.shift_log)
        scores = {baselines.POC_NAME: trained_poc(story).risk(window, story.plant.mes)}
        for name, fitted in fitted_baselines(story).items():
            scores[name] = fitted.risk(window, story.plant.mes)
        return scores

    return story.shared("risks", make)


def tested(story: Story) -> pd.DataFrame:
    """The held-out parts each option sends to the X-ray, routed the one way."""
    return story.shared("tested", lambda: baselines.tested_parts(story.plant, risks(story)))


def panel(story: Story) -> pd.DataFrame:
    """Chapter 2's panel: the POC and the eight baselines on the held-out months."""
    return story.shared(
        "panel", lambda: baselines.panel(story.plant, risks(story), tested=tested(story))
    )


def noise(story: Story) -> float:
    """The bootstrap standard deviation of the POC's margin over the best baseline."""

    def make():
        by_day = baselines.shipped_by_day(story.shift_log, tested(story))
        return float(baselines.margin_noise(by_day).std())

    return story.shared("noise", make)


def margin_in_noise(table: pd.DataFrame, noise_sd: float, among: str | None = None) -> float:
    """The POC's margin over the best baseline (or the best whose name holds ``among``), in
    standard deviations of the noise: at least ``-NOISE_WIDTH`` is "as good, within the noise"."""
    if among is not None:
        keep = [n for n in table.index if among in n or n == baselines.POC_NAME]
        table = table.loc[keep]
    return baselines.margin_over_baselines(table) / noise_sd


def mes_gain(story: Story) -> float:
    """Best reduction with the MES signals minus the best with the shift log alone."""
    return mes_gain_of(panel(story))


def mes_gain_of(table) -> float:
    """In a panel: the best reduction with the MES signals minus the best without them."""
    with_mes = [name for name in table.index if "MES" in name]
    shift_log_only = [name for name in table.index if name.endswith(baselines.SHIFT_LOG)]
    return float(
        table.loc[with_mes, "reduction"].max() - table.loc[shift_log_only, "reduction"].max()
    )


def first_version(story: Story):
    """The first version a demo shows: the default gradient boosting on every column of the
    shift log and the MES, the leaking ``rework_minutes`` included, on the history months."""

    def make():
        history = poc.join_mes(story.history, story.plant.mes)
        model = baselines.make_baseline(
            baselines.BOOSTING, baselines.WITH_MES, story.seed, with_leak=True
        )
        # One thread, as every other fit of the story: the same model, without two test
        # workers' thread pools fighting over two cores.
        with threadpool_limits(limits=1):
            return model.fit(history, history[factory.TARGET])

    return story.shared("first version", make)


def leaky_roc_auc_gain(story: Story) -> float:
    """How much the leaking field inflates the first version's ROC-AUC over the same model
    without it, on the held-out months."""
    joined = poc.join_mes(story.held_out, story.plant.mes)
    leaky = pd.Series(first_version(story).predict_proba(joined)[:, 1], index=joined.index)
    honest = panel(story).loc[baselines.label(baselines.BOOSTING, baselines.WITH_MES), "roc_auc"]
    return poc.roc_auc(story.held_out, leaky) - honest


def pr_auc_lift(story: Story) -> float:
    """The POC's PR-AUC as a multiple of the defect rate (what a random score gets)."""
    held_out = story.held_out
    return panel(story).loc[baselines.POC_NAME, "pr_auc"] / held_out["defect"].mean()


CLAIMS = (
    Claim(
        "poc_reduction",
        2,
        "the POC promises about 15 % fewer defective parts shipped at the same capacity",
        lambda story: panel(story).loc[baselines.POC_NAME, "reduction"],
        # "About 15 %" (the brief's words): the stronger POC, with the tuned model and the
        # forest stacked in, sits at 17 to 20 % on some seeds; 22 % keeps it "about 15 %"
        # within the margin's noise (about one point at this size).
        Band(0.12, 0.22),
        fast_band=Band(0.06, 0.26),
    ),
    Claim(
        "poc_margin_in_noise",
        2,
        "the POC is at least as good as every baseline, within the noise (its margin over the "
        "best, in bootstrap standard deviations, is above -2.5)",
        lambda story: margin_in_noise(panel(story), noise(story)),
        Band(-NOISE_WIDTH),
    ),
    Claim(
        "poc_margin_over_tuned_in_noise",
        2,
        "the POC is at least as good as the tuned gradient boosting, with or without MES, "
        "within the noise",
        lambda story: margin_in_noise(panel(story), noise(story), among=baselines.TUNED),
        Band(-NOISE_WIDTH),
    ),
    Claim(
        "margin_noise",
        2,
        "the noise on the POC's margin is small enough to tell a model that is clearly "
        "better (a bootstrap standard deviation of at most 2.5 points, 5 in fast mode)",
        noise,
        Band(0.0, 0.025),
        fast_band=Band(0.0, 0.05),
    ),
    Claim(
        "mes_gain",
        2,
        "the MES signals are worth something: the best model with them beats every "
        "shift-log-only baseline",
        mes_gain,
        Band(0.0),
        # At the fast size the margin's noise is about 2.5 points (margin_noise): a shift-log
        # model may edge ahead by chance.
        fast_band=Band(-0.02),
    ),
    Claim(
        "poc_pr_auc_lift",
        2,
        "the POC's PR-AUC is at least twice the defect rate, what a random score gets",
        pr_auc_lift,
        Band(2.0),
    ),
    Claim(
        "leak_roc_auc_gain",
        2,
        "the leaking field inflates a model's ROC-AUC by at least 0.15",
        leaky_roc_auc_gain,
        Band(0.15),
    ),
)
