"""The Quarto site: its configuration always, and a real render where Quarto is installed."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import subprocess
import threading

import nbformat
import pytest
import yaml
from browser import CHROMIUM, CHROMIUM_FLAGS

from pocmvp.machinery import notebooks

ROOT = notebooks.ROOT


def profile(name: str) -> dict:
    return yaml.safe_load((ROOT / f"_quarto-{name}.yml").read_text())


def sidebar_pages(config: dict, section: str) -> list[str]:
    for entry in config["website"]["sidebar"]["contents"]:
        if isinstance(entry, dict) and entry.get("section") == section:
            return entry["contents"]
    return []


def relative(paths) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


# Every key the site's configuration uses, each one found in Quarto's reference. Quarto checks
# every key of _quarto*.yml against its schema and refuses to render on an unknown one (1.11
# refused website.subtitle, which is not a website option), so a key goes here only with its
# place in the reference. "[]" stands for the items of a list.
QUARTO_KEYS = {
    # https://quarto.org/docs/reference/projects/options.html (project options)
    "project",
    "project.type",
    "project.output-dir",
    "project.render",
    # https://quarto.org/docs/projects/profiles.html
    "profile",
    "profile.default",
    "profile.group",
    # https://quarto.org/docs/reference/formats/html.html#execution: execute options;
    # `enabled` is in Quarto's schema (src/resources/schema/document-execute.yml) but hidden
    # from the reference page (quarto-dev/quarto-cli#5376)
    "execute",
    "execute.enabled",
    # https://quarto.org/docs/reference/projects/websites.html: website options, then
    # Sidebar options, then sidebar items (sections, and Nav Items' href and text)
    "website",
    "website.title",
    "website.description",
    "website.page-navigation",
    "website.search",
    "website.sidebar",
    "website.sidebar.title",
    "website.sidebar.contents",
    "website.sidebar.contents[].section",
    "website.sidebar.contents[].contents",
    "website.sidebar.contents[].href",
    "website.sidebar.contents[].text",
    # https://quarto.org/docs/reference/formats/html.html: format options, table of
    # contents, numbering, code
    "format",
    "format.html",
    "format.html.theme",
    "format.html.toc",
    "format.html.number-sections",
    "format.html.code-overflow",
}
# Front matter of the .qmd pages: https://quarto.org/docs/reference/formats/html.html
# (Title & Author).
PAGE_KEYS = {"title", "subtitle"}


def config_keys(node, prefix: str = ""):
    """Every key of a YAML tree as a dotted path; a section's contents nest as contents[]."""
    if isinstance(node, dict):
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            yield path
            yield from config_keys(value, path)
    elif isinstance(node, list):
        # A section's contents are sidebar items again: checked as website.sidebar.contents[].
        items = re.sub(r"\.contents\[\]\.contents$", ".contents", prefix) + "[]"
        for item in node:
            yield from config_keys(item, items)


def unknown_keys(config: dict) -> list[str]:
    return sorted(set(config_keys(config)) - QUARTO_KEYS)


def test_the_key_check_catches_what_quarto_refused():
    assert unknown_keys({"website": {"subtitle": "Learner edition"}}) == ["website.subtitle"]
    nested = {"website": {"sidebar": {"contents": [{"section": "A", "contents": [{"x": 1}]}]}}}
    assert unknown_keys(nested) == ["website.sidebar.contents[].x"]


@pytest.mark.parametrize("name", ["_quarto.yml", "_quarto-learner.yml", "_quarto-instructor.yml"])
def test_every_configuration_key_is_in_quartos_reference(name):
    config = yaml.safe_load((ROOT / name).read_text())
    assert unknown_keys(config) == [], f"{name}: not in Quarto's reference"


def front_matter(page) -> dict:
    text = page.read_text(encoding="utf-8")
    assert text.startswith("---\n"), page
    return yaml.safe_load(text.split("---\n")[1])


def test_every_page_front_matter_key_is_in_quartos_reference():
    for page in [ROOT / "index.qmd", *sorted((ROOT / "instructor").glob("*.qmd"))]:
        assert set(front_matter(page)) <= PAGE_KEYS, page


@pytest.mark.parametrize("name", ["learner", "instructor"])
def test_each_edition_is_named_in_its_sidebar(name):
    assert f"{name} edition" in profile(name)["website"]["sidebar"]["title"]


def test_main_config_is_a_website_that_never_executes():
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text())
    assert config["project"]["type"] == "website"
    assert config["execute"]["enabled"] is False
    assert config["profile"]["default"] == "learner"


def teaching_notes() -> list[str]:
    return relative(map(notebooks.teaching_notes, notebooks.chapter_notebooks()))


@pytest.mark.parametrize("name", ["learner", "instructor"])
def test_every_chapter_and_exercise_is_listed_in_reading_order(name):
    config = profile(name)
    chapters = relative(notebooks.chapter_notebooks())
    exercises = relative(notebooks.exercise_path(s) for s in notebooks.solution_notebooks())
    listed = [page for page in sidebar_pages(config, "Chapters") if page.startswith("chapters/")]
    assert listed == chapters
    assert sidebar_pages(config, "Exercises") == exercises
    assert set(chapters + exercises) <= set(config["project"]["render"])


def test_only_the_instructor_edition_has_teaching_notes_each_beside_its_chapter():
    chapters = relative(notebooks.chapter_notebooks())
    beside = [page for pair in zip(chapters, teaching_notes(), strict=True) for page in pair]
    instructor = profile("instructor")
    assert sidebar_pages(instructor, "Chapters") == beside
    assert {*teaching_notes(), "instructor/index.qmd"} <= set(instructor["project"]["render"])
    learner = yaml.safe_dump(profile("learner"))
    assert "instructor/" not in learner, "the learner edition lists no instructor page"


def test_only_the_instructor_edition_has_solutions():
    solutions = relative(notebooks.solution_notebooks())
    assert sidebar_pages(profile("instructor"), "Solutions") == solutions
    assert set(solutions) <= set(profile("instructor")["project"]["render"])
    learner = profile("learner")
    assert not any("solutions/" in page for page in learner["project"]["render"])
    assert sidebar_pages(learner, "Solutions") == []


def solution_lines() -> set[str]:
    """Lines of solution code that must never reach the learner edition."""
    lines = set()
    for path in notebooks.solution_notebooks():
        for cell in nbformat_cells(path):
            inside = False
            for line in cell.source.splitlines():
                if line.strip() == notebooks.BEGIN:
                    inside = True
                elif line.strip() == notebooks.END:
                    inside = False
                elif inside and len(line.strip()) > 20:
                    lines.add(line.strip())
    return lines


def nbformat_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


@pytest.mark.skipif(
    shutil.which("quarto") is None,
    reason="quarto is not on PATH: it cannot be installed on this machine "
    "(install it with 'pip install quarto-cli' or from quarto.org to run this test)",
)
def test_render_both_editions_without_leaking_solutions(tmp_path):
    import html

    for edition in ("learner", "instructor"):
        subprocess.run(["quarto", "render", "--profile", edition], cwd=ROOT, check=True)
    # Drop the syntax-highlighting tags so code reads as it was written.
    learner_html = " ".join(
        html.unescape(re.sub(r"<[^>]+>", "", p.read_text(errors="ignore")))
        for p in (ROOT / "_site/learner").rglob("*.html")
    )
    assert "Teaching notes" not in learner_html
    assert not (ROOT / "_site/learner/instructor").exists()
    leaked = [line for line in solution_lines() if line in learner_html]
    assert leaked == [], f"solution code in the learner edition: {leaked[:3]}"
    instructor = ROOT / "_site/instructor"
    assert list(instructor.rglob("*_solutions.html")), "the instructor edition has solutions"
    for page in teaching_notes():
        html_page = (instructor / page).with_suffix(".html")
        assert "Teaching notes" in html_page.read_text(), html_page


@pytest.mark.skipif(
    shutil.which("quarto") is None or shutil.which(CHROMIUM) is None,
    reason="needs quarto on PATH (it cannot be installed on this machine) and Debian's "
    "chromium at /usr/bin/chromium",
)
def test_learner_site_in_a_real_browser():
    from playwright.sync_api import sync_playwright

    site = ROOT / "_site/learner"
    if not (site / "index.html").exists():
        subprocess.run(["quarto", "render", "--profile", "learner"], cwd=ROOT, check=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page()
            page.goto(f"{base}/index.html")
            links = page.locator("#quarto-sidebar a").all_inner_texts()
            assert any("business problem" in text.lower() for text in links)
            page.goto(f"{base}/chapters/01_business_problem.html")
            assert "business problem" in page.title().lower()
            images = page.locator("main img")
            assert images.count() >= 1
            for i in range(images.count()):
                assert images.nth(i).get_attribute("alt"), "every figure has alt text"
                assert images.nth(i).evaluate("img => img.naturalWidth") > 0
            browser.close()
    finally:
        server.shutdown()


LINK = re.compile(r"\]\(([^)#\s]+\.(?:ipynb|qmd))(?:#[^)]*)?\)")


def pages() -> list:
    paths = [ROOT / "index.qmd", *notebooks.chapter_notebooks(), *notebooks.solution_notebooks()]
    paths += sorted((ROOT / "instructor").glob("*.qmd"))
    return paths + [notebooks.exercise_path(s) for s in notebooks.solution_notebooks()]


def test_links_between_pages_resolve_and_learner_pages_never_link_to_solutions():
    learner_pages = set(profile("learner")["project"]["render"])
    for page in pages():
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            resolved = (page.parent / target).resolve()
            assert resolved.exists(), f"{page.name} links to missing {target}"
            if str(page.relative_to(ROOT)) in learner_pages:
                assert "solutions" not in resolved.parts, f"{page.name} links to {target}"


def test_every_chapter_closes_with_links_to_its_exercises_and_the_next_chapter():
    """Relative links to notebooks: JupyterLab opens them, and Quarto makes them .html."""
    chapters = notebooks.chapter_notebooks()
    for chapter, following in zip(chapters, [*chapters[1:], None], strict=True):
        targets = LINK.findall(nbformat.read(chapter, as_version=4).cells[-1].source)
        assert f"../exercises/{chapter.stem}_exercises.ipynb" in targets, chapter.name
        assert following is None or following.name in targets, chapter.name
