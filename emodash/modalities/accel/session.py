"""One analyst's feature-range tuning on one windowed data set, as an object a page keeps across reruns.

It holds the honest split (`studio.default_split`) and the validation split inside its training side, the ranges
(first suggested from the training windows' quantiles), the training windows the analyst removed, and the scores:
the rule model and a random forest on validation windows while tuning, on the test windows once at the end.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from emodash.core.dataset import Dataset
from emodash.core.errors import InputError
from emodash.modalities.accel import ranges as rg
from emodash.modalities.accel import studio
from emodash.modalities.accel.features import SEED_FEATURES
from emodash.research import splits


class RangeSession:
    """Ranges being tuned on `ds` (window features). `generation` counts changes made other than by a slider, so
    that a page can rebuild its sliders when the ranges move under them."""

    def __init__(self, ds: Dataset, q: tuple[float, float] = (0.05, 0.95)):
        self.ds = ds
        self.X = ds.table
        self.y = np.asarray(ds.labels, dtype=object)
        self.split = studio.default_split(ds)
        self.tune = studio.validation_split(ds, self.split)
        self.states = [s for s in ds.label_set.names if (self.y == s).any()]
        self.default_features = [f for f in SEED_FEATURES if f in self.X.columns] or list(self.X.columns)
        self.ranges = rg.suggest(self.X.iloc[self.tune.train], self.y[self.tune.train], q, self.states)
        order = splits.time_columns(ds.groups)
        #: each window's place in its recording (its row number where the data has no time order)
        self.positions = order["position"].to_numpy() if len(order.columns) else np.arange(len(ds))
        self.removed: set[int] = set()
        self.generation = 0
        self.last_box: object = None
        self._forests: dict[tuple, Any] = {}

    def summary(self) -> str:
        """What the split is, in a sentence for the page."""
        return (
            f"{len(self.ds)} windows, {len(self.states)} states; split: {self.split.kind}. {len(self.tune.train)} "
            f"windows to set ranges on, {len(self.tune.test)} validation windows that score them while you tune, and "
            f"{len(self.split.test)} test windows kept for one final score at the end: ranges set by eye never see "
            "the test windows."
        )

    @property
    def train_kept(self) -> np.ndarray:
        """The training windows ranges are set on, less those removed."""
        return np.setdiff1d(self.tune.train, sorted(self.removed))

    def set(self, state: str, feature: str, lo: float, hi: float) -> None:
        self.ranges.set(state, feature, lo, hi)

    def suggest(self, features: Sequence[str], q: tuple[float, float]) -> None:
        """Quantile ranges of the kept training windows for `features`."""
        keep = self.train_kept
        new = rg.suggest(self.X.iloc[keep], self.y[keep], q, self.states)
        for f in features:
            for s in self.states:
                self.ranges.set(s, f, *new.get(s, f))
        self.generation += 1

    def select_box(self, feature: str, box: dict) -> None:
        """A box drawn over one state's points of the strip plot (x: the state's position) sets its range."""
        if box == self.last_box:  # the same selection seen again on a rerun
            return
        self.last_box = box
        xs, ys = box.get("x", []), box.get("y", [])
        if xs and ys:
            i = int(round(float(np.mean(xs))))
            if 0 <= i < len(self.states):
                self.ranges.set(self.states[i], feature, float(min(ys)), float(max(ys)))
                self.generation += 1

    def load(self, data: bytes, name: str) -> list[str]:
        """Ranges from a JSON file into the session; its features (InputError for ones this data lacks)."""
        new = rg.Ranges.from_json(data, name)
        unknown = [f for f in new.features if f not in self.X.columns] + [s for s in new.states if s not in self.states]
        if unknown:
            raise InputError(f"{name}: features/states not in this data: {', '.join(unknown)}")
        for s in new.states:
            for f in new.features:
                self.ranges.set(s, f, *new.get(s, f))
        self.generation += 1
        return list(new.features)

    def current(self, features: Sequence[str]) -> rg.Ranges:
        return self.ranges.select(list(features))

    def _forest(self, features: Sequence[str], train: np.ndarray) -> Any:
        key = (tuple(features), train.tobytes())
        if key not in self._forests:
            if len(self._forests) >= 8:
                self._forests.pop(next(iter(self._forests)))
            self._forests[key] = studio.random_forest(self.X[list(features)], self.y, train)
        return self._forests[key]

    def validation(self, features: Sequence[str]) -> tuple[dict, dict]:
        """(rule model, random forest) scores on the validation windows; the forest learns the kept training
        windows."""
        rule = studio.rule_scores(self.current(features), self.X, self.y, self.tune.test)
        rf = studio.scores(self._forest(features, self.train_kept), self.X[list(features)], self.y, self.tune.test,
                           self.states)  # fmt: skip
        return rule, rf

    def test(self, features: Sequence[str]) -> tuple[dict, dict]:
        """(rule model, random forest) on the test windows: once, when the ranges are done. The forest is refit on
        every kept training window (fit + validation)."""
        train = np.setdiff1d(self.split.train, sorted(self.removed))
        rule = studio.rule_scores(self.current(features), self.X, self.y, self.split.test)
        rf = studio.scores(self._forest(features, train), self.X[list(features)], self.y, self.split.test,
                           self.states)  # fmt: skip
        return rule, rf

    def outliers(self, features: Sequence[str]) -> pd.DataFrame:
        """Kept training windows outside their state's ranges; `row` is the window's position in the data set."""
        keep = self.train_kept
        out = rg.outliers(self.X.iloc[keep], self.y[keep], self.current(features))
        out["row"] = keep[out["row"].to_numpy()]
        return out

    def remove(self, rows: Sequence[int]) -> None:
        self.removed |= {int(r) for r in rows}

    def restore(self) -> None:
        self.removed = set()

    def export(self, features: Sequence[str]) -> pd.DataFrame:
        """Every window but the removed ones, with its split (train, validation, test, or gap: left out beside a
        test block) and `inside_ranges`."""
        role = np.full(len(self.ds), "gap", dtype=object)  # left out beside a test block: in neither side
        role[self.split.test], role[self.tune.train], role[self.tune.test] = "test", "train", "validation"
        table = studio.windows_table(self.ds, self.current(features), sorted(self.removed))
        table.insert(0, "split", np.delete(role, sorted(self.removed)))
        return table
