"""Helpers shared by the command modules: output lines and the data-root argument."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def emit(obj: dict, as_json: bool, human: str) -> None:
    """One result: a JSON object per line with --json, else the human line."""
    print(json.dumps(obj, ensure_ascii=False) if as_json else human, flush=True)


def top(scores: dict[str, float], n: int = 3) -> str:
    """The `n` highest scores as 'label 0.93, label 0.04'."""
    return ", ".join(f"{k} {v:.2f}" for k, v in sorted(scores.items(), key=lambda kv: -kv[1])[:n])


def add_data_arg(p: argparse.ArgumentParser) -> None:
    """`--data ROOT`, defaulting to $EMODASH_DATA at run time."""
    p.add_argument("--data", type=Path, default=None, help="data root (default: $EMODASH_DATA)")
