"""Feature-range studio on the seed file: a range change -> rule-model accuracy (target: within 200 ms), and the
rest of what the page recomputes; feature extraction on the Quiroz walks for scale."""

from __future__ import annotations

import numpy as np

from bench.timing import median_p95, table, time_ms
from emodash.core import settings
from emodash.modalities.accel import formats as accel
from emodash.modalities.accel import ranges as rg
from emodash.modalities.accel import studio
from emodash.modalities.accel.features import window_table


def run() -> str:
    root = settings.data_root()
    ds = accel.read(root / "accel_wolfeiq" / "accel_feature_all_axes_new.xlsx")
    X, y = ds.table, np.asarray(ds.labels, dtype=object)
    split = studio.default_split(ds)
    r = rg.suggest(X.iloc[split.train], y[split.train], (0.05, 0.95), ds.label_set.names)
    lo, hi = r.get("calm", "fft_mean_x")
    step = iter(np.tile(np.linspace(lo, hi, 50), 100))

    def range_change() -> None:
        r.set("calm", "fft_mean_x", lo, next(step))
        studio.rule_scores(r, X, y, split.test)

    def page_rest() -> None:
        rg.feature_overlap(r), rg.flagged(r), rg.outliers(X.iloc[split.train], y[split.train], r)
        studio.windows_table(ds, r)

    rows = []
    for name, fn, repeat in [
        ("range change -> rule accuracy + confusion (630 test windows)", range_change, 200),
        ("overlaps, flags, outlier list, cleaned table", page_rest, 50),
        (
            "random forest fit (2,515 windows, once per feature set; cached)",
            lambda: studio.random_forest(X, y, split.train),
            3,
        ),
    ]:
        rows.append([name, *median_p95(time_ms(fn, repeat, warmup=1))])
    quiroz = root / "accel_quiroz" / "walking_data"
    if quiroz.exists():
        raw = accel.read(quiroz)
        n = sum(len(s) for s in raw.samples)
        rows.append(
            [
                f"features of the Quiroz walks ({n:,} samples, 10 s windows)",
                *median_p95(time_ms(lambda: window_table(raw, 10, 0.5), 3, 1)),
            ]
        )
    return "## Feature ranges (seed file, 3,150 windows x 12 features)\n\n" + table(
        ["step", "median ms", "p95 ms"], rows
    )
