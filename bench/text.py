"""Text model: one sentence (with and without per-token evidence) and batched throughput, on dair-ai val."""

from __future__ import annotations

import time
from itertools import cycle

from bench.timing import median_p95, table, time_ms
from emodash.core import settings
from emodash.modalities.text.formats import read_semicolon_text
from emodash.serving import registry


def run(repeat: int = 2000) -> str:
    model = registry.load_predictor("text")
    val = read_semicolon_text(settings.data_root() / "text_dairai" / "val.txt").samples
    it = cycle(val)
    single = median_p95(time_ms(lambda: model.predict(next(it)), repeat))
    probs_only = median_p95(time_ms(lambda: model.probabilities([next(it)]), repeat))
    texts = val * 8  # 16,000 sentences
    model.predict_batch(texts[:100])
    start = time.perf_counter()
    model.predict_batch(texts)
    rate = len(texts) / (time.perf_counter() - start)
    rows = [
        ["one sentence, scores + evidence (predict)", single[0], single[1], ""],
        ["one sentence, scores only", probs_only[0], probs_only[1], ""],
        [f"batch of {len(texts):,} (predict_batch)", "", "", f"{rate:,.0f} sentences/s"],
    ]
    return "### Text model (TF-IDF + logistic regression)\n\n" + table(
        ["case", "median ms", "p95 ms", "throughput"], rows
    )
