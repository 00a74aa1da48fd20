"""Optuna tuning inside one training side: trials drawn from the zoo model's space (`ZooModel.space`) by a TPE sampler
seeded with the comparison's seed, each scored by mean macro-F1 over the same honest inner folds a grid search uses;
CNN trials that fall below the median after an inner fold are pruned. Studies are stored in the project's SQL
database (`EMODASH_DB`, else the SQLite file under the cache folder that the image catalogue uses), named by the
comparison's recipe and fold, so a rerun finds its trials and runs only the missing ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import pandas as pd

from emodash.core.errors import InputError
from emodash.research.splits import take
from emodash.research.zoo import VECTOR, get_model

if TYPE_CHECKING:
    from optuna.storages import RDBStorage
    from sklearn.base import BaseEstimator


@dataclass(frozen=True)
class Study:
    """How one training side is tuned: the stored study's name and database URL, how many trials, the sampler's
    seed, the inner folds (index pairs into the training side) and the fewest samples an inner fit sees."""

    name: str
    url: str
    n_trials: int
    seed: int
    inner: list[tuple[np.ndarray, np.ndarray]]
    n_fit: int


def _storage(url: str, create: bool = False) -> RDBStorage:
    """Optuna's storage on `url`; SQLite waits for a writer (Dask workers write their studies side by side)."""
    import optuna

    kwargs = {"connect_args": {"timeout": 60}} if url.startswith("sqlite") else {}
    return optuna.storages.RDBStorage(url, engine_kwargs=kwargs, skip_table_creation=not create)


def storage_url() -> str:
    """The project's database, ready for studies: the catalogue's schema brought up first (which moves an old
    catalogue's Alembic version table out of Optuna's way), then Optuna's tables, once, before workers use them."""
    from emodash.catalogue.db import connect, url_for

    url = url_for(None)
    connect(url).dispose()
    try:
        _storage(url, create=True).engine.dispose()
    except RuntimeError as exc:  # a schema of another Optuna version
        raise InputError(f"cannot keep tuning studies in {url}: {exc}") from None
    return url


def _finished(study: Any, n_trials: int) -> list:
    """The first `n_trials` trials that ran to the end or were pruned (failed and abandoned ones do not count)."""
    from optuna.trial import TrialState

    return study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED))[:n_trials]


def tune(
    est: BaseEstimator,
    model: str,
    X: np.ndarray | list,
    y: np.ndarray,
    study: Study,
    report: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Run the trials `study` still lacks on the training side (`X`, `y`) and return the best of its first
    `n_trials` as pipeline parameters (`clf__...`). `report(trial, n_trials)` is called as each trial starts.

    A study resumed after k trials seeds its sampler with seed + k, so that it draws new points rather than replay the
    first ones."""
    import optuna
    from sklearn.base import clone
    from sklearn.metrics import f1_score

    spec = get_model(model)
    if spec.space is None:
        raise InputError(f"{model} has no tuning space")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = _storage(study.url)
    stored = optuna.create_study(storage=storage, study_name=study.name, direction="maximize", load_if_exists=True)
    missing = study.n_trials - len(_finished(stored, study.n_trials))
    if missing > 0:
        pruner = optuna.pruners.MedianPruner() if spec.input != VECTOR else optuna.pruners.NopPruner()
        sampler = optuna.samplers.TPESampler(seed=study.seed + len(stored.trials))
        stored = optuna.load_study(study_name=study.name, storage=storage, sampler=sampler, pruner=pruner)

        def objective(trial: optuna.Trial) -> float:
            if report:
                report(trial.number + 1, study.n_trials)
            params = {f"clf__{k}": v for k, v in spec.space(trial, study.n_fit).items()}
            scores = []
            for step, (tr, te) in enumerate(study.inner):
                fitted = clone(est).set_params(**params).fit(take(X, tr), y[tr])
                scores.append(f1_score(y[te], fitted.predict(take(X, te)), average="macro", zero_division=0))
                trial.report(float(np.mean(scores)), step)
                if trial.should_prune():
                    raise optuna.TrialPruned()
            return float(np.mean(scores))

        stored.optimize(objective, n_trials=missing)
    complete = [t for t in _finished(stored, study.n_trials) if t.value is not None]
    best = max(complete, key=lambda t: t.value)  # the first of equals
    storage.engine.dispose()
    return {f"clf__{k}": v for k, v in spec.space(optuna.trial.FixedTrial(best.params), study.n_fit).items()}


def history(name: str, n_trials: int, url: str | None = None) -> pd.DataFrame:
    """The first `n_trials` trials of the stored study `name`: trial number (from 1), state (complete or pruned),
    inner macro-F1 (a pruned trial's at its last inner fold), the running best of the complete ones, parameters."""
    import optuna
    from optuna.trial import TrialState

    from emodash.catalogue.db import url_for

    url = url_for(url)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = _storage(url)
    try:
        trials = _finished(optuna.load_study(study_name=name, storage=storage), n_trials)
    except KeyError:
        raise InputError(f"no tuning study {name!r} in {url}; tune again (or set EMODASH_DB to where it ran)") from None
    finally:
        storage.engine.dispose()
    rows = []
    for t in trials:
        pruned = t.state == TrialState.PRUNED
        last = t.intermediate_values[max(t.intermediate_values)] if t.intermediate_values else np.nan
        rows.append({"trial": t.number + 1, "state": "pruned" if pruned else "complete",
                     "macro_f1": last if pruned else t.value, "params": t.params})  # fmt: skip
    out = pd.DataFrame(rows, columns=["trial", "state", "macro_f1", "params"])
    out["best"] = out["macro_f1"].where(out["state"] == "complete").cummax().ffill()
    return out
