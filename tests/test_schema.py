import datetime as dt

import pandas as pd
import pytest

from pocmvp.case import factory
from pocmvp.toolkit import schema
from pocmvp.toolkit.schema import TableError


def awkward() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Los Nr.": ["a", "b", "c", "d"],
            "temp [°C]": [700.5, 710.0, 690.0, 720.0],
            "Feuchte %": [40, 55, 60, 35],
            "Ausschuss?": ["yes", "No", "NO", " YES "],
        }
    )


def test_plant_schema_is_built_from_the_shift_log_fields():
    s = factory.SCHEMA
    assert s.target == "defect" and s.id == "part_id" and s.time == "cast_at"
    assert s.scope == "shift" and s.scope_values == factory.SHIFTS
    assert "rework_minutes" not in s.candidates and "melt_temp_c" in s.candidates
    assert s.columns[0] == "part_id" and "defect" not in s.columns
    assert s.unit("melt_temp_c") == "°C" and s.ranges["humidity_pct"] == (0, 100)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0, 1, 1], [False, True, True]),
        (["true", "FALSE", "True"], [True, False, True]),
        (["yes", "No", " YES "], [True, False, True]),
        ([True, False, True], [True, False, True]),
    ],
)
def test_target_parser_accepts_01_truefalse_yesno(values, expected):
    assert schema.parse_target(pd.Series(values)).tolist() == expected


@pytest.mark.parametrize("values", [["yes", "maybe"], [0, 2], [1.0, None]])
def test_target_parser_refuses_anything_else(values):
    with pytest.raises(TableError, match="0/1, true/false or yes/no"):
        schema.parse_target(pd.Series(values), "y")


def test_infer_schema_takes_every_numeric_column_but_id_and_target():
    s = schema.infer_schema(awkward(), "Ausschuss?", id="Los Nr.")
    assert s.candidates == ("temp [°C]", "Feuchte %")
    assert s.columns == ("Los Nr.", "temp [°C]", "Feuchte %")
    named = schema.infer_schema(awkward(), "Ausschuss?", columns=["Feuchte %"])
    assert named.candidates == ("Feuchte %",)


def test_infer_schema_names_what_is_wrong():
    with pytest.raises(TableError, match="no target column 'nope'"):
        schema.infer_schema(awkward(), "nope")
    with pytest.raises(TableError, match="must hold 0/1"):
        schema.infer_schema(awkward(), "temp [°C]")
    with pytest.raises(TableError, match="no column"):
        schema.infer_schema(awkward(), "Ausschuss?", columns=["missing"])
    with pytest.raises(TableError, match="no numeric candidate"):
        schema.infer_schema(awkward()[["Los Nr.", "Ausschuss?"]], "Ausschuss?")


def test_a_few_words_in_a_number_column_keep_it_a_candidate():
    frame = awkward()
    frame["temp [°C]"] = frame["temp [°C]"].astype(object)
    frame.loc[1, "temp [°C]"] = "kaputt"
    frame = pd.concat([frame] * 10, ignore_index=True)  # 1 in 4 would be too many
    frame.loc[frame["temp [°C]"] == "kaputt", "temp [°C]"] = [710.0] * 9 + ["kaputt"]
    assert "temp [°C]" in schema.infer_schema(frame, "Ausschuss?").candidates


def test_time_parsing_local_clock_day_first_and_unreadable():
    aware = pd.Series(pd.to_datetime(["2025-01-01 01:30"]).tz_localize("Europe/Berlin"))
    assert schema.parse_time(aware).iloc[0] == pd.Timestamp("2025-01-01 01:30")
    texts = pd.Series(["2025-01-01T01:30:00+01:00", "2025-06-01T12:00:00Z"])
    assert schema.parse_time(texts).tolist() == [
        pd.Timestamp("2025-01-01 01:30"),
        pd.Timestamp("2025-06-01 12:00"),
    ]
    day_first = schema.parse_time(pd.Series(["31/12/2025", "01/02/2025"]))
    assert day_first.tolist() == [pd.Timestamp("2025-12-31"), pd.Timestamp("2025-02-01")]
    broken = schema.parse_time(pd.Series(["2025-01-02", "soon"]))
    assert broken.iloc[0] == pd.Timestamp(dt.date(2025, 1, 2)) and pd.isna(broken.iloc[1])


def test_read_table_reads_csv_parquet_xlsx_and_names_a_bad_file(tmp_path):
    frame = awkward()
    frame.to_csv(tmp_path / "t.csv", index=False)
    frame.to_parquet(tmp_path / "t.parquet")
    frame.to_excel(tmp_path / "t.xlsx", index=False)
    for name in ("t.csv", "t.parquet", "t.xlsx"):
        assert list(schema.read_table(tmp_path / name).columns) == list(frame.columns)
    (tmp_path / "bad.parquet").write_text("not parquet")
    with pytest.raises(TableError, match="cannot read"):
        schema.read_table(tmp_path / "bad.parquet")
    with pytest.raises(TableError, match="no such file"):
        schema.read_table(tmp_path / "missing.csv")
    with pytest.raises(TableError, match="expected a .csv"):
        (tmp_path / "t.json").write_text("{}")
        schema.read_table(tmp_path / "t.json")


@pytest.mark.parametrize("words", [0, 5_000, 5_001, 20_000, 100_000])
@pytest.mark.parametrize("where", ["first", "last"])
def test_mostly_numbers_is_decided_as_on_the_whole_column(words, where):
    """numeric_columns reads a text column in chunks and stops once the share of numbers
    cannot be reached: the same answer as reading every value, at the edge too."""
    text = ["x1"] * words + [str(i / 7) for i in range(100_000 - words)]
    column = pd.Series(text if where == "first" else text[::-1], dtype=object)
    whole = schema.numbers(column)[0].notna().mean() >= schema.MOSTLY_NUMBERS
    assert (schema.numeric_columns(pd.DataFrame({"c": column})) == ["c"]) == whole
    assert whole == (words <= 5_000)
