"""Run the ``pocmvp`` command from a notebook, exactly as a terminal would, and show it.

Chapter 9 teaches the command line, so it runs the real command in a child process (the
Python of the running kernel, ``python -m pocmvp.cli``, so it is the same installation)
instead of calling functions behind its back. :func:`pocmvp` returns a :class:`Ran` that a
notebook shows as the command, quoted for a POSIX shell, followed by what it printed.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


class CommandFailed(RuntimeError):
    """The command exited with another code than expected; the message holds its stderr."""


@dataclass(frozen=True)
class Ran:
    """One run of the command: its arguments, exit code and what it printed."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def command(self) -> str:
        """The command as you would type it in a POSIX shell (names with spaces quoted)."""
        return shlex.join(["pocmvp", *self.args])

    def __str__(self) -> str:
        shown = [f"$ {self.command}", self.stdout.rstrip("\n")]
        if self.stderr.strip():
            shown.append(self.stderr.rstrip("\n"))
        if self.returncode:
            shown.append(f"(exit code {self.returncode})")
        return "\n".join(line for line in shown if line)

    # A notebook shows the run itself as the cell's result.
    __repr__ = __str__


def pocmvp(*args: str | os.PathLike, cwd: str | os.PathLike, expect: int | None = 0) -> Ran:
    """Run ``pocmvp ARGS`` in folder ``cwd``; raise :class:`CommandFailed` unless it exits
    with ``expect`` (``None`` accepts any exit code, for showing a refusal)."""
    arguments = tuple(str(a) for a in args)
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "100"}
    finished = subprocess.run(
        [sys.executable, "-m", "pocmvp.cli", *arguments],
        cwd=Path(cwd),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        check=False,
    )
    ran = Ran(arguments, finished.returncode, finished.stdout, finished.stderr)
    if expect is not None and finished.returncode != expect:
        raise CommandFailed(
            f"{ran.command} exited with {finished.returncode}, expected {expect}: "
            f"{finished.stderr.strip() or finished.stdout.strip()}"
        )
    return ran
