"""``pocmvp send-due``: the plant's monthly report sent on the first of the month, once.

Run it daily (cron or a systemd timer; the README gives both lines). The sending, the sent
log and the lock are :mod:`pocmvp.toolkit.send_due`; this module picks what a month's report
is: the toolkit's report of ``--data`` with the approved ``--rule`` file, or, without
``--data``, the generated plant's report (:mod:`pocmvp.case.report`) with, for each month,
the rule in force then (``live_from`` in ``case/rules/*.json``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import sys
from collections.abc import Callable
from pathlib import Path

PROGRAM = "pocmvp send-due"


def _fail(message: object, code: int) -> int:
    print(f"{PROGRAM}: {' '.join(str(message).split())}", file=sys.stderr)
    return code


def _plant_reports(args, folder: Path, recipients: list[str]) -> tuple[str, Callable]:
    """The first month a plant rule was live, and the plant's report of a month."""
    from pocmvp.case import factory, iteration
    from pocmvp.case import report as plant_report

    seed = factory.DEFAULT_SEED if args.seed is None else args.seed
    if seed < 0:
        raise ValueError(f"the seed must be a whole number >= 0, got {seed}")
    fixed = None if args.rule is None else plant_report.rule_file(args.rule)
    if fixed is not None and fixed.live_from is None:
        raise ValueError(f"the rule file {args.rule} says no live_from: when did it go live?")
    first = (fixed.live_from if fixed else iteration.RELEASES[0].live_from).strftime("%Y-%m")
    shift_log = functools.cache(
        lambda: factory.generate_plant(factory.parts_for(args.fast), seed=seed).shift_log
    )

    def make(month: str):
        version = args.rule or iteration.version_in_force(f"{month}-01")
        chosen = fixed.rule if fixed else iteration.rule_file(version).rule
        name = Path(version).stem
        return plant_report.run_report(
            shift_log(), month, chosen, folder / month, rule_version=name,
            recipients=recipients, seed=seed,
        )  # fmt: skip

    return first, make


def _table_reports(args, folder: Path, recipients: list[str]) -> tuple[str, Callable]:
    """The first month of the approved rule file, and the toolkit's report of a month."""
    from pocmvp.toolkit import report

    if args.fast or args.seed is not None:
        raise ValueError("--seed and --fast are for the generated plant (no --data)")
    if args.rule is None:
        raise ValueError("--data needs --rule, the approved rule.json")
    approved = report.load_rule(args.rule)
    if approved.live_from is None:
        raise ValueError(f"the rule file {args.rule} says no live_from: when did it go live?")
    if approved.time is None:
        raise ValueError(f"the rule file {args.rule} names no time column")
    table = functools.cache(
        lambda: report.parse_times(
            report.read_table(args.data), approved.time, Path(args.data).name
        )
    )

    def make(month: str):
        return report.run_report(
            table(), month, approved, folder / month, rule_version=report.rule_name(args.rule),
            recipients=recipients,
        )  # fmt: skip

    return f"{approved.live_from:%Y-%m}", make


def run(args: argparse.Namespace) -> int:
    """Send every finished month not yet in the sent log; one line per month sent."""
    from pocmvp.toolkit import delivery, report, send_due

    host, port = args.smtp
    recipients = args.to or list(report.DEFAULT_RECIPIENTS)
    state = Path(args.state)
    try:
        today = dt.date.today() if args.today is None else send_due.parse_day(args.today)
        report.check_recipients(recipients)
        maker = _table_reports if args.data else _plant_reports
        first, make = maker(args, state / "reports", recipients)
        outcome = send_due.send_due(
            state, today, first, make, lambda message: delivery.send_email(message, host, port)
        )
    except (ValueError, OSError) as error:  # a bad option, rule file, table or state folder
        return _fail(error, 2)
    for done in outcome.sent:
        print(
            f"sent the {done.month} report (rule {done.rule_version}) to "
            f"{', '.join(a.addr_spec for a in done.message['To'].addresses)} through {host}:{port}"
        )
        if done.refused:
            _fail(f"the SMTP server refused {', '.join(done.refused)} for {done.month}", 1)
    if outcome.error:
        return _fail(
            f"could not send the {outcome.failed_month} report through {host}:{port} "
            f"({outcome.error}); it is not in the sent log and goes out on the next run",
            1,
        )
    if not outcome.due:
        print(f"nothing to send on {today}: every finished month is in {state / 'sent.json'}")
    return 0 if outcome.ok else 1


def register(commands) -> None:
    """Add ``send-due`` to the ``pocmvp`` subcommands."""
    from pocmvp.case.report_command import smtp_address  # one reading of --smtp, one message

    sd = commands.add_parser(
        "send-due",
        help="send every finished month's report not sent yet (run it daily)",
        description="Send, through --smtp, the report of every finished month since the "
        "rule went live that the sent log in --state does not hold: on the first of a month, "
        "the month before. A month is sent once; missed months are caught up; a failed send "
        "is reported, stays out of the log and goes out on the next run. Without --data, the "
        "generated plant with the rule in force each month. Exit code 1: a send failed; 2: "
        "unusable options.",
    )
    sd.add_argument("--state", required=True, help="the folder of the sent log and the reports")
    sd.add_argument("--today", help="the day to act as, YYYY-MM-DD (default: today)")
    sd.add_argument("--data", help="the table, .csv, .parquet or .xlsx (default: the plant)")
    sd.add_argument(
        "--rule", help="the approved rule.json (default for the plant: the rule in force)"
    )
    sd.add_argument("--fast", action="store_true", help="a quarter of the parts (the plant)")
    sd.add_argument("--seed", type=int, help="the generated plant's seed, >= 0 (default 2026)")
    sd.add_argument(
        "--smtp", required=True, type=smtp_address, help="the relay, HOST:PORT or [IPv6]:PORT"
    )
    sd.add_argument(
        "--to", action="append", metavar="ADDRESS", help="a recipient (repeat for more)"
    )
    sd.set_defaults(handler=run)

    def one_line_error(message: str) -> None:
        sys.exit(_fail(message, 2))

    sd.error = one_line_error
