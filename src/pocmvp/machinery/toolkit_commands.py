"""The toolkit's commands, ``pocmvp rule`` and ``pocmvp report``: their handlers.

:func:`pocmvp.cli.main` parses the arguments; these turn them into the toolkit's calls, and
every refusal into one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _smtp_address(text: str) -> tuple[str, int]:
    """HOST:PORT, or [IPv6]:PORT (e.g. [::1]:2525) as the host and the port."""
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

    from papermill.exceptions import PapermillExecutionError

    from pocmvp.toolkit import delivery, output, report, run_notebook

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


def _rule_usage_error(message: str):
    """``pocmvp rule``'s usage errors: ONE line on stderr and exit code 2."""
    print(f"pocmvp rule: {' '.join(message.split())}", file=sys.stderr)
    raise SystemExit(2)


def _rule(args: argparse.Namespace) -> int:
    """Find a rule for any table and write rule.json, workbook.xlsx and rule.sql."""
    from pocmvp.toolkit import make_rule

    def listed(text: str | None) -> list[str] | None:
        return None if text is None else [c.strip() for c in text.split(",") if c.strip()]

    columns = listed(args.columns)
    try:
        made = make_rule.make_rule(
            args.data,
            args.target,
            args.capacity,
            columns=columns,
            id=args.id,
            time=args.time,
            history_until=args.history_until,
            output=args.output,
            leave_out=listed(args.leave_out),
            workbook_rows=args.workbook_rows,
            fill=args.fill_capacity,
        )
    except make_rule.RuleInputError as error:
        print(f"pocmvp rule: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
    for line in made.notes:
        print(line)
    print(made.sticky_note)
    print(
        f"catch rate {made.catch_rate:.1%} ({made.caught} of {made.positives} positives), "
        f"share flagged {made.flagged_share:.1%} ({made.flagged} of {made.accepted} rows; "
        f"{made.rejected} rejected)"
    )
    if made.later is not None and made.later[0]:
        rows, flagged, positives, caught = made.later
        rate = caught / positives if positives else 0.0
        print(
            f"after {args.history_until}: catch rate {rate:.1%} ({caught} of {positives}), "
            f"share flagged {flagged / rows:.1%} ({flagged} of {rows} rows)"
        )
    for line in made.lines[len(made.notes) :]:
        print(line)
    for line in make_rule.capacity_lines(made):
        print(line)
    print(f"wrote {', '.join(make_rule.FILES)} to {args.output}")
    if made.window is not None:
        print(f"  {made.window.note} (--workbook-rows all writes every row)")
    return 0
