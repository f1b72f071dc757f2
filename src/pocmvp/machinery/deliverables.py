"""What the chapters hand to readers: downloads beside the notebooks, and pictures of them.

* :func:`downloads_dir` is where a chapter writes the files a reader downloads from the site
  (the workbook, the email): ``downloads/`` beside the notebook, tracked, byte-identical from
  run to run. Runs that must not touch the tracked files (tests in fast mode or with other
  seeds) set ``POCMVP_DOWNLOADS_DIR``, as ``POCMVP_FIGURES_DIR`` does for figures.
* :func:`workbook_image` is the workbook's first sheet as LibreOffice prints it (its live
  formulas computed, the flagged rows highlighted by the sheet's own conditional format):
  LibreOffice prints to PDF, ``pdftoppm`` (poppler-utils) turns the first page into a PNG.
* :func:`email_image` is the email's HTML part as Chromium shows it, its inline chart in.

Both return a :class:`Rendered`: the PNG, or ``None`` with the reason when LibreOffice or
Chromium is missing, so a chapter says so in place of the picture. The PNGs are notebook
outputs, not tracked files: neither program promises the same bytes on every run.
"""

from __future__ import annotations

import base64
import concurrent.futures
import email
import email.policy
import hashlib
import html
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

DOWNLOADS_DIR_VARIABLE = "POCMVP_DOWNLOADS_DIR"
CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium headless on these machines (MACHINE-NOTES).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PDFTOPPM = "pdftoppm"
DPI = 110


@dataclass(frozen=True)
class Rendered:
    """A picture of a deliverable: ``png`` (bytes) or ``None`` and why not (``reason``)."""

    png: bytes | None
    reason: str
    path: Path | None = None

    def __bool__(self) -> bool:
        return self.png is not None


def downloads_dir() -> Path:
    """``$POCMVP_DOWNLOADS_DIR`` if set, else ``downloads/`` in the current working directory."""
    path = Path(os.environ.get(DOWNLOADS_DIR_VARIABLE, "downloads"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_download(data: bytes, name: str) -> Path:
    """Write ``data`` to ``downloads_dir()/name``, only if it changed; returns the path.

    It prints the file's fingerprint (:func:`fingerprint`) into the notebook's output, so the
    notebook test (nbval) checks that a fresh run writes the very bytes ``make notebooks``
    wrote and the site offers: a download that changed from run to run fails there.
    """
    if not name or Path(name).name != name:
        raise ValueError(f"name must be a plain file name, got {name!r}")
    path = downloads_dir() / name
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)
    print(fingerprint(name, data))
    return path


def fingerprint(name: str, data: bytes) -> str:
    """One line naming a download, its size and the start of its SHA-256."""
    return f"{name}: {len(data):,} bytes, sha256 {hashlib.sha256(data).hexdigest()[:16]}"


def libreoffice_missing() -> str | None:
    """Why LibreOffice cannot render here, or None when it can."""
    from pocmvp.toolkit import spreadsheet_engine

    if not spreadsheet_engine.libreoffice_available():
        return "LibreOffice (soffice) is not installed, so the workbook could not be rendered here"
    if not shutil.which(PDFTOPPM):
        return (
            "pdftoppm (Debian's poppler-utils) is not installed, so LibreOffice's print of "
            "the workbook could not become a picture here"
        )
    return None


def chromium_missing() -> str | None:
    """Why Chromium cannot render here, or None when it can."""
    if not shutil.which(CHROMIUM):
        return f"Chromium is not installed at {CHROMIUM}, so the email could not be rendered here"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed, so Chromium could not render the email here"
    return None


def workbook_image(
    xlsx: Path | str, png: Path | str, *, first_row: int = 2, rows: int = 25
) -> Rendered:
    """Rows ``first_row`` to ``first_row + rows - 1`` of the workbook's first sheet, under its
    header row, as LibreOffice prints them.

    The picture is of a copy whose print area is those rows (the header repeated on top),
    fitted to one page width; the workbook itself is not changed. LibreOffice computes the
    formulas on load, so the highlighted rows are the ones its own conditional format marks.
    The page's blank margins are cropped.
    """
    from openpyxl import load_workbook

    from pocmvp.toolkit import spreadsheet_engine

    if rows < 1:
        raise ValueError(f"rows must be at least 1, got {rows}")
    if first_row < 2:
        raise ValueError(f"first_row must be 2 or more (row 1 is the header), got {first_row}")
    reason = libreoffice_missing()
    if reason:
        return Rendered(None, reason)
    source, target = Path(xlsx), Path(png)
    if not source.is_file():
        raise FileNotFoundError(f"xlsx: no workbook at {source}")
    with tempfile.TemporaryDirectory(prefix="pocmvp-view-") as scratch:
        view = Path(scratch) / "view.xlsx"
        book = load_workbook(source)
        sheet = book.worksheets[0]
        book.active = 0
        last_column = sheet.cell(1, sheet.max_column).column_letter
        sheet.print_area = f"A{first_row}:{last_column}{first_row + rows - 1}"
        sheet.print_title_rows = "1:1"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        book.save(view)
        printed = spreadsheet_engine.convert(view, Path(scratch), "pdf:calc_pdf_Export")
        first_page = Path(scratch) / "page"
        subprocess.run(
            [PDFTOPPM, "-png", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile"]
            + [str(printed), str(first_page)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        data = _cropped(first_page.with_suffix(".png"))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    shown = f"rows {first_row} to {first_row + rows - 1} of {sheet.title!r} in {source.name}"
    return Rendered(data, shown, target)


def _cropped(png: Path, margin: int = 12) -> bytes:
    """The PNG without the page's blank margins (``margin`` pixels kept around the print)."""
    import io

    from PIL import Image, ImageOps

    with Image.open(png) as page:
        page = page.convert("RGB")
        box = ImageOps.invert(page).getbbox()
        if box:
            left, top, right, bottom = box
            page = page.crop(
                (
                    max(left - margin, 0),
                    max(top - margin, 0),
                    min(right + margin, page.width),
                    min(bottom + margin, page.height),
                )
            )
        out = io.BytesIO()
        page.save(out, format="PNG", optimize=False)
    return out.getvalue()


def html_with_inline_images(message: EmailMessage) -> str:
    """The HTML part of ``message`` with each ``cid:`` image as a data URI (for a browser)."""
    body = message.get_body(("html",))
    if body is None:
        raise ValueError("eml: the message has no HTML part")
    text = body.get_content()
    for part in message.walk():
        content_id = part.get("Content-ID")
        if content_id and part.get_content_maintype() == "image":
            data = base64.b64encode(part.get_content()).decode("ascii")
            uri = f"data:{part.get_content_type()};base64,{data}"
            text = text.replace(f"cid:{content_id.strip('<>')}", uri)
    return text


def read_email(eml: Path | str) -> EmailMessage:
    """An ``.eml`` file as a message (the stdlib's modern policy)."""
    with open(eml, "rb") as handle:
        return email.message_from_binary_file(handle, policy=email.policy.default)


def _screenshot(page_html: str, width: int) -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_FLAGS))
        try:
            page = browser.new_page(viewport={"width": width, "height": 600})
            page.set_content(page_html, wait_until="load")
            return page.screenshot(full_page=True, type="png")
        finally:
            browser.close()


def email_image(eml: Path | str, png: Path | str, *, width: int = 720) -> Rendered:
    """The email's HTML part, inline chart included, as headless Chromium shows it."""
    reason = chromium_missing()
    if reason:
        return Rendered(None, reason)
    source, target = Path(eml), Path(png)
    page_html = html_with_inline_images(read_email(source))
    # Playwright's sync API refuses to run inside an asyncio loop, which a Jupyter kernel
    # has: it runs in a thread of its own.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        data = pool.submit(_screenshot, page_html, width).result()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return Rendered(data, f"the HTML part of {source.name}", target)


def picture(rendered: Rendered, alt: str, caption: str):
    """The picture as a notebook shows it (Markdown: the PNG inline, its alt text, a caption),
    or, when it could not be made here, the reason in its place."""
    from pocmvp.machinery.display import say

    if not alt.strip() or not caption.strip():
        raise ValueError("a picture needs alt text and a caption")
    if not rendered:
        return say(f"*No picture here: {rendered.reason}.* It would show {alt[0].lower()}{alt[1:]}")
    data = base64.b64encode(rendered.png).decode("ascii")
    return say(
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
        f'style="max-width:100%">\n\n*{caption}*'
    )


_TAG = re.compile(r"<[^>]+>")


def describe_email(message: EmailMessage) -> str:
    """What the email's HTML part shows, read from it: for alt text."""
    page = message.get_body(("html",)).get_content()
    heading = re.search(r"<h2[^>]*>(.*?)</h2>", page, re.S)
    tables = re.findall(r"<table.*?</table>", page, re.S)
    rows = [len(re.findall(r"<tr", table)) - 1 for table in tables]  # less the header row
    images = re.findall(r'<img [^>]*alt="([^"]*)"', page)
    alert = re.search(r"<strong>Attention:</strong>(.*?)</p>", page, re.S)
    title = html.unescape(_TAG.sub("", heading.group(1))) if heading else message["Subject"]
    parts = [f"An email headed '{title}'"]
    if alert:
        parts.append(f"an attention line in red ({html.unescape(alert.group(1)).strip()})")
    if rows:
        counted = " and ".join(f"{n} row{'s' if n != 1 else ''}" for n in rows)
        parts.append(f"{len(rows)} table{'s' if len(rows) > 1 else ''} of figures ({counted})")
    parts += [f"a chart: {html.unescape(alt)}" for alt in images]
    closing = re.findall(r'<p class="closing">(.*?)</p>', page, re.S)
    if closing:
        said = " ".join(html.unescape(_TAG.sub("", p)).strip() for p in closing)
        parts[-1] = parts[-1].rstrip(".")
        parts.append(f"and it ends: {said}")
    said = ", ".join(parts).rstrip(".")
    return said if said.endswith(("?", "!")) else said + "."
