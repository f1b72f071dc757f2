"""Output folders: nothing a user owns is deleted or moved."""

import json
import os

import pytest

from pocmvp.toolkit import output
from pocmvp.toolkit.output import MANIFEST, OutputError


def write_two(partial):
    (partial / "a.txt").write_text("a")
    (partial / "b.txt").write_text("b")


def test_a_new_folder_is_written_with_its_manifest(tmp_path):
    folder = tmp_path / "out"
    assert output.write_folder(folder, write_two) == ["a.txt", "b.txt"]
    assert sorted(p.name for p in folder.iterdir()) == [MANIFEST, "a.txt", "b.txt"]
    assert output.written_files(folder) == ["a.txt", "b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no partial folder is left"


def test_a_folder_this_tool_wrote_is_replaced_and_its_other_files_carried_over(tmp_path):
    folder = tmp_path / "out"
    output.write_folder(folder, write_two)
    (folder / "a.txt").write_text("old a")

    def write_a_and_c(partial):
        (partial / "a.txt").write_text("new a")
        (partial / "c.txt").write_text("c")

    assert output.write_folder(folder, write_a_and_c) == ["a.txt", "b.txt", "c.txt"]
    assert (folder / "a.txt").read_text() == "new a"
    assert (folder / "b.txt").read_text() == "b", "another run's file is kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("manifest", [None, "not json", json.dumps({"files": ["a.txt"]})])
def test_a_folder_with_a_file_it_did_not_write_is_refused_and_left_alone(tmp_path, manifest):
    folder = tmp_path / "out"
    output.write_folder(folder, write_two)
    (folder / "notes.txt").write_text("mine")
    if manifest is None:
        (folder / MANIFEST).unlink()
    else:
        (folder / MANIFEST).write_text(manifest)
    before = sorted(p.name for p in folder.iterdir())
    with pytest.raises(OutputError, match="this tool did not write") as raised:
        output.write_folder(folder, write_two)
    assert "\n" not in str(raised.value)
    assert sorted(p.name for p in folder.iterdir()) == before
    assert (folder / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_users_folder_is_refused(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "table.csv").write_text("a,b\n1,2\n")
    with pytest.raises(OutputError, match=r"table\.csv"):
        output.write_folder(folder, write_two)
    assert [p.name for p in folder.iterdir()] == ["table.csv"]


def test_an_empty_folder_is_written(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    output.write_folder(folder, write_two)
    assert output.written_files(folder) == ["a.txt", "b.txt"]


def test_the_input_inside_the_output_folder_is_refused_even_in_a_folder_this_tool_wrote(
    tmp_path,
):
    folder = tmp_path / "out"
    output.write_folder(folder, write_two)
    with pytest.raises(OutputError, match="holds the input a.txt"):
        output.write_folder(folder, write_two, inputs=[folder / "a.txt"])
    assert (folder / "a.txt").read_text() == "a"


def test_a_file_is_refused_and_kept(tmp_path):
    path = tmp_path / "o_isfile"
    path.write_text("mine")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        output.write_folder(path, write_two)
    assert path.read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o_isfile"], "nothing renamed"


def test_an_unwritable_place_is_one_line(tmp_path):
    with pytest.raises(OutputError, match="cannot write beside the output folder"):
        output.write_folder("/proc/x", write_two)


def test_a_failure_while_writing_leaves_the_old_folder_as_it_was(tmp_path):
    folder = tmp_path / "out"
    output.write_folder(folder, write_two)

    def fail(partial):
        (partial / "a.txt").write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        output.write_folder(folder, fail)
    assert (folder / "a.txt").read_text() == "a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_fixed_partial_folder_in_the_way_is_removed_only_when_this_tool_made_it(tmp_path):
    folder = tmp_path / "out"
    made = output.partial_folder(folder, ".out-v1.partial")
    (made / "leftover").write_text("x")
    again = output.partial_folder(folder, ".out-v1.partial")
    assert again == made and not (made / "leftover").exists()
    output.discard(again)
    theirs = tmp_path / ".out-v2.partial"
    theirs.mkdir()
    (theirs / "mine.txt").write_text("mine")
    with pytest.raises(OutputError, match="did not make it"):
        output.partial_folder(folder, ".out-v2.partial")
    assert (theirs / "mine.txt").read_text() == "mine"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
def test_a_read_only_parent_is_one_line(tmp_path):
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="cannot write beside"):
            output.write_folder(parent / "out", write_two)
    finally:
        parent.chmod(0o700)


def test_the_user_cache_folder_follows_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert output.user_cache_dir() == tmp_path / "pocmvp"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert output.user_cache_dir() == tmp_path / "home" / ".cache" / "pocmvp"
