"""The supplier-change month: detection, the patch, the model, engineering, the water line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from pocmvp.case import factory, firefighting, iteration, returns, status_quo
from pocmvp.case.firefighting import CHANGE_DATE
from pocmvp.toolkit import monitoring


@pytest.fixture(scope="module")
def december(fast_plant):
    """The fast plant's December replayed once: rule in force, tests, returns, alarm, patch."""
    log = fast_plant.shift_log
    fire = firefighting.replay(log, factory.DEFAULT_SEED)
    return {
        "log": log,
        "fire": fire,
        "live": fire.live_rule,
        "flags": fire.flags,
        "tested": fire.tested,
        "seen": fire.seen,
        "alarm_on": fire.alarm_on,
        "day": fire.patch_day,
        "patch": fire.patch,
        "model": fire.model(max_iter=30),
    }


# ----------------------------------------------------------------------------- the live rule


def test_the_rule_in_force_comes_from_the_calendar(december):
    log = december["log"]
    versions = iteration.rule_versions(log)
    assert firefighting.rule_in_force(log) == versions["v2"] == december["live"]
    assert firefighting.rule_in_force(log, "2025-10-15") == versions["v1"]
    with pytest.raises(ValueError, match="no rule was live"):
        firefighting.rule_in_force(log, "2025-03-01")
    assert december["flags"].equals(iteration.flags_in_force(log, versions))


def test_the_baseline_is_what_was_known_when_the_fire_started(december):
    log, tested, seen = december["log"], december["tested"], december["seen"]
    rate, months = firefighting.baseline(log, tested, seen)
    assert months == ("2025-09", "2025-10"), "November's returns were not all in on 1 December"
    chosen = factory.month_of(log).isin(months)
    assert rate == monitoring.overall_catch_rate(log[chosen], tested[chosen], target="defect")
    with pytest.raises(ValueError, match="no live month was final"):
        firefighting.baseline(log, tested, seen, on="2025-10-15")


# ----------------------------------------------------------------------------- detection


def test_detection_as_it_happened_and_with_the_list_only(december):
    table = december["fire"].detection
    assert list(table.index.names) == ["cadence", "booking"]
    assert set(table.index.get_level_values(0)) == {c.name for c in firefighting.CADENCES}
    happened = table["noticed_on"].xs(returns.AS_IT_HAPPENED.name, level="booking")
    listed = table["noticed_on"].xs(returns.MONTHLY_LIST.name, level="booking")
    assert listed.dropna().min() >= pd.Timestamp("2026-01-01"), "December's list is in January"
    assert (happened.dropna() >= firefighting.CHANGE_DATE).all()
    assert happened.min() < listed.min(), "the returns feed notices sooner"
    monthly = table.loc[("monthly report", returns.AS_IT_HAPPENED.name), "noticed_on"]
    assert pd.isna(monthly) or monthly.day == 1, "the monthly report runs on the first"
    assert table.attrs["alarm_below"] == pytest.approx(0.7 * table.attrs["baseline_catch_rate"])
    assert (table["false_alarms_before"] <= table["checks_before"]).all()
    judged = table.dropna(subset=["noticed_on"])
    assert (judged["share_in"] >= firefighting.MIN_SHARE_IN).all()


def test_the_patch_follows_the_first_alarm(december):
    fire = december["fire"]
    cadence, alarm_on = firefighting.first_notice(fire.detection)
    assert (cadence, alarm_on) == (fire.first_cadence, fire.alarm_on)
    assert fire.patch_day == alarm_on + pd.Timedelta(days=firefighting.PATCH_LEAD_DAYS)
    assert firefighting.patch_day("2025-12-14 08:00") == pd.Timestamp("2025-12-15")
    assert fire.days(cadence) == (alarm_on - firefighting.CHANGE_DATE).days


def test_days_to_notice_matches_the_table_and_refuses_unknown_cadences(december):
    log, tested, seen = december["log"], december["tested"], december["seen"]
    table = december["fire"].detection
    listed = returns.MONTHLY_LIST
    expected = table.loc[("weekly check", listed.name), "days_to_notice"]
    got = firefighting.days_to_notice(log, tested, seen, "weekly check", listed)
    assert got == expected or (np.isnan(got) and np.isnan(expected))
    with pytest.raises(ValueError, match="cadence must be one of"):
        firefighting.days_to_notice(log, tested, seen, "hourly check")


def test_a_rule_that_never_fails_is_never_noticed(december):
    log, seen = december["log"], december["seen"]
    perfect = log["defect"].astype(bool)
    table = firefighting.detection_times(log, perfect, seen)
    assert table["days_to_notice"].isna().all()
    assert (table["false_alarms_before"] == 0).all()
    with pytest.raises(ValueError, match="no check noticed"):
        firefighting.first_notice(table)


def test_xray_results_count_what_the_cell_saw(december):
    log, tested = december["log"], december["tested"]
    weekly = firefighting.xray_results(log, tested)
    assert weekly["tested"].sum() == tested.sum()
    assert weekly["found_defective"].sum() == (tested & log["defect"]).sum()
    shares = weekly[[f"{k}_share" for k in factory.DEFECT_TYPES]]
    found = weekly["found_defective"] > 0
    assert np.allclose(shares[found].sum(axis=1), 1.0)
    assert shares[~found].isna().all().all()


def test_before_and_after_counts_the_live_months_and_december(december):
    log, tested = december["log"], december["tested"]
    table = firefighting.before_and_after(log, tested)
    before, after = table.iloc[0], table.iloc[1]
    month = factory.month_of(log)
    dec = month == factory.FIRE_MONTH
    assert after["parts_per_month"] == dec.sum()
    assert after["hit_rate"] == (tested & log["defect"] & dec).sum() / (tested & dec).sum()
    assert after["catch_rate"] == (tested & log["defect"] & dec).sum() / (log["defect"] & dec).sum()
    live = month.isin(factory.HELD_OUT_MONTHS)
    assert before["parts_per_month"] == pytest.approx(live.sum() / 3)
    assert after["defect_rate"] > before["defect_rate"], "the new alloy makes more defects"


# ----------------------------------------------------------------------------- the patch


def test_known_outcomes_are_what_was_known_that_morning(december):
    log, tested, seen = december["log"], december["tested"], december["seen"]
    on = december["alarm_on"]
    known = firefighting.known_outcomes(log, tested, seen, on)
    assert known["cast_at"].max() < on and len(known) == (log["cast_at"] < on).sum()
    truth = log.loc[known.index, "defect"]
    assert (known["defect"] <= truth).all(), "a part is never known defective when it is good"
    assert known["defect"].sum() < truth.sum(), "returns still out count as good"
    caught = tested[known.index] & truth
    assert known["defect"][caught].all(), "every X-ray result is known"
    new = firefighting.new_supplier_outcomes(log, tested, seen, on)
    assert (new["supplier"] == factory.SUPPLIER_AFTER).all()
    assert new["cast_at"].min() >= CHANGE_DATE


def test_the_patch_fits_the_capacity_on_what_it_learnt_from(december):
    log, patch = december["log"], december["patch"]
    learnt_on = firefighting.new_supplier_outcomes(
        log, december["tested"], december["seen"], december["alarm_on"]
    )
    assert patch.flag(learnt_on).sum() <= np.floor(0.05 * len(learnt_on))


def test_no_patch_before_any_new_outcome_is_known(december):
    with pytest.raises(ValueError, match="no NordAlloy defects are known"):
        firefighting.find_patch(december["log"], december["tested"], december["seen"], CHANGE_DATE)


def test_hand_over_switches_on_the_day_for_the_new_supplier_only():
    log = pd.DataFrame(
        {
            "cast_at": pd.to_datetime(["2025-12-14", "2025-12-15", "2025-12-15", "2025-12-16"]),
            "supplier": ["NordAlloy", "NordAlloy", "Alucast", "NordAlloy"],
        },
        index=[10, 11, 12, 13],
    )
    before = pd.Series([False, False, False, False], index=log.index)
    after = pd.Series([True, True, True, True], index=log.index)
    day = pd.Timestamp("2025-12-15")
    assert firefighting.hand_over(log, before, after, day).tolist() == [False, True, False, True]
    everyone = firefighting.hand_over(log, before, after, day, supplier=None)
    assert everyone.tolist() == [False, True, True, True]
    with pytest.raises(ValueError, match="indexed like the shift log"):
        firefighting.hand_over(log, before.reset_index(drop=True), after, day)


def test_compare_at_capacity_counts_add_up_and_never_exceed_the_capacity(december):
    log, day = december["log"], december["day"]
    patched = firefighting.hand_over(log, december["flags"], december["patch"].flag(log), day)
    everything = pd.Series(True, index=log.index)
    table = firefighting.compare_at_capacity(
        log, {"rule": december["flags"], "patch": patched, "everything": everything}, day
    )
    assert list(table.index) == ["rule", "patch", "everything"]
    assert (table["tested"] <= table["capacity"]).all()
    assert table.loc["everything", "tested"] == table.loc["everything", "capacity"]
    assert (table["caught"] + table["shipped_defects"] == table["defects"]).all()
    assert (table["caught"] + table["false_alarms"] == table["tested"]).all()
    assert (table["cost_of_shipped_defects"] == 250 * table["shipped_defects"]).all()
    with pytest.raises(ValueError, match="indexed like the shift log"):
        firefighting.compare_at_capacity(log, {"x": patched.set_axis(patched.index + 1)}, day)


def test_defect_rate_by_melt_counts_every_part_with_a_reading(december):
    known = firefighting.known_outcomes(
        december["log"], december["tested"], december["seen"], december["alarm_on"]
    )
    table = firefighting.defect_rate_by_melt(known)
    assert table[("parts", "Alucast")].sum() + table[("parts", "NordAlloy")].sum() == (
        known["melt_temp_c"].notna().sum()
    )
    everything = firefighting.defect_rate_by_melt(december["log"])
    coldest = everything.index[0]
    assert (
        everything.loc[coldest, ("defect_rate", "NordAlloy")]
        > everything.loc[coldest, ("defect_rate", "Alucast")]
    ), "looking back, the new alloy's defects are at the cold end"


# ----------------------------------------------------------------------------- preemption


def test_the_model_uses_decision_time_fields_only(december):
    model = december["model"]
    assert not {"rework_minutes", "defect", "defect_type", *factory.MES_COLUMNS} & set(
        model.features
    )
    assert "supplier" in model.features
    assert model.training_new_supplier_parts > 0
    assert model.trained_until < december["alarm_on"]


def test_the_model_is_seeded_and_gives_probabilities(december):
    log = december["log"]
    sample = log.tail(500)
    risk = december["model"].risk(sample)
    assert risk.index.equals(sample.index) and risk.between(0, 1).all()
    again = december["fire"].model(max_iter=30).risk(sample)
    pd.testing.assert_series_equal(risk, again)


def test_weekly_flags_keep_the_model_near_the_capacity(december):
    log = december["log"]
    flags = firefighting.weekly_flags(december["model"], log)
    assert flags.index.equals(log.index) and flags.dtype == bool
    assert 0.03 < flags.mean() < 0.07


def test_a_model_cannot_be_trained_before_any_outcome_is_known(december):
    with pytest.raises(ValueError, match="too few known outcomes"):
        firefighting.train_risk_model(
            december["log"], december["tested"], december["seen"], "2025-01-01"
        )


def test_drift_check_sees_a_new_supplier_and_a_shift_not_noise(december):
    log = december["log"]
    reference = factory.in_months(log, factory.HELD_OUT_MONTHS)
    same = firefighting.drift_check(reference, reference)
    assert not same["alarm"].any()
    assert same["psi"].dropna().max() < 1e-9
    warmer = reference.assign(melt_temp_c=reference["melt_temp_c"] + 15)
    moved = firefighting.drift_check(reference, warmer)
    assert moved.loc["melt_temp_c", "alarm"] and not moved.loc["die_temp_c", "alarm"]
    first_week = log[(log["cast_at"] >= CHANGE_DATE) & (log["cast_at"] < "2025-12-08")]
    december_drift = firefighting.drift_check(reference, first_week)
    assert december_drift.loc["supplier", "new_value_share"] == 1.0
    assert december_drift.loc["supplier", "alarm"]
    assert december_drift.loc["melt_temp_c", "psi"] < 0.1, "the melt itself did not move"


def test_value_per_month_against_todays_sample(december):
    log = december["log"]
    today = status_quo.every_nth_part(log)
    assert firefighting.value_per_month(log, today, factory.HELD_OUT_MONTHS) == 0
    value = firefighting.value_per_month(log, december["flags"], factory.HELD_OUT_MONTHS)
    assert value > 0
    with pytest.raises(ValueError, match="no parts were cast"):
        firefighting.value_per_month(log, december["flags"], ("2024-01",))


# ----------------------------------------------------------------------------- engineering


def test_engineering_totals_are_computed_from_the_list():
    table = firefighting.engineering_table()
    items = firefighting.ENGINEERING_WORK
    assert list(table.index) == [a.name for a in items] + ["total"]
    assert table.loc["total", "hours_saved_per_month"] == pytest.approx(
        sum(a.hours_per_month_before - a.hours_per_month_after for a in items)
    )
    body = table.drop(index="total")
    assert (
        body["hours_saved_per_month"]
        == body["hours_per_month_before"] - body["hours_per_month_after"]
    ).all()
    assert (body["lead_time_cut_days"] >= 0).all()
    assert np.isnan(table.loc["total", "lead_time_cut_days"]), "lead times of different things"
    one = firefighting.engineering_table(items[:1])
    assert one.loc["total", "hours_per_month_before"] == items[0].hours_per_month_before


# ----------------------------------------------------------------------------- the water line


def test_write_back_is_idempotent_and_accounts_for_every_row(december, tmp_path):
    log, live, patch, day = december["log"], december["live"], december["patch"], december["day"]
    sheet = tmp_path / "shift_leads.xlsx"
    first = firefighting.write_flags_for_day(log, live, day, sheet, rule_version="v1")
    parts = log[log["cast_at"].dt.normalize() == day]
    assert first.accounted and first.received == len(parts) == first.added
    assert first.flagged == live.flag(parts).sum()
    again = firefighting.write_flags_for_day(log, live, day, sheet, rule_version="v1")
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(parts))
    assert again.rows_in_sheet == first.rows_in_sheet == len(parts)
    patched = firefighting.write_flags_for_day(log, patch, day, sheet, rule_version="patch")
    assert patched.updated == len(parts) and patched.added == 0 and patched.accounted
    changed = (live.flag(parts) != patch.flag(parts)).sum()
    assert patched.flags_changed == changed
    written = firefighting.read_sheet(sheet)
    assert list(written.columns) == list(firefighting.HEADERS)
    assert written["send_to_xray"].tolist() == patch.flag(parts).tolist()
    assert set(written["rule_version"]) == {"patch"}
    next_day = firefighting.write_flags_for_day(
        log, patch, day + pd.Timedelta(days=1), sheet, rule_version="patch"
    )
    assert next_day.rows_in_sheet == len(parts) + next_day.added
    assert "rows in the sheet after" in next_day.table().index


def test_write_back_rejects_bad_rows_and_keeps_text_as_text(december, tmp_path):
    log, live, day = december["log"], december["live"], december["day"]
    parts = log[log["cast_at"].dt.normalize() == day].head(6).copy()
    parts = parts.astype({"melt_temp_c": object})
    column = live.columns[0]
    parts = parts.astype({column: object})
    parts.iloc[0, parts.columns.get_loc(column)] = "n/a"
    parts.iloc[1, parts.columns.get_loc("supplier")] = '=HYPERLINK("http://x.example","x")'
    sheet = tmp_path / "sheet.xlsx"
    result = firefighting.write_flags_for_day(parts, live, day, sheet, rule_version="v1")
    assert result.rejected == 1 and result.added == 5 and result.accounted
    assert "not a number" in result.rejections["reason"].iloc[0]
    cell = load_workbook(sheet)[firefighting.SHEET].cell(
        2, firefighting.HEADERS.index("supplier") + 1
    )
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_write_back_refuses_a_sheet_that_is_not_the_shift_leads_one(december, tmp_path):
    other = tmp_path / "other.xlsx"
    book = Workbook()
    book.active.title = firefighting.SHEET
    book.active.append(["something", "else"])
    book.save(other)
    with pytest.raises(ValueError, match="other columns"):
        firefighting.write_flags_for_day(
            december["log"], december["live"], december["day"], other, rule_version="v1"
        )


def test_water_line_and_what_the_sheet_showed(december):
    log, tested = december["log"], december["tested"]
    flow = firefighting.water_line(log, december["flags"], factory.FIRE_MONTH)
    in_december = factory.month_of(log) == factory.FIRE_MONTH
    assert flow["rows"].sum() == in_december.sum()
    assert flow["flags"].sum() == december["flags"][in_december].sum()
    showed = firefighting.what_the_sheet_showed(log, tested)
    assert list(showed.columns) == ["who can see it", factory.HELD_OUT_MONTHS[-1], "2025-12"]
    assert list(showed.index) == ["flag_share", "hit_rate", "catch_rate"]
    assert showed.loc["catch_rate", "2025-12"] < showed.loc["catch_rate", "2025-11"]
