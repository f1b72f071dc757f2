"""Running the pocmvp command from a notebook: the real process, shown as typed."""

import pytest

from pocmvp.machinery import commands


def test_runs_the_real_command_and_shows_it_quoted(tmp_path):
    ran = commands.pocmvp("exercises", "--help", cwd=tmp_path)
    assert ran.returncode == 0 and "--check" in ran.stdout
    assert ran.command == "pocmvp exercises --help"
    assert str(ran).startswith("$ pocmvp exercises --help\n")
    spaced = commands.Ran(("rule", "a b.csv", "--target", "Seal failed"), 0, "ok\n", "")
    assert spaced.command == "pocmvp rule 'a b.csv' --target 'Seal failed'"
    assert repr(spaced) == "$ pocmvp rule 'a b.csv' --target 'Seal failed'\nok"


def test_an_unexpected_exit_code_raises_with_the_message(tmp_path):
    with pytest.raises(commands.CommandFailed, match="exited with 2"):
        commands.pocmvp("no-such-command", cwd=tmp_path)
    refused = commands.pocmvp("no-such-command", cwd=tmp_path, expect=None)
    assert refused.returncode == 2 and "invalid choice" in refused.stderr
    assert str(refused).endswith("(exit code 2)")
