"""`emodash compare` (models under an honest split, as a table or JSON) and `emodash export` (a model as C or
TFLite, checked against Python)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from emodash.core.errors import InputError

if TYPE_CHECKING:
    from emodash.research.tasks import Task


def _task(data: str, subsample: int | None, seed: int) -> Task:
    from emodash import datasets
    from emodash.research import tasks

    if Path(data).exists() and data not in {d.name for d in datasets.REGISTRY}:
        return tasks.for_dataset(datasets.open_path(data), subsample, seed)
    return tasks.load_task(data, subsample, seed)


def _progress(done: int, total: int, message: str) -> None:
    print(f"\r[{done}/{total}] {message:<40}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def compare(args: argparse.Namespace) -> int:
    """`emodash compare`: the chosen models under the chosen (default: honest) split, as a table or JSON lines."""
    from emodash.research import evaluation
    from emodash.research.zoo import parse_models

    task = _task(args.data, args.subsample, args.seed)
    if args.reproduce:
        return reproduce(task, args)
    models = parse_models(args.models)
    if args.models in ("classical", "all"):  # the groups mean "those that apply here"
        models = task.models(models)
    try:
        results = evaluation.evaluate(
            task, models, args.split, args.folds, args.repeats, args.seed, args.search, args.smote,
            progress=None if args.json else _progress, cache=not args.no_cache, tune=args.tune, jobs=args.jobs,
            scheduler=args.scheduler,
        )  # fmt: skip
    except BaseException:
        if not args.json:
            print(file=sys.stderr)  # ends the progress line, so that an error stands on a line of its own
        raise
    split = args.split or task.default_split
    if args.json:
        s = evaluation.summary(results)
        for _, row in s.iterrows():
            obj = {"data": task.name, "model": row["model"], "split": split, "folds": int(row["folds"])}
            for m in evaluation.METRICS:
                obj[m] = {"mean": round(float(row[f"{m}_mean"]), 4), "sd": round(float(row[f"{m}_sd"]), 4)}
            obj["fit_s"], obj["predict_s"] = round(float(row["fit_s"]), 4), round(float(row["predict_s"]), 5)
            obj["search"], obj["tune"], obj["smote"] = args.search, args.tune, args.smote
            print(json.dumps(obj))
        return 0
    print(f"{task.title}; split: {split}" + (" (synthetic demo data)" if task.synthetic else ""))
    print(evaluation.table(results).to_string(index=False))
    print("mean ± sd over folds; * best per metric")
    return 0


def reproduce(task: Task, args: argparse.Namespace) -> int:
    """`emodash compare --reproduce`: the EMG seed's own recipe and split beside the temporal hold-out."""
    if task.reproduction is None:
        raise InputError(f"{task.name} is not a seed's own data: --reproduce needs one (e.g. --data emg)")
    table = task.reproduction()
    if args.json:
        for row in table.to_dict(orient="records"):
            print(json.dumps(row))
    else:
        print("EMG seed recipe (global scaling before the split, SVC linear, kNN regressor k=3 rounded, tree mean")
        print("over seeds 0-9, Gaussian NB); seed split = train_test_split(test_size=0.2, random_state=100)")
        print(table.to_string(index=False))
    return 0


def export(args: argparse.Namespace) -> int:
    """`emodash export`: train one model on the hold-out's training side, write it as C or TFLite, report the check."""
    from emodash.research.export.bundle import export_model

    task = _task(args.data, args.subsample, args.seed)
    result = export_model(task, args.model, args.format, args.seed, check=not args.no_check)
    out = Path(args.out or result.filename)
    out.write_bytes(result.data)
    info = result.to_json() | {"file": str(out)}
    if args.json:
        print(json.dumps(info))
    else:
        agree = (
            "not checked"
            if result.agreement is None
            else f"{result.agreement:.1%} agreement with {result.agreement_with}"
        )
        print(f"{out}: {result.size:,} bytes; {args.model} on {task.name}, held-out accuracy "
              f"{result.python_accuracy:.3f} on {result.n_test} samples; {agree}")  # fmt: skip
        if result.note:
            print(f"  note: {result.note}")
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", required=True, help="registered data set (emg, demo-emg, fer2013-train, ...) or a path")
    p.add_argument("--subsample", type=int, help="stratified subsample of N samples (for speed)")
    p.add_argument("--seed", type=int, default=0, help="seed of folds and models (default 0)")
    p.add_argument("--json", action="store_true", help="JSON output")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `compare` and `export` commands to the CLI."""
    from emodash.research import SPLITS
    from emodash.research.export import FORMATS

    cmp = sub.add_parser("compare", help="compare models under an honest split (table of mean ± sd)")
    _common(cmp)
    cmp.add_argument("--models", default="classical", help="comma list: svm,svm-rbf,knn,dt,nb,rf,mlp,cnn1d,cnn2d; "
                     "or 'classical' (default), 'all'")  # fmt: skip
    cmp.add_argument("--split", choices=SPLITS, help="default: the data set's honest split")
    cmp.add_argument("--folds", type=int, default=5)
    cmp.add_argument("--repeats", type=int, default=1, help="repeat random/grouped CV with other shuffles")
    cmp.add_argument("--search", action="store_true", help="small grid search inside each training side")
    cmp.add_argument("--tune", type=int, default=0, metavar="N",
                     help="N Optuna trials per model inside each training side (stored in EMODASH_DB; a rerun "
                     "runs only the missing ones)")  # fmt: skip
    cmp.add_argument("--smote", action="store_true", help="rebalance training sides with SMOTE")
    cmp.add_argument("--no-cache", action="store_true", help="recompute even if results are cached")
    cmp.add_argument("--reproduce", action="store_true", help="the EMG seed's own recipe beside the temporal hold-out")
    cmp.add_argument("--jobs", type=int, default=1, metavar="N",
                     help="run the folds on N Dask worker processes here (default 1: one after another)")  # fmt: skip
    cmp.add_argument("--scheduler", metavar="ADDRESS", help="run the folds on the Dask cluster at ADDRESS "
                     "(default: $EMODASH_DASK_SCHEDULER)")  # fmt: skip
    cmp.set_defaults(func=compare)

    exp = sub.add_parser("export", help="train a model and export it as C or TFLite")
    _common(exp)
    exp.add_argument("--model", required=True, help="zoo model (svm, knn, dt, nb, rf, svm-rbf; cnn1d/cnn2d for TFLite)")
    exp.add_argument("--format", choices=FORMATS, default="c")
    exp.add_argument("--out", help="output file (default: <data>-<model>.c / .tflite)")
    exp.add_argument("--no-check", action="store_true", help="skip compiling/running the export on held-out data")
    exp.set_defaults(func=export)
