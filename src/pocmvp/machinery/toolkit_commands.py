"""The toolkit's command ``pocmvp rule``: its handler (``pocmvp report``'s is in
:mod:`pocmvp.case.report_command`, which passes the plant's plug-in).

:func:`pocmvp.cli.main` parses the arguments; these turn them into the toolkit's calls, and
every refusal into one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import sys


def _rule_usage_error(message: str):
    """``pocmvp rule``'s usage errors: ONE line on stderr and exit code 2."""
    print(f"pocmvp rule: {' '.join(message.split())}", file=sys.stderr)
    raise SystemExit(2)


def _rule(args: argparse.Namespace) -> int:
    """Find a rule for any table and write rule.json, workbook.xlsx and rule.sql."""
    from pocmvp.toolkit import held_out, make_rule

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
            workbook_rows=args.workbook_rows or make_rule.WORKBOOK_ROWS,
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
    for line in held_out.capacity_lines(made.capacity_use, made.filled):
        print(line)
    print(f"wrote {', '.join(make_rule.FILES)} to {args.output}")
    if made.window is not None:
        print(f"  {made.window.note} (--workbook-rows all writes every row)")
    return 0
