"""Output folders that never cost a user a file.

``pocmvp rule`` and ``pocmvp report`` write their files into an output folder. They write into
a fresh partial folder beside it (created here, never reused) and move it into place once
every file is written, so a failure leaves the old folder as it was. The folder carries a
manifest, :data:`MANIFEST`, listing the files this tool wrote into it.

An existing output folder is replaced only when its manifest says this tool wrote it and it
holds nothing else: a file the manifest does not list (the user's notes, the input table) is
never deleted or moved, and the command refuses with :class:`OutputError` instead. Files the
manifest lists and the new run does not write again (another month's or rule's report) are
carried over into the new folder. A path that is a file, or a folder that cannot be written,
is an :class:`OutputError` too; each message is one line.

What the tool can always make again (the POC's fits, a LibreOffice profile) it keeps in the
user's cache folder instead, :func:`user_cache_dir`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

MANIFEST = ".pocmvp-written.json"
"""The file, in an output folder, that lists what this tool wrote there."""
_KIND = "pocmvp output folder"
_PARTIAL_MARK = ".pocmvp-partial"


def user_cache_dir() -> Path:
    """The user's cache folder for pocmvp: ``$XDG_CACHE_HOME/pocmvp``, by default
    ``~/.cache/pocmvp``. Everything in it can be made again; deleting it is safe."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pocmvp"


class OutputError(ValueError):
    """An output folder this tool must not write; the message is one line."""


def written_files(folder: Path) -> list[str] | None:
    """The files the manifest of ``folder`` lists, or None when it has no readable manifest."""
    try:
        listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(listed, dict) or listed.get("kind") != _KIND:
        return None
    files = listed.get("files")
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    return files


def _foreign(folder: Path) -> list[str]:
    """What ``folder`` holds that this tool did not write (everything, without a manifest)."""
    held = sorted(p.name for p in folder.iterdir())
    listed = written_files(folder)
    if listed is None:
        return held
    return [name for name in held if name != MANIFEST and name not in listed]


def check_folder(folder: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """The absolute output folder, if this tool may write it (see the module);
    :class:`OutputError` otherwise. ``inputs`` are the files the command reads: none of them
    may be inside the folder."""
    path = Path(os.path.abspath(folder))
    for given in inputs:
        source = Path(os.path.abspath(given))
        if source == path or path in source.parents:
            raise OutputError(
                f"the output folder {folder} holds the input {Path(given).name}: "
                "choose another --output"
            )
    if path.exists() and not path.is_dir():
        raise OutputError(f"the output {folder} is a file, not a folder: choose another --output")
    if path.is_dir():
        try:
            foreign = _foreign(path)
        except OSError as error:
            raise OutputError(f"cannot read the output folder {folder}: {_reason(error)}") from None
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            whose = (
                "files this tool did not write"
                if written_files(path) is not None
                else f"{len(foreign)} file(s) and this tool did not write it"
            )
            raise OutputError(
                f"the output folder {folder} holds {whose} ({shown}): nothing is replaced; "
                "choose a new or empty --output"
            )
    return path


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def partial_folder(folder: Path, fixed: str | None = None) -> Path:
    """A fresh, empty folder beside ``folder`` to write into. ``fixed`` gives it a fixed name
    (for files that record their own path); a leftover partial folder of that name is removed
    only when it is one this tool made (it holds the partial mark)."""
    parent = folder.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        if fixed is None:
            partial = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=parent))
        else:
            partial = parent / fixed
            if partial.exists():
                if not (partial / _PARTIAL_MARK).is_file():
                    raise OutputError(
                        f"{partial} is in the way and this tool did not make it: remove it or "
                        "choose another --output"
                    )
                shutil.rmtree(partial)
            partial.mkdir()
        (partial / _PARTIAL_MARK).touch()
    except OSError as error:
        raise OutputError(
            f"cannot write beside the output folder {folder}: {_reason(error)}"
        ) from None
    return partial


def discard(partial: Path) -> None:
    """Remove a partial folder :func:`partial_folder` made (it holds the partial mark, or the
    manifest :func:`finish` wrote into it just before it failed)."""
    if (partial / _PARTIAL_MARK).is_file() or written_files(partial) is not None:
        shutil.rmtree(partial, ignore_errors=True)


def finish(partial: Path, folder: Path) -> list[str]:
    """Move the files written into ``partial`` into place as ``folder`` and return their names.

    ``folder`` is checked again (:func:`check_folder`) just before it is replaced; the files
    its manifest lists that ``partial`` does not hold are carried over."""
    new = sorted(p.name for p in partial.iterdir() if p.name not in (MANIFEST, _PARTIAL_MARK))
    try:
        check_folder(folder)
        holder = None
        if folder.is_dir():
            for name in written_files(folder) or []:
                if name not in new and (folder / name).is_file():
                    shutil.copy2(folder / name, partial / name)  # copied: the old stays whole
                    new.append(name)
        _write_manifest(partial, sorted(new))
        (partial / _PARTIAL_MARK).unlink()
        if folder.is_dir():
            holder = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-", dir=folder.parent))
            folder.rename(holder / folder.name)
        try:
            partial.rename(folder)
        except OSError:
            if holder is not None:
                (holder / folder.name).rename(folder)
            raise
        if holder is not None:
            shutil.rmtree(holder)
    except OSError as error:
        raise OutputError(f"cannot write the output folder {folder}: {_reason(error)}") from None
    return sorted(new)


def _write_manifest(folder: Path, files: list[str]) -> None:
    text = json.dumps({"kind": _KIND, "files": files}, indent=2) + "\n"
    (folder / MANIFEST).write_text(text, encoding="utf-8")


def write_folder(
    folder: str | Path,
    write: Callable[[Path], object],
    inputs: Iterable[str | Path] = (),
) -> list[str]:
    """Check ``folder``, call ``write(partial)`` to write the files into a fresh partial
    folder, and move them into place (see the module). Any failure leaves ``folder`` as it
    was and removes the partial folder."""
    inputs = list(inputs)
    path = check_folder(folder, inputs)
    partial = partial_folder(path)
    try:
        write(partial)
        return finish(partial, path)
    except BaseException:
        discard(partial)
        raise
