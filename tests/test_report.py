"""The monthly report: figures that add up, the files it writes, and `pocmvp report`."""

import email
import json
from email import policy
from pathlib import Path

import duckdb
import nbformat
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from pocmvp import cli
from pocmvp.case import factory, iteration, report, status_quo
from pocmvp.case import plant_rule as rule
from pocmvp.case import plant_workbook as workbook
from pocmvp.toolkit import spreadsheet_engine
from pocmvp.toolkit.formats import eur

MONTH = "2025-10"
CAPACITY = status_quo.ECONOMICS.inspection_capacity_share


@pytest.fixture(scope="module")
def csv_source(log, tmp_path_factory):
    path = tmp_path_factory.mktemp("sources") / "shift_log.csv"
    log.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def written(log, versions, tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    return report.run_report(log, MONTH, versions["v2"], folder, rule_version="v2")


def read_email(path):
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


# --- Sources ------------------------------------------------------------------------------


def test_the_generated_source_is_the_plant(log):
    pd.testing.assert_frame_equal(report.load_shift_log("generated", fast_mode=True), log)


def test_csv_parquet_and_xlsx_read_back_as_the_shift_log(log, csv_source, tmp_path):
    pd.testing.assert_frame_equal(report.load_shift_log(csv_source), log, check_dtype=False)
    parquet = tmp_path / "shift_log.parquet"
    with duckdb.connect() as connection:
        connection.register("shift_log", log)
        connection.execute(f"COPY shift_log TO '{parquet}' (FORMAT PARQUET)")
    pd.testing.assert_frame_equal(report.load_shift_log(parquet), log, check_dtype=False)
    small = log.head(150)
    small.to_excel(tmp_path / "shift_log.xlsx", index=False)
    pd.testing.assert_frame_equal(
        report.load_shift_log(tmp_path / "shift_log.xlsx"), small, check_dtype=False
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "missing.csv: no such file"),
        ("shift_log.txt", b"part_id\n", "expected a .csv, .csv.gz, .parquet or .xlsx file"),
        ("empty.csv", b"", "empty.csv: the file is empty"),
        ("binary.parquet", b"\x00\x01not parquet", "binary.parquet: "),
        ("broken.xlsx", b"PK\x03\x04 broken zip", "broken.xlsx: "),
        ("no_dates.csv", b"part_id,melt_temp_c\nP1,700\n", "has no 'cast_at' column"),
        (
            "bad_dates.csv",
            b"part_id,cast_at\nP1,2025-10-01 06:00\nP2,yesterday\n",
            "1 cast_at value(s) that are not dates (row 1: 'yesterday')",
        ),
    ],
)
def test_unreadable_sources_say_why_in_one_line(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(report.ReportError) as raised:
        report.load_shift_log(path)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


# --- Months and rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-01", "2026-01 is outside the data: the rows cover 2025-01 to 2025-12"),
        ("2024-12", "outside the data"),
        ("2025-13", "must look like 2025-09 (YYYY-MM)"),
        ("Oct 2025", "must look like"),
    ],
)
def test_months_outside_the_data_are_refused(log, month, message):
    with pytest.raises(report.ReportError, match=message.replace("(", r"\(").replace(")", r"\)")):
        report.check_month(log, month)


def test_a_month_without_production_is_refused(log):
    gap = log[factory.month_of(log) != MONTH]
    with pytest.raises(report.ReportError, match=f"no rows in {MONTH}"):
        report.check_month(gap, MONTH)
    assert report.check_month(log, MONTH) == MONTH
    with pytest.raises(report.ReportError, match="holds no rows"):
        report.check_month(log.head(0), MONTH)


def test_rule_versions_are_v1_and_its_night_revision(log, versions):
    history = factory.in_months(log, factory.TRAIN_MONTHS)
    assert versions["v1"] == rule.find_rule(history, factory.TARGET, CAPACITY).rule
    assert versions["v2"] == iteration.revise_for_night_shift(versions["v1"], history, CAPACITY)
    assert versions["v2"].scoped and not versions["v1"].scoped
    with pytest.raises(report.ReportError, match="must be one of v1, v2"):
        report.rule_file("v3")


def test_prepare_checks_everything_before_anything_is_written(log):
    shift_log, approved = report.prepare(MONTH, None, "v1", fast_mode=True)
    pd.testing.assert_frame_equal(shift_log, log)
    assert approved == iteration.rule_file("v1"), "the approved file, never fitted again"
    with pytest.raises(report.ReportError, match="not one email address"):
        report.prepare(MONTH, None, "v1", ["nobody"], fast_mode=True)
    with pytest.raises(report.ReportError, match="at least one recipient"):
        report.prepare(MONTH, None, "v1", [], fast_mode=True)
    with pytest.raises(report.ReportError, match="the rule must be one of v1, v2 or a rule.json"):
        report.prepare(MONTH, None, "v9", fast_mode=True)
    with pytest.raises(report.ReportError, match="the seed must be a whole number >= 0, got -1"):
        report.prepare(MONTH, None, "v1", seed=-1, fast_mode=True)


# --- The figures and the files ----------------------------------------------------------------


def test_every_row_of_the_month_is_accounted_for(written, log):
    figures = written.figures
    rows = int((factory.month_of(log) == MONTH).sum())
    assert figures["rows"] == rows
    assert figures["flagged"] + figures["passed"] + figures["rejected"] == rows
    assert sum(written.accounting.counts.values()) == rows
    assert figures["tested"] == figures["capacity"], "the X-ray cell runs its capacity"
    assert figures["overflow"] == max(0, figures["flagged"] - figures["capacity"])


def test_the_xray_results_are_known_at_once_and_the_shipped_defects_so_far(written, log):
    figures = written.figures
    assert figures["as_of"] == "2025-11-01" == str(report.report_morning(MONTH).date())
    parts = factory.in_months(log, (MONTH,))
    tested = rule.within_capacity(parts, written.rule.flag(parts))
    assert figures["caught"] == (tested & parts["defect"]).sum()
    assert figures["false_alarms"] == (tested & ~parts["defect"]).sum()
    shipped = int((~tested & parts["defect"]).sum())
    assert 0 < figures["shipped_so_far"] < shipped, "some returns, not all of them, are in"
    assert figures["status"] == report.SO_FAR
    assert figures["shipped_defects"] is None and figures["value_eur"] is None
    assert figures["catch_rate_so_far"] > figures["caught"] / (figures["caught"] + shipped)
    assert figures["final_on"] == "2025-12-01"


def test_a_later_morning_knows_the_final_figures(log, versions):
    later = report.month_figures(log, MONTH, versions["v2"], as_of="2026-03-01").figures
    assert later["status"] == report.FINAL
    value = iteration.value_captured(factory.in_months(log, (MONTH,)), versions["v2"])
    row = value.loc[MONTH]
    assert later["caught"] == row["caught"] and later["today_caught"] == row["today_caught"]
    assert later["value_eur"] == row["value_eur"]
    assert later["shipped_so_far"] == later["shipped_defects"]
    assert later["caught"] + later["shipped_defects"] == later["defects"]
    assert later["capacity"] == status_quo.ECONOMICS.capacity(later["rows"])


def test_the_next_report_states_the_month_before_final(log, versions):
    november = report.month_figures(log, "2025-11", versions["v1"]).figures
    earlier = {e["month"]: e for e in november["earlier_months"]}
    assert list(earlier) == ["2025-09", "2025-10"], "only months the rule was live"
    assert earlier["2025-10"]["status"] == report.FINAL
    october = report.month_figures(log, MONTH, versions["v1"]).figures
    assert earlier["2025-10"]["caught"] == october["caught"]
    assert earlier["2025-10"]["shipped_so_far"] > october["shipped_so_far"], "updated"
    assert november["last_final_month"] == "2025-10"


def test_earlier_months_show_the_rule_that_was_in_force(log, versions):
    december = report.month_figures(log, "2025-12", versions["v2"]).figures
    by_v1 = report.month_figures(log, "2025-11", versions["v1"], as_of="2026-01-01").figures
    earlier = {e["month"]: e for e in december["earlier_months"]}
    assert earlier["2025-11"]["caught"] == by_v1["caught"], "November was v1's"


def test_the_report_writes_its_files_with_names_only(written):
    assert set(written.files) == {"workbook", "email", "chart", "figures"}
    for kind in written.files:
        assert written.path(kind).is_file(), kind
    assert written.files["workbook"] == f"quality-report-{MONTH}-v2.xlsx"
    stored = json.loads(written.path("figures").read_text())
    assert stored["flagged"] == written.figures["flagged"]
    assert stored["rule_version"] == "v2" and stored["rule"] == written.rule.describe()
    assert str(written.folder) not in written.path("figures").read_text()
    assert written.path("chart").read_bytes() == written.chart.png


def test_the_workbook_holds_the_month_and_the_scoped_rule(written, log):
    data = spreadsheet_engine.read_sheet(written.path("workbook"))
    assert len(data) == written.figures["rows"]
    book = load_workbook(written.path("workbook"), read_only=True)
    formula = book[workbook.DATA_SHEET][f"{workbook.FLAG_COLUMN}2"].value
    book.close()
    assert formula == written.rule.excel_formula(2) and "EXACT(D2" in formula


def test_the_email_carries_the_workbook_byte_for_byte(written):
    sent = read_email(written.path("email"))
    assert sent["Subject"] == "Quality report: October 2025 (rule v2)"
    assert [a.addr_spec for a in sent["To"].addresses] == ["quality.lead@plant.example"]
    (attachment,) = sent.iter_attachments()
    assert attachment.get_filename() == written.files["workbook"]
    assert attachment.get_content() == written.path("workbook").read_bytes()
    text = sent.get_body(("plain",)).get_content()
    assert f"{written.figures['flagged']:,}" in text and "returned so far" in text
    assert "Value captured in September 2025 (final)" in text
    assert report.EARLIER_TITLE in text


def test_the_same_month_gives_the_same_figures(written, log, versions, tmp_path):
    again = report.run_report(log, MONTH, versions["v2"], tmp_path, rule_version="v2")
    assert again.path("figures").read_text() == written.path("figures").read_text()
    assert again.chart.png == written.chart.png


def test_flags_beyond_the_capacity_are_reported(log, tmp_path):
    greedy = rule.Rule.of(("melt_temp_c", ">", 690.0))
    result = report.run_report(log, MONTH, greedy, tmp_path, rule_version="v1")
    figures = result.figures
    assert figures["overflow"] == figures["flagged"] - figures["capacity"] > 0
    assert figures["tested"] == figures["capacity"]
    text = read_email(result.path("email")).get_body(("plain",)).get_content()
    assert f"ATTENTION: the rule flagged {figures['flagged']:,} parts" in text


def test_a_month_within_the_capacity_has_no_alert(written):
    assert report.overflow_alert({**written.figures, "overflow": 0}) is None


def test_entry_errors_are_rejected_counted_and_left_out_of_the_workbook(log, tmp_path):
    messy = log.copy()
    messy["melt_temp_c"] = messy["melt_temp_c"].astype(object)
    october = np.flatnonzero(factory.month_of(messy) == MONTH)
    messy.iloc[october[0], messy.columns.get_loc("melt_temp_c")] = "hot"
    messy.iloc[october[1], messy.columns.get_loc("part_id")] = messy["part_id"].iloc[october[2]]
    path = tmp_path / "messy.csv"
    messy.to_csv(path, index=False)
    shift_log = report.load_shift_log(path)
    chosen = rule.Rule.of(("melt_temp_c", ">", 707.2), ("die_temp_c", "<", 195.5))
    result = report.run_report(shift_log, MONTH, chosen, tmp_path / "out")
    figures = result.figures
    assert figures["rejected"] == 3
    assert figures["flagged"] + figures["passed"] + figures["rejected"] == figures["rows"]
    reasons = [r["reason"] for r in figures["rejected_rows"]]
    assert reasons[0] == "not a number in melt_temp_c: hot"
    assert sum(r.startswith("duplicated part id") for r in reasons) == 2
    kept = spreadsheet_engine.read_sheet(result.path("workbook"))
    assert len(kept) == figures["rows"] - 3 and "hot" not in set(kept["melt_temp_c"])
    text = read_email(result.path("email")).get_body(("plain",)).get_content()
    assert "3 rows were rejected" in text


def test_a_source_without_the_outcome_is_refused(log, versions, tmp_path):
    with pytest.raises(report.ReportError, match="boolean 'defect' column"):
        report.run_report(log.drop(columns="defect"), MONTH, versions["v1"], tmp_path)


def test_default_folder_and_markdown(monkeypatch, tmp_path, written):
    monkeypatch.chdir(tmp_path)
    assert report.default_output_dir(MONTH) == tmp_path / "reports" / MONTH
    table = report.figures_markdown(written.figures)
    assert table.startswith("| Figure | Value |") and "| Value captured in September" in table
    assert report.earlier_markdown(written.figures).startswith("| Month |")
    assert report.describe_source("generated", seed=7, fast_mode=True) == (
        "the generated plant (seed 7, 30,000 parts)"
    )
    assert report.describe_source("/some/folder/log.csv") == "the shift log log.csv"


# --- pocmvp report ----------------------------------------------------------------------------


def send_arguments(controller, folder) -> list[str]:
    return [
        "--output",
        str(folder),
        "--send",
        "--smtp",
        f"{controller.hostname}:{controller.port}",
        "--to",
        "quality.lead@plant.example",
    ]


@pytest.mark.timeout(300)
def test_cli_runs_the_notebook_and_sends_the_report(smtp_server, tmp_path, capsys):
    controller, inbox = smtp_server
    folder = tmp_path / "reports" / MONTH
    arguments = ["report", "--month", MONTH, "--rule", "v2", "--fast", "--seed", "7"]
    assert cli.main(arguments + send_arguments(controller, folder)) == 0
    out = capsys.readouterr().out
    assert f"sent report-{MONTH}-v2.eml to quality.lead@plant.example" in out

    (envelope,) = inbox.envelopes
    assert envelope.rcpt_tos == ["quality.lead@plant.example"]
    received = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert received["Subject"] == "Quality report: October 2025 (rule v2)"
    (attachment,) = received.iter_attachments()
    workbook_path = folder / f"quality-report-{MONTH}-v2.xlsx"
    assert attachment.get_filename() == workbook_path.name
    assert attachment.get_content() == workbook_path.read_bytes(), "byte for byte"

    executed = nbformat.read(folder / f"monthly_report-{MONTH}-v2.ipynb", as_version=4)
    assert "papermill" not in executed.metadata
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    injected = next(
        c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])
    )
    assert '"seed": 7' in injected.source and 'rule = "v2"' in injected.source
    figures = json.loads((folder / f"figures-{MONTH}-v2.json").read_text())
    assert figures["rows"] == figures["flagged"] + figures["passed"] + figures["rejected"]


@pytest.fixture(scope="module")
def gap_source(log, tmp_path_factory):
    """The shift log without any part cast in October (a shutdown)."""
    path = tmp_path_factory.mktemp("gap") / "without_october.csv"
    log[factory.month_of(log) != MONTH].to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no production", f"pocmvp report: no rows in {MONTH}"),
        ("outside the data", "pocmvp report: 2026-02 is outside the data"),
        ("unreadable", "garbage.csv: it holds binary data, not text"),
        ("missing file", ": no such file"),
        ("bad recipient", "'not-an-address' is not one email address"),
    ],
)
def test_cli_refuses_with_one_line_exit_2_and_sends_nothing(
    case, message, gap_source, smtp_server, tmp_path, capsys
):
    controller, inbox = smtp_server
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\xff\xfe\x00\x01 this is not a shift log \x00")
    month, source = {
        "no production": (MONTH, gap_source),
        "outside the data": ("2026-02", None),
        "unreadable": (MONTH, garbage),
        "missing file": (MONTH, tmp_path / "nowhere.csv"),
        "bad recipient": (MONTH, None),
    }[case]
    folder = tmp_path / "out"
    arguments = ["report", "--month", month]
    arguments += ["--fast"] if source is None else ["--data", str(source)]
    arguments += send_arguments(controller, folder)
    if case == "bad recipient":
        arguments += ["--to", "not-an-address"]
    assert cli.main(arguments) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pocmvp report: "), captured.err
    assert message in lines[0]
    assert inbox.envelopes == [], "nothing is sent"
    assert not folder.exists(), "nothing is written"


@pytest.mark.timeout(300)
def test_a_refusal_inside_the_notebook_is_exit_2_too(monkeypatch, smtp_server, tmp_path, capsys):
    """Should a check only fail in the notebook's kernel, the one-line message still wins."""
    controller, inbox = smtp_server
    monkeypatch.setattr(report, "prepare", lambda *args, **kwargs: None)
    arguments = ["report", "--month", "2026-02", "--fast"]
    assert cli.main(arguments + send_arguments(controller, tmp_path / "out")) == 2
    err = capsys.readouterr().err.strip()
    assert err == "pocmvp report: 2026-02 is outside the data: the rows cover 2025-01 to 2025-12"
    assert inbox.envelopes == []


def test_cli_argument_errors(capsys):
    with pytest.raises(SystemExit) as raised:
        cli.main(["report", "--month", MONTH, "--send"])
    assert raised.value.code == 2 and "--send needs --smtp" in capsys.readouterr().err
    with pytest.raises(SystemExit) as raised:
        cli.main(["report", "--month", MONTH, "--smtp", "localhost"])
    assert raised.value.code == 2 and "HOST:PORT" in capsys.readouterr().err
    assert cli.main(["report", "--month", MONTH, "--rule", "v3"]) == 2
    assert capsys.readouterr().err == (
        "pocmvp report: the rule must be one of v1, v2 or a rule.json file, got "
        f"{str(Path('v3').resolve())!r}\n"
    )


# --- Wins that are seen: the value since go-live, final months only ------------------------


def _final_by_hand(log, month: str, on: str) -> bool:
    """A month is final once its last part's longest return is booked by the monthly list
    (the first of the month after it arrives), or by the feed once it is live."""
    cast = log.loc[factory.month_of(log) == month, "cast_at"]
    arrived = cast.max().normalize() + pd.Timedelta(days=28)
    on_list = arrived.replace(day=1) + pd.offsets.MonthBegin(1)
    feed = pd.Timestamp("2025-12-08")
    booked = min(on_list, max(arrived, feed) + pd.Timedelta(days=1))
    return booked <= pd.Timestamp(on)


@pytest.mark.parametrize(
    ("month", "as_of"), [("2025-10", None), ("2025-11", None), ("2025-11", "2025-12-29")]
)
def test_the_value_since_go_live_counts_final_months_only(log, versions, month, as_of):
    figures = report.month_figures(log, month, versions["v1"], as_of=as_of, versions=versions)
    since = figures.figures["since_go_live"]
    on = figures.figures["as_of"]
    live = [m for m in factory.HELD_OUT_MONTHS if m <= month]
    by_hand = iteration.value_captured(factory.in_months(log, tuple(live)), versions["v1"])
    final = [m for m in live if _final_by_hand(log, m, on)]
    assert since["go_live"] == "2025-09-01"
    assert [m["month"] for m in since["months"]] == live
    assert since["final_months"] == final and since["not_final_months"] == [
        m for m in live if m not in final
    ]
    assert month in since["not_final_months"] or as_of is not None, "never its own month"
    assert since["total_eur"] == pytest.approx(by_hand.loc[final, "value_eur"].sum())
    assert since["total_eur"] > 0
    for item in since["months"]:
        counted = item["month"] in final
        assert (item["value_eur"] is not None) == counted, "a month not final is not counted"
        if counted:
            assert item["value_eur"] == pytest.approx(by_hand.loc[item["month"], "value_eur"])
            assert item["running_total_eur"] == pytest.approx(
                by_hand.loc[[m for m in final if m <= item["month"]], "value_eur"].sum()
            )


def test_a_month_final_later_joins_the_total_later(log, versions):
    first = report.month_figures(log, "2025-11", versions["v1"], versions=versions).figures
    later = report.month_figures(
        log, "2025-11", versions["v1"], as_of="2026-01-01", versions=versions
    ).figures
    assert "2025-11" in first["since_go_live"]["not_final_months"]
    assert first["final_on"] == "2026-01-01", "on 1 December the feed is not live: the list"
    assert later["status"] == report.FINAL and later["final_on"] < "2026-01-01"
    added = later["since_go_live"]["total_eur"] - first["since_go_live"]["total_eur"]
    assert added == pytest.approx(later["value_eur"])


def test_a_month_before_go_live_states_no_value_since_go_live(log, versions):
    figures = report.month_figures(log, "2025-06", versions["v1"], versions=versions).figures
    assert figures["since_go_live"] is None


def test_the_email_ends_with_the_total_to_forward_and_asks_for_feedback(written):
    since = written.figures["since_go_live"]
    total = eur(since["total_eur"])
    text = written.message.get_body(("plain",)).get_content()
    page = written.message.get_body(("html",)).get_content()
    forward = report.forward_paragraph(written.figures)
    assert total in forward
    assert report.WINS_TITLE in text and report.WINS_TITLE in page
    assert text.rstrip().endswith(report.FEEDBACK_ASK), "the ask is the last line"
    assert forward in text and "plant manager" in forward
    assert "every-n-th-part sample" in forward
    for month in since["not_final_months"]:
        assert "not counted" in forward and month in text
    assert page.index(report.FEEDBACK_ASK) > page.index("is attached")
