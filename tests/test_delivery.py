import email
import io
import struct
from email import policy

import matplotlib
import openpyxl
import pandas as pd
import pytest
from local_servers import Inbox, free_port

from pocmvp.case import status_quo
from pocmvp.case.report_words import WORDS as PLANT_WORDS
from pocmvp.toolkit import delivery

MONTH = "2025-11"
SENDER = "Quality report <report@plant.example>"
RECIPIENTS = ["Quality lead <quality.lead@plant.example>", "plant.manager@plant.example"]


@pytest.fixture(scope="module")
def monthly() -> pd.DataFrame:
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    return pd.DataFrame(
        {
            "flagged": [500 + 10 * i for i in range(12)],
            "caught": [100 + i for i in range(12)],
            "shipped_defects": [150 - i for i in range(12)],
        },
        index=pd.Index(months, name="month"),
    )


@pytest.fixture(scope="module")
def chart(monthly) -> delivery.Chart:
    return delivery.render_monthly_chart(monthly, MONTH)


@pytest.fixture
def workbook(tmp_path):
    """A real (small) .xlsx, as the rule's workbook will be."""
    path = tmp_path / "quality_2025-11.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["part_id", "send_to_xray"])
    book.active.append(["P25-000001", True])
    book.save(path)
    return path


def compose(chart, workbook, **changes):
    arguments = dict(
        month=MONTH,
        figures={"Parts": 10_155, "Defects caught": 85, "Catch rate": "41.5 %"},
        chart_png=chart.png,
        chart_alt=chart.alt,
        attachment=workbook,
        sender=SENDER,
        recipients=RECIPIENTS,
    )
    arguments.update(changes)
    return delivery.compose_report_email(**arguments)


def parts_of(message):
    return {part.get_content_type(): part for part in message.walk()}


# ----------------------------------------------------------------------------- the chart


def png_size(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png[16:24])


def test_chart_is_a_png_of_fixed_size(chart):
    assert chart.png.startswith(delivery.PNG_SIGNATURE)
    assert png_size(chart.png) == (640, 300)
    assert b"Software" not in chart.png and b"matplotlib" not in chart.png


def test_chart_is_the_same_bytes_whatever_the_caller_set(monthly, chart):
    with matplotlib.rc_context({"figure.dpi": 37, "lines.linewidth": 9, "font.size": 20}):
        again = delivery.render_monthly_chart(monthly, MONTH)
    assert again.png == chart.png
    assert matplotlib.rcParams["figure.dpi"] != 37, "the caller's settings are restored"


def test_chart_alt_text_states_the_month(chart, monthly):
    row = monthly.loc[MONTH]
    assert MONTH in chart.alt
    assert f"{row['flagged']} rows were flagged for the test" in chart.alt
    assert f"{row['caught']} positives were caught" in chart.alt
    assert f"{row['shipped_defects']} were missed" in chart.alt


def test_the_chart_speaks_the_words_a_case_passes(chart, monthly):
    """A table's chart says rows and positives; the plant's says parts, the X-ray test and
    defects shipped (its words, from the case), and only the words differ."""
    row = monthly.loc[MONTH]
    plant = delivery.render_monthly_chart(monthly, MONTH, words=PLANT_WORDS)
    assert f"{row['flagged']} parts were flagged for the X-ray test" in plant.alt
    assert f"{row['caught']} defects were caught" in plant.alt
    assert f"{row['shipped_defects']} were shipped" in plant.alt
    assert "part" not in chart.alt and "X-ray" not in chart.alt and "defect" not in chart.alt
    assert plant.png != chart.png


def test_chart_accepts_the_status_quo_table(shift_log):
    table = status_quo.monthly_outcome(shift_log, status_quo.every_nth_part(shift_log))
    chart = delivery.render_monthly_chart(table, "2025-12", flagged="tested", dpi=50)
    assert png_size(chart.png) == (320, 150)


def test_chart_refuses_missing_columns_and_months(monthly):
    with pytest.raises(ValueError, match="missing column"):
        delivery.render_monthly_chart(monthly.drop(columns="caught"), MONTH)
    with pytest.raises(ValueError, match="not in the monthly figures"):
        delivery.render_monthly_chart(monthly.drop(index=MONTH), MONTH)
    with pytest.raises(ValueError, match="YYYY-MM"):
        delivery.render_monthly_chart(monthly, "November")


# ----------------------------------------------------------------------------- the email


def test_structure_text_html_with_inline_chart_and_xlsx(chart, workbook):
    message = compose(chart, workbook)
    assert message.get_content_type() == "multipart/mixed"
    body, attachment = message.iter_parts()
    assert body.get_content_type() == "multipart/alternative"
    text, related = body.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html_part, image = related.iter_parts()
    assert html_part.get_content_type() == "text/html"
    assert image.get_content_type() == "image/png"
    assert image.get_content() == chart.png
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html_part.get_content()
    assert attachment.get_content_type() == "/".join(delivery.XLSX_MIME)
    assert attachment.get_content_type() == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert attachment.get_filename() == workbook.name
    assert attachment.get_content() == workbook.read_bytes()


def test_headers_and_default_subject(chart, workbook):
    message = compose(chart, workbook)
    assert message["Subject"] == "Quality report: November 2025"
    assert message["From"].addresses[0].addr_spec == "report@plant.example"
    to = [a.addr_spec for a in message["To"].addresses]
    assert to == ["quality.lead@plant.example", "plant.manager@plant.example"]
    assert message["X-Report-Month"] == MONTH
    assert message["Date"].datetime.isoformat() == "2025-12-01T06:00:00+00:00"
    assert message["Message-ID"].endswith("@plant.example>")


def test_custom_subject_single_recipient_and_duplicates(chart, workbook):
    message = compose(
        chart,
        workbook,
        subject="Rule v2 · November",
        recipients=["a@plant.example", "A <A@plant.example>"],
    )
    assert message["Subject"] == "Rule v2 · November"
    assert [a.addr_spec for a in message["To"].addresses] == ["a@plant.example"]
    single = compose(chart, workbook, recipients="lead@plant.example")
    assert [a.addr_spec for a in single["To"].addresses] == ["lead@plant.example"]


def test_bodies_carry_the_figures(chart, workbook):
    parts = parts_of(compose(chart, workbook, notes=["Rule v2 goes live on the 3rd."]))
    text = parts["text/plain"].get_content()
    html = parts["text/html"].get_content()
    for body in (text, html):
        assert "10,155" in body and "41.5 %" in body and "Defects caught" in body
        assert workbook.name in body and "Rule v2 goes live on the 3rd." in body
    assert "<table" in html and "<img" in html


def test_data_text_is_escaped_in_html(chart, workbook):
    hostile = '<script>alert("x")</script>'
    parts = parts_of(
        compose(
            chart,
            workbook,
            figures={hostile: "A&B <b>", "Supplier": "NordAlloy"},
            alert=f"catch rate fell {hostile}",
            notes=[hostile],
            chart_alt='a "quoted" alt',
        )
    )
    html = parts["text/html"].get_content()
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "A&amp;B &lt;b&gt;" in html
    assert 'alt="a &quot;quoted&quot; alt"' in html
    text = parts["text/plain"].get_content()
    assert hostile in text, "the plain text shows the data as it is"
    assert "ATTENTION: catch rate fell" in text


def test_dataframe_figures_become_a_table(chart, workbook):
    figures = pd.DataFrame(
        {"defects": [271, 257], "catch_rate": [0.4156, float("nan")], "alarm": [False, True]},
        index=pd.Index(["2025-09", "2025-10"], name="month"),
    )
    parts = parts_of(compose(chart, workbook, figures=figures))
    text = parts["text/plain"].get_content()
    assert text.splitlines()[2].split() == ["month", "defects", "catch_rate", "alarm"]
    assert "0.42" in text and "n/a" in text and "yes" in text
    assert "<th" in parts["text/html"].get_content()


def test_the_same_report_is_the_same_bytes(chart, workbook):
    assert compose(chart, workbook).as_bytes() == compose(chart, workbook).as_bytes()


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"recipients": []}, "recipients is empty"),
        ({"recipients": ["lead@plant.example", "not an address"]}, "'not an address'"),
        ({"recipients": ["lead@plant"]}, "lead@plant"),
        ({"recipients": ["a@plant.example, b@plant.example"]}, "not one email address"),
        ({"recipients": ["lead@plant.example\nBcc: x@evil.example"]}, "line breaks"),
        ({"sender": "reports"}, "sender 'reports'"),
        ({"subject": "Report\r\nBcc: x@evil.example"}, "subject must be one line"),
        ({"month": "2025-13"}, "YYYY-MM"),
        ({"chart_png": b"GIF89a..."}, "PNG"),
        ({"figures": [1, 2]}, "dict or a DataFrame"),
    ],
)
def test_bad_input_names_the_problem(chart, workbook, changes, problem):
    with pytest.raises(ValueError, match=problem.replace("(", r"\(")):
        compose(chart, workbook, **changes)


def test_missing_or_empty_attachment(chart, tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        compose(chart, tmp_path / "missing.xlsx")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="is empty"):
        compose(chart, empty)


def test_write_email_round_trips(chart, workbook, tmp_path):
    message = compose(chart, workbook)
    path = delivery.write_email(message, tmp_path / "outbox")
    assert path.name == f"report-{MONTH}.eml"
    raw = path.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n"), "CRLF line endings, as sent"
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == message["Subject"]
    attachment = next(parsed.iter_attachments())
    assert attachment.get_content() == workbook.read_bytes()


def test_write_email_names_other_messages_by_subject(tmp_path):
    message = email.message.EmailMessage()
    message["Subject"] = "Rule v2: night shift?"
    message.set_content("hello")
    assert delivery.write_email(message, tmp_path).name == "Rule-v2-night-shift.eml"


# ----------------------------------------------------------------------------- SMTP


def test_report_arrives_by_smtp_intact(smtp_server, chart, workbook):
    controller, handler = smtp_server
    message = compose(chart, workbook)
    refused = delivery.send_email(message, controller.hostname, controller.port, timeout=5)
    assert refused == {}
    (envelope,) = handler.envelopes
    assert envelope.mail_from == "report@plant.example"
    assert envelope.rcpt_tos == ["quality.lead@plant.example", "plant.manager@plant.example"]
    received = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert received["Subject"] == "Quality report: November 2025"
    parts = parts_of(received)
    assert "10,155" in parts["text/plain"].get_content()
    assert "10,155" in parts["text/html"].get_content()
    assert parts["image/png"].get_content() == chart.png
    (attachment,) = received.iter_attachments()
    assert attachment.get_filename() == workbook.name
    assert attachment.get_content_type() == "/".join(delivery.XLSX_MIME)
    assert attachment.get_content() == workbook.read_bytes(), "byte for byte"
    reopened = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
    assert reopened.active["A2"].value == "P25-000001"


def test_refused_recipients_are_reported(smtp_server, chart, workbook):
    controller, handler = smtp_server
    message = compose(chart, workbook, recipients=["lead@plant.example", Inbox.refused])
    refused = delivery.send_email(message, controller.hostname, controller.port, timeout=5)
    assert list(refused) == [Inbox.refused]
    assert handler.envelopes[0].rcpt_tos == ["lead@plant.example"]


def test_no_server_raises():
    with pytest.raises(OSError):
        delivery.send_email(email.message.EmailMessage(), "127.0.0.1", free_port(), timeout=2)


def test_a_so_far_chart_says_so(monthly):
    chart = delivery.render_monthly_chart(monthly, MONTH, shipped_so_far=True, words=PLANT_WORDS)
    row = monthly.loc[MONTH]
    assert f"{row['shipped_defects']} shipped defects had come back so far" in chart.alt
    assert chart.png != delivery.render_monthly_chart(monthly, MONTH, words=PLANT_WORDS).png


def test_more_tables_follow_the_notes(chart, workbook):
    earlier = pd.DataFrame({"shipped": ["120"], "status": ["final"]}, index=["2025-10"])
    earlier.index.name = "month"
    message = compose(chart, workbook, notes=["A note."], tables={"Earlier months": earlier})
    text = message.get_body(("plain",)).get_content()
    assert text.index("A note.") < text.index("Earlier months") < text.index("2025-10")
    html = message.get_body(("html",)).get_content()
    assert "<h3>Earlier months</h3>" in html and "final" in html


def test_day_names():
    assert delivery.day_name("2025-12-01") == "1 December 2025"
    assert delivery.day_name(pd.Timestamp("2026-01-21 06:00")) == "21 January 2026"


def test_the_email_names_the_flagged_rows_in_the_reports_words(chart, workbook):
    for words, noun in ((delivery.TABLE_WORDS, "row"), (PLANT_WORDS, "part")):
        parts = parts_of(compose(chart, workbook, chart_alt=None, words=words))
        for kind in ("text/plain", "text/html"):
            assert f"see every flagged {noun}." in parts[kind].get_content(), (noun, kind)
        html = parts["text/html"].get_content()
        assert f'alt="Chart of {words.rows} flagged, {words.positives} caught' in html
