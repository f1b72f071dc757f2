"""A rule as SQL: a DuckDB query over the input file, and the same rule in other dialects.

Column names are quoted with double quotes (a double quote inside doubled), so names with
spaces, brackets, units or non-ASCII letters work. Missing values never match a condition
(``COALESCE(..., FALSE)``), nor does text in a number column (``TRY_CAST(... AS DOUBLE)``).
The other dialects come from ``sqlglot.transpile(read="duckdb", write=dialect)``.
"""

from __future__ import annotations

from pathlib import Path

from pocmvp.toolkit.rule import Rule
from pocmvp.toolkit.tables import Table

DIALECTS = ("postgres", "snowflake", "bigquery", "spark")
"""sqlglot's names of the dialects :func:`rule_sql` writes after DuckDB's."""

DIALECT_NAMES = {
    "duckdb": "DuckDB",
    "postgres": "PostgreSQL",
    "snowflake": "Snowflake",
    "bigquery": "BigQuery",
    "spark": "Spark SQL",
}


def select(rule: Rule, source: str, cast: bool = True) -> str:
    """``SELECT * FROM <source> WHERE <rule>`` (``source`` is written as given). With
    ``cast`` (the default), number columns are read with ``TRY_CAST(... AS DOUBLE)``: a
    file's column with a typed-in word is text, and the word never matches."""
    return f"SELECT * FROM {source} WHERE {rule.sql_where(cast)}"


def _text(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def file_source(path: str | Path, read: Table | None = None) -> str:
    """DuckDB's reader for the file, the path as a quoted SQL string:
    ``read_csv('path', ...)``, ``read_parquet('path')`` or (DuckDB's excel extension)
    ``read_xlsx('path')``. With ``read`` (how :func:`pocmvp.toolkit.tables.read` read the
    file), DuckDB reads it the same way: a CSV with the same separator, encoding and
    compression, every column as text (``TRY_CAST`` makes numbers), and the column names as
    pandas read them (DuckDB would strip the spaces around a name), a workbook's same sheet.
    """
    suffix = Path(path).suffix.lower()
    if suffix in (".parquet", ".pq"):
        return f"read_parquet({_text(path)})"
    if suffix == ".xlsx":
        sheet = f", sheet={_text(read.sheet)}" if read is not None and read.sheet else ""
        return f"read_xlsx({_text(path)}{sheet}, all_varchar=true)"
    if read is None:
        return f"read_csv_auto({_text(path)})"
    names = ", ".join(_text(c) for c in read.frame.columns)
    options = [
        "header=false",
        "skip=1",
        f"delim={_text(read.separator)}",
        "quote='\"'",
        f"names=[{names}]",
        "all_varchar=true",
    ]
    if read.encoding != "utf-8":
        options.append("encoding='latin-1'")  # DuckDB's nearest to Windows-1252
    if read.compressed:
        options.append("compression='gzip'")
    return f"read_csv({_text(path)}, {', '.join(options)})"


def duckdb_query(rule: Rule, data: str | Path, read: Table | None = None) -> str:
    """The DuckDB query selecting the flagged rows straight from the file ``data``."""
    return select(rule, file_source(data, read))


def transpiled(rule: Rule, table: str = "data") -> dict[str, str]:
    """The rule's query over a table named ``table`` in each of :data:`DIALECTS`."""
    import sqlglot

    query = select(rule, '"' + table.replace('"', '""') + '"')
    return {d: sqlglot.transpile(query, read="duckdb", write=d)[0] for d in DIALECTS}


def rule_sql(rule: Rule, data: str | Path, table: str = "data", read: Table | None = None) -> str:
    """The text of ``rule.sql``: the DuckDB query over ``data`` first (read as ``read`` says),
    then the same rule over a table ``table`` for each other dialect, each statement after a
    comment line."""
    parts = [f"-- DuckDB, over the input file\n{duckdb_query(rule, data, read)};\n"]
    for dialect, query in transpiled(rule, table).items():
        parts.append(f"-- {DIALECT_NAMES[dialect]}, over a table named {table}\n{query};\n")
    return "\n".join(parts)


def statements(text: str) -> dict[str, str]:
    """The statements of a ``rule.sql`` text by dialect (``duckdb`` first), without ';'."""
    found: dict[str, str] = {}
    names = {v: k for k, v in DIALECT_NAMES.items()}
    for block in text.strip().split("\n\n"):
        comment, _, query = block.partition("\n")
        name = comment.removeprefix("-- ").split(",")[0]
        found[names[name]] = query.strip().removesuffix(";")
    return found
