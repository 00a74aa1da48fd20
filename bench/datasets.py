"""Datasets page on FER-2013 train (28,709 images): reading once (cold) and rendering the overview once cached."""

from __future__ import annotations

import time

import numpy as np

from bench.timing import table


def _page(name: str, modality: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("app.py", default_timeout=600)
    at.run()
    at.switch_page("views/datasets.py")
    at.run()
    at.selectbox[0].set_value(modality).run()
    at.selectbox[1].set_value(name)
    return at


def run(renders: int = 5) -> str:
    rows = []
    for name, modality in (("fer2013-train", "face"), ("ravdess", "speech"), ("dairai-train", "text")):
        at = _page(name, modality)
        start = time.perf_counter()
        at.run()
        cold = time.perf_counter() - start
        assert not at.exception, [e.value for e in at.exception]
        warm = []
        for _ in range(renders):
            start = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - start)
        rows.append([name, f"{len(at.metric) and at.metric[0].value}", cold, float(np.median(warm)), max(warm)])
    return "### Datasets page (AppTest, whole page script)\n\n" + table(
        ["data set", "samples", "first render s (reads + caches)", "cached render s, median", "max"], rows
    )
