"""`pocmvp send-due`: each finished month sent once, on the first, through a real SMTP server.

The clock is ``--today``; the plant is the fast one; the server is aiosmtpd on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import email
import json
import threading
from email import policy

import pytest
from aiosmtpd.controller import Controller
from local_servers import Inbox, free_port

from pocmvp import cli
from pocmvp.case import factory, report
from pocmvp.toolkit import send_due


@pytest.fixture(autouse=True)
def plant_once(fast_plant, monkeypatch):
    """Each run builds the fast plant; the tests build it once (the same seed, the same plant)."""
    generate = factory.generate_plant

    def cached(n_parts=factory.DEFAULT_PARTS, seed=factory.DEFAULT_SEED):
        if (n_parts, seed) == (factory.FAST_PARTS, factory.DEFAULT_SEED):
            return fast_plant
        return generate(n_parts, seed)

    monkeypatch.setattr(factory, "generate_plant", cached)


def run(state, today, server, *more):
    controller, _ = server
    arguments = ["send-due", "--state", str(state), "--today", today, "--fast"]
    return cli.main([*arguments, "--smtp", f"127.0.0.1:{controller.port}", *more])


def months_received(inbox) -> list[str]:
    return [
        email.message_from_bytes(e.content, policy=policy.default)["X-Report-Month"]
        for e in inbox.envelopes
    ]


def logged(state) -> list[str]:
    return [entry["month"] for entry in json.loads((state / "sent.json").read_text())["sent"]]


def test_finished_months_start_on_the_first():
    assert send_due.finished_months("2025-09", dt.date(2025, 9, 30)) == []
    assert send_due.finished_months("2025-09", dt.date(2025, 10, 1)) == ["2025-09"]
    assert send_due.finished_months("2025-11", dt.date(2026, 2, 1)) == [
        "2025-11",
        "2025-12",
        "2026-01",
    ]


@pytest.mark.parametrize("text", ["2025-10-1", "2025-13-01", "2025-02-30", "2025-10-01\n"])
def test_a_malformed_day_is_refused(text):
    with pytest.raises(send_due.SendDueError):
        send_due.parse_day(text)


@pytest.mark.timeout(120)
def test_first_run_sends_the_finished_month_then_nothing(tmp_path, smtp_server, capsys):
    _, inbox = smtp_server
    assert run(tmp_path, "2025-09-30", smtp_server) == 0, "September is not over yet"
    assert inbox.envelopes == []
    assert run(tmp_path, "2025-10-01", smtp_server) == 0
    assert months_received(inbox) == ["2025-09"]
    assert logged(tmp_path) == ["2025-09"]
    sent = email.message_from_bytes(inbox.envelopes[0].content, policy=policy.default)
    (attachment,) = sent.iter_attachments()
    workbook = tmp_path / "reports" / "2025-09" / attachment.get_filename()
    assert attachment.get_content() == workbook.read_bytes(), "the workbook, byte for byte"
    log_before = (tmp_path / "sent.json").read_bytes()
    capsys.readouterr()
    assert run(tmp_path, "2025-10-02", smtp_server) == 0, "the second run sends nothing"
    assert months_received(inbox) == ["2025-09"]
    assert (tmp_path / "sent.json").read_bytes() == log_before
    assert "nothing to send" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "no partial log"


@pytest.mark.timeout(120)
def test_missed_months_are_caught_up_with_the_rule_in_force(tmp_path, smtp_server, capsys):
    _, inbox = smtp_server
    assert run(tmp_path, "2025-10-01", smtp_server) == 0
    # The computer was off through November: on 3 January, October, November and December.
    assert run(tmp_path, "2026-01-03", smtp_server) == 0
    assert months_received(inbox) == ["2025-09", "2025-10", "2025-11", "2025-12"]
    rules = {
        e["month"]: e["rule"] for e in json.loads((tmp_path / "sent.json").read_text())["sent"]
    }
    assert rules == {"2025-09": "v1", "2025-10": "v1", "2025-11": "v1", "2025-12": "v2"}
    printed = capsys.readouterr().out
    assert "sent the 2025-12 report (rule v2)" in printed
    # Each email states the value since go-live as known on its morning, final months only.
    received = [email.message_from_bytes(e.content, policy=policy.default) for e in inbox.envelopes]
    for message in received:
        month = message["X-Report-Month"]
        text = message.get_body(("plain",)).get_content()
        assert text.rstrip().endswith(report.FEEDBACK_ASK), f"{month}: asks for feedback last"
        figures = json.loads(
            next((tmp_path / "reports" / month).glob("figures-*.json")).read_text()
        )
        since = figures["since_go_live"]
        assert month in since["not_final_months"], f"{month}: its own month is not counted"
        finals = [m for m in since["months"] if m["month"] in since["final_months"]]
        assert since["total_eur"] == pytest.approx(sum(m["value_eur"] for m in finals))
        assert report.forward_paragraph(figures) in text
    totals = [
        json.loads(next((tmp_path / "reports" / m).glob("figures-*.json")).read_text())[
            "since_go_live"
        ]
        for m in months_received(inbox)
    ]
    assert [len(t["final_months"]) for t in totals] == [0, 1, 2, 3]
    assert totals[0]["total_eur"] == 0 < totals[1]["total_eur"] < totals[3]["total_eur"]


class FailsOnce(Inbox):
    """A server that refuses the first message with a temporary error, then accepts."""

    def __init__(self):
        super().__init__()
        self.failed = 0

    async def handle_DATA(self, server, session, envelope):
        if not self.failed:
            self.failed += 1
            return "451 4.3.0 try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.timeout(120)
def test_a_failed_send_goes_out_on_the_next_run(tmp_path, capsys):
    inbox = FailsOnce()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        server = (controller, inbox)
        assert run(tmp_path, "2025-11-01", server) == 1
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and "2025-09" in error and "next run" in error, error
        assert inbox.envelopes == [] and not (tmp_path / "sent.json").exists(), "log unchanged"
        assert run(tmp_path, "2025-11-02", server) == 0
        assert months_received(inbox) == ["2025-09", "2025-10"]
        assert logged(tmp_path) == ["2025-09", "2025-10"]
    finally:
        controller.stop()


@pytest.mark.timeout(120)
def test_a_server_that_is_down_leaves_the_log_as_it_was(tmp_path, smtp_server, capsys):
    assert run(tmp_path, "2025-10-01", smtp_server) == 0
    before = (tmp_path / "sent.json").read_bytes()
    down = ["send-due", "--state", str(tmp_path), "--today", "2025-11-01", "--fast"]
    assert cli.main([*down, "--smtp", f"127.0.0.1:{free_port()}"]) == 1
    assert "2025-10" in capsys.readouterr().err
    assert (tmp_path / "sent.json").read_bytes() == before


@pytest.mark.timeout(180)
def test_two_runs_at_once_send_each_month_once(tmp_path, smtp_server):
    _, inbox = smtp_server
    start = threading.Barrier(2)
    codes = []

    def one_run():
        start.wait()
        codes.append(run(tmp_path, "2025-11-01", smtp_server))

    runs = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join()
    assert codes == [0, 0]
    assert months_received(inbox) == ["2025-09", "2025-10"], "each month once"
    assert logged(tmp_path) == ["2025-09", "2025-10"]


def test_bad_options_are_one_line(tmp_path, smtp_server, capsys):
    assert run(tmp_path / "missing", "2025-10-01", smtp_server) == 2
    assert run(tmp_path, "2025-10-32", smtp_server) == 2
    (tmp_path / "sent.json").write_text("{not json")
    assert run(tmp_path, "2025-10-01", smtp_server) == 2
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 3 and all(e.startswith("pocmvp send-due: ") for e in errors), errors


@pytest.mark.timeout(120)
def test_any_table_is_sent_from_its_rule_files_live_month(tmp_path, smtp_server):
    import numpy as np
    import pandas as pd

    from pocmvp.toolkit import rulefile
    from pocmvp.toolkit.rule import Rule

    rng = np.random.default_rng(1)
    created = pd.date_range("2025-08-01", "2025-11-30 23:00", periods=2000)
    amount = rng.gamma(2.0, 50.0, len(created)).round(2)
    table = pd.DataFrame(
        {
            "order_id": [f"o{i:05d}" for i in range(len(created))],
            "created": created.strftime("%Y-%m-%d %H:%M:%S"),
            "amount": amount,
            "fraud": rng.random(len(created)) < 0.02 + 0.2 * (amount > 300),
        }
    )
    table.to_csv(tmp_path / "orders.csv", index=False)
    approved = rulefile.RuleFile(
        rule=Rule.of(("amount", ">", 250.0)),
        capacity=0.05,
        target="fraud",
        id="order_id",
        time="created",
        live_from=dt.date(2025, 9, 1),
    ).save(tmp_path / "rule.json")
    state = tmp_path / "state"
    state.mkdir()
    controller, inbox = smtp_server
    common = ["send-due", "--state", str(state), "--data", str(tmp_path / "orders.csv")]
    smtp = ["--rule", str(approved), "--smtp", f"127.0.0.1:{controller.port}"]
    assert cli.main([*common, *smtp, "--today", "2025-11-01"]) == 0
    assert months_received(inbox) == ["2025-09", "2025-10"], "from the month it went live"
    assert cli.main([*common, *smtp, "--today", "2025-11-15"]) == 0
    assert months_received(inbox) == ["2025-09", "2025-10"]
