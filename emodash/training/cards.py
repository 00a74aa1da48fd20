"""Small helpers for writing model cards (Markdown) from measured metrics."""

from __future__ import annotations

from typing import Sequence

import numpy as np


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(map(str, header)) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(map(str, r)) + " |" for r in rows]
    return "\n".join(lines)


def confusion_table(labels: Sequence[str], matrix: Sequence[Sequence[int]]) -> str:
    """Rows: true label; columns: predicted label."""
    m = np.asarray(matrix)
    return markdown_table(["true \\ predicted", *labels], [[lab, *m[i].tolist()] for i, lab in enumerate(labels)])


def per_class_table(labels: Sequence[str], f1: Sequence[float], support: Sequence[int]) -> str:
    return markdown_table(["label", "F1", "support"], [[lab, f"{f:.3f}", s] for lab, f, s in zip(labels, f1, support)])
