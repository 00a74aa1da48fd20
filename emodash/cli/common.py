"""Helpers shared by the command modules: output lines and the data-root argument."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Callable, Iterable, TypeVar

from emodash.core.errors import InputError

T = TypeVar("T")


def emit(obj: dict, as_json: bool, human: str) -> None:
    """One result: a JSON object per line with --json, else the human line."""
    print(json.dumps(obj, ensure_ascii=False) if as_json else human, flush=True)


def each_input(inputs: Iterable[T], score: Callable[[T], tuple[dict, str]], as_json: bool) -> int:
    """Print `score(input)` (a JSON object and a human line) for every input. An input that fails gets one error
    line, an unexpected failure too (named as such, never a traceback), and the other inputs still run; exit code
    1 if any failed."""
    failed = 0
    for item in inputs:
        try:
            obj, human = score(item)
        except (InputError, ValueError, OSError) as exc:
            message = str(exc) if not isinstance(exc, OSError) else f"{exc.filename or item}: {exc.strerror or exc}"
        except Exception as exc:  # the boundary: whatever else went wrong with this input, say so and go on
            message = f"unexpected {type(exc).__name__} ({str(exc)[:200]}); please report it"
        else:
            emit(obj, as_json, human)
            continue
        failed += 1
        emit({"input": str(item), "error": message}, as_json, f"error: {message}")
    return 1 if failed else 0


def top(scores: dict[str, float], n: int = 3) -> str:
    """The `n` highest scores as 'label 0.93, label 0.04'."""
    return ", ".join(f"{k} {v:.2f}" for k, v in sorted(scores.items(), key=lambda kv: -kv[1])[:n])


def add_data_arg(p: argparse.ArgumentParser) -> None:
    """`--data ROOT`, defaulting to $EMODASH_DATA at run time."""
    p.add_argument("--data", type=Path, default=None, help="data root (default: $EMODASH_DATA)")
