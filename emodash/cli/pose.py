"""`emodash pose extract` (keypoints from videos, with MediaPipe Pose) and `emodash pose study` (the skeletal-movement
study: clustering table and classification under the honest and the seed's split)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def extract(target: str, out: str, every: int, labels: str | None) -> int:
    from tqdm import tqdm

    from emodash.modalities.pose.extract import extract_to_csv, videos_in

    videos = videos_in(target, labels)
    bar = tqdm(desc=f"{len(videos)} video(s)", unit="frame", file=sys.stderr, dynamic_ncols=True, mininterval=0.5)
    done, failed = extract_to_csv(videos, out, every, progress=bar.update)
    bar.close()
    for video, message in failed:
        print(f"error: {message}", file=sys.stderr)
    for e in done:
        print(f"{e.video}: {e.label}, {e.with_person} of {e.frames} frame(s) with a person ({e.fps:g} fps)")
    if not done:
        print("emodash: error: no video gave keypoints; nothing written", file=sys.stderr)
        Path(out).unlink(missing_ok=True)
        return 2
    print(f"wrote {out}: {len(done)} sequence(s) (read it with `emodash data describe {out}` or `emodash pose study`)")
    return 1 if failed else 0


def _data(target: str):
    from emodash import datasets

    names = {d.name for d in datasets.list_datasets("pose")}
    return datasets.load(target) if target in names else datasets.open_path(Path(target), "pose")


def study(args: argparse.Namespace) -> int:
    from emodash.core.errors import InputError
    from emodash.modalities.pose import study as pose_study
    from emodash.research import evaluation
    from emodash.research.splits import max_splits
    from emodash.research.tasks import for_dataset
    from emodash.research.zoo import parse_models

    ds = _data(args.data)
    X, y, _ = pose_study.prepare(ds, args.length, "truncate" if args.truncate else "resample",
                                 tuple(args.rotate), args.mirror, args.balance, args.seed)  # fmt: skip
    table = pose_study.cluster_table(X, y)
    best = table.sort_values("silhouette", ascending=False).iloc[0]
    cross = pose_study.contingency(X, y, int(best["k"]), best["linkage"])
    by_label = {str(k): v for k, v in cross.to_dict(orient="index").items()}
    out = {"data": ds.name, "synthetic": ds.synthetic, "sequences": len(ds), "vectors": len(X),
           "clustering": table.to_dict(orient="records"),
           "best_silhouette": {"linkage": best["linkage"], "k": int(best["k"]),
                               "clusters_by_label": by_label}}  # fmt: skip
    results = []
    if args.models:
        task = for_dataset(ds)
        models = task.models(parse_models(args.models))
        for split in dict.fromkeys([task.default_split, "random"]):
            folds = min(args.folds, max_splits(task.y, task.groups, split, task.group_column))
            if folds < 2:
                raise InputError(f"{ds.name}: too few sequences or subjects for a {split} split of 2 folds")
            raw = evaluation.evaluate(task, models, split, folds, seed=args.seed)
            per_class = raw.groupby("model")[[c for c in raw.columns if c.startswith("f1:")]].mean()
            s = evaluation.summary(raw)
            for _, row in s.iterrows():
                results.append({"model": row["model"], "split": split, "folds": int(row["folds"]),
                                **{m: {"mean": round(float(row[f"{m}_mean"]), 4), "sd": round(float(row[f"{m}_sd"]), 4)}
                                   for m in evaluation.METRICS},
                                "f1_per_class": {c[3:]: round(float(v), 4)
                                                 for c, v in per_class.loc[row["model"]].items()}})  # fmt: skip
    out["classification"] = results
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"{ds.name}: {len(ds)} sequences -> {len(X)} movement vectors" + (" (synthetic demo data)" if ds.synthetic
                                                                            else ""))  # fmt: skip
    shown = table.assign(sizes=table["sizes"].map(lambda s: " ".join(map(str, s))))
    print("\nhierarchical clustering (silhouette: higher is tighter; Davies-Bouldin: lower is better; adjusted Rand:")
    print("agreement with the labels, 0 = chance, 1 = the labels; largest_share: one cluster swallowing the rest)")
    print(shown.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    print(f"\nclusters x labels at the best silhouette ({best['linkage']}, k={int(best['k'])}):")
    print(cross.to_string())
    for r in results:
        print(f"{r['model']:>6} {r['split']:>8}: accuracy {r['accuracy']['mean']:.4f} ± {r['accuracy']['sd']:.4f}, "
              f"macro-F1 {r['macro_f1']['mean']:.4f} ± {r['macro_f1']['sd']:.4f} ({r['folds']} folds)")  # fmt: skip
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    pose = sub.add_parser("pose", help="body pose: keypoints from videos, the skeletal-movement study")
    acts = pose.add_subparsers(dest="action", required=True)
    ex = acts.add_parser("extract", help="MediaPipe Pose keypoints of a video or every video under a folder")
    ex.add_argument("target", metavar="VIDEO|FOLDER")
    ex.add_argument("-o", "--out", default="keypoints.csv", help="the keypoint CSV to write (default keypoints.csv)")
    ex.add_argument("--every", type=int, default=1, help="analyse every Nth frame (default: every frame)")
    ex.add_argument("--labels", help="CSV with file,label[,subject] (default: each video's folder name is its label)")
    ex.set_defaults(func=lambda a: extract(a.target, a.out, a.every, a.labels))
    st = acts.add_parser("study", help="clustering table (3/5/7 x ward/average/complete) and classification")
    st.add_argument("data", metavar="NAME|PATH", help="a keypoint CSV or folder, or a registered pose data set")
    st.add_argument("--length", type=int, default=30, help="frames per sequence after resampling (default 30)")
    st.add_argument("--truncate", action="store_true", help="keep the first LENGTH frames (the seed's way)")
    st.add_argument("--rotate", type=float, nargs="*", default=[], metavar="DEG", help="add copies rotated by DEG")
    st.add_argument("--mirror", action="store_true", help="add mirrored copies (left and right swapped)")
    st.add_argument("--balance", action="store_true", help="cut over-represented classes to the smallest's size")
    st.add_argument("--models", default="svm,rf,mlp", help="classifiers ('' for clustering only; cnn1d is slow)")
    st.add_argument("--folds", type=int, default=5)
    st.add_argument("--seed", type=int, default=0)
    st.add_argument("--json", action="store_true", help="one JSON object")
    st.set_defaults(func=study)
