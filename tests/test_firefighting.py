"""The supplier-change month replayed: the stages in order, and the names chapters still call.

Each stage has its own tests (``test_detection``, ``test_patch``, ``test_risk_model``,
``test_engineering``, ``test_water_line``); these check what :func:`replay` chains.
"""

from __future__ import annotations

import ast
import importlib
import inspect

import pandas as pd
import pytest

from pocmvp.case import detection, firefighting, patch

STAGES = ("detection", "patch", "risk_model", "engineering", "water_line")


def test_the_patch_follows_the_first_alarm(fast_december):
    fire = fast_december["fire"]
    cadence, alarm_on = detection.first_notice(fire.detection)
    assert (cadence, alarm_on) == (fire.first_cadence, fire.alarm_on)
    assert fire.patch_day == alarm_on + pd.Timedelta(days=patch.PATCH_LEAD_DAYS)
    assert patch.patch_day("2025-12-14 08:00") == pd.Timestamp("2025-12-15")
    assert fire.days(cadence) == (alarm_on - detection.CHANGE_DATE).days


def defined_names(module) -> list[str]:
    """The public names a module defines or assigns at its top level (not its imports)."""
    names = []
    for node in ast.parse(inspect.getsource(module)).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [target.id for target in node.targets if isinstance(target, ast.Name)]
    return [name for name in names if not name.startswith("_")]


@pytest.mark.parametrize("stage", STAGES)
def test_every_public_name_of_a_stage_is_still_reachable_from_firefighting(stage):
    """Until the chapters call the stage modules, ``firefighting.X`` must keep working."""
    module = importlib.import_module(f"pocmvp.case.{stage}")
    names = defined_names(module)
    assert names, f"{stage} defines no public name"
    missing = [
        name for name in names if getattr(firefighting, name, None) is not getattr(module, name)
    ]
    assert not missing, f"firefighting does not re-export {missing} from {stage}"
