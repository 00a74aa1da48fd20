"""The model zoo: named classifiers that every modality's comparison can use, each on top of that modality's
features (see `emodash.research.tasks`). Each entry says what input it needs, what a small grid search tries, where
Optuna's tuning searches and how it can be exported."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from sklearn.base import BaseEstimator
from sklearn.ensemble import RandomForestClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC, LinearSVC
from sklearn.tree import DecisionTreeClassifier

from emodash.core.errors import InputError
from emodash.research.cnn import KerasCNN

#: input kinds: "vector" (one feature vector per sample), "signal" (n, time, channels), "image" (n, h, w)
VECTOR, SIGNAL, IMAGE = "vector", "signal", "image"


@dataclass(frozen=True)
class ZooModel:
    """One comparable model: `make(seed)` builds a fresh, unfitted estimator; `grid` is its small search space
    (parameter names of the estimator); `space(trial, n_fit)` draws estimator parameters from an Optuna trial, within
    what `n_fit` training samples allow (the tuning space: ranges around the grid); `export` is "c" (C source) or
    "tflite"."""

    name: str
    title: str
    input: str
    make: Callable[[int], BaseEstimator]
    grid: dict[str, list] = field(default_factory=dict)
    space: Callable[[Any, int | None], dict[str, Any]] | None = None
    export: str = "c"


def _svm(t: Any, n_fit: int | None) -> dict[str, Any]:
    return {"C": t.suggest_float("C", 1e-3, 1e2, log=True)}


def _svm_rbf(t: Any, n_fit: int | None) -> dict[str, Any]:
    return {"C": t.suggest_float("C", 1e-1, 1e3, log=True), "gamma": t.suggest_float("gamma", 1e-5, 1.0, log=True)}


def _knn(t: Any, n_fit: int | None) -> dict[str, Any]:
    return {"n_neighbors": t.suggest_int("n_neighbors", 1, min(30, n_fit or 30))}  # no more than a fit has samples


def _dt(t: Any, n_fit: int | None) -> dict[str, Any]:
    return {"max_depth": t.suggest_int("max_depth", 2, 32, log=True),
            "min_samples_leaf": t.suggest_int("min_samples_leaf", 1, 10, log=True)}  # fmt: skip


def _nb(t: Any, n_fit: int | None) -> dict[str, Any]:
    return {"var_smoothing": t.suggest_float("var_smoothing", 1e-12, 1.0, log=True)}


def _rf(t: Any, n_fit: int | None) -> dict[str, Any]:
    return {"n_estimators": t.suggest_int("n_estimators", 20, 300, log=True),
            "max_depth": t.suggest_int("max_depth", 2, 32, log=True),
            "min_samples_leaf": t.suggest_int("min_samples_leaf", 1, 10, log=True)}  # fmt: skip


def _mlp(t: Any, n_fit: int | None) -> dict[str, Any]:
    return {"alpha": t.suggest_float("alpha", 1e-5, 10.0, log=True),
            "hidden_layer_sizes": (t.suggest_int("hidden_units", 16, 256, log=True),),
            "learning_rate_init": t.suggest_float("learning_rate_init", 1e-4, 1e-1, log=True)}  # fmt: skip


def _cnn(t: Any, n_fit: int | None) -> dict[str, Any]:
    return {"learning_rate": t.suggest_float("learning_rate", 1e-4, 1e-2, log=True)}


ZOO: dict[str, ZooModel] = {
    m.name: m
    for m in (
        ZooModel("svm", "SVM (linear)", VECTOR, lambda s: LinearSVC(C=1.0, dual=False, random_state=s),
                 {"C": [0.1, 1.0, 10.0]}, _svm),
        ZooModel("svm-rbf", "SVM (RBF)", VECTOR, lambda s: SVC(C=10.0, gamma="scale", random_state=s),
                 {"C": [1.0, 10.0, 100.0]}, _svm_rbf),
        ZooModel("knn", "k nearest neighbours", VECTOR, lambda s: KNeighborsClassifier(5),
                 {"n_neighbors": [3, 5, 9]}, _knn),
        ZooModel("dt", "decision tree", VECTOR, lambda s: DecisionTreeClassifier(random_state=s),
                 {"max_depth": [None, 8, 4]}, _dt),
        ZooModel("nb", "Gaussian naive Bayes", VECTOR, lambda s: GaussianNB(),
                 {"var_smoothing": [1e-9, 1e-6, 1e-3]}, _nb),
        ZooModel("rf", "random forest", VECTOR, lambda s: RandomForestClassifier(50, n_jobs=1, random_state=s),
                 {"max_depth": [None, 10], "min_samples_leaf": [1, 3]}, _rf),
        ZooModel("mlp", "MLP (dense network)", VECTOR,
                 lambda s: MLPClassifier((64,), alpha=1e-3, learning_rate_init=1e-2, max_iter=100, random_state=s),
                 {"alpha": [1e-4, 1e-2, 1.0]}, _mlp),
        ZooModel("cnn1d", "1-D CNN", SIGNAL, lambda s: KerasCNN("1d", random_state=s), {"learning_rate": [1e-3, 3e-3]},
                 _cnn, "tflite"),
        ZooModel("cnn2d", "2-D CNN", IMAGE, lambda s: KerasCNN("2d", (16, 32, 64), 64, epochs=10, batch_size=64,
                                                                      learning_rate=3e-3, random_state=s),
                 {"learning_rate": [1e-3, 3e-3]}, _cnn, "tflite"),
    )
}  # fmt: skip

#: the classical models of the speed target and of `--models classical`
CLASSICAL = ("svm", "knn", "dt", "nb", "rf", "mlp")


def get_model(name: str) -> ZooModel:
    """The zoo entry called `name`; InputError naming the choices if there is none."""
    try:
        return ZOO[name]
    except KeyError:
        raise InputError(f"no model named {name!r}; choose from {', '.join(ZOO)}") from None


def parse_models(spec: str | list[str]) -> list[str]:
    """'svm,knn' or ['svm', 'knn'] (also 'classical' and 'all') -> checked model names, in the order given."""
    names = spec.split(",") if isinstance(spec, str) else list(spec)
    out: list[str] = []
    for n in (n.strip() for n in names if n.strip()):
        for m in CLASSICAL if n == "classical" else ZOO if n == "all" else [n]:
            get_model(m)
            if m not in out:
                out.append(m)
    if not out:
        raise InputError("no models given; choose from " + ", ".join(ZOO))
    return out
