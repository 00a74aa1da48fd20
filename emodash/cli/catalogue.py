"""`emodash catalogue add|stats` (the only writer of the image catalogue) and `emodash serve` (the REST API)."""

from __future__ import annotations

import argparse
import json
import sys


def add(target: str, db: str | None, faces: str, crop: bool, name: str | None) -> int:
    from sqlalchemy.orm import Session
    from tqdm import tqdm

    from emodash.catalogue import queries
    from emodash.catalogue.db import connect
    from emodash.catalogue.ingest import ingest

    engine = connect(db)
    bar = tqdm(desc=f"adding {name or target}", unit="img", file=sys.stderr, dynamic_ncols=True, mininterval=0.5)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        result = ingest(engine, target, faces=faces, crop=crop, name=name, progress=progress)
    except KeyboardInterrupt:
        bar.close()
        with Session(engine) as session:
            run = queries.runs(session)[0]
        print(
            f"emodash: interrupted: {run['kept']} images of this run are in (whole batches only); "
            "run the same command again to finish",
            file=sys.stderr,
        )
        return 130
    bar.close()
    print(
        f"{result.source}: {result.found} new item(s): {result.readable} readable, {result.kept} kept"
        + (f" (a face found by {faces})" if faces != "none" else "")
        + f"; {result.present} already in the catalogue"
    )
    return 0


def _table(rows: list[dict], columns: list[str]) -> str:
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in columns] if rows else [len(c) for c in columns]
    lines = ["  ".join(c.rjust(w) for c, w in zip(columns, widths))]
    lines += ["  ".join(str(r[c]).rjust(w) for c, w in zip(columns, widths)) for r in rows]
    return "\n".join(lines)


def stats(db: str | None, as_json: bool) -> int:
    from sqlalchemy.orm import Session

    from emodash.catalogue import queries
    from emodash.catalogue.db import connect

    with Session(connect(db)) as session:
        s = queries.stats(session)
    if as_json:
        print(json.dumps(s, ensure_ascii=False))
        return 0
    print(f"{s['images']} images from {s['sources']} source(s); {s['files']} stored files, {s['bytes'] / 2**20:.1f} MB")
    print("\nfunnel per source and label (found -> readable -> kept):")
    print(_table(s["funnel"], ["source", "label", "emotion", "found", "readable", "kept"]))
    print("\nimages per source and canonical emotion:")
    print(_table(s["counts"], ["source", "emotion", "images"]))
    d = s["duplicates"]
    print(
        f"\npixel-identical groups: {d['groups']} holding {d['images']} images; {d['across_sources']} across "
        f"sources, {d['across_splits']} across splits, {d['label_conflicts']} with conflicting emotions"
    )
    print("\ningest runs:")
    print(_table(s["runs"], ["run", "source", "status", "faces", "found", "readable", "kept", "present", "started"]))
    return 0


def serve(db: str | None, host: str, port: int) -> int:
    import uvicorn

    from emodash.api.app import create_app

    uvicorn.run(create_app(db), host=host, port=port, log_level="info")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    cat = sub.add_parser("catalogue", help="the SQL face-image catalogue: add data sets, print statistics")
    acts = cat.add_subparsers(dest="action", required=True)
    db_help = "database: a file path, sqlite:///FILE or postgresql+psycopg://USER@HOST/DB (default: $EMODASH_DB)"
    a = acts.add_parser("add", help="add a face data set (registered name, folder per class, FER-2013 CSV, zip)")
    a.add_argument("target", metavar="NAME|PATH")
    a.add_argument("--db", help=db_help)
    a.add_argument("--faces", choices=("none", "haar", "mediapipe"), default="none",
                   help="keep only images where this detector finds a face (default: keep all)")  # fmt: skip
    a.add_argument("--crop", action="store_true", help="store the largest face's crop instead of the whole image")
    a.add_argument("--name", help="the source's name in the catalogue (default: the data set's or folder's name)")
    a.set_defaults(func=lambda x: add(x.target, x.db, x.faces, x.crop, x.name))
    s = acts.add_parser("stats", help="the funnel per source, counts per source and emotion, duplicates, runs")
    s.add_argument("--db", help=db_help)
    s.add_argument("--json", action="store_true", help="one JSON object")
    s.set_defaults(func=lambda x: stats(x.db, x.json))

    srv = sub.add_parser("serve", help="the REST API (catalogue, read-only, and predictions) with uvicorn")
    srv.add_argument("--db", help=db_help)
    srv.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine)")
    srv.add_argument("--port", type=int, default=8000)
    srv.set_defaults(func=lambda x: serve(x.db, x.host, x.port))
