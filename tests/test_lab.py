"""`make lab` serves the workbook: JupyterLab is started as `make lab` starts it (`pocmvp lab`
in the workbook folder), asked for its contents, and used by a learner in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from browser import CHROMIUM, CHROMIUM_FLAGS, chromium_or_skip
from local_servers import LAB_TOKEN, get_json, lab_environment, running_lab

from pocmvp.machinery import notebooks

POCMVP = str(Path(sys.executable).with_name("pocmvp"))
CHAPTER = "chapters/01_business_problem.ipynb"
EXERCISE = "exercises/01_business_problem_exercises.ipynb"
FOLDERS = ["chapters", "exercises", "solutions"]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One JupyterLab for the module, started the way `make lab` starts it."""
    env = lab_environment(tmp_path_factory.mktemp("learner"))
    # JupyterLab makes a checkpoint of each notebook it opens; remove the ones it adds here.
    checkpoints = [notebooks.ROOT / folder / ".ipynb_checkpoints" for folder in FOLDERS]
    new_checkpoints = [folder for folder in checkpoints if not folder.exists()]
    try:
        with running_lab([POCMVP, "lab"], notebooks.ROOT, env) as base:
            yield base
    finally:
        for folder in new_checkpoints:
            shutil.rmtree(folder, ignore_errors=True)


def test_lab_serves_the_workbook_root_with_its_kernel(lab):
    specs = get_json(f"{lab}/api/kernelspecs?token={LAB_TOKEN}")
    assert notebooks.KERNEL_NAME in specs["kernelspecs"], "make venv registers the kernel"
    root = {item["name"] for item in get_json(f"{lab}/api/contents?token={LAB_TOKEN}")["content"]}
    assert {"chapters", "exercises", "solutions"} <= root
    assert not root & {"instructor", "_site"}, "instructor-only sources stay out of sight"
    chapter = get_json(f"{lab}/api/contents/{CHAPTER}?token={LAB_TOKEN}")
    assert chapter["type"] == "notebook"


def test_lab_says_plainly_when_it_is_not_in_the_workbook_folder(tmp_path):
    result = subprocess.run([POCMVP, "lab"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 2
    assert "not the workbook folder" in result.stderr
    assert f"cd {notebooks.ROOT}" in result.stderr, "it says where the workbook is"


def test_every_notebook_uses_the_registered_kernel():
    paths = [*notebooks.chapter_notebooks(), *notebooks.solution_notebooks()]
    paths += [notebooks.exercise_path(s) for s in notebooks.solution_notebooks()]
    for path in paths:
        kernel = nbformat.read(path, as_version=4).metadata.kernelspec.name
        assert kernel == notebooks.KERNEL_NAME, path


def test_a_learner_in_the_lab(lab):
    """What a learner sees: the chapter as formatted text, the workbook one click up, the
    link to the exercises, and a self-check's feedback on a wrong answer."""
    chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    exercise_on_disk = (notebooks.ROOT / EXERCISE).read_bytes()
    expect.set_options(timeout=60_000)  # a slow first start on a busy CI machine
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(60_000)
            page.goto(f"{lab}/lab/tree/{CHAPTER}?token={LAB_TOKEN}")  # what make lab opens

            # The chapter: its title and objectives as formatted text, no Quarto, no notes.
            chapter = page.locator(".jp-NotebookPanel", has_text="1 · The business problem")
            expect(chapter.locator(".jp-RenderedMarkdown h1").first).to_have_text(
                re.compile(r"^1 · The business problem")
            )
            expect(chapter.locator("h2", has_text="Learning objectives")).to_be_visible()
            expect(chapter.locator("li", has_text="describe the plant").first).to_be_visible()
            text = chapter.text_content()
            for hidden in (":::", "Teaching notes", "content-visible", "title:", "**Timing:**"):
                assert hidden not in text, f"the learner sees {hidden!r}"

            # The file browser: the workbook's root is one click up.
            page.locator(".jp-BreadCrumbs-home").click()
            listing = page.locator(".jp-DirListing-content .jp-DirListing-itemText")
            expect(listing.filter(has_text=re.compile(r"^exercises$"))).to_be_visible()
            names = set(listing.all_inner_texts())
            assert {"chapters", "exercises", "solutions"} <= names, names
            assert "instructor" not in names

            # The chapter's closing link opens the exercise notebook.
            link = chapter.locator(".jp-RenderedMarkdown a", has_text="exercises").last
            link.scroll_into_view_if_needed()
            link.click()
            exercise = page.locator(".jp-NotebookPanel", has_text="1 · Exercises")
            expect(exercise.locator(".jp-RenderedMarkdown h1").first).to_have_text(
                re.compile(r"^1 · Exercises: the business problem")
            )
            current_tab = '.lm-TabBar-tab.jp-mod-current[data-type="document-title"]'
            expect(page.locator(current_tab)).to_contain_text(Path(EXERCISE).stem)

            # A wrong answer in the first self-check, then Run > Run All Cells: its feedback.
            expect(page.get_by_text("Python (pocmvp workbook) | Idle")).to_be_visible()
            check = exercise.locator(".jp-Cell").nth(5)
            expect(check).to_contain_text("answer_night_rate = ...")
            check.locator(".cm-content").click()
            page.keyboard.press("Control+a")
            page.keyboard.insert_text(
                "answer_night_rate = 0.99\nch01.night_defect_rate(answer_night_rate, shift_log)"
            )
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
            expect(check.locator(".jp-OutputArea-output")).to_contain_text(
                "[x] Exercise 1.1: not quite: too high. Try again: your next attempt gets a hint."
            )
            # JupyterLab's news prompt never showed in all that time.
            assert page.get_by_text("official Jupyter news").count() == 0
        finally:
            browser.close()
    assert (notebooks.ROOT / EXERCISE).read_bytes() == exercise_on_disk, "nothing was saved"
