"""`emodash calibrate face|voice|accel`: a personal model from one person's recorded takes (files), scored on
held-out takes beside the general model; kept only with `--save` (the personal folder) or `-o FILE.json`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def calibrate(args: argparse.Namespace) -> int:
    from emodash import datasets
    from emodash.core.errors import InputError
    from emodash.serving import personal

    modality = personal.KINDS[args.kind]
    ds = datasets.open_path(args.path, modality)
    if datasets.held_out_reason(ds):
        raise InputError(f"{args.path}: {datasets.held_out_reason(ds)}; calibrate on your own recordings")
    cal = personal.from_dataset(args.kind, ds, args.pieces)
    cal.name = args.name or Path(args.path).name
    report = cal.train()
    if args.out:
        Path(args.out).write_text(json.dumps(cal.to_json()), encoding="utf-8")
    where = personal.save(cal) if args.save else None
    if args.json:
        print(json.dumps({"kind": args.kind, **report.to_json(), "saved": str(where) if where else None,
                          "exported": args.out}))  # fmt: skip
        return 0
    general = "no general model for this kind" if report.general is None else f"general model {report.general:.3f}"
    print(f"{args.kind}: {len(cal.takes)} takes of {', '.join(report.labels)}")
    print(f"held-out takes ({report.held_out_takes}, {report.held_out_samples} samples): personal model "
          f"{report.personal:.3f}, {general}")  # fmt: skip
    if where:
        print(f"saved to {where} (delete with `emodash calibrate forget`)")
    elif not args.out:
        print("not saved (nothing was written): add --save to keep it in the personal folder, or -o FILE.json")
    return 0


def forget(args: argparse.Namespace) -> int:
    from emodash.core import settings
    from emodash.serving import personal

    n = personal.delete_all()
    print(f"deleted {n} file(s) and {settings.personal_dir()}" if n else "no personal models saved")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    cal = sub.add_parser("calibrate", help="a personal model from your own recorded takes").add_subparsers(
        dest="kind", required=True
    )
    kinds = {"face": "a folder per emotion of your face photos (each a take)",
             "voice": "your utterances: RAVDESS-named files, or a folder with labels.csv (each a take)",
             "accel": "labelled raw x/y/z recordings (CSV/xlsx with a state column, or Quiroz files)"}  # fmt: skip
    for kind, what in kinds.items():
        p = cal.add_parser(kind, help=what)
        p.add_argument("path", metavar="PATH")
        p.add_argument("--name", help="a name for the model (default: the folder's)")
        p.add_argument("--pieces", type=int, default=3, help="takes cut from an emotion's only recording (accel)")
        p.add_argument("--save", action="store_true", help="keep the model in the personal folder ($EMODASH_PERSONAL)")
        p.add_argument("-o", "--out", help="export the model as a JSON file")
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=calibrate)
    f = cal.add_parser("forget", help="delete every saved personal model")
    f.set_defaults(func=forget)
