"""`emodash features accel` and `emodash ranges suggest|apply`: window features and the feature-range rule model."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from emodash.cli.common import emit
from emodash.core.errors import InputError


def _windows(path: str, window_s: float | None, overlap: float | None, remove_gravity: bool, all_features: bool):
    from emodash.modalities.accel import formats as accel
    from emodash.modalities.accel.features import window_table

    return window_table(accel.read(path), window_s, overlap, remove_gravity, all_features)


def features(args: argparse.Namespace) -> int:
    """Windows of a recording file or folder (or the rows of a feature file) -> CSV of features with their labels."""
    ds = _windows(args.file, args.window_s, args.overlap, args.remove_gravity, all_features=True)
    table = ds.groups.reset_index(drop=True).assign(label=ds.labels).join(ds.table.reset_index(drop=True))
    table.to_csv(args.output, index=False)
    emit(
        {"output": str(args.output), "windows": len(ds), "features": list(ds.table.columns)},
        args.json,
        f"{args.output}: {len(ds)} windows x {ds.table.shape[1]} features",
    )
    return 0


def suggest(args: argparse.Namespace) -> int:
    """Ranges from each state's quantiles of the windows' features, as JSON."""
    from emodash.modalities.accel.ranges import suggest as from_quantiles

    ds = _windows(args.data, args.window_s, args.overlap, args.remove_gravity, all_features=False)
    r = from_quantiles(ds.table, ds.labels, (args.low, args.high), ds.label_set.names)
    r.meta |= {k: ds.meta.get(k) for k in ("window_s", "overlap", "remove_gravity") if k in ds.meta}
    r.save(args.output)
    emit(
        {"output": str(args.output), **r.to_dict()},
        args.json,
        f"{args.output}: {len(r.states)} states x {len(r.features)} features",
    )
    return 0


def apply(args: argparse.Namespace) -> int:
    """The rule model of a ranges file on data: accuracy, confusion and windows outside their state's ranges."""
    import numpy as np

    from emodash.modalities.accel import studio
    from emodash.modalities.accel.ranges import Ranges, RuleClassifier, outside

    r = Ranges.load(args.ranges)
    ds = _windows(args.data, r.meta.get("window_s"), r.meta.get("overlap"), bool(r.meta.get("remove_gravity")), True)
    y = np.asarray(ds.labels, dtype=object)
    unknown = sorted(set(y) - set(r.states))
    if unknown:
        raise InputError(f"{args.data}: state(s) {', '.join(unknown)} have no ranges in {args.ranges}")
    absent = [f for f in r.features if f not in ds.table.columns]
    if absent:
        raise InputError(
            f"{args.data}: no feature column(s) {', '.join(absent)} that {args.ranges} uses "
            f"(it has {', '.join(map(str, ds.table.columns[:8]))})"
        )
    test = studio.complete_rows(ds.table[r.features], np.arange(len(ds)))
    res = studio.scores(RuleClassifier(r).fit(ds.table[r.features], y), ds.table[r.features], y, test, r.states)
    n_out = int(outside(ds.table, y, r).any(axis=1).sum())
    out = {"data": str(args.data), "windows": len(ds), "outside": n_out, "states": r.states, **res}
    if args.output:
        table = studio.windows_table(ds, r)
        table[table["inside_ranges"]].drop(columns="inside_ranges").to_csv(args.output, index=False)
        out["cleaned"] = str(args.output)
    if args.json:
        print(json.dumps(out))
    else:
        width = max(len(s) for s in r.states)
        rows = [f"{'':{width}}  " + " ".join(f"{s[:6]:>6}" for s in r.states)]
        rows += [f"{s:{width}}  " + " ".join(f"{v:6d}" for v in row) for s, row in zip(r.states, res["confusion"])]
        print(f"rule model: accuracy {res['accuracy']:.3f} on {res['n_test']} windows; {n_out} outside their ranges")
        print("\n".join(rows))
        if args.output:
            print(f"cleaned windows -> {args.output}")
    return 0


def cross_validate(args: argparse.Namespace) -> int:
    """Random forest and the quantile-suggested rule model in folds grouped by participant (people not seen)."""
    from emodash.core.errors import InputError
    from emodash.modalities.accel import studio
    from emodash.research import splits

    ds = _windows(args.data, args.window_s, args.overlap, args.remove_gravity, all_features=False)
    who = splits.subject_column(ds.groups)
    if who is None or ds.groups[who].nunique() < 2:
        raise InputError(f"{args.data}: grouped cross-validation needs windows of at least 2 participants")
    res = studio.grouped_cv(ds, list(ds.table.columns), args.folds)
    human = f"{res['split']}, chance {res['chance']:.3f}: " + ", ".join(
        f"{k.replace('_', ' ')} {res[k]['mean']:.3f} +- {res[k]['std']:.3f}" for k in ("random_forest", "rules")
    )
    emit(res, args.json, human)
    return 0


def _window_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--window-s", type=float, default=None, help="window length in seconds (default: the data's, else 10)"
    )
    p.add_argument("--overlap", type=float, default=None, help="window overlap fraction (default 0.5)")
    p.add_argument("--remove-gravity", action="store_true", help="subtract each axis's window mean first")
    p.add_argument("--json", action="store_true", help="print JSON")


def register(sub: argparse._SubParsersAction) -> None:
    feats = sub.add_parser("features", help="window features of recordings").add_subparsers(
        dest="modality", required=True
    )
    acc = feats.add_parser("accel", help="accelerometer recordings (CSV/xlsx/Quiroz folder) -> features CSV")
    acc.add_argument("file", metavar="FILE")
    acc.add_argument("-o", "--output", type=Path, required=True, help="features CSV to write")
    _window_args(acc)
    acc.set_defaults(func=features)

    rng = sub.add_parser("ranges", help="per-state feature ranges and their rule model").add_subparsers(
        dest="action", required=True
    )
    sug = rng.add_parser("suggest", help="ranges from per-state quantiles of DATA")
    sug.add_argument("data", metavar="DATA")
    sug.add_argument("-o", "--output", type=Path, required=True, help="ranges JSON to write")
    sug.add_argument("--low", type=float, default=0.05, help="lower quantile (default 0.05)")
    sug.add_argument("--high", type=float, default=0.95, help="upper quantile (default 0.95)")
    _window_args(sug)
    sug.set_defaults(func=suggest)
    app = rng.add_parser("apply", help="the rule model of RANGES.json on DATA")
    app.add_argument("ranges", metavar="RANGES.json")
    app.add_argument("data", metavar="DATA")
    app.add_argument("-o", "--output", type=Path, default=None, help="write the windows inside their ranges (CSV)")
    app.add_argument("--json", action="store_true", help="print JSON")
    app.set_defaults(func=apply)
    cv = rng.add_parser("cv", help="random forest and rule model in folds grouped by participant on DATA")
    cv.add_argument("data", metavar="DATA")
    cv.add_argument("--folds", type=int, default=4, help="grouped folds (default 4)")
    _window_args(cv)
    cv.set_defaults(func=cross_validate)
