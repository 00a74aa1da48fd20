"""The SQL image catalogue: schema and migrations on SQLite and PostgreSQL, ingest of the real FER-2013 data
(counts, duplicates, idempotence, a run killed or interrupted mid-way), bad input, faces, the FACS tables, the CLI."""

from __future__ import annotations

import io
import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from emodash.catalogue import facs, queries
from emodash.catalogue.db import VERSION_TABLE, connect
from emodash.catalogue.ingest import ingest
from emodash.catalogue.schema import Base, Image, ImageFile, IngestRun, Rejection, Source
from emodash.cli import main
from emodash.core.errors import InputError
from emodash.core.taxonomy import CANONICAL
from tests.conftest import data_path


def _count(engine, model) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def _source_counts(source_md: Path) -> dict[str, dict[str, int]]:
    """{'train': {'angry': 3995, ...}, 'test': {...}} as FER-2013's SOURCE.md states them."""
    out = {}
    for split in ("train", "test"):
        line = next(x for x in source_md.read_text().splitlines() if x.startswith(f"- `{split}/"))
        out[split] = {k: int(v) for k, v in re.findall(r"([a-z]+) (\d+)", line.split("images:")[1])}
    return out


@pytest.fixture(scope="module")
def fer_catalogue(tmp_path_factory):
    """The whole FER-2013 folder set (train and test, 32,298 images) in an SQLite catalogue, ingested once."""
    root = data_path("fer2013")
    engine = connect(str(tmp_path_factory.mktemp("fer") / "fer.sqlite"))
    result = ingest(engine, str(root))
    return engine, result, root


# --- schema ---------------------------------------------------------------------------------------------------------


def test_migrations_build_exactly_the_models_schema(catalogue_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = connect(catalogue_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}), Base.metadata)
    assert diff == []
    connect(catalogue_url)  # a second open finds the schema current and the reference tables full: no change
    with Session(engine) as s:
        assert list(s.scalars(select(queries.Emotion.name).order_by(queries.Emotion.id))) == list(CANONICAL)
        assert len(queries.facs_units(s)) == len(facs.load().units)
        assert queries.prototypes(s) == [p[0] for p in facs.load().prototypes]
    engine.dispose()


def test_upgrading_a_first_schema_catalogue_flags_its_duplicates(catalogue_url):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from emodash.catalogue.db import MIGRATIONS, migrate

    engine = create_engine(catalogue_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(text("INSERT INTO sources VALUES (1, 's', 'f', 'l', 'ls', false)"))
        conn.execute(text("INSERT INTO ingest_runs VALUES (1, 1, 't', 'none', false, '2026-01-01 00:00:00+00', NULL, "
                          "'complete', 3, 3, 3, 0)"))  # fmt: skip
        conn.execute(text("INSERT INTO image_files VALUES ('h', 'image/png', 1, :b)"), {"b": b"\0"})
        for i, pixels in enumerate(("p1", "p1", "p2"), 1):
            conn.execute(
                text("INSERT INTO images (id, source_id, origin, source_label, split, width, height, aspect, format, "
                     "colour, file_size, file_sha256, pixel_sha256, cropped, run_id) VALUES "
                     "(:i, 1, :o, 'happy', 'x', 1, 1, 1.0, 'PNG', 'grey', 1, 'h', :p, false, 1)"),
                {"i": i, "o": f"item {i}", "p": pixels},
            )  # fmt: skip
    migrate(engine)
    with Session(engine) as s:
        assert dict(s.execute(select(Image.id, Image.duplicate)).all()) == {1: True, 2: True, 3: False}
    engine.dispose()


def _versions(url: str) -> dict[str, list[str]]:
    """The Alembic version tables of the database at `url` and the revisions they hold."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    with engine.connect() as conn:
        tables = [t for t in inspect(conn).get_table_names() if t.endswith("alembic_version")]
        out = {t: list(conn.scalars(text(f"SELECT version_num FROM {t}"))) for t in tables}
    engine.dispose()
    return out


@pytest.mark.parametrize("catalogue_first", [True, False], ids=["catalogue-first", "study-first"])
def test_a_catalogue_and_optuna_studies_live_in_one_database(catalogue_url, monkeypatch, catalogue_first):
    optuna = pytest.importorskip("optuna")
    from emodash.research import tuning

    monkeypatch.setenv("EMODASH_DB", catalogue_url)
    if catalogue_first:
        connect(catalogue_url).dispose()
    url = tuning.storage_url()
    assert url == catalogue_url
    study = optuna.create_study(study_name="s", storage=url, direction="maximize")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    engine = connect(catalogue_url)  # both open again, each on its own version table
    with Session(engine) as s:
        assert list(s.scalars(select(queries.Emotion.name).order_by(queries.Emotion.id))) == list(CANONICAL)
    engine.dispose()
    assert len(optuna.load_study(study_name="s", storage=tuning.storage_url()).trials) == 3
    versions = _versions(catalogue_url)
    assert versions[VERSION_TABLE] == ["0003"]
    assert versions["alembic_version"] and versions["alembic_version"][0].startswith("v")  # Optuna's, e.g. v3.2.0.a


def test_an_old_catalogue_on_the_shared_version_table_is_upgraded_in_place(catalogue_url, monkeypatch):
    optuna = pytest.importorskip("optuna")
    from alembic import command
    from alembic.config import Config
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine, inspect, text

    from emodash.catalogue.db import MIGRATIONS
    from emodash.research import tuning

    engine = create_engine(catalogue_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:  # a catalogue at 0002 as emodash made it before: its revision in alembic_version
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        conn.execute(text(f"DROP TABLE {VERSION_TABLE}"))
        MigrationContext.configure(conn).stamp(ScriptDirectory.from_config(cfg), "0002")  # Alembic's default table
        conn.execute(text("INSERT INTO sources VALUES (1, 's', 'f', 'l', 'ls', false)"))
    engine.dispose()
    assert _versions(catalogue_url) == {"alembic_version": ["0002"]}
    monkeypatch.setenv("EMODASH_DB", catalogue_url)
    url = tuning.storage_url()  # the catalogue upgraded first, then Optuna's tables beside it
    optuna.create_study(study_name="s", storage=url).optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    versions = _versions(catalogue_url)
    assert versions[VERSION_TABLE] == ["0003"] and versions["alembic_version"][0].startswith("v")
    engine = connect(catalogue_url)
    split = next(c for c in inspect(engine).get_columns("images") if c["name"] == "split")
    assert split["type"].length == 200  # 0003 ran
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Source)) == 1  # the old rows are kept
    engine.dispose()


def test_the_facs_tables_agree_with_the_reference_in_shared_data():
    ref = pd.read_csv(data_path("facs", "au_reference.csv"))
    names = dict(zip(ref["au"].astype(str), ref["facs_name"].str.lower()))
    tables = facs.load()
    for number, name, muscles in tables.units:
        assert name.lower().rstrip("s").replace("lips", "lip") == names[str(number)].rstrip("s"), number
        assert muscles
    source = data_path("facs", "SOURCE.md").read_text()
    classic = re.search(r"Classic prototypes: (.*)", source).group(1)
    for item in classic.rstrip(".").split("; "):
        emotion, combo = item.split(" ", 1)
        aus = [int(a) for a in re.findall(r"\d+", combo.split("(")[0])]
        ours = next(p for p in tables.prototypes if p[0] == emotion)
        assert [au for au, _ in ours[2]] == aus, emotion
    proto = pd.read_csv(data_path("facs", "emotion_au_prototypes.csv"))
    proto["emotion"] = proto["emotion"].replace({"happy": "happiness"})
    columns = [c for c in proto.columns if c.startswith("AU")]
    overlaps = []
    for name, _, units in tables.prototypes:
        ours = {f"AU{au:02d}_c" for au, _ in units} & set(columns)
        variants = [{c for c in columns if row[c] == 1} for _, row in proto[proto["emotion"] == name].iterrows()]
        if variants:  # the community's closest variant of the same emotion (Jaccard over the units both code)
            overlaps.append(max(len(ours & v) / len(ours | v) for v in variants))
    assert len(overlaps) == 6 and min(overlaps) >= 0.5 and np.mean(overlaps) >= 0.8, overlaps


def test_a_bad_database_url_is_a_clear_message(tmp_path):
    with pytest.raises(InputError, match="not a database URL"):
        connect("nosuchdriver://x/y")
    with pytest.raises(InputError, match="cannot open the catalogue"):
        connect("postgresql+psycopg://nobody@127.0.0.1:1/none")


# --- ingest of the real data ----------------------------------------------------------------------------------------


def test_ingest_of_the_fer2013_folders_gives_the_counts_of_their_source(fer_catalogue):
    engine, result, root = fer_catalogue
    expected = _source_counts(root / "SOURCE.md")
    assert result.found == result.kept == sum(sum(c.values()) for c in expected.values()) == 32_298
    with Session(engine) as s:
        got = s.execute(select(Image.split, Image.source_label, func.count()).group_by(Image.split, Image.source_label))
        counts: dict = {}
        for split, label, n in got:
            counts.setdefault(split, {})[label] = n
        assert counts == expected
        first = queries.list_images(s, queries.ImageFilter(split="test", emotion="happiness"), 1, 5)
        assert first.total == expected["test"]["happy"]
        assert {i["colour"] for i in first.items} == {"grey"} and first.items[0]["format"] == "JPEG"
        assert (first.items[0]["width"], first.items[0]["height"], first.items[0]["aspect"]) == (48, 48, 1.0)


def test_fer2013_has_over_a_thousand_pixel_identical_groups_and_they_are_found(fer_catalogue):
    engine, _, _ = fer_catalogue
    with Session(engine) as s:
        d = queries.duplicates(s)
        assert d["groups"] > 1000 and d["images"] > 2 * 1000
        assert d["across_splits"] > 0 and d["label_conflicts"] > 0  # train/test leaks and conflicting labels
        dup = queries.list_images(s, queries.ImageFilter(duplicate=True), 1, 500)
        assert dup.total == d["images"] and all(i["duplicates"] >= 1 for i in dup.items)
        one = dup.items[0]
        twins = s.scalars(select(Image.id).where(Image.pixel_sha256 == one["pixel_sha256"])).all()
        assert len(twins) == one["duplicates"] + 1
        assert queries.list_images(s, queries.ImageFilter(duplicate=False), 1, 1).total == 32_298 - d["images"]
        # the same bytes are stored once however many images hold them
        assert s.scalar(select(func.count()).select_from(ImageFile)) < 32_298


def test_a_second_ingest_adds_nothing(fer_catalogue):
    engine, _, root = fer_catalogue
    before = [_count(engine, m) for m in (Image, ImageFile, Rejection)]
    again = ingest(engine, str(root))
    assert (again.found, again.kept, again.present, again.status) == (0, 0, 32_298, "complete")
    assert [_count(engine, m) for m in (Image, ImageFile, Rejection)] == before


def test_the_fer2013_csv_is_stored_losslessly_with_its_usage_as_split(catalogue_url):
    engine = connect(catalogue_url)
    result = ingest(engine, "fer2013-csv")
    assert result.kept == 280
    table = pd.read_csv(data_path("fer2013", "fer2013_publictest_sample.csv"))
    with Session(engine) as s:
        page = queries.list_images(s, queries.ImageFilter(source="fer2013-csv"), 1, 500)
        assert page.total == 280 and {i["split"] for i in page.items} == {"PublicTest"}
        assert {i["format"] for i in page.items} == {"PNG"}
        by_emotion = {e["name"]: e["images"] for e in queries.list_emotions(s)}
        assert set(by_emotion.values()) == {40}
        row = page.items[7]
        data, ctype, _ = queries.image_file(s, row["id"])
        pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
        line = int(row["origin"].split()[1])
        expected = np.array(table["pixels"][line - 2].split(), dtype=np.uint8).reshape(48, 48)
        assert ctype == "image/png" and np.array_equal(pixels, expected)
    assert ingest(engine, "fer2013-csv").kept == 0
    engine.dispose()


def _wait_for_rows(db: Path, proc: subprocess.Popen, timeout: float = 120) -> int:
    start = time.time()
    while time.time() - start < timeout and proc.poll() is None:
        try:
            with sqlite3.connect(db) as c:
                n = c.execute("select count(*) from images").fetchone()[0]
        except sqlite3.OperationalError:
            n = 0
        if n:
            return n
        time.sleep(0.02)
    raise AssertionError("the ingest wrote nothing before it ended")


def _interrupted_then_finished(tmp_path: Path, sig: int) -> tuple[subprocess.CompletedProcess | int, Path]:
    data_path("fer2013", "test")
    db = tmp_path / "cat.sqlite"
    cmd = [sys.executable, "-m", "emodash", "catalogue", "add", "fer2013-test", "--db", str(db)]
    # a terminal's Ctrl+C: SIGINT as Python handles it by default (a test run started in the background, as by
    # `make test &`, inherits SIGINT ignored, and Python then leaves it ignored)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip
    _wait_for_rows(db, proc)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    return (proc.returncode, err), db


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_an_ingest_stopped_mid_way_leaves_whole_batches_and_the_next_run_finishes(tmp_path, sig):
    (code, err), db = _interrupted_then_finished(tmp_path, sig)
    engine = connect(str(db))
    with Session(engine) as s:
        n = s.scalar(select(func.count()).select_from(Image))
        run = s.scalars(select(IngestRun)).one()
        assert 0 < n < 3589 and n % 500 == 0  # whole batches only
        assert run.kept == n and run.found == n  # the run's counts were written with its rows
        missing = s.scalar(
            select(func.count()).select_from(Image).where(~Image.file_sha256.in_(select(ImageFile.sha256)))
        )
        assert missing == 0
    if sig == signal.SIGINT:
        assert code == 130 and "interrupted" in err and "run the same command again" in err
        assert run.status == "interrupted"
    else:
        assert code == -signal.SIGKILL and run.status == "running"
    finished = ingest(engine, "fer2013-test")
    assert finished.present == n and finished.kept == 3589 - n
    reference = connect(str(tmp_path / "reference.sqlite"))
    ingest(reference, "fer2013-test")

    def content(e) -> set:
        with Session(e) as s:
            return set(s.execute(select(Image.origin, Image.pixel_sha256, Image.source_label, Image.split)).all())

    assert content(engine) == content(reference) and len(content(engine)) == 3589
    engine.dispose()
    reference.dispose()


# --- own folders, uploads, bad files, faces -------------------------------------------------------------------------


def _folder(tmp_path: Path, astronaut_bgr: np.ndarray) -> Path:
    root = tmp_path / "mine"
    (root / "happy").mkdir(parents=True)
    (root / "sad").mkdir()
    cv2.imwrite(str(root / "happy" / "astronaut.jpg"), astronaut_bgr)
    cv2.imwrite(str(root / "happy" / "astronaut.png"), astronaut_bgr)  # same picture, other bytes
    rng = np.random.default_rng(0)
    cv2.imwrite(str(root / "sad" / "noise.png"), rng.integers(0, 255, (120, 160, 3), dtype=np.uint8))
    (root / "sad" / "truncated.jpg").write_bytes((root / "happy" / "astronaut.jpg").read_bytes()[:300])
    (root / "sad" / "text.png").write_text("not an image")
    (root / "sad" / "empty.jpg").write_bytes(b"")
    return root


def test_bad_files_are_rejected_with_their_reason_and_the_rest_is_kept(tmp_path, astronaut_bgr):
    root = _folder(tmp_path, astronaut_bgr)
    engine = connect(str(tmp_path / "c.sqlite"))
    result = ingest(engine, str(root))
    assert (result.found, result.readable, result.kept) == (6, 3, 3)
    with Session(engine) as s:
        reasons = dict(s.execute(select(Rejection.origin, Rejection.detail)).all())
        assert set(reasons) == {"sad/truncated.jpg", "sad/text.png", "sad/empty.jpg"}
        assert "empty" in reasons["sad/empty.jpg"] and "corrupt or truncated" in reasons["sad/truncated.jpg"]
        colours = dict(s.execute(select(Image.origin, Image.colour)).all())
        assert colours == {"happy/astronaut.jpg": "rgb", "happy/astronaut.png": "rgb", "sad/noise.png": "rgb"}
        funnel = {r["label"]: (r["found"], r["readable"], r["kept"]) for r in queries.funnel(s)}
        assert funnel == {"happy": (2, 2, 2), "sad": (4, 1, 1)}
    assert ingest(engine, str(root)).present == 6  # rejections are remembered too: nothing is read twice


def test_faces_keep_only_images_with_a_face_and_crop_stores_the_face(tmp_path, astronaut_bgr):
    root = _folder(tmp_path, astronaut_bgr)
    engine = connect(str(tmp_path / "c.sqlite"))
    result = ingest(engine, str(root), faces="haar", crop=True)
    assert (result.found, result.readable, result.kept) == (6, 3, 2)
    with Session(engine) as s:
        rows = queries.list_images(s, queries.ImageFilter(has_face=True), 1, 10).items
        assert len(rows) == 2 and all(r["cropped"] and r["detector"] == "haar" for r in rows)
        x, y, w, h = rows[0]["face"]
        assert (x, y) == (0, 0) and (rows[0]["width"], rows[0]["height"]) == (w, h) and 60 < w < 300
        assert rows[0]["pixel_sha256"] != rows[1]["pixel_sha256"]  # JPEG and PNG pixels differ slightly
        assert dict(s.execute(select(Rejection.origin, Rejection.reason)).all())["sad/noise.png"] == "no_face"
        assert [r["kept"] for r in queries.funnel(s)] == [2, 0]
    whole = connect(str(tmp_path / "whole.sqlite"))
    ingest(whole, str(root), faces="mediapipe")
    with Session(whole) as s:
        face = queries.list_images(s, queries.ImageFilter(has_face=True), 1, 10).items[0]
        assert face["width"] == 512 and 150 < face["face"][0] < 250 and face["detector"] == "mediapipe"


def test_a_zip_upload_is_read_like_its_folder(tmp_path, astronaut_bgr, monkeypatch):
    monkeypatch.setenv("EMODASH_CACHE", str(tmp_path / "cache"))
    root = _folder(tmp_path, astronaut_bgr)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in sorted(root.rglob("*")):
            if f.is_file():
                z.write(f, f.relative_to(root.parent).as_posix())
    archive = tmp_path / "upload.zip"
    archive.write_bytes(buf.getvalue())
    engine = connect(str(tmp_path / "c.sqlite"))
    result = ingest(engine, str(archive))
    assert (result.source, result.found, result.kept) == ("upload", 6, 3)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("happy/big.jpg", b"\0" * 50_000_000)
    with pytest.raises(InputError, match="expand|ratio|compress"):
        ingest(engine, str(bomb))


def test_a_source_name_is_tied_to_its_location(tmp_path, astronaut_bgr):
    root = _folder(tmp_path, astronaut_bgr)
    other = tmp_path / "elsewhere" / "mine"
    other.mkdir(parents=True)
    (other / "happy").mkdir()
    cv2.imwrite(str(other / "happy" / "a.png"), astronaut_bgr)
    engine = connect(str(tmp_path / "c.sqlite"))
    ingest(engine, str(root))
    with pytest.raises(InputError, match="pass --name"):
        ingest(engine, str(other))
    assert ingest(engine, str(other), name="mine-2").kept == 1


# --- the CLI --------------------------------------------------------------------------------------------------------


def test_cli_add_and_stats(tmp_path, capsys):
    db = str(tmp_path / "c.sqlite")
    assert main(["catalogue", "add", "demo-faces", "--db", db, "--faces", "haar"]) == 0
    out = capsys.readouterr()
    assert "demo-faces: 155 new item(s): 155 readable" in out.out and "155/155" in out.err
    assert main(["catalogue", "stats", "--db", db, "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["images"] == sum(r["kept"] for r in stats["funnel"]) < 155
    assert stats["runs"][0]["status"] == "complete" and stats["duplicates"]["groups"] >= 1
    assert main(["catalogue", "stats", "--db", db]) == 0
    text = capsys.readouterr().out
    assert "found -> readable -> kept" in text and "pixel-identical groups" in text and "synthetic" in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["catalogue", "add", "ravdess"], "is a speech data set"),
        (["catalogue", "add", "/no/such/folder"], "no such file or folder"),
        (["catalogue", "add", "demo-faces", "--crop"], "--crop needs a face detector"),
        (["catalogue", "stats", "--db", "mysql+nosuch://x"], "not a database URL"),
    ],
)
def test_cli_errors_are_one_line(args, message, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("EMODASH_DB", str(tmp_path / "c.sqlite"))
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_long_folder_name_is_a_split_on_both_databases(catalogue_url, tmp_path, astronaut_bgr):
    root = tmp_path / ("faces_collected_in_the_field_study_of_2024_cropped_and_checked_" * 2)[:120]
    (root / "happy").mkdir(parents=True)
    cv2.imwrite(str(root / "happy" / "a.png"), astronaut_bgr)
    engine = connect(catalogue_url)
    assert ingest(engine, str(root)).kept == 1
    with Session(engine) as s:
        assert s.scalar(select(Image.split)) == root.name
    engine.dispose()


def test_a_missing_detector_leaves_no_run_behind(tmp_path, monkeypatch):
    from emodash.catalogue import ingest as ingest_module

    def missing(name):
        raise ModuleNotFoundError("No module named 'mediapipe'", name="mediapipe")

    monkeypatch.setattr(ingest_module, "_Faces", missing)
    engine = connect(str(tmp_path / "c.sqlite"))
    with pytest.raises(ModuleNotFoundError):
        ingest(engine, "demo-faces", faces="mediapipe")
    assert _count(engine, IngestRun) == 0
