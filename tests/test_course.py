"""The course schedule: declared once (titles in the notebooks, times in the teaching notes),
and the home page generated from it."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from pocmvp import cli
from pocmvp.machinery import course, notebooks

HOME = course.HOME.read_text(encoding="utf-8")


def test_every_chapter_has_a_title_and_a_time():
    chapters = course.chapters()
    assert [c.notebook for c in chapters] == [
        str(p.relative_to(notebooks.ROOT)) for p in notebooks.chapter_notebooks()
    ]
    numbers = [c.number for c in chapters]
    assert numbers == sorted(set(numbers)) and numbers[0] == 1, "numbered in reading order"
    assert [int(Path(c.notebook).name[:2]) for c in chapters] == numbers, "as their files are"
    assert all(c.minutes > 0 for c in chapters)


def test_the_home_page_is_current():
    assert course.home_page(HOME, course.chapters()) == HOME, "run 'pocmvp home' (make notebooks)"
    assert cli.main(["home", "--check"]) == 0


def blocks(profile: str) -> str:
    """The home page's content for one edition (its content-visible block)."""
    found = re.findall(
        rf'::: {{\.content-visible when-profile="{profile}"}}\n(.*?)\n:::\n', HOME, re.DOTALL
    )
    assert len(found) == 1, f"index.qmd needs one block for the {profile} edition"
    return found[0]


def test_each_edition_home_mentions_every_chapter_and_its_time():
    learner, instructor = blocks("learner"), blocks("instructor")
    for chapter in course.chapters():
        assert f"[{chapter.title}]({chapter.notebook})" in learner
        assert f"[exercises]({chapter.exercises})" in learner
        assert f"| {course.duration(chapter.minutes)} |" in learner
        assert f"[notes]({chapter.notes})" in instructor
        assert f"| {chapter.minutes} min |" in instructor
        assert (notebooks.ROOT / chapter.exercises).is_file()


def test_the_totals_match_the_declared_times():
    chapters = course.chapters()
    total = sum(c.minutes for c in chapters)
    assert course.total_minutes(chapters) == total
    assert f"{total} minutes over {len(chapters)} chapters" in blocks("instructor")
    assert f"**{course.duration(total)}** in class" in blocks("instructor")
    assert f"All {len(chapters)} chapters: {course.duration(total)} in class" in blocks("learner")


def test_each_home_says_what_its_reader_needs():
    learner, instructor = blocks("learner"), blocks("instructor")
    assert (
        "make lab" in learner
        and "uv pip install --python .venv/bin/python -r requirements.lock" in learner
    )
    assert "self-check" in learner and "](instructor/" not in learner
    assert "solutions/" not in learner, "the learner edition never points at the solutions"
    for needed in ("make site", "LibreOffice", ".eml", "instructor/NN_topic.qmd"):
        assert needed in instructor, needed


def test_the_learner_home_installs_as_the_readme_says():
    readme = (notebooks.ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Without make\n", 1)[1]
    setup = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)[0]
    assert f"```sh\n{setup}```" in blocks("learner"), "the same commands as the README"


def test_durations_read_as_hours_and_minutes():
    assert [course.duration(m) for m in (40, 60, 95, 300)] == ["40 min", "1 h", "1 h 35 min", "5 h"]


def write_chapter(root, timing: str, title: str = "# 1 · The ask"):
    (root / "chapters").mkdir()
    (root / "instructor").mkdir()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(title)])
    nbformat.write(notebook, root / "chapters" / "01_ask.ipynb")
    (root / "instructor" / "01_ask.qmd").write_text(f"intro\n{timing}\n", encoding="utf-8")


def test_a_timing_that_does_not_add_up_is_refused(tmp_path):
    write_chapter(tmp_path, "**Timing:** 30 minutes (10 reading, 10 discussion).")
    with pytest.raises(ValueError, match="add up to 20 minutes, not 30"):
        course.chapters(tmp_path)


def test_missing_timing_or_title_is_named(tmp_path):
    write_chapter(tmp_path, "no timing here")
    with pytest.raises(ValueError, match=r"instructor/01_ask.qmd: no line '\*\*Timing"):
        course.chapters(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    write_chapter(other, "**Timing:** 5 minutes (5 reading).", title="The ask")
    with pytest.raises(ValueError, match="first line must be"):
        course.chapters(other)


def test_a_home_page_without_its_markers_is_refused():
    with pytest.raises(ValueError, match="exactly one"):
        course.home_page("no markers", course.chapters())
