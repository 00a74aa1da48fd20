"""Command-line start-up: a whole `emodash ...` process, from exec to exit (target: `--help` under 0.3 s)."""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np

from bench.timing import median_p95, table

COMMANDS = (
    ["--help"],
    ["data", "list"],
    ["models"],
)


def _process_ms(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "emodash", *args], capture_output=True, check=True)
    return (time.perf_counter() - start) * 1e3


def run(repeat: int = 15) -> str:
    rows = []
    for args in COMMANDS:
        _process_ms(args)  # warm the file cache
        ms = median_p95(np.array([_process_ms(args) for _ in range(repeat)]))
        rows.append([f"emodash {' '.join(args)}", ms[0], ms[1]])
    return "### CLI start-up (whole process)\n\n" + table(["command", "median ms", "p95 ms"], rows)
