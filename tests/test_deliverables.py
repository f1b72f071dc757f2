"""Pictures of the deliverables (LibreOffice, Chromium) and the downloads beside the notebooks."""

from __future__ import annotations

import io
import re
import shutil
from email.message import EmailMessage

import nbformat
import pytest
from PIL import Image

from pocmvp.case import plant_rule as rule
from pocmvp.case import plant_workbook as workbook
from pocmvp.machinery import deliverables
from pocmvp.toolkit import spreadsheet_engine


def needs_libreoffice():
    if deliverables.libreoffice_missing():
        pytest.skip(deliverables.libreoffice_missing())


def needs_chromium():
    if deliverables.chromium_missing():
        pytest.skip(deliverables.chromium_missing())


@pytest.fixture
def small_workbook(shift_log, tmp_path):
    """Ten parts of the fast plant, the fourth and fifth too hot for the rule."""
    parts = shift_log.head(10).copy()
    parts["melt_temp_c"] = [690.0, 691.0, 692.0, 720.0, 721.0, 693.0, 694.0, 695.0, 696.0, 697.0]
    hot = rule.Rule([rule.Condition("melt_temp_c", ">", 710.0)])
    return workbook.write_rule_workbook(parts, hot, tmp_path / "small.xlsx"), hot, parts


def orange_rows(png: bytes) -> int:
    """Pixel rows of the picture filled with the workbook's highlight colour."""
    colour = tuple(int(workbook.HIGHLIGHT[i : i + 2], 16) for i in (1, 3, 5))
    with Image.open(io.BytesIO(png)) as image:
        image = image.convert("RGB")
        column = [image.getpixel((image.width // 2, y)) for y in range(image.height)]
    return sum(all(abs(a - b) < 25 for a, b in zip(px, colour, strict=True)) for px in column)


def test_the_workbook_picture_highlights_the_flagged_rows_the_same_each_run(
    small_workbook, tmp_path
):
    needs_libreoffice()
    path, hot, shift_log = small_workbook
    everything = deliverables.workbook_image(path, tmp_path / "all.png", rows=10)
    assert everything and everything.png.startswith(deliverables.PNG_SIGNATURE)
    assert (tmp_path / "all.png").read_bytes() == everything.png
    assert "rows 2 to 11 of 'Shift log'" in everything.reason
    assert orange_rows(everything.png) > 0, "the two hot parts are highlighted"
    again = deliverables.workbook_image(path, tmp_path / "again.png", rows=10)
    assert again.png == everything.png, "the same picture from run to run"
    cold = deliverables.workbook_image(path, tmp_path / "cold.png", first_row=7, rows=5)
    assert cold and orange_rows(cold.png) == 0, "rows 7 to 11 hold no flagged part"
    assert hot.flag(shift_log).iloc[5:].sum() == 0


def test_the_workbook_picture_refuses_bad_rows(small_workbook, tmp_path):
    path, _, _ = small_workbook
    with pytest.raises(ValueError, match="rows"):
        deliverables.workbook_image(path, tmp_path / "x.png", rows=0)
    with pytest.raises(ValueError, match="first_row"):
        deliverables.workbook_image(path, tmp_path / "x.png", first_row=1)


def test_without_libreoffice_the_picture_is_none_with_a_reason(
    small_workbook, tmp_path, monkeypatch
):
    monkeypatch.setattr(spreadsheet_engine, "libreoffice_command", lambda: None)
    rendered = deliverables.workbook_image(small_workbook[0], tmp_path / "x.png")
    assert not rendered and rendered.png is None and "LibreOffice" in rendered.reason
    assert not (tmp_path / "x.png").exists()


def a_message() -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = "Quality report"
    message.set_content("plain text")
    message.add_alternative(
        '<html><body><h1>Report</h1><img src="cid:chart@x" alt="a chart"></body></html>',
        subtype="html",
    )
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (0, 114, 178)).save(buffer, format="PNG")
    message.get_payload()[1].add_related(
        buffer.getvalue(), maintype="image", subtype="png", cid="<chart@x>"
    )
    return message


def test_the_html_part_carries_its_inline_images():
    page = deliverables.html_with_inline_images(a_message())
    assert "cid:" not in page and 'src="data:image/png;base64,' in page


def test_a_message_without_html_is_refused():
    message = EmailMessage()
    message.set_content("plain only")
    with pytest.raises(ValueError, match="no HTML part"):
        deliverables.html_with_inline_images(message)


def test_the_email_picture_in_chromium(tmp_path):
    needs_chromium()
    eml = tmp_path / "m.eml"
    eml.write_bytes(a_message().as_bytes())
    rendered = deliverables.email_image(eml, tmp_path / "m.png")
    assert rendered and rendered.png.startswith(deliverables.PNG_SIGNATURE)
    with Image.open(io.BytesIO(rendered.png)) as image:
        colours = {image.convert("RGB").getpixel((x, y)) for x in range(60) for y in range(200)}
    assert (0, 114, 178) in colours, "the inline chart is shown"


def test_the_email_picture_inside_an_asyncio_loop_as_in_a_kernel(tmp_path):
    """A Jupyter kernel runs an asyncio loop, where Playwright's sync API refuses to start."""
    import asyncio

    needs_chromium()
    eml = tmp_path / "m.eml"
    eml.write_bytes(a_message().as_bytes())

    async def in_a_loop():
        return deliverables.email_image(eml, tmp_path / "m.png")

    assert asyncio.run(in_a_loop())


def test_without_chromium_the_email_picture_is_none_with_a_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    rendered = deliverables.email_image(tmp_path / "m.eml", tmp_path / "m.png")
    assert not rendered and "Chromium" in rendered.reason


def test_downloads_go_where_the_variable_says_and_are_rewritten_only_when_changed(
    tmp_path, monkeypatch
):
    monkeypatch.setenv(deliverables.DOWNLOADS_DIR_VARIABLE, str(tmp_path / "d"))
    path = deliverables.write_download(b"one", "a.bin")
    assert path == tmp_path / "d" / "a.bin" and path.read_bytes() == b"one"
    stamp = path.stat().st_mtime_ns
    deliverables.write_download(b"one", "a.bin")
    assert path.stat().st_mtime_ns == stamp
    deliverables.write_download(b"two", "a.bin")
    assert path.read_bytes() == b"two"
    with pytest.raises(ValueError, match="plain file name"):
        deliverables.write_download(b"x", "../a.bin")


def test_every_tracked_download_is_the_one_its_chapter_printed():
    """Each chapter prints the fingerprint of every download it writes. nbval compares that
    output with a fresh run's, so a download that changes from run to run fails there; this
    test ties the stored output to the tracked file the site serves."""
    from pocmvp.machinery import notebooks

    printed = {}
    for chapter in notebooks.chapter_notebooks():
        for cell in nbformat.read(chapter, as_version=4).cells:
            for output in cell.get("outputs", []):
                for line in output.get("text", "").splitlines():
                    if FINGERPRINT.fullmatch(line):
                        printed[line.split(":")[0]] = line
    tracked = sorted((notebooks.ROOT / "chapters" / "downloads").iterdir())
    assert {p.name for p in tracked} == printed.keys(), "each download printed once, and tracked"
    for path in tracked:
        assert printed[path.name] == deliverables.fingerprint(path.name, path.read_bytes()), (
            f"{path.name} is not what its chapter wrote: make notebooks"
        )


FINGERPRINT = re.compile(r"[\w.-]+: [\d,]+ bytes, sha256 [0-9a-f]{16}")


def test_the_email_is_described_from_its_html_part():
    said = deliverables.describe_email(a_message())
    assert said == "An email headed 'Quality report', a chart: a chart."


def test_a_picture_shows_the_png_with_its_alt_text_or_says_why_not():
    shown = deliverables.picture(
        deliverables.Rendered(b"\x89PNG", "ok"), alt='Rows "1" to 2', caption="The rows."
    )
    assert 'alt="Rows &quot;1&quot; to 2"' in shown.data and "*The rows.*" in shown.data
    missing = deliverables.picture(
        deliverables.Rendered(None, "LibreOffice is not installed"), alt="Rows", caption="c"
    )
    assert "No picture here: LibreOffice is not installed" in missing.data
    with pytest.raises(ValueError, match="alt text"):
        deliverables.picture(deliverables.Rendered(None, "x"), alt=" ", caption="c")


def test_the_emails_closing_paragraphs_are_in_its_description():
    message = EmailMessage()
    message["Subject"] = "Quality report"
    message.set_content("plain text")
    message.add_alternative(
        '<html><body><h2>Report</h2><p>Attached.</p><p class="closing">Forward &amp; go.</p>'
        '<p class="closing">One line back?</p></body></html>',
        subtype="html",
    )
    said = deliverables.describe_email(message)
    assert said == "An email headed 'Report', and it ends: Forward & go. One line back?"
