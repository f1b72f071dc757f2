import duckdb
import numpy as np
import pandas as pd
import pytest
import sqlglot

from pocmvp.toolkit import sql
from pocmvp.toolkit.rule import Rule

AWKWARD = Rule.of(
    ("temp [°C]", ">", 705.5),
    ("Feuchte %", "<", 30, ("Früh", 'say "x"'), "Schicht (Team)"),
)


def test_names_are_quoted_and_missing_never_matches():
    where = AWKWARD.sql_where()
    assert '"temp [°C]"' in where and '"Schicht (Team)"' in where
    assert "IN ('Früh', 'say \"x\"')" in where
    assert sql.select(Rule.of(('a"b', ">", 1)), "t", cast=False) == (
        'SELECT * FROM t WHERE COALESCE("a""b" > 1, FALSE)'
    )
    assert 'TRY_CAST("a""b" AS DOUBLE) > 1' in sql.select(Rule.of(('a"b', ">", 1)), "t")


@pytest.mark.parametrize("dialect", ["duckdb", *sql.DIALECTS])
def test_every_dialect_parses_back(dialect, tmp_path):
    text = sql.rule_sql(AWKWARD, tmp_path / "my data.csv")
    statements = sql.statements(text)
    assert list(statements) == ["duckdb", *sql.DIALECTS]
    parsed = sqlglot.parse_one(statements[dialect], read=dialect)
    columns = {c.name for c in parsed.find_all(sqlglot.exp.Column)}
    assert columns == {"temp [°C]", "Feuchte %", "Schicht (Team)"}


def test_duckdb_query_on_the_file_matches_python(tmp_path):
    rng = np.random.default_rng(1)
    n = 500
    table = pd.DataFrame(
        {
            "temp [°C]": np.where(rng.random(n) < 0.1, np.nan, rng.normal(700, 5, n)),
            "Feuchte %": rng.uniform(10, 60, n).round(1),
            "Schicht (Team)": rng.choice(["Früh", 'say "x"', "Nacht"], n),
        }
    )
    path = tmp_path / "it's data.csv"
    table.to_csv(path, index=False)
    query = sql.statements(sql.rule_sql(AWKWARD, path))["duckdb"]
    with duckdb.connect() as connection:
        got = connection.execute(query).fetchdf()
    assert len(got) == int(AWKWARD.flag(table).sum()) > 0
