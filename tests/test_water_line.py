"""Stage 5 of the supplier-change month: the daily write-back to the shift leads' sheet."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from pocmvp.case import factory, water_line


def test_write_back_is_idempotent_and_accounts_for_every_row(fast_december, tmp_path):
    log, live, patch, day = (
        fast_december["log"],
        fast_december["live"],
        fast_december["patch"],
        fast_december["day"],
    )
    sheet = tmp_path / "shift_leads.xlsx"
    first = water_line.write_flags_for_day(log, live, day, sheet, rule_version="v1")
    parts = log[log["cast_at"].dt.normalize() == day]
    assert first.accounted and first.received == len(parts) == first.added
    assert first.flagged == live.flag(parts).sum()
    again = water_line.write_flags_for_day(log, live, day, sheet, rule_version="v1")
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(parts))
    assert again.rows_in_sheet == first.rows_in_sheet == len(parts)
    patched = water_line.write_flags_for_day(log, patch, day, sheet, rule_version="patch")
    assert patched.updated == len(parts) and patched.added == 0 and patched.accounted
    changed = (live.flag(parts) != patch.flag(parts)).sum()
    assert patched.flags_changed == changed
    written = water_line.read_sheet(sheet)
    assert list(written.columns) == list(water_line.HEADERS)
    assert written["send_to_xray"].tolist() == patch.flag(parts).tolist()
    assert set(written["rule_version"]) == {"patch"}
    next_day = water_line.write_flags_for_day(
        log, patch, day + pd.Timedelta(days=1), sheet, rule_version="patch"
    )
    assert next_day.rows_in_sheet == len(parts) + next_day.added
    assert "rows in the sheet after" in next_day.table().index


def test_write_back_rejects_bad_rows_and_keeps_text_as_text(fast_december, tmp_path):
    log, live, day = fast_december["log"], fast_december["live"], fast_december["day"]
    parts = log[log["cast_at"].dt.normalize() == day].head(6).copy()
    parts = parts.astype({"melt_temp_c": object})
    column = live.columns[0]
    parts = parts.astype({column: object})
    parts.iloc[0, parts.columns.get_loc(column)] = "n/a"
    parts.iloc[1, parts.columns.get_loc("supplier")] = '=HYPERLINK("http://x.example","x")'
    sheet = tmp_path / "sheet.xlsx"
    result = water_line.write_flags_for_day(parts, live, day, sheet, rule_version="v1")
    assert result.rejected == 1 and result.added == 5 and result.accounted
    assert "not a number" in result.rejections["reason"].iloc[0]
    cell = load_workbook(sheet)[water_line.SHEET].cell(2, water_line.HEADERS.index("supplier") + 1)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_write_back_refuses_a_sheet_that_is_not_the_shift_leads_one(fast_december, tmp_path):
    other = tmp_path / "other.xlsx"
    book = Workbook()
    book.active.title = water_line.SHEET
    book.active.append(["something", "else"])
    book.save(other)
    with pytest.raises(ValueError, match="other columns"):
        water_line.write_flags_for_day(
            fast_december["log"],
            fast_december["live"],
            fast_december["day"],
            other,
            rule_version="v1",
        )


def test_water_line_and_what_the_sheet_showed(fast_december):
    log, tested = fast_december["log"], fast_december["tested"]
    flow = water_line.water_line(log, fast_december["flags"], factory.FIRE_MONTH)
    in_december = factory.month_of(log) == factory.FIRE_MONTH
    assert flow["rows"].sum() == in_december.sum()
    assert flow["flags"].sum() == fast_december["flags"][in_december].sum()
    showed = water_line.what_the_sheet_showed(log, tested)
    assert list(showed.columns) == ["who can see it", factory.HELD_OUT_MONTHS[-1], "2025-12"]
    assert list(showed.index) == ["flag_share", "hit_rate", "catch_rate"]
    assert showed.loc["catch_rate", "2025-12"] < showed.loc["catch_rate", "2025-11"]
