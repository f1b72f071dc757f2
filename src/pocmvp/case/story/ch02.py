"""The claims chapter 2 makes: the POC is the best model in the room, and what it promises."""

from __future__ import annotations

from pocmvp.case import baselines, poc
from pocmvp.case.story.claims import Band, Claim, Story


def trained_poc(story: Story) -> poc.PocModel:
    """The POC with the stored parameters (the search is chapter 2's alone), trained once."""
    return story.shared(
        "poc",
        lambda: poc.train_poc(
            story.plant, params=poc.STORED_PARAMS, seed=story.seed, show_progress=False
        ),
    )


def fitted_baselines(story: Story) -> dict[str, baselines.FittedBaseline]:
    """The four baselines, trained once per story (chapter 5's claims reuse them)."""
    return story.shared("baselines", lambda: baselines.train_baselines(story.plant, story.seed))


def panel(story: Story):
    """Chapter 2's panel: the POC and the four baselines on the held-out months."""

    def make():
        window = baselines.routing_window(story.shift_log)
        risks = {baselines.POC_NAME: trained_poc(story).risk(window, story.plant.mes)}
        for name, fitted in fitted_baselines(story).items():
            risks[name] = fitted.risk(window, story.plant.mes)
        return baselines.panel(story.plant, risks)

    return story.shared("panel", make)


def leaky_roc_auc_gain(story: Story) -> float:
    """How much the leaking field inflates the POC's ROC-AUC on the held-out months."""
    model = poc.train_poc(
        story.plant, with_leak=True, params=poc.STORED_PARAMS, seed=story.seed, show_progress=False
    )
    leaky = model.risk(story.held_out, story.plant.mes)
    honest = trained_poc(story).risk(story.held_out, story.plant.mes)
    return poc.roc_auc(story.held_out, leaky) - poc.roc_auc(story.held_out, honest)


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


CLAIMS = (
    Claim(
        "poc_reduction",
        2,
        "the POC promises about 15 % fewer defective parts shipped at the same capacity",
        lambda story: panel(story).loc[baselines.POC_NAME, "reduction"],
        Band(0.12, 0.20),
        fast_band=Band(0.06, 0.26),
    ),
    Claim(
        "poc_margin_over_baselines",
        2,
        "the POC ships no more than one point more defective parts than the best baseline",
        lambda story: baselines.margin_over_baselines(panel(story)),
        Band(-0.01),
        fast_band=Band(),  # reported, not asserted: a quarter of the parts is too noisy
    ),
    Claim(
        "mes_gain",
        2,
        "the MES signals are worth something: the best model with them beats every "
        "shift-log-only baseline",
        mes_gain,
        Band(0.0),
        fast_band=Band(-0.01),
    ),
    Claim(
        "leak_roc_auc_gain",
        2,
        "the leaking field inflates the POC's ROC-AUC by at least 0.15",
        leaky_roc_auc_gain,
        Band(0.15),
    ),
)
