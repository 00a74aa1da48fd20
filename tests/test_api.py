"""The REST API: every endpoint on SQLite and PostgreSQL (pagination edges, filters, unknown parameters and values,
files with ETags, FACS), predictions agreeing with the CLI and storing nothing, and the real server (uvicorn)
fuzzed from its own OpenAPI schema."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import cv2
import pytest
from fastapi.testclient import TestClient

from emodash.api.app import create_app
from emodash.api.predict import MAX_UPLOAD
from emodash.catalogue.db import connect
from emodash.catalogue.ingest import ingest
from emodash.cli import main
from emodash.serving import registry
from tests.conftest import api_server, data_path

N_CSV, N_DEMO = 280, 155


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(request, tmp_path_factory) -> str:
    """A small catalogue: FER-2013's CSV sample (280) and the demo faces (155, a face found in most by Haar)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'c.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = connect(url)
    ingest(engine, "fer2013-csv")
    ingest(engine, "demo-faces", faces="haar")
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def client(db_url) -> TestClient:
    with TestClient(create_app(db_url)) as c:
        yield c


def _all(client: TestClient, query: str = "") -> list[dict]:
    page, items = 1, []
    while True:
        body = client.get(f"/images?page_size=100&page={page}{query}").json()
        items += body["items"]
        if not body["next"]:
            return items
        page += 1


def test_health_openapi_and_docs(client):
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["images"] > N_CSV
    spec = client.get("/openapi.json").json()
    assert {"/images", "/images/{image_id}", "/images/{image_id}/file", "/sources", "/emotions", "/facs/units",
            "/facs/emotions/{emotion}", "/predict/face", "/predict/speech", "/predict/speech/speaker", "/predict/text",
            "/health"} <= set(spec["paths"])  # fmt: skip
    assert "swagger" in client.get("/docs").text.lower()


def test_pages_cover_every_image_once_in_a_stable_order(client):
    total = client.get("/images").json()["total"]
    ids = [i["id"] for i in _all(client)]
    assert len(ids) == total == len(set(ids)) and ids == sorted(ids)
    first = client.get("/images?page_size=7").json()
    assert (first["page"], first["pages"], len(first["items"]), first["previous"]) == (1, -(-total // 7), 7, None)
    assert "page=2" in first["next"] and "page_size=7" in first["next"]
    last = client.get(f"/images?page_size=7&page={first['pages']}").json()
    assert len(last["items"]) == total - 7 * (first["pages"] - 1) and last["next"] is None
    past = client.get("/images?page_size=7&page=100000").json()
    assert past["items"] == [] and past["total"] == total and f"page={first['pages']}" in past["previous"]


@pytest.mark.parametrize(
    "query, status, message",
    [
        ("page=0", 422, "page"),
        ("page=-3", 422, "page"),
        ("page=abc", 422, "page"),
        ("page_size=0", 422, "page_size"),
        ("page_size=100000", 422, "page_size"),
        ("colour=blue", 422, "colour"),
        ("min_width=1e99", 422, "min_width"),
        ("min_aspect=nan", 422, "min_aspect"),
        ("has_face=perhaps", 422, "has_face"),
        ("size=big", 400, "unknown query parameter(s) size"),
        ("source=nosuch", 400, "no source named 'nosuch'; known: demo-faces, fer2013-csv"),
        ("emotion=glee", 400, "no emotion or source label 'glee'"),
        ("split=validation", 400, "no split 'validation'"),
        ("min_width=50&max_width=10", 400, "min_width (50) is above max_width (10)"),
        ("source=%00", 400, "no source named"),
    ],
)
def test_bad_queries_get_a_clear_4xx(client, query, status, message):
    r = client.get(f"/images?{query}")
    assert r.status_code == status and message in r.json()["error"], r.text


def test_filters(client):
    csv = client.get("/images?source=fer2013-csv").json()
    assert csv["total"] == N_CSV
    assert client.get("/images?emotion=happiness&source=fer2013-csv").json()["total"] == 40  # canonical
    assert client.get("/images?emotion=happy&source=fer2013-csv").json()["total"] == 40  # the source's label
    assert client.get("/images?split=PublicTest").json()["total"] == N_CSV
    assert client.get("/images?colour=rgb").json()["total"] == 0
    grey = client.get("/images?colour=grey").json()["total"]
    faces, no_faces = (client.get(f"/images?has_face={v}").json()["total"] for v in ("true", "false"))
    assert faces + no_faces == grey and 0 < faces < N_DEMO
    assert client.get("/images?min_width=49").json()["total"] == 0  # FER and demo faces are 48x48 (crops are not)
    assert client.get("/images?min_aspect=1&max_aspect=1").json()["total"] == grey
    dup = _all(client, "&duplicate=true")
    assert dup and all(i["duplicates"] >= 1 for i in dup)
    assert len(dup) + client.get("/images?duplicate=false").json()["total"] == grey


def test_one_image_its_file_and_etag(client):
    item = client.get("/images?source=fer2013-csv&page_size=1").json()["items"][0]
    assert client.get(f"/images/{item['id']}").json() == item
    r = client.get(f"/images/{item['id']}/file")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert hashlib.sha256(r.content).hexdigest() == item["sha256"] and r.headers["etag"] == f'"{item["sha256"]}"'
    assert cv2.imdecode(__import__("numpy").frombuffer(r.content, "uint8"), 0).shape == (48, 48)
    again = client.get(f"/images/{item['id']}/file", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and not again.content
    for path in ("/images/999999999", "/images/999999999/file"):
        assert client.get(path).status_code == 404 and "no image" in client.get(path).json()["error"]
    assert client.get("/images/0").status_code == 422 and client.get("/images/x").status_code == 422
    assert client.get(f"/images/{2**70}").status_code == 422


def test_sources_emotions_and_facs(client):
    sources = {s["name"]: s for s in client.get("/sources").json()}
    assert sources["fer2013-csv"]["images"] == N_CSV and sources["fer2013-csv"]["labels"]["happy"] == "happiness"
    assert sources["demo-faces"]["synthetic"] and sources["demo-faces"]["rejected"] > 0
    emotions = {e["name"]: e for e in client.get("/emotions").json()}
    assert sum(e["images"] for e in emotions.values()) == client.get("/images").json()["total"]
    assert {"source": "fer2013-csv", "label": "sad"} in emotions["sadness"]["source_labels"]
    units = {u["au"]: u for u in client.get("/facs/units").json()}
    assert units[12]["name"] == "Lip Corner Puller" and "happiness" in units[12]["prototypes"]
    happy = client.get("/facs/emotions/happiness?examples=3").json()
    assert happy["combination"] == "6 + 12" and [u["au"] for u in happy["units"]] == [6, 12]
    assert len(happy["examples"]) == 3 and {e["emotion"] for e in happy["examples"]} == {"happiness"}
    assert happy["examples"][0]["face"] is not None  # images with a face found come first
    assert client.get("/facs/emotions/surprise").json()["combination"] == "1 + 2 + 5B + 26"
    assert client.get("/facs/emotions/contempt").json()["examples"] == []  # no canonical emotion: no images
    missing = client.get("/facs/emotions/glee")
    assert missing.status_code == 404 and "known: happiness, sadness" in missing.json()["error"]
    assert client.get("/facs/emotions/happiness?examples=51").status_code == 422


def _cli_json(args: list[str], capsys) -> dict:
    capsys.readouterr()
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[0])


def test_predictions_agree_with_the_cli(client, capsys, tmp_path, astronaut_bgr):
    for text in ("I finally got the job and I cannot stop smiling", "i am glad it is over but i feel so lonely"):
        api = client.post("/predict/text", json={"text": text}).json()
        assert api == _cli_json(["predict", "text", text], capsys)
    assert api["label"] == "sadness" and isinstance(api["uncertain"], bool)  # a near tie: tests/test_cli.py

    crop = data_path("fer2013", "test", "happy").glob("*.jpg").__next__()
    api = client.post("/predict/face?aligned=true", files={"file": (str(crop), crop.read_bytes())}).json()
    assert api == _cli_json(["predict", "face", "--aligned", str(crop)], capsys)

    photo = tmp_path / "astronaut.png"
    cv2.imwrite(str(photo), astronaut_bgr)
    api = client.post("/predict/face?detector=haar", files={"file": (str(photo), photo.read_bytes())}).json()
    assert api == _cli_json(["predict", "face", "--detector", "haar", str(photo)], capsys)
    assert len(api["faces"]) == 1

    wav = next(data_path("ravdess_wav_sample").glob("*.wav"))
    api = client.post("/predict/speech", files={"file": (str(wav), wav.read_bytes())}).json()
    cli = _cli_json(["predict", "speech", str(wav)], capsys)
    assert api["label"] == cli["label"] and api["scores"] == pytest.approx(cli["scores"], abs=1e-3)
    assert "transcript" not in api

    flac = data_path("ravdess_16k", "Actor_01", "03-01-05-02-02-01-01.flac")  # "Dogs are sitting by the door"
    api = client.post("/predict/speech?transcribe=true", files={"file": (str(flac), flac.read_bytes())}).json()
    cli = _cli_json(["predict", "speech", "--transcribe", str(flac)], capsys)
    assert api["transcript"] == cli["transcript"] and api["words"] == cli["words"]
    assert api["transcript"]["text"].endswith("by the door") and api["words"]["label"] in api["words"]["scores"]


def test_files_of_one_speaker_agree_with_the_cli(client, capsys):
    folder = data_path("ravdess_16k", "Actor_05")
    paths = sorted(folder.iterdir())[::10]  # 6 files, every emotion but one
    uploads = [("files", (str(p), p.read_bytes())) for p in paths]
    api = client.post("/predict/speech/speaker", files=uploads, data={"speaker": "actor 5"})
    assert api.status_code == 200, api.text
    capsys.readouterr()
    assert main(["predict", "speech", *map(str, paths), "--speaker", "actor 5", "--json"]) == 0
    cli = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    served = registry.active_model("speech").model_id
    assert [a["input"] for a in api.json()] == [c["input"] for c in cli] == list(map(str, paths))
    for a, c in zip(api.json(), cli):
        assert a["model_id"] == c["model_id"] == f"{served}+speaker" and a["speaker"] == c["speaker"] == "actor 5"
        assert a["label"] == c["label"] and a["scores"] == pytest.approx(c["scores"], abs=1e-3)
    two = client.post("/predict/speech/speaker", files=uploads[:2], data={"speaker": "actor 5"}).json()
    assert [o["model_id"] for o in two] == [served] * 2 and "fewer than" in two[0]["note"]
    bad = client.post("/predict/speech/speaker", files=[*uploads, ("files", ("x.wav", b"RIFF....WAVE"))],
                      data={"speaker": "actor 5"})  # fmt: skip
    assert bad.status_code == 400 and "x.wav" in bad.json()["error"] and "not audio" in bad.json()["error"]
    assert client.post("/predict/speech/speaker", files=uploads).status_code == 422  # no speaker named


def test_bad_uploads_get_a_clear_4xx_and_nothing_is_stored(client, tmp_path, monkeypatch, astronaut_bgr):
    import tempfile

    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    before = client.get("/health").json()["images"]
    cases = [
        ("/predict/face", {"file": ("x.jpg", b"not an image")}, 400, "not an image"),
        ("/predict/face", {"file": ("x.jpg", b"")}, 400, "empty"),
        ("/predict/speech", {"file": ("x.wav", b"RIFF....WAVE")}, 400, "not audio"),
        ("/predict/face", None, 422, "file"),
        ("/predict/face", {"file": ("big.jpg", b"\0" * (MAX_UPLOAD + 10))}, 413, "larger than"),
    ]
    for path, files, status, message in cases:
        r = client.post(path, files=files)
        assert r.status_code == status and message in r.json()["error"], (path, r.text)
    r = client.post("/predict/text", json={"text": "x" * 30_000})
    assert r.status_code == 422 and "text" in r.json()["error"]
    assert client.post("/predict/text", json={"words": "hi"}).status_code == 422
    big = cv2.imencode(".png", cv2.resize(astronaut_bgr, (1600, 1600)))[1].tobytes()  # over Starlette's 1 MB spool
    assert len(big) > 2**20 and client.post("/predict/face", files={"file": ("a.png", big)}).status_code == 200
    assert list(spool.iterdir()) == []  # uploads stayed in memory
    assert client.get("/health").json()["images"] == before
    assert client.get("/images?foo=1").status_code == 400 and client.delete("/images").status_code == 405


def test_the_served_api_survives_fuzzing_from_its_own_schema(db_url, tmp_path):
    log = tmp_path / "server.log"
    workers = 2 if db_url.startswith("postgresql") else 1  # both ways of serving, one on each database
    with api_server(db_url, log, workers) as base:
        st = Path(sys.executable).with_name("schemathesis")
        run = subprocess.run(
            [str(st), "run", f"{base}/openapi.json", "--max-examples", "25", "--seed", "7", "--checks", "all",
             # valid by the schema but not by meaning (an unknown source, an empty upload): 400 is right there
             "--exclude-checks", "positive_data_acceptance", "--request-timeout", "30", "--no-color"],
            capture_output=True, text=True, timeout=600, cwd=tmp_path,
        )  # fmt: skip
        assert run.returncode == 0, run.stdout[-4000:]
        assert "passed" in run.stdout
    text = log.read_text()
    assert "Traceback" not in text and " 500 " not in text, text[-3000:]


def test_kept_alive_connections_answer_without_a_delayed_ack_wait(tmp_path):
    """With several workers, small answers on a kept-alive connection must not wait ~40 ms for the client's delayed
    ACK (uvicorn's own listening socket loses TCP_NODELAY: Kludex/uvicorn#3149; `emodash serve` binds its own)."""
    import httpx

    db = f"sqlite:///{tmp_path / 'c.sqlite'}"
    connect(db).dispose()
    with api_server(db, tmp_path / "api.log", workers=2) as base, httpx.Client(base_url=base) as client:
        times = []
        for _ in range(21):  # one connection, kept alive
            start = time.perf_counter()
            assert client.get("/health").status_code == 200
            times.append(time.perf_counter() - start)
    assert sorted(times)[10] < 0.025, times  # 40-50 ms each when Nagle waits for the delayed ACK


def test_a_streamed_body_over_the_limit_is_refused_with_413(client):
    def chunks():  # no Content-Length: the limit is counted as the body arrives
        boundary = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'
        yield boundary
        for _ in range(MAX_UPLOAD // 2**20 + 3):
            yield b"\0" * 2**20
        yield b"\r\n--x--\r\n"

    r = client.post("/predict/face", content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413 and "larger than" in r.json()["error"]
