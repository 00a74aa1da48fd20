"""`emodash analyze`: folders, photos, videos, recordings and text files into one table of scores, written in
chunks (flat memory), resumable, on local worker processes or a Dask cluster."""

from __future__ import annotations

import argparse
import json
import sys


def analyze(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from emodash.analysis.inputs import Options
    from emodash.analysis.job import analyze as run
    from emodash.core import settings

    modalities = tuple(m.strip() for m in args.modalities.split(",") if m.strip())
    options = Options(modalities, args.every, args.aligned, args.detector or settings.face_detector(),
                      args.text_column)  # fmt: skip
    bar = tqdm(unit="part", file=sys.stderr, dynamic_ncols=True, mininterval=0.5, disable=args.quiet)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        report = run(args.paths, args.out, options, args.jobs, args.scheduler, progress)
    except KeyboardInterrupt:
        bar.close()
        print(f"\ninterrupted: the finished parts are kept in {args.out}.parts; run the same command again to "
              "resume", file=sys.stderr)  # fmt: skip
        return 130
    bar.close()
    summary = _summary(args.out)
    if args.json:
        print(json.dumps({"out": str(report.out), "inputs": report.inputs, "units": report.units,
                          "resumed": report.resumed, "analysed": report.analysed, "rows": report.rows,
                          "skipped": len(report.skipped), **summary}))  # fmt: skip
    else:
        resumed = f", {report.resumed} already done" if report.resumed else ""
        print(f"wrote {report.out}: {report.rows:,} rows from {report.inputs:,} input(s) ({report.units} part(s)"
              f"{resumed}); errors: {summary['errors']:,}")  # fmt: skip
        for modality, n in summary["rows_by_modality"].items():
            print(f"  {modality or '(none)'}: {n:,} rows, {summary['found_by_modality'].get(modality, 0):,} with "
                  "a face, body, voice or text read")  # fmt: skip
        if report.skipped:
            print(f"  skipped {len(report.skipped)} file(s) no chosen modality reads, e.g. {report.skipped[0]}")
    return 0


def _summary(out: str) -> dict:
    """Counts per modality and errors, read back from the output in chunks."""
    rows: dict[str, int] = {}
    found: dict[str, int] = {}
    errors = 0
    for chunk in _chunks(out):
        chunk["modality"] = chunk["modality"].fillna("")
        for m, n in chunk.groupby("modality").size().items():
            rows[m] = rows.get(m, 0) + int(n)
        for m, n in chunk[chunk["label"].notna() | chunk["box_x"].notna()].groupby("modality").size().items():
            found[m] = found.get(m, 0) + int(n)
        errors += int(chunk["error"].notna().sum())
    return {"errors": errors, "rows_by_modality": rows, "found_by_modality": found}


def _chunks(out: str):
    import pandas as pd

    columns = ["modality", "label", "box_x", "error"]
    if out.lower().endswith(".parquet"):
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(out).iter_batches(columns=columns, batch_size=65536):
            yield batch.to_pandas()
    else:
        yield from pd.read_csv(out, usecols=columns, chunksize=65536, dtype=str)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "analyze", help="folders, photos, videos, audio and text files into one table of scores (resumable)",
        description="Analyse every input with the shipped models into one tidy table (a row per face, body, speech "
        "window or text). Results are written in parts as they finish; run the same command again to resume.",
    )  # fmt: skip
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched recursively)")
    p.add_argument("-o", "--out", required=True, help="the table: OUT.parquet or OUT.csv")
    p.add_argument("--modalities", default="face,speech,text,pose", help="comma list (default: all four); each input "
                   "goes through those that read it")  # fmt: skip
    p.add_argument("--every", type=int, default=1, help="analyse every N-th video frame (default 1: all)")
    p.add_argument("--aligned", action="store_true", help="each photo is already one face crop (as in FER-2013)")
    p.add_argument("--detector", choices=("mediapipe", "haar"), default=None,
                   help="face detector (default: $EMODASH_FACE_DETECTOR or mediapipe)")  # fmt: skip
    p.add_argument("--text-column", default="text", help="the column of a CSV that holds the texts (default: text)")
    p.add_argument("--jobs", type=int, default=1, help="local worker processes (default 1: in this process)")
    p.add_argument("--scheduler", default=None, help="a Dask scheduler, e.g. tcp://host:8786 (default: "
                   "$EMODASH_DASK_SCHEDULER; none: this machine)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the run's summary as one JSON object")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=analyze)
