"""`emodash` command line: the same library calls as the pages.

Each command family lives in its own module with a `register(subparsers)` that adds its parsers and sets `func`.
"""

from __future__ import annotations

import argparse
import os
import sys

from emodash.cli import accel, analyze, calibrate, catalogue, compare, data, pose, predict, train
from emodash.core.errors import InputError, missing_part

COMMANDS = (predict, analyze, calibrate, train, data, accel, compare, catalogue, pose)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="emodash", description="Emotion recognition research and live demos.")
    sub = p.add_subparsers(dest="command", required=True)
    for module in COMMANDS:
        module.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command; a user error (bad file or value, a path that cannot be read or written, a bad setting, a
    missing optional part) is one `emodash: error:` line and exit code 2, and so is anything unexpected."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (InputError, ValueError, OverflowError) as exc:
        print(f"emodash: error: {exc}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as exc:  # an optional part that is not installed: say which extra brings it
        print(f"emodash: error: {missing_part(exc.name)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (`emodash ... | head`): stop quietly, as other tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # a file that cannot be read or written: missing, a folder, no permission, disk full
        print(f"emodash: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # the boundary: one line, never a traceback (EMODASH_DEBUG=1 shows it)
        if os.environ.get("EMODASH_DEBUG"):
            raise
        print(f"emodash: error: unexpected {type(exc).__name__} ({str(exc)[:300]}); please report it", file=sys.stderr)
        return 2
