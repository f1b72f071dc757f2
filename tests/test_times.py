"""One time parser, one zone rule (local clock time): rule and report agree on months."""

import pandas as pd
import pytest

from pocmvp.toolkit import times


def test_an_offset_is_dropped_not_converted():
    texts = pd.Series(["2024-07-01T00:30+02:00", "2024-06-30T23:30:00Z", "2024-07-01 08:00"])
    assert times.parse_time(texts).tolist() == [
        pd.Timestamp("2024-07-01 00:30"),
        pd.Timestamp("2024-06-30 23:30"),
        pd.Timestamp("2024-07-01 08:00"),
    ]
    assert times.month_labels(texts).tolist() == ["2024-07", "2024-06", "2024-07"]
    aware = pd.Series(pd.to_datetime(["2024-07-01 00:30"]).tz_localize("Europe/Berlin"))
    assert times.parse_time(aware).iloc[0] == pd.Timestamp("2024-07-01 00:30")


def test_mixed_slash_and_iso_dates_are_read_each_on_its_own():
    mixed = pd.Series(["13/06/2024 10:00", "2024-07-01T00:30+02:00", "02/03/2024", "2024-01-05"])
    assert times.parse_time(mixed).tolist() == [
        pd.Timestamp("2024-06-13 10:00"),
        pd.Timestamp("2024-07-01 00:30"),  # not 6 January
        pd.Timestamp("2024-03-02"),  # day first, as the other slash date must be
        pd.Timestamp("2024-01-05"),
    ]


def test_month_first_only_when_the_column_can_only_be_read_so():
    us = pd.Series(["12/31/2025", "01/02/2025"])
    assert times.parse_time(us).tolist() == [pd.Timestamp("2025-12-31"), pd.Timestamp("2025-01-02")]
    dotted = pd.Series(["31.12.2025", "01.02.2025 06:15"])
    assert times.parse_time(dotted).tolist() == [
        pd.Timestamp("2025-12-31"),
        pd.Timestamp("2025-02-01 06:15"),
    ]


@pytest.mark.parametrize("values", [[1, 2, 3], [1.5, 2.0, None]])
def test_numbers_are_not_times(values):
    assert times.parse_time(pd.Series(values)).isna().all()


def test_a_word_or_an_impossible_date_is_missing_never_guessed():
    parsed = times.parse_time(pd.Series(["soon", "2025-02-30", "", None, "2025-02-28"]))
    assert parsed.isna().tolist() == [True, True, True, True, False]


def test_rule_and_report_put_the_same_row_in_the_same_month(tmp_path):
    from pocmvp.toolkit import report, routing

    frame = pd.DataFrame({"t": ["2024-07-01T00:30+02:00", "30/06/2024 23:59", "2024-06-30T23:30Z"]})
    by_report = routing.month_labels(report.parse_times(frame, "t", "x.csv")["t"])
    from pocmvp.toolkit.schema import parse_time as rule_parse_time

    by_rule = rule_parse_time(frame["t"]).dt.strftime("%Y-%m")
    assert by_rule.tolist() == by_report.tolist() == ["2024-07", "2024-06", "2024-06"]
