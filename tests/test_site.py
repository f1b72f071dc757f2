"""The Quarto site: its configuration always, and a real render where Quarto is installed."""

from __future__ import annotations

import email
import email.policy
import functools
import http.server
import re
import shutil
import subprocess
import threading
import urllib.parse
from pathlib import PurePosixPath

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
    # same page, "resources": files copied verbatim to the output directory (globs)
    "project.resources",
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


def learner_lines() -> set[str]:
    """Every line of code a learner's own notebooks show: a solution line that is also here
    (a file name, a setting the chapter used) gives nothing away."""
    learner = notebooks.chapter_notebooks()
    learner += [notebooks.exercise_path(s) for s in notebooks.solution_notebooks()]
    cells = [cell for path in learner for cell in nbformat_cells(path)]
    return {line.strip() for cell in cells for line in cell.source.splitlines()}


def test_the_leak_check_ignores_lines_the_learner_already_sees():
    """The render found `"seal_tests_with_time.csv",` both in a solution and in chapter 9."""
    shared = solution_lines() & learner_lines()
    assert shared, "some solution lines repeat what the chapters show"
    assert not shared & set(leaked_solution_lines(" ".join(shared)))


def leaked_solution_lines(learner_html: str) -> list[str]:
    """Solution lines that appear in the learner edition's pages and nowhere a learner sees."""
    return sorted(line for line in solution_lines() - learner_lines() if line in learner_html)


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
        render(edition)
    # Drop the syntax-highlighting tags so code reads as it was written.
    learner_html = " ".join(
        html.unescape(re.sub(r"<[^>]+>", "", p.read_text(errors="ignore")))
        for p in (ROOT / "_site/learner").rglob("*.html")
    )
    assert "Teaching notes" not in learner_html
    assert not (ROOT / "_site/learner/instructor").exists()
    leaked = leaked_solution_lines(learner_html)
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
    render("learner")
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
        text = page.read_text(encoding="utf-8")
        for target in LINK.findall(text) + [h for h in HREF.findall(text) if ".ipynb" in h]:
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


# Downloads: every page offers its own notebook, chapters 4 and 6 their workbook and email.
DOWNLOAD_LINK = re.compile(r"\]\((downloads/[^)\s]+)\)")
HREF = re.compile(r'<a href="([^"]+)"')


def rendered_pages(name: str) -> list[str]:
    return [page for page in profile(name)["project"]["render"] if page.endswith(".ipynb")]


def quarto_glob_matches(glob: str, path: str) -> bool:
    """Whether a Quarto glob matches ``path`` (relative to the project): a glob starting with
    ``/`` matches from the project's root, any other at any depth (quarto.org/docs/reference/
    globs.html), and ``*`` never crosses a ``/``. ``PurePosixPath.match`` reads globs the same
    way once the path is made absolute."""
    return PurePosixPath("/" + path).match(glob)


def copied(name: str, path: str) -> bool:
    """Whether the edition's ``project.resources`` globs copy ``path`` into the site."""
    return any(quarto_glob_matches(g, path) for g in profile(name)["project"]["resources"])


def test_globs_are_read_as_quarto_reads_them():
    assert quarto_glob_matches("/chapters/*.ipynb", "chapters/01_a.ipynb")
    assert not quarto_glob_matches("/chapters/*.ipynb", "_site/learner/chapters/01_a.ipynb")
    assert not quarto_glob_matches("/chapters/*.ipynb", "chapters/downloads/a.ipynb")
    assert quarto_glob_matches("chapters/*.ipynb", "_site/learner/chapters/01_a.ipynb")


@pytest.mark.parametrize("name", ["learner", "instructor"])
def test_every_resource_glob_is_anchored_so_no_edition_holds_another(name):
    resources = profile(name)["project"]["resources"]
    assert [glob for glob in resources if not glob.startswith("/")] == []
    other = "instructor" if name == "learner" else "learner"
    inside = [f"_site/{other}/{page}" for page in rendered_pages(other)]
    assert not [path for path in inside if copied(name, path)], f"{name} copies _site/{other}"


@functools.cache
def tracked_files() -> frozenset[str]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return frozenset(listed.splitlines())


@functools.cache
def check_download(path) -> None:
    """The file is of the kind its name says: a notebook, a workbook, an email."""
    from openpyxl import load_workbook

    if path.suffix == ".ipynb":
        nbformat.validate(nbformat.read(path, as_version=4))
    elif path.suffix == ".xlsx":
        assert load_workbook(path, read_only=True).sheetnames, path
    elif path.suffix == ".eml":
        with open(path, "rb") as handle:
            message = email.message_from_binary_file(handle, policy=email.policy.default)
        assert message["Subject"] and message.get_body(("html",)) is not None, path
    else:
        raise AssertionError(f"{path.name}: not a download the site offers")


@pytest.mark.parametrize("name", ["learner", "instructor"])
def test_every_page_offers_its_own_notebook_and_the_edition_copies_it(name):
    for page in rendered_pages(name):
        title = nbformat.read(ROOT / page, as_version=4).cells[0]
        assert title.cell_type == "markdown", page
        own = (ROOT / page).name
        assert [own] == HREF.findall(title.source), f"{page} offers {own}, nothing else"
        assert f'download="{own}"' in title.source and "data-noresolveinput" in title.source
        assert copied(name, page), f"{name}: {page} is not copied into the site"


def test_the_learner_edition_neither_renders_nor_copies_any_solution():
    learner = profile("learner")["project"]
    assert not [page for page in learner["render"] if "solution" in page]
    leaked = [path for path in tracked_files() if copied("learner", path) and "solution" in path]
    assert leaked == [], f"the learner edition would copy {leaked}"
    assert any(
        copied("instructor", str(p.relative_to(ROOT))) for p in notebooks.solution_notebooks()
    )


def download_links() -> list[tuple]:
    pages = notebooks.chapter_notebooks()
    pages += [notebooks.exercise_path(s) for s in notebooks.solution_notebooks()]
    links = []
    for page in pages:
        for cell in nbformat.read(page, as_version=4).cells:
            if cell.cell_type == "markdown":
                links += [(page, target) for target in DOWNLOAD_LINK.findall(cell.source)]
    return links


def test_every_download_link_resolves_to_a_tracked_file_of_its_kind():
    links = download_links()
    targets = {target for _, target in links}
    assert {"downloads/04_rule_workbook_2025-09.xlsx", "downloads/06_report_2025-10.eml"} <= targets
    tracked = tracked_files()
    for page, target in links:
        path = (page.parent / target).resolve()
        relative_path = str(path.relative_to(ROOT))
        assert relative_path in tracked, f"{page.name} links to {target}, which git does not track"
        check_download(path)
        for name in ("learner", "instructor"):
            assert copied(name, relative_path), f"{name} does not copy {relative_path}"


def test_the_email_offered_carries_the_workbook_offered():
    eml = ROOT / "chapters/downloads/06_report_2025-10.eml"
    with open(eml, "rb") as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.default)
    attachment = next(message.iter_attachments()).get_content()
    assert attachment == (ROOT / "chapters/downloads/06_report_2025-10.xlsx").read_bytes()


# A rendered site, wherever Quarto is installed.
needs_quarto = pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto not installed")
PROGRESS_LINE = re.compile(r"^.*:\s*\d+/\d+\b.*$", re.MULTILINE)


@functools.cache
def render(edition: str) -> str:
    """Render ``edition`` once per test session; returns what Quarto printed."""
    finished = subprocess.run(
        ["quarto", "render", "--profile", edition],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return finished.stdout + finished.stderr


def site_pages(edition: str) -> list:
    return sorted((ROOT / "_site" / edition).rglob("*.html"))


def local_links(page) -> list[str]:
    hrefs = re.findall(r'<a [^>]*href="([^"#]+)', page.read_text(errors="ignore"))
    return [h for h in hrefs if not re.match(r"^\w+:", h) and not h.startswith("//")]


@needs_quarto
@pytest.mark.parametrize("edition", ["learner", "instructor"])
def test_the_rendered_edition_builds_cleanly_and_its_downloads_are_real(edition):
    printed = render(edition)
    assert "WARN" not in printed and "ERROR" not in printed, printed[-2000:]
    site = ROOT / "_site" / edition
    if edition == "learner":
        assert not [p for p in site.rglob("*") if "solution" in p.name], "no solutions at all"
    for page in site_pages(edition):
        text = page.read_text(errors="ignore")
        for img in re.findall(r"<img\b[^>]*>", text):
            assert re.search(r'alt="[^"]+"', img), f"{page.name}: an image without alt text"
        for pre in re.findall(r"<pre[^>]*>(.*?)</pre>", text, re.S):
            lines = PROGRESS_LINE.findall(re.sub(r"<[^>]+>", "", pre))
            assert len(lines) <= 1, f"{page.name}: stacked progress lines {lines[:3]}"
        for href in local_links(page):
            target = (page.parent / urllib.parse.unquote(href)).resolve()
            assert target.exists(), f"{page.name}: broken link {href}"
            if target.suffix in {".ipynb", ".xlsx", ".eml"}:
                check_download(target)
    for ipynb in site.rglob("*.ipynb"):
        source = ROOT / ipynb.relative_to(site)
        assert ipynb.read_bytes() == source.read_bytes(), f"{ipynb.name} is served as written"


def stay_local(route, base: str, problems: list[str]) -> None:
    """Let a request to the site through; refuse one to another host, and note its URL."""
    url = route.request.url
    if url.startswith(base) or url.startswith(("data:", "blob:", "about:")):
        route.continue_()
    else:
        problems.append(f"a request leaves the site: {url}")
        route.abort()


@pytest.mark.skipif(
    shutil.which("quarto") is None or shutil.which(CHROMIUM) is None,
    reason="quarto not installed (and needs Debian's chromium at /usr/bin/chromium)",
)
@pytest.mark.parametrize("edition", ["learner", "instructor"])
def test_every_page_of_the_edition_in_a_real_browser(edition):
    from playwright.sync_api import sync_playwright

    render(edition)
    site = ROOT / "_site" / edition
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    problems = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page()
            page.on(
                "console",
                lambda m: problems.append(f"{page.url}: {m.text}") if m.type == "error" else None,
            )
            page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
            # Offline: a request to any other host is a failure (and is never sent), and so
            # is any missing file the pages ask for.
            page.route("**/*", lambda route: stay_local(route, base, problems))
            page.on(
                "response",
                lambda r: (
                    problems.append(f"{page.url}: {r.status} for {r.url}")
                    if r.status >= 400
                    else None
                ),
            )
            for html_page in site_pages(edition):
                url = f"{base}/{html_page.relative_to(site).as_posix()}"
                response = page.goto(url)
                assert response is not None and response.ok, url
                for img in page.locator("main img").all():
                    assert img.get_attribute("alt"), f"{url}: an image without alt text"
                    assert img.evaluate("img => img.naturalWidth") > 0, f"{url}: broken image"
                hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
                for href in {h.split("#")[0] for h in hrefs if h.startswith(base)}:
                    status = page.request.get(href).status
                    if status != 200:
                        problems.append(f"{url}: broken link {href} ({status})")
            browser.close()
    finally:
        server.shutdown()
    assert problems == [], problems[:5]


# Offline: no page of either edition asks another host for anything. Checked without Quarto,
# from what makes Quarto reach out: an HTML or JavaScript notebook output (it then loads
# jQuery and RequireJS from a CDN, quarto-cli src/core/jupyter/widgets.ts), TeX math (MathJax
# from a CDN), the theme's web font (Google Fonts), and any address a page loads itself.
NETWORK_MIME_TYPES = {
    "text/html",
    "application/javascript",
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.jupyter.widget-state+json",
}
LOADS_FROM_HOST = re.compile(
    r"""<(?:script|img|iframe|link|source|video|audio)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//"""
    r"""|@import\s+(?:url\()?["']?(?:https?:)?//""",
    re.IGNORECASE,
)
TEX_MATH = re.compile(r"(?<![\\$])\$(?=\S)[^$\n]+(?<=\S)\$(?!\d)|\$\$|\\\(|\\\[")


def page_texts(page: str):
    """(where, text) of everything a rendered page shows: its Markdown and its outputs."""
    path = ROOT / page
    if path.suffix == ".qmd":
        yield page, path.read_text(encoding="utf-8")
        return
    for number, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "markdown":
            yield f"{page} cell {number}", cell.source
        for output in cell.get("outputs", []):
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/"):
                    yield f"{page} cell {number} ({mime})", value
            if output.get("output_type") == "stream":
                yield f"{page} cell {number} (stream)", output.get("text", "")


@pytest.mark.parametrize("name", ["learner", "instructor"])
def test_no_page_of_the_edition_asks_another_host_for_anything(name):
    found = []
    for page in profile(name)["project"]["render"]:
        if page.endswith(".ipynb"):
            for number, cell in enumerate(nbformat.read(ROOT / page, as_version=4).cells):
                for output in cell.get("outputs", []):
                    mimes = NETWORK_MIME_TYPES & set(output.get("data", {}))
                    if mimes:
                        found.append(f"{page} cell {number}: a {sorted(mimes)} output")
        for where, text in page_texts(page):
            found += [f"{where}: loads {m.group(0)!r}" for m in LOADS_FROM_HOST.finditer(text)]
            found += [f"{where}: TeX math {m.group(0)!r}" for m in TEX_MATH.finditer(text)]
    assert found == [], found[:5]


def test_the_offline_checks_catch_what_the_render_showed():
    html_output = nbformat.v4.new_output("execute_result", data={"text/html": "<table>"})
    assert NETWORK_MIME_TYPES & set(html_output["data"])
    assert LOADS_FROM_HOST.search('<script src="https://cdnjs.cloudflare.com/require.min.js">')
    assert LOADS_FROM_HOST.search('@import url("https://fonts.googleapis.com/css2?family=X")')
    assert not LOADS_FROM_HOST.search('<a href="https://towardsdatascience.com/">an essay</a>')
    assert TEX_MATH.search("a cost of $c_r$ per return") and not TEX_MATH.search("€5 and $5")


def test_the_theme_fetches_no_web_font():
    theme = yaml.safe_load((ROOT / "_quarto.yml").read_text())["format"]["html"]["theme"]
    themes = theme if isinstance(theme, list) else [theme]
    sheets = [ROOT / t for t in themes if t.endswith(".scss")]
    assert sheets, f"theme {theme}: a Bootswatch theme imports Google Fonts unless told not to"
    defaults = "".join(s.read_text().split("/*-- scss:rules --*/")[0] for s in sheets)
    assert re.search(r"^\$web-font-path:\s*false\s*;", defaults, re.MULTILINE), sheets
