"""``pocmvp report``: one month's report, made by the report notebook, and sent if asked.

Without ``--data`` the notebook gets the plant's plug-in (:data:`PLANT_REPORT`) and the
plant's options; with ``--data``, the toolkit's report of the table. The logic is the
toolkit's pipeline (:mod:`pocmvp.toolkit.report`); this module checks the request, runs the
notebook into a partial folder moved into place once complete, and sends the email.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def smtp_address(text: str) -> tuple[str, int]:
    """HOST:PORT, or [IPv6]:PORT (e.g. [::1]:2525) as the host and the port (for argparse)."""
    from pocmvp.toolkit import report_inputs

    try:
        return report_inputs.parse_smtp_address(text)
    except report_inputs.ReportError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _fail(message: object, code: int) -> int:
    print(f"pocmvp report: {' '.join(str(message).split())}", file=sys.stderr)
    return code


PLANT_REPORT = "pocmvp.case.report:PlantReport"
"""The case's report plug-in: what ``pocmvp report`` passes the notebook without ``--data``."""


def _report_inputs(args: argparse.Namespace) -> tuple[str | None, str, str | None, dict]:
    """The data (absolute path or None for the plant), the rule (a version of the plant or an
    absolute path), the report plug-in, and its options."""
    from pocmvp.toolkit import report

    plant = args.data is None
    if not plant and (args.fast or args.seed is not None):
        raise report.ReportError("--seed and --fast are for the generated plant (no --data)")
    rule = args.rule
    if rule in ("v1", "v2"):
        if not plant:
            from pocmvp.case import iteration  # the case's approved files, read as any file

            rule = str(iteration.RULES_DIR / f"{rule}.json")
    else:
        rule = str(Path(rule).resolve())
    data = None if plant else str(Path(args.data).resolve())
    seed = 2026 if args.seed is None else args.seed
    options = {"seed": seed, "fast_mode": args.fast} if plant else {}
    return data, rule, (PLANT_REPORT if plant else None), options


def _report(args: argparse.Namespace) -> int:
    """Run the report notebook for one month; with --send, mail its email."""
    import email
    import smtplib
    from email import policy

    from pocmvp.toolkit import run_notebook

    run_notebook.without_iri_grammar()  # before papermill: 2 s less for every report
    from papermill.exceptions import PapermillExecutionError

    from pocmvp.toolkit import delivery, output, report

    recipients = args.to or list(report.DEFAULT_RECIPIENTS)
    try:
        data, rule, plugin, options = _report_inputs(args)
        folder = Path(args.output) if args.output else report.default_output_dir(args.month)
        inputs = [path for path in (data, rule) if path not in (None, "v1", "v2")]
        folder = output.check_folder(folder, inputs)
        # Checked here first, so a bad request fails in seconds, before a kernel starts.
        report.plugin_from(plugin, options).check(args.month, data, rule, recipients)
        name = report.rule_name(args.rule)
        names = report.file_names(args.month, name)
        # Written into a fresh folder beside the output, moved into place once complete
        # (a fixed name, so that the executed notebook is the same bytes from run to run).
        work = output.partial_folder(folder, f".{folder.name}-{name}.partial")
    except (report.ReportError, output.OutputError) as error:
        return _fail(error, 2)
    executed = work / names["notebook"]
    parameters = {
        "month": args.month,
        "data": data,
        "rule": rule,
        "recipients": recipients,
        "plugin": plugin,
        "options": options,
        "output_dir": str(work),
    }
    try:
        run_notebook.execute(report.notebook_path(), executed, parameters, cwd=work)
    except PapermillExecutionError as error:
        if error.ename == "ReportError":
            output.discard(work)
            return _fail(error.evalue, 2)
        return _fail(
            f"the report notebook failed ({error.ename}: {error.evalue}); see {executed}", 1
        )
    except BaseException:
        output.discard(work)
        raise
    try:
        output.finish(work, folder)
    except output.OutputError as error:
        output.discard(work)
        return _fail(error, 2)
    print(f"wrote the {args.month} report (rule {name}) to {folder}:")
    for kind in ("workbook", "email", "chart", "figures", "notebook"):
        print(f"  {names[kind]}")
    if not args.send:
        return 0
    host, port = args.smtp
    raw = (folder / names["email"]).read_bytes()
    message = email.message_from_bytes(raw, policy=policy.default)
    try:
        refused = delivery.send_email(message, host, port)
    except (OSError, smtplib.SMTPException) as error:
        return _fail(f"could not send the report through {host}:{port}: {error}", 1)
    if refused:
        return _fail(f"the SMTP server refused {', '.join(sorted(refused))}", 1)
    print(f"sent {names['email']} to {', '.join(recipients)} through {host}:{port}")
    rejected = json.loads((folder / names["figures"]).read_text(encoding="utf-8"))["rejected"]
    if rejected:
        print(f"  {rejected} rejected rows listed in {names['workbook']} (sheet Rejected)")
    return 0


def register(commands) -> argparse.ArgumentParser:
    """Add ``report`` to the ``pocmvp`` subcommands; returns its parser."""
    rp = commands.add_parser(
        "report",
        help="make one month's report (workbook, chart, email) and optionally send it",
        description="Report one month of a table with the approved rule (rule.json; never "
        "fitted again): rows, rejected rows, flags, tests within the capacity, positives "
        "found and the catch rate. Without --data, the generated plant, with its returns "
        "that arrive late (so far / final) and the value in EUR. The workbook, the email "
        "(.eml), the chart, the figures (JSON) and the executed notebook go into the output "
        "folder (default ./reports/YYYY-MM). Exit code 2, with one line on stderr and "
        "nothing written or sent: an unreadable file, a table without the rule's target or "
        "time column, a malformed month (YYYY-MM exactly) or one outside the data, a seed "
        "below 0, a bad address.",
    )
    rp.add_argument("--month", required=True, help="the month to report on, YYYY-MM")
    rp.add_argument("--data", help="the table, .csv, .parquet or .xlsx (default: the plant)")
    rp.add_argument(
        "--rule",
        default="v1",
        help="the approved rule.json, or v1 / v2: the plant's approved rules (default v1)",
    )
    rp.add_argument("--fast", action="store_true", help="a quarter of the parts (the plant)")
    rp.add_argument("--seed", type=int, help="the generated plant's seed, >= 0 (default 2026)")
    rp.add_argument("--output", help="output folder (default: ./reports/YYYY-MM)")
    rp.add_argument("--send", action="store_true", help="send the email through --smtp")
    rp.add_argument("--smtp", type=smtp_address, help="the SMTP relay, HOST:PORT or [IPv6]:PORT")
    rp.add_argument(
        "--to", action="append", metavar="ADDRESS", help="a recipient (repeat for more)"
    )
    rp.set_defaults(handler=_report)

    def one_line_error(message: str) -> None:
        _fail(message, 2)
        sys.exit(2)

    rp.error = one_line_error  # the report's usage errors are one line too
    return rp
