"""The supplier-change month replayed: the stages in order, and the names chapters still call.

Each stage has its own tests (``test_detection``, ``test_rapid_response``, ``test_risk_model``,
``test_engineering``, ``test_water_line``); these check what :func:`replay` chains.
"""

from __future__ import annotations

import pandas as pd

from pocmvp.case import detection, rapid_response

STAGES = ("detection", "rapid_response", "risk_model", "engineering", "water_line")


def test_the_patch_follows_the_first_alarm(fast_december):
    fire = fast_december["fire"]
    cadence, alarm_on = detection.first_notice(fire.detection)
    assert (cadence, alarm_on) == (fire.first_cadence, fire.alarm_on)
    assert fire.patch_day == alarm_on + pd.Timedelta(days=rapid_response.PATCH_LEAD_DAYS)
    assert rapid_response.patch_day("2025-12-14 08:00") == pd.Timestamp("2025-12-15")
    assert fire.days(cadence) == (alarm_on - detection.CHANGE_DATE).days
