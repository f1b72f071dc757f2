"""Reading a user's table as it is, and saying how it was read.

:func:`read` takes a ``.csv`` (plain or gzip-compressed, UTF-8 with or without a byte-order
mark, else Windows-1252; comma, semicolon, tab or bar separated), a ``.parquet`` or an
``.xlsx`` file. Column names are kept exactly as written (spaces included). Whatever is not
the plain case is said in :attr:`Table.notes`, one line each, so a user sees what was read:
another separator, another encoding, a repeated column name (pandas renames the second
``a`` to ``a.1``), or the sheet of a workbook that was read when it is not the first.

For a workbook, the first sheet holding every ``wanted`` column is read (the target, the
id, the time), else the first sheet with any data. Unreadable files raise
:class:`~pocmvp.toolkit.schema.TableError` with one line naming the file and why.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

SEPARATORS = ",;\t|"
_SEPARATOR_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}


class TableError(ValueError):
    """A table that cannot be used as it is; the message names the column and the reason."""


@dataclass(frozen=True)
class Table:
    """A table as read, how it was read (for SQL over the same file), and the notes."""

    frame: pd.DataFrame
    notes: tuple[str, ...] = ()
    separator: str = ","
    encoding: str = "utf-8"
    compressed: bool = False
    sheet: str | None = None
    options: dict = field(default_factory=dict, compare=False)


def _fail(path: Path, error: BaseException | str) -> TableError:
    reason = error if isinstance(error, str) else " ".join(str(error).split())
    return TableError(f"cannot read {path}: {reason or type(error).__name__}")


def read(path: str | Path, wanted: Iterable[str | None] = (), text: Iterable[str] = ()) -> Table:
    """The table in ``path`` (see the module); a CSV's ``text`` columns are read as text
    (ids such as ``007`` keep their zeros)."""
    path = Path(path)
    if not path.is_file():
        raise TableError(f"cannot read {path}: no such file")
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    try:
        if suffixes[-1:] == [".csv"] or suffixes == [".csv", ".gz"]:
            return _read_csv(path, list(text))
        if suffixes[-1:] in ([".parquet"], [".pq"]):
            return Table(pd.read_parquet(path))
        if suffixes[-1:] == [".xlsx"]:
            return _read_xlsx(path, [w for w in wanted if w])
    except TableError:
        raise
    except Exception as error:  # noqa: BLE001 - any reader failure is an unreadable file
        raise _fail(path, error) from None
    raise _fail(path, "expected a .csv, .csv.gz, .parquet or .xlsx file")


def _read_csv(path: Path, text_columns: list[str]) -> Table:
    raw = path.read_bytes()
    compressed = raw[:2] == b"\x1f\x8b"
    if compressed:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise _fail(path, f"a broken gzip file ({error})") from None
    notes = []
    if compressed:
        notes.append(f"read {path.name} as a gzip-compressed CSV file")
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = raw.decode("cp1252", errors="replace"), "cp1252"
        notes.append(f"read {path.name} as Windows-1252 text: it is not UTF-8")
    if "\x00" in text:
        raise _fail(path, "it holds binary data, not text")
    if not text.strip():
        raise _fail(path, "the file is empty")
    first = text.splitlines()[0]
    separator = _separator(text)
    if separator != ",":
        notes.append(
            f"read {path.name} as separated by {_SEPARATOR_NAMES[separator]} "
            f"({first.count(separator) + 1} columns)"
        )
    header = next(csv.reader([first], delimiter=separator))
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        notes.append(
            "repeated column name(s) "
            + ", ".join(map(repr, repeated))
            + ": the second is read as '<name>.1', and so on"
        )
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=separator, dtype=dict.fromkeys(text_columns, "str")
        )
    except pd.errors.EmptyDataError:
        raise _fail(path, "the file is empty") from None
    return Table(frame, tuple(notes), separator, encoding, compressed)


def _separator(text: str) -> str:
    """Commas, unless the header line has none and another separator (a semicolon, as a
    spreadsheet writes in countries with a decimal comma)."""
    first = text.splitlines()[0]
    if "," in first:
        return ","
    counts = {s: first.count(s) for s in SEPARATORS[1:]}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_xlsx(path: Path, wanted: list[str]) -> Table:
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    if not sheets:
        raise _fail(path, "the workbook has no sheet")
    names = list(sheets)
    filled = [n for n in names if not sheets[n].empty or len(sheets[n].columns)]
    having = [n for n in filled if all(w in sheets[n].columns for w in wanted)]
    chosen = (having or filled or names)[0]
    notes = []
    if chosen != names[0] or len(names) > 1:
        place = f"sheet {names.index(chosen) + 1} of {len(names)}"
        notes.append(f"read the sheet {chosen!r} of {path.name} ({place}: {', '.join(names)})")
    return Table(sheets[chosen], tuple(notes), sheet=chosen)
