"""Make the notebooks read well in JupyterLab and on the site, with no instructor notes in them.

Run it from the workbook folder with the workbook's Python, then regenerate the exercises:

    .venv/bin/python tools/learner_notebooks.py
    .venv/bin/pocmvp exercises

It only edits markdown and raw cells (never code cells or their outputs), and it is
idempotent: a second run changes nothing, and a run after someone else's notebook changes
only converts what still needs converting. What it does:

1. The raw YAML cell that opened each notebook (chapters, solutions, the report notebook)
   becomes a markdown cell: the title as a level-1 heading, which Quarto takes as the page
   title and JupyterLab shows as a title, and the subtitle, if any, as an italic line.
2. Quarto callouts (``::: {.callout-... title="..."}``), which JupyterLab shows as raw
   text, become level-2 headings with the same title and body: "Learning objectives" and
   "Key points" read the same in both places.
3. Each chapter's teaching notes (the ``::: {.content-visible when-profile="instructor"}``
   block) move, word for word, to ``instructor/NN_topic.qmd``, a page that only the
   instructor edition of the site renders, next to its chapter.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import yaml

from pocmvp.machinery import notebooks

ROOT = Path(__file__).resolve().parents[1]  # the checkout this script is in

NOTES = re.compile(
    r'::: \{\.content-visible when-profile="instructor"\}\n'
    r"(?P<note>::: \{\.callout-tip[^\n]*\}\n.*?\n:::)\n"
    r":::\n*",
    re.DOTALL,
)
CALLOUT = re.compile(
    r'^::: \{\.callout-\w+ title="(?P<title>[^"]+)"\}\n(?P<body>.*?)\n:::$',
    re.DOTALL | re.MULTILINE,
)


def title_cell(cell: nbformat.NotebookNode) -> bool:
    """Turn a raw YAML front-matter cell into a markdown title; True if it changed."""
    if cell.cell_type != "raw" or not cell.source.startswith("---\n"):
        return False
    front = yaml.safe_load(cell.source.strip().strip("-"))
    if dropped := sorted(set(front) - {"title", "subtitle"}):
        sys.exit(f"front matter with more than a title and subtitle ({dropped}): convert by hand")
    lines = [f"# {front['title']}"]
    if front.get("subtitle"):
        lines += ["", f"*{front['subtitle']}*"]
    cell.cell_type = "markdown"
    cell.source = "\n".join(lines)
    for key in ("format", "raw_mimetype"):
        cell.metadata.pop(key, None)
    return True


def callouts_to_headings(text: str) -> str:
    return CALLOUT.sub(lambda m: f"## {m['title']}\n\n{m['body']}", text)


def notes_page(chapter: Path, title: str, note: str) -> str:
    link = Path("..") / chapter.relative_to(ROOT)
    return (
        f'---\ntitle: "Teaching notes: {title}"\n---\n\n'
        f"{note}\n\n"
        f"The chapter: [{title}]({link.as_posix()}).\n"
    )


def notebook_title(notebook: nbformat.NotebookNode) -> str:
    first = notebook.cells[0].source
    if first.startswith("# "):
        return first.splitlines()[0][2:].strip()
    return yaml.safe_load(first.strip().strip("-"))["title"]


def convert(path: Path, *, chapter: bool) -> list[str]:
    """Convert one notebook in place; return what changed, for the log."""
    notebook = nbformat.read(path, as_version=4)
    changes = []
    if title_cell(notebook.cells[0]):
        changes.append("title")
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        if chapter and (found := NOTES.search(cell.source)):
            target = notebooks.teaching_notes(path)
            page = notes_page(path, notebook_title(notebook), found["note"])
            if target.exists() and target.read_text(encoding="utf-8") != page:
                print(f"  replacing {target.relative_to(ROOT)} with the chapter's notes")
            target.parent.mkdir(exist_ok=True)
            target.write_text(page, encoding="utf-8")
            cell.source = NOTES.sub("", cell.source, count=1)
            changes.append(f"notes -> {target.relative_to(ROOT)}")
        converted = callouts_to_headings(cell.source)
        if converted != cell.source:
            cell.source = converted
            changes.append("callouts")
    if changes:
        notebooks.write(notebook, path)
    return changes


def main() -> int:
    targets = [(path, True) for path in notebooks.chapter_notebooks(ROOT)]
    targets += [(path, False) for path in notebooks.solution_notebooks(ROOT)]
    targets.append((ROOT / "src/pocmvp/toolkit/report_notebook/monthly_report.ipynb", False))
    for path, chapter in targets:
        changes = convert(path, chapter=chapter)
        print(f"{path.relative_to(ROOT)}: {', '.join(changes) if changes else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
