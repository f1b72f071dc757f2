"""`pocmvp report --data TABLE --rule rule.json`: any table, the approved rule, bad input."""

import email
import json
from email import policy

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from pocmvp import cli
from pocmvp.case import report_command
from pocmvp.toolkit import output, report, rulefile
from pocmvp.toolkit.rule import Rule

MONTH = "2025-10"


def orders(n: int = 3000, seed: int = 1) -> pd.DataFrame:
    """A table that is not the plant: orders, their amount, and whether they were fraud."""
    rng = np.random.default_rng(seed)
    created = pd.date_range("2025-09-01", "2025-11-30 23:00", periods=n)
    amount = rng.gamma(2.0, 50.0, n).round(2)
    fraud = rng.random(n) < 0.02 + 0.2 * (amount > 300)
    return pd.DataFrame(
        {
            "order_id": [f"o{i:05d}" for i in range(n)],
            "created": created.strftime("%Y-%m-%d %H:%M:%S"),
            "amount": amount.astype(object),
            "fraud": fraud,
        }
    )


def write_rule(folder, **changes):
    fields = {"capacity": 0.05, "target": "fraud", "id": "order_id", "time": "created"}
    approved = rulefile.RuleFile(rule=Rule.of(("amount", ">", 250.0)), **{**fields, **changes})
    return approved.save(folder / "rule.json")


@pytest.fixture
def table(tmp_path):
    frame = orders()
    october = np.flatnonzero(frame["created"].str.startswith(MONTH))
    # 60 entry errors in October: more than any list that stops at 50.
    for k in october[:60]:
        frame.loc[k, "amount"] = '=HYPERLINK("http://x")' if k % 2 else "hot"
    path = tmp_path / "orders.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def no_stray_kernels(tmp_path, monkeypatch):
    """Kernels named python3 and pocmvp that do not work: the report must not need them."""
    for name in ("python3", "pocmvp"):
        spec = tmp_path / "jupyter" / "kernels" / name
        spec.mkdir(parents=True)
        kernel = {"argv": ["/bin/false", "{connection_file}"], "display_name": name}
        (spec / "kernel.json").write_text(json.dumps(kernel))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))


@pytest.mark.timeout(300)
def test_any_table_is_reported_with_every_rejected_row(
    table, tmp_path, monkeypatch, capfd, no_stray_kernels
):
    rule_path = write_rule(tmp_path)
    work = tmp_path / "here"
    work.mkdir()
    monkeypatch.chdir(work)
    arguments = ["report", "--data", str(table), "--rule", str(rule_path), "--month", MONTH]
    assert cli.main(arguments) == 0
    captured = capfd.readouterr()
    assert captured.err == "", "nothing on stderr, not even the kernel's warnings"
    folder = work / "reports" / MONTH
    assert f"to {folder}" in captured.out
    assert not list(work.glob("reports/.*")), "the partial folder is moved into place"
    figures = json.loads((folder / f"figures-{MONTH}-rule.json").read_text())
    assert figures["rejected"] == 60 == len(figures["rejected_rows"])
    assert figures["rows"] == figures["flagged"] + figures["passed"] + figures["rejected"]
    frame = pd.read_csv(table)
    in_month = frame[frame["created"].str.startswith(MONTH)]
    assert figures["rows"] == len(in_month)
    kept = in_month[pd.to_numeric(in_month["amount"], errors="coerce").notna()]
    positives = int(kept["fraud"].sum())
    assert figures["positives"] == positives
    assert figures["catch_rate"] == pytest.approx(figures["caught"] / positives)
    assert figures["tested"] <= figures["capacity"] == int(0.05 * len(kept) + 1e-9)
    assert "status" not in figures, "a table's figures are final at once"
    assert "since_go_live" not in figures, "the value since go-live is the plant's"

    book = load_workbook(folder / f"quality-report-{MONTH}-rule.xlsx")
    rejected = list(book["Rejected"].iter_rows(min_row=2, values_only=True))
    assert len(rejected) == 60
    assert any(reason.startswith("not a number in amount: =HYPERLINK") for _, reason in rejected)
    assert all(cell.data_type != "f" for row in book["Rejected"].iter_rows() for cell in row)
    message = email.message_from_bytes(
        (folder / f"report-{MONTH}-rule.eml").read_bytes(), policy=policy.default
    )
    body = message.get_body(("plain",)).get_content()
    assert "60 rows were rejected" in body and "Rejected sheet" in body
    # A table's words: rows and the test, never the plant's parts; rule.json is "the rule".
    html = message.get_body(("html",)).get_content()
    assert message["Subject"] == "Report: October 2025 (the rule)"
    assert "The rule: Flag a row if" in body and "every flagged row." in body
    assert "rows were flagged for the test" in html
    for said in (body, html, message["Subject"]):
        assert "rule rule" not in said.lower() and " part" not in said and "X-ray" not in said

    # A folder this tool wrote is replaced; once the user adds a file, it is refused.
    assert output.written_files(folder) == sorted(report.file_names(MONTH, "rule").values())
    (folder / "my notes.txt").write_text("mine")
    assert cli.main(arguments) == 2
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "did not write (my notes.txt)" in err
    assert (folder / "my notes.txt").read_text() == "mine"
    assert sorted(p.name for p in work.glob("reports/*")) == [MONTH], "nothing left beside it"


def refuse(arguments, capsys, folder):
    assert cli.main([*arguments, "--output", str(folder)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pocmvp report: "), captured.err
    assert not folder.exists(), "nothing is written"
    return lines[0]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unreadable", "orders.csv: it holds binary data, not text"),
        ("no target", "'orders.csv' has no 'fraud' column (the rule file's target)"),
        ("outside", "2026-01 is outside the data: the rows cover 2025-09 to 2025-11"),
        ("newline", "the month must look like 2025-09 (YYYY-MM), got '2025-10\\n'"),
        ("bad rule", "cannot use the rule file"),
        ("no time", "the rule file 'rule.json' names no time column"),
        ("seed on a table", "--seed and --fast are for the generated plant"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(case, message, tmp_path, capsys):
    path = tmp_path / "orders.csv"
    frame = orders(300)
    if case == "unreadable":
        path.write_bytes(b"\xff\xfe\x00\x01 not a table \x00\xff")
    else:
        (frame.drop(columns="fraud") if case == "no target" else frame).to_csv(path, index=False)
    rule_path = write_rule(tmp_path, **({"time": None} if case == "no time" else {}))
    if case == "bad rule":
        rule_path.write_text("{not json")
    month = {"outside": "2026-01", "newline": "2025-10\n"}.get(case, MONTH)
    arguments = ["report", "--data", str(path), "--rule", str(rule_path), "--month", month]
    if case == "seed on a table":
        arguments += ["--seed", "3"]
    assert message in refuse(arguments, capsys, tmp_path / "out")


@pytest.mark.parametrize("kind", ["input inside", "users folder", "file", "dot", "proc"])
def test_an_output_it_must_not_write_is_one_line(kind, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    inside = tmp_path / "x"
    inside.mkdir()
    path = (inside if kind == "input inside" else tmp_path) / "orders.csv"
    orders(300).to_csv(path, index=False)
    rule_path = write_rule(tmp_path)
    out = {"input inside": "x", "users folder": "x", "file": "o_isfile", "dot": "."}
    (tmp_path / "o_isfile").write_text("mine")
    (inside / "notes.txt").write_text("mine")
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    arguments = ["report", "--data", str(path), "--rule", str(rule_path), "--month", MONTH]
    assert cli.main([*arguments, "--output", out.get(kind, "/proc/x")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("pocmvp report: "), err
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before, "nothing moved or written"


def test_a_negative_seed_is_refused(tmp_path, capsys):
    line = refuse(["report", "--month", MONTH, "--seed", "-1"], capsys, tmp_path / "out")
    assert line == "pocmvp report: the seed must be a whole number >= 0, got -1"


def test_usage_errors_are_one_line_too(tmp_path, capsys):
    with pytest.raises(SystemExit) as raised:
        cli.main(["report", "--month", MONTH, "--smtp", "::1:2525"])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "[IPv6]:PORT" in err


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("[::1]:2525", ("::1", 2525)),
        ("127.0.0.1:8025", ("127.0.0.1", 8025)),
        ("relay.plant.example:25", ("relay.plant.example", 25)),
    ],
)
def test_smtp_addresses_with_ipv6_hosts(text, address):
    assert report_command.smtp_address(text) == address


@pytest.mark.parametrize("text", ["localhost", "::1:2525", "[::1]", "host:0", "host:99999"])
def test_bad_smtp_addresses(text):
    with pytest.raises(Exception, match="HOST:PORT"):
        report_command.smtp_address(text)


def test_timezone_aware_and_day_first_dates():
    frame = pd.DataFrame(
        {
            "created": [
                "2025-10-31T23:30:00+02:00",  # local clock time: still October
                "2025-11-01T00:10:00Z",
                "31/10/2025 08:00",  # day first
                "01.11.2025",  # day first, dots
                "2025-10-05 06:00",
            ]
        }
    )
    parsed = report.parse_times(frame, "created", "t.csv")["created"]
    assert list(parsed.dt.strftime("%Y-%m-%d %H:%M")) == [
        "2025-10-31 23:30",
        "2025-11-01 00:10",
        "2025-10-31 08:00",
        "2025-11-01 00:00",
        "2025-10-05 06:00",
    ]
    with pytest.raises(report.ReportError, match=r"1 created value\(s\) that are not dates"):
        report.parse_times(pd.DataFrame({"created": ["2025-10-01", "13/31/2025"]}), "created", "t")


def test_the_month_must_be_exactly_yyyy_mm():
    assert report.check_month_format("2025-10") == "2025-10"
    for bad in ("2025-10\n", " 2025-10", "2025-1", "2025-10-01"):
        with pytest.raises(report.ReportError, match="must look like 2025-09"):
            report.check_month_format(bad)


def test_the_default_folder_is_under_the_current_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert report.default_output_dir(MONTH) == tmp_path / "reports" / MONTH


@pytest.mark.timeout(300)
def test_the_report_is_sent_to_an_ipv6_relay(tmp_path, capfd):
    import socket

    from aiosmtpd.controller import Controller
    from local_servers import Inbox

    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
            port = probe.getsockname()[1]
    except OSError as error:
        pytest.skip(f"this machine has no IPv6 loopback (::1): {error}")
    inbox = Inbox()
    controller = Controller(inbox, hostname="::1", port=port)
    controller.start()
    try:
        path = tmp_path / "orders.csv"
        orders(600).to_csv(path, index=False)
        arguments = ["report", "--data", str(path), "--rule", str(write_rule(tmp_path))]
        arguments += ["--month", MONTH, "--output", str(tmp_path / "out"), "--send"]
        arguments += ["--smtp", f"[::1]:{port}", "--to", "lead@shop.example"]
        assert cli.main(arguments) == 0
    finally:
        controller.stop()
    captured = capfd.readouterr()
    assert captured.err == ""
    assert f"through ::1:{port}" in captured.out
    (envelope,) = inbox.envelopes
    assert envelope.rcpt_tos == ["lead@shop.example"]


def test_a_rule_is_named_once():
    assert report.rule_called("v1") == "rule v1"
    assert report.rule_called("v2", capital=True) == "Rule v2"
    assert report.rule_called("rule") == "the rule"
    assert report.rule_called("rule", capital=True) == "The rule"
    assert report.rule_called("example_rule") == "example_rule"
    assert report.rule_called("Fraud-Rule-2025") == "Fraud-Rule-2025"
    assert report.rule_called("rulebook") == "rule rulebook"
