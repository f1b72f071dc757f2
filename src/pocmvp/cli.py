"""The ``pocmvp`` command: the workbook's tools, one subcommand each."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pocmvp import notebooks


def _notebooks(args: argparse.Namespace) -> int:
    paths: list[Path] = []
    for target in args.paths:
        target = Path(target)
        paths.extend(sorted(target.glob("*.ipynb")) if target.is_dir() else [target])
    for path in paths:
        print(f"executing {path} ...", flush=True)
        notebooks.execute(path, progress=False)
    return 0


def _exercises(args: argparse.Namespace) -> int:
    changed = notebooks.generate_exercises(check=args.check)
    if args.check:
        if changed:
            names = ", ".join(str(p.relative_to(notebooks.ROOT)) for p in changed)
            print(f"exercises/ differs from what solutions/ generates: {names}")
            print("Run 'make exercises' and commit the result.")
            return 1
        print("exercises/ matches solutions/.")
        return 0
    for path in changed:
        print(f"wrote {path.relative_to(notebooks.ROOT)}")
    return 0


def _bench(args: argparse.Namespace) -> int:
    from pocmvp import bench

    bench.run(Path(args.output), runs=args.runs, with_notebooks=not args.steps_only)
    print(f"wrote {args.output}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pocmvp", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("notebooks", help="execute notebooks and store their outputs")
    run.add_argument("paths", nargs="+", help="notebooks or folders of notebooks")
    run.set_defaults(handler=_notebooks)

    ex = commands.add_parser("exercises", help="generate exercises/ from solutions/")
    ex.add_argument("--check", action="store_true", help="only check, exit 1 on any difference")
    ex.set_defaults(handler=_exercises)

    bn = commands.add_parser("bench", help="time notebooks and heavy steps")
    bn.add_argument("--output", default="benchmarks/results.json")
    bn.add_argument("--runs", type=int, default=3)
    bn.add_argument("--steps-only", action="store_true", help="skip the notebook timings")
    bn.set_defaults(handler=_bench)

    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
