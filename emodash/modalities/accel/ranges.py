"""Per-state feature ranges chosen by eye (the phone seed's method) and the rule classifier they make.

A `Ranges` holds, for each state and feature, an acceptable interval [lo, hi]. From it: how much each pair of
states' intervals overlap per feature (features that overlap much are flagged for removal, the seed's rule), which
windows fall outside their own state's intervals (the seed removed them), and `RuleClassifier`, which gives a
window the state whose intervals it satisfies best.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import Tags
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from emodash.core.errors import InputError

FORMAT = "emodash-ranges/1"


@dataclass
class Ranges:
    """Intervals `lo[s, f]`..`hi[s, f]` for each state s and feature f (arrays of shape (states, features))."""

    states: list[str]
    features: list[str]
    lo: np.ndarray
    hi: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.states, self.features = [str(s) for s in self.states], [str(f) for f in self.features]
        self.lo, self.hi = np.asarray(self.lo, dtype=float), np.asarray(self.hi, dtype=float)
        shape = (len(self.states), len(self.features))
        if self.lo.shape != shape or self.hi.shape != shape:
            raise InputError(f"ranges: expected lo and hi of shape {shape}, got {self.lo.shape} and {self.hi.shape}")
        if (self.lo > self.hi).any():
            s, f = np.argwhere(self.lo > self.hi)[0]
            raise InputError(f"ranges: {self.states[s]}/{self.features[f]} has lo {self.lo[s, f]} > hi {self.hi[s, f]}")

    def get(self, state: str, feature: str) -> tuple[float, float]:
        s, f = self.states.index(state), self.features.index(feature)
        return float(self.lo[s, f]), float(self.hi[s, f])

    def set(self, state: str, feature: str, lo: float, hi: float) -> None:
        """Change one interval in place (the ends are sorted, so a box dragged either way works)."""
        s, f = self.states.index(state), self.features.index(feature)
        self.lo[s, f], self.hi[s, f] = min(lo, hi), max(lo, hi)

    def select(self, features: Sequence[str]) -> Ranges:
        """A copy restricted to `features` (in that order)."""
        missing = [f for f in features if f not in self.features]
        if missing:
            raise InputError(f"ranges have no feature(s) {', '.join(missing)}; they have {', '.join(self.features)}")
        idx = [self.features.index(f) for f in features]
        return Ranges(self.states, list(features), self.lo[:, idx].copy(), self.hi[:, idx].copy(), dict(self.meta))

    def copy(self) -> Ranges:
        return Ranges(list(self.states), list(self.features), self.lo.copy(), self.hi.copy(), dict(self.meta))

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "states": self.states,
            "features": self.features,
            "ranges": {
                s: {f: [float(self.lo[i, j]), float(self.hi[i, j])] for j, f in enumerate(self.features)}
                for i, s in enumerate(self.states)
            },
            "meta": self.meta,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, d: dict[str, Any], name: str = "ranges") -> Ranges:
        if not isinstance(d, dict) or d.get("format") != FORMAT or "ranges" not in d:
            raise InputError(f'{name}: not an emodash ranges file (expected "format": "{FORMAT}")')
        states, features = list(d.get("states") or d["ranges"]), list(d.get("features") or [])
        lo, hi = np.full((len(states), len(features)), np.nan), np.full((len(states), len(features)), np.nan)
        try:
            for i, s in enumerate(states):
                for j, f in enumerate(features):
                    lo[i, j], hi[i, j] = (float(v) for v in d["ranges"][s][f])
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{name}: each state needs [lo, hi] for each feature ({exc!r})") from None
        if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
            raise InputError(f"{name}: every range must be two finite numbers (found NaN or infinity)")
        if (lo > hi).any():
            i, j = np.argwhere(lo > hi)[0]
            raise InputError(f"{name}: the range of {features[j]} for {states[i]} starts above its end")
        return cls(states, features, lo, hi, dict(d.get("meta") or {}))

    @classmethod
    def from_json(cls, text: str | bytes, name: str = "ranges") -> Ranges:
        try:
            d = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{name}: not valid JSON ({exc})") from None
        return cls.from_dict(d, name)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Ranges:
        p = Path(path)
        if not p.is_file():
            raise InputError(f"{p}: no such ranges file")
        return cls.from_json(p.read_bytes(), str(p))


def _matrix(X: pd.DataFrame | np.ndarray, features: Sequence[str]) -> np.ndarray:
    if isinstance(X, pd.DataFrame):
        missing = [f for f in features if f not in X.columns]
        if missing:
            raise InputError(f"the data has no feature column(s) {', '.join(missing)} that the ranges use")
        return X[list(features)].to_numpy(dtype=float)
    arr = np.asarray(X, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != len(features):
        raise InputError(f"expected {len(features)} feature columns, got shape {arr.shape}")
    return arr


def suggest(
    X: pd.DataFrame, y: Sequence[str], q: tuple[float, float] = (0.05, 0.95), states: Sequence[str] | None = None
) -> Ranges:
    """Each state's interval of each feature from its windows' quantiles `q` (missing values ignored)."""
    labels = np.asarray(y, dtype=object)
    states = [s for s in (states or pd.unique(labels)) if (labels == s).any()]
    if not states:
        raise InputError("no labelled windows to suggest ranges from")
    arr = X.to_numpy(dtype=float)
    lo = np.vstack([np.nanquantile(arr[labels == s], q[0], axis=0) for s in states])
    hi = np.vstack([np.nanquantile(arr[labels == s], q[1], axis=0) for s in states])
    return Ranges(list(states), list(X.columns), lo, hi, {"suggested_from_quantiles": list(q)})


def pair_overlap(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """(..., states, states) overlap of each pair of intervals: length of the intersection over the shorter one's
    length (1 when one lies inside the other, 0 when disjoint; two equal points overlap 1)."""
    inter = np.clip(
        np.minimum(hi[..., :, None], hi[..., None, :]) - np.maximum(lo[..., :, None], lo[..., None, :]), 0, None
    )
    width = hi - lo
    shorter = np.minimum(width[..., :, None], width[..., None, :])
    touching = np.minimum(hi[..., :, None], hi[..., None, :]) >= np.maximum(lo[..., :, None], lo[..., None, :])
    return np.where(shorter > 0, inter / np.where(shorter > 0, shorter, 1), touching.astype(float))


def overlap_matrix(ranges: Ranges, feature: str) -> pd.DataFrame:
    """States x states overlap of one feature's intervals (see `pair_overlap`)."""
    j = ranges.features.index(feature)
    return pd.DataFrame(pair_overlap(ranges.lo[:, j], ranges.hi[:, j]), index=ranges.states, columns=ranges.states)


def feature_overlap(ranges: Ranges) -> pd.Series:
    """Mean overlap over all pairs of different states, per feature (0 = every state apart, 1 = all on top)."""
    m = pair_overlap(ranges.lo.T, ranges.hi.T)  # (features, states, states)
    n = len(ranges.states)
    off = ~np.eye(n, dtype=bool)
    mean = m[:, off].mean(axis=1) if n > 1 else np.zeros(len(ranges.features))
    return pd.Series(mean, index=ranges.features, name="overlap")


def flagged(ranges: Ranges, threshold: float = 0.5) -> list[str]:
    """Features whose mean pairwise overlap is at least `threshold`: the seed dropped such features."""
    over = feature_overlap(ranges)
    return [f for f in ranges.features if over[f] >= threshold]


def outside(X: pd.DataFrame | np.ndarray, y: Sequence[str], ranges: Ranges) -> np.ndarray:
    """(windows, features) True where a window's value lies outside its own state's interval (missing: False);
    windows of a state the ranges do not know are all True."""
    arr = _matrix(X, ranges.features)
    labels = np.asarray(y, dtype=object)
    idx = pd.Index(ranges.states).get_indexer(labels)
    known = idx >= 0
    lo, hi = ranges.lo[np.where(known, idx, 0)], ranges.hi[np.where(known, idx, 0)]
    out = (arr < lo) | (arr > hi)
    out[~known] = True
    return out


def outliers(X: pd.DataFrame, y: Sequence[str], ranges: Ranges) -> pd.DataFrame:
    """The windows outside their state's ranges: row position, state, how many and which features are out."""
    out = outside(X, y, ranges)
    rows = np.flatnonzero(out.any(axis=1))
    names = np.array(ranges.features, dtype=object)
    return pd.DataFrame(
        {
            "row": rows,
            "state": np.asarray(y, dtype=object)[rows],
            "n_out": out[rows].sum(axis=1),
            "features_out": [", ".join(names[out[r]]) for r in rows],
        }
    )


class RuleClassifier(ClassifierMixin, BaseEstimator):
    """A window goes to the state whose intervals hold the most of its features; ties go to the state it is
    nearest to (sum over features of the distance outside each interval, in units of that feature's span over
    all states' intervals). Missing values count for no state.

    With `ranges` None, `fit` suggests them from the training windows' per-state quantiles (`q_low`, `q_high`).
    X: a DataFrame with the ranges' feature columns, or an array in their order.
    """

    def __init__(self, ranges: Ranges | None = None, q_low: float = 0.05, q_high: float = 0.95):
        self.ranges = ranges
        self.q_low = q_low
        self.q_high = q_high

    def fit(self, X: pd.DataFrame | np.ndarray, y: Sequence[str]) -> RuleClassifier:
        names = [str(c) for c in X.columns] if isinstance(X, pd.DataFrame) else None
        arr, y = validate_data(self, X, y, dtype=float, ensure_all_finite="allow-nan")
        check_classification_targets(y)
        columns = names or [f"f{i}" for i in range(arr.shape[1])]
        if self.ranges is None:
            self.classes_ = unique_labels(y)
            states = [str(c) for c in self.classes_]
            frame = pd.DataFrame(arr, columns=columns)
            self.ranges_ = suggest(frame, np.asarray(y).astype(str), (self.q_low, self.q_high), states)
        else:
            self.ranges_ = self.ranges.copy()
            self.classes_ = np.array(self.ranges_.states, dtype=object)
            if names is None:
                columns = list(self.ranges_.features)
        missing = [f for f in self.ranges_.features if f not in columns]
        if missing or len(columns) != arr.shape[1]:
            raise InputError(f"the data has no feature column(s) {', '.join(missing)} that the ranges use")
        self.columns_ = np.array([columns.index(f) for f in self.ranges_.features])
        span = self.ranges_.hi.max(axis=0) - self.ranges_.lo.min(axis=0)
        self.scale_ = np.where(span > 0, span, 1.0)
        return self

    def evidence(self, X: pd.DataFrame | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(windows, states) number of features inside each state's intervals, and total scaled distance outside."""
        check_is_fitted(self)
        arr = validate_data(self, X, reset=False, dtype=float, ensure_all_finite="allow-nan")[:, None, self.columns_]
        lo, hi = self.ranges_.lo[None], self.ranges_.hi[None]
        dist = (np.clip(lo - arr, 0, None) + np.clip(arr - hi, 0, None)) / self.scale_
        valid = ~np.isnan(arr)
        inside = ((dist == 0) & valid).sum(axis=2)
        return inside, np.where(valid, dist, 0).sum(axis=2)

    def predict(self, X: pd.DataFrame | np.ndarray) -> np.ndarray:
        inside, dist = self.evidence(X)
        best = inside == inside.max(axis=1, keepdims=True)
        return self.classes_[np.argmin(np.where(best, dist, np.inf), axis=1)]

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # a missing feature counts for no state
        return tags
