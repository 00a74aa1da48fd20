"""The EMG seed's own recipe, reproduced: smoothing (sigma 5), ONE min-max scaling over all 300 windows before the
split (a leak: test windows shape the scale), flatten, train_test_split(test_size=0.2, random_state=100), and its
four classifiers: linear-kernel SVC, a k=3 kNN *regressor* whose output is rounded to a class, a decision tree and
Gaussian naive Bayes. The seed's tree has no random_state; we report the mean over seeds 0-9.

Beside it, the same recipe on the temporal hold-out (the last 10 windows of each label as test, scaling fit on the
training windows only): how much the random split flattered each model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsRegressor
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from emodash.core.dataset import Dataset
from emodash.modalities.emg.features import EMGSmoother, GlobalMinMaxScaler, as_windows
from emodash.research.splits import holdout_fold

#: the EMG authors' train_test_split
EMG_SEED_SPLIT = {"test_size": 0.2, "random_state": 100}
#: how our reproduction reads the seed's choices
NOTE = "kNN: the seed's k=3 regressor, rounded to a class; tree: mean over seeds 0-9 (it set none)"

#: accuracies the seed reports on its random split (60 test windows)
PUBLISHED = {"svm": 0.92, "knn": 0.82, "dt": 0.93, "nb": 0.97}
TREE_SEEDS = range(10)


def _accuracy(name: str, X_train, y_train, X_test, y_test) -> float:
    if name == "svm":
        return float((SVC(kernel="linear").fit(X_train, y_train).predict(X_test) == y_test).mean())
    if name == "knn":
        pred = np.clip(np.round(KNeighborsRegressor(3).fit(X_train, y_train).predict(X_test)), 0, y_train.max())
        return float((pred == y_test).mean())
    if name == "dt":
        return float(
            np.mean(
                [
                    (DecisionTreeClassifier(random_state=s).fit(X_train, y_train).predict(X_test) == y_test).mean()
                    for s in TREE_SEEDS
                ]
            )
        )
    return float((GaussianNB().fit(X_train, y_train).predict(X_test) == y_test).mean())


def reproduce(ds: Dataset) -> pd.DataFrame:
    """One row per seed model: published accuracy, ours on the seed's split with its global scaling, and ours on
    the temporal hold-out (scaling fit on training windows)."""
    smooth = EMGSmoother(5.0, flatten=True).fit_transform(as_windows(ds.samples))
    y = np.array([ds.label_set.index(lab) for lab in ds.labels])
    leaky = GlobalMinMaxScaler().fit_transform(smooth)  # the seed scales before splitting
    a, b, ya, yb = train_test_split(leaky, y, **EMG_SEED_SPLIT)
    train, test = holdout_fold(ds.groups, 0.2)
    scaler = GlobalMinMaxScaler().fit(smooth[train])
    ta, tb = scaler.transform(smooth[train]), scaler.transform(smooth[test])
    rows = []
    for name, published in PUBLISHED.items():
        rows.append(
            {
                "model": name,
                "published": published,
                "seed_split": round(_accuracy(name, a, ya, b, yb), 4),
                "temporal_holdout": round(_accuracy(name, ta, y[train], tb, y[test]), 4),
            }
        )
    out = pd.DataFrame(rows)
    out["flattered_by"] = (out["seed_split"] - out["temporal_holdout"]).round(4)
    return out
