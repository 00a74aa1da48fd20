"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import time
from typing import Callable, Sequence

import numpy as np


def time_ms(fn: Callable[[], object], repeat: int, warmup: int = 5) -> np.ndarray:
    """Wall-clock milliseconds of `repeat` calls of `fn`, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    out = np.empty(repeat)
    for i in range(repeat):
        start = time.perf_counter()
        fn()
        out[i] = (time.perf_counter() - start) * 1e3
    return out


def median_p95(ms: np.ndarray) -> tuple[float, float]:
    return float(np.median(ms)), float(np.percentile(ms, 95))


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    fmt = [[f"{c:.2f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    return "\n".join(
        ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + ["| " + " | ".join(r) + " |" for r in fmt]
    )
