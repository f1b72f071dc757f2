"""A real spreadsheet engine as the judge: LibreOffice recalculates the rule workbook.

The toolkit writes formulas but never computes them. To check that the formula the quality
lead sees gives the same answer as the Python rule, :func:`recalculate` opens the workbook
in LibreOffice Calc (headless), which computes every formula, and saves a copy;
:func:`read_sheet` and :func:`read_flags` read the computed values back with openpyxl.

Each LibreOffice process gets its own profile folder (a second process on the same
profile returns at once, before its output exists), told to recalculate every formula on
load, and runs with ``LC_ALL=C.UTF-8``. The folder is a copy of one initialised once per
user (:func:`profile_template`), so no run pays for LibreOffice's first start;
:func:`recalculate_many` recalculates several workbooks in one run. Where LibreOffice is
not installed, :func:`libreoffice_available` says so and callers skip (tests) or say so
(chapters).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from pocmvp.toolkit import output
from pocmvp.toolkit.workbook import SUMMARY_SHEET
from pocmvp.toolkit.workbook_sheets import MONTH_TABLE_FIRST_ROW, SUMMARY_CELLS

CANDIDATES = ("soffice", "libreoffice")
# Recalculate every formula when a file is loaded (0 = always), whatever cached values say.
_RECALC_ON_LOAD = (
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
    '<prop oor:name="{name}" oor:op="fuse"><value>0</value></prop></item>'
)
_PROFILE_SETTINGS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    + _RECALC_ON_LOAD.format(name="OOXMLRecalcMode")
    + "\n"
    + _RECALC_ON_LOAD.format(name="ODFRecalcMode")
    + "\n</oor:items>\n"
)


class SpreadsheetEngineError(RuntimeError):
    """LibreOffice is missing, failed, or wrote no output."""


def libreoffice_command() -> str | None:
    """The path of the LibreOffice command, or None when it is not installed."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def libreoffice_available() -> bool:
    """True when LibreOffice (``soffice``) is installed and can recalculate workbooks."""
    return libreoffice_command() is not None


def recalculate(
    path: str | Path, output_dir: str | Path | None = None, *, timeout: int = 600
) -> Path:
    """Open ``path`` in headless LibreOffice, compute every formula, and save a copy.

    Returns the recalculated ``.xlsx`` (same file name, in ``output_dir``; by default a
    ``recalculated`` folder beside the input). Raises :class:`SpreadsheetEngineError`.
    """
    source = Path(path).resolve()
    target_dir = Path(output_dir) if output_dir else source.parent / "recalculated"
    return recalculate_many([source], target_dir, timeout=timeout)[0]


def recalculate_many(
    paths: Sequence[str | Path], output_dir: str | Path, *, timeout: int = 600
) -> list[Path]:
    """:func:`recalculate` for several workbooks in ONE LibreOffice run (one start-up).

    Returns one recalculated ``.xlsx`` per input, in the inputs' order, all in
    ``output_dir`` (so their file names must differ). Raises :class:`SpreadsheetEngineError`
    naming every input LibreOffice wrote nothing for.
    """
    _require_command()
    sources = [Path(path).resolve() for path in paths]
    target_dir = Path(output_dir).resolve()
    for source in sources:
        if not source.is_file():
            raise SpreadsheetEngineError(f"no workbook at {source}")
        if target_dir == source.parent:
            raise SpreadsheetEngineError("output_dir must differ from the input's folder")
    target_dir.mkdir(parents=True, exist_ok=True)
    return convert_many(sources, target_dir, "xlsx:Calc MS Excel 2007 XML", timeout=timeout)


def _require_command() -> str:
    command = libreoffice_command()
    if command is None:
        raise SpreadsheetEngineError(
            "LibreOffice is not installed (no 'soffice' on PATH); "
            "install Debian's libreoffice-calc to use it"
        )
    return command


def convert(source: Path, target_dir: Path, convert_to: str, *, timeout: int = 600) -> Path:
    """Run headless LibreOffice ``--convert-to convert_to`` on ``source`` into ``target_dir``.

    Returns the written file (``source``'s stem, the extension of ``convert_to``); raises
    :class:`SpreadsheetEngineError`. See :func:`convert_many` for the profile it runs with.
    """
    return convert_many([source], target_dir, convert_to, timeout=timeout)[0]


def convert_many(
    sources: Sequence[Path], target_dir: Path, convert_to: str, *, timeout: int = 600
) -> list[Path]:
    """:func:`convert` for several files in one LibreOffice run; one output per input.

    The run gets its own profile folder (a second process on a shared profile returns at
    once, before its output exists), copied from :func:`profile_template` (initialised
    once, so each run skips LibreOffice's first start), that recalculates every formula on
    load.
    """
    command = _require_command()
    suffix = convert_to.split(":")[0]
    targets = [Path(target_dir) / f"{Path(source).stem}.{suffix}" for source in sources]
    if len(set(targets)) < len(targets):
        raise SpreadsheetEngineError(f"two inputs would both write the same .{suffix} file")
    for target in targets:
        target.unlink(missing_ok=True)
    if not targets:
        return []
    with tempfile.TemporaryDirectory(prefix="pocmvp-lo-") as scratch:
        profile = Path(scratch) / "profile"
        template = profile_template(timeout=timeout)
        if template is not None:
            shutil.copytree(template, profile, symlinks=True)
        else:
            _write_settings(profile)
        finished = _run(command, profile, convert_to, target_dir, sources, timeout)
    missing = [target.name for target in targets if not target.is_file()]
    if finished.returncode != 0 or missing:
        raise SpreadsheetEngineError(
            f"LibreOffice did not write {', '.join(missing) or 'its output'} "
            f"(exit {finished.returncode}): "
            f"{(finished.stderr or finished.stdout).strip()[-500:]}"
        )
    return targets


def _write_settings(profile: Path) -> None:
    settings = profile / "user" / "registrymodifications.xcu"
    settings.parent.mkdir(parents=True)
    settings.write_text(_PROFILE_SETTINGS, encoding="utf-8")


def _run(command, profile, convert_to, target_dir, sources, timeout):
    env = {**os.environ, "LC_ALL": "C.UTF-8", "HOME": str(profile)}
    arguments = [
        command,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        convert_to,
        "--outdir",
        str(target_dir),
        *[str(source) for source in sources],
    ]
    try:
        return subprocess.run(
            arguments, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise SpreadsheetEngineError(f"LibreOffice took longer than {timeout} s") from error


def profile_template(*, timeout: int = 600) -> Path | None:
    """A LibreOffice profile folder initialised once (first start done, formulas recalculated
    on load), which each run copies; None where it cannot be made (each run then starts
    from a fresh profile, slower but the same).

    Kept per user in ``$XDG_CACHE_HOME/pocmvp`` (``~/.cache/pocmvp``), one per LibreOffice
    build and settings; built in a temporary folder and renamed into place, so a concurrent
    process sees either none or a whole one. Never itself run: runs only copy it.
    """
    command = _require_command()
    real = Path(command).resolve()
    version = real.parent / "versionrc"
    stamp = version if version.is_file() else real
    key = hashlib.sha256(
        f"{real}|{stamp.stat().st_mtime_ns}|{stamp.read_bytes()!r}|{_PROFILE_SETTINGS}".encode()
    ).hexdigest()[:16]
    if key in _TEMPLATES and (_TEMPLATES[key] is None or _is_template(_TEMPLATES[key])):
        return _TEMPLATES[key]
    home = output.user_cache_dir() / f"libreoffice-profile-{key}"
    if not _is_template(home):
        with contextlib.suppress(OSError, SpreadsheetEngineError):  # then fresh profiles
            _build_template(command, home, timeout)
    _TEMPLATES[key] = home if _is_template(home) else None  # a failure is not retried
    return _TEMPLATES[key]


_TEMPLATES: dict[str, Path | None] = {}


def _is_template(folder: Path) -> bool:
    settings = folder / "user" / "registrymodifications.xcu"
    if not settings.is_file():
        return False
    text = settings.read_text(encoding="utf-8", errors="replace")
    return all(f'oor:name="{name}"' in text for name in ("OOXMLRecalcMode", "ODFRecalcMode"))


def _build_template(command: str, home: Path, timeout: int) -> None:
    """LibreOffice's first start in a new profile (converting a one-cell file), then the
    profile renamed to ``home`` (left alone if another process got there first)."""
    home.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=home.parent))
    try:
        profile = building / "profile"
        _write_settings(profile)
        with tempfile.TemporaryDirectory(prefix="pocmvp-lo-first-") as scratch:
            first = Path(scratch) / "first.csv"
            first.write_text("1\n", encoding="utf-8")
            finished = _run(command, profile, "xlsx", Path(scratch), [first], timeout)
            if finished.returncode != 0 or not first.with_suffix(".xlsx").is_file():
                raise SpreadsheetEngineError("LibreOffice's first start failed")
        if not _is_template(profile):
            raise SpreadsheetEngineError("LibreOffice dropped the recalculation settings")
        if home.exists() and not _is_template(home):
            shutil.rmtree(home, ignore_errors=True)  # a broken one: replace it
        try:
            profile.rename(home)
        except OSError:
            if not _is_template(home):
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)


def read_sheet(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """The values of one sheet (the first by default; computed values where cells hold
    formulas), first row as headers. Read a recalculated workbook: the toolkit's own files
    hold no computed values."""
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        chosen = book.worksheets[0] if sheet is None else book[sheet]
        rows = list(chosen.iter_rows(values_only=True))
    finally:
        book.close()
    if not rows:
        return pd.DataFrame()
    return pd.DataFrame(rows[1:], columns=list(rows[0]))


def read_flags(path: str | Path, sheet: str | None = None, header: str | None = None) -> pd.Series:
    """The rule column as the spreadsheet computed it: one bool per row, in row order.
    By default the first sheet's last column (where the toolkit's workbook puts it).

    A cell that is not a boolean (an error value, or text) raises
    :class:`SpreadsheetEngineError` naming the row, since it means the formula broke.
    """
    values = read_sheet(path, sheet)
    if values.empty:
        return pd.Series([], dtype=bool, name="flagged")
    header = values.columns[-1] if header is None else header
    if header not in values.columns:
        raise SpreadsheetEngineError(f"no {header!r} column in {path}")
    flags = values[header]
    broken = ~flags.map(lambda v: isinstance(v, bool))
    if broken.any():
        first = int(broken.to_numpy().argmax())
        raise SpreadsheetEngineError(
            f"row {first + 2} of {header!r} is {flags.iloc[first]!r}, not TRUE/FALSE"
        )
    return flags.astype(bool).rename("flagged")


def read_summary(path: str | Path) -> dict[str, float]:
    """The Summary sheet's overall figures as the spreadsheet computed them: ``parts``,
    ``flagged``, ``flagged_share``, ``capacity_share``, ``capacity``, ``capacity_used``."""
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book[SUMMARY_SHEET]
        return {name: sheet[ref].value for name, ref in SUMMARY_CELLS.items()}
    finally:
        book.close()


def read_monthly_summary(path: str | Path) -> pd.DataFrame:
    """The Summary sheet's per-month table as computed: parts, flagged, capacity and
    capacity used, indexed by month (``YYYY-MM``)."""
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = list(
            book[SUMMARY_SHEET].iter_rows(min_row=MONTH_TABLE_FIRST_ROW - 1, values_only=True)
        )
    finally:
        book.close()
    table = pd.DataFrame(rows[1:], columns=list(rows[0])).dropna(subset=["month"])
    table = table.set_index("month")[["parts", "flagged", "capacity", "capacity used"]]
    return table.astype({"parts": "int64", "flagged": "int64", "capacity": "int64"})
